from django.urls import path

from himswasthya.facilities import opd_views, views

app_name = "facilities"
urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<str:code>/", views.detail_view, name="detail"),
]

# OPD configuration (issue #4 item 1): the facility administrator's pages and the public timetable.
urlpatterns += [
    path("<str:code>/timetable/", opd_views.opd_timetable_view, name="opd_timetable"),
    path("<str:code>/opd/", opd_views.opd_overview_view, name="opd"),
    path("<str:code>/opd/sessions/add/", opd_views.opd_session_view, name="opd_session_add"),
    path("<str:code>/opd/sessions/<int:pk>/", opd_views.opd_session_view, name="opd_session_edit"),
    path(
        "<str:code>/opd/sessions/<int:pk>/remove/",
        opd_views.opd_session_deactivate_view,
        name="opd_session_deactivate",
    ),
    path("<str:code>/opd/sessions/copy/", opd_views.opd_copy_weekday_view, name="opd_copy_weekday"),
    path("<str:code>/opd/policy/", opd_views.opd_policy_view, name="opd_policy"),
    path("<str:code>/opd/closures/add/", opd_views.opd_closure_view, name="opd_closure_add"),
    path(
        "<str:code>/opd/closures/<int:pk>/remove/",
        opd_views.opd_closure_delete_view,
        name="opd_closure_delete",
    ),
]
