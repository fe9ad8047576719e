from django.urls import path

app_name = "himparivar"
urlpatterns: list = []
