"""Form pieces every app uses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LocalNameChoiceField(forms.ModelChoiceField):
    """A choice of places, facilities, departments or other named masters, labelled in the page's language
    (`display_name()`: the Hindi name on a Hindi page), not by `str()`, which is the Roman name; the empty
    choice says "Any" or "Choose…" instead of Django's "---------"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("Choose…") if kwargs.get("required", True) else _("Any"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name()


class LocalNameMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name()
