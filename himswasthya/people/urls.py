from django.urls import path

from himswasthya.people import views

app_name = "people"
urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("new/", views.register_view, name="register"),
    path("merge/", views.merge_view, name="merge"),
    path("merge/<int:merge_id>/undo/", views.undo_merge_view, name="undo_merge"),
    path("<int:person_id>/", views.person_view, name="person"),
    path("<int:person_id>/uhid/", views.issue_uhid_view, name="issue_uhid"),
]
