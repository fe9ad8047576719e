"""Platform-level behaviour: health check, API docs, settings that must fail loudly."""

import pytest
from django.contrib.staticfiles import finders

from himswasthya.core.tests.settings_probe import settings_import


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_the_site_icon_is_served_and_linked(client):
    """Issue #12 item 6: /favicon.ico was a 404 on every visit."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/favicon.svg")
    assert finders.find("favicon.svg") is not None
    assert 'rel="icon"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "HimSwasthya API"
    assert client.get("/api/docs").status_code == 200


def test_secret_key_is_required_without_debug():
    result = settings_import({"DEBUG": "0"})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_settings_load_with_secret_key():
    key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # 32 bytes, base64 (core/crypto.py)
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEYS": key, "AUDIT_HMAC_KEYS": key}
    assert settings_import(env).returncode == 0


def test_malformed_boolean_fails_loudly():
    result = settings_import({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr
