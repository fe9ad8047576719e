"""Import himswasthya.settings in a fresh process, for the tests of settings that must refuse to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def settings_import(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `import himswasthya.settings` with DEBUG, SECRET_KEY and FIELD_ENCRYPTION_KEYS taken only from
    `env` (the rest of this process's environment is kept)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import himswasthya.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
