# ruff: noqa: F401, F811 - pytest fixtures imported from link_fixtures are used as (or by) test arguments
"""do_link_abha / do_unlink_abha / supervisor review: thresholds, never overwriting, history and audit."""

from __future__ import annotations

import pytest

from himswasthya.abdm import linking
from himswasthya.abdm.models import AbhaLinkEvent, AbhaLinkRequest
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.people.models import PersonIdentifier

from .link_fixtures import (
    DEMO_PROFILE,
    GREY,
    OTHER_ABHA,
    _english_by_default,
    kangra_person,
    make_person,
    profile,
    ramesh,
)

pytestmark = pytest.mark.django_db


def abha_rows(person):
    return sorted(
        PersonIdentifier.objects.filter(person=person).values_list("id_type", "value", "verified", "source")
    )


def test_a_good_match_is_linked_with_verified_identifiers_and_audited(ramesh, clerk):
    outcome = linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    assert outcome.status == "linked" and outcome.match.score == 100
    assert abha_rows(ramesh) == [
        ("ABHA_ADDRESS", "ramesh.thakur@sbx", True, "ABDM"),
        ("ABHA_NUMBER", "91760487647595", True, "ABDM"),
    ]
    event = AbhaLinkEvent.objects.get()
    assert (event.action, event.actor, event.score, event.channel) == ("LINKED", clerk, 100, "staff")
    entry = AuditEntry.objects.get(action="abha.link")
    assert entry.object_id == str(ramesh.pk) and entry.detail["abha"] == "91-XXXX-XXXX-7595"
    assert "91760487647595" not in str(entry.detail)


def test_linking_the_same_abha_again_changes_nothing(ramesh, clerk):
    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    outcome = linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    assert outcome.status == "already_linked"
    assert PersonIdentifier.objects.filter(person=ramesh).count() == 2
    assert AbhaLinkEvent.objects.filter(action="LINKED").count() == 1


def test_a_grey_zone_match_waits_for_a_supervisor(ramesh, clerk):
    outcome = linking.do_link_abha(ramesh, GREY, clerk, "opd")
    assert outcome.status == "queued"
    request = outcome.request
    assert (request.status, request.reason, request.requested_by, request.purpose) == (
        "PENDING",
        "GREY_ZONE",
        clerk,
        "opd",
    )
    assert request.profile_mobile_masked == "******0000" and request.breakdown[1]["code"] == "yob_close"
    assert abha_rows(ramesh) == []
    # Asking again does not queue it twice.
    again = linking.do_link_abha(ramesh, GREY, clerk, "opd")
    assert again.request.pk == request.pk and AbhaLinkRequest.objects.count() == 1


def test_a_poor_match_is_refused_with_reasons_and_recorded(ramesh, clerk):
    outcome = linking.do_link_abha(ramesh, profile(gender="F", year_of_birth=1960), clerk, "registration")
    assert outcome.status == "refused"
    assert set(outcome.reasons) == {"Year of birth differs by 25 years.", "Sex differs."}
    assert abha_rows(ramesh) == [] and not AbhaLinkRequest.objects.exists()
    assert AbhaLinkEvent.objects.get().action == "REFUSED"
    assert AuditEntry.objects.filter(action="abha.link_refused").exists()


def test_a_person_already_linked_to_another_abha_is_never_overwritten(ramesh, clerk):
    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    other = profile(abha_number=OTHER_ABHA, abha_address="ramesh.t@sbx")
    outcome = linking.do_link_abha(ramesh, other, clerk, "registration")
    assert (
        outcome.status == "conflict"
        and "already linked to another ABHA (91-XXXX-XXXX-7595)" in outcome.message
    )
    assert ("ABHA_NUMBER", "91760487647595", True, "ABDM") in abha_rows(ramesh)
    assert not PersonIdentifier.objects.filter(value=OTHER_ABHA).exists()
    request = outcome.request
    assert (request.reason, request.conflict_code) == ("CONFLICT", "person_has_other_abha")


def test_an_abha_linked_to_someone_else_is_not_moved(ramesh, clerk, persona_district):
    twin = make_person(persona_district, mobile="9816000009")
    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    outcome = linking.do_link_abha(twin, DEMO_PROFILE, clerk, "registration")
    assert outcome.status == "conflict" and outcome.request.conflict_code == "abha_linked_elsewhere"
    assert PersonIdentifier.objects.get(id_type="ABHA_NUMBER").person == ramesh


def test_unlinking_keeps_history_and_is_audited(ramesh, clerk, facility_admin):
    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    with pytest.raises(Forbidden):
        linking.do_unlink_abha(ramesh, clerk, "wrong person")
    with pytest.raises(DomainError):
        linking.do_unlink_abha(ramesh, facility_admin, "")
    assert linking.do_unlink_abha(ramesh, facility_admin, "Linked to the wrong brother") == 2
    assert abha_rows(ramesh) == []
    event = AbhaLinkEvent.objects.get(action="UNLINKED")
    assert (event.abha_number, event.abha_address, event.actor, event.reason) == (
        "91760487647595",
        "ramesh.thakur@sbx",
        facility_admin,
        "Linked to the wrong brother",
    )
    assert AuditEntry.objects.get(action="abha.unlink").detail == {"abha": "91-XXXX-XXXX-7595", "removed": 2}
    with pytest.raises(DomainError):
        linking.do_unlink_abha(ramesh, facility_admin, "again, nothing left")


