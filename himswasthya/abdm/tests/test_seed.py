import pytest
from django.core.management import call_command

from himswasthya.abdm.models import SimulatedAbhaAccount
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT
from himswasthya.core.validators import luhn_valid


@pytest.mark.django_db(transaction=True)
def test_it_seeds_luhn_valid_himachali_accounts_idempotently(capsys):
    call_command("abdm_sim_seed", "--count", "30")
    accounts = list(SimulatedAbhaAccount.objects.all())
    assert len(accounts) == 31
    assert all(luhn_valid(a.abha_number) and a.abha_number.startswith("91") for a in accounts)
    assert all(a.abha_address.endswith("@sbx") and a.mobile[0] in "6789" for a in accounts)
    assert SimulatedAbhaAccount.objects.filter(abha_address=DEMO_ACCOUNT["abha_address"]).exists()
    assert {a.state_name for a in accounts} == {"HIMACHAL PRADESH"}
    call_command("abdm_sim_seed", "--count", "30")
    assert SimulatedAbhaAccount.objects.count() == 31
    assert "0 simulated ABHA accounts created, 31 in all" in capsys.readouterr().out
