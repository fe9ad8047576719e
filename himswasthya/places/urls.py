from django.urls import path

from himswasthya.places import views

app_name = "places"
urlpatterns = [
    path("", views.state_view, name="state"),
    path("districts/<int:lgd_code>/", views.district_view, name="district"),
    path("districts/<int:lgd_code>/no-block/", views.no_block_view, name="no_block"),
    path("blocks/<int:lgd_code>/", views.block_view, name="block"),
]
