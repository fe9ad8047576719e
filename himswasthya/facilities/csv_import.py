"""Import the state's real facility list from CSV: idempotent upsert by code, per-row errors, dry run.

Columns (UTF-8, header row required; only code, name, facility_type and district_lgd_code are mandatory):

    code               state facility code (unique key; max 20 characters)
    name               name in English
    name_hi            name in Hindi (Devanagari); blank = machine transliteration, flagged for checking
    facility_type      MC, ZH, RH, CH, CHC, PHC or SC (or the English label, e.g. "Primary health centre")
    district_lgd_code  LGD code of the district
    block_lgd_code     LGD code of the block (must lie in the district)
    nin                National Identification Number
    hfr_id             ABDM Health Facility Registry id
    address, pincode (6 digits), phone, email
    departments        department codes separated by ";" (e.g. "general-opd;paediatrics")

Each row goes in its own savepoint: a bad row changes nothing and the sound rows go in. Errors are returned as
(row, field, reason); row is the line number in the file (the header is line 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from himswasthya.core.importfiles import RowError, RowErrorReport, open_csv
from himswasthya.facilities.departments import ensure_departments
from himswasthya.facilities.models import FacilityType
from himswasthya.facilities.services import FacilitySpec, UpsertCounts, do_upsert_facilities
from himswasthya.places.models import Block, District
from himswasthya.places.services import hindi_place_name
from himswasthya.places.transliteration import has_devanagari

COLUMNS = [
    "code",
    "name",
    "name_hi",
    "facility_type",
    "district_lgd_code",
    "block_lgd_code",
    "nin",
    "hfr_id",
    "address",
    "pincode",
    "phone",
    "email",
    "departments",
]
REQUIRED = ["code", "name", "facility_type", "district_lgd_code"]
_TYPES = {t.value.casefold(): t.value for t in FacilityType} | {
    str(t.label).casefold(): t.value for t in FacilityType
}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")


@dataclass
class ImportResult:
    rows: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


class _Lookups:
    def __init__(self) -> None:
        self.districts = dict(District.objects.values_list("lgd_code", "id"))
        self.blocks = {c: (pk, d) for c, pk, d in Block.objects.values_list("lgd_code", "id", "district_id")}
        self.departments = ensure_departments()


def _int(value: str) -> int:
    """The integer in `value`, or -1 (no LGD code) when it is not a number."""
    return int(value) if value.isdigit() else -1


def _validate(line: int, r: dict[str, str], look: _Lookups) -> tuple[FacilitySpec | None, list[RowError]]:
    errors: list[RowError] = []

    def err(fieldname: str, reason: str) -> None:
        errors.append(RowError(line, fieldname, reason))

    for col in REQUIRED:
        if not r.get(col):
            err(col, _("missing %(field)s") % {"field": col})
    code = r.get("code", "")
    if code and not _CODE.match(code):
        err("code", _("invalid code %(code)r (letters, digits, _ . -; at most 20)") % {"code": code})
    ftype = _TYPES.get(r.get("facility_type", "").casefold())
    if r.get("facility_type") and ftype is None:
        err("facility_type", _("unknown facility type %(value)r") % {"value": r["facility_type"]})
    district_id = look.districts.get(_int(r.get("district_lgd_code", "")))
    if r.get("district_lgd_code") and district_id is None:
        err("district_lgd_code", _("unknown district LGD code %(code)s") % {"code": r["district_lgd_code"]})
    block_id = None
    if r.get("block_lgd_code"):
        block = look.blocks.get(_int(r["block_lgd_code"]))
        if block is None:
            err("block_lgd_code", _("unknown block LGD code %(code)s") % {"code": r["block_lgd_code"]})
        elif district_id is not None and block[1] != district_id:
            err(
                "block_lgd_code",
                _("block %(code)s is not in district %(district)s")
                % {"code": r["block_lgd_code"], "district": r["district_lgd_code"]},
            )
        else:
            block_id = block[0]
    if r.get("name_hi") and not has_devanagari(r["name_hi"]):
        err("name_hi", _("the Hindi name must be in Devanagari"))
    if r.get("pincode") and not re.fullmatch(r"1[7]\d{4}", r["pincode"]):
        err(
            "pincode",
            _("invalid PIN code %(value)r (six digits, 17xxxx in Himachal Pradesh)")
            % {"value": r["pincode"]},
        )
    if r.get("email"):
        try:
            validate_email(r["email"])
        except ValidationError:
            err("email", _("invalid email address %(value)r") % {"value": r["email"]})
    dept_codes = [c.strip() for c in r.get("departments", "").split(";") if c.strip()]
    unknown = [c for c in dept_codes if c not in look.departments]
    if unknown:
        err("departments", _("unknown department code(s): %(codes)s") % {"codes": ", ".join(unknown)})
    for col, limit in (
        ("name", 150),
        ("name_hi", 150),
        ("nin", 20),
        ("hfr_id", 30),
        ("address", 300),
        ("phone", 20),
    ):
        if len(r.get(col, "")) > limit:
            err(col, _("longer than %(limit)s characters") % {"limit": limit})
    if errors:
        return None, errors
    name_hi = r.get("name_hi", "")
    values = {
        "name": r["name"],
        "name_hi": name_hi or hindi_place_name(r["name"]),
        "name_hi_machine": not name_hi,
        "facility_type": ftype,
        "district_id": district_id,
        "block_id": block_id,
        "nin": r.get("nin", ""),
        "hfr_id": r.get("hfr_id", ""),
        "address": r.get("address", ""),
        "pincode": r.get("pincode", ""),
        "phone": r.get("phone", ""),
        "email": r.get("email", ""),
        "is_synthetic": False,
    }
    return FacilitySpec(code, values, {look.departments[c] for c in dept_codes}), []


def import_facilities_csv(path: Path, *, dry_run: bool = False) -> ImportResult:
    """Validate and upsert every row of `path`; see the module docstring for the columns."""
    result = ImportResult(dry_run=dry_run)
    with open_csv(path) as reader, transaction.atomic():  # ImportFileError: binary, not UTF-8, line too long
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            result.errors.append(RowError(1, ",".join(missing), _("missing column(s) in the header")))
            return result
        look = _Lookups()
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            result.rows += 1
            r = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str) and k}
            spec, errors = _validate(line, r, look)
            if spec is not None and spec.code in seen:
                errors = [
                    RowError(
                        line,
                        "code",
                        _("code %(code)s repeats row %(row)s") % {"code": spec.code, "row": seen[spec.code]},
                    )
                ]
            if errors or spec is None:
                result.errors += errors
                continue
            seen[spec.code] = line
            _save_row(spec, result, line)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _save_row(spec: FacilitySpec, result: ImportResult, line: int) -> None:
    """One row, one savepoint: a database error undoes this row only."""
    try:
        with transaction.atomic():
            counts = do_upsert_facilities([spec], hindi_from_source_wins=True)
    except Exception as exc:  # noqa: BLE001 - any database refusal is reported against the row
        result.errors.append(RowError(line, "", _("not saved: %(error)s") % {"error": exc}))
        return
    result.counts.created += counts.created
    result.counts.updated += counts.updated
    result.counts.unchanged += counts.unchanged


def write_errors(result: ImportResult, path: Path) -> None:
    """`path`: row, field, reason - a header-only file when every row was good."""
    with RowErrorReport(path, always=True) as report:
        report.write(result.errors)


__all__ = ["COLUMNS", "ImportResult", "RowError", "import_facilities_csv", "write_errors"]
