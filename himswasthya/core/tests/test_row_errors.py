"""core.importfiles: the one row-error type and its CSV report, shared by every importer."""

from __future__ import annotations

import csv

import pytest

from himswasthya.core.importfiles import RowError, RowErrorReport, read_row_error_report

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

FAMILY_COLUMNS = (
    ("row", "row"),
    ("family_id", "record_id"),
    ("member_id", "item_id"),
    ("field", "field"),
    ("reason", "reason"),
)


def _lines(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_a_row_error_is_a_frozen_value_with_optional_ids():
    error = RowError(7, "mobile", "not a mobile number")
    assert (error.row, error.field, error.reason, error.record_id, error.item_id) == (
        7,
        "mobile",
        "not a mobile number",
        "",
        "",
    )
    assert error == RowError(7, "mobile", "not a mobile number")
    with pytest.raises(AttributeError):
        error.row = 8  # type: ignore[misc]


def test_the_report_is_created_on_the_first_error_and_replaces_an_old_one(tmp_path):
    path = tmp_path / "families.csv.errors.csv"
    path.write_text("old report\n")
    report = RowErrorReport(path, FAMILY_COLUMNS)
    assert not path.exists()  # the old report is gone; no new one without errors
    report.write([])
    assert not path.exists()
    report.write([RowError(3, "mobile", "bad", record_id="F1", item_id="M1"), RowError(4, "type", "unknown")])
    report.close()
    assert report.written == 2
    assert _lines(path) == [
        ["row", "family_id", "member_id", "field", "reason"],
        ["3", "F1", "M1", "mobile", "bad"],
        ["4", "", "", "type", "unknown"],
    ]
    assert read_row_error_report(path, limit=1) == [
        {"row": "3", "family_id": "F1", "member_id": "M1", "field": "mobile", "reason": "bad"}
    ]


def test_always_writes_a_header_only_report_when_every_row_was_good(tmp_path):
    path = tmp_path / "facilities.csv.errors.csv"
    with RowErrorReport(path, always=True) as report:
        report.write([])
    assert _lines(path) == [["row", "field", "reason"]]


def test_no_report_reads_as_no_errors(tmp_path):
    assert read_row_error_report(tmp_path / "missing.csv") == []
