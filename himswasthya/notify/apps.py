from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "himswasthya.notify"
    label = "notify"
