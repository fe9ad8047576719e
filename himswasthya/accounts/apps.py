from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "himswasthya.accounts"
    label = "accounts"

    def ready(self) -> None:
        from himswasthya.accounts import signals  # noqa: F401 - connects the sign-in receiver
        from himswasthya.accounts.languages import language_of_mobile
        from himswasthya.notify.hooks import hooks

        hooks.language_of_mobile = language_of_mobile  # notify sits below accounts: it asks through this hook
