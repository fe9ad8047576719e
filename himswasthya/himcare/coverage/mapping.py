"""Panchayat mapping of HIMCARE (issue #5 item 6): scheme figures for every gram panchayat of a scheme year.

Figures per gram panchayat (a family belongs to the panchayat of its Him Parivar record):
- families: Him Parivar families;
- eligible families: the contract's definition (a living member; not in AB-PMJAY when the year excludes it; no
  living government employee or pensioner when the year excludes them), in SQL with Exists;
- enrolled families: families with an ACTIVE enrolment of the year (card issued); coverage % = enrolled /
  eligible;
- members: living members; members with ABHA: living members whose person has an ABHA number or address;
- pre-authorisations: cases raised under the year's enrolments; claims: their claims, claimed and approved
  amounts.

Every figure is one grouped query (no loop over families). `refresh_coverage(year)` stores the panchayat rows
in `PanchayatCoverage` for the whole state; the drill-down state -> district -> block -> panchayat reads the
stored rows, or computes live for one district or block. Families without a panchayat (and panchayats without
a block) roll up under "not mapped".

Who sees what: the HIMCARE officer and the state administrator see the whole state; a district officer only
their own district. Everyone who may see a figure may see the rows under it, so no cell needs suppressing
(SEC-4 small-cell suppression applies to roles without access to the rows; none is given these pages).
The outreach list names families, so it is audited as a read of personal data.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import has_role, may_act_in_district
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.core.validators import mask_mobile
from himswasthya.himcare.models import (
    LIVE_ENROLMENT_STATUSES,
    Case,
    Claim,
    Enrolment,
    EnrolmentStatus,
    PanchayatCoverage,
    PmjayFamily,
    SchemeYear,
)
from himswasthya.himparivar.models import Family, Member, MemberStatus, Occupation
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.places.models import Block, District, GramPanchayat

ABHA_TYPES = (IdentifierType.ABHA_NUMBER, IdentifierType.ABHA_ADDRESS)
GOVERNMENT_OCCUPATIONS = (Occupation.GOVERNMENT_EMPLOYEE, Occupation.GOVERNMENT_PENSIONER)
VIEW_ROLES = ("himcare_officer", "state_admin", "district_officer")
# Officers who work with families see outreach mobiles in full (the state administrator sees them masked).
UNMASKED_ROLES = ("himcare_officer", "district_officer")
# Figure queries run at once on PostgreSQL (each on its own connection) when computing outside a transaction.
CONCURRENT_QUERIES = 4
NOT_MAPPED = 0  # the id used for "not mapped" (no block / no panchayat) in drill-down links

# A key of the figures: (district id, block id or None, panchayat id or None).
Key = tuple[int, int | None, int | None]


@dataclass
class Figures:
    families: int = 0
    eligible_families: int = 0
    enrolled_families: int = 0
    members: int = 0
    members_with_abha: int = 0
    preauths: int = 0
    claims: int = 0
    claims_paise: int = 0
    approved_paise: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def coverage_percent(self) -> float | None:
        if not self.eligible_families:
            return None
        return round(100 * self.enrolled_families / self.eligible_families, 1)

    @property
    def abha_percent(self) -> float | None:
        if not self.members:
            return None
        return round(100 * self.members_with_abha / self.members, 1)


@dataclass
class Area:
    """One row of a drill-down: a district, block or panchayat (or "not mapped") with its figures."""

    level: str  # "state", "district", "block", "panchayat"
    id: int | None
    code: str
    name: str
    name_hi: str
    figures: Figures = field(default_factory=Figures)
    not_mapped: bool = False

    def display_name(self, language: str = "en") -> str:
        if self.not_mapped:
            return str(_("Not mapped"))
        return (self.name_hi or self.name) if language == "hi" else self.name


# --- the eligibility rule, in SQL ------------------------------------------------------------------------
def eligible_family_q(scheme_year: SchemeYear, prefix: str = "") -> Q:
    """Q for the families (or rows reaching a family through `prefix`) eligible in the scheme year."""
    outer = OuterRef(f"{prefix}pk") if prefix else OuterRef("pk")
    condition = Q(Exists(Member.objects.filter(family_id=outer, status=MemberStatus.ALIVE)))
    if scheme_year.exclude_ab_pmjay:
        condition &= ~Q(Exists(PmjayFamily.objects.filter(family_id=outer)))
    if scheme_year.exclude_government_employees:
        condition &= ~Q(
            Exists(
                Member.objects.filter(
                    family_id=outer, status=MemberStatus.ALIVE, occupation__in=GOVERNMENT_OCCUPATIONS
                )
            )
        )
    return condition


def _active_enrolment(scheme_year: SchemeYear, statuses=(EnrolmentStatus.ACTIVE,)) -> Exists:
    return Exists(
        Enrolment.objects.filter(family_id=OuterRef("pk"), scheme_year=scheme_year, status__in=statuses)
    )


# --- computing the figures --------------------------------------------------------------------------------
def _scope_filter(prefix: str, district_id: int | None, block_id: int | None, gp_id: int | None) -> Q:
    """Families in scope, placed by their panchayat (a family without one by its own district and block)."""
    q = Q()
    unmapped = Q(**{f"{prefix}gram_panchayat__isnull": True})
    if district_id is not None:
        q &= Q(**{f"{prefix}gram_panchayat__district_id": district_id}) | (
            unmapped & Q(**{f"{prefix}district_id": district_id})
        )
    if block_id == NOT_MAPPED:
        q &= Q(
            **{f"{prefix}gram_panchayat__isnull": False, f"{prefix}gram_panchayat__block__isnull": True}
        ) | (unmapped & Q(**{f"{prefix}block__isnull": True}))
    elif block_id is not None:
        q &= Q(**{f"{prefix}gram_panchayat__block_id": block_id}) | (
            unmapped & Q(**{f"{prefix}block_id": block_id})
        )
    if gp_id == NOT_MAPPED:
        q &= unmapped
    elif gp_id is not None:
        q &= Q(**{f"{prefix}gram_panchayat_id": gp_id})
    return q


def _grouped(qs: QuerySet, prefix: str, **aggregates: Any) -> list[dict]:
    keys = (f"{prefix}gram_panchayat_id", f"{prefix}district_id", f"{prefix}block_id")
    return [
        {"key": (row[keys[1]], row[keys[2]], row[keys[0]]), **{k: row[k] for k in aggregates}}
        for row in qs.values(*keys).annotate(**aggregates).order_by()
    ]


def _figure_queries(
    scheme_year: SchemeYear, district_id: int | None, block_id: int | None, gp_id: int | None
) -> list[tuple[Callable[[], list[dict]], dict[str, str]]]:
    """The grouped queries, one per figure (each one scan with semi/anti joins: PostgreSQL runs them in
    parallel workers), with the Figures attribute each result column adds to."""
    families = Family.objects.filter(_scope_filter("", district_id, block_id, gp_id))
    members = Member.objects.filter(status=MemberStatus.ALIVE).filter(
        _scope_filter("family__", district_id, block_id, gp_id)
    )
    with_abha = members.filter(
        Exists(PersonIdentifier.objects.filter(person_id=OuterRef("person_id"), id_type__in=ABHA_TYPES))
    )
    cases = Case.objects.filter(enrolment__scheme_year=scheme_year).filter(
        _scope_filter("enrolment__family__", district_id, block_id, gp_id)
    )
    claims = Claim.objects.filter(case__enrolment__scheme_year=scheme_year).filter(
        _scope_filter("case__enrolment__family__", district_id, block_id, gp_id)
    )
    claim_sums = {"n": Count("pk"), "claimed": Sum("claimed_paise"), "approved": Sum("approved_paise")}
    return [
        (
            lambda: _grouped(families.filter(eligible_family_q(scheme_year)), "", n=Count("pk")),
            {"eligible_families": "n"},
        ),
        (lambda: _grouped(with_abha, "family__", n=Count("pk")), {"members_with_abha": "n"}),
        (lambda: _grouped(members, "family__", n=Count("pk")), {"members": "n"}),
        (
            lambda: _grouped(claims, "case__enrolment__family__", **claim_sums),
            {"claims": "n", "claims_paise": "claimed", "approved_paise": "approved"},
        ),
        (lambda: _grouped(cases, "enrolment__family__", n=Count("pk")), {"preauths": "n"}),
        (
            lambda: _grouped(families.filter(_active_enrolment(scheme_year)), "", n=Count("pk")),
            {"enrolled_families": "n"},
        ),
        (lambda: _grouped(families, "", n=Count("pk")), {"families": "n"}),
    ]


def _run_in_thread(query: Callable[[], list[dict]]) -> list[dict]:
    try:
        return query()
    finally:
        connections.close_all()  # this thread's own connection


# --- the whole state on PostgreSQL: three statements instead of seven ---------------------------------------
# The portable queries above each join the 1.5 M families again, and the eligibility test is two correlated
# (anti) semi-joins per family; at the state's size that is ~14 s. On PostgreSQL the whole state is computed
# by three statements, run at once on their own connections:
#  1. the family statement: one ordered pass over the families merged with their living members grouped by
#     family (living members, "has a living government employee"), the AB-PMJAY list and the year's active
#     enrolments, all read in family-id order from indexes (merge joins, no hash table of 1.5 M families),
#     grouped by panchayat: families, eligible families, enrolled families, living members;
#  2. the ABHA statement: living members whose person has an ABHA number or address, by panchayat;
#  3. the case statement: the year's cases with their claims (one row each), by panchayat.
# `test_mapping.py` checks that this path gives exactly the portable figures. Statements 1 and 2 join by
# merging index-only scans (hash joins of millions of rows cost far more on a small machine), so they want:
# - himparivar Member: Index(fields=["family"], include=["person", "occupation"],
#   condition=Q(status="ALIVE"), name="member_alive_family_idx")  (statement 1);
# - himparivar Member: Index(fields=["person"], include=["family"], condition=Q(status="ALIVE"),
#   name="member_alive_person_idx") and people PersonIdentifier: Index(fields=["person"],
#   condition=Q(id_type__in=["ABHA_NUMBER", "ABHA_ADDRESS"]), name="personid_abha_person_idx")  (statement 2).
# Without them the plans are still correct, only slower (bench/RESULTS.md, HIMCARE).
_PG_SESSION = ("SET LOCAL jit = off", "SET LOCAL work_mem = '256MB'")
# Serial: a parallel plan of these merges makes every worker redo the whole member aggregation.
_PG_MERGE_JOINS = ("SET LOCAL enable_hashjoin = off", "SET LOCAL max_parallel_workers_per_gather = 0")


def _pg_family_sql(scheme_year: SchemeYear) -> tuple[str, list]:
    eligible = ["s.alive > 0"]
    if scheme_year.exclude_ab_pmjay:
        eligible.append("p.family_id IS NULL")
    if scheme_year.exclude_government_employees:
        eligible.append("NOT s.govt")
    # One active enrolment per family at most (constraint enrolment_one_active_per_family) and one AB-PMJAY
    # row per family (unique), so the left joins never multiply a family.
    sql = f"""
        SELECT f.gram_panchayat_id, f.district_id, f.block_id, count(*) AS families,
               count(*) FILTER (WHERE {" AND ".join(eligible)}) AS eligible_families,
               count(e.family_id) AS enrolled_families, coalesce(sum(s.alive), 0) AS members
        FROM himparivar_family f
        LEFT JOIN (
            SELECT m.family_id, count(*) AS alive, bool_or(m.occupation IN (%s, %s)) AS govt
            FROM himparivar_member m WHERE m.status = %s GROUP BY m.family_id
        ) s ON s.family_id = f.id
        LEFT JOIN himcare_pmjayfamily p ON p.family_id = f.id
        LEFT JOIN himcare_enrolment e ON e.family_id = f.id AND e.scheme_year_id = %s AND e.status = %s
        GROUP BY 1, 2, 3"""
    return sql, [*GOVERNMENT_OCCUPATIONS, MemberStatus.ALIVE, scheme_year.pk, EnrolmentStatus.ACTIVE]


_PG_ABHA_SQL = """
    SELECT f.gram_panchayat_id, f.district_id, f.block_id, count(*) AS members_with_abha
    FROM himparivar_member m JOIN himparivar_family f ON f.id = m.family_id
    WHERE m.status = %s
      AND m.person_id IN (SELECT i.person_id FROM people_personidentifier i WHERE i.id_type IN (%s, %s))
    GROUP BY 1, 2, 3"""

_PG_CASE_SQL = """
    SELECT f.gram_panchayat_id, f.district_id, f.block_id, count(*) AS preauths, count(cl.id) AS claims,
           coalesce(sum(cl.claimed_paise), 0) AS claims_paise,
           coalesce(sum(cl.approved_paise), 0) AS approved_paise
    FROM himcare_case c
    JOIN himcare_enrolment e ON e.id = c.enrolment_id
    JOIN himparivar_family f ON f.id = e.family_id
    LEFT JOIN himcare_claim cl ON cl.case_id = c.id
    WHERE e.scheme_year_id = %s
    GROUP BY 1, 2, 3"""


def _pg_statement(sql: str, params: list, settings: tuple[str, ...], tune: bool) -> Callable[[], list[tuple]]:
    def run() -> list[tuple]:
        with transaction.atomic(), connection.cursor() as cursor:
            if tune:  # SET LOCAL: ends with this transaction
                for statement in settings:
                    cursor.execute(statement)
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    return run


def _compute_state_postgresql(scheme_year: SchemeYear, concurrent: bool) -> dict[Key, Figures]:
    """The whole state's figures per panchayat in three statements (see above), keys as compute_figures."""
    # Planner settings only when the statements run in their own transactions (not inside a caller's).
    tune = not connection.in_atomic_block
    family_sql, family_params = _pg_family_sql(scheme_year)
    statements = [
        (
            _pg_statement(family_sql, family_params, _PG_SESSION + _PG_MERGE_JOINS, tune),
            ("families", "eligible_families", "enrolled_families", "members"),
        ),
        (
            _pg_statement(
                _PG_ABHA_SQL, [MemberStatus.ALIVE, *ABHA_TYPES], _PG_SESSION + _PG_MERGE_JOINS, tune
            ),
            ("members_with_abha",),
        ),
        (
            _pg_statement(_PG_CASE_SQL, [scheme_year.pk], _PG_SESSION, tune),
            ("preauths", "claims", "claims_paise", "approved_paise"),
        ),
    ]
    if concurrent:
        with ThreadPoolExecutor(max_workers=len(statements)) as pool:
            results = list(pool.map(_run_in_thread, [run for run, _names in statements]))
    else:
        results = [run() for run, _names in statements]
    out: dict[Key, Figures] = {}
    for rows, (_run, names) in zip(results, statements, strict=True):
        for gp, district, block, *values in rows:
            figures = out.setdefault((district, block, gp), Figures())
            for attr, value in zip(names, values, strict=True):
                setattr(figures, attr, getattr(figures, attr) + int(value or 0))
    return _normalise_keys(out)


