"""The facility administrator's OPD set-up pages, /facilities/<code>/opd/... (mounted at "facilities/" by the
project's urls.py beside facilities' own pages; moved from facilities, issue #11 item 3)."""

from django.urls import path

from himswasthya.registration import opd_setup_views

app_name = "opd_setup"
urlpatterns = [
    path("<str:code>/opd/", opd_setup_views.opd_overview_view, name="opd"),
    path("<str:code>/opd/sessions/add/", opd_setup_views.opd_session_view, name="opd_session_add"),
    path("<str:code>/opd/sessions/<int:pk>/", opd_setup_views.opd_session_view, name="opd_session_edit"),
    path(
        "<str:code>/opd/sessions/<int:pk>/remove/",
        opd_setup_views.opd_session_deactivate_view,
        name="opd_session_deactivate",
    ),
    path("<str:code>/opd/sessions/copy/", opd_setup_views.opd_copy_weekday_view, name="opd_copy_weekday"),
    path("<str:code>/opd/policy/", opd_setup_views.opd_policy_view, name="opd_policy"),
    path("<str:code>/opd/closures/add/", opd_setup_views.opd_closure_view, name="opd_closure_add"),
    path(
        "<str:code>/opd/closures/<int:pk>/remove/",
        opd_setup_views.opd_closure_delete_view,
        name="opd_closure_delete",
    ),
]
