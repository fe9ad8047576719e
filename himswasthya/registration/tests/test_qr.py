import pytest

from himswasthya.core.errors import DomainError
from himswasthya.registration.qr import appointment_number_from_qr, slip_qr_payload

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


def test_round_trip():
    assert appointment_number_from_qr(slip_qr_payload("OPD-20261125-000042")) == "OPD-20261125-000042"


@pytest.mark.parametrize("payload", ["", "hello", "HSOPD:garbage"])
def test_foreign_or_forged_codes_are_refused(payload):
    with pytest.raises(DomainError):
        appointment_number_from_qr(payload)


def test_an_edited_code_is_refused():
    payload = slip_qr_payload("OPD-1")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(DomainError):
        appointment_number_from_qr(tampered)
