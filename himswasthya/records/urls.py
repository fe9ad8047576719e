"""The records app's pages under /records/ (views/): the doctor's consultation workbench (workbench.py), the
citizen's and the record's pages (citizen.py)."""

from django.urls import path

from himswasthya.records.views import citizen, workbench

app_name = "records"
urlpatterns = [
    path("encounters/<int:encounter_id>/", workbench.workbench, name="workbench"),
    path("encounters/<int:encounter_id>/correct/", workbench.correct, name="correct"),
    path("codes/icd10/", workbench.icd10_search, name="icd10_search"),
    path("codes/medicines/", workbench.medicine_search, name="medicine_search"),
    path("codes/favourites/", workbench.favourite, name="favourite"),
    path("mine/", citizen.my_records, name="my_records"),
    path("<int:encounter_id>/", citizen.record_detail, name="record_detail"),
    path("<int:encounter_id>/record.pdf", citizen.record_pdf, name="record_pdf"),
    path("<int:encounter_id>/record.fhir.json", citizen.record_fhir, name="record_fhir"),
    path("people/<int:person_id>/history/", citizen.patient_history, name="patient_history"),
]
