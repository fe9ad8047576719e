from django.apps import AppConfig


class CodelistsConfig(AppConfig):
    name = "himswasthya.codelists"
    label = "codelists"
