"""Load the LGD geography of Himachal Pradesh from the CSV copies in `places/data/` (see data/PROVENANCE.md).

One transaction, idempotent: rows are upserted by LGD code (gram panchayats by (source, source_id)) with bulk
operations, and a second run writes nothing. The loader does not repair the source: every defect it meets is
reported as an `Anomaly` (kind, file, row, id, name, detail) and only sound data is loaded. A Hindi name a
person corrected (`name_hi_machine=False`) is never overwritten.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from himswasthya.core.importfiles import ImportFileError, open_csv
from himswasthya.places.models import (
    HOME_STATE_LGD_CODE,
    Block,
    District,
    GramPanchayat,
    State,
    Tehsil,
    UrbanLocalBody,
)
from himswasthya.places.transliteration import has_devanagari, to_devanagari

DATA_DIR = Path(__file__).resolve().parent / "data"
DISTRICTS_CSV = "hp_districts.csv"
BLOCKS_CSV = "hp_blocks.csv"
TEHSILS_CSV = "hp_subdistricts_tehsils.csv"
ULBS_CSV = "hp_urban_local_bodies.csv"
GPS_CSV = "hp_gram_panchayats_hpsdma.csv"

STATE_NAME = "Himachal Pradesh"
STATE_NAME_HI = "हिमाचल प्रदेश"
GP_SOURCE = "HPSDMA"

# Checked by hand: the machine gets districts wrong (कंग्रा for कांगड़ा), and they are shown everywhere.
DISTRICT_NAMES_HI = {
    15: "बिलासपुर",
    16: "चम्बा",
    17: "हमीरपुर",
    18: "कांगड़ा",
    19: "किन्नौर",
    20: "कुल्लू",
    21: "लाहौल और स्पीति",
    22: "मंडी",
    23: "शिमला",
    24: "सिरमौर",
    25: "सोलन",
    26: "ऊना",
}

ULB_KINDS = {
    "municipal corporation": UrbanLocalBody.Kind.MUNICIPAL_CORPORATION,
    "municipal council": UrbanLocalBody.Kind.MUNICIPAL_COUNCIL,
    "municipality": UrbanLocalBody.Kind.MUNICIPAL_COUNCIL,
    "town panchayat": UrbanLocalBody.Kind.NAGAR_PANCHAYAT,
}

# Anomaly kinds, as written in the report.
GP_BLOCK_OTHER_DISTRICT = "gp_block_in_other_district"
GP_NO_BLOCK = "gp_no_block"
GP_NO_DISTRICT = "gp_no_district"
GP_MISSING_NAME = "gp_missing_name"
GP_UNKNOWN_BLOCK = "gp_unknown_block"
UNKNOWN_DISTRICT = "unknown_district"
DUPLICATE_NAME = "duplicate_name_in_district"
ULB_NO_DISTRICT = "ulb_no_district"
ULB_UNKNOWN_TYPE = "ulb_unknown_type"
BAD_CODE = "bad_lgd_code"
SYMBOL_IN_NAME = "name_symbol_font_glyph"

_SMALL_WORDS = {"and", "of", "ki", "ka", "ke"}
_NULL_NAMES = {"", "null", "none", "n/a", "na", "-"}


@dataclass(frozen=True)
class Anomaly:
    kind: str
    file: str
    row: int  # line number in the source file; the header is line 1
    source_id: str
    name: str
    detail: str


@dataclass
class LevelCounts:
    loaded: int = 0  # source rows accepted
    created: int = 0
    updated: int = 0


@dataclass
class PlacesLoadResult:
    levels: dict[str, LevelCounts] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)

    def level(self, name: str) -> LevelCounts:
        return self.levels.setdefault(name, LevelCounts())

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.levels.values())

    def anomaly_counts(self) -> Counter[str]:
        return Counter(a.kind for a in self.anomalies)

    def write_report(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kind", "file", "row", "source_id", "name", "detail"])
            for a in self.anomalies:
                writer.writerow([a.kind, a.file, a.row, a.source_id, a.name, a.detail])


def private_use_chars(raw: str) -> list[str]:
    """Symbol-font glyphs (Unicode private use, e.g. U+F02A) pasted into names: footnote marks."""
    return [c for c in raw if unicodedata.category(c) == "Co"]


def display_name(raw: str) -> str:
    """Trim; title-case names written in one case ("BILASPUR SADAR" -> "Bilaspur Sadar"); keep mixed case."""
    name = " ".join("".join(c for c in raw if unicodedata.category(c) != "Co").split())
    if name != name.upper() and name != name.lower():
        return name
    words = re.split(r"([ \-/(])", name.lower())
    out = []
    for i, word in enumerate(words):
        out.append(word if (i > 0 and word in _SMALL_WORDS) else word[:1].upper() + word[1:])
    return "".join(out)


def read_rows(data_dir: Path, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; values stripped of surrounding whitespace."""
    path = data_dir / filename
    with open_csv(path) as reader:  # ImportFileError naming the file and line
        return [
            (
                reader.line_num,
                _SourceRow(path, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}),
            )
            for row in reader
        ]


