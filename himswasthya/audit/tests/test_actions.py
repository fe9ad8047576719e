"""Every audit call in production code names its action by an `AuditAction` constant (audit/actions.py).

The check reads the source (ast): a call of `build_entry`, or of any function that forwards one of its
parameters as the action (`record`, `record_read`, the apps' `_audit` helpers...), must pass
`AuditAction.<NAME>` - or a conditional between two of them, or a module constant bound to one. A string
literal, an f-string or a name that is not in the list fails, naming the file and line.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from himswasthya.audit.actions import ACTIONS, AuditAction
from himswasthya.audit.services import _ACTION

PACKAGE = Path(__file__).resolve().parents[2]  # himswasthya/
BASE = "build_entry"  # the one function that takes the action; everything else forwards to it


@dataclass
class Wrapper:
    """A function that passes its parameter `param` on as the action."""

    module: Path
    name: str
    param: str
    index: int | None  # positional index of the parameter, None when keyword-only
    default: ast.expr | None = None
    has_default: bool = False


@dataclass
class Checker:
    modules: dict[Path, ast.Module]
    problems: list[str] = field(default_factory=list)
    checked: int = 0  # call sites that passed an AuditAction
    used: set[str] = field(default_factory=set)  # the AuditAction names they pass

    def constants(self, tree: ast.Module) -> dict[str, ast.expr]:
        found = {}
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                found[node.targets[0].id] = node.value
        return found

    def valid(self, expr: ast.expr, consts: dict[str, ast.expr]) -> bool:
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            if expr.value.id == "AuditAction" and expr.attr in AuditAction.__members__:
                self.used.add(expr.attr)
                return True
            return False
        if isinstance(expr, ast.IfExp):
            return self.valid(expr.body, consts) and self.valid(expr.orelse, consts)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):  # a table of actions
            table = consts.get(expr.value.id)
            return isinstance(table, ast.Dict) and all(self.valid(value, consts) for value in table.values)
        if isinstance(expr, ast.Name) and expr.id in consts:
            return self.valid(consts[expr.id], consts)
        return False

    def run(self) -> list[str]:
        wrappers = [Wrapper(Path("himswasthya/audit/services.py"), BASE, "action", 0)]
        done: set[tuple[Path, str, str]] = set()
        while wrappers:
            wrapper = wrappers.pop()
            key = (wrapper.module, wrapper.name, wrapper.param)
            if key in done:
                continue
            done.add(key)
            wrappers.extend(self.check_calls_of(wrapper))
        return self.problems

    def _calls(self, wrapper: Wrapper):
        private = wrapper.name.startswith("_")
        for path, tree in self.modules.items():
            if private and path != wrapper.module:
                continue  # `_audit` in another module is another function
            parents: dict[ast.AST, ast.AST] = {}
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name == wrapper.name:
                    yield path, tree, node, parents

    def check_calls_of(self, wrapper: Wrapper) -> list[Wrapper]:
        found: list[Wrapper] = []
        for path, tree, call, parents in self._calls(wrapper):
            where = f"{path.relative_to(PACKAGE.parent)}:{call.lineno}"
            expr = next((kw.value for kw in call.keywords if kw.arg == wrapper.param), None)
            if expr is None and wrapper.index is not None and len(call.args) > wrapper.index:
                expr = call.args[wrapper.index]
            if expr is None:
                if not wrapper.has_default or _is_none(wrapper.default):
                    self.problems.append(f"{where}: {wrapper.name}() without an AuditAction")
                continue
            function = _enclosing_function(call, parents)
            if isinstance(expr, ast.Name) and function is not None and expr.id in _params(function):
                found.append(_wrapper_of(path, function, expr.id))
                continue
            if not self.valid(expr, self.constants(tree)):
                self.problems.append(
                    f"{where}: {wrapper.name}() passes {ast.unparse(expr)}, not an AuditAction"
                )
            else:
                self.checked += 1
        for item in found:
            if item.has_default and not _is_none(item.default) and not self.valid(item.default, {}):
                self.problems.append(
                    f"{item.module.relative_to(PACKAGE.parent)}: default of {item.name}({item.param}=...) "
                    "is not an AuditAction"
                )
        return found


def _is_none(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _enclosing_function(node: ast.AST, parents: dict[ast.AST, ast.AST]):
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


def _params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = function.args
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def _wrapper_of(path: Path, function: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> Wrapper:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    names = [a.arg for a in positional]
    if param in names:
        index = names.index(param)
        offset = len(positional) - len(args.defaults)
        has_default = index >= offset
        default = args.defaults[index - offset] if has_default else None
        if names and names[0] in ("self", "cls"):
            index -= 1
        return Wrapper(path, function.name, param, index, default, has_default)
    kw_names = [a.arg for a in args.kwonlyargs]
    default = args.kw_defaults[kw_names.index(param)]
    return Wrapper(path, function.name, param, None, default, default is not None)


def _production_modules(root: Path = PACKAGE) -> dict[Path, ast.Module]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).parts)
        if "tests" in parts or "migrations" in parts:
            continue
        modules[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return modules


def _check_source(source: str) -> list[str]:
    path = PACKAGE / "audit" / "services.py"  # the snippet stands in for the base module
    return Checker({path: ast.parse(source)}).run()


@functools.cache
def _checked_production_code() -> tuple[Checker, list[str]]:
    """One walk of the production code (about 15 s on a slow machine) for the two tests that read it."""
    checker = Checker(_production_modules())
    return checker, checker.run()


@pytest.mark.engine_independent  # reads the source
def test_every_audit_call_names_a_listed_action():
    problems = _checked_production_code()[1]
    assert problems == [], "\n".join(problems)


@pytest.mark.engine_independent  # reads the source
def test_the_checker_reaches_the_call_sites():
    """The walk follows wrappers of wrappers (build_entry <- record <- _audit <- _transition ...) and tables
    of actions: every listed action is reached at some call site. A checker that found none would pass
    vacuously; an action nothing records has no place in the list."""
    checker = _checked_production_code()[0]
    assert checker.checked > 100
    assert set(AuditAction.__members__) - checker.used == set()


@pytest.mark.parametrize(
    "call",
    [
        'build_entry("person.read", object_type="x")',
        'build_entry(f"person.{verb}", object_type="x")',
        'build_entry(AuditAction.NOT_IN_THE_LIST, object_type="x")',
        'build_entry(Other.PERSON_READ, object_type="x")',
        'build_entry(AuditAction.PERSON_READ if ok else "person.search", object_type="x")',
        'build_entry(action="person.read", object_type="x")',
    ],
)
def test_a_literal_or_unknown_action_is_refused(call):
    assert _check_source(f"def f(verb, ok):\n    {call}\n")


def test_a_wrapper_is_followed_to_its_callers():
    source = (
        "def build_entry(action, **kw): ...\n"
        "def record(action, **kw):\n    return build_entry(action, **kw)\n"
        "def _audit(what, action='person.read'):\n    record(action, object_type='x')\n"
        "def g():\n    _audit(1, AuditAction.PERSON_READ)\n    record('person.read')\n"
        "def h():\n    record_read('people.Person', 1)\n"
        "def record_read(object_type, object_id, *, action=None):\n"
        "    record(action, object_type=object_type)\n"
    )
    problems = _check_source(source)
    assert any("record() passes 'person.read'" in p for p in problems), problems
    assert any("default of _audit(action=...)" in p for p in problems), problems
    assert any("record_read() without an AuditAction" in p for p in problems), problems
    assert not any("_audit() passes" in p for p in problems), problems


def test_a_constant_and_a_choice_of_constants_are_accepted():
    source = (
        "ALERT = AuditAction.HIMCARE_VERIFY_ALERT\n"
        "def f(ok):\n"
        "    build_entry(ALERT, object_type='x')\n"
        "    build_entry(\n"
        "        AuditAction.AUTH_MFA_ENROLLED if ok else AuditAction.AUTH_MFA_VERIFIED, object_type='x'\n"
        "    )\n"
    )
    assert _check_source(source) == []


def test_actions_are_unique_and_well_formed():
    values = [action.value for action in AuditAction]
    assert len(values) == len(set(values)) == len(ACTIONS)
    assert [v for v in values if not _ACTION.match(v)] == []
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", name) for name in AuditAction.__members__)


def test_a_recorded_action_is_stored_as_its_plain_string(db):
    from himswasthya.audit.services import build_entry

    entry = build_entry(AuditAction.PERSON_READ, object_type="people.Person", object_id=1)
    assert type(entry.action) is str
    assert entry.action == "person.read"


def test_a_table_of_actions_passes_only_when_every_entry_is_an_action():
    table = (
        'TABLE = {{"a": AuditAction.PERSON_READ, "b": {other}}}\ndef f(step):\n    build_entry(TABLE[step])\n'
    )
    assert not _check_source(table.format(other="AuditAction.PERSON_SEARCH"))
    assert _check_source(table.format(other='"person.search"'))


def test_every_action_has_a_label_in_english_and_hindi():
    """The audit log shows each action by its label (issue #12 item 4): a new action needs one, in both
    languages."""
    from django.utils import translation

    from himswasthya.audit.actions import ACTION_LABELS, action_label

    assert set(ACTION_LABELS) == set(AuditAction), set(AuditAction) - set(ACTION_LABELS)
    english = [str(label) for label in ACTION_LABELS.values()]
    assert len(set(english)) == len(english)  # two actions never read the same
    with translation.override("hi"):
        untranslated = [str(label) for label in ACTION_LABELS.values() if str(label) in english]
    assert untranslated == []
    assert action_label("no.such_action") == "no.such_action"
