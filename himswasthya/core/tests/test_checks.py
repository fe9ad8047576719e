"""Deployment checks (issue #10): no start with a per-process cache in production (core.E001), and
`manage.py check --deploy` clean with production settings."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from himswasthya.core.checks import refuse_to_serve_without_a_shared_cache, shared_cache_check

ROOT = Path(__file__).resolve().parents[3]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x:6379/0"}
}


@pytest.mark.parametrize(
    ("debug", "caches", "allow_local", "fires"),
    [
        (False, LOCMEM, False, True),
        (False, {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}, False, True),
        (False, LOCMEM, True, False),  # declared a single-process deployment
        (False, REDIS, False, False),
        (True, LOCMEM, False, False),  # development
    ],
)
def test_the_shared_cache_check(settings, debug, caches, allow_local, fires):
    settings.DEBUG, settings.CACHES, settings.ALLOW_LOCAL_CACHE = debug, caches, allow_local
    errors = shared_cache_check()
    assert [e.id for e in errors] == (["core.E001"] if fires else [])
    if fires:
        assert "REDIS_URL" in errors[0].hint and "ALLOW_LOCAL_CACHE" in errors[0].hint
        with pytest.raises(ImproperlyConfigured, match="core.E001"):
            refuse_to_serve_without_a_shared_cache()
    else:
        refuse_to_serve_without_a_shared_cache()


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SECURE_", "ALLOW"))}
    for name in ("DEBUG", "DEMO_MODE", "REDIS_URL", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
            "FIELD_ENCRYPTION_KEYS": _key(),
            "AUDIT_HMAC_KEYS": _key(),
            "REDIS_URL": "redis://127.0.0.1:6379/5",  # the checks do not connect
            "ALLOWED_HOSTS": "himswasthya.hp.gov.in",
            "CSRF_TRUSTED_ORIGINS": "https://himswasthya.hp.gov.in",
            "BEHIND_TLS_PROXY": "1",
        }
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.engine_independent  # the process gets no DATABASE_URL; `check` touches no database
def test_check_deploy_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.engine_independent
def test_production_without_a_shared_cache_refuses_to_start():
    env = _production_env(REDIS_URL="")
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0 and "core.E001" in result.stderr
    served = _run(["-c", "import himswasthya.wsgi"], env)  # gunicorn runs no checks: wsgi.py does
    assert served.returncode != 0 and "core.E001" in served.stderr
    single = _run(["manage.py", "check", "--deploy"], _production_env(REDIS_URL="", ALLOW_LOCAL_CACHE="1"))
    assert single.returncode == 0, single.stderr