class _SourceRow(dict):
    """A row whose missing column is an ImportFileError naming the file, not a KeyError."""

    def __init__(self, path: Path, values: dict[str, str]):
        super().__init__(values)
        self.path = path

    def __missing__(self, key: str) -> str:
        raise ImportFileError(
            _("The column %(column)s is missing from the header.") % {"column": key},
            line=1,
            code="columns_missing",
            path=self.path,
        )


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() else None


def _hindi(existing: Any, name: str, given_hi: str = "") -> dict[str, Any]:
    """Hindi name fields to write, or none when a person has corrected the stored one."""
    if existing is not None and not existing.name_hi_machine and existing.name_hi:
        return {}
    if given_hi:
        return {"name_hi": given_hi, "name_hi_machine": False}
    return {"name_hi": to_devanagari(name), "name_hi_machine": True}


def _upsert(model: Any, key: tuple[str, ...], rows: Iterable[dict[str, Any]], counts: LevelCounts) -> None:
    """Create missing rows and update changed ones in bulk; rows are dicts of attnames, keyed by `key`."""
    existing = {tuple(getattr(o, k) for k in key): o for o in model.objects.all()}
    to_create: list[Any] = []
    to_update: list[Any] = []
    changed_fields: set[str] = set()
    for values in rows:
        counts.loaded += 1
        obj = existing.get(tuple(values[k] for k in key))
        hindi = _hindi(obj, values["name"], values.pop("_given_hi", ""))
        values.update(hindi)
        if obj is None:
            to_create.append(model(**values))
            continue
        diff = {f: v for f, v in values.items() if getattr(obj, f) != v}
        if diff:
            for f, v in diff.items():
                setattr(obj, f, v)
            changed_fields.update(diff)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _report_duplicates(
    result: PlacesLoadResult, filename: str, entries: Sequence[tuple[int, str, str, int | None]]
) -> None:
    """entries: (row, source_id, name, district code). Report each row whose name repeats in its district."""
    groups: dict[tuple[int | None, str], list[tuple[int, str, str]]] = defaultdict(list)
    for row, source_id, name, district in entries:
        groups[(district, name.casefold())].append((row, source_id, name))
    for (district, _folded), members in groups.items():
        if len(members) < 2:
            continue
        rows = ", ".join(str(m[0]) for m in members)
        for row, source_id, name in members:
            detail = f"{len(members)} rows named {name!r} in district {district}: rows {rows}"
            result.anomalies.append(Anomaly(DUPLICATE_NAME, filename, row, source_id, name, detail))


def _load_state(result: PlacesLoadResult) -> State:
    state, created = State.objects.get_or_create(
        lgd_code=HOME_STATE_LGD_CODE,
        defaults={"name": STATE_NAME, "name_hi": STATE_NAME_HI, "name_hi_machine": False},
    )
    counts = result.level("states")
    counts.loaded, counts.created = 1, int(created)
    return state