def compute_figures(
    scheme_year: SchemeYear,
    *,
    district_id: int | None = None,
    block_id: int | None = None,
    gp_id: int | None = None,
    concurrent: bool | None = None,
    portable: bool = False,
) -> dict[Key, Figures]:
    """Live figures per panchayat for the scope (the whole state when no scope is given).

    Keys are (district, block, panchayat) of the panchayat; a family without a panchayat has panchayat None
    (and its record's district and block). Panchayats with no family are absent (callers list the geography).
    On PostgreSQL outside a transaction the queries run concurrently, each on its own connection
    (`concurrent=None`); inside a transaction (e.g. tests) they must share the caller's connection.
    The whole state on PostgreSQL takes the three-statement path (`portable=True` forces the ORM queries)."""
    if concurrent is None:
        concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
    whole_state = district_id is None and block_id is None and gp_id is None
    if whole_state and not portable and connection.vendor == "postgresql":
        return _compute_state_postgresql(scheme_year, concurrent)
    queries = _figure_queries(scheme_year, district_id, block_id, gp_id)
    if concurrent:
        with ThreadPoolExecutor(max_workers=CONCURRENT_QUERIES) as pool:
            results = list(pool.map(_run_in_thread, [q for q, _names in queries]))
    else:
        results = [q() for q, _names in queries]
    out: dict[Key, Figures] = {}
    for rows, (_q, names) in zip(results, queries, strict=True):
        for row in rows:
            figures = out.setdefault(row["key"], Figures())
            for attr, column in names.items():
                setattr(figures, attr, getattr(figures, attr) + (row[column] or 0))
    return _normalise_keys(out)


