from django.urls import path

from himswasthya.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<str:code>/", views.detail_view, name="detail"),
]
