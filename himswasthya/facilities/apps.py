from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "himswasthya.facilities"
    label = "facilities"