def _normalise_keys(raw: dict[Key, Figures]) -> dict[Key, Figures]:
    """Put every mapped family under its panchayat's own district and block (the family record's district and
    block may disagree with its panchayat's; the panchayat wins)."""
    gp_ids = {gp for (_d, _b, gp) in raw if gp is not None}
    places = {
        pk: (d, b)
        for pk, d, b in GramPanchayat.objects.filter(pk__in=gp_ids).values_list(
            "pk", "district_id", "block_id"
        )
    }
    out: dict[Key, Figures] = {}
    for (district, block, gp), figures in raw.items():
        key = (*places[gp], gp) if gp is not None and gp in places else (district, block, None)
        out.setdefault(key, Figures()).add(figures)
    return out


def _unmapped_cache_key(scheme_year: SchemeYear) -> str:
    return f"himcare:coverage-not-mapped:{scheme_year.pk}"


def refresh_coverage(scheme_year: SchemeYear) -> int:
    """Recompute the whole state and store one PanchayatCoverage row per gram panchayat. Returns the count.

    Families without a panchayat have no row to go in; their figures (per district and block) are kept in the
    cache beside the table, so that reading the state table never has to compute anything."""
    figures = compute_figures(scheme_year)
    by_gp = {gp: f for (_d, _b, gp), f in figures.items() if gp is not None}
    now = timezone.now()
    rows = []
    for gp_id in GramPanchayat.objects.values_list("pk", flat=True):
        f = by_gp.get(gp_id, Figures())
        rows.append(
            PanchayatCoverage(
                scheme_year=scheme_year,
                gram_panchayat_id=gp_id,
                families=f.families,
                eligible_families=f.eligible_families,
                enrolled_families=f.enrolled_families,
                members=f.members,
                members_with_abha=f.members_with_abha,
                preauths=f.preauths,
                claims=f.claims,
                claims_paise=f.claims_paise,
                computed_at=now,
            )
        )
    with transaction.atomic():
        PanchayatCoverage.objects.filter(scheme_year=scheme_year).delete()
        PanchayatCoverage.objects.bulk_create(rows, batch_size=2000)
        # One time for the whole table (auto_now gives each row its own).
        PanchayatCoverage.objects.filter(scheme_year=scheme_year).update(computed_at=now)
    unmapped = [[d, b, asdict(f)] for (d, b, gp), f in figures.items() if gp is None]
    cache.set(_unmapped_cache_key(scheme_year), {"at": now.isoformat(), "rows": unmapped}, timeout=None)
    return len(rows)


