"""What every app's web pages do with a domain error: put it on the form, or answer 404 for NotFound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.http import Http404

from himswasthya.core.errors import DomainError, NotFound

T = TypeVar("T")


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show the error on its field when the form has that field, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def found_or_404(lookup: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`lookup(*args, **kwargs)` (a service's get_...); its NotFound becomes a 404 page with its message."""
    try:
        return lookup(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc
