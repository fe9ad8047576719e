from django.urls import path

from himswasthya.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", views.staff_login, name="login"),
    path("login/mobile/", views.mobile_login, name="mobile_login"),
    path("login/otp/", views.otp_entry, name="otp"),
    path("login/second-factor/", views.mfa_verify, name="mfa"),
    path("login/second-factor/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("home/", views.home, name="home"),
    path("password/change/", views.password_change, name="password_change"),
]
