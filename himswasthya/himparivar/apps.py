from django.apps import AppConfig


class HimparivarConfig(AppConfig):
    name = "himswasthya.himparivar"
    label = "himparivar"

    def ready(self) -> None:
        # accounts scoping asks the register who is in a citizen's family (accounts may not import us).
        from himswasthya.accounts.scoping import register_family_register
        from himswasthya.himparivar.family_register import REGISTER

        register_family_register(REGISTER)
