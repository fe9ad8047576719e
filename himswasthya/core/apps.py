from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "himswasthya.core"
    label = "core"

    def ready(self) -> None:
        from himswasthya.core import checks  # noqa: F401 - registers the system checks
