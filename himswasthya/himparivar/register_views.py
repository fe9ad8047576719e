"""Pages of the register import (state administrator, district officer) and sync status (state admin)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from himswasthya.accounts.scoping import role_required
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.himparivar import register_services as services


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Register export (CSV or JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.jsonl,text/csv,application/json"}),
    )
    dry_run = forms.BooleanField(label=_("Dry run: check the file without saving anything"), required=False)


@role_required(*services.IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.max_upload_bytes():
            form.add_error("file", _("The file is too large."))
        else:
            try:
                outcome = services.do_import_register(
                    request.user, upload, file_name=upload.name, dry_run=form.cleaned_data["dry_run"]
                )
            except DomainError as exc:
                form.add_error("file" if exc.field == "file" else None, str(exc.message))
    status = 400 if form.errors else 200
    return render(request, "himparivar/import.html", {"form": form, "outcome": outcome}, status=status)


@role_required(*services.IMPORT_ROLES)
def import_errors_view(request: HttpRequest, run_id: int) -> FileResponse:
    try:
        run = services.import_run_for(request.user, run_id)
    except NotFound as exc:
        raise Http404 from exc
    path = Path(run.error_report_path) if run.error_report_path else None
    if path is None or not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{Path(run.file_name).stem}.errors.csv",
        content_type="text/csv",
    )


@role_required(*services.SYNC_ROLES)
@require_http_methods(["GET", "POST"])
def sync_view(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            services.do_sync_register(request.user)
            return redirect("himparivar:sync")
        except DomainError as exc:
            error = exc.message
    state = services.sync_state()
    return render(
        request, "himparivar/sync.html", {"state": state, "error": error}, status=502 if error else 200
    )
