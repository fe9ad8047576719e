from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "himswasthya.accounts"
    label = "accounts"

    def ready(self) -> None:
        from himswasthya.accounts import signals  # noqa: F401 - connects the sign-in receiver
