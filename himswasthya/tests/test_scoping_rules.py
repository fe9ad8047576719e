"""One answer per scoping question (issue #11 item 2), checked for every persona at every call site.

accounts/scoping.py answers "who is in this citizen's family" (family_ids, family_person_ids: living members
only), "may this user act at this facility" (may_act_at / may_act_in_district) and "may this user see this
person" (may_see). The tables below are written out by hand; each call site that asks one of the questions is
called for every persona and must agree with the table, so a site that grows its own rule fails here. The
last tests read the sources: no app compares facility ids, or walks the family register's relations, for
authorisation outside the scoping module.

A project-level test: it needs accounts, people, himparivar, abdm, registration and HIMCARE together.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from himswasthya.accounts import scoping
from himswasthya.accounts.scoping import (
    family_ids,
    family_person_ids,
    may_act_at,
    may_act_in_district,
    may_see,
    scope_queryset,
)
from himswasthya.accounts.tests.fixtures import _user
from himswasthya.core.errors import DomainError, Forbidden, NotFound
from himswasthya.core.scope_paths import scope_paths_for
from himswasthya.himparivar.models import Family, Member, MemberStatus
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.models import Person

pytestmark = pytest.mark.django_db

HEAD_MOBILE = "9800000001"
SPOUSE_MOBILE = "9800000002"
DECEASED_MOBILE = "9800000003"  # held on the register only by a deceased member
KANGRA_MOBILE = "9800000009"

# Persona -> role; the facility staff of A (Shimla) and B (Kangra), district officers of Shimla and Kangra.
PERSONAS = (
    "citizen",  # signed in by OTP, on no register
    "family_head",  # the mobile of the head of the Shimla family
    "family_member",  # the mobile of the head's wife
    "deceased_kin",  # the mobile of the head's late father (DECEASED on the register)
    "clerk",
    "doctor",
    "facility_admin",
    "scheme_desk",
    "other_facility_clerk",
    "district_officer",
    "other_district_officer",
    "himcare_officer",
    "state_admin",
)
CITIZENS = ("citizen", "family_head", "family_member", "deceased_kin")

# may_act_at: is this facility the user's own?  (A = Shimla medical college, B = Kangra civil hospital)
OWN_FACILITIES = {
    "citizen": set(),
    "family_head": set(),
    "family_member": set(),
    "deceased_kin": set(),
    "clerk": {"A"},
    "doctor": {"A"},
    "facility_admin": {"A"},
    "scheme_desk": {"A"},
    "other_facility_clerk": {"B"},
    "district_officer": {"A"},
    "other_district_officer": {"B"},
    "himcare_officer": set(),
    "state_admin": {"A", "B"},
}

# may_see(user, person): the Shimla family (head, wife, late father, child) and a Kangra person.
SHIMLA_FAMILY = {"head", "wife", "late_father", "child"}
VISIBLE_PEOPLE = {
    "citizen": set(),
    "family_head": {"head", "wife", "child"},  # living members only
    "family_member": {"head", "wife", "child"},
    "deceased_kin": set(),  # a deceased member's mobile opens nothing
    "clerk": SHIMLA_FAMILY,  # facility staff: the people of the facility's district
    "doctor": SHIMLA_FAMILY,
    "facility_admin": SHIMLA_FAMILY,
    "scheme_desk": SHIMLA_FAMILY,
    "other_facility_clerk": {"kangra"},
    "district_officer": SHIMLA_FAMILY,
    "other_district_officer": {"kangra"},
    "himcare_officer": set(),  # Person does not open itself to HIMCARE officers
    "state_admin": SHIMLA_FAMILY | {"kangra"},
}


@pytest.fixture
def world(
    citizen,
    clerk,
    doctor,
    facility_admin,
    scheme_desk,
    other_facility_clerk,
    district_officer,
    other_district_officer,
    himcare_officer,
    state_admin,
    persona_facility,
    persona_other_facility,
    persona_district,
    persona_other_district,
):
    users = {
        "citizen": citizen,
        "family_head": _user("head-citizen", "citizen", password=False, mobile=HEAD_MOBILE),
        "family_member": _user("wife-citizen", "citizen", password=False, mobile=SPOUSE_MOBILE),
        "deceased_kin": _user("kin-citizen", "citizen", password=False, mobile=DECEASED_MOBILE),
        "clerk": clerk,
        "doctor": doctor,
        "facility_admin": facility_admin,
        "scheme_desk": scheme_desk,
        "other_facility_clerk": other_facility_clerk,
        "district_officer": district_officer,
        "other_district_officer": other_district_officer,
        "himcare_officer": himcare_officer,
        "state_admin": state_admin,
    }
    serial = itertools.count(1)

    def member(family, name, relation, year, mobile=None, status=MemberStatus.ALIVE):
        n = next(serial)
        person = Person.objects.create(
            given_name=name,
            name_roman=f"{name} Scoping{n}",
            sex="F" if relation in ("WIFE", "DAUGHTER") else "M",
            year_of_birth=year,
            mobile=mobile,
            district=family.district,
        )
        member_of(family, person, f"SCOPE-M{n}", relation, status=status)
        return person

    shimla = Family.objects.create(family_id="SCOPE-FAM-SML", district=persona_district)
    kangra = Family.objects.create(family_id="SCOPE-FAM-KGR", district=persona_other_district)
    people = {
        "head": member(shimla, "Ramesh", "SELF", 1975, HEAD_MOBILE),
        "wife": member(shimla, "Sunita", "WIFE", 1978, SPOUSE_MOBILE),
        "late_father": member(shimla, "Mohan", "FATHER", 1940, DECEASED_MOBILE, MemberStatus.DECEASED),
        "child": member(shimla, "Anu", "DAUGHTER", 2016),
        "kangra": member(kangra, "Kamal", "SELF", 1970, KANGRA_MOBILE),
    }
    facilities = {"A": persona_facility, "B": persona_other_facility}
    return {
        "users": users,
        "people": people,
        "facilities": facilities,
        "families": {"shimla": shimla, "kangra": kangra},
        "districts": {"A": persona_district, "B": persona_other_district},
    }


def _names(world, pks) -> set[str]:
    by_pk = {p.pk: name for name, p in world["people"].items()}
    return {by_pk[pk] for pk in pks if pk in by_pk}


def _allowed(call) -> bool:
    try:
        result = call()
    except (Forbidden, NotFound):
        return False
    return result is not False


# ---- who is in a citizen's family -------------------------------------------------------------------------


def test_family_of_every_persona_is_its_living_members_only(world):
    for persona in PERSONAS:
        user = world["users"][persona]
        expected = VISIBLE_PEOPLE[persona] if persona in CITIZENS else set()
        assert _names(world, family_person_ids(user)) == expected, persona
        families = set(Family.objects.filter(pk__in=family_ids(user)).values_list("family_id", flat=True))
        assert families == ({"SCOPE-FAM-SML"} if expected else set()), persona
    # by mobile, too: the late father's mobile belongs to no family
    assert _names(world, family_person_ids(HEAD_MOBILE)) == {"head", "wife", "child"}
    assert list(family_ids(DECEASED_MOBILE)) == []


def test_the_family_rule_needs_the_register(world, monkeypatch):
    monkeypatch.setattr(scoping, "_FAMILY_REGISTER", [])
    head = world["users"]["family_head"]
    assert list(family_person_ids(head)) == [] and list(family_ids(head)) == []
    assert not scope_queryset(head, Person.objects.all()).exists()


def test_every_family_call_site_agrees_with_the_rule(world):
    from himswasthya.abdm.linking import citizen_family_persons, ensure_citizen_may_act_for
    from himswasthya.himparivar.citizen_views import families_of_citizen

    child = world["people"]["child"]
    for persona in CITIZENS:
        user = world["users"][persona]
        rule = set(family_person_ids(user))
        # people, abdm and himparivar: the Person, Family and Member scopes and the pages built on them
        assert set(scope_queryset(user, Person.objects.all()).values_list("pk", flat=True)) == rule, persona
        assert set(citizen_family_persons(user).values_list("pk", flat=True)) == rule, persona
        assert {f.pk for f in families_of_citizen(user)} == set(family_ids(user)), persona
        assert {f.pk for f in scope_queryset(user, Family.objects.all())} == set(family_ids(user)), persona
        members = set(scope_queryset(user, Member.objects.all()).values_list("family_id", flat=True))
        assert members == set(family_ids(user)), persona
        # SEC-5: a child's ABHA is linked only by an adult living member of the same family
        adult_of_family = persona in ("family_head", "family_member")
        assert _allowed(lambda u=user: ensure_citizen_may_act_for(u, child)) == adult_of_family, persona


def test_no_scope_declaration_opens_rows_by_a_family_members_mobile():
    """owner_mobile matches a mobile on the row's own path (a person's own); a family goes through `family` /
    `family_person` so that the rule (living members only) is applied. Every model with a declaration."""
    from django.apps import apps

    from himswasthya.registration.models import Appointment

    checked = 0
    for model in apps.get_models():
        declared = scope_paths_for(model)
        if declared is None:
            continue
        paths = declared.owner_mobile
        paths = (paths,) if isinstance(paths, str) else paths or ()
        assert not any("members__" in p or "himparivar_member" in p for p in paths), model
        checked += 1
    assert checked >= 10
    assert scope_paths_for(Person).family_person == "pk"
    assert scope_paths_for(Appointment).family_person == "person"
    assert scope_paths_for(Family).family == "pk"


# ---- may this user see this person ------------------------------------------------------------------------


def test_may_see_every_person_for_every_persona(world):
    for persona in PERSONAS:
        user = world["users"][persona]
        seen = {name for name, person in world["people"].items() if may_see(user, person)}
        assert seen == VISIBLE_PEOPLE[persona], persona
        listed = _names(world, scope_queryset(user, Person.objects.all()).values_list("pk", flat=True))
        assert listed == seen, persona


def test_registration_sees_persons_by_the_rule(world):
    from himswasthya.registration import services

    for persona, facility_key, name in itertools.product(PERSONAS, "AB", world["people"]):
        user, facility = world["users"][persona], world["facilities"][facility_key]
        person = world["people"][name]
        assert services._sees_person(user, person, facility) == may_see(user, person), (persona, name)


# ---- is this the user's own facility ---------------------------------------------------------------------


def _own(world, persona) -> set[str]:
    user = world["users"][persona]
    return {key for key, facility in world["facilities"].items() if may_act_at(user, facility)}


def test_may_act_at_for_every_persona(world):
    for persona in PERSONAS:
        assert _own(world, persona) == OWN_FACILITIES[persona], persona
        user = world["users"][persona]
        by_pk = {k for k, f in world["facilities"].items() if may_act_at(user, f.pk)}
        assert by_pk == OWN_FACILITIES[persona], persona  # a facility pk gives the same answer


def test_may_act_in_district_for_every_persona(world):
    own_district = {**OWN_FACILITIES, "himcare_officer": set()}
    for persona in PERSONAS:
        user = world["users"][persona]
        districts = {k for k, d in world["districts"].items() if may_act_in_district(user, d.pk)}
        assert districts == own_district[persona], persona


def _call_sites():
    """(name, roles the site admits, call(user, facility)) for every place that asks "is this my facility"."""
    from himswasthya.himcare.cases import services as cases
    from himswasthya.registration import opd_setup, queue, scan_share, services

    return [
        (
            "registration booking (citizens book anywhere)",
            None,
            lambda u, f: services._check_actor_for_facility(u, f.pk),
        ),
        (
            "registration counter",
            services.COUNTER_ROLES,
            lambda u, f: services._check_actor_for_facility(u, f.pk, citizens=False),
        ),
        (
            "scan-and-share clerk pages",
            scan_share.CLERK_ROLES,
            lambda u, f: scan_share.require_facility_staff(u, f),
        ),
        (
            "scan-and-share counter page",
            scan_share.COUNTER_PAGE_ROLES,
            lambda u, f: scan_share.require_facility_staff(u, f, scan_share.COUNTER_PAGE_ROLES),
        ),
        ("OPD queue", queue.QUEUE_ROLES, lambda u, f: queue.can_act_on_queue(u, f.pk)),
        (
            "OPD schedule administration",
            opd_setup.ADMIN_ROLES,
            lambda u, f: opd_setup.get_administered_facility(u, f.code),
        ),
        ("HIMCARE pre-authorisation", cases.HOSPITAL_ROLES, _raise_preauth),
    ]


def _raise_preauth(user, facility):
    """do_raise_preauth up to and past its facility check: a refusal is Forbidden/NotFound; a later rule of
    the case (another DomainError) means the facility question was answered yes."""
    from himswasthya.himcare.cases import services as cases
    from himswasthya.himcare.models import EnrolledMember, Package

    member = EnrolledMember.objects.order_by("pk").first()
    try:
        cases.do_raise_preauth(
            actor=user,
            enrolled_member=member,
            facility=facility,
            package_ids=[Package.objects.get().pk],
            provisional_icd10_codes=["K80.2"],
        )
    except (Forbidden, NotFound):
        raise
    except DomainError:
        return True
    return True


# Written out by hand: where each persona may act, per call site.
# Booking and the counter ask the same facility check; booking also lets citizens act at any facility.
REGISTRATION_STAFF = {
    "clerk": {"A"},
    "doctor": {"A"},
    "facility_admin": {"A"},
    "scheme_desk": {"A"},
    "other_facility_clerk": {"B"},
    "state_admin": {"A", "B"},
}
EXPECTED_AT_CALL_SITES = {
    "registration booking (citizens book anywhere)": {
        **{c: {"A", "B"} for c in CITIZENS},
        **REGISTRATION_STAFF,
    },
    "registration counter": REGISTRATION_STAFF,
    "scan-and-share clerk pages": {"clerk": {"A"}, "facility_admin": {"A"}, "other_facility_clerk": {"B"}},
    "scan-and-share counter page": {
        "clerk": {"A"},
        "facility_admin": {"A"},
        "other_facility_clerk": {"B"},
        "state_admin": {"A", "B"},
    },
    "OPD queue": {"doctor": {"A"}, "facility_admin": {"A"}},
    "OPD schedule administration": {"facility_admin": {"A"}, "state_admin": {"A", "B"}},
    "HIMCARE pre-authorisation": {"facility_admin": {"A"}, "scheme_desk": {"A"}},
}


@pytest.fixture
def himcare(world):
    """The Shimla family enrolled; a package both facilities are empanelled for."""
    from himswasthya.himcare.tests.factories import (
        make_active_enrolment,
        make_empanelled_package,
        make_scheme_year,
    )

    enrolment = make_active_enrolment(world["families"]["shimla"], make_scheme_year())
    make_empanelled_package(*world["facilities"].values())
    return enrolment


def test_every_facility_call_site_for_every_persona(world, himcare):
    sites = _call_sites()
    assert {name for name, _roles, _call in sites} == set(EXPECTED_AT_CALL_SITES)
    for (name, roles, call), persona in itertools.product(sites, PERSONAS):
        user = world["users"][persona]
        allowed = {k for k, f in world["facilities"].items() if _allowed(lambda c=call, u=user, f=f: c(u, f))}
        assert allowed == EXPECTED_AT_CALL_SITES[name].get(persona, set()), (name, persona)
        if roles is not None:  # the site's answer is its roles plus the one rule
            rule = {k for k, f in world["facilities"].items() if user.role in roles and may_act_at(user, f)}
            assert allowed == rule, (name, persona)


def test_registering_a_person_needs_the_users_own_district(world):
    from himswasthya.people import services
    from himswasthya.places.models import GramPanchayat

    gps = {
        key: GramPanchayat.objects.create(name=f"Scope GP {key}", source_id=f"SCOPE-GP-{key}", district=d)
        for key, d in world["districts"].items()
    }
    serial = itertools.count(1)
    expected = OWN_FACILITIES  # districts A and B hold facilities A and B: one registers where one acts
    for persona in PERSONAS:
        user = world["users"][persona]
        allowed = set()
        for key, gp in gps.items():
            name = f"Zorawar Scopetest{next(serial)}"
            fields = services.NewPerson(name_roman=name, sex="M", year_of_birth=1990, gram_panchayat_id=gp.pk)
            try:
                services.do_register_person(user, fields, confirm_new=True)
            except (Forbidden, NotFound):
                continue
            except DomainError as exc:  # any other refusal is a failure of the test's data, not scoping
                pytest.fail(f"{persona}: {exc}")
            allowed.add(key)
        assert allowed == expected[persona], persona
        rule = {k for k, d in world["districts"].items() if user.role in services.REGISTER_ROLES}
        rule = {k for k in rule if may_act_in_district(user, world["districts"][k].pk)}
        assert allowed == rule, persona


def test_himcare_follows_the_family_rule(world, himcare):
    from himswasthya.himcare.enrolment import services as enrolment
    from himswasthya.himcare.models import EnrolledMember, Enrolment, Wallet

    shimla = world["families"]["shimla"]
    for persona in CITIZENS:
        user = world["users"][persona]
        own = set(family_ids(user))
        assert own == ({shimla.pk} if persona in ("family_head", "family_member") else set()), persona
        assert set(enrolment.citizen_families(user).values_list("pk", flat=True)) == own, persona
        assert _allowed(lambda u=user: enrolment.family_for_actor(u, shimla)) == (shimla.pk in own), persona
        for model in (Enrolment, EnrolledMember, Wallet):
            rows = scope_queryset(user, model.objects.all())
            assert rows.exists() == (shimla.pk in own), (persona, model.__name__)


def test_himcare_monitoring_districts_for_every_persona(world):
    from himswasthya.himcare.coverage.mapping import VIEW_ROLES, allowed_district

    expected = {
        "district_officer": {"A"},
        "other_district_officer": {"B"},
        "himcare_officer": {"A", "B"},  # state-wide while not narrowed to a district
        "state_admin": {"A", "B"},
    }
    for persona in PERSONAS:
        user = world["users"][persona]
        allowed = {
            k
            for k, d in world["districts"].items()
            if _allowed(lambda u=user, d=d: allowed_district(u, d.pk))
        }
        assert allowed == expected.get(persona, set()), persona
        if user.role in VIEW_ROLES and user.district_id:  # narrowed: the one rule
            assert allowed == {k for k, d in world["districts"].items() if may_act_in_district(user, d.pk)}
    narrowed = world["users"]["himcare_officer"]
    narrowed.district = world["districts"]["B"]
    narrowed.save(update_fields=["district"])
    assert {
        k for k, d in world["districts"].items() if _allowed(lambda d=d: allowed_district(narrowed, d.pk))
    } == {"B"}
    assert may_act_in_district(narrowed, world["districts"]["B"].pk)


# ---- the sources: nobody else answers these questions -----------------------------------------------------

APPS = Path(__file__).resolve().parent.parent
SCOPING = APPS / "accounts" / "scoping.py"
# A user's (or request's) facility/district id compared with something: the question may_act_at answers.
OWN_FACILITY_COMPARISON = re.compile(
    r"\b(user|actor|request\.user|request\.auth|staff|officer|desk)\.(facility_id|district_id|facility\.pk)"
    r"\s*(==|!=|\bin\b|\bnot in\b)"
    r"|(==|!=)\s*(user|actor|request\.user|request\.auth|staff|officer|desk)\.(facility_id|district_id)\b"
)
# Lower apps walking the family register's relations by name, or a family path that ignores the status.
REGISTER_PATHS = re.compile(r"himparivar_member__|members__mobile")


def _sources():
    for path in sorted(APPS.rglob("*.py")):
        parts = path.relative_to(APPS).parts
        if "tests" in parts or "migrations" in parts or parts[0] == "demo" or path == SCOPING:
            continue
        if any(part.startswith("demo_") for part in parts):  # demo loaders pick demo rows, not users' rights
            continue
        yield path, path.read_text(encoding="utf-8")


def test_no_app_compares_facility_or_district_ids_of_users_outside_scoping():
    found = [
        f"{path.relative_to(APPS)}:{n}: {line.strip()}"
        for path, text in _sources()
        for n, line in enumerate(text.splitlines(), 1)
        if OWN_FACILITY_COMPARISON.search(line)
    ]
    assert found == [], "ask accounts.scoping.may_act_at / may_act_in_district instead:\n" + "\n".join(found)


def test_no_app_defines_a_citizens_family_outside_the_register_hook():
    """The family register (himparivar) owns its relations; every other app asks accounts.scoping."""
    found = [
        f"{path.relative_to(APPS)}:{n}: {line.strip()}"
        for path, text in _sources()
        if path.relative_to(APPS).parts[0] != "himparivar"
        for n, line in enumerate(text.splitlines(), 1)
        if REGISTER_PATHS.search(line)
    ]
    assert found == [], "ask accounts.scoping.family_ids / family_person_ids instead:\n" + "\n".join(found)


def test_the_grep_tests_can_fail():
    assert OWN_FACILITY_COMPARISON.search("    if actor.facility_id != facility.pk:")
    assert OWN_FACILITY_COMPARISON.search("if district_id != user.district_id:")
    assert OWN_FACILITY_COMPARISON.search("and request.user.facility_id == facility_id")
    assert not OWN_FACILITY_COMPARISON.search("if session.facility_id != facility.pk:")
    assert REGISTER_PATHS.search('owner_mobile="enrolment__family__members__mobile"')
    assert REGISTER_PATHS.search('.values("himparivar_member__family")')