def _load_districts(data_dir: Path, state: State, result: PlacesLoadResult) -> dict[int, int]:
    rows = []
    for line, r in read_rows(data_dir, DISTRICTS_CSV):
        code = _int_or_none(r["district_lgd_code"])
        if code is None or _int_or_none(r["state_lgd_code"]) != HOME_STATE_LGD_CODE:
            result.anomalies.append(
                Anomaly(
                    BAD_CODE,
                    DISTRICTS_CSV,
                    line,
                    r["district_lgd_code"],
                    r["district_name"],
                    "not a district of HP",
                )
            )
            continue
        rows.append(
            {
                "lgd_code": code,
                "state_id": state.pk,
                "name": display_name(r["district_name"]),
                "source_name": r["district_name"],
                "census2011_code": r["census2011_code"],
                "_given_hi": DISTRICT_NAMES_HI.get(code, ""),
            }
        )
    _upsert(District, ("lgd_code",), rows, result.level("districts"))
    return dict(District.objects.values_list("lgd_code", "id"))


def _load_district_level(
    data_dir: Path,
    model: type[models.Model],
    filename: str,
    prefix: str,
    level: str,
    districts: dict[int, int],
    result: PlacesLoadResult,
) -> None:
    """Blocks and tehsils: same shape (code, version, name, district)."""
    rows, entries = [], []
    for line, r in read_rows(data_dir, filename):
        code, district = _int_or_none(r[f"{prefix}_lgd_code"]), _int_or_none(r["district_lgd_code"])
        name = r[f"{prefix}_name"]
        if code is None:
            result.anomalies.append(
                Anomaly(BAD_CODE, filename, line, r[f"{prefix}_lgd_code"], name, "no LGD code")
            )
            continue
        if district not in districts:
            detail = f"unknown district LGD code {r['district_lgd_code']!r}"
            result.anomalies.append(Anomaly(UNKNOWN_DISTRICT, filename, line, str(code), name, detail))
            continue
        entries.append((line, str(code), display_name(name), district))
        values = {
            "lgd_code": code,
            "lgd_version": _int_or_none(r[f"{prefix}_version"]) or 1,
            "district_id": districts[district],
            "name": display_name(name),
            "source_name": name,
        }
        if "census2011_code" in r:
            values["census2011_code"] = r["census2011_code"]
        rows.append(values)
    _report_duplicates(result, filename, entries)
    _upsert(model, ("lgd_code",), rows, result.level(level))


def _load_urban_bodies(data_dir: Path, result: PlacesLoadResult) -> None:
    rows = []
    for line, r in read_rows(data_dir, ULBS_CSV):
        code, name = _int_or_none(r["ulb_lgd_code"]), r["ulb_name"]
        kind = ULB_KINDS.get(r["ulb_type_name"].lower())
        if code is None:
            result.anomalies.append(Anomaly(BAD_CODE, ULBS_CSV, line, r["ulb_lgd_code"], name, "no LGD code"))
            continue
        if kind is None:
            detail = f"unknown ULB type {r['ulb_type_name']!r}"
            result.anomalies.append(Anomaly(ULB_UNKNOWN_TYPE, ULBS_CSV, line, str(code), name, detail))
            continue
        result.anomalies.append(
            Anomaly(
                ULB_NO_DISTRICT, ULBS_CSV, line, str(code), name, "LGD ULB extract names no district; loaded"
            )
        )
        local = r["ulb_name_local"]
        rows.append(
            {
                "lgd_code": code,
                "lgd_version": _int_or_none(r["ulb_version"]) or 1,
                "kind": kind,
                "name": display_name(name),
                "source_name": name,
                "census2011_code": r["census2011_code"],
                "_given_hi": local if has_devanagari(local) else "",
            }
        )
    _upsert(UrbanLocalBody, ("lgd_code",), rows, result.level("urban_local_bodies"))