def _unmapped_figures(scheme_year: SchemeYear, district_id: int | None, computed_at) -> dict[Key, Figures]:
    """The "not mapped" families' figures saved by the last refresh, else computed now."""
    saved = cache.get(_unmapped_cache_key(scheme_year))
    if saved and computed_at is not None and saved["at"] == computed_at.isoformat():
        return {
            (d, b, None): Figures(**f) for d, b, f in saved["rows"] if district_id is None or d == district_id
        }
    return compute_figures(scheme_year, district_id=district_id, gp_id=NOT_MAPPED)


def stored_figures(scheme_year: SchemeYear, *, district_id: int | None = None) -> dict[Key, Figures]:
    """Figures from the stored table (panchayats), plus the "not mapped" families (see refresh_coverage)."""
    qs = PanchayatCoverage.objects.filter(scheme_year=scheme_year)
    if district_id is not None:
        qs = qs.filter(gram_panchayat__district_id=district_id)
    out: dict[Key, Figures] = {}
    for row in qs.values(
        "gram_panchayat_id",
        "gram_panchayat__district_id",
        "gram_panchayat__block_id",
        "families",
        "eligible_families",
        "enrolled_families",
        "members",
        "members_with_abha",
        "preauths",
        "claims",
        "claims_paise",
    ):
        key: Key = (
            row["gram_panchayat__district_id"],
            row["gram_panchayat__block_id"],
            row["gram_panchayat_id"],
        )
        data: dict[str, Any] = dict(row)
        out[key] = Figures(**{f.name: data[f.name] for f in fields(Figures) if f.name in data})
    for key, f in _unmapped_figures(scheme_year, district_id, last_refreshed(scheme_year)).items():
        out.setdefault(key, Figures()).add(f)
    return out


