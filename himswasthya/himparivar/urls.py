from django.urls import path

from himswasthya.himparivar import views

app_name = "himparivar"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("<str:family_id>/", views.family_view, name="family"),
]
