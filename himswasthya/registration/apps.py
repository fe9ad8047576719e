from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "himswasthya.registration"
    label = "registration"
