"""The family's contact mobile, one rule (`himparivar.models.family_contact_mobile`), asked through
`accounts.scoping.contact_mobile`: the person's own mobile, else the living head's, else another living
member's; HIMCARE's card SMS uses the same rule."""

import pytest

from himswasthya.accounts.scoping import contact_mobile
from himswasthya.himparivar.models import Family, family_contact_mobile
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.tests.factories import named_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(persona_district):
    family = Family.objects.create(family_id="HP-FAM-CONTACT", district=persona_district, head_id=None)
    people = {
        name: named_person(persona_district, name, sex=sex, year_of_birth=year)
        for name, sex, year in (
            ("Hari Ram", "M", 1950),
            ("Sunita Devi", "F", 1982),
            ("Anu Devi", "F", 2015),
        )
    }
    head = member_of(family, people["Hari Ram"], "M-C-1", "SELF", mobile="9816000001")
    member_of(family, people["Sunita Devi"], "M-C-2", "DIL", mobile="9816000002")
    member_of(family, people["Anu Devi"], "M-C-3", "GDAUGHTER", mobile=None)
    family.head_id = head.member_id
    family.save(update_fields=["head"])
    return family, people


def test_the_persons_own_mobile_first(family):
    _family, people = family
    people["Sunita Devi"].mobile = "9816000099"
    assert contact_mobile(people["Sunita Devi"]) == "9816000099"


def test_without_one_the_living_heads(family):
    _family, people = family
    assert contact_mobile(people["Anu Devi"]) == "9816000001"


def test_the_head_dead_another_living_members(family):
    fam, people = family
    fam.members.filter(member_id="M-C-1").update(status="DECEASED")
    assert contact_mobile(people["Anu Devi"]) == "9816000002"
    assert family_contact_mobile(fam) == "9816000002"


def test_nobody_to_reach(family, persona_district):
    fam, people = family
    fam.members.update(mobile=None)
    assert contact_mobile(people["Anu Devi"]) is None
    assert contact_mobile(named_person(persona_district, "Tara Chand", sex="M", year_of_birth=1950)) is None
