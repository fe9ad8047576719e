"""Incremental sync: the real client over HTTP against the simulator (live_server), every change type."""

from __future__ import annotations

import pytest

from himswasthya.himparivar.importer import import_file
from himswasthya.himparivar.models import Family, Member, SimulatedChange, SyncState
from himswasthya.himparivar.register_services import do_sync_register
from himswasthya.himparivar.sync import apply as sync_apply
from himswasthya.himparivar.sync.simulator import add_change
from himswasthya.himparivar.tests.register_files import sample_families, write_csv
from himswasthya.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(settings, live_server, geography, tmp_path):
    settings.HIMPARIVAR_API_URL = f"{live_server.url}/himparivar-sim"
    settings.HIMPARIVAR_API_TOKEN = "sim-token"
    settings.HIMPARIVAR_RETRY_BACKOFF_SECONDS = 0
    import_file(write_csv(tmp_path / "export.csv", sample_families()))


def _family(index: int, *member_indexes: int, **changes) -> dict:
    family = sample_families()[index]
    members = [family["members"][i] for i in member_indexes]
    return {**family, "members": members, **changes}


def _id_of(index: int) -> str:
    """The cursor after the change at `index` (ids keep growing across transactional tests)."""
    return str(list(SimulatedChange.objects.values_list("id", flat=True))[index])


def _seed_each_change_type() -> None:
    newborn = {
        "member_id": "HPM-T-0010",
        "relation": "GSON",
        "name_roman": "Aarav Thakur",
        "name_deva": "आरव ठाकुर",
        "sex": "M",
        "date_of_birth": "2025-06-01",
    }
    shimla = sample_families()[0]
    add_change("member.added", family={**_family(0), "members": [newborn]})
    add_change(
        "member.updated",
        family=_family(1, 1) | {"members": [{**sample_families()[1]["members"][1], "mobile": "9418000077"}]},
    )
    moved = {**shimla["members"][2], "relation": "OTHER"}
    add_change("member.moved", family={**_family(2), "members": [moved]})
    add_change("member.deceased", member_id="HPM-T-0004", date_of_death="2026-01-10")
    wife = {**shimla["members"][1], "relation": "SELF"}
    new_family = {
        "family_id": "HPF-T-0011",
        "district_lgd": 23,
        "panchayat_code": "9001-1",
        "head_member_id": "HPM-T-0002",
        "members": [wife, {**newborn, "relation": "SON"}],
    }
    add_change("family.split", from_family_id="HPF-T-0001", families=[new_family])


def test_sync_applies_each_change_type_and_stores_the_cursor(register):
    _seed_each_change_type()
    people = Person.objects.count()

    outcome = do_sync_register(limit=2)

    assert outcome.pages == 3 and outcome.applied == 5 and outcome.rejected == 0
    assert outcome.by_type == {
        "member.added": 1,
        "member.updated": 1,
        "member.moved": 1,
        "member.deceased": 1,
        "family.split": 1,
    }
    assert Person.objects.count() == people + 1  # only the newborn is a new person
    assert Member.objects.get(member_id="HPM-T-0005").person.mobile == "9418000077"
    moved = Member.objects.get(member_id="HPM-T-0003")
    assert moved.family.family_id == "HPF-T-0003" and moved.person.gram_panchayat.source_id == "9001-2"
    deceased = Member.objects.get(member_id="HPM-T-0004")
    assert deceased.status == "DECEASED" and str(deceased.date_of_death) == "2026-01-10"
    split = Family.objects.get(family_id="HPF-T-0011")
    assert split.head_id == "HPM-T-0002"
    assert sorted(split.members.values_list("member_id", flat=True)) == ["HPM-T-0002", "HPM-T-0010"]
    assert Family.objects.get(family_id="HPF-T-0001").head_id == "HPM-T-0001"
    state = SyncState.objects.get(name="default")
    assert state.cursor == outcome.cursor == _id_of(-1)
    assert state.changes_applied == 5 and state.last_success_at is not None

    again = do_sync_register(limit=2)
    assert again.pages == 0 and again.applied == 0
    assert SyncState.objects.get(name="default").cursor == state.cursor


def test_a_bad_change_is_rejected_and_the_rest_applied(register):
    add_change("member.deceased", member_id="HPM-NOBODY")
    add_change(
        "member.added",
        family={
            **_family(0),
            "members": [
                {
                    "member_id": "HPM-T-0012",
                    "relation": "SON",
                    "name_roman": "X",
                    "sex": "M",
                    "mobile": "123",
                    "year_of_birth": 2000,
                }
            ],
        },
    )
    add_change("member.deceased", member_id="HPM-T-0007")

    outcome = do_sync_register()

    assert outcome.applied == 1 and outcome.rejected == 2
    assert {(e.field, e.item_id) for e in outcome.errors} == {
        ("member_id", "HPM-NOBODY"),
        ("mobile", "HPM-T-0012"),
    }
    assert Member.objects.get(member_id="HPM-T-0007").status == "DECEASED"
    assert SyncState.objects.get(name="default").cursor == _id_of(-1)


def test_a_crash_inside_a_page_keeps_the_cursor_of_the_last_committed_page(register, monkeypatch):
    _seed_each_change_type()
    real = sync_apply.apply_families
    calls = {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # the third change: on the second page
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_apply, "apply_families", crashing)
    with pytest.raises(RuntimeError):
        do_sync_register(limit=2)
    assert SyncState.objects.get(name="default").cursor == _id_of(1)
    assert Member.objects.get(member_id="HPM-T-0003").family.family_id == "HPF-T-0001"  # page 2 rolled back

    monkeypatch.setattr(sync_apply, "apply_families", real)
    outcome = do_sync_register(limit=2)
    assert outcome.applied == 3
    assert Member.objects.get(member_id="HPM-T-0003").family.family_id == "HPF-T-0003"
    assert SyncState.objects.get(name="default").cursor == _id_of(-1)


def test_the_simulator_refuses_a_wrong_token(register, settings):
    from himswasthya.himparivar.sync.client import RegisterClient, RegisterConfig, RegisterError

    config = RegisterConfig(settings.HIMPARIVAR_API_URL, "wrong", 2, 0, 0)
    with pytest.raises(RegisterError) as caught:
        RegisterClient(config).changes("")
    assert caught.value.code == "unauthorised"
