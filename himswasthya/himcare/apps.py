from django.apps import AppConfig


class HimcareConfig(AppConfig):
    name = "himswasthya.himcare"
    label = "himcare"

    def ready(self) -> None:
        # The citizen's "My family" page (himparivar, below us) asks for each member's HIMCARE link here.
        from himswasthya.himcare.enrolment.family_links import himcare_links
        from himswasthya.himparivar.hooks import hooks

        hooks.himcare_links = himcare_links

        # records (below us) lets the treating hospital's desk open a case's admission record for a
        # beneficiary of any district: the case vouches for the patient.
        from himswasthya.himcare.cases.treatment import treats_patient
        from himswasthya.records.models import HIMCARE_SOURCE
        from himswasthya.records.services import register_source_check

        register_source_check(HIMCARE_SOURCE, treats_patient)
