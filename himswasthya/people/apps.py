from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "himswasthya.people"
    label = "people"
