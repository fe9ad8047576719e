from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "himswasthya.accounts"
    label = "accounts"