def last_refreshed(scheme_year: SchemeYear) -> datetime.datetime | None:
    row = PanchayatCoverage.objects.filter(scheme_year=scheme_year).order_by("-computed_at").first()
    return row.computed_at if row else None


# --- the drill-down --------------------------------------------------------------------------------------
@dataclass
class Drilldown:
    scheme_year: SchemeYear
    level: str  # the level of the rows: "district", "block" or "panchayat"
    district: District | None
    block: Block | None
    block_not_mapped: bool
    rows: list[Area]
    total: Figures
    source: str  # "stored" or "live"
    computed_at: datetime.datetime | None

    @property
    def has_approved(self) -> bool:
        """The stored table keeps the claimed amount only; approved amounts come with live figures."""
        return self.source == "live"


def allowed_district(user: Any, district_id: int | None) -> int | None:
    """The district the user may look at: officers any (None = the state); a district officer only theirs."""
    if not has_role(user, *VIEW_ROLES):
        raise Forbidden(_("You do not have permission to do this."))
    if user.role == "district_officer" or (user.role == "himcare_officer" and user.district_id):
        if user.district_id is None:
            raise Forbidden(_("You do not have permission to do this."))
        if district_id is not None and not may_act_in_district(user, district_id):
            raise NotFound(_("Not found."), code="not_found")
        return user.district_id
    return district_id


