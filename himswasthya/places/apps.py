from collections.abc import Iterable

from django.apps import AppConfig


def district_names(district_ids: Iterable[int]) -> dict[int, str]:
    from himswasthya.places.models import District

    return {d.pk: d.display_name() for d in District.objects.filter(pk__in=list(district_ids))}


class PlacesConfig(AppConfig):
    name = "himswasthya.places"
    label = "places"

    def ready(self) -> None:
        from himswasthya.audit.hooks import hooks

        hooks.district_names = district_names  # audit sits below places: it asks through this hook
