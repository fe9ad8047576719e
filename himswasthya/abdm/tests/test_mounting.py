"""The simulator is reachable only when ABDM_SIMULATOR_ENABLED (fresh process: urls load at import)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import django; django.setup()\n"
    "from django.urls import Resolver404, resolve\n"
    "try:\n    resolve('/abdm-sim/gateway/gateway/v3/sessions'); print('mounted')\n"
    "except Resolver404:\n    print('absent')\n"
)


@pytest.mark.parametrize("enabled,expected", [("1", "mounted"), ("0", "absent")])
def test_the_simulator_is_mounted_only_when_enabled(enabled, expected):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "himswasthya.settings",
        "ABDM_SIMULATOR_ENABLED": enabled,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == expected


def test_without_the_simulator_there_are_no_demo_credentials():
    probe = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(repr(settings.ABDM_CLIENT_SECRET))"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "himswasthya.settings",
        "ABDM_SIMULATOR_ENABLED": "0",
    }
    env.pop("ABDM_CLIENT_SECRET", None)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "''"
