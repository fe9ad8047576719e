from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "himswasthya.audit"
    label = "audit"

    def ready(self) -> None:
        from himswasthya.audit import checks  # noqa: F401 - registers the deployment checks of the keys