def drilldown(
    user: Any,
    scheme_year: SchemeYear,
    *,
    district_id: int | None = None,
    block_id: int | None = None,
    live: bool | None = None,
) -> Drilldown:
    """The rows under one area: the state's districts, a district's blocks, or a block's panchayats.

    `block_id=NOT_MAPPED` is the district's panchayats without a block. The state and district levels read the
    stored table unless `live`; a block is always computed live (small)."""
    district_id = allowed_district(user, district_id)
    district = block = None
    if district_id is not None:
        district = District.objects.filter(pk=district_id).first()
        if district is None:
            raise NotFound(_("Not found."), code="not_found")
    if block_id is not None:
        if district is None:
            raise NotFound(_("Not found."), code="not_found")
        if block_id != NOT_MAPPED:
            block = Block.objects.filter(pk=block_id, district=district).first()
            if block is None:
                raise NotFound(_("Not found."), code="not_found")
    computed_at = last_refreshed(scheme_year)
    use_live = live if live is not None else (block_id is not None or computed_at is None)
    if use_live:
        figures = compute_figures(scheme_year, district_id=district_id, block_id=block_id)
        source, computed_at = "live", timezone.now()
    else:
        figures = stored_figures(scheme_year, district_id=district_id)
        source = "stored"
    if block_id is not None:
        wanted = None if block_id == NOT_MAPPED else block_id
        figures = {k: v for k, v in figures.items() if k[0] == district_id and k[1] == wanted}
    if district is None:
        level, rows = "district", _district_rows(figures)
    elif block_id is None:
        level, rows = "block", _block_rows(district, figures)
    else:
        level, rows = "panchayat", _panchayat_rows(district, block_id, figures)
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return Drilldown(
        scheme_year=scheme_year,
        level=level,
        district=district,
        block=block,
        block_not_mapped=block_id == NOT_MAPPED,
        rows=rows,
        total=total,
        source=source,
        computed_at=computed_at,
    )


