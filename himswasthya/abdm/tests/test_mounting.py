"""The simulator is reachable only when ABDM_SIMULATOR_ENABLED (fresh process: urls load at import)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# URL mounting and settings only: the probes resolve a URL and read a setting, never open a connection.
pytestmark = pytest.mark.engine_independent

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import django; django.setup()\n"
    "from django.urls import Resolver404, resolve\n"
    "try:\n    resolve('/abdm-sim/gateway/gateway/v3/sessions'); print('mounted')\n"
    "except Resolver404:\n    print('absent')\n"
)


def _last_line_of(probe: str, enabled: str, without: tuple[str, ...] = ()) -> str:
    """The last line a fresh Python process running `probe` prints, with ABDM_SIMULATOR_ENABLED=`enabled` and
    the variables `without` removed from its environment."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "himswasthya.settings",
        "ABDM_SIMULATOR_ENABLED": enabled,
    }
    for name in without:
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("enabled,expected", [("1", "mounted"), ("0", "absent")])
def test_the_simulator_is_mounted_only_when_enabled(enabled, expected):
    assert _last_line_of(PROBE, enabled) == expected


def test_without_the_simulator_there_are_no_demo_credentials():
    probe = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(repr(settings.ABDM_CLIENT_SECRET))"
    )
    assert _last_line_of(probe, "0", without=("ABDM_CLIENT_SECRET",)) == "''"
