"""Scan-and-share test set-up: the ABDM simulator on the live server, a facility answering to our HIP id."""

from __future__ import annotations

import datetime
import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError, transaction
from django.db.models.signals import post_save

from himswasthya.abdm.models import SimulatedGatewayCall
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT
from himswasthya.abdm.simulator.share import SHARE_PATH, push_profile_share
from himswasthya.abdm.tests.conftest import (  # noqa: F401 - demo_account is a fixture
    demo_account,
    forget_cached_abdm_state,
    point_the_client_at_the_simulator,
)

HIP_ID = "IN0210000001"
DEMO_ADDRESS = DEMO_ACCOUNT["abha_address"]
DEMO_ABHA = DEMO_ACCOUNT["abha_number"]
SMS_IDS = {
    "scan_share_counter_token": "1107000000000000201",
    "scan_share_counter_token_hi": "1107000000000000202",
}


@pytest.fixture
def abdm_sim(live_server, settings) -> Iterator[str]:
    """Our client pointed at the simulator of the live server (the gateway side of scan and share)."""
    point_the_client_at_the_simulator(settings, live_server.url)
    settings.ABDM_HIP_ID = HIP_ID
    settings.SMS_DLT_TEMPLATE_IDS = {**settings.SMS_DLT_TEMPLATE_IDS, **SMS_IDS}
    yield live_server.url
    forget_cached_abdm_state()


@pytest.fixture
def hip_facility(persona_facility):
    """The clerk's facility, registered in HFR under our HIP id, with a department and a counter."""
    from himswasthya.facilities.models import Department
    from himswasthya.registration.scan_share_models import ScanShareCounter

    persona_facility.hfr_id = HIP_ID
    persona_facility.save(update_fields=["hfr_id"])
    department, _ = Department.objects.get_or_create(
        code="gen-med", defaults={"name": "General Medicine", "name_hi": "सामान्य चिकित्सा"}
    )
    persona_facility.departments.add(department)
    ScanShareCounter.objects.create(
        facility=persona_facility, code="12", name="Counter 1", department=department
    )
    return persona_facility


@pytest.fixture
def share(abdm_sim) -> Callable[..., Any]:
    """Act as the gateway: push a PROFILE_SHARE of a simulated account to our bridge callback."""

    def _share(abha_address: str = DEMO_ADDRESS, *, hip_id: str = HIP_ID, counter: str = "12"):
        return push_profile_share(
            f"{abdm_sim}{SHARE_PATH}", hip_id=hip_id, counter=counter, abha_address=abha_address
        )

    return _share


def _on_share_for(request_id: str) -> SimulatedGatewayCall | None:
    for call in SimulatedGatewayCall.objects.filter(path__endswith="/on-share"):
        if (call.body.get("response") or {}).get("requestId") == request_id:
            return call
    return None


def wait_for_on_share(request_id: str, timeout: float = 15.0) -> SimulatedGatewayCall:
    """The on-share the simulator received for an inbound share (the bridge answers after its 202).

    The simulator runs in the live server's thread of this process, so its saving the call is the event
    waited for; the database is looked at first for an on-share that came before the wait began."""
    arrived: queue.Queue[SimulatedGatewayCall] = queue.Queue()

    def saved(sender: Any, instance: SimulatedGatewayCall, created: bool, using: str, **kwargs: Any) -> None:
        if created and (instance.body.get("response") or {}).get("requestId") == request_id:
            transaction.on_commit(lambda: arrived.put(instance), using=using)

    post_save.connect(saved, sender=SimulatedGatewayCall, weak=False)
    try:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                call = _on_share_for(request_id)
            except OperationalError:  # SQLite's shared in-memory database: the live server holds the lock
                call, left = None, min(left, 0.05)  # look again once that write is done
            if call is not None:
                return call
            try:
                return arrived.get(timeout=left)
            except queue.Empty:
                continue
    finally:
        post_save.disconnect(saved, sender=SimulatedGatewayCall)
    raise AssertionError(f"no on-share for {request_id} within {timeout} s")


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
