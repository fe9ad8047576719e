"""Dependencies point down only - what import-linter cannot see (issue #11 item 3).

`lint-imports` checks the imports against the layers contract in pyproject.toml. A lower app can still
depend on a higher one without importing it: by looking its model up by name (`apps.get_model("facilities",
"Facility")`) or by declaring a foreign key / many-to-many to it (`ForeignKey("facilities.Facility")`). Both
are caught here, with the layer list read from that same contract, so the order is declared once. A lower
app that needs an answer from a higher one exposes a hook instead (see audit/hooks.py).

The user model referenced through `settings.AUTH_USER_MODEL` is Django's own hook and is allowed. Not caught
here: query paths that walk a higher app's reverse relation (`Person.objects.filter(member__family=...)`).
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "himswasthya"


@dataclass(frozen=True)
class Layers:
    rank: dict[str, int]  # app package -> its line in the contract, counted from the bottom (core = 0)
    independent: dict[str, bool]  # app package -> whether the apps of its line may not use each other

    def may_use(self, user: str, used: str) -> bool:
        """May app package `user` depend on app package `used`? Apps outside the layers are not judged."""
        if user == used or user not in self.rank or used not in self.rank:
            return True
        if self.rank[user] == self.rank[used]:
            return not self.independent[user]
        return self.rank[user] > self.rank[used]


def read_layers(pyproject: str) -> Layers:
    config = tomllib.loads(pyproject)["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    assert contract["containers"] == ["himswasthya"], "the check below assumes the apps are himswasthya.<app>"
    rank: dict[str, int] = {}
    independent: dict[str, bool] = {}
    lines = contract["layers"]
    for depth, line in enumerate(lines):
        for name in re.split(r"[|:]", line):
            app = name.strip().removeprefix("(").removesuffix(")")
            rank[app] = len(lines) - 1 - depth
            independent[app] = ":" not in line
    return Layers(rank, independent)


LAYERS = read_layers((ROOT / "pyproject.toml").read_text())


def app_of_label(label: str) -> str | None:
    """The app package (himswasthya.<app>) of a Django app label, or None for Django's and other apps."""
    try:
        name = apps.get_app_config(label).name
    except LookupError:
        return None
    parts = name.split(".")
    return parts[1] if parts[0] == "himswasthya" and len(parts) > 1 else None


def model_lookups(source: str) -> Iterator[tuple[int, str]]:
    """(line, app label) of every get_model("label", ...) / get_model("label.Model") with a literal label."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0]
        if name == "get_model" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield node.lineno, first.value.split(".")[0]


def string_lookups_up(app: str, layers: Layers = LAYERS, package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted((package / app).rglob("*.py")):
        for line, label in model_lookups(path.read_text()):
            used = app_of_label(label)
            if used is not None and not layers.may_use(app, used):
                where = path.relative_to(package.parent)
                problems.append(f"{where}:{line}: get_model({label!r}...) - {used} is not below {app}")
    return problems


def relations_up(app: str, layers: Layers = LAYERS) -> list[str]:
    problems = []
    for model in apps.get_models():
        if app_of_label(model._meta.app_label) != app:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not isinstance(field, models.ForeignKey | models.ManyToManyField) or field.auto_created:
                continue
            if field.swappable_setting == "AUTH_USER_MODEL":
                continue  # settings.AUTH_USER_MODEL: Django's hook for the user model
            related: type[models.Model] = field.remote_field.model  # resolved once the apps are ready
            used = app_of_label(related._meta.app_label)
            if used is not None and not layers.may_use(app, used):
                target = related._meta.label
                problems.append(f"{model._meta.label}.{field.name} -> {target}: {used} is not below {app}")
    return problems


@pytest.mark.parametrize("app", sorted(a for a in LAYERS.rank if (PACKAGE / a).is_dir()))
def test_no_app_looks_up_a_higher_apps_model_by_name(app):
    problems = string_lookups_up(app)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("app", sorted(a for a in LAYERS.rank if (PACKAGE / a).is_dir()))
def test_no_app_has_a_foreign_key_to_a_higher_apps_model(app):
    problems = relations_up(app)
    assert not problems, "\n".join(problems)


# --- the checks themselves ----------------------------------------------------------------------------------


def test_the_layers_come_from_the_import_linter_contract():
    assert LAYERS.rank["core"] == 0
    assert LAYERS.rank["demo"] == max(LAYERS.rank.values())
    assert LAYERS.rank["audit"] == LAYERS.rank["notify"] < LAYERS.rank["places"] < LAYERS.rank["accounts"]
    assert LAYERS.rank["records"] < LAYERS.rank["registration"] == LAYERS.rank["himcare"]
    # A staff posting (User.facility) points down: facilities sits below accounts, above places.
    assert LAYERS.rank["places"] < LAYERS.rank["facilities"] < LAYERS.rank["accounts"] < LAYERS.rank["people"]
    assert LAYERS.may_use("accounts", "facilities") and not LAYERS.may_use("facilities", "accounts")
    assert LAYERS.may_use("himcare", "records") and not LAYERS.may_use("records", "himcare")
    assert not LAYERS.may_use("audit", "notify"), "apps on one line are independent"
    assert LAYERS.may_use("settings", "himcare"), "the project package is outside the layers"


def test_a_non_independent_line_lets_its_apps_use_each_other():
    layers = read_layers(
        "[tool.importlinter]\n[[tool.importlinter.contracts]]\n"
        'type = "layers"\ncontainers = ["himswasthya"]\nlayers = ["top", "(a) : b", "core"]\n'
    )
    assert layers.may_use("a", "b") and layers.may_use("b", "a") and layers.may_use("top", "a")
    assert not layers.may_use("core", "b") and not layers.may_use("a", "top")


def test_the_scan_finds_every_spelling_of_a_lookup():
    source = (
        "from django.apps import apps\n"
        "A = apps.get_model('facilities', 'Facility')\n"
        "def f(registry):\n"
        '    return registry.get_model(\'people.Person\'), get_model("places", "District")\n'
        "B = apps.get_model(name)\n"  # not a literal: not judged
    )
    assert list(model_lookups(source)) == [(2, "facilities"), (4, "people"), (4, "places")]


def _only(upper: str, lower: str) -> Layers:
    """A made-up order with `upper` on top of `lower`."""
    return Layers(rank={upper: 1, lower: 0}, independent={upper: True, lower: True})


def test_a_lookup_pointing_up_is_reported(tmp_path):
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "services.py").write_text("x = 1\nF = apps.get_model('facilities', 'Facility')\n")
    found = string_lookups_up("audit", _only("facilities", "audit"), tmp_path)
    where = f"{tmp_path.name}/audit/services.py:2"
    assert found == [f"{where}: get_model('facilities'...) - facilities is not below audit"]
    assert string_lookups_up("audit", _only("audit", "facilities"), tmp_path) == []


def test_a_foreign_key_pointing_up_is_reported():
    # Any foreign key between two project apps, judged once in each direction.
    field = next(
        f
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.ForeignKey)
        and f.swappable_setting is None
        and app_of_label(m._meta.app_label) not in (None, app_of_label(f.related_model._meta.app_label))
        and app_of_label(f.related_model._meta.app_label) is not None
    )
    source = app_of_label(field.model._meta.app_label)
    target = app_of_label(field.related_model._meta.app_label)
    wrong_way = "\n".join(relations_up(source, _only(target, source)))
    assert f"{field.model._meta.label}.{field.name} -> {field.related_model._meta.label}" in wrong_way
    assert relations_up(source, _only(source, target)) == []
