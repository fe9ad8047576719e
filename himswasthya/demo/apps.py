from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "himswasthya.demo"
    label = "demo"
    verbose_name = "Demo data"
