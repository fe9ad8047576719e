"""The `local_name` filter and LocalNameChoiceField: a master's name in the page's language
(issue #12 item 4)."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from himswasthya.core.forms import LocalNameChoiceField

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


@pytest.mark.django_db
def test_the_choice_field_labels_in_the_page_language_and_names_its_empty_choice():
    from himswasthya.places.models import District, State

    state = State.objects.create(lgd_code=2, name="Himachal Pradesh", name_hi="हिमाचल प्रदेश")
    District.objects.create(lgd_code=23, name="Shimla", name_hi="शिमला", state=state)
    optional = LocalNameChoiceField(queryset=District.objects.all(), required=False)
    required = LocalNameChoiceField(queryset=District.objects.all())
    with translation.override("hi"):
        assert [str(label) for _, label in optional.choices] == ["कोई भी", "शिमला"]
        assert str(list(required.choices)[0][1]) == "चुनें…"
    with translation.override("en"):
        assert [str(label) for _, label in optional.choices] == ["Any", "Shimla"]
