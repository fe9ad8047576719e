"""HTTP transport for the Him Parivar register's change feed (GET {base}/api/v1/changes?since=&limit=).

Connection errors, timeouts and 5xx are retried with exponential backoff; 4xx never are. Every failure is a
`RegisterError` with a machine code and a translated message. The token goes in `Authorization: Bearer`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError
from himswasthya.core.retry import Retry, call_with_retries

logger = logging.getLogger("himswasthya.himparivar")

MESSAGES = {
    "timeout": _("The Him Parivar register did not answer in time."),
    "unreachable": _("The Him Parivar register could not be reached."),
    "server_error": _("The Him Parivar register reported an error."),
    "unauthorised": _("The Him Parivar register refused our credentials."),
    "bad_request": _("The Him Parivar register refused the request."),
    "bad_response": _("The Him Parivar register sent an answer we cannot read."),
}


class RegisterError(DomainError):
    status = 502

    def __init__(self, code: str, *, http_status: int | None = None):
        super().__init__(MESSAGES[code], code=code, field="register")
        self.http_status = http_status


@dataclass(frozen=True)
class ChangePage:
    changes: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class RegisterConfig:
    base_url: str
    token: str
    timeout_seconds: float
    retries: int
    backoff_seconds: float

    @classmethod
    def from_settings(cls) -> RegisterConfig:
        return cls(
            base_url=settings.HIMPARIVAR_API_URL.rstrip("/"),
            token=settings.HIMPARIVAR_API_TOKEN,
            timeout_seconds=float(settings.HIMPARIVAR_TIMEOUT_SECONDS),
            retries=int(settings.HIMPARIVAR_RETRIES),
            backoff_seconds=float(settings.HIMPARIVAR_RETRY_BACKOFF_SECONDS),
        )


class RegisterClient:
    def __init__(self, config: RegisterConfig | None = None, session: requests.Session | None = None):
        self.config = config or RegisterConfig.from_settings()
        self.http = session or requests.Session()

    def changes(self, since: str, limit: int = 500) -> ChangePage:
        """One page of changes after `since` ('' for the beginning)."""
        response = self._get("/api/v1/changes", {"since": since, "limit": limit})
        try:
            body = response.json()
            changes = body["changes"]
            next_cursor = str(body["next_cursor"])
        except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested too deep
            raise RegisterError("bad_response") from None
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            raise RegisterError("bad_response")
        return ChangePage(changes, next_cursor, bool(body.get("has_more", False)))

    def _get(self, path: str, params: dict[str, Any]) -> requests.Response:
        headers = {"Accept": "application/json"}
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"

        def attempt(number: int) -> requests.Response:
            try:
                response = self.http.get(
                    self.config.base_url + path,
                    params=params,
                    headers=headers,
                    timeout=self.config.timeout_seconds,
                )
            except requests.Timeout:
                failure = RegisterError("timeout")
            except requests.ConnectionError:
                failure = RegisterError("unreachable")
            else:
                if response.status_code in (401, 403):
                    raise RegisterError("unauthorised", http_status=response.status_code)
                if 400 <= response.status_code < 500:
                    raise RegisterError("bad_request", http_status=response.status_code)
                if response.status_code < 400:
                    return response
                failure = RegisterError("server_error", http_status=response.status_code)
            logger.warning("Him Parivar %s failed (attempt %d, %s)", path, number, failure.code)
            raise Retry(failure)

        return call_with_retries(
            attempt, retries=self.config.retries, backoff_seconds=self.config.backoff_seconds
        )
