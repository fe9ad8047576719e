"""Staff pages of the patient index: search, profile, registration with the duplicate check, merge and undo.

Thin: the services check roles and scope and write the audit entries.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himswasthya.accounts.scoping import role_required
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.core.views import add_domain_error, found_or_404
from himswasthya.people import services
from himswasthya.people.forms import MergeForm, PersonSearchForm, RegisterPersonForm
from himswasthya.people.presenters import hit_card, person_card, person_summary


@role_required(*services.SEARCH_ROLES)
def search_view(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results, kind, status = None, "", 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.do_search(
                request.user,
                data["q"],
                age=data["age"],
                sex=data["sex"] or None,
                district=data["district"].pk if data["district"] else None,
                purpose=data["purpose"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            results, kind = [hit_card(hit) for hit in result.hits], result.kind
    purpose = (
        form.cleaned_data.get("purpose") if form.is_bound and form.is_valid() else services.DEFAULT_PURPOSE
    )
    context = {"form": form, "results": results, "kind": kind, "purpose": purpose or services.DEFAULT_PURPOSE}
    return render(request, "people/search.html", context, status=status)


@role_required(*services.SEARCH_ROLES)
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    purpose = request.GET.get("purpose") or services.DEFAULT_PURPOSE
    try:
        person = found_or_404(services.do_read_person, request.user, person_id, purpose=purpose)
    except DomainError as exc:
        return render(
            request, "people/search.html", {"form": PersonSearchForm(), "error": exc.message}, status=400
        )
    card = person_card(person, services.family_context([person.pk]).get(person.pk, ("", "")))
    return render(
        request,
        "people/person.html",
        {
            "person": card,
            "purpose": services.PURPOSES[purpose],
            "purpose_code": purpose,
            "can_issue_uhid": request.user.role in services.REGISTER_ROLES
            and not services.state_uhid(person),
            "can_merge": request.user.role in services.SUPERVISOR_ROLES,
        },
    )


@role_required(*services.REGISTER_ROLES)
@require_POST
def issue_uhid_view(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        uhid = found_or_404(services.do_issue_uhid_for, request.user, person_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("UHID %(uhid)s issued.") % {"uhid": uhid})
    return redirect("people:person", person_id=person_id)


def _new_person(data: dict) -> services.NewPerson:
    return services.NewPerson(
        name_roman=data.get("name_roman") or "",
        name_deva=data.get("name_deva") or "",
        sex=data.get("sex") or "",
        date_of_birth=data.get("date_of_birth"),
        year_of_birth=data.get("year_of_birth"),
        mobile=data.get("mobile") or None,
        gram_panchayat_id=data.get("gram_panchayat"),
    )


@role_required(*services.REGISTER_ROLES)
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegisterPersonForm(request.POST or None)
    candidates = None
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            person = services.do_register_person(
                request.user,
                _new_person(data),
                confirm_new=data["confirm_new"],
                guardian=services.NewGuardian(data.get("guardian"), data.get("guardian_relation") or ""),
                purpose=data.get("purpose") or services.DEFAULT_PURPOSE,
            )
        except services.PossibleDuplicates as exc:
            candidates = [
                {"person": person_summary(c.person), "score": c.score, "reasons": c.reasons}
                for c in exc.candidates
            ]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Registered."))
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/register.html", {"form": form, "candidates": candidates})


@role_required(*services.SUPERVISOR_ROLES)
@require_http_methods(["GET", "POST"])
def merge_view(request: HttpRequest) -> HttpResponse:
    form = MergeForm(request.POST or request.GET or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survivor = services.get_person_for(request.user, data["survivor_id"])
            duplicate = services.get_person_for(request.user, data["duplicate_id"])
            if data["confirm"]:
                merge = services.do_merge_persons(survivor, duplicate, request.user, data["reason"])
                messages.success(request, _("Merged. You can undo this merge below."))
                return redirect(f"{request.path}?done={merge.pk}")
            preview = {"survivor": person_summary(survivor), "duplicate": person_summary(duplicate)}
        except DomainError as exc:
            add_domain_error(form, exc)
    elif request.method == "GET":
        form = MergeForm(
            initial={k: v for k, v in request.GET.items() if k in ("survivor_id", "duplicate_id")}
        )
    merges = list(services.merges_visible_to(request.user).order_by("-created_at")[:20])
    return render(request, "people/merge.html", {"form": form, "preview": preview, "merges": merges})


@role_required(*services.SUPERVISOR_ROLES)
@require_POST
def undo_merge_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    try:
        services.do_undo_merge(services.get_merge_for(request.user, merge_id), request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("people:merge")