def _district_rows(figures: dict[Key, Figures]) -> list[Area]:
    rows = {
        d.pk: Area("district", d.pk, str(d.lgd_code), d.name, d.name_hi)
        for d in District.objects.of_home_state().order_by("name")
    }
    for (district, _b, _gp), f in figures.items():
        if district in rows:
            rows[district].figures.add(f)
    return list(rows.values())


def _block_rows(district: District, figures: dict[Key, Figures]) -> list[Area]:
    rows: dict[int, Area] = {
        b.pk: Area("block", b.pk, str(b.lgd_code), b.name, b.name_hi)
        for b in Block.objects.filter(district=district).order_by("name")
    }
    not_mapped = Area("block", NOT_MAPPED, "", "", "", not_mapped=True)
    for (d, block, _gp), f in figures.items():
        if d != district.pk:
            continue
        target = rows[block] if block is not None and block in rows else not_mapped
        target.figures.add(f)
    has_unblocked = GramPanchayat.objects.filter(district=district, block__isnull=True).exists()
    result = list(rows.values())
    if not_mapped.figures.families or has_unblocked:
        result.append(not_mapped)
    return result


def _panchayat_rows(district: District, block_id: int, figures: dict[Key, Figures]) -> list[Area]:
    gps = GramPanchayat.objects.filter(district=district)
    gps = gps.filter(block__isnull=True) if block_id == NOT_MAPPED else gps.filter(block_id=block_id)
    rows: dict[int, Area] = {
        gp.pk: Area("panchayat", gp.pk, str(gp.lgd_code or gp.source_id), gp.name, gp.name_hi)
        for gp in gps.order_by("name")
    }
    not_mapped = Area("panchayat", NOT_MAPPED, "", "", "", not_mapped=True)
    for (_d, _b, gp), f in figures.items():
        (rows[gp] if gp in rows else not_mapped).figures.add(f)
    result = list(rows.values())
    if not_mapped.figures.families:
        result.append(not_mapped)
    return result


# --- CSV export -------------------------------------------------------------------------------------------
CSV_HEADER = [
    "district_lgd_code",
    "district",
    "block_lgd_code",
    "block",
    "gp_code",
    "gram_panchayat",
    "families",
    "eligible_families",
    "enrolled_families",
    "coverage_percent",
    "members",
    "members_with_abha",
    "preauths",
    "claims",
    "claims_rupees",
    "approved_rupees",
]


