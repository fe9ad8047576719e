from django.urls import path

from himswasthya.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<str:code>/", views.detail_view, name="detail"),
    # The public OPD timetable (issue #4 item 1). The administrator's OPD set-up pages under
    # <code>/opd/ are registration's (registration/opd_setup_urls.py, namespace "opd_setup").
    path("<str:code>/timetable/", views.opd_timetable_view, name="opd_timetable"),
]
