"""HIMCARE pages, mounted at /himcare/."""

from django.urls import include, path

app_name = "himcare"

urlpatterns = [
    path("", include("himswasthya.himcare.urls_enrolment")),
    path("", include("himswasthya.himcare.urls_hospital")),
    path("", include("himswasthya.himcare.urls_monitoring")),
    path("", include("himswasthya.himcare.urls_cases")),
]
