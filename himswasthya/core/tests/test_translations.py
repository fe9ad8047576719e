"""Every user-facing string has its Hindi translation (SEC-21: no missing strings in the `hi` catalogue)."""

import re
from pathlib import Path

import polib
import pytest

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("**/locale/hi/LC_MESSAGES/django.po"))

# Simple literal msgids in templates and Python; blocktranslate and plural forms are checked by the .po test.
TEMPLATE_STRING = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
PYTHON_STRING = re.compile(
    r"""(?<![\w.])(?:_|gettext|gettext_lazy|pgettext_lazy)\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]"""
)


def _all_translations() -> dict[str, str]:
    translations: dict[str, str] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                translations[entry.msgid] = entry.msgstr
    return translations


def _source_msgids() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob("*"):
        if "migrations" in path.parts or "tests" in path.parts or not path.is_file():
            continue
        if path.suffix == ".html":
            found |= {
                (str(path.relative_to(PACKAGE)), m[1]) for m in TEMPLATE_STRING.findall(path.read_text())
            }
        elif path.suffix == ".py":
            found |= {(str(path.relative_to(PACKAGE)), m[1]) for m in PYTHON_STRING.findall(path.read_text())}
    return found


def test_there_are_hindi_catalogues():
    assert CATALOGUES, "no locale/hi/LC_MESSAGES/django.po found"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"untranslated or fuzzy in {po_path}: {missing[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run compilemessages"
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(mo_path))}
    stale = [e.msgid for e in po if not e.obsolete and e.msgid and compiled.get(e.msgid) != e.msgstr]
    assert not stale, f"{mo_path} is out of date for: {stale[:10]}"


def test_every_marked_string_has_a_hindi_translation():
    translations = _all_translations()
    untranslated = sorted(
        f"{where}: {msgid!r}" for where, msgid in _source_msgids() if msgid not in translations
    )
    assert not untranslated, "strings without Hindi translation:\n" + "\n".join(untranslated[:40])


def test_hindi_dates_and_choice_errors_read_well():
    """Issue #12 item 4: Django's Hindi abbreviates December as "दिस्" (with a halant) and says "मान्य इच्छा
    चयन करें"; our catalogue overrides both."""
    import datetime

    from django import forms
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("hi"):
        shown = Template('{{ d|date:"j M Y" }}').render(Context({"d": datetime.date(2026, 12, 13)}))
        assert shown == "13 दिस॰ 2026"
        with pytest.raises(forms.ValidationError) as refused:
            forms.ChoiceField(choices=[("a", "A")]).clean("b")
        assert refused.value.messages[0] == "मान्य विकल्प चुनें। b उपलब्ध विकल्पों में नहीं है।"
