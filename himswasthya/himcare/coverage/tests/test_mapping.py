"""Panchayat mapping: figures on a small made geography equal the hand-counted ones, stored = live, the
drill-down, the CSV and the outreach list (scoped, masked, audited)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.himcare.coverage import mapping
from himswasthya.himcare.models import PanchayatCoverage
from himswasthya.himcare.tests.monitoring_factories import EXPECTED, build_small_geography

pytestmark = pytest.mark.django_db


def _tuple(f: mapping.Figures) -> tuple:
    return (
        f.families,
        f.eligible_families,
        f.enrolled_families,
        f.members,
        f.members_with_abha,
        f.preauths,
        f.claims,
        f.claims_paise // 100,
        f.approved_paise // 100,
    )


def test_live_figures_equal_hand_counts(geo, scheme_year, persona_district):
    figures = mapping.compute_figures(scheme_year)
    by_gp = {gp: f for (_d, _b, gp), f in figures.items()}
    for name in ("Alpha", "Beta", "Delta", "Epsilon"):
        gp = getattr(geo, name.lower())
        assert _tuple(by_gp[gp.pk]) == EXPECTED[name], name
    assert geo.gamma.pk not in by_gp  # no families: listed by the drill-down with zeros
    assert _tuple(figures[(persona_district.pk, geo.theog.pk, None)]) == EXPECTED["not mapped"]
    assert by_gp[geo.alpha.pk].coverage_percent == 50.0
    assert by_gp[geo.beta.pk].coverage_percent == 50.0


def test_refresh_stores_every_panchayat(geo, scheme_year):
    from himswasthya.places.models import GramPanchayat

    assert mapping.refresh_coverage(scheme_year) == GramPanchayat.objects.count()
    assert mapping.refresh_coverage(scheme_year) == GramPanchayat.objects.count()  # idempotent
    stored = {
        row.gram_panchayat.name: row
        for row in PanchayatCoverage.objects.filter(scheme_year=scheme_year).select_related("gram_panchayat")
    }
    for name in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon"):
        row = stored[name]
        expected = EXPECTED[name]
        assert (
            row.families,
            row.eligible_families,
            row.enrolled_families,
            row.members,
            row.members_with_abha,
            row.preauths,
            row.claims,
            row.claims_paise // 100,
        ) == expected[:8], name


def test_command_refreshes(geo, scheme_year, capsys):
    call_command("refresh_himcare_coverage")
    assert PanchayatCoverage.objects.filter(scheme_year=scheme_year).count() == 5
    assert "5" in capsys.readouterr().out


def test_drilldown_state_district_block(geo, scheme_year, himcare_officer, persona_district):
    mapping.refresh_coverage(scheme_year)
    state = mapping.drilldown(himcare_officer, scheme_year)
    assert state.level == "district" and state.source == "stored"
    rows = {r.name: r for r in state.rows}
    shimla = rows["Shimla"].figures
    assert (shimla.families, shimla.eligible_families, shimla.enrolled_families) == (9, 6, 2)
    assert rows["Kangra"].figures.families == 1
    assert state.total.families == 10 and state.total.claims == 3

    district = mapping.drilldown(himcare_officer, scheme_year, district_id=persona_district.pk)
    assert district.level == "block"
    blocks = {("not mapped" if r.not_mapped else r.name): r.figures for r in district.rows}
    assert blocks["Theog"].families == 5 + 2 + 1  # Alpha, Beta and the family without a panchayat
    assert blocks["Mashobra"].families == 0
    assert blocks["not mapped"].families == 1  # Delta has no block
    live = mapping.drilldown(himcare_officer, scheme_year, district_id=persona_district.pk, live=True)
    # The stored table has no approved amount (PanchayatCoverage has claims_paise only): compare the rest.
    assert [_tuple(r.figures)[:8] for r in live.rows] == [_tuple(r.figures)[:8] for r in district.rows]
    assert live.has_approved and not district.has_approved

    block = mapping.drilldown(
        himcare_officer, scheme_year, district_id=persona_district.pk, block_id=geo.theog.pk
    )
    assert block.level == "panchayat" and block.source == "live"
    gps = {("not mapped" if r.not_mapped else r.name): _tuple(r.figures) for r in block.rows}
    assert gps == {"Alpha": EXPECTED["Alpha"], "Beta": EXPECTED["Beta"], "not mapped": EXPECTED["not mapped"]}
    unblocked = mapping.drilldown(
        himcare_officer, scheme_year, district_id=persona_district.pk, block_id=mapping.NOT_MAPPED
    )
    assert [(r.name, _tuple(r.figures)) for r in unblocked.rows] == [("Delta", EXPECTED["Delta"])]


def test_district_officer_sees_only_their_district(
    geo, scheme_year, district_officer, other_district_officer, persona_district, clerk, citizen
):
    mine = mapping.drilldown(district_officer, scheme_year)
    assert mine.district == persona_district and mine.level == "block"
    with pytest.raises(NotFound):
        mapping.drilldown(other_district_officer, scheme_year, district_id=persona_district.pk)
    with pytest.raises(NotFound):
        mapping.drilldown(
            other_district_officer, scheme_year, district_id=persona_district.pk, block_id=geo.theog.pk
        )
    for outsider in (clerk, citizen):
        with pytest.raises(Forbidden):
            mapping.drilldown(outsider, scheme_year)


def test_csv_lines(geo, scheme_year, district_officer):
    lines = mapping.coverage_csv_rows(district_officer, scheme_year)
    by_gp = {line[5]: line for line in lines}
    assert set(by_gp) == {"Alpha", "Beta", "Gamma", "Delta", "Not mapped"}
    alpha = by_gp["Alpha"]
    assert alpha[:6] == [23, "Shimla", 9101, "Theog", "81001", "Alpha"]
    assert alpha[6:] == [5, 2, 1, "50.0", 9, 2, 2, 1, "20000.00", "15000.00"]
    assert by_gp["Gamma"][9] == ""  # no eligible family: no percentage
    assert by_gp["Not mapped"][3] == "Theog"
    assert AuditEntry.objects.filter(action="himcare_coverage.export").count() == 1


def test_outreach_list(geo, scheme_year, himcare_officer, district_officer, state_admin):
    gp, families = mapping.outreach_list(district_officer, scheme_year, geo.alpha.pk)
    assert [f.family_id for f in families] == ["SG-F2"]  # F1 enrolled, F3-F5 not eligible
    assert families[0].mobile == "9811100002" and families[0].members == 2
    assert families[0].head_name == "Geeta Thakur"
    _gp, beta = mapping.outreach_list(himcare_officer, scheme_year, geo.beta.pk)
    assert beta == []  # F6 enrolled, F7 awaiting payment
    _gp, masked = mapping.outreach_list(state_admin, scheme_year, geo.alpha.pk)
    assert masked[0].mobile == "XXXXXX0002"
    entries = AuditEntry.objects.filter(action="himcare_outreach.read")
    assert entries.count() == 3
    assert entries.filter(actor=district_officer).get().detail["families"] == 1


def test_outreach_refused_outside_scope(
    geo, scheme_year, other_district_officer, clerk, scheme_desk, citizen
):
    with pytest.raises(NotFound):
        mapping.outreach_list(other_district_officer, scheme_year, geo.alpha.pk)
    for outsider in (clerk, scheme_desk, citizen):
        with pytest.raises(Forbidden):
            mapping.outreach_list(outsider, scheme_year, geo.alpha.pk)
    assert not AuditEntry.objects.filter(action="himcare_outreach.read").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_computation_equals_serial(
    persona_district, persona_other_district, persona_facility, persona_other_facility
):
    """On PostgreSQL outside a transaction the figure queries run at once on their own connections."""
    from django.db import connection

    from himswasthya.himcare.tests.factories import make_scheme_year

    if connection.vendor != "postgresql":
        pytest.skip("concurrent queries are used on PostgreSQL only")
    year = make_scheme_year()
    build_small_geography(
        persona_district, persona_other_district, year, persona_facility, persona_other_facility
    )
    concurrent = mapping.compute_figures(year, concurrent=True)
    serial = mapping.compute_figures(year, concurrent=False)
    assert {k: _tuple(v) for k, v in concurrent.items()} == {k: _tuple(v) for k, v in serial.items()}
    assert len(concurrent) == 5  # four panchayats with families and the family without one


def _add_edge_families(geo, district):
    """Families that tell the rules apart: a dead government employee (does not exclude), a person with an
    ABHA number and an ABHA address (counted once), a family with no living member (not eligible)."""
    from himswasthya.himcare.tests.factories import make_family
    from himswasthya.himcare.tests.monitoring_factories import abha_number
    from himswasthya.people.models import PersonIdentifier

    _f, members = make_family(
        district,
        [
            {
                "name_roman": "Dead Officer",
                "sex": "M",
                "year_of_birth": 1950,
                "occupation": "GOVT_PEN",
                "status": "DECEASED",
            },
            {"name_roman": "Living Widow", "sex": "F", "year_of_birth": 1955, "relation": "WIFE"},
        ],
        family_id="SG-EDGE-1",
        gram_panchayat=geo.beta,
    )
    person = members[1].person
    PersonIdentifier.objects.create(person=person, id_type="ABHA_NUMBER", value=abha_number(77))
    PersonIdentifier.objects.create(person=person, id_type="ABHA_ADDRESS", value="widow.55@abdm")
    make_family(
        district,
        [{"name_roman": "Gone", "sex": "M", "year_of_birth": 1940, "status": "DECEASED"}],
        family_id="SG-EDGE-2",
        gram_panchayat=geo.beta,
    )


@pytest.mark.parametrize("exclude_pmjay, exclude_govt", [(True, True), (False, False), (True, False)])
def test_state_statements_equal_portable_queries(
    geo, scheme_year, persona_district, exclude_pmjay, exclude_govt
):
    """The whole state on PostgreSQL is computed by three SQL statements (mapping._compute_state_postgresql);
    they give exactly the portable ORM queries' figures, whatever the year's exclusions."""
    _add_edge_families(geo, persona_district)
    scheme_year.exclude_ab_pmjay = exclude_pmjay
    scheme_year.exclude_government_employees = exclude_govt
    scheme_year.save()
    fast = mapping.compute_figures(scheme_year)
    portable = mapping.compute_figures(scheme_year, portable=True)
    assert {k: _tuple(v) for k, v in fast.items()} == {k: _tuple(v) for k, v in portable.items()}
    beta = portable[(persona_district.pk, geo.beta.block_id, geo.beta.pk)]
    base = EXPECTED["Beta"]
    # One more eligible family (the widow's), one more living member, with ABHA (once).
    assert (beta.families, beta.members, beta.members_with_abha) == (base[0] + 2, base[3] + 1, base[4] + 1)
    if exclude_pmjay and exclude_govt:
        assert beta.eligible_families == base[1] + 1


@pytest.mark.django_db(transaction=True)
def test_state_statements_outside_a_transaction(
    persona_district, persona_other_district, persona_facility, persona_other_facility
):
    """Outside a transaction the PostgreSQL statements run at once with their planner settings; the same
    figures, and refresh_coverage stores them."""
    from django.db import connection

    from himswasthya.himcare.tests.factories import make_scheme_year

    if connection.vendor != "postgresql":
        pytest.skip("the three-statement path is PostgreSQL's")
    year = make_scheme_year()
    geo = build_small_geography(
        persona_district, persona_other_district, year, persona_facility, persona_other_facility
    )
    _add_edge_families(geo, persona_district)
    fast = mapping.compute_figures(year)
    portable = mapping.compute_figures(year, portable=True, concurrent=False)
    assert {k: _tuple(v) for k, v in fast.items()} == {k: _tuple(v) for k, v in portable.items()}
    mapping.refresh_coverage(year)
    stored = PanchayatCoverage.objects.get(scheme_year=year, gram_panchayat=geo.beta)
    assert (
        stored.members_with_abha == _tuple(portable[(persona_district.pk, geo.beta.block_id, geo.beta.pk)])[4]
    )
