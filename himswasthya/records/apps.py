from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "himswasthya.records"
    label = "records"
