"""Deployment checks of the audit chain's keys (registered in audit/apps.py; `manage.py check --deploy`).

audit.E001: the dev-only key of settings.py in AUDIT_HMAC_KEYS (anybody could re-hash the chain with it).
audit.W001: a key shared with FIELD_ENCRYPTION_KEYS (one leak would then open both; keep them apart).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

DEV_ONLY_KEY = "ZGV2LW9ubHkgYXVkaXQgY2hhaW4ga2V5OiBuZXZlciE="  # settings.py's default under DEBUG


@register(Tags.security, deploy=True)
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from himswasthya.audit.keys import parse_keys

    audit_keys = set(parse_keys(settings.AUDIT_HMAC_KEYS))
    messages: list[CheckMessage] = []
    if set(parse_keys([DEV_ONLY_KEY])) & audit_keys:
        messages.append(
            Error(
                "AUDIT_HMAC_KEYS contains the development key, which is public: anybody could re-hash the "
                "audit chain.",
                hint='Make a key: python -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32))'
                '.decode())", put it first in AUDIT_HMAC_KEYS and restart.',
                id="audit.E001",
            )
        )
    field_keys = set(parse_keys(settings.FIELD_ENCRYPTION_KEYS))
    if audit_keys & field_keys:
        messages.append(
            Warning(
                "A key in AUDIT_HMAC_KEYS is also in FIELD_ENCRYPTION_KEYS.",
                hint="Use a separate key for the audit chain: rotate it in as the first AUDIT_HMAC_KEYS key.",
                id="audit.W001",
            )
        )
    return messages
