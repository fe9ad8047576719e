"""`{{ thing|local_name }}`: a named master (place, facility, department, specialty, package) in the page's
language. On a Hindi page without a Hindi name, the Roman name is marked lang="en": screen readers read it as
English, and the page-language check (tests/test_page_language.py) knows it is English on purpose."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from himswasthya.core.models import name_in_language

register = template.Library()


@register.filter
def local_name(thing: Any) -> SafeString | str:
    if thing is None or thing == "":
        return ""
    if isinstance(thing, dict):  # a row of a report: {"name": ..., "name_hi": ...}
        name, name_hi = thing.get("name", ""), thing.get("name_hi", "")
    else:
        name, name_hi = thing.name, getattr(thing, "name_hi", "")
    shown = name_in_language(name, name_hi)
    if shown == name and (get_language() or "en").startswith("hi"):
        return format_html('<span lang="en">{}</span>', name)  # no Hindi name: English on purpose
    return conditional_escape(shown)
