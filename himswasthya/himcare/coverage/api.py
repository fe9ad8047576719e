"""HIMCARE API: monitoring (mounted under /api/himcare/monitoring/).

- GET  flags                    misuse flags (HIMCARE officer, state admin: all; district officer: own)
- POST flags/{id}/review        clear or confirm a flag with a note (HIMCARE officer / state admin)
- GET  coverage                 drill-down: the state's districts, a district's blocks or a block's panchayats
- GET  coverage.csv             every panchayat in scope as CSV
- GET  outreach/{gp_id}         eligible families of a panchayat not yet enrolled (staff only, audited)
"""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import errors
from himswasthya.himcare.cases import misuse
from himswasthya.himcare.coverage import mapping

router = Router(tags=["himcare"])
VIEW_AUTH = RoleAuth(*mapping.VIEW_ROLES)


class FlagOut(Schema):
    id: int
    rule: str
    rule_display: str
    status: str
    case_no: str | None
    facility_code: str
    facility_name: str
    details: dict
    raised_at: str
    review_note: str


class ReviewIn(Schema):
    decision: str
    note: str


class FiguresOut(Schema):
    families: int
    eligible_families: int
    enrolled_families: int
    coverage_percent: float | None
    members: int
    members_with_abha: int
    preauths: int
    claims: int
    claims_paise: int
    approved_paise: int | None


class AreaOut(Schema):
    level: str
    id: int | None
    code: str
    name: str
    name_hi: str
    not_mapped: bool
    figures: FiguresOut


class DrilldownOut(Schema):
    scheme_year: str
    level: str
    district_id: int | None
    block_id: int | None
    source: str
    computed_at: str | None
    rows: list[AreaOut]
    total: FiguresOut


class OutreachOut(Schema):
    family_id: str
    head_name: str
    head_name_hi: str
    mobile: str
    members: int


class OutreachListOut(Schema):
    gram_panchayat: str
    scheme_year: str
    families: list[OutreachOut]


def _flag(flag) -> dict:
    return {
        "id": flag.pk,
        "rule": flag.rule,
        "rule_display": str(flag.get_rule_display()),
        "status": flag.status,
        "case_no": flag.case.case_no if flag.case_id else None,
        "facility_code": flag.facility.code,
        "facility_name": flag.facility.name,
        "details": flag.details,
        "raised_at": flag.raised_at.isoformat(),
        "review_note": flag.review_note,
    }


def _figures(f: mapping.Figures, with_approved: bool) -> dict:
    return {
        "families": f.families,
        "eligible_families": f.eligible_families,
        "enrolled_families": f.enrolled_families,
        "coverage_percent": f.coverage_percent,
        "members": f.members,
        "members_with_abha": f.members_with_abha,
        "preauths": f.preauths,
        "claims": f.claims,
        "claims_paise": f.claims_paise,
        "approved_paise": f.approved_paise if with_approved else None,
    }


@router.get("/monitoring/flags", response={200: list[FlagOut]}, auth=VIEW_AUTH)
def list_flags(request: HttpRequest, status: str = "open", rule: str = "", limit: int = 100) -> list[dict]:
    flags = misuse.flag_queue(request.auth, status=status, rule=rule)[: max(1, min(limit, 500))]
    return [_flag(f) for f in flags]


@router.post(
    "/monitoring/flags/{flag_id}/review",
    response={200: FlagOut, **errors(409)},
    auth=RoleAuth(*misuse.REVIEW_ROLES),
)
def review_flag(request: HttpRequest, flag_id: int, payload: ReviewIn) -> dict:
    flag = misuse.do_review_flag(
        actor=request.auth, flag_id=flag_id, decision=payload.decision, note=payload.note
    )
    return _flag(flag)


@router.get("/monitoring/coverage", response={200: DrilldownOut}, auth=VIEW_AUTH)
def coverage(
    request: HttpRequest,
    scheme_year: str = "",
    district_id: int | None = None,
    block_id: int | None = None,
    live: bool | None = None,
) -> dict:
    year = mapping.scheme_year_for(scheme_year or None)
    view = mapping.drilldown(request.auth, year, district_id=district_id, block_id=block_id, live=live)
    return {
        "scheme_year": year.code,
        "level": view.level,
        "district_id": view.district.pk if view.district else None,
        "block_id": block_id,
        "source": view.source,
        "computed_at": view.computed_at.isoformat() if view.computed_at else None,
        "rows": [
            {
                "level": row.level,
                "id": row.id,
                "code": row.code,
                "name": row.name,
                "name_hi": row.name_hi,
                "not_mapped": row.not_mapped,
                "figures": _figures(row.figures, view.has_approved),
            }
            for row in view.rows
        ],
        "total": _figures(view.total, view.has_approved),
    }


def csv_response(request: HttpRequest, scheme_year: str, district_id: int | None) -> HttpResponse:
    """The CSV of every panchayat in the user's scope (also used by the page's download link)."""
    year = mapping.scheme_year_for(scheme_year or None)
    lines = mapping.coverage_csv_rows(request.user, year, district_id=district_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(mapping.CSV_HEADER)
    writer.writerows(lines)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    scope = f"-district-{district_id}" if district_id else ""
    response["Content-Disposition"] = f'attachment; filename="himcare-coverage-{year.code}{scope}.csv"'
    return response


@router.get("/monitoring/coverage.csv", auth=VIEW_AUTH)
def coverage_csv(request: HttpRequest, scheme_year: str = "", district_id: int | None = None) -> HttpResponse:
    return csv_response(request, scheme_year, district_id)


@router.get("/monitoring/outreach/{gp_id}", response={200: OutreachListOut}, auth=VIEW_AUTH)
def outreach(request: HttpRequest, gp_id: int, scheme_year: str = "") -> dict:
    year = mapping.scheme_year_for(scheme_year or None)
    gp, families = mapping.outreach_list(request.auth, year, gp_id)
    return {
        "gram_panchayat": gp.name,
        "scheme_year": year.code,
        "families": [
            {
                "family_id": f.family_id,
                "head_name": f.head_name,
                "head_name_hi": f.head_name_hi,
                "mobile": f.mobile,
                "members": f.members,
            }
            for f in families
        ],
    }
