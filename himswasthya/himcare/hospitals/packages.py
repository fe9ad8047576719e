"""The package master: import from CSV in the layout of the national Health Benefit Package (HBP) list.

Columns (a header row; lines starting with # before it are comments):
    specialty_code, specialty_name, package_code, package_name, procedure_code, procedure_name, rate_inr,
    preauth_required (Y/N), min_los_days, package_type (medical|surgical|daycare), one_time (Y/N)
and optionally specialty_name_hi (the specialty's name in Hindi), package_name_hi (the procedure's name in
Hindi, in Devanagari only; a column left out or an empty cell keeps the Hindi name the package has),
preauth_documents and claim_documents (the document kinds the package needs, e.g.
"clinical_notes;investigation"; a column left out keeps what the package has, an empty cell means the default
for the package's kind: cases/documents.py).

One row is one procedure; rows are upserted by procedure code (`Package.code`), specialties by their code.
Each row is checked and written in its own savepoint: a bad row is reported (row number, field, reason) and
nothing of it is written, the good rows are kept. A dry run checks and counts everything, then rolls back.
Running the same file twice changes nothing the second time (rows are counted as unchanged).

No public copy of the HBP master was available offline; `data/packages_illustrative.csv` is a small demo set
with illustrative rates, imported with `illustrative=True` so that every page shows "illustrative rates".
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import require_role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import CheckedDictReader, RowError, decode_text
from himswasthya.core.money import parse_rupees
from himswasthya.himcare.models import DocumentKind, Package, PackageKind, Specialty

IMPORT_ROLES = (Role.HIMCARE_OFFICER, Role.STATE_ADMIN)
COLUMNS = (
    "specialty_code",
    "specialty_name",
    "package_code",
    "package_name",
    "procedure_code",
    "procedure_name",
    "rate_inr",
    "preauth_required",
    "min_los_days",
    "package_type",
    "one_time",
)
OPTIONAL_COLUMNS = ("specialty_name_hi", "package_name_hi", "preauth_documents", "claim_documents")
ILLUSTRATIVE_CSV = Path(__file__).resolve().parent / "data" / "packages_illustrative.csv"
MAX_ROWS = 20_000
MAX_ERRORS_KEPT = 500
_KINDS = {
    "medical": PackageKind.MEDICAL,
    "surgical": PackageKind.SURGICAL,
    "daycare": PackageKind.DAY_CARE,
    "day care": PackageKind.DAY_CARE,
    "day-care": PackageKind.DAY_CARE,
}
_YES_NO = {"Y": True, "YES": True, "N": False, "NO": False}
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class ImportReport:
    dry_run: bool
    illustrative: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    specialties_created: int = 0
    # row: the line in the file (the header is line 1 when there are no comment lines)
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0

    @property
    def ok(self) -> bool:
        return self.errors_total == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "illustrative": self.illustrative,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "specialties_created": self.specialties_created,
            "errors_total": self.errors_total,
            "errors": [{"row": e.row, "field": e.field, "reason": e.reason} for e in self.errors],
        }


class _RowInvalid(Exception):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def _text(row: dict[str, str], name: str, max_length: int, *, required: bool = True) -> str:
    value = (row.get(name) or "").strip()
    if required and not value:
        raise _RowInvalid(name, gettext("This field is required."))
    if len(value) > max_length:
        raise _RowInvalid(name, gettext("At most %(n)d characters.") % {"n": max_length})
    return value


def _code(row: dict[str, str], name: str, max_length: int) -> str:
    value = _text(row, name, max_length).upper()
    if not value.replace("-", "").replace(".", "").isalnum():
        raise _RowInvalid(name, gettext("Use only letters, digits, hyphens and dots in a code."))
    return value


def _yes_no(row: dict[str, str], name: str) -> bool:
    value = (row.get(name) or "").strip().upper()
    if value not in _YES_NO:
        raise _RowInvalid(name, gettext("Write Y or N."))
    return _YES_NO[value]


def _document_kinds(row: dict[str, str], name: str) -> str:
    """The cell's document kinds (separated by ; , or blanks) as "a,b"; an unknown kind is refused."""
    given = [part for part in (row.get(name) or "").replace(";", ",").replace(" ", ",").split(",") if part]
    unknown = [part for part in given if part not in DocumentKind.values]
    if unknown:
        raise _RowInvalid(
            name,
            gettext("Unknown document kind %(kind)s; use: %(kinds)s.")
            % {"kind": unknown[0][:40], "kinds": ", ".join(DocumentKind.values)},
        )
    return ",".join(kind for kind in DocumentKind.values if kind in given)


