from django.apps import AppConfig


class HimparivarConfig(AppConfig):
    name = "himswasthya.himparivar"
    label = "himparivar"
