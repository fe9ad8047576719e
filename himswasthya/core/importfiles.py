"""Reading an import file safely (the import framework's bottom layer; SEC-28 12.1.1 size limits).

Every importer (package master, AB-PMJAY list, facility list, Him Parivar register, places, ICD-10) reads
its file through these helpers, so that a malformed file - binary, not UTF-8 (Latin-1, Windows-1252), an
over-long line, a CSV field longer than the csv module's limit, JSON nested too deep - ends in one
`ImportFileError` naming the line and the reason, never in a traceback. A management command turns it into a
`CommandError` naming the file too (`command_error`).

    with open_csv(path) as reader:          # a csv.DictReader over checked lines
        for row in reader: ... reader.line_num ...
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError

#: A longer line is refused: no register, list or master has lines anywhere near this long.
MAX_LINE_BYTES = 1_000_000
#: One CSV field at most (the csv module's default limit). The csv module's own limit is raised to the line
#: limit so that an over-long field is reported by CheckedDictReader with its line and column name.
MAX_FIELD_CHARS = 131_072
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
MAX_JSON_DEPTH = 64
_BOM = b"\xef\xbb\xbf"


class ImportFileError(DomainError):
    """The file cannot be read as a whole: `line` (1-based, when known) and `reason` say where and why."""

    code = "bad_file"

    def __init__(
        self,
        reason: str | Promise,
        *,
        line: int | None = None,
        code: str | None = None,
        path: str | Path | None = None,
    ):
        self.reason = reason
        self.line = line
        self.path = str(path) if path is not None else None
        message: str | Promise = reason
        if line is not None:
            message = _("Line %(line)s: %(reason)s") % {"line": line, "reason": reason}
        super().__init__(message, field="file", code=code)

    def describe(self, path: str | Path | None = None) -> str:
        """The command's error message: "<file>: Line <n>: <reason>"."""
        where = str(path if path is not None else self.path or "")
        return f"{where}: {self.message}" if where else str(self.message)


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an import file - the one row-error type of every importer.

    `row` is the row's line number (or its place in an upload), `field` the column or key, `reason` the
    translated sentence. Never the field's value: it may be an Aadhaar number or other personal data.
    `record_id` and `item_id` name the record the row belongs to and the row within it, where the file has
    them (a Him Parivar family id and member id)."""

    row: int
    field: str
    reason: str
    record_id: str = ""
    item_id: str = ""


#: The columns of a row-error report: (header, RowError attribute).
ROW_ERROR_COLUMNS: tuple[tuple[str, str], ...] = (("row", "row"), ("field", "field"), ("reason", "reason"))


class RowErrorReport:
    """The CSV report of an import's row errors (`<input>.errors.csv`), one line per RowError, under the
    header of `columns`. An old report is removed first; the file is created on the first error, or at once
    with `always=True` (a header-only report then says "no errors")."""

    def __init__(self, path: Path, columns: Iterable[tuple[str, str]] = ROW_ERROR_COLUMNS, *, always=False):
        self.path = path
        self.columns = tuple(columns)
        self.written = 0
        self._file: IO[str] | None = None
        path.unlink(missing_ok=True)
        if always:
            self._open()

    def _open(self) -> None:
        self._file = self.path.open("w", encoding="utf-8", errors="backslashreplace", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow([header for header, _attr in self.columns])

    def write(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            if self._file is None:
                self._open()
            self._writer.writerow([getattr(error, attr) for _header, attr in self.columns])
            self.written += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> RowErrorReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_row_error_report(path: Path, limit: int = 100) -> list[dict[str, str]]:
    """The first `limit` lines of a row-error report, as dicts by header (none when there is no report)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [row for _i, row in zip(range(limit), csv.DictReader(f), strict=False)]


def command_error(exc: DomainError, path: str | Path) -> CommandError:
    """A CommandError naming the file, the line (when known) and the reason."""
    if isinstance(exc, ImportFileError):
        return CommandError(exc.describe(path))
    return CommandError(f"{path}: {exc.message}")


def not_utf8_error(line: int | None, code: str = "not_utf8") -> ImportFileError:
    return ImportFileError(
        _("The file is not UTF-8 text (was it saved as Latin-1 or Windows-1252?). Save it as UTF-8."),
        line=line,
        code=code,
    )


def binary_error(line: int | None, code: str = "binary") -> ImportFileError:
    return ImportFileError(
        _("This is not a text file: it contains NUL bytes (binary data)."), line=line, code=code
    )


def _too_long(line: int | None, limit: int) -> ImportFileError:
    return ImportFileError(
        _("The line is longer than %(n)s characters.") % {"n": f"{limit:,}"}, line=line, code="line_too_long"
    )


