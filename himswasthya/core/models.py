"""Base model mixins shared by every app."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def name_in_language(name: str, name_hi: str, language: str | None = None) -> str:
    """The one rule: the Hindi name on a Hindi page when there is one, else the Roman name."""
    if (language or get_language() or "en").startswith("hi") and name_hi:
        return name_hi
    return name


class LocalNameMixin:
    """`display_name()`: the Hindi name on a Hindi page when there is one, else the Roman name (a model with
    `name` and `name_hi`). Templates use the `local_name` filter (core/templatetags), which also marks an
    English fallback on a Hindi page with lang="en"."""

    name: str
    name_hi: str

    def display_name(self, language: str | None = None) -> str:
        return name_in_language(self.name, self.name_hi, language)


class BilingualNameModel(LocalNameMixin, models.Model):
    """A name in Roman script and in Devanagari. `name_hi_machine` marks a transliteration nobody checked."""

    name = models.CharField(_("name"), max_length=150)
    name_hi = models.CharField(_("name (Hindi)"), max_length=150, blank=True)
    name_hi_machine = models.BooleanField(
        _("Hindi name is machine transliterated"),
        default=False,
        help_text=_("Untick after a person has checked or corrected the Hindi name."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name
