"""How models point at other rows: the one declaration of the project's foreign-key policies.

- `protected_fk`: a reference to master data (a place, a facility, a package, an ICD-10 code) or to another
  record (a person, an enrolment, a case). PROTECT: the referenced row cannot be deleted while anything points
  at it, so a deletion never cascades into records.
- `cascade_fk`: a row that is part of its parent (a case's packages, a facility's OPD sessions, a family's
  members): deleted with the parent (CASCADE).
- `set_null_fk`: a link that must not hold its target: a convenience pointer (the counter a token came
  through, the appointment it became), cleared (SET_NULL) when the row it points at is deleted; so always
  optional.
- `user_reference`: the user (a member of staff, or a citizen acting for themself) who did or recorded
  something: PROTECT, and no reverse accessor on the user unless one is named.

`optional=True` makes a link null in the database and blank in forms; an explicit `blank=False` keeps it
required in forms. Other ForeignKey options (help_text, to_field ...) pass through unchanged.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, TypeVar, overload

from django.conf import settings
from django.db import models

M = TypeVar("M", bound=models.Model)


class ForeignKeyPolicy(Protocol):
    """How `protected_fk` and `cascade_fk` are called. Typed for mypy (django-stubs): a model class gives
    `obj.link` its type (`| None` when optional); a lazy reference ("app_label.ModelName", "self") leaves it
    `Any`, since the plugin resolves those only in a direct `models.ForeignKey(...)` call."""

    @overload
    def __call__(
        self,
        to: type[M],
        *,
        verbose_name: Any,
        related_name: str | None = ...,
        optional: Literal[False] = ...,
        **options: Any,
    ) -> models.ForeignKey[M, M]: ...
    @overload
    def __call__(
        self,
        to: type[M],
        *,
        verbose_name: Any,
        related_name: str | None = ...,
        optional: Literal[True],
        **options: Any,
    ) -> models.ForeignKey[M | None, M | None]: ...
    @overload
    def __call__(
        self,
        to: type[models.Model] | str,
        *,
        verbose_name: Any,
        related_name: str | None = ...,
        optional: bool = ...,
        **options: Any,
    ) -> models.ForeignKey[Any, Any]: ...


def _policy(on_delete: Any) -> ForeignKeyPolicy:
    def foreign_key(
        to: type[models.Model] | str,
        *,
        verbose_name: Any,
        related_name: str | None = None,
        optional: bool = False,
        **options: Any,
    ) -> models.ForeignKey[Any, Any]:
        if optional:
            options.setdefault("null", True)
            options.setdefault("blank", True)
        return models.ForeignKey(
            to, on_delete=on_delete, related_name=related_name, verbose_name=verbose_name, **options
        )

    return foreign_key


protected_fk = _policy(models.PROTECT)
cascade_fk = _policy(models.CASCADE)
_set_null = _policy(models.SET_NULL)  # always optional: `set_null_fk`


@overload
def set_null_fk(
    to: type[M], *, verbose_name: Any, related_name: str | None = ..., **options: Any
) -> models.ForeignKey[M | None, M | None]: ...
@overload
def set_null_fk(
    to: str, *, verbose_name: Any, related_name: str | None = ..., **options: Any
) -> models.ForeignKey[Any, Any]: ...
def set_null_fk(
    to: type[models.Model] | str, *, verbose_name: Any, related_name: str | None = None, **options: Any
) -> models.ForeignKey[Any, Any]:
    """A foreign key cleared (SET_NULL) when its target is deleted; so always null and blank."""
    return _set_null(to, verbose_name=verbose_name, related_name=related_name, optional=True, **options)


def user_reference(
    verbose_name: Any, *, optional: bool = True, related_name: str = "+", **options: Any
) -> models.ForeignKey[Any, Any]:
    """The user who did something (never deleted while referenced; no reverse accessor unless `related_name`
    names one). Optional by default, for what the system or an anonymous visitor does."""
    return protected_fk(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        related_name=related_name,
        optional=optional,
        **options,
    )
