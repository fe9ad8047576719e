from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "himswasthya.places"
    label = "places"
