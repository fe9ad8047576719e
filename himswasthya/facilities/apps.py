from django.apps import AppConfig


def district_of_facility(facility_id: int) -> int | None:
    from himswasthya.facilities.models import Facility

    return Facility.objects.filter(pk=facility_id).values_list("district_id", flat=True).first()


class FacilitiesConfig(AppConfig):
    name = "himswasthya.facilities"
    label = "facilities"

    def ready(self) -> None:
        from himswasthya.audit.hooks import hooks

        hooks.district_of_facility = district_of_facility  # audit sits below facilities: it asks through it
