"""The Hypothesis settings of the differential tests of every app (two implementations of one rule, proven
equal on both databases): the same examples on every run, none kept between runs, no deadline (each example
makes database round trips), and the test's function-scoped fixtures shared by all examples on purpose."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def differential_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
