"""HIMCARE pages: monitoring (namespace "himcare", mounted at /himcare/)."""

from django.urls import path

from himswasthya.himcare.coverage import views

urlpatterns: list = [
    path("monitoring/flags/", views.flags_view, name="monitoring_flags"),
    path("monitoring/flags/<int:flag_id>/", views.flag_view, name="monitoring_flag"),
    path("monitoring/coverage/", views.coverage_view, name="monitoring_coverage"),
    path("monitoring/coverage/export.csv", views.coverage_csv_view, name="monitoring_coverage_csv"),
    path("monitoring/coverage/refresh/", views.coverage_refresh_view, name="monitoring_coverage_refresh"),
    path("monitoring/outreach/<int:gp_id>/", views.outreach_view, name="monitoring_outreach"),
]