def coverage_csv_rows(user: Any, scheme_year: SchemeYear, *, district_id: int | None = None) -> list[list]:
    """One line per panchayat in scope (plus "not mapped" lines), computed live, with codes and names."""
    district_id = allowed_district(user, district_id)
    figures = compute_figures(scheme_year, district_id=district_id)
    gps = GramPanchayat.objects.select_related("district", "block").order_by(
        "district__name", "block__name", "name"
    )
    districts = District.objects.all()
    if district_id is not None:
        gps = gps.filter(district_id=district_id)
        districts = districts.filter(pk=district_id)
    district_by_id = {d.pk: d for d in districts}
    block_by_id = {b.pk: b for b in Block.objects.filter(district__in=districts)}
    lines = []
    for gp in gps:
        f = figures.pop((gp.district_id, gp.block_id, gp.pk), Figures())
        lines.append(_csv_line(gp.district, gp.block, str(gp.lgd_code or gp.source_id), gp.name, f))
    for (d, b, _gp), f in sorted(figures.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        if d in district_by_id:
            lines.append(
                _csv_line(
                    district_by_id[d],
                    block_by_id.get(b) if b is not None else None,
                    "",
                    str(_("Not mapped")),
                    f,
                )
            )
    record_read(
        "himcare.PanchayatCoverage",
        None,
        purpose="himcare_enrolment",
        action=AuditAction.HIMCARE_COVERAGE_EXPORT,
        actor=user,
        detail={"scheme_year": scheme_year.code, "district": district_id, "lines": len(lines)},
    )
    return lines


def _csv_line(district, block, gp_code: str, gp_name: str, f: Figures) -> list:
    coverage = f.coverage_percent
    return [
        district.lgd_code if district else "",
        district.name if district else "",
        block.lgd_code if block else "",
        block.name if block else str(_("Not mapped")),
        gp_code,
        gp_name,
        f.families,
        f.eligible_families,
        f.enrolled_families,
        "" if coverage is None else f"{coverage:.1f}",
        f.members,
        f.members_with_abha,
        f.preauths,
        f.claims,
        f"{f.claims_paise / 100:.2f}",
        f"{f.approved_paise / 100:.2f}",
    ]


# --- outreach: eligible families not yet enrolled ---------------------------------------------------------
@dataclass
class OutreachFamily:
    family_pk: int
    family_id: str
    head_name: str
    head_name_hi: str
    mobile: str
    members: int


def outreach_list(
    user: Any, scheme_year: SchemeYear, gram_panchayat_id: int
) -> tuple[GramPanchayat, list[OutreachFamily]]:
    """Eligible families of one panchayat without a live enrolment of the year, for outreach. Staff only (the
    HIMCARE officer and state administrator anywhere, a district officer in their district); audited."""
    gp = GramPanchayat.objects.select_related("district", "block").filter(pk=gram_panchayat_id).first()
    if gp is None:
        raise NotFound(_("Not found."), code="not_found")
    allowed_district(user, gp.district_id)
    from himswasthya.accounts.scoping import scope_queryset

    families = (
        scope_queryset(user, Family.objects.all())
        .filter(gram_panchayat=gp)
        .filter(eligible_family_q(scheme_year))
        .exclude(_active_enrolment(scheme_year, LIVE_ENROLMENT_STATUSES))
        .select_related("head")
        .annotate(alive=Count("members", filter=Q(members__status=MemberStatus.ALIVE)))
        .order_by("family_id")
    )
    unmasked = has_role(user, *UNMASKED_ROLES)
    found = []
    for family in families:
        head = family.head
        mobile = (head.mobile or "") if head else ""
        found.append(
            OutreachFamily(
                family_pk=family.pk,
                family_id=family.family_id,
                head_name=head.name_roman if head else "",
                head_name_hi=head.name_deva if head else "",
                mobile=mobile if unmasked else mask_mobile(mobile),
                members=family.alive,
            )
        )
    record_read(
        "himparivar.Family",
        None,
        purpose="himcare_enrolment",
        action=AuditAction.HIMCARE_OUTREACH_READ,
        actor=user,
        detail={"gram_panchayat": gp.pk, "scheme_year": scheme_year.code, "families": len(found)},
    )
    return gp, found


def scheme_year_for(code: str | None = None) -> SchemeYear:
    """The scheme year by code, else the one in force today (the latest start wins), else the latest."""
    qs = SchemeYear.objects.all()
    if code:
        year = qs.filter(code=code).first()
        if year is None:
            raise NotFound(_("Not found."), code="not_found")
        return year
    today = timezone.localdate()
    year = (
        qs.filter(is_active=True, starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
        or qs.order_by("-starts_on").first()
    )
    if year is None:
        raise NotFound(_("No scheme year is configured."), code="no_scheme_year")
    return year
