"""Pages of OPD booking (citizen) and of the registration counter (clerk). Thin: the services decide.

Booking is a chain of plain GET forms (works without JavaScript): each step adds one query parameter
(person -> district -> block -> facility -> department -> slot) and the confirmation is one POST.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import get_scoped_or_404, role_required, scope_queryset
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.facilities.models import Department, Facility, OpdPolicy, OpdSession
from himswasthya.people.models import Person
from himswasthya.places.models import Block, District
from himswasthya.registration import services
from himswasthya.registration.forms import (
    CheckInForm,
    ConfirmBookingForm,
    NewPatientForm,
    SessionDayChoiceForm,
    WalkInForm,
)
from himswasthya.registration.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    FeeExemption,
)
from himswasthya.registration.qr import slip_qr_payload

COUNTER_ROLES = (Role.REGISTRATION_CLERK, Role.FACILITY_ADMIN)
APPOINTMENT_ROLES = (Role.CITIZEN, *COUNTER_ROLES, Role.DOCTOR)
DEFAULT_WINDOW_DAYS = 7


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another module provides, or "" while that module has not landed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _parse_slot(slot: str) -> tuple[int, datetime.date] | None:
    """ "<session id>:<YYYY-MM-DD>" -> (id, date), or None when malformed."""
    session_id, _sep, day = (slot or "").partition(":")
    try:
        return int(session_id), datetime.date.fromisoformat(day)
    except ValueError:
        return None


def _error_dict(error: DomainError, fields: tuple[str, ...] = ()) -> dict[str, str]:
    """{field: message} for the template; a field the page does not show goes to "general"."""
    key = error.field if error.field in fields else "general"
    return {key: str(error.message)}


CONFIRM_FIELDS = ("person", "facility", "department", "session", "date", "fee_exemption")


# --- citizen booking --------------------------------------------------------------------------------
def bookable_people(user: Any) -> QuerySet[Person]:
    """The citizen's own Him Parivar family (scoping matches the registered mobile)."""
    return scope_queryset(user, Person.objects.filter(merged_into__isnull=True)).order_by(
        "year_of_birth", "pk"
    )


def _window_days(facility: Facility) -> int:
    policy = OpdPolicy.objects.filter(facility=facility).first()
    return policy.booking_window_days if policy else DEFAULT_WINDOW_DAYS


def session_days(facility: Facility, department: Department) -> list[Any]:
    today = timezone.localdate()
    date_to = today + datetime.timedelta(days=_window_days(facility))
    return services.available_session_days(facility, department, today, date_to)


def _step_url(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return (
        reverse("registration:book")
        + "?"
        + urlencode({k: v for k, v in merged.items() if v not in ("", None)})
    )


def _facilities_for(person: Person, district: District | None, block: Block | None, q: str) -> list[Facility]:
    """Facilities to choose from; those of the patient's own gram panchayat and block first."""
    qs = Facility.objects.filter(is_active=True, opd_sessions__is_active=True).distinct()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_hi__icontains=q) | Q(code__iexact=q))
    elif block is not None:
        qs = qs.filter(block=block)
    elif district is not None:
        qs = qs.filter(district=district)
    else:
        return []
    home_gp = person.gram_panchayat_id
    home_block = person.gram_panchayat.block_id if person.gram_panchayat_id else None

    def rank(facility: Facility) -> tuple[int, str]:
        if home_gp and facility.gram_panchayat_id == home_gp:
            return (0, facility.name)
        if home_block and facility.block_id == home_block:
            return (1, facility.name)
        return (2, facility.name)

    return sorted(qs.select_related("district", "block")[:200], key=rank)


