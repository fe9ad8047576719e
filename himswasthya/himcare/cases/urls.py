"""HIMCARE pages, cases and claims (namespace "himcare", mounted at /himcare/)."""

from django.urls import path

from himswasthya.himcare.cases import views

urlpatterns = [
    path("cases/", views.case_list_view, name="cases"),
    path("cases/new/", views.new_case_view, name="case_new"),
    path("cases/icd10/", views.icd10_search_view, name="case_icd10"),
    path("cases/preauth-queue/", views.preauth_queue_view, name="preauth_queue"),
    path("cases/claim-queue/", views.claim_queue_view, name="claim_queue"),
    path("cases/mine/", views.my_claims_view, name="my_claims"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case_detail"),
    path("cases/<int:case_id>/documents/<int:document_id>/", views.case_document_view, name="case_document"),
    path("cases/<int:case_id>/record/", views.case_record_view, name="case_record"),
    path("cases/<int:case_id>/<slug:action>/", views.case_action_view, name="case_action"),
]
