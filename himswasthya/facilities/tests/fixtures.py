"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins).

`hp_facilities`: the real places of HP (`hp_places`) plus the synthetic network of 2,918 facilities; returns
the generator's result object. Replayed like `hp_places` after its first run in a process (see
places/tests/fixtures.py).
"""

from __future__ import annotations

import pytest

from himswasthya.places.tests.fixtures import replayed


@pytest.fixture
def hp_facilities(hp_places):
    from himswasthya.facilities.synthetic import generate_synthetic_network

    return replayed("hp_facilities", lambda: generate_synthetic_network(seed=2026))
