from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "himswasthya.audit"
    label = "audit"
