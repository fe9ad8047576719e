from django.apps import AppConfig


class HimcareConfig(AppConfig):
    name = "himswasthya.himcare"
    label = "himcare"

    def ready(self) -> None:
        # The citizen's "My family" page (himparivar, below us) asks for each member's HIMCARE link here.
        from himswasthya.himcare.enrolment.family_links import himcare_links
        from himswasthya.himparivar.hooks import hooks

        hooks.himcare_links = himcare_links
