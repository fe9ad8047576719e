"""HIMCARE pages, mounted at /himcare/."""

from django.urls import include, path

app_name = "himcare"

urlpatterns = [
    path("", include("himswasthya.himcare.enrolment.urls")),
    path("", include("himswasthya.himcare.hospitals.urls")),
    path("", include("himswasthya.himcare.coverage.urls")),
    path("", include("himswasthya.himcare.cases.urls")),
]
