"""Platform-level behaviour: health check, API docs, settings that must fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "HimSwasthya API"
    assert client.get("/api/docs").status_code == 200


def _settings_import(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import himswasthya.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_secret_key_is_required_without_debug():
    result = _settings_import({"DEBUG": "0"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_settings_load_with_secret_key():
    key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # 32 bytes, base64 (core/crypto.py)
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEYS": key, "AUDIT_HMAC_KEYS": key}
    assert _settings_import(env).returncode == 0


def test_malformed_boolean_fails_loudly():
    result = _settings_import({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr
