"""Import himswasthya.settings in a fresh process, for the tests of settings that must refuse to start."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def settings_import(
    env: dict[str, str], also_only_from_env: Iterable[str] = ()
) -> subprocess.CompletedProcess:
    """Run `import himswasthya.settings` with DEBUG, SECRET_KEY and FIELD_ENCRYPTION_KEYS (and the variables
    named in `also_only_from_env`) taken only from `env` (the rest of this process's environment is kept)."""
    own = {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", *also_only_from_env}
    clean = {k: v for k, v in os.environ.items() if k not in own}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import himswasthya.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
