"""A small geography (Shimla, Kangra, Lahaul & Spiti, Kinnaur) and a small register imported onto it.

`geography` is shared with the demo app's tests (its synthetic population is generated over it);
`register_families` imports `register_files.sample_families()` with this app's own importer.
"""

from __future__ import annotations

import pytest

from himswasthya.himparivar.importer import import_file
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.register_files import sample_families, write_json
from himswasthya.places.models import Block, District, GramPanchayat, State


def _gps(district: District, block_code: int, names: list[str]) -> list[GramPanchayat]:
    block = Block.objects.create(lgd_code=block_code, name=f"{district.name} Block", district=district)
    return [
        GramPanchayat.objects.create(name=name, source_id=f"{block_code}-{i}", district=district, block=block)
        for i, name in enumerate(names)
    ]


@pytest.fixture
def geography(persona_district, persona_other_district):
    state = State.objects.get(lgd_code=2)
    lahaul = District.objects.create(
        lgd_code=21, name="Lahaul and Spiti", name_hi="लाहौल और स्पीति", state=state
    )
    kinnaur = District.objects.create(lgd_code=19, name="Kinnaur", name_hi="किन्नौर", state=state)
    return {
        "shimla": _gps(persona_district, 9001, ["Mashobra", "Naldehra", "Basantpur"]),
        "kangra": _gps(persona_other_district, 9002, ["Sidhbari", "Khaniyara", "Rakkar"]),
        "lahaul": _gps(lahaul, 9003, ["Keylong", "Kaza"]),
        "kinnaur": _gps(kinnaur, 9004, ["Kalpa", "Sangla"]),
    }


@pytest.fixture
def register_families(geography, tmp_path):
    """Three families (two in Shimla, one in Kangra; seven members, mobiles, ABHAs) through the importer."""
    result = import_file(write_json(tmp_path / "register.json", sample_families()))
    assert result.counts.families_created == 3 and result.counts.rows_rejected == 0, result
    return Family.objects.order_by("family_id")
