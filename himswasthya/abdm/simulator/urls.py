"""/abdm-sim/gateway/... mirrors {gw}; /abdm-sim/abha/... mirrors {abha} (abdm-api.md section 0)."""

from django.urls import path

from himswasthya.abdm.simulator import views

app_name = "abdm_sim"

urlpatterns = [
    path("gateway/gateway/v3/sessions", views.sessions, name="sessions"),
    path("gateway/gateway/v3/certs", views.certs, name="certs"),
    path("gateway/patient-share/v3/on-share", views.on_share, name="on_share"),
    path("abha/v3/profile/public/certificate", views.public_certificate, name="certificate"),
    path("abha/v3/phr/web/login/abha/search", views.search_abha_address, name="search"),
    path("abha/v3/profile/login/request/otp", views.login_request_otp, name="request_otp"),
    path("abha/v3/profile/login/verify", views.login_verify, name="verify"),
    path("abha/v3/profile/account", views.profile_account, name="profile"),
]