def text_lines(binary: IO[bytes], *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[str]:
    """The lines of a UTF-8 file (a BOM dropped), each with its line ending, checked one at a time: no NUL
    bytes, valid UTF-8, at most max_line_bytes. Memory stays bounded by the line limit."""
    number = 0
    while True:
        raw = binary.readline(max_line_bytes + 2)
        if not raw:
            return
        number += 1
        if number == 1:
            raw = raw.removeprefix(_BOM)
        if len(raw.rstrip(b"\r\n")) > max_line_bytes:
            raise _too_long(number, max_line_bytes)
        if b"\x00" in raw:
            raise binary_error(number)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise not_utf8_error(number) from None


def decode_text(raw: bytes, *, max_line_bytes: int = MAX_LINE_BYTES) -> str:
    """A whole file's bytes as text, with the same checks as `text_lines` (the line named on failure)."""
    return "".join(text_lines(io.BytesIO(raw), max_line_bytes=max_line_bytes))


def _unreadable(exc: OSError, path: str | Path) -> ImportFileError:
    return ImportFileError(
        _("The file cannot be read: %(error)s") % {"error": exc.strerror or exc}, code="unreadable", path=path
    )


@contextlib.contextmanager
def _reading(path: str | Path) -> Iterator[IO[bytes]]:
    """`path` opened as bytes; a file that cannot be opened, and every ImportFileError raised while it is
    open, is an ImportFileError naming `path`."""
    path = Path(path)
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise _unreadable(exc, path) from exc
    with binary:
        try:
            yield binary
        except ImportFileError as exc:
            exc.path = str(path)
            raise


def read_text_file(path: str | Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> str:
    with _reading(path) as binary:
        try:
            return "".join(text_lines(binary, max_line_bytes=max_line_bytes))
        except OSError as exc:
            raise _unreadable(exc, path) from exc


def _csv_reason(exc: csv.Error) -> str | Promise:
    text = str(exc)
    if "field larger than field limit" in text:  # a quoted field over many lines
        return _("A field is longer than %(n)s characters.") % {"n": f"{csv.field_size_limit():,}"}
    if "NUL" in text:
        return _("This is not a text file: it contains NUL bytes (binary data).")
    return _("The CSV is malformed: %(error)s") % {"error": text}


_DICT_READER_FIELDNAMES: Any = csv.DictReader.__dict__["fieldnames"]  # the property reading the header


class CheckedDictReader(csv.DictReader):
    """csv.DictReader whose csv.Error (a field over the limit, a NUL, bad quoting) is an ImportFileError
    naming the line; `line_offset` is added to that number (lines the caller skipped before the header)."""

    def __init__(self, lines: Iterable[str], *args: Any, line_offset: int = 0, **kwargs: Any):
        super().__init__(lines, *args, **kwargs)  # type: ignore[arg-type]
        self.line_offset = line_offset

    def _error(self, exc: csv.Error) -> ImportFileError:
        # the underlying reader has counted the line it failed on; DictReader.line_num has not yet
        return ImportFileError(_csv_reason(exc), line=self.reader.line_num + self.line_offset, code="bad_csv")

    @property  # type: ignore[override]
    def fieldnames(self) -> Any:
        try:
            return _DICT_READER_FIELDNAMES.fget(self)
        except csv.Error as exc:
            raise self._error(exc) from None

    @fieldnames.setter
    def fieldnames(self, value: Any) -> None:
        _DICT_READER_FIELDNAMES.fset(self, value)

    def __next__(self) -> dict[str, Any]:
        try:
            row = super().__next__()
        except csv.Error as exc:
            raise self._error(exc) from None
        for name, value in row.items():
            values = value if isinstance(value, list) else [value]  # extra cells come as a list
            if any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS for v in values):
                raise ImportFileError(
                    _("The field %(field)s is longer than %(n)s characters.")
                    % {"field": name if name is not None else "-", "n": f"{MAX_FIELD_CHARS:,}"},
                    line=self.reader.line_num + self.line_offset,
                    code="field_too_long",
                )
        return row


@contextlib.contextmanager
def open_csv(path: str | Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[CheckedDictReader]:
    """A checked DictReader over a UTF-8 CSV file; every ImportFileError raised while reading names `path`."""
    with _reading(path) as binary:
        yield CheckedDictReader(text_lines(binary, max_line_bytes=max_line_bytes))


def json_too_deep(max_depth: int = MAX_JSON_DEPTH, *, at: int | None = None) -> ImportFileError:
    reason = _("The JSON is nested more than %(n)d levels deep.") % {"n": max_depth}
    if at is not None:
        reason = _("The JSON is nested more than %(n)d levels deep (near character %(at)s).") % {
            "n": max_depth,
            "at": at,
        }
    return ImportFileError(reason, code="json_too_deep")


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep `value` nests (iteratively; stops counting past limit + 1)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def load_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads for import files: RecursionError and over-deep nesting become ImportFileError."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise json_too_deep(max_depth) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("The JSON is not valid: %(error)s") % {"error": exc.msg}, line=exc.lineno, code="bad_json"
        ) from None
    if json_depth(data, max_depth) > max_depth:
        raise json_too_deep(max_depth)
    return data
