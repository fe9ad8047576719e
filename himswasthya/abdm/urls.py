from django.urls import path

from himswasthya.abdm import views

app_name = "abdm"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
]
