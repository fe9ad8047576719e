"""The fixtures of the notify tests, registered explicitly for this package."""

import pytest

from himswasthya.notify import sms
from himswasthya.notify.tests.gateway import sms_gateway

__all__ = ["sms_gateway"]


@pytest.fixture(autouse=True)
def _empty_memory_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()
