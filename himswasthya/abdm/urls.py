from django.urls import path

from himswasthya.abdm import link_views, views

app_name = "abdm"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("link/person/<int:person_id>/", link_views.link_person, name="link_person"),
    path("link/reviews/", link_views.link_reviews, name="link_reviews"),
    path("link/reviews/<int:request_id>/", link_views.link_review_decide, name="link_review_decide"),
]
