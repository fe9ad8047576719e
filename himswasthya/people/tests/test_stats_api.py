"""GET /api/people/stats: aggregate counts per district, small cells suppressed, no personal data."""

from __future__ import annotations

import datetime

import pytest

from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.people.services import people_stats
from himswasthya.places.models import GramPanchayat

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(persona_district, persona_other_district):
    shimla_gp = GramPanchayat.objects.create(name="Mashobra", source_id="T1", district=persona_district)
    kangra_gp = GramPanchayat.objects.create(name="Sidhbari", source_id="T2", district=persona_other_district)
    created = []
    for i in range(12):  # Shimla: 7 women, 5 men
        created.append(
            Person.objects.create(
                given_name=f"Asha{i}",
                name_roman=f"Asha{i} Thakur",
                name_deva="आशा ठाकुर",
                sex="F" if i < 7 else "M",
                year_of_birth=1990,
                gram_panchayat=shimla_gp,
                district=persona_district,
                mobile="9876543210",
            )
        )
    for i in range(3):  # Kangra: three people only - every cell suppressed
        Person.objects.create(
            given_name=f"Ravi{i}",
            name_roman=f"Ravi{i}",
            sex="M",
            year_of_birth=1950,
            gram_panchayat=kangra_gp,
            district=persona_other_district,
        )
    for person in created[:6]:
        PersonIdentifier.objects.create(
            person=person, id_type=IdentifierType.ABHA_NUMBER, value=_abha(person.pk)
        )
    return created


def _abha(seed: int) -> str:
    from himswasthya.core.validators import luhn_check_digit

    payload = f"913{seed:010d}"
    return payload + str(luhn_check_digit(payload))


def test_counts_per_district_with_small_cells_suppressed(people):
    stats = {row["district"]: row for row in people_stats(datetime.date(2026, 1, 1))}
    shimla, kangra = stats["Shimla"], stats["Kangra"]
    assert (shimla["people"], shimla["female"], shimla["male"], shimla["with_abha"]) == (12, 7, 5, 6)
    assert shimla["other"] is None and shimla["children"] is None  # 0 < 5
    assert kangra["people"] is None and kangra["elderly"] is None  # 3 < 5


def test_the_api_needs_a_login_and_returns_no_personal_data(client, login_as, citizen, people):
    assert client.get("/api/people/stats").status_code == 401
    response = login_as(citizen).get("/api/people/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed_below"] == 5
    text = response.content.decode()
    assert "9876543210" not in text and "Asha" not in text
    assert {row["district"] for row in body["districts"]} == {"Shimla", "Kangra"}
