from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "himswasthya.accounts"
    label = "accounts"

    def ready(self) -> None:
        from himswasthya.accounts import signals  # noqa: F401 - connects the sign-in receiver
        from himswasthya.accounts.languages import language_of_mobile
        from himswasthya.notify import outbox

        outbox.language_of_mobile = language_of_mobile  # SMS in the language the citizen chose