@role_required(Role.CITIZEN)
@require_GET
def book_view(request: HttpRequest) -> HttpResponse:
    people = list(bookable_people(request.user).select_related("gram_panchayat", "district"))
    if not people:
        return render(request, "registration/book_no_person.html", {})
    g = request.GET
    params: dict[str, Any] = {}
    person = next((p for p in people if p.pk == _int(g.get("person"))), None)
    if person is None:
        return render(request, "registration/book_person.html", {"people": people, "step": 1})
    params["person"] = person.pk

    facility = None
    if _int(g.get("facility")) is not None:
        facility = Facility.objects.filter(pk=_int(g.get("facility")), is_active=True).first()
    if facility is None:
        return _choose_facility(request, person, params)
    params["facility"] = facility.pk

    departments = (
        Department.objects.filter(opd_sessions__facility=facility, opd_sessions__is_active=True)
        .distinct()
        .order_by("name")
    )
    department = departments.filter(pk=_int(g.get("department"))).first() if g.get("department") else None
    base = {"person": person, "facility": facility, "params": params}
    if department is None:
        return render(
            request,
            "registration/book_department.html",
            {**base, "departments": departments, "step": 3, "back_url": _step_url({"person": person.pk})},
        )
    params["department"] = department.pk
    base["department"] = department
    days = session_days(facility, department)
    booked = services.booked_dates(person, department.pk, {d.date for d in days})
    slot = _parse_slot(g.get("slot", "")) if g.get("slot") else None
    chosen = next(
        (d for d in days if slot and d.session.pk == slot[0] and d.date == slot[1] and not d.closed_reason),
        None,
    )
    if chosen is None or chosen.date in booked:
        error = ""
        if chosen is not None:
            error = str(services.ALREADY_BOOKED)
        elif g.get("slot"):
            error = _("Choose a date and session that has seats left.")
        return render(
            request,
            "registration/book_session.html",
            {
                **base,
                "days": [(d, booked.get(d.date)) for d in days],
                "error": error,
                "step": 4,
                "back_url": _step_url(params, department=""),
            },
        )
    form = ConfirmBookingForm(
        initial={
            "person": person.pk,
            "session": chosen.session.pk,
            "date": chosen.date,
            "fee_exemption": "none",
        }
    )
    return render(
        request,
        "registration/book_confirm.html",
        {**base, "day": chosen, "form": form, "step": 5, "back_url": _step_url(params)},
    )


def _choose_facility(request: HttpRequest, person: Person, params: dict[str, Any]) -> HttpResponse:
    g = request.GET
    q = (g.get("q") or "").strip()[:100]
    home_district_id = person.district_id
    district = District.objects.filter(pk=_int(g.get("district"))).first() if g.get("district") else None
    if district is None and not q and home_district_id and not g.get("other_district"):
        district = District.objects.filter(pk=home_district_id).first()
    block = None
    if district is not None and g.get("block"):
        block = Block.objects.filter(pk=_int(g.get("block")), district=district).first()
    facilities = _facilities_for(person, district, block, q)
    return render(
        request,
        "registration/book_facility.html",
        {
            "person": person,
            "params": params,
            "districts": District.objects.of_home_state().order_by("name"),
            "district": district,
            "blocks": Block.objects.filter(district=district).order_by("name") if district else [],
            "block": block,
            "q": q,
            "facilities": facilities,
            "step": 2,
            "back_url": reverse("registration:book"),
        },
    )


@role_required(Role.CITIZEN)
@require_POST
def book_confirm_view(request: HttpRequest) -> HttpResponse:
    form = ConfirmBookingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your choice was incomplete. Please start again."))
        return redirect("registration:book")
    data = form.cleaned_data
    person = get_scoped_or_404(request.user, Person.objects.all(), pk=data["person"])
    session = OpdSession.objects.select_related("facility", "department").filter(pk=data["session"]).first()
    if session is None:
        raise Http404
    params = {"person": person.pk, "facility": session.facility_id, "department": session.department_id}
    try:
        appointment = services.do_book_appointment(
            actor=request.user,
            person=person,
            session=session,
            date=data["date"],
            fee_exemption=data["fee_exemption"] or FeeExemption.NONE,
        )
    except DomainError as error:
        return render(
            request,
            "registration/book_confirm.html",
            {
                "person": person,
                "facility": session.facility,
                "department": session.department,
                "day": None,
                "session": session,
                "date": data["date"],
                "form": form,
                "errors": _error_dict(error, CONFIRM_FIELDS),
                "step": 5,
                "back_url": _step_url(params),
            },
            status=error.status,
        )
    messages.success(request, _("Your appointment is booked."))
    return redirect("registration:appointment", number=appointment.number)


def _appointments_for(user: Any) -> QuerySet[Appointment]:
    return scope_queryset(
        user,
        Appointment.objects.select_related("facility", "department", "person", "session_day"),
    )


@role_required(Role.CITIZEN)
@require_GET
def my_appointments_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = _appointments_for(request.user)
    upcoming = mine.filter(date__gte=today, status__in=[s.value for s in ACTIVE_STATUSES]).order_by(
        "date", "session_day__starts_at", "token_number"
    )
    past = mine.exclude(pk__in=upcoming.values("pk")).order_by("-date", "-token_number")[:50]
    return render(request, "registration/my_appointments.html", {"upcoming": upcoming, "past": past})


def _uhid(person: Person) -> str:
    from himswasthya.people.services import state_uhid

    return state_uhid(person) or ""


def _qr_image(number: str) -> str:
    """The slip's QR code as a data URI, for showing on the phone at the counter ("" if slips are missing)."""
    try:
        from himswasthya.core.documents import qr_data_uri
    except ImportError:
        return ""
    return qr_data_uri(slip_qr_payload(number))


