"""abdm/otp.py: the one ABHA OTP flow behind the counter's ABHA check and ABHA linking."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from himswasthya.abdm import errors
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.otp import AbhaOtpFlow


class FakeAbdm:
    def __init__(self, fail: str = ""):
        self.fail = fail
        self.calls: list[tuple] = []

    def request_login_otp(self, number, *, otp_system):
        self.calls.append(("otp", number, otp_system))
        return SimpleNamespace(txn_id="txn-1", scope="abha-login")

    def verify_login_otp(self, txn_id, otp, *, scope):
        self.calls.append(("verify", txn_id, otp, scope))
        if self.fail:
            raise AbdmError(self.fail)
        return SimpleNamespace(x_token="x")

    def fetch_profile(self, token):
        return SimpleNamespace(abha_number="91000000000000")


@pytest.fixture
def flow():
    flow = AbhaOtpFlow("test:otp", seconds=60)
    cache.delete(flow.key("txn-1"))
    return flow


def test_it_holds_the_transaction_for_its_owner_only(flow):
    flow.start(FakeAbdm(), "91000000000000", otp_system="abdm", remember={"user_id": 7, "person_id": 3})
    assert flow.pending("txn-1", user_id=7, person_id=3)["scope"] == "abha-login"
    for owner in ({"user_id": 8}, {"user_id": 7, "person_id": 4}):
        with pytest.raises(AbdmError) as caught:
            flow.pending("txn-1", **owner)
        assert (caught.value.code, caught.value.field) == (errors.TXN_UNKNOWN, "txn_id")


def test_a_confirmed_transaction_is_used_up(flow):
    abdm = FakeAbdm()
    flow.start(abdm, "91000000000000", otp_system="aadhaar", remember={"user_id": 7})
    pending = flow.pending("txn-1", user_id=7)
    assert flow.confirm(abdm, "txn-1", "123456", pending).abha_number == "91000000000000"
    assert abdm.calls[-1] == ("verify", "txn-1", "123456", "abha-login")
    with pytest.raises(AbdmError):
        flow.pending("txn-1", user_id=7)


def test_a_wrong_otp_names_the_otp_field_and_keeps_the_transaction(flow):
    abdm = FakeAbdm(fail=errors.OTP_FAILED)
    flow.start(abdm, "91000000000000", otp_system="abdm", remember={"user_id": 7})
    with pytest.raises(AbdmError) as caught:
        flow.confirm(abdm, "txn-1", "000000", flow.pending("txn-1", user_id=7))
    assert (caught.value.code, caught.value.field) == (errors.OTP_FAILED, "otp")
    assert flow.pending("txn-1", user_id=7)  # the citizen may type the OTP again