def _hindi_name(row: dict[str, str], name: str, max_length: int) -> str:
    """A Hindi name in Devanagari, or "" for an empty cell; Roman letters are refused (a swapped column)."""
    value = _text(row, name, max_length, required=False)
    if value and (not _DEVANAGARI.search(value) or _LATIN.search(value)):
        raise _RowInvalid(name, gettext("Write the Hindi name in Devanagari, without Roman letters."))
    return value


def _parse(row: dict[str, str]) -> dict[str, Any]:
    """The Package and Specialty fields of one row, or _RowInvalid naming the first bad field."""
    specialty_code = _code(row, "specialty_code", 8)
    specialty_name = _text(row, "specialty_name", 120)
    specialty_name_hi = _text(row, "specialty_name_hi", 120, required=False)
    package_code = _code(row, "package_code", 12)
    package_name = _text(row, "package_name", 300)
    procedure_code = _code(row, "procedure_code", 16)
    procedure_name = _text(row, "procedure_name", 300, required=False)
    name_hi = _hindi_name(row, "package_name_hi", 300)
    try:
        rate_paise = parse_rupees(row.get("rate_inr") or "", allow_zero=False)
    except ValidationError as exc:
        raise _RowInvalid("rate_inr", exc.messages[0]) from None
    if rate_paise is None:
        raise _RowInvalid("rate_inr", gettext("This field is required."))
    needs_preauth = _yes_no(row, "preauth_required")
    raw_los = (row.get("min_los_days") or "").strip() or "0"
    if not raw_los.isdigit() or int(raw_los) > 365:
        raise _RowInvalid(
            "min_los_days", gettext("Write the minimum stay as a whole number of days (0-365).")
        )
    kind = _KINDS.get((row.get("package_type") or "").strip().lower())
    if kind is None:
        raise _RowInvalid("package_type", gettext("Write medical, surgical or daycare."))
    one_time = _yes_no(row, "one_time")
    name = package_name if not procedure_name or procedure_name == package_name else procedure_name
    return {
        "specialty": (specialty_code, specialty_name, specialty_name_hi),
        "code": procedure_code,
        "fields": {
            "package_code": package_code,
            "procedure_code": procedure_code,
            "name": name[:300],
            "rate_paise": rate_paise,
            "kind": kind,
            "needs_preauth": needs_preauth,
            "min_stay_days": int(raw_los),
            "is_one_time": one_time,
            # An empty cell or no column keeps the Hindi name the package has.
            **({"name_hi": name_hi} if name_hi else {}),
            # Only when the file has the column: re-importing a master without it keeps what was set.
            **{
                name: _document_kinds(row, name)
                for name in ("preauth_documents", "claim_documents")
                if name in row
            },
        },
    }


def _specialty(code: str, name: str, name_hi: str, report: ImportReport) -> Specialty:
    specialty = Specialty.objects.filter(code=code).first()
    if specialty is None:
        report.specialties_created += 1
        return Specialty.objects.create(code=code, name=name, name_hi=name_hi)
    changed = []
    if specialty.name != name:
        specialty.name = name
        changed.append("name")
    if name_hi and specialty.name_hi != name_hi:
        specialty.name_hi = name_hi
        changed.append("name_hi")
    if changed:
        specialty.save(update_fields=changed)
    return specialty


def _upsert(parsed: dict[str, Any], illustrative: bool, report: ImportReport) -> None:
    specialty = _specialty(*parsed["specialty"], report)
    values = {
        **parsed["fields"],
        "specialty_id": specialty.pk,
        "is_illustrative": illustrative,
        "is_active": True,
    }
    package = Package.objects.filter(code=parsed["code"]).first()
    if package is None:
        Package.objects.create(code=parsed["code"], **values)
        report.created += 1
        return
    changed = [name for name, value in values.items() if getattr(package, name) != value]
    if not changed:
        report.unchanged += 1
        return
    for name in changed:
        setattr(package, name, values[name])
    package.save(update_fields=changed)
    report.updated += 1


