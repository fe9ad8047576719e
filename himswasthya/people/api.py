"""People API: search, profile, registration with duplicate check, UHID, merge and undo; and aggregate stats.

Schemas in, one service call, schemas out. The services check roles and scope and write the audit entries.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import errors, purpose_schema
from himswasthya.people import services
from himswasthya.people.models import PersonMerge
from himswasthya.people.presenters import hit_card, person_card, person_summary
from himswasthya.people.services import SMALL_CELL, people_stats

router = Router(tags=["people"])
staff = RoleAuth(*services.SEARCH_ROLES)
registrars = RoleAuth(*services.REGISTER_ROLES)
supervisors = RoleAuth(*services.SUPERVISOR_ROLES)


class PeopleDistrictStats(Schema):
    district_id: int
    district: str
    district_hi: str
    people: int | None
    female: int | None
    male: int | None
    other: int | None
    children: int | None
    elderly: int | None
    with_abha: int | None


class PeopleStatsOut(Schema):
    suppressed_below: int
    districts: list[PeopleDistrictStats]


class PersonSummaryOut(Schema):
    id: int
    name_roman: str
    name_deva: str
    sex: str
    age: int
    year_of_birth: int
    district: str
    gram_panchayat: str
    mobile_masked: str
    merged_into_id: int | None


class HitOut(PersonSummaryOut):
    score: float
    matched_by: str
    family_id: str
    relation: str
    family_url: str


class SearchOut(Schema):
    kind: str
    results: list[HitOut]


class IdentifierOut(Schema):
    id_type: str
    label: str
    value: str
    issuer: str
    verified: bool
    source: str


class PersonOut(PersonSummaryOut):
    date_of_birth: datetime.date | None
    mobile: str
    name_roman_machine: bool
    name_deva_machine: bool
    identifiers: list[IdentifierOut]
    family_id: str
    relation: str
    family_url: str


class PersonIn(Schema):
    name_roman: str = ""
    name_deva: str = ""
    sex: str
    date_of_birth: datetime.date | None = None
    year_of_birth: int | None = None
    mobile: str | None = None
    gram_panchayat_id: int | None = None
    confirm_new: bool = False
    purpose: str = services.DEFAULT_PURPOSE
    # SEC-5: for a child under 18, the registered adult guardian (person id) and the relation.
    guardian_person_id: int | None = None
    guardian_relation: str = ""


class CandidateOut(Schema):
    person: PersonSummaryOut
    score: float
    reasons: list[str]


class DuplicatesOut(Schema):
    code: str
    message: str
    field: str | None
    candidates: list[CandidateOut]


class UhidOut(Schema):
    person_id: int
    uhid: str


class MergeIn(Schema):
    survivor_id: int
    duplicate_id: int
    reason: str


class MergeOut(Schema):
    id: int
    survivor_id: int
    duplicate_id: int
    reason: str
    created_at: datetime.datetime
    undone_at: datetime.datetime | None


@router.get("/stats", response={200: PeopleStatsOut})
def stats(request: HttpRequest) -> dict:
    return {"suppressed_below": SMALL_CELL, "districts": people_stats()}


@router.get("/search", response={200: SearchOut, **errors(429)}, auth=staff)
def search(
    request: HttpRequest,
    q: str,
    age: int | None = None,
    sex: str | None = None,
    district: int | None = None,
    limit: int = services.SEARCH_LIMIT,
    purpose: Annotated[str, purpose_schema(services.PURPOSES)] = services.DEFAULT_PURPOSE,
) -> dict:
    result = services.do_search(
        request.auth, q, age=age, sex=sex, district=district, limit=limit, purpose=purpose
    )
    return {"kind": result.kind, "results": [hit_card(hit) for hit in result.hits]}


@router.get("/{int:person_id}", response={200: PersonOut}, auth=staff)
def get_person(
    request: HttpRequest,
    person_id: int,
    purpose: Annotated[str, purpose_schema(services.PURPOSES)] = services.DEFAULT_PURPOSE,
) -> dict:
    person = services.do_read_person(request.auth, person_id, purpose=purpose)
    return person_card(person, services.family_context([person.pk]).get(person.pk, ("", "")))


@router.post("", response={201: PersonSummaryOut, 409: DuplicatesOut, **errors(429)}, auth=registrars)
def register_person(request: HttpRequest, payload: PersonIn) -> Status:
    fields = services.NewPerson(
        **payload.dict(exclude={"confirm_new", "purpose", "guardian_person_id", "guardian_relation"})
    )
    guardian = services.NewGuardian(payload.guardian_person_id, payload.guardian_relation)
    try:
        person = services.do_register_person(
            request.auth, fields, confirm_new=payload.confirm_new, guardian=guardian, purpose=payload.purpose
        )
    except services.PossibleDuplicates as exc:
        body = exc.as_dict()
        body["candidates"] = [
            {"person": person_summary(c.person), "score": c.score, "reasons": c.reasons}
            for c in exc.candidates
        ]
        return Status(409, body)
    return Status(201, person_summary(person))


@router.post("/{int:person_id}/uhid", response={200: UhidOut, **errors(409)}, auth=registrars)
def issue_uhid(request: HttpRequest, person_id: int) -> dict:
    return {"person_id": person_id, "uhid": services.do_issue_uhid_for(request.auth, person_id)}


@router.post("/merge", response={201: MergeOut, **errors(409)}, auth=supervisors)
def merge(request: HttpRequest, payload: MergeIn) -> Status:
    survivor = services.get_person_for(request.auth, payload.survivor_id)
    duplicate = services.get_person_for(request.auth, payload.duplicate_id)
    return Status(201, services.do_merge_persons(survivor, duplicate, request.auth, payload.reason))


@router.post("/merge/{int:merge_id}/undo", response={200: MergeOut, **errors(409)}, auth=supervisors)
def undo_merge(request: HttpRequest, merge_id: int) -> PersonMerge:
    return services.do_undo_merge(services.get_merge_for(request.auth, merge_id), request.auth)
