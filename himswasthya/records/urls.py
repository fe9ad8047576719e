"""Records pages: the doctor's consultation workbench (views/workbench.py)."""

from django.urls import path

from himswasthya.records.views import workbench

app_name = "records"
urlpatterns = [
    path("encounters/<int:encounter_id>/", workbench.workbench, name="workbench"),
    path("encounters/<int:encounter_id>/correct/", workbench.correct, name="correct"),
    path("codes/icd10/", workbench.icd10_search, name="icd10_search"),
    path("codes/medicines/", workbench.medicine_search, name="medicine_search"),
    path("codes/favourites/", workbench.favourite, name="favourite"),
]
