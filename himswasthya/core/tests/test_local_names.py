"""The `local_name` filter and LocalNameChoiceField: a master's name in the page's language
(issue #12 item 4)."""

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

SHIMLA = SimpleNamespace(name="Shimla", name_hi="शिमला")
PACKAGE = SimpleNamespace(name="Cholecystectomy <open>")  # no Hindi name


def _render(thing) -> str:
    return Template("{% load local_names %}{{ thing|local_name }}").render(Context({"thing": thing}))


def test_the_hindi_name_on_hindi_pages_and_a_marked_english_fallback():
    with translation.override("hi"):
        assert _render(SHIMLA) == "शिमला"
        assert _render(PACKAGE) == '<span lang="en">Cholecystectomy &lt;open&gt;</span>'
        assert _render({"name": "Kangra", "name_hi": "कांगड़ा"}) == "कांगड़ा"
    with translation.override("en"):
        assert _render(SHIMLA) == "Shimla"
        assert _render(PACKAGE) == "Cholecystectomy &lt;open&gt;"
    assert _render(None) == ""
