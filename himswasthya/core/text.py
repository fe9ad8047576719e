"""Text that can be stored (SEC-27 allow-list validation): no lone UTF-16 surrogates, no NUL characters.

A JSON body may carry "\\ud800" (half of a surrogate pair): Python decodes it to a str that UTF-8 cannot
encode, so the database driver fails with a 500 when it is saved; PostgreSQL refuses NUL in text the same way.
Here is the one check (`is_storable`), the JSON reader that applies it with a
nesting limit (`loads_checked`, `check_json_value`), and the middleware that applies it to every request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import MAX_JSON_DEPTH

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = _("This text contains a character that is not valid text (a NUL or a broken character).")


def is_storable(value: str) -> bool:
    return _UNSTORABLE.search(value) is None


class BadJson(DomainError):
    """A JSON document that cannot be accepted; `field` is the dotted path of the bad value, if any."""

    code = "invalid_json"


def _walk(data: Any, max_depth: int) -> None:
    """Iteratively: refuse nesting deeper than max_depth and unstorable strings (keys and values)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > max_depth:
            raise BadJson(
                _("The JSON is nested more than %(n)d levels deep.") % {"n": max_depth}, code="json_too_deep"
            )
        if isinstance(value, str):
            if not is_storable(value):
                raise BadJson(UNSTORABLE_MESSAGE, field=".".join(path) or None, code="invalid_text")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not is_storable(key):
                    raise BadJson(UNSTORABLE_MESSAGE, field=".".join(path) or None, code="invalid_text")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(value))


def check_json_value(data: Any, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`data` (parsed) if it nests at most max_depth levels and all its text is storable; else BadJson."""
    _walk(data, max_depth)
    return data


def loads_checked(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that never ends in RecursionError and returns only storable text; BadJson otherwise."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadJson(
            _("The JSON is nested more than %(n)d levels deep.") % {"n": max_depth}, code="json_too_deep"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJson(_("The body is not valid JSON."), code="invalid_json") from exc
    return check_json_value(data, max_depth=max_depth)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]|\\u0000")


def _needs_check(body: bytes) -> bool:
    """Cheap pre-filter: only bodies with a surrogate or NUL escape, or many brackets, are parsed here."""
    return bool(_SURROGATE_ESCAPE.search(body)) or body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH


def _bad_key(data: Any) -> str | None:
    """The first key of a QueryDict whose key or a value is not storable text."""
    for key, values in data.lists():
        if not is_storable(key) or any(isinstance(v, str) and not is_storable(v) for v in values):
            return key if is_storable(key) else ""
    return None


class TextInputGuardMiddleware:
    """SEC-27: refuses input that cannot be stored - a JSON body nested too deep, a lone surrogate or a NUL
    in a JSON body, a form field or a query parameter - with a 400 naming the field (a 404 for such a path),
    before any view or the API parses it (where the database would have failed with a 500). JSON and /api/
    answers are {"code", "message", "field"} like every DomainError; a page's form gets a plain-text 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if not is_storable(request.path):  # /facilities/A%00B/: no object has such a key
            raise Http404
        if "%00" in request.META.get("QUERY_STRING", ""):
            key = _bad_key(request.GET)
            if key is not None:
                return self._refuse(request, key, json=False)
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        try:
            if request.content_type == _FORM_TYPES[0]:
                if b"%00" not in request.body:
                    return None
                key = _bad_key(request.POST)
            elif request.content_type == _FORM_TYPES[1]:
                key = _bad_key(request.POST)  # files are not checked: only the text fields
            else:
                return self._json_refusal(request)
        except Exception:  # noqa: BLE001 - too large, malformed: let Django and the view answer as they do
            return None
        return self._refuse(request, key, json=False) if key is not None else None

    def _json_refusal(self, request: HttpRequest) -> HttpResponse | None:
        # Form and multipart bodies are decoded by Django with replacement characters: only other bodies
        # (JSON under any content type, as some clients send text/plain) can carry a lone surrogate.
        body = request.body
        if not body or not _needs_check(body):
            return None
        try:
            loads_checked(body)
        except BadJson as exc:
            if exc.code == "invalid_json":
                return None  # the view's own parser reports bad syntax
            return JsonResponse(exc.as_dict(), status=400)
        return None

    @staticmethod
    def _refuse(request: HttpRequest, key: str, *, json: bool) -> HttpResponse:
        error = BadJson(UNSTORABLE_MESSAGE, field=key or None, code="invalid_text")
        if json or request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=400)
        text = f"{key}: {error.message}" if key else str(error.message)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
