from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "himswasthya.records"
    label = "records"

    def ready(self) -> None:
        from himswasthya.abdm.hooks import hooks
        from himswasthya.records import hip

        # abdm sits below records: the HIP role asks for care contexts and documents through these hooks.
        hooks.care_contexts_for = hip.care_contexts_for
        hooks.documents_for = hip.documents_for
