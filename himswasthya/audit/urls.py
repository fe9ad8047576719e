from django.urls import path

from himswasthya.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entries"),
]
