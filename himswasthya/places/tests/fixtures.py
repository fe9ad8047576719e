"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins).

`hp_places`: the real geography of HP (12 districts, 87 blocks, 177 tehsils, 68 ULBs, ~3,575 GPs) loaded with
the project's loader (about 0.3 s on SQLite). `hp_facilities`: the places plus the synthetic network of 2,918
facilities (about 0.6 s more). Both return the loader's result object.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def hp_places(db):
    from himswasthya.places.loader import load_places

    return load_places()


@pytest.fixture
def hp_facilities(hp_places):
    # Imported here: places sits below facilities, only this test helper reaches up.
    from himswasthya.facilities.synthetic import generate_synthetic_network

    return generate_synthetic_network(seed=2026)
