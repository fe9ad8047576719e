from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "himswasthya.core"
    label = "core"
