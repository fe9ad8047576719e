"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins).

`hp_places`: the real geography of HP (12 districts, 87 blocks, 177 tehsils, 68 ULBs, ~3,575 GPs) loaded with
the project's loader (about 0.3 s on SQLite); returns the loader's result object. `hp_facilities` (the places
plus the synthetic facility network) is in facilities/tests/fixtures.py: places sits below facilities.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def hp_places(db):
    from himswasthya.places.loader import load_places

    return load_places()