def _gp_block(
    line: int,
    r: dict[str, str],
    name: str,
    district: int,
    blocks: dict[int, tuple[int, int]],
    result: PlacesLoadResult,
) -> int | None:
    """The block id to file a GP under, or None (reported) when the source's block is missing or elsewhere."""
    sid, raw = r["hpsdma_panchayat_id"], r["block_lgd_code_matched_by_name"]
    code = _int_or_none(raw)
    if code is None:
        detail = f"no LGD block matched for HPSDMA block {r['hpsdma_block_name']!r}; loaded with block=None"
        result.anomalies.append(Anomaly(GP_NO_BLOCK, GPS_CSV, line, sid, name, detail))
        return None
    if code not in blocks:
        detail = f"unknown block LGD code {raw}; loaded with block=None"
        result.anomalies.append(Anomaly(GP_UNKNOWN_BLOCK, GPS_CSV, line, sid, name, detail))
        return None
    block_id, block_district = blocks[code]
    if block_district != district:
        detail = (
            f"block {raw} ({r['hpsdma_block_name']}) belongs to district {block_district}, "
            f"GP is in district {district}; loaded with block=None"
        )
        result.anomalies.append(Anomaly(GP_BLOCK_OTHER_DISTRICT, GPS_CSV, line, sid, name, detail))
        return None
    return block_id


def _load_gram_panchayats(data_dir: Path, districts: dict[int, int], result: PlacesLoadResult) -> None:
    blocks = {
        code: (pk, d) for code, pk, d in Block.objects.values_list("lgd_code", "id", "district__lgd_code")
    }
    rows, entries = [], []
    for line, r in read_rows(data_dir, GPS_CSV):
        sid, raw_name = r["hpsdma_panchayat_id"], r["panchayat_name"]
        name = display_name(raw_name)
        district = _int_or_none(r["district_lgd_code"])
        if glyphs := private_use_chars(raw_name):
            codes = ", ".join(f"U+{ord(c):04X}" for c in glyphs)
            detail = f"removed symbol-font glyph {codes} from the name; loaded as {name!r}"
            result.anomalies.append(Anomaly(SYMBOL_IN_NAME, GPS_CSV, line, sid, raw_name, detail))
        block_id = _gp_block(line, r, name, district, blocks, result) if district else None
        if raw_name.lower() in _NULL_NAMES:
            result.anomalies.append(
                Anomaly(GP_MISSING_NAME, GPS_CSV, line, sid, raw_name, "no name; skipped")
            )
        if district is None:
            result.anomalies.append(
                Anomaly(GP_NO_DISTRICT, GPS_CSV, line, sid, raw_name, "no district; skipped")
            )
            result.anomalies.append(
                Anomaly(GP_NO_BLOCK, GPS_CSV, line, sid, raw_name, "no block (and no district); skipped")
            )
            continue
        if district not in districts:
            detail = f"unknown district LGD code {district}; skipped"
            result.anomalies.append(Anomaly(UNKNOWN_DISTRICT, GPS_CSV, line, sid, name, detail))
            continue
        if raw_name.lower() in _NULL_NAMES:
            continue
        entries.append((line, sid, name, district))
        rows.append(
            {
                "source": GP_SOURCE,
                "source_id": sid,
                "lgd_code": None,
                "name": name,
                "source_name": raw_name,
                "district_id": districts[district],
                "block_id": block_id,
            }
        )
    _report_duplicates(result, GPS_CSV, entries)
    _upsert(GramPanchayat, ("source", "source_id"), rows, result.level("gram_panchayats"))


def load_places(data_dir: Path = DATA_DIR) -> PlacesLoadResult:
    """Upsert state, districts, blocks, tehsils, urban local bodies and gram panchayats in one transaction."""
    result = PlacesLoadResult()
    with transaction.atomic():
        state = _load_state(result)
        districts = _load_districts(data_dir, state, result)
        _load_district_level(data_dir, Block, BLOCKS_CSV, "block", "blocks", districts, result)
        _load_district_level(data_dir, Tehsil, TEHSILS_CSV, "subdistrict", "tehsils", districts, result)
        _load_urban_bodies(data_dir, result)
        _load_gram_panchayats(data_dir, districts, result)
    return result