def _add_error(report: ImportReport, row: int, field_name: str, reason: str) -> None:
    report.errors_total += 1
    if len(report.errors) < MAX_ERRORS_KEPT:
        report.errors.append(RowError(row, field_name, reason))


def _lines(stream: IO[str]) -> tuple[list[str], int]:
    """The lines from the header on, and the number of comment/blank lines skipped before it."""
    lines = stream.read().splitlines()
    skipped = 0
    while skipped < len(lines) and (not lines[skipped].strip() or lines[skipped].lstrip().startswith("#")):
        skipped += 1
    return lines[skipped:], skipped


def import_packages(
    stream: IO[str] | IO[bytes], *, dry_run: bool = False, illustrative: bool = False
) -> ImportReport:
    """Check and upsert every row of a package master CSV (no role check: the caller checks)."""
    report = ImportReport(dry_run=dry_run, illustrative=illustrative)
    raw = stream.read()
    if isinstance(raw, bytes):
        raw = decode_text(raw)  # ImportFileError naming the line: binary, not UTF-8, an over-long line
    lines, skipped = _lines(io.StringIO(raw.lstrip("\ufeff")))
    if not lines:
        raise DomainError(_("The file is empty."), field="file", code="empty_file")
    reader = CheckedDictReader(lines, line_offset=skipped)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise DomainError(
            _("These columns are missing from the header: %(columns)s.") % {"columns": ", ".join(missing)},
            field="file",
            code="columns_missing",
        )
    reader.fieldnames = header
    seen: dict[str, int] = {}
    with transaction.atomic():
        for row in reader:
            line_no = reader.line_num + skipped
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            report.rows += 1
            if report.rows > MAX_ROWS:
                raise DomainError(
                    _("The file has more than %(n)d rows. Split it into smaller files.") % {"n": MAX_ROWS},
                    field="file",
                    code="too_many_rows",
                )
            try:
                parsed = _parse(row)
                if parsed["code"] in seen:
                    raise _RowInvalid(
                        "procedure_code",
                        gettext("The same procedure code is already on row %(row)d.")
                        % {"row": seen[parsed["code"]]},
                    )
                seen[parsed["code"]] = line_no
                with transaction.atomic():  # a savepoint: nothing of a bad row stays written
                    _upsert(parsed, illustrative, report)
            except _RowInvalid as exc:
                _add_error(report, line_no, exc.field, exc.reason)
            except IntegrityError:
                _add_error(report, line_no, "procedure_code", gettext("The database refused this row."))
        if dry_run:
            transaction.set_rollback(True)
    return report


def do_import_packages(
    *,
    actor: Any,
    upload: IO[bytes] | IO[str],
    file_name: str = "",
    dry_run: bool = False,
    illustrative: bool = False,
) -> ImportReport:
    """An officer imports a package master file; audited with the counts (never row contents)."""
    require_role(actor, *IMPORT_ROLES)
    with transaction.atomic():
        report = import_packages(upload, dry_run=dry_run, illustrative=illustrative)
        record(
            AuditAction.HIMCARE_PACKAGE_IMPORT,
            object_type="himcare.Package",
            actor=actor,
            purpose="himcare_claims",
            detail={
                "dry_run": dry_run,
                "illustrative": illustrative,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": report.errors_total,
            },
        )
    return report


def import_illustrative(*, dry_run: bool = False) -> ImportReport:
    with ILLUSTRATIVE_CSV.open(encoding="utf-8") as stream:
        return import_packages(stream, dry_run=dry_run, illustrative=True)


# --- reading the master (public information: names, codes and rates of treatments) --------------------------
def search_packages(
    query: str = "", *, specialty: str = "", kind: str = "", active_only: bool = True
) -> QuerySet[Package]:
    packages = Package.objects.select_related("specialty")
    if active_only:
        packages = packages.filter(is_active=True)
    if specialty:
        packages = packages.filter(specialty__code=specialty.strip().upper())
    if kind:
        packages = packages.filter(kind=kind)
    query = (query or "").strip()
    if query:
        packages = packages.filter(
            Q(code__icontains=query)
            | Q(package_code__icontains=query)
            | Q(name__icontains=query)
            | Q(name_hi__icontains=query)
        )
    return packages.order_by("specialty__code", "code")


def specialties() -> QuerySet[Specialty]:
    return Specialty.objects.order_by("code")
