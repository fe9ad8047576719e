"""The records app's pages under /records/ (views/): the citizen's and the record's pages (citizen.py)."""

from django.urls import path

from himswasthya.records.views import citizen

app_name = "records"

urlpatterns = [
    path("mine/", citizen.my_records, name="my_records"),
    path("<int:encounter_id>/", citizen.record_detail, name="record_detail"),
    path("<int:encounter_id>/record.pdf", citizen.record_pdf, name="record_pdf"),
    path("people/<int:person_id>/history/", citizen.patient_history, name="patient_history"),
]
