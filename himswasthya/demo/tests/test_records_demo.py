"""make_records_demo: signed consultations through the records services, with real ICD-10 codes and essential
medicines, backdated over the past year, with the demo citizen's family among the patients; a rerun adds
nothing."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from himswasthya.codelists.management.commands.load_icd10 import read_codes
from himswasthya.codelists.models import Icd10Code
from himswasthya.demo.personas import DEMO_CITIZEN_MOBILE
from himswasthya.demo.records import CONDITIONS, _medicines, make_demo_records
from himswasthya.records.fhir.bundles import document_bundles
from himswasthya.records.models import Encounter, EncounterStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_lists():
    """The medicines list and the conditions' ICD-10 codes as the real files have them."""
    call_command("load_medicines", stdout=StringIO())
    wanted = {condition.icd10 for condition in CONDITIONS}
    Icd10Code.objects.bulk_create(code for code in read_codes() if code.code in wanted)


def test_every_condition_has_a_codable_code_and_listed_medicines(code_lists):
    codable = set(Icd10Code.objects.filter(is_codable=True).values_list("code", flat=True))
    assert {condition.icd10 for condition in CONDITIONS} <= codable
    wanted = {line[0] for condition in CONDITIONS for line in condition.lines}
    assert set(_medicines()) == wanted  # none falls back to free text


def test_the_demo_records_are_signed_past_consultations_and_a_rerun_adds_nothing(demo_facility, code_lists):
    call_command("make_demo_users", stdout=StringIO())
    out = StringIO()
    call_command("make_records_demo", "--encounters", "12", stdout=out)
    assert "12 signed consultations made" in out.getvalue()

    encounters = Encounter.objects.filter(source_ref__startswith="demo:").prefetch_related(
        "diagnoses", "prescriptions"
    )
    assert len(encounters) == 12
    today = timezone.localdate()
    for encounter in encounters:
        assert encounter.status == EncounterStatus.SIGNED
        assert today - datetime.timedelta(days=366) <= timezone.localdate(encounter.started_at) < today
        assert encounter.signed_at > encounter.started_at
        assert [d.is_primary for d in encounter.diagnoses.all()] == [True]
        assert encounter.prescriptions.all() and not any(p.free_text for p in encounter.prescriptions.all())
    assert encounters.filter(person__mobile=DEMO_CITIZEN_MOBILE).exists()
    for encounter in encounters:  # every demo record is a valid NRCeS document (R4B + profile checks)
        assert set(document_bundles(encounter)) == {"OPConsultRecord", "PrescriptionRecord"}

    again = make_demo_records(encounters=12)
    assert (again.created, again.existing) == (0, 12)


def test_the_demo_citizen_sees_the_demo_records_on_my_health_records(demo_facility, code_lists, login_as):
    from django.urls import reverse

    from himswasthya.accounts.models import User

    call_command("make_demo_users", stdout=StringIO())
    make_demo_records(encounters=30)
    theirs = list(Encounter.objects.filter(person__mobile=DEMO_CITIZEN_MOBILE).order_by("-started_at"))
    assert theirs
    client = login_as(User.objects.get(username="demo.citizen"))
    html = client.get(reverse("records:my_records")).content.decode()
    links = [reverse("records:record_detail", args=[encounter.pk]) for encounter in theirs]
    assert all(link in html for link in links)
    assert [html.index(link) for link in links] == sorted(html.index(link) for link in links)  # newest first
    others = Encounter.objects.exclude(person__mobile=DEMO_CITIZEN_MOBILE).first()
    assert reverse("records:record_detail", args=[others.pk]) not in html
    assert client.get(links[0]).status_code == 200
    pdf = client.get(reverse("records:record_pdf", args=[theirs[0].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_demo_records_send_no_sms(demo_facility, code_lists):
    from himswasthya.notify.models import SmsOutbox

    call_command("make_demo_users", stdout=StringIO())
    make_demo_records(encounters=5)
    assert not SmsOutbox.objects.filter(template_key__startswith="record_signed").exists()
