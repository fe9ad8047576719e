"""HIMCARE pages, hospital side (namespace "himcare", mounted at /himcare/)."""

from django.urls import path

from himswasthya.himcare.hospitals import views

urlpatterns: list = [
    path("verify/", views.verify_view, name="verify"),
    path("packages/", views.packages_view, name="packages"),
    path("empanelments/", views.empanelments_view, name="empanelments"),
    path("empanelments/new/", views.empanel_view, name="empanel"),
    path(
        "empanelments/<int:empanelment_id>/status/", views.empanelment_action_view, name="empanelment_action"
    ),
    path("hospitals/new/", views.register_hospital_view, name="register_hospital"),
    path("hospitals/", views.empanelled_hospitals_view, name="empanelled_hospitals"),
]