def _cancellable(appointment: Appointment) -> bool:
    return appointment.status == AppointmentStatus.BOOKED and appointment.date >= timezone.localdate()


@role_required(*APPOINTMENT_ROLES)
@require_GET
def appointment_view(request: HttpRequest, number: str) -> HttpResponse:
    try:
        appointment = services.get_appointment(request.user, number)  # an audited read
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "registration/appointment.html", _appointment_context(request, appointment))


def _appointment_context(request: HttpRequest, appointment: Appointment, **extra: Any) -> dict[str, Any]:
    return {
        "appointment": appointment,
        "uhid": _uhid(appointment.person),
        "slip_url": optional_url("registration:slip_pdf", appointment.number),
        "qr_image": _qr_image(appointment.number),
        "can_change": request.user.role == Role.CITIZEN and _cancellable(appointment),
        **extra,
    }


@role_required(Role.CITIZEN)
@require_POST
def cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    appointment = get_scoped_or_404(request.user, _appointments_for(request.user), number=number)
    try:
        services.do_cancel_appointment(actor=request.user, appointment=appointment)
    except DomainError as error:
        context = _appointment_context(request, appointment, errors=_error_dict(error))
        return render(request, "registration/appointment.html", context, status=error.status)
    messages.success(request, _("Your appointment is cancelled."))
    return redirect("registration:my_appointments")


@role_required(Role.CITIZEN)
def reschedule_view(request: HttpRequest, number: str) -> HttpResponse:
    appointment = get_scoped_or_404(request.user, _appointments_for(request.user), number=number)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = SessionDayChoiceForm(request.POST)
        slot = form.cleaned_data["slot"] if form.is_valid() else None
        session = OpdSession.objects.filter(
            pk=slot[0] if slot else None,
            facility_id=appointment.facility_id,
            department_id=appointment.department_id,
        ).first()
        if slot is None or session is None:
            errors = {"slot": _("Choose a date and session that has seats left.")}
            status = 400
        else:
            try:
                moved = services.do_reschedule_appointment(
                    actor=request.user, appointment=appointment, session=session, date=slot[1]
                )
            except DomainError as error:
                errors, status = _error_dict(error, ("slot", "session", "date")), error.status
            else:
                messages.success(request, _("Your appointment is moved."))
                return redirect("registration:appointment", number=moved.number)
    days = session_days(appointment.facility, appointment.department)
    return render(
        request,
        "registration/book_reschedule.html",
        {"appointment": appointment, "days": days, "errors": errors},
        status=status,
    )


# --- registration counter -------------------------------------------------------------------------
def _today_list(
    user: Any, department_id: int | None, status: str
) -> OrderedDict[Department, list[Appointment]]:
    rows = _appointments_for(user).filter(facility_id=user.facility_id, date=timezone.localdate())
    if department_id:
        rows = rows.filter(department_id=department_id)
    if status:
        rows = rows.filter(status=status)
    grouped: OrderedDict[Department, list[Appointment]] = OrderedDict()
    for row in rows.order_by("department__name", "token_number"):
        grouped.setdefault(row.department, []).append(row)
    return grouped


def _counter_departments(user: Any) -> QuerySet[Department]:
    return (
        Department.objects.filter(opd_sessions__facility_id=user.facility_id, opd_sessions__is_active=True)
        .distinct()
        .order_by("name")
    )


def _search(request: HttpRequest, q: str) -> tuple[list[dict[str, Any]], str]:
    from himswasthya.people.presenters import hit_card
    from himswasthya.people.services import do_search

    if not q:
        return [], ""
    try:
        result = do_search(request.user, q, purpose="opd_registration", limit=20)
    except DomainError as error:
        return [], str(error.message)
    return [hit_card(hit) for hit in result.hits], ""


@role_required(*COUNTER_ROLES)
def counter_view(request: HttpRequest, **extra: Any) -> HttpResponse:
    user = request.user
    if user.facility_id is None:
        raise Http404
    q = (request.GET.get("q") or "").strip()[:100]
    hits, search_error = _search(request, q)
    if not hits and _int(request.GET.get("person")):
        hits = _person_cards(user, [_int(request.GET.get("person"))])
    status_filter = request.GET.get("status", "")
    if status_filter not in AppointmentStatus.values:
        status_filter = ""
    department_filter = _int(request.GET.get("department"))
    last = None
    if request.GET.get("last"):
        last = (
            _appointments_for(user).filter(number=request.GET["last"], facility_id=user.facility_id).first()
        )
    context = {
        "q": q,
        "hits": hits,
        "search_error": search_error,
        "check_in_form": extra.pop("check_in_form", None) or CheckInForm(),
        "new_patient_form": extra.pop("new_patient_form", None) or NewPatientForm(),
        "departments": _counter_departments(user),
        "fee_choices": FeeExemption.choices,
        "statuses": AppointmentStatus.choices,
        "status_filter": status_filter,
        "department_filter": department_filter,
        "today": _today_list(user, department_filter, status_filter),
        "last": last,
        "last_slip_url": optional_url("registration:slip_pdf", last.number) if last else "",
        "register_url": reverse("people:register")
        + "?"
        + urlencode({"next": reverse("registration:counter")}),
        **extra,
    }
    return render(request, "registration/counter.html", context, status=extra.get("status", 200))


