"""core.retry: the one retry policy (tenacity) of the ABDM and Him Parivar clients."""

from __future__ import annotations

import pytest

from himswasthya.core.retry import Retry, call_with_retries, policy

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


class Boom(Exception):
    pass


def _script(*outcomes):
    calls = []

    def attempt(number):
        calls.append(number)
        outcome = outcomes[number - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return attempt, calls


def test_a_retryable_failure_is_tried_again_until_it_succeeds(monkeypatch):
    slept = []
    monkeypatch.setattr("tenacity.nap.time.sleep", slept.append)
    attempt, calls = _script(Retry(Boom("1")), Retry(Boom("2")), "ok")
    assert call_with_retries(attempt, retries=3, backoff_seconds=0.5) == "ok"
    assert calls == [1, 2, 3]
    assert slept == [0.5, 1.0]  # backoff, then twice the backoff


def test_after_the_last_retry_the_failure_itself_is_raised(monkeypatch):
    slept = []
    monkeypatch.setattr("tenacity.nap.time.sleep", slept.append)
    last = Boom("third")
    attempt, calls = _script(Retry(Boom("first")), Retry(Boom("second")), Retry(last), "never")
    with pytest.raises(Boom) as caught:
        call_with_retries(attempt, retries=2, backoff_seconds=1)
    assert caught.value is last
    assert calls == [1, 2, 3]
    assert slept == [1, 2]


def test_any_other_error_ends_the_call_at_once():
    attempt, calls = _script(Boom("4xx"), "never")
    with pytest.raises(Boom, match="4xx"):
        call_with_retries(attempt, retries=5, backoff_seconds=0)
    assert calls == [1]


def test_no_retries_means_one_attempt():
    attempt, calls = _script(Retry(Boom("down")), "never")
    with pytest.raises(Boom, match="down"):
        call_with_retries(attempt, retries=0, backoff_seconds=0)
    assert calls == [1]


def test_the_waits_double_from_the_backoff():
    retrying = policy(retries=4, backoff_seconds=0.25)

    class State:
        attempt_number = 0

    waits = []
    for n in range(1, 5):
        State.attempt_number = n
        waits.append(retrying.wait(State))
    assert waits == [0.25, 0.5, 1.0, 2.0]
