"""The one retry policy for calls to other systems (ABDM gateway, Him Parivar register), on tenacity.

    def attempt(number: int) -> Response:
        try:
            response = http.get(...)
        except requests.Timeout:
            raise Retry(MyError("timeout"))          # worth another try
        if response.status_code >= 500:
            raise Retry(MyError("server_error"))
        if response.status_code >= 400:
            raise MyError("bad_request")            # never retried
        return response

    response = call_with_retries(attempt, retries=3, backoff_seconds=0.5)

An attempt that raises `Retry(failure)` is tried again after backoff, 2 x backoff, 4 x backoff ... seconds,
at most `retries` more times; then `failure` itself is raised. Any other exception ends the call at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

T = TypeVar("T")


class Retry(Exception):
    """Raised by an attempt that may be tried again; `failure` is what the caller gets when none is left."""

    def __init__(self, failure: BaseException):
        super().__init__(str(failure))
        self.failure = failure


def policy(*, retries: int, backoff_seconds: float) -> Retrying:
    """`retries` more attempts after the first; after the n-th failure wait backoff_seconds * 2**(n - 1)."""
    return Retrying(
        stop=stop_after_attempt(max(retries, 0) + 1),
        wait=wait_exponential(multiplier=max(backoff_seconds, 0), exp_base=2, min=0),
        retry=retry_if_exception_type(Retry),
        reraise=True,
    )


def call_with_retries(attempt: Callable[[int], T], *, retries: int, backoff_seconds: float) -> T:
    """`attempt(n)` (n = 1, 2, ...) until it returns; see the module's docstring."""
    try:
        for trying in policy(retries=retries, backoff_seconds=backoff_seconds):
            with trying:
                return attempt(trying.retry_state.attempt_number)
    except Retry as exc:
        raise exc.failure from None
    raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover
