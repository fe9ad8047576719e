"""Import of the Him Parivar register's export (CSV or JSON): streaming, validated, idempotent upsert.

Pipeline: a reader streams the file family by family (`RawFamily`), `validate_family` turns each into a
`FamilyRecord` or row errors, and `apply_families` upserts a batch of families in one transaction with bulk
statements. Each family goes in whole or not at all: a family with any broken row is skipped and reported
(its sound rows too, with the reason "another row of this family is invalid"). The same `apply_families`
serves the incremental sync. Schema and policy: README.md in this app.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himswasthya.core.importfiles import (
    MAX_JSON_DEPTH,
    CheckedDictReader,
    ImportFileError,
    RowError,
    RowErrorReport,
    json_depth,
    json_too_deep,
    text_lines,
)
from himswasthya.core.text import is_storable
from himswasthya.core.validators import normalise_abha_number, normalise_mobile
from himswasthya.himparivar.bulk import prepare_rows, writer_for_connection
from himswasthya.himparivar.identifiers import (
    MEMBER_DETAIL_FIELDS,
    member_detail_columns,
    member_identifier_rows,
)
from himswasthya.himparivar.models import (
    AreaType,
    Family,
    IncomeBand,
    MaritalStatus,
    Member,
    MemberStatus,
    RationCardType,
    Relation,
    SocialCategory,
    VerificationStatus,
)
from himswasthya.people.models import DERIVED_PERSON_FIELDS, IdentifierType, Person, PersonIdentifier
from himswasthya.places.models import Block, District, GramPanchayat

# Family fields the export and the Family model name alike, copied as they are (after validation).
FAMILY_DETAIL_FIELDS = (
    "address", "ration_card_no", "ration_card_type", "is_bpl", "income_band", "social_category",
    "verification_status", "verified_on",
)  # fmt: skip
FAMILY_COLUMNS = [
    "family_id",
    "is_temporary",
    "head_member_id",
    "area_type",
    "district_lgd",
    "block_lgd",
    "panchayat_code",
    *FAMILY_DETAIL_FIELDS,
]
MEMBER_COLUMNS = [
    "member_id",
    "relation",
    "name_roman",
    "name_deva",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "year_of_birth",
    "mobile",
    "aadhaar_last4",
    "marital_status",
    "status",
    "abha_number",
    "abha_address",
]
CSV_COLUMNS = FAMILY_COLUMNS + MEMBER_COLUMNS
REQUIRED_CSV_COLUMNS = {"family_id", "member_id", "district_lgd", "relation", "name_roman", "sex"}

SOURCE = "himparivar"
DEFAULT_BATCH_FAMILIES = 500
MAX_JSON_OBJECT_CHARS = 10_000_000  # one family object; a family of 20 is a few kB
ANALYZE_AFTER_MEMBERS = 50_000
_ABHA_ADDRESS = re.compile(r"^[a-z0-9][a-z0-9._]{2,31}@[a-z]{2,10}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,31}$")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


# --- records and errors ---------------------------------------------------------------------------
#: `<input>.errors.csv` and the API's error rows: a RowError's record is the family, its item the member.
REPORT_COLUMNS = (
    ("row", "row"),
    ("family_id", "record_id"),
    ("member_id", "item_id"),
    ("field", "field"),
    ("reason", "reason"),
)


def error_out(error: RowError) -> dict[str, Any]:
    """A row error as the API shows it (the report's columns)."""
    return {header: getattr(error, attr) for header, attr in REPORT_COLUMNS}


@dataclass
class RawFamily:
    """One family as read from the file: its fields and its member rows (row number, fields), as strings."""

    family_id: str
    fields: dict[str, Any]
    members: list[tuple[int, dict[str, Any]]]
    errors: list[RowError] = field(default_factory=list)  # found by the reader (e.g. scattered rows)


@dataclass
class MemberRecord:
    row: int
    member_id: str
    relation: str
    name_roman: str
    name_deva: str
    given_name: str
    family_name: str
    sex: str
    date_of_birth: datetime.date | None
    year_of_birth: int
    mobile: str | None
    aadhaar_last4: str
    marital_status: str
    status: str
    abha_number: str
    abha_address: str

    def digest(self, family: FamilyRecord) -> str:
        values = [
            family.family_id,
            family.district_id,
            family.gram_panchayat_id,
            self.relation,
            self.name_roman,
            self.name_deva,
            self.given_name,
            self.family_name,
            self.sex,
            self.date_of_birth,
            self.year_of_birth,
            self.mobile,
            self.aadhaar_last4,
            self.marital_status,
            self.status,
            self.abha_number,
            self.abha_address,
        ]
        return _digest(values)


@dataclass
class FamilyRecord:
    family_id: str
    is_temporary: bool
    head_member_id: str
    area_type: str
    district_id: int
    block_id: int | None
    gram_panchayat_id: int | None
    address: str
    ration_card_no: str
    ration_card_type: str
    is_bpl: bool
    income_band: str
    social_category: str
    verification_status: str
    verified_on: datetime.date | None
    members: list[MemberRecord]
    rows: list[int]

    def digest(self) -> str:
        """Over the columns the register owns (an absent head, None, digests as "", as before)."""
        return _digest(self.family_columns().values())

    def family_columns(self) -> dict[str, Any]:
        """The Family columns the register owns: written on insert, digested, and FAMILY_UPDATE_FIELDS."""
        return dict(
            is_temporary=self.is_temporary,
            head_id=self.head_member_id or None,
            area_type=self.area_type,
            district_id=self.district_id,
            block_id=self.block_id,
            gram_panchayat_id=self.gram_panchayat_id,
            **{name: getattr(self, name) for name in FAMILY_DETAIL_FIELDS},
        )


def _digest(values: Iterable[Any]) -> str:
    text = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


@dataclass
class ImportCounts:
    families_read: int = 0
    members_read: int = 0
    families_created: int = 0
    families_updated: int = 0
    families_unchanged: int = 0
    families_skipped: int = 0
    members_created: int = 0
    members_updated: int = 0
    members_unchanged: int = 0
    rows_rejected: int = 0

    def add(self, other: ImportCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --- readers --------------------------------------------------------------------------------------
class _CountingRaw(io.RawIOBase):
    """Counts the bytes read from a binary file, for the progress bar (text files cannot tell())."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def detect_format(head: bytes) -> str:
    """'json' if the content starts with [ or { (after a BOM and blanks), else 'csv'."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json" if text[:1] in (b"[", b"{") else "csv"


def _csv_families(text: Iterable[str]) -> Iterator[RawFamily]:
    reader = CheckedDictReader(text)
    missing = REQUIRED_CSV_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise ValueError(
            _("The CSV header lacks the columns: %(columns)s") % {"columns": ", ".join(sorted(missing))}
        )
    seen: set[str] = set()
    current: RawFamily | None = None
    for row in reader:
        row_no = reader.line_num
        family_id = (row.get("family_id") or "").strip()
        if current is not None and family_id == current.family_id:
            current.members.append((row_no, row))
            current.errors.extend(_family_field_mismatches(current, row_no, row))
            continue
        if current is not None:
            yield current
        current = RawFamily(family_id, row, [(row_no, row)])
        if family_id and family_id in seen:
            current.errors.append(
                RowError(
                    row_no,
                    "family_id",
                    _("The rows of a family must be together; this family appeared earlier in the file."),
                    record_id=family_id,
                    item_id=(row.get("member_id") or "").strip(),
                )
            )
        seen.add(family_id)
    if current is not None:
        yield current


def _family_field_mismatches(family: RawFamily, row_no: int, row: dict[str, Any]) -> list[RowError]:
    """Every row of a family repeats the family's fields; a row that disagrees is an error, not a guess."""
    member_id = (row.get("member_id") or "").strip()
    return [
        RowError(
            row_no,
            name,
            _("Differs from this family's first row."),
            record_id=family.family_id,
            item_id=member_id,
        )
        for name in FAMILY_COLUMNS
        if (row.get(name) or "").strip() != (family.fields.get(name) or "").strip()
    ]


def _json_objects(
    text: IO[str], chunk_size: int = 1 << 16, max_object_chars: int = MAX_JSON_OBJECT_CHARS
) -> Iterator[dict[str, Any]]:
    """Objects of a top-level JSON array, or of JSON Lines, one at a time (never the whole file). Nesting
    deeper than core's limit, or one object over max_object_chars, ends the file with ImportFileError."""
    decoder = json.JSONDecoder()
    buffer = ""
    position = 0
    consumed = 0  # characters dropped from the front of the buffer
    started = False
    eof = False
    while True:
        while position < len(buffer) and buffer[position] in " \t\r\n,\ufeff":
            position += 1
        if not started and position < len(buffer):
            started = True
            if buffer[position] == "[":
                position += 1
                continue
        if position < len(buffer) and buffer[position] == "]":
            return
        try:
            obj, end = decoder.raw_decode(buffer, position)
        except RecursionError:
            raise json_too_deep(at=consumed + position) from None
        except json.JSONDecodeError:
            if eof:
                if buffer[position:].strip():
                    raise ValueError(
                        _("The JSON file is not valid near character %(at)s.") % {"at": position}
                    ) from None
                return
            if len(buffer) - position > max_object_chars:
                raise ImportFileError(
                    _("One family object is longer than %(n)s characters (near character %(at)s).")
                    % {"n": f"{max_object_chars:,}", "at": consumed + position},
                    code="json_too_long",
                ) from None
            chunk = text.read(chunk_size)
            eof = not chunk
            consumed += position
            buffer = buffer[position:] + chunk
            position = 0
            continue
        if not isinstance(obj, dict):
            raise ValueError(_("The JSON file must hold family objects."))
        if json_depth(obj, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise json_too_deep(at=consumed + position)
        yield obj
        position = end


def raw_family_from_json(obj: dict[str, Any], first_row: int = 1) -> RawFamily:
    """A family object as the JSON export and the sync API carry it; members are numbered from first_row."""
    family_fields = {k: v for k, v in obj.items() if k != "members"}
    members = obj.get("members")
    family_id = str(obj.get("family_id") or "").strip()
    if not isinstance(members, list) or not members:
        raw = RawFamily(family_id, family_fields, [])
        raw.errors.append(
            RowError(first_row, "members", _("A family needs a list of members."), record_id=family_id)
        )
        return raw
    rows = [(first_row + i, m if isinstance(m, dict) else {}) for i, m in enumerate(members)]
    return RawFamily(family_id, family_fields, rows)


def _json_families(text: IO[str]) -> Iterator[RawFamily]:
    row = 1
    for obj in _json_objects(text):
        raw = raw_family_from_json(obj, row)
        row += max(1, len(raw.members))
        yield raw


# --- validation -----------------------------------------------------------------------------------
class Places:
    """LGD look-ups, loaded once per import (a few thousand rows)."""

    def __init__(self) -> None:
        self.districts = dict(District.objects.values_list("lgd_code", "id"))
        self.blocks = {
            code: (pk, d) for code, pk, d in Block.objects.values_list("lgd_code", "id", "district_id")
        }
        self.panchayats: dict[str, tuple[int, int, int | None]] = {}
        for lgd, source_id, pk, district_id, block_id in GramPanchayat.objects.values_list(
            "lgd_code", "source_id", "id", "district_id", "block_id"
        ):
            self.panchayats[source_id] = (pk, district_id, block_id)
            if lgd is not None:
                self.panchayats[str(lgd)] = (pk, district_id, block_id)


@functools.cache
def _choice_values(choices: Any) -> frozenset[str]:
    """Django recomputes `Choices.values` on every access; a million rows notice."""
    return frozenset(choices.values)


def _today() -> datetime.date:
    """Today, worked out at most once a second (timezone conversion per field is measurable at scale)."""
    now = time.monotonic()
    if now - _TODAY_CACHE[0] > 1:
        _TODAY_CACHE[:] = [now, timezone.localdate()]
    return _TODAY_CACHE[1]


_TODAY_CACHE: list[Any] = [float("-inf"), None]


class _Row:
    """Collects the errors of one row while its fields are parsed."""

    def __init__(self, row: int, family_id: str, member_id: str, data: dict[str, Any]):
        self.row, self.family_id, self.member_id, self.data = row, family_id, member_id, data
        self.errors: list[RowError] = []

    def error(self, field_name: str, reason: str) -> None:
        self.errors.append(
            RowError(self.row, field_name, reason, record_id=self.family_id, item_id=self.member_id)
        )

    def text(self, name: str, max_length: int, required: bool = False) -> str:
        value = self.data.get(name)
        value = "" if value is None else str(value).strip()
        if not is_storable(value):
            self.error(name, _("Contains a character that is not valid text (a NUL or a broken character)."))
            return ""
        if required and not value:
            self.error(name, _("This field is required."))
        elif len(value) > max_length:
            self.error(name, _("Longer than %(max)s characters.") % {"max": max_length})
            return value[:max_length]
        return value

    def choice(self, name: str, choices: Any, default: str = "", required: bool = False) -> str:
        value = self.text(name, 20, required=required).upper()
        if not value:
            return default
        allowed = _choice_values(choices)
        if value not in allowed:
            self.error(name, _("Not one of: %(choices)s.") % {"choices": ", ".join(choices.values)})
            return default
        return value

    def boolean(self, name: str) -> bool:
        value = self.text(name, 5).lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.error(name, _("Give true or false."))
        return False

    def date(self, name: str) -> datetime.date | None:
        value = self.text(name, 10)
        if not value:
            return None
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            self.error(name, _("Not a date in the form YYYY-MM-DD."))
            return None
        if parsed > _today():
            self.error(name, _("The date is in the future."))
            return None
        return parsed

    def place_in_district(
        self, name: str, place: tuple[Any, ...] | None, district_id: int | None, unknown: str, elsewhere: str
    ) -> tuple[Any, ...] | None:
        """`place` (a `Places` look-up: id, district id, ...) when it was found and lies in `district_id`
        (when that is known); else the error `unknown` or `elsewhere` on field `name`, and None."""
        if place is None:
            self.error(name, unknown)
        elif district_id and place[1] != district_id:
            self.error(name, elsewhere)
        else:
            return place
        return None

    def integer(self, name: str, required: bool = False) -> int | None:
        value = self.text(name, 12, required=required)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            self.error(name, _("Not a whole number."))
            return None
        return int(value)


def _family_fields(raw: RawFamily, places: Places, allowed_districts: set[int] | None) -> tuple[dict, list]:
    first_row = raw.members[0][0] if raw.members else 0
    first_member = str((raw.members[0][1] if raw.members else {}).get("member_id") or "").strip()
    r = _Row(first_row, raw.family_id, first_member, raw.fields)
    out: dict[str, Any] = {}
    family_id = r.text("family_id", 32, required=True)
    if family_id and not _ID.match(family_id):
        r.error("family_id", _("Use letters, digits, '/', '_' or '-' only."))
    out["is_temporary"] = r.boolean("is_temporary")
    out["head_member_id"] = r.text("head_member_id", 32)
    out["area_type"] = r.choice("area_type", AreaType, AreaType.RURAL)
    district_code = r.integer("district_lgd", required=True)
    out["district_id"] = None
    if district_code is not None:
        out["district_id"] = places.districts.get(district_code)
        if out["district_id"] is None:
            r.error("district_lgd", _("Unknown district LGD code."))
        elif allowed_districts is not None and out["district_id"] not in allowed_districts:
            r.error("district_lgd", _("This district is outside your area."))
    out["block_id"] = None
    block_code = r.integer("block_lgd")
    if block_code is not None:
        block = r.place_in_district(
            "block_lgd",
            places.blocks.get(block_code),
            out["district_id"],
            _("Unknown block LGD code."),
            _("The block is not in this district."),
        )
        if block is not None:
            out["block_id"] = block[0]
    out["gram_panchayat_id"] = None
    gp_code = r.text("panchayat_code", 20)
    if gp_code:
        gp = r.place_in_district(
            "panchayat_code",
            places.panchayats.get(gp_code),
            out["district_id"],
            _("Unknown panchayat code."),
            _("The panchayat is not in this district."),
        )
        if gp is not None:
            out["gram_panchayat_id"] = gp[0]
            out["block_id"] = out["block_id"] or gp[2]
    out["address"] = r.text("address", 300)
    out["ration_card_no"] = r.text("ration_card_no", 20)
    out["ration_card_type"] = r.choice("ration_card_type", RationCardType, RationCardType.NONE)
    if out["ration_card_type"] != RationCardType.NONE and not out["ration_card_no"]:
        r.error("ration_card_no", _("A ration card type needs the card's number."))
    out["is_bpl"] = r.boolean("is_bpl")
    out["income_band"] = _income_band(r)
    out["social_category"] = r.choice("social_category", SocialCategory)
    out["verification_status"] = r.choice(
        "verification_status", VerificationStatus, VerificationStatus.PENDING
    )
    out["verified_on"] = r.date("verified_on")
    return out, r.errors


def _income_band(r: _Row) -> str:
    value = r.text("income_band", 10)
    if value and value not in IncomeBand.values:
        r.error("income_band", _("Not one of: %(choices)s.") % {"choices": ", ".join(IncomeBand.values)})
        return ""
    return value


def _aadhaar_last4(r: _Row) -> str:
    """Only the last four digits. A full 12-digit number is refused and never kept, not even in the report."""
    value = re.sub(r"[\s-]", "", str(r.data.get("aadhaar_last4") or ""))
    if not value:
        return ""
    if re.fullmatch(r"\d{12}", value):
        r.error("aadhaar_last4", _("A full Aadhaar number was given: only the last four digits may be sent."))
        return ""
    if re.fullmatch(r"[Xx*]{8}\d{4}", value):
        return value[-4:]
    if not re.fullmatch(r"\d{4}", value):
        r.error("aadhaar_last4", _("Give only the last four digits of Aadhaar."))
        return ""
    return value


def _member(row: int, family_id: str, data: dict[str, Any]) -> tuple[MemberRecord | None, list[RowError]]:
    member_id = str(data.get("member_id") or "").strip()
    r = _Row(row, family_id, member_id, data)
    member_id = r.text("member_id", 32, required=True)
    if member_id and not _ID.match(member_id):
        r.error("member_id", _("Use letters, digits, '/', '_' or '-' only."))
    relation = r.choice("relation", Relation, required=True)
    name_roman = r.text("name_roman", 200, required=True)
    name_deva = r.text("name_deva", 200)
    parts = name_roman.split()
    given_name = r.text("given_name", 100) or (" ".join(parts[:-1]) if len(parts) > 1 else name_roman)[:100]
    family_name = r.text("family_name", 100) or (parts[-1] if len(parts) > 1 else "")[:100]
    sex = r.choice("sex", _SexChoices, required=True)
    dob = r.date("date_of_birth")
    year = r.integer("year_of_birth")
    if dob is not None:
        if year is not None and year != dob.year:
            r.error("year_of_birth", _("The year of birth does not match the date of birth."))
        year = dob.year
    elif year is None:
        r.error("date_of_birth", _("Give a date of birth or at least a year of birth."))
    if year is not None and not (1880 <= year <= _today().year):
        r.error("year_of_birth", _("The year of birth is not plausible."))
    mobile = None
    if str(data.get("mobile") or "").strip():
        try:
            mobile = normalise_mobile(str(data["mobile"]))
        except ValidationError:
            r.error("mobile", _("Not a 10-digit Indian mobile number."))
    aadhaar = _aadhaar_last4(r)
    marital = r.choice("marital_status", MaritalStatus, MaritalStatus.NEVER_MARRIED)
    status = r.choice("status", MemberStatus, MemberStatus.ALIVE)
    abha = ""
    if str(data.get("abha_number") or "").strip():
        try:
            abha = normalise_abha_number(str(data["abha_number"]))
        except ValidationError:
            r.error("abha_number", _("Not a valid ABHA number (14 digits with a matching check digit)."))
    abha_address = r.text("abha_address", 64).lower()
    if abha_address and not _ABHA_ADDRESS.match(abha_address):
        r.error("abha_address", _("Not a valid ABHA address."))
    if r.errors:
        return None, r.errors
    return (
        MemberRecord(
            row,
            member_id,
            relation,
            name_roman,
            name_deva,
            given_name,
            family_name,
            sex,
            dob,
            year or 0,
            mobile,
            aadhaar,
            marital,
            status,
            abha,
            abha_address,
        ),
        [],
    )


class _SexChoices:
    values = ["M", "F", "O"]


def validate_family(
    raw: RawFamily, places: Places, allowed_districts: set[int] | None = None
) -> tuple[FamilyRecord | None, list[RowError]]:
    """A whole family or its errors. A family with any broken row is rejected whole (every row reported)."""
    errors = list(raw.errors)
    fields_, family_errors = _family_fields(raw, places, allowed_districts)
    errors.extend(family_errors)
    members: list[MemberRecord] = []
    seen: set[str] = set()
    for row, data in raw.members:
        member, member_errors = _member(row, raw.family_id, data)
        errors.extend(member_errors)
        if member is not None:
            if member.member_id in seen:
                errors.append(
                    RowError(
                        row,
                        "member_id",
                        _("This member id appears twice in the family."),
                        record_id=raw.family_id,
                        item_id=member.member_id,
                    )
                )
            seen.add(member.member_id)
            members.append(member)
    head = fields_["head_member_id"]
    if not head:
        heads = [m.member_id for m in members if m.relation == Relation.SELF]
        head = heads[0] if heads else ""
        fields_["head_member_id"] = head
    if errors:
        return None, _with_skipped_rows(raw, errors)
    record = FamilyRecord(family_id=raw.family_id, members=members, rows=[m.row for m in members], **fields_)
    return record, []


def _with_skipped_rows(raw: RawFamily, errors: list[RowError]) -> list[RowError]:
    broken = {e.row for e in errors}
    for row, data in raw.members:
        if row not in broken:
            errors.append(
                RowError(
                    row,
                    "family_id",
                    _("Skipped: another row of this family is invalid."),
                    record_id=raw.family_id,
                    item_id=str(data.get("member_id") or "").strip(),
                )
            )
    return sorted(errors, key=lambda e: e.row)


# --- the upsert -----------------------------------------------------------------------------------
@dataclass
class BatchOutcome:
    counts: ImportCounts
    errors: list[RowError]


def _reject(family: FamilyRecord, field_name: str, reason: str, member_id: str = "") -> list[RowError]:
    """Reject a whole family for one problem: the problem on its row, every other row marked skipped."""
    rows = {m.member_id: m.row for m in family.members}
    at = rows.get(member_id, family.rows[0] if family.rows else 0)
    errors = [RowError(at, field_name, reason, record_id=family.family_id, item_id=member_id)]
    errors += [
        RowError(
            m.row,
            "family_id",
            _("Skipped: another row of this family is invalid."),
            record_id=family.family_id,
            item_id=m.member_id,
        )
        for m in family.members
        if m.row != at
    ]
    return errors


def _conflicts(
    families: list[FamilyRecord], existing: dict[str, dict[str, Any]], allowed_districts: set[int] | None
) -> dict[str, list[RowError]]:
    """Problems only the database can reveal: identifiers owned by someone else, a head who is nobody."""
    problems: dict[str, list[RowError]] = {}
    wanted = {IdentifierType.ABHA_NUMBER: {}, IdentifierType.ABHA_ADDRESS: {}}
    for family in families:
        for m in family.members:
            if m.abha_number:
                wanted[IdentifierType.ABHA_NUMBER].setdefault(m.abha_number, []).append((family, m))
            if m.abha_address:
                wanted[IdentifierType.ABHA_ADDRESS].setdefault(m.abha_address, []).append((family, m))
    person_of = {mid: row["person_id"] for mid, row in existing.items()}
    # By person only, filtered here: "id_type = X AND person_id IN (...)" tempts PostgreSQL into ANDing two
    # bitmaps, one of them over every ABHA in the state (seconds per batch at a million people).
    held_by_type: dict[str, dict[int, str]] = {t: {} for t in wanted}
    for person_id, id_type, value in PersonIdentifier.objects.filter(
        person_id__in=list(person_of.values())
    ).values_list("person_id", "id_type", "value"):
        if id_type in held_by_type:
            held_by_type[id_type][person_id] = value
    for id_type, by_value in wanted.items():
        owners = dict(
            PersonIdentifier.objects.filter(id_type=id_type, value__in=list(by_value)).values_list(
                "value", "person_id"
            )
        )
        held = held_by_type[id_type]
        column = "abha_number" if id_type == IdentifierType.ABHA_NUMBER else "abha_address"
        for value, users in by_value.items():
            if len({m.member_id for _f, m in users}) > 1:
                for family, m in users:
                    problems.setdefault(
                        family.family_id,
                        _reject(family, column, _("The same ABHA is given for two members."), m.member_id),
                    )
                continue
            family, m = users[0]
            own_person = person_of.get(m.member_id)
            if value in owners and owners[value] != own_person:
                problems.setdefault(
                    family.family_id,
                    _reject(family, column, _("This ABHA is already linked to another person."), m.member_id),
                )
            elif own_person in held and held[own_person] != value:
                problems.setdefault(
                    family.family_id,
                    _reject(
                        family,
                        column,
                        _("The member is linked to a different ABHA; links are not overwritten."),
                        m.member_id,
                    ),
                )
    if allowed_districts is not None:
        for family in families:
            for m in family.members:
                row = existing.get(m.member_id)
                if row and row["family__district_id"] not in allowed_districts:
                    problems.setdefault(
                        family.family_id,
                        _reject(
                            family,
                            "member_id",
                            _("This member belongs to a family outside your area."),
                            m.member_id,
                        ),
                    )
    heads = {f.head_member_id for f in families if f.head_member_id}
    in_file = {m.member_id: f.family_id for f in families for m in f.members}
    outside = heads - set(in_file)
    known = dict(
        Member.objects.filter(member_id__in=list(outside)).values_list("member_id", "family__family_id")
    )
    for family in families:
        head = family.head_member_id
        if head and in_file.get(head, known.get(head)) != family.family_id:
            problems.setdefault(
                family.family_id,
                _reject(
                    family, "head_member_id", _("The head of the family is not a member of this family.")
                ),
            )
    return problems


#: Person columns copied as they are from the member record (place columns come from the family).
PERSON_MEMBER_FIELDS = (
    "given_name", "family_name", "name_roman", "name_deva", "sex", "date_of_birth", "year_of_birth", "mobile",
)  # fmt: skip


def _person_columns(family: FamilyRecord, m: MemberRecord) -> dict[str, Any]:
    """The Person's own columns; the writers (`bulk.prepare_rows`) add what save() derives (search keys)."""
    return {
        **{name: getattr(m, name) for name in PERSON_MEMBER_FIELDS},
        "gram_panchayat_id": family.gram_panchayat_id,
        "district_id": family.district_id,
    }


def _member_columns(m: MemberRecord, family_pk: int, digest: str, now: datetime.datetime) -> dict[str, Any]:
    return dict(member_detail_columns(m), family_id=family_pk, row_hash=digest, updated_at=now)


def _identifiers(m: MemberRecord, since: datetime.date) -> list[dict[str, Any]]:
    # ABHAs in the register export are unverified until a link is made through ABDM.
    return member_identifier_rows(
        member_id=m.member_id,
        abha_number=m.abha_number,
        abha_address=m.abha_address,
        aadhaar_last4=m.aadhaar_last4,
        source=SOURCE,
        since=since,
        abha_verified=False,
    )


# What a changed member's rows UPDATE: the columns the writers above fill (the member id is the key).
PERSON_UPDATE_FIELDS = [*DERIVED_PERSON_FIELDS, *PERSON_MEMBER_FIELDS, "gram_panchayat_id", "district_id"]
MEMBER_UPDATE_FIELDS = [
    "family",
    *(name for name in MEMBER_DETAIL_FIELDS if name != "member_id"),
    "row_hash",
    "updated_at",
]
FAMILY_UPDATE_FIELDS = [
    "is_temporary",
    "head_id",
    "area_type",
    "district_id",
    "block_id",
    "gram_panchayat_id",
    *FAMILY_DETAIL_FIELDS,
    "row_hash",
    "updated_at",
]


def apply_families(
    families: list[FamilyRecord],
    *,
    dry_run: bool = False,
    allowed_districts: set[int] | None = None,
    fast_writer: bool = True,
) -> BatchOutcome:
    """Upsert a batch of whole families in one transaction (rolled back on a dry run)."""
    counts = ImportCounts()
    with transaction.atomic():
        existing = {
            row["member_id"]: row
            for row in Member.objects.filter(
                member_id__in=[m.member_id for f in families for m in f.members]
            ).values("id", "member_id", "person_id", "row_hash", "family__district_id")
        }
        problems = _conflicts(families, existing, allowed_districts)
        errors = [e for errs in problems.values() for e in errs]
        families = [f for f in families if f.family_id not in problems]
        counts.families_skipped += len(problems)
        counts.rows_rejected += len(errors)
        _write(families, existing, counts, fast_writer)
        if dry_run:
            transaction.set_rollback(True)
    return BatchOutcome(counts, errors)


def _write(
    families: list[FamilyRecord], existing: dict[str, dict[str, Any]], counts: ImportCounts, fast_writer: bool
) -> None:
    now = timezone.now()
    today = timezone.localdate()
    writer = writer_for_connection(fast=fast_writer)
    known = {
        row["family_id"]: row
        for row in Family.objects.filter(family_id__in=[f.family_id for f in families]).values(
            "id", "family_id", "row_hash", "head_id"
        )
    }
    new_families, changed_families = [], []
    for f in families:
        digest = f.digest()
        row = known.get(f.family_id)
        if row is None:
            new_families.append(
                {
                    "family_id": f.family_id,
                    **f.family_columns(),
                    "is_synthetic": False,
                    "created_at": now,
                    "row_hash": digest,
                    "updated_at": now,
                }
            )
        elif row["row_hash"] != digest:
            columns = f.family_columns()
            if not f.head_member_id:  # a partial family (a sync change) does not clear the head
                columns["head_id"] = row["head_id"]
            changed_families.append(Family(id=row["id"], **columns, row_hash=digest, updated_at=now))
        else:
            counts.families_unchanged += 1
    family_pk = {f: row["id"] for f, row in known.items()}
    if new_families:
        ids = writer.insert(Family, new_families, want_ids=True)
        family_pk.update({row["family_id"]: pk for row, pk in zip(new_families, ids, strict=True)})
    if changed_families:
        Family.objects.bulk_update(changed_families, FAMILY_UPDATE_FIELDS, batch_size=1000)
    counts.families_created += len(new_families)
    counts.families_updated += len(changed_families)

    new_members: list[tuple[FamilyRecord, MemberRecord, str]] = []
    changed: list[tuple[FamilyRecord, MemberRecord, str, dict[str, Any]]] = []
    for f in families:
        for m in f.members:
            digest = m.digest(f)
            row = existing.get(m.member_id)
            if row is None:
                new_members.append((f, m, digest))
            elif row["row_hash"] != digest:
                changed.append((f, m, digest, row))
            else:
                counts.members_unchanged += 1
    _insert_members(writer, new_members, family_pk, now, today)
    _update_members(writer, changed, family_pk, now, today)
    counts.members_created += len(new_members)
    counts.members_updated += len(changed)


def _insert_members(
    writer: Any, new: list, family_pk: dict[str, int], now: datetime.datetime, today: datetime.date
) -> None:
    if not new:
        return
    person_rows = [{**_person_columns(f, m), "is_synthetic": False, "created_at": now} for f, m, _d in new]
    person_ids = writer.insert(Person, person_rows, want_ids=True)
    member_rows = [
        {
            **_member_columns(m, family_pk[f.family_id], digest, now),
            "person_id": pk,
            "is_synthetic": False,
            "date_of_death": None,
        }
        for (f, m, digest), pk in zip(new, person_ids, strict=True)
    ]
    writer.insert(Member, member_rows, want_ids=False)
    identifier_rows = [
        {**row, "person_id": pk}
        for (_f, m, _d), pk in zip(new, person_ids, strict=True)
        for row in _identifiers(m, today)
    ]
    writer.insert(PersonIdentifier, identifier_rows, want_ids=False)


def _update_rows(model: type[Any], rows: list[dict[str, Any]], fields: list[str]) -> None:
    """UPDATE ... WHERE id = %s for many rows in one executemany (pipelined by psycopg 3).

    bulk_update's CASE WHEN expressions cost ~0.2 s per few dozen rows to build; this costs almost nothing.
    """
    if not rows:
        return
    rows = prepare_rows(model, rows)  # as save() would write them: search keys, sealed identifiers
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s"
    params = [[c.get_db_prep_save(row[c.attname], connection) for c in columns] + [row["id"]] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _update_members(
    writer: Any, changed: list, family_pk: dict[str, int], now: datetime.datetime, today: datetime.date
) -> None:
    if not changed:
        return
    members, people = [], []
    for f, m, digest, row in changed:
        members.append({"id": row["id"], **_member_columns(m, family_pk[f.family_id], digest, now)})
        people.append({"id": row["person_id"], **_person_columns(f, m)})
    _update_rows(Member, members, MEMBER_UPDATE_FIELDS)
    _update_rows(Person, people, PERSON_UPDATE_FIELDS)
    # Identifiers: add the missing ones; Aadhaar last four follows the register. ABHA conflicts were refused.
    person_ids = [row["person_id"] for *_x, row in changed]
    have = set(
        PersonIdentifier.objects.filter(person_id__in=person_ids).values_list("person_id", "id_type", "value")
    )
    wanted = [
        {**ident, "person_id": row["person_id"]}
        for _f, m, _d, row in changed
        for ident in _identifiers(m, today)
    ]
    missing = [w for w in wanted if (w["person_id"], w["id_type"], w["value"]) not in have]
    stale_aadhaar = {w["person_id"] for w in missing if w["id_type"] == IdentifierType.AADHAAR_LAST4}
    if stale_aadhaar:
        PersonIdentifier.objects.filter(
            person_id__in=stale_aadhaar, id_type=IdentifierType.AADHAAR_LAST4
        ).delete()
    writer.insert(PersonIdentifier, missing, want_ids=False)


# --- a whole file ---------------------------------------------------------------------------------
@dataclass
class ImportResult:
    counts: ImportCounts
    errors_written: int
    error_report: Path | None
    file_format: str


class ImportAborted(Exception):
    """Raised by tests (crash simulation) through the `after_batch` hook."""


def import_file(
    path: str | Path,
    *,
    dry_run: bool = False,
    file_format: str | None = None,
    batch_families: int = DEFAULT_BATCH_FAMILIES,
    allowed_districts: set[int] | None = None,
    on_progress: Callable[[int, int], Any] | None = None,
    after_batch: Callable[[int], Any] | None = None,
    fast_writer: bool = True,
) -> ImportResult:
    """Import a register export, family batch by family batch; errors go to `<path>.errors.csv`.

    `on_progress(bytes_read, members_read)` drives a progress bar. Each batch commits on its own, so an
    interrupted import leaves whole families only and a rerun completes it (the upsert is idempotent).
    """
    path = Path(path)
    with path.open("rb") as binary:
        head = binary.read(64)
        binary.seek(0)
        file_format = file_format or detect_format(head)
        counting = _CountingRaw(binary)
        buffered = io.BufferedReader(counting)
        if file_format == "json":
            reader = _json_families(io.TextIOWrapper(buffered, encoding="utf-8-sig", newline=""))
        else:
            reader = _csv_families(text_lines(buffered))
        report = error_report(Path(f"{path}.errors.csv"))
        counts = ImportCounts()
        places = Places()
        batch: list[FamilyRecord] = []
        seen_members: set[str] = set()
        batches = 0
        try:
            for raw in reader:
                counts.families_read += 1
                counts.members_read += len(raw.members)
                record, errors = validate_family(raw, places, allowed_districts)
                if record is not None:
                    errors = _repeated_members(record, seen_members)
                if errors:
                    report.write(errors)
                    counts.families_skipped += 1
                    counts.rows_rejected += len(errors)
                else:
                    batch.append(record)
                if len(batch) >= batch_families:
                    _flush(batch, counts, report, dry_run, allowed_districts, fast_writer)
                    batches += 1
                    batch = []
                    if after_batch:
                        after_batch(batches)
                if on_progress:
                    on_progress(counting.count, counts.members_read)
            if batch:
                _flush(batch, counts, report, dry_run, allowed_districts, fast_writer)
                if after_batch:
                    after_batch(batches + 1)
            if on_progress:
                on_progress(counting.count, counts.members_read)
        except UnicodeDecodeError:  # JSON is decoded in chunks: name the place by character, not line
            raise ImportFileError(
                _("The file is not UTF-8 text (near byte %(at)s). Save it as UTF-8.")
                % {"at": counting.count},
                code="not_utf8",
                path=path,
            ) from None
        except ImportFileError as exc:
            exc.path = str(path)
            raise
        finally:
            report.close()
    if counts.members_created >= ANALYZE_AFTER_MEMBERS and not dry_run:
        _analyze()
    return ImportResult(counts, report.written, report.path if report.written else None, file_format)


def _analyze() -> None:
    """Fresh planner statistics after a bulk load: the next import's per-batch look-ups depend on them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Family, Member, Person, PersonIdentifier):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _repeated_members(record: FamilyRecord, seen: set[str]) -> list[RowError]:
    for m in record.members:
        if m.member_id in seen:
            return _reject(record, "member_id", _("This member id appears earlier in the file."), m.member_id)
    seen.update(m.member_id for m in record.members)
    return []


def _flush(
    batch: list[FamilyRecord],
    counts: ImportCounts,
    report: RowErrorReport,
    dry_run: bool,
    allowed_districts: set[int] | None,
    fast_writer: bool,
) -> None:
    outcome = apply_families(
        batch, dry_run=dry_run, allowed_districts=allowed_districts, fast_writer=fast_writer
    )
    counts.add(outcome.counts)
    report.write(outcome.errors)


def error_report(path: Path) -> RowErrorReport:
    """`<input>.errors.csv`: row, family id, member id, field, reason. Never a field's value (it may be an
    Aadhaar number or other personal data). Created on the first error; an old report is removed."""
    return RowErrorReport(path, REPORT_COLUMNS)
