"""Pages of citizen booking and of the registration counter, on the real booking services."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from himswasthya.facilities.models import Department, Facility, OpdClosure, OpdPolicy, OpdSession
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.notify import sms
from himswasthya.people.models import Person
from himswasthya.people.tests.factories import named_person
from himswasthya.registration.models import Appointment, AppointmentStatus, Channel
from himswasthya.registration.qr import slip_qr_payload

_serial = itertools.count(1)


# --- set-up helpers (also used by the browser test) ---
def opd_department(
    facility: Facility,
    *,
    code: str = "gen-med",
    online: int = 20,
    walk_in: int = 20,
    starts: datetime.time = datetime.time(0, 0),
) -> Department:
    """A department with a session every day of the week (00:00-23:59, so "today" is always bookable)."""
    dept, _ = Department.objects.get_or_create(
        code=code, defaults={"name": "General Medicine", "name_hi": "सामान्य चिकित्सा"}
    )
    facility.departments.add(dept)
    for weekday in range(7):
        OpdSession.objects.update_or_create(
            facility=facility,
            department=dept,
            weekday=weekday,
            kind="morning",
            defaults={
                "starts_at": starts,
                "ends_at": datetime.time(23, 59),
                "online_quota": online,
                "walk_in_quota": walk_in,
            },
        )
    return dept


def session_on(facility: Facility, dept: Department, date: datetime.date) -> OpdSession:
    return OpdSession.objects.get(facility=facility, department=dept, weekday=date.weekday())


def person(
    district,
    name: str = "Asha Devi",
    name_deva: str = "आशा देवी",
    mobile: str | None = None,
    year: int = 1985,
    sex: str = "F",
) -> Person:
    return named_person(district, name, name_deva=name_deva, sex=sex, year_of_birth=year, mobile=mobile)


def family_of(mobile: str, district, *members: tuple[str, str, str, int]) -> list[Person]:
    """A Him Parivar family whose head has `mobile` (how a citizen's scope finds their persons)."""
    n = next(_serial)
    family = Family.objects.create(family_id=f"TESTFAM{n:06d}", district=district)
    people = []
    for i, (name, name_deva, sex, year) in enumerate(members):
        p = person(district, name, name_deva, mobile=mobile if i == 0 else None, year=year, sex=sex)
        member_of(family, p, f"TESTMEM{n:06d}{i}", "SELF" if i == 0 else "SON")
        people.append(p)
    return people


# --- fixtures ---
@pytest.fixture
def dept(persona_facility):
    return opd_department(persona_facility)


@pytest.fixture
def asha_family(citizen, persona_district):
    return family_of(
        citizen.mobile,
        persona_district,
        ("Asha Devi", "आशा देवी", "F", 1985),
        ("Ravi Kumar", "रवि कुमार", "M", 2012),
    )


@pytest.fixture
def stranger(persona_district):
    return family_of("9811122233", persona_district, ("Kamla Devi", "कमला देवी", "F", 1970))[0]


@pytest.fixture(autouse=True)
def _clear_outbox():
    sms.outbox.clear()


def _book_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("registration:book") + "?" + urlencode(params)


def _post_book(client: Client, who: Person, session: OpdSession, date: datetime.date, fee="none"):
    return client.post(
        reverse("registration:book_confirm"),
        {"person": who.pk, "session": session.pk, "date": date.isoformat(), "fee_exemption": fee},
    )


def _book(who, facility, dept, date, actor_client):
    response = _post_book(actor_client, who, session_on(facility, dept, date), date)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Appointment.objects.get(person=who, date=date, status=AppointmentStatus.BOOKED)


def _book_second_refused(client: Client, first: Person, second: Person, facility, dept) -> None:
    """`first` books today's session; booking `second` into it is refused on the page with the error shown."""
    today = timezone.localdate()
    _book(first, facility, dept, today, client)
    response = _post_book(client, second, session_on(facility, dept, today), today)
    assert response.status_code == 409
    assert 'class="errorlist"' in response.content.decode()


# --- citizen booking: the steps ---
@pytest.mark.django_db
def test_it_lists_only_the_citizens_own_family_to_book_for(login_as, citizen, asha_family, stranger):
    page = login_as(citizen).get(reverse("registration:book")).content.decode()
    assert "Asha Devi" in page and "Ravi Kumar" in page
    assert "Kamla Devi" not in page
    assert 'name="person"' in page


@pytest.mark.django_db
def test_it_explains_how_to_get_registered_when_the_citizen_has_no_record(login_as, citizen):
    response = login_as(citizen).get(reverse("registration:book"))
    assert response.status_code == 200
    assert "Him Parivar" in response.content.decode()
    assert 'name="person"' not in response.content.decode()


@pytest.mark.django_db
def test_it_requires_login_and_the_citizen_role(client, clerk, login_as):
    assert client.get(reverse("registration:book")).status_code == 302
    assert login_as(clerk).get(reverse("registration:book")).status_code == 403


@pytest.mark.django_db
def test_it_offers_facilities_of_the_patients_district_and_by_name(
    login_as, citizen, asha_family, persona_facility, persona_other_facility, dept
):
    opd_department(persona_other_facility)
    client = login_as(citizen)
    own = client.get(_book_url(person=asha_family[0].pk)).content.decode()
    assert persona_facility.name in own and persona_other_facility.name not in own
    found = client.get(_book_url(person=asha_family[0].pk, q="Kangra")).content.decode()
    assert persona_other_facility.name in found and persona_facility.name not in found


@pytest.mark.django_db
def test_it_shows_departments_then_sessions_with_seats_left_and_closures(
    login_as, citizen, asha_family, persona_facility, dept
):
    client = login_as(citizen)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    OpdClosure.objects.create(facility=persona_facility, date=tomorrow, reason="Dussehra holiday")
    base = {"person": asha_family[0].pk, "facility": persona_facility.pk}
    departments = client.get(_book_url(**base)).content.decode()
    assert "General Medicine" in departments and 'name="department"' in departments
    sessions = client.get(_book_url(**base, department=dept.pk)).content.decode()
    assert "20 seats left" in sessions
    assert "Dussehra holiday" in sessions


@pytest.mark.django_db
def test_it_confirms_and_books_with_number_token_uhid_and_sms(
    login_as, citizen, asha_family, persona_facility, dept, django_capture_on_commit_callbacks
):
    client = login_as(citizen)
    today = timezone.localdate()
    session = session_on(persona_facility, dept, today)
    slot = f"{session.pk}:{today.isoformat()}"
    confirm = client.get(
        _book_url(person=asha_family[1].pk, facility=persona_facility.pk, department=dept.pk, slot=slot)
    )
    assert confirm.status_code == 200 and "Ravi Kumar" in confirm.content.decode()
    assert 'name="fee_exemption"' in confirm.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the SMS is sent after commit
        response = _post_book(client, asha_family[1], session, today, fee="child")
    appointment = Appointment.objects.get(person=asha_family[1])
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:appointment", args=[appointment.number])
    assert appointment.fee_exemption == "child" and appointment.channel == Channel.ONLINE
    page = client.get(response["Location"]).content.decode()
    assert appointment.number in page
    assert f"<strong>{appointment.token_number}</strong>" in page
    from himswasthya.people.services import state_uhid

    assert state_uhid(asha_family[1]) and state_uhid(asha_family[1]) in page
    # The child has no mobile: the SMS goes to the booking citizen.
    assert any(appointment.number in m.text and m.mobile == citizen.mobile for m in sms.outbox)


@pytest.mark.django_db
def test_it_rejects_a_malformed_slot_with_a_message(login_as, citizen, asha_family, persona_facility, dept):
    response = login_as(citizen).get(
        _book_url(person=asha_family[0].pk, facility=persona_facility.pk, department=dept.pk, slot="x:y")
    )
    assert "Choose a date and session that has seats left." in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_full_session_error(login_as, citizen, asha_family, persona_facility):
    dept = opd_department(persona_facility, code="ent", online=1)
    _book_second_refused(login_as(citizen), asha_family[0], asha_family[1], persona_facility, dept)
    assert Appointment.objects.filter(person=asha_family[1]).count() == 0


@pytest.mark.django_db
def test_it_shows_the_duplicate_appointment_error(login_as, citizen, asha_family, persona_facility, dept):
    _book_second_refused(login_as(citizen), asha_family[0], asha_family[0], persona_facility, dept)
    assert Appointment.objects.filter(person=asha_family[0]).count() == 1


@pytest.mark.django_db
def test_a_duplicate_booking_is_named_when_the_date_is_chosen_not_at_the_last_step(
    login_as, citizen, asha_family, persona_facility, dept
):
    """Issue #12 item 6: the date already booked for this patient (this department) is shown as booked at
    step 4, and choosing it anyway says why there, instead of refusing at step 5."""
    client = login_as(citizen)
    today = timezone.localdate()
    first = _book(asha_family[0], persona_facility, dept, today, client)
    session = session_on(persona_facility, dept, today)
    base = {"person": asha_family[0].pk, "facility": persona_facility.pk, "department": dept.pk}
    step4 = client.get(_book_url(**base)).content.decode()
    assert 'data-testid="already-booked"' in step4 and first.number in step4
    assert f'value="{session.pk}:{today.isoformat()}"' not in step4  # not offered again
    chosen = client.get(_book_url(**base, slot=f"{session.pk}:{today.isoformat()}")).content.decode()
    assert "already has an appointment in this department on that day" in chosen
    assert 'name="fee_exemption"' not in chosen  # still step 4, not the confirmation
    other = client.get(_book_url(**{**base, "person": asha_family[1].pk})).content.decode()
    assert 'data-testid="already-booked"' not in other  # another member of the family may book that day
    hindi = client.get(_book_url(**base), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "इस मरीज़ की अपॉइंटमेंट पहले से बुक है" in hindi


@pytest.mark.django_db
def test_it_shows_the_outside_window_error_next_to_the_date(
    login_as, citizen, asha_family, persona_facility, dept
):
    OpdPolicy.objects.create(facility=persona_facility, booking_window_days=3)
    far = timezone.localdate() + datetime.timedelta(days=10)
    response = _post_book(login_as(citizen), asha_family[0], session_on(persona_facility, dept, far), far)
    assert response.status_code == 400
    assert "Booking opens 3 days ahead" in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_citizen_cannot_book_for_a_stranger(
    login_as, citizen, asha_family, stranger, persona_facility, dept
):
    today = timezone.localdate()
    client = login_as(citizen)
    response = _post_book(client, stranger, session_on(persona_facility, dept, today), today)
    assert response.status_code == 404
    assert not Appointment.objects.exists()
    # Nor does the stranger show up as a choice when the id is typed into the address.
    page = client.get(_book_url(person=stranger.pk)).content.decode()
    assert "Kamla Devi" not in page


@pytest.mark.django_db
def test_booking_post_needs_the_csrf_token(citizen, asha_family, persona_facility, dept):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    today = timezone.localdate()
    response = _post_book(client, asha_family[0], session_on(persona_facility, dept, today), today)
    assert response.status_code == 403
    assert not Appointment.objects.exists()


# --- my appointments: list, cancel, reschedule ---
@pytest.mark.django_db
def test_my_appointments_lists_upcoming_and_past(
    login_as, citizen, asha_family, stranger, persona_facility, dept
):
    client = login_as(citizen)
    mine = _book(asha_family[0], persona_facility, dept, timezone.localdate(), client)
    page = client.get(reverse("registration:my_appointments")).content.decode()
    assert mine.number in page and "Upcoming" in page


@pytest.mark.django_db
def test_it_cancels_before_the_cutoff(mid_morning, login_as, citizen, asha_family, persona_facility, dept):
    client = login_as(citizen)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    appointment = _book(asha_family[0], persona_facility, dept, tomorrow, client)
    response = client.post(reverse("registration:cancel", args=[appointment.number]))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


@pytest.mark.django_db
def test_it_refuses_to_cancel_after_the_cutoff_with_the_services_message(
    login_as, citizen, asha_family, persona_facility, dept
):
    client = login_as(citizen)
    appointment = _book(asha_family[0], persona_facility, dept, timezone.localdate(), client)  # starts 00:00
    response = client.post(reverse("registration:cancel", args=[appointment.number]))
    assert response.status_code == 400
    assert "Online changes close 120 minutes before the session" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.django_db
def test_it_reschedules_to_another_day(mid_morning, login_as, citizen, asha_family, persona_facility, dept):
    client = login_as(citizen)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = tomorrow + datetime.timedelta(days=1)
    appointment = _book(asha_family[0], persona_facility, dept, tomorrow, client)
    url = reverse("registration:reschedule", args=[appointment.number])
    assert "seats left" in client.get(url).content.decode()
    slot = f"{session_on(persona_facility, dept, later).pk}:{later.isoformat()}"
    response = client.post(url, {"slot": slot})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert Appointment.objects.get(person=asha_family[0], status=AppointmentStatus.BOOKED).date == later
    assert client.post(url, {"slot": "nonsense"}).status_code in (400, 404)


def test_the_reschedule_form_reads_the_slot_and_refuses_an_impossible_date():
    from himswasthya.registration.forms import SessionDayChoiceForm

    form = SessionDayChoiceForm({"slot": "7:2026-03-04"})
    assert form.is_valid() and form.cleaned_data["slot"] == (7, datetime.date(2026, 3, 4))
    impossible = SessionDayChoiceForm({"slot": "7:2026-02-30"})
    assert not impossible.is_valid()
    assert impossible.errors["slot"] == ["Choose a date and session that has seats left."]


@pytest.mark.django_db
def test_a_citizen_cannot_see_or_cancel_someone_elses_appointment(
    login_as, citizen, clerk, stranger, persona_facility, dept
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    from himswasthya.registration import services

    other = services.do_book_appointment(
        actor=clerk, person=stranger, session=session_on(persona_facility, dept, tomorrow), date=tomorrow
    )
    client = login_as(citizen)
    assert client.get(reverse("registration:appointment", args=[other.number])).status_code == 404
    assert client.post(reverse("registration:cancel", args=[other.number])).status_code == 404
    other.refresh_from_db()
    assert other.status == AppointmentStatus.BOOKED


@pytest.mark.django_db
def test_the_booking_pages_render_in_hindi(login_as, citizen, asha_family, persona_facility, dept):
    client = login_as(citizen, HTTP_ACCEPT_LANGUAGE="hi")
    client.cookies["django_language"] = "hi"
    page = client.get(reverse("registration:book")).content.decode()
    assert 'lang="hi"' in page
    assert "अपॉइंटमेंट" in page and "आशा देवी" in page
    sessions = client.get(
        _book_url(person=asha_family[0].pk, facility=persona_facility.pk, department=dept.pk)
    ).content.decode()
    assert "सामान्य चिकित्सा" in sessions and "सीटें बाकी" in sessions


# --- the counter ---
@pytest.mark.django_db
def test_the_counter_is_for_clerks_only(client, citizen, doctor, clerk, login_as):
    assert client.get(reverse("registration:counter")).status_code == 302
    assert login_as(citizen).get(reverse("registration:counter")).status_code == 403
    assert login_as(doctor).get(reverse("registration:counter")).status_code == 403
    page = login_as(clerk).get(reverse("registration:counter")).content.decode()
    assert "autofocus" in page and 'name="code"' in page


@pytest.mark.django_db
def test_the_counter_finds_a_patient_with_the_mobile_masked(login_as, clerk, persona_district, dept):
    person(persona_district, "Sunita Sharma", "सुनीता शर्मा", mobile="9812345678")
    page = login_as(clerk).get(reverse("registration:counter"), {"q": "9812345678"}).content.decode()
    hit = page.split('data-testid="hit"', 1)[1].split("</form>", 1)[0]
    assert "Sunita Sharma" in hit
    assert "9812345678" not in hit and "5678" in hit


@pytest.mark.django_db
def test_the_counter_registers_a_walk_in_with_fee_exemption(login_as, clerk, persona_district, dept):
    patient = person(persona_district, "Sunita Sharma", "सुनीता शर्मा", mobile="9812345678")
    client = login_as(clerk)
    response = client.post(
        reverse("registration:counter_walk_in"),
        {"person": patient.pk, "department": dept.pk, "fee_exemption": "bpl"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(person=patient)
    assert appointment.channel == Channel.WALK_IN and appointment.fee_exemption == "bpl"
    page = client.get(response["Location"]).content.decode()
    assert appointment.number in page and "Sunita Sharma" in page


@pytest.mark.django_db
def test_the_counter_refuses_a_walk_in_for_a_person_out_of_scope(
    login_as, other_facility_clerk, persona_district, persona_other_facility
):
    dept = opd_department(persona_other_facility)
    patient = person(persona_district, "Sunita Sharma", "सुनीता शर्मा")
    response = login_as(other_facility_clerk).post(
        reverse("registration:counter_walk_in"), {"person": patient.pk, "department": dept.pk}
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["number", "qr"])
def test_the_counter_checks_in_by_number_or_qr(
    by, login_as, citizen, clerk, asha_family, persona_facility, dept
):
    appointment = _book(asha_family[0], persona_facility, dept, timezone.localdate(), login_as(citizen))
    code = appointment.number if by == "number" else slip_qr_payload(appointment.number)
    client = login_as(clerk)
    response = client.post(reverse("registration:counter_check_in"), {"code": code})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN
    today = client.get(reverse("registration:counter"), {"status": "checked_in"}).content.decode()
    assert appointment.number in today
    again = client.post(reverse("registration:counter_check_in"), {"code": code})
    assert again.status_code == 409 and 'class="errorlist"' in again.content.decode()


@pytest.mark.django_db
def test_a_clerk_of_another_facility_cannot_check_in(
    login_as, citizen, other_facility_clerk, asha_family, persona_facility, dept
):
    appointment = _book(asha_family[0], persona_facility, dept, timezone.localdate(), login_as(citizen))
    response = login_as(other_facility_clerk).post(
        reverse("registration:counter_check_in"), {"code": appointment.number}
    )
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.django_db
def test_a_forged_qr_is_refused_with_a_message(login_as, clerk, dept):
    response = login_as(clerk).post(reverse("registration:counter_check_in"), {"code": "HSOPD:forged"})
    assert response.status_code == 400
    assert "damaged or was altered" in response.content.decode()


@pytest.mark.django_db
def test_counter_posts_need_the_csrf_token(clerk, dept):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.post(reverse("registration:counter_check_in"), {"code": "X"}).status_code == 403
    assert client.post(reverse("registration:counter_walk_in"), {"person": 1}).status_code == 403


@pytest.mark.django_db
def test_the_counter_renders_in_hindi(login_as, clerk, dept):
    client = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi")
    client.cookies["django_language"] = "hi"
    page = client.get(reverse("registration:counter")).content.decode()
    assert 'lang="hi"' in page and "पंजीकरण काउंटर" in page


@pytest.mark.django_db
def test_the_counter_registers_a_new_patient_then_offers_the_walk_in(login_as, clerk, dept):
    client = login_as(clerk)
    data = {"name": "Meena Thakur", "sex": "F", "year_of_birth": 1990, "mobile": "9800011122"}
    response = client.post(reverse("registration:counter_register"), data)
    assert response.status_code == 302
    created = Person.objects.get(name_roman="Meena Thakur")
    page = client.get(response["Location"]).content.decode()
    assert f'name="person" value="{created.pk}"' in page and "9800011122" not in page


@pytest.mark.django_db
def test_the_counter_shows_likely_duplicates_before_registering(login_as, clerk, persona_district, dept):
    existing = person(persona_district, "Meena Thakur", "मीना ठाकुर", mobile="9800011122", year=1990)
    client = login_as(clerk)
    data = {"name": "Meena Thakur", "sex": "F", "year_of_birth": 1990, "mobile": "9800011122"}
    response = client.post(reverse("registration:counter_register"), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert f'name="person" value="{existing.pk}"' in page and 'name="confirm_new"' in page
    assert Person.objects.filter(name_roman="Meena Thakur").count() == 1
    confirmed = client.post(reverse("registration:counter_register"), {**data, "confirm_new": "on"})
    assert confirmed.status_code == 302
    assert Person.objects.filter(name_roman="Meena Thakur").count() == 2


@pytest.mark.django_db
def test_the_counter_shows_field_errors_of_a_new_patient(login_as, clerk, dept):
    response = login_as(clerk).post(reverse("registration:counter_register"), {"name": "", "sex": "F"})
    assert response.status_code == 400
    assert response.content.decode().count('class="errorlist"') >= 2
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_counter_shows_why_a_walk_in_is_refused(login_as, clerk, persona_facility, persona_district):
    dept = opd_department(persona_facility, code="eye", walk_in=0)
    patient = person(persona_district, "Sunita Sharma", "सुनीता शर्मा")
    response = login_as(clerk).post(
        reverse("registration:counter_walk_in"), {"person": patient.pk, "department": dept.pk}
    )
    assert response.status_code >= 400
    assert 'class="errorlist"' in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_facilities_of_the_patients_own_panchayat_and_block_come_first(
    login_as, citizen, persona_district, persona_facility
):
    from himswasthya.places.models import Block, GramPanchayat

    home_block = Block.objects.create(lgd_code=9101, name="Mashobra", district=persona_district)
    other_block = Block.objects.create(lgd_code=9102, name="Theog", district=persona_district)
    home_gp = GramPanchayat.objects.create(
        name="Naldehra", source_id="9101-1", district=persona_district, block=home_block
    )

    def facility(code, name, **where):
        f = Facility.objects.create(
            code=code, name=name, facility_type="PHC", district=persona_district, **where
        )
        opd_department(f)
        return f

    facility("T-A", "Aaa Theog PHC", block=other_block)
    facility("T-B", "Bbb Mashobra PHC", block=home_block)
    facility("T-C", "Zzz Naldehra PHC", block=home_block, gram_panchayat=home_gp)
    asha = family_of(citizen.mobile, persona_district, ("Asha Devi", "आशा देवी", "F", 1985))[0]
    Person.objects.filter(pk=asha.pk).update(gram_panchayat=home_gp)

    page = login_as(citizen).get(_book_url(person=asha.pk)).content.decode()
    order = [page.index(name) for name in ("Zzz Naldehra PHC", "Bbb Mashobra PHC", "Aaa Theog PHC")]
    assert order == sorted(order)
    assert persona_facility.name not in page  # no OPD sessions: not bookable online


@pytest.mark.django_db
def test_the_appointment_page_shows_the_qr_for_the_counter(
    login_as, citizen, asha_family, persona_facility, dept
):
    client = login_as(citizen)
    appointment = _book(asha_family[0], persona_facility, dept, timezone.localdate(), client)
    page = client.get(reverse("registration:appointment", args=[appointment.number])).content.decode()
    assert 'data-testid="slip-qr"' in page and "data:image/svg+xml;base64," in page
