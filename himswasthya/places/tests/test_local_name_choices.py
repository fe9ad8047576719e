"""core.forms.LocalNameChoiceField over places: districts in the page's language (issue #12 item 4)."""

import pytest
from django.utils import translation

from himswasthya.core.forms import LocalNameChoiceField


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
