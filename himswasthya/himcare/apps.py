from django.apps import AppConfig


class HimcareConfig(AppConfig):
    name = "himswasthya.himcare"
    label = "himcare"