def test_a_supervisor_approves_a_grey_zone_link(ramesh, clerk, facility_admin):
    request = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    assert request is not None
    linking.do_approve_link_request(request.pk, facility_admin, "Checked the ration card")
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("APPROVED", facility_admin)
    assert ("ABHA_NUMBER", "91760487647595", True, "ABDM") in abha_rows(ramesh)
    assert list(AbhaLinkEvent.objects.values_list("action", flat=True)) == ["QUEUED", "APPROVED", "LINKED"]
    assert AuditEntry.objects.filter(action="abha.link_approve", actor=facility_admin).exists()
    with pytest.raises(Conflict):
        linking.do_approve_link_request(request.pk, facility_admin)


def test_a_supervisor_rejects_with_a_note(ramesh, clerk, state_admin):
    request = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    with pytest.raises(DomainError):
        linking.do_reject_link_request(request.pk, state_admin, "")
    linking.do_reject_link_request(request.pk, state_admin, "Different person, checked by phone")
    request.refresh_from_db()
    assert request.status == "REJECTED" and abha_rows(ramesh) == []
    assert AuditEntry.objects.filter(action="abha.link_reject").exists()


def test_a_conflict_is_approved_only_after_the_old_link_is_removed(ramesh, clerk, facility_admin):
    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    request = linking.do_link_abha(
        ramesh, profile(abha_number=OTHER_ABHA, abha_address=""), clerk, "registration"
    ).request
    with pytest.raises(Conflict):
        linking.do_approve_link_request(request.pk, facility_admin)
    linking.do_unlink_abha(ramesh, facility_admin, "Replaced by the holder's new ABHA")
    linking.do_approve_link_request(request.pk, facility_admin)
    assert PersonIdentifier.objects.get(person=ramesh, id_type="ABHA_NUMBER").value == OTHER_ABHA


def test_requester_cannot_approve_their_own_link(ramesh, facility_admin):
    request = linking.do_link_abha(ramesh, GREY, facility_admin, "registration").request
    with pytest.raises(Forbidden):
        linking.do_approve_link_request(request.pk, facility_admin)


def test_review_is_scoped_and_for_supervisors_only(
    ramesh, kangra_person, clerk, other_facility_clerk, facility_admin, persona_other_facility, state_admin
):
    from himswasthya.accounts.tests.fixtures import _user

    request = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    kangra_admin = _user("kangra_admin", "facility_admin", facility=persona_other_facility)
    assert list(linking.review_queue(facility_admin)) == [request]
    assert list(linking.review_queue(state_admin)) == [request]
    assert list(linking.review_queue(kangra_admin)) == []
    with pytest.raises(NotFound):
        linking.do_approve_link_request(request.pk, kangra_admin)
    with pytest.raises(Forbidden):
        linking.review_queue(clerk)
    with pytest.raises(Forbidden):
        linking.do_approve_link_request(request.pk, other_facility_clerk)


@pytest.mark.parametrize("who", ["clerk", "doctor", "facility_admin", "state_admin"])
def test_staff_in_scope_may_act_on_the_person(ramesh, who, request):
    assert linking.person_for_linking(request.getfixturevalue(who), ramesh.pk) == ramesh


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("other_facility_clerk", NotFound),
        ("district_officer", Forbidden),
        ("himcare_officer", Forbidden),
        ("citizen", NotFound),
    ],
)
def test_others_may_not_act_on_the_person(ramesh, who, error, request):
    with pytest.raises(error):
        linking.person_for_linking(request.getfixturevalue(who), ramesh.pk)


def test_abha_of_shows_the_number_in_groups(ramesh, clerk):
    assert linking.abha_of(ramesh)["number"] == ""
    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    shown = linking.abha_of(ramesh)
    assert shown["number"] == "91-7604-8764-7595" and shown["addresses"] == ["ramesh.thakur@sbx"]


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [
        (
            '{"hidn":"91-7604-8764-7595","hid":"ramesh.thakur@sbx","name":"Ramesh Thakur","gender":"M"}',
            ("91-7604-8764-7595", "ramesh.thakur@sbx"),
        ),
        ('{"abhaNumber":"91760487647595","name":"x"}', ("91760487647595", "")),
        ("91-7604-8764-7595", ("91-7604-8764-7595", "")),
        ("ramesh.thakur@sbx", ("", "ramesh.thakur@sbx")),
        ("{broken json", ("", "")),
        ("hello", ("", "")),
    ],
)
def test_a_scanned_abha_card_gives_its_identifiers(scanned, expected):
    assert linking.parse_scanned_abha(scanned) == expected


def test_reading_the_review_queue_is_audited(ramesh, clerk, facility_admin):
    request = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    linking.review_queue(facility_admin)
    entry = AuditEntry.objects.get(action="abha_link_request.list")
    assert entry.actor == facility_admin and entry.detail == {"count": 1, "ids": [request.pk]}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clerks_linking_one_abha_to_two_people_at_once_link_it_once(persona_district, clerk, doctor):
    """Different persons do not block each other; the unique identifier constraint decides, never both."""
    import threading

    from django.db import connection

    first = make_person(persona_district)
    second = make_person(persona_district, mobile="9816000003")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def link(person, actor):
        try:
            barrier.wait(timeout=10)
            results.append(linking.do_link_abha(person, DEMO_PROFILE, actor, "registration").status)
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=link, args=args) for args in ((first, clerk), (second, doctor))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["conflict", "linked"]
    assert PersonIdentifier.objects.filter(id_type="ABHA_NUMBER", value=DEMO_PROFILE.abha_number).count() == 1


def test_a_merged_duplicate_takes_no_abha(ramesh, persona_district, clerk):
    survivor = make_person(persona_district, mobile="9816000004")
    type(ramesh).objects.filter(pk=ramesh.pk).update(merged_into=survivor)
    ramesh.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    assert refused.value.code == "person_merged" and not PersonIdentifier.objects.exists()
