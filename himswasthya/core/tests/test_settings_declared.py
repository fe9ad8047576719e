"""Settings are declared once (issue #11 item 6): in himswasthya/settings.py, read everywhere else as
`settings.X`, and every environment variable has its row in README's configuration table.

Three checks, by reading the source (no settings are loaded):
- no module under himswasthya/ other than settings.py reads a setting with `getattr(settings, ...)`, tests
  included (a default there is a second declaration, which is how a documented variable came to change
  nothing: HIMCARE_VERIFY_PER_MINUTE);
- every variable the README's configuration table names (first or last column) is read from the
  environment somewhere under himswasthya/ (settings.py, or a test for the test-only rows such as
  API_SCHEMA_EXAMPLES);
- every environment variable settings.py reads has a row (is named in the first column) in that table; a
  name built from a prefix (SMS_DLT_TEMPLATE_<KEY>) needs the row `PREFIX*`.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

PACKAGE = Path(__file__).resolve().parents[2]  # himswasthya/
SETTINGS = PACKAGE / "settings.py"
README = PACKAGE.parent / "README.md"
ENV_HELPERS = {"env_int", "env_bool", "env_keys"}
NAME = re.compile(r"`([A-Z][A-Z0-9_]*\*?)`")


@functools.cache
def _modules() -> list[tuple[Path, ast.AST]]:
    """Every module under himswasthya/ with its syntax tree, parsed once for all the tests here."""
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def _getattr_settings(tree: ast.AST) -> list[int]:
    """Lines of getattr(<...settings...>, ...): django.conf.settings under any local name."""
    settings_names = {"settings"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.conf":
            settings_names |= {a.asname or a.name for a in node.names if a.name == "settings"}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"getattr", "hasattr"}
        and node.args
        and (
            (isinstance(node.args[0], ast.Name) and node.args[0].id in settings_names)
            or (isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "settings")
        )
    ]


def _environ_reads(tree: ast.AST) -> set[str]:
    """Names read with os.environ.get / os.environ[...] / os.getenv / env_int / env_bool / env_keys; a name
    built by an f-string counts as its constant prefix followed by `*`."""

    def name_of(arg: ast.expr) -> str | None:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
            prefix = arg.values[0].value
            return f"{prefix}*" if isinstance(prefix, str) else None
        return None

    def is_environ(node: ast.expr) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    names: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Name) and func.id in ENV_HELPERS:
                names.add(name_of(node.args[0]))
            elif isinstance(func, ast.Attribute) and (
                (func.attr == "get" and is_environ(func.value)) or func.attr == "getenv"
            ):
                names.add(name_of(node.args[0]))
        elif isinstance(node, ast.Subscript) and is_environ(node.value) and isinstance(node.ctx, ast.Load):
            names.add(name_of(node.slice))
    return {n for n in names if n}


def _readme_rows() -> list[list[str]]:
    """The configuration table's rows, as cells."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]  # header, ruler


def _covered(name: str, documented: set[str]) -> bool:
    return name in documented or any(d.endswith("*") and name.startswith(d[:-1]) for d in documented)


def test_no_getattr_settings_outside_the_settings_module():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path, tree in _modules()
        if path != SETTINGS
        for line in _getattr_settings(tree)
    ]
    assert not offenders, f"declare these in settings.py and read them as settings.X: {offenders}"


def test_every_readme_variable_is_read():
    # Names in the variable and meaning columns; the default column holds values (`INFO`).
    named = {name for row in _readme_rows() for cell in (row[0], row[-1]) for name in NAME.findall(cell)}
    assert len(named) > 30  # the table was found and parsed
    read: set[str] = set()
    for _path, tree in _modules():
        read |= _environ_reads(tree)
    unread = sorted(name for name in named if not _covered(name, read))
    assert not unread, f"README documents variables nothing reads from the environment: {unread}"


def test_every_environment_variable_of_settings_has_a_readme_row():
    documented = {name for row in _readme_rows() for name in NAME.findall(row[0])}
    read = _environ_reads(ast.parse(SETTINGS.read_text(encoding="utf-8")))
    assert {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SMS_DLT_TEMPLATE_*"} <= read  # the parser works
    missing = sorted(name for name in read if not _covered(name, documented))
    assert not missing, f"settings.py reads environment variables without a README row: {missing}"


def test_the_checks_catch_what_they_are_for():
    """The parsers find a getattr read under another name, f-string names and every helper."""
    source = (
        "import os\nfrom django.conf import settings as conf\n"
        "a = getattr(conf, 'X', 1)\nb = env_int('B_INT', 1)\nc = os.environ['C']\n"
        "d = os.environ.get(f'PRE_{k}', '')\ne = os.getenv('E')\n"
    )
    tree = ast.parse(source)
    assert _getattr_settings(tree) == [3]
    assert _environ_reads(tree) == {"B_INT", "C", "PRE_*", "E"}
    assert _covered("PRE_X", {"PRE_*"}) and not _covered("PRE", {"PRE_X"})