@role_required(*COUNTER_ROLES)
@require_POST
def counter_check_in_view(request: HttpRequest) -> HttpResponse:
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return counter_view(request, check_in_form=form, status=400)
    try:
        appointment = services.find_appointment_for_counter(request.user, form.cleaned_data["code"])
        appointment = services.do_check_in(actor=request.user, appointment=appointment)
    except DomainError as error:
        form.add_error("code", str(error.message))
        # Another facility's appointment is "not found" (404), never confirmed to exist.
        return counter_view(
            request, check_in_form=form, status=404 if isinstance(error, NotFound) else error.status
        )
    messages.success(
        request,
        _("Checked in: %(name)s, token %(token)s, %(department)s.")
        % {
            "name": appointment.person.name_roman,
            "token": appointment.token_number,
            "department": appointment.department.display_name(),
        },
    )
    return redirect(reverse("registration:counter") + "?" + urlencode({"last": appointment.number}))


@role_required(*COUNTER_ROLES)
@require_POST
def counter_walk_in_view(request: HttpRequest) -> HttpResponse:
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return counter_view(request, walk_in_error=_("Choose the department."), status=400)
    data = form.cleaned_data
    person = get_scoped_or_404(request.user, Person.objects.all(), pk=data["person"])
    department = _counter_departments(request.user).filter(pk=data["department"]).first()
    if department is None:
        return counter_view(request, walk_in_error=_("Choose the department."), status=400)
    try:
        appointment = services.do_register_walk_in(
            actor=request.user,
            person=person,
            facility=request.user.facility,
            department=department,
            fee_exemption=data["fee_exemption"] or FeeExemption.NONE,
        )
    except DomainError as error:
        return counter_view(request, walk_in_error=str(error.message), status=error.status)
    messages.success(
        request,
        _("Registered: %(name)s, token %(token)s, %(department)s.")
        % {
            "name": person.name_roman,
            "token": appointment.token_number,
            "department": department.display_name(),
        },
    )
    return redirect(reverse("registration:counter") + "?" + urlencode({"last": appointment.number}))


def _person_cards(user: Any, person_ids: list[int | None]) -> list[dict[str, Any]]:
    """Result cards (mobile masked) for people in the clerk's scope."""
    from himswasthya.people.presenters import person_summary

    people = scope_queryset(user, Person.objects.filter(pk__in=[pk for pk in person_ids if pk]))
    return [person_summary(p) for p in people.select_related("district", "gram_panchayat")]


@role_required(*COUNTER_ROLES)
@require_POST
def counter_register_view(request: HttpRequest) -> HttpResponse:
    """Register a new patient with the minimal fields, after the people app's duplicate check."""
    from himswasthya.people.services import NewPerson, PossibleDuplicates, do_register_person

    form = NewPatientForm(request.POST)
    if not form.is_valid():
        return counter_view(request, new_patient_form=form, status=400)
    data = form.cleaned_data
    fields = NewPerson(
        name_roman=data["name"],
        sex=data["sex"],
        year_of_birth=data["year_of_birth"],
        mobile=data["mobile"] or None,
    )
    try:
        # "treatment": staff may register a child for health services without a guardian (DPDP 4th Schedule).
        person = do_register_person(
            request.user, fields, confirm_new=data["confirm_new"], purpose="treatment"
        )
    except PossibleDuplicates as duplicates:
        form.add_error("confirm_new", str(duplicates.message))
        cards = _person_cards(request.user, [c.person.pk for c in duplicates.candidates])
        return counter_view(request, new_patient_form=form, hits=cards, duplicates=True, status=409)
    except DomainError as error:
        field = {"name_roman": "name", "name_deva": "name"}.get(error.field or "", error.field)
        field = field if field in form.fields else None
        form.add_error(field, str(error.message))
        return counter_view(request, new_patient_form=form, status=error.status)
    messages.success(request, _("Patient registered. Now register the walk-in."))
    return redirect(reverse("registration:counter") + "?" + urlencode({"person": person.pk}))
