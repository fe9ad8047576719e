"""The fixtures of the demo loaders' tests: other apps' fixtures and factories, and a population."""

import pytest

from himswasthya.himcare.tests.factories import make_scheme_year, make_specialty
from himswasthya.himparivar.tests.fixtures import geography
from himswasthya.registration.tests.booking_fixtures import (
    clock,
    medicine,
    thursday_session,
    wednesday_session,
)

__all__ = [
    "clock",
    "geography",
    "medicine",
    "population",
    "scheme_year",
    "specialty",
    "thursday_session",
    "wednesday_session",
]


@pytest.fixture
def population(geography):
    """800 synthetic people in families over `geography` (Shimla, Kangra, Lahaul & Spiti, Kinnaur)."""
    from himswasthya.demo.population.services import do_make_population

    return do_make_population(800, seed=11, batch_people=150)


@pytest.fixture
def scheme_year(db):
    return make_scheme_year()


@pytest.fixture
def specialty(db):
    return make_specialty()
