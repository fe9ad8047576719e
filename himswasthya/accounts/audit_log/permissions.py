"""Who may read the audit log: the state administrator everything, a district officer their district.

Built on the accounts app's single authorisation component (`accounts.scoping`, SEC-26): the audit log
declares its district path there, so the row filter is the same one every other list uses.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from himswasthya.accounts.scoping import RoleAuth, role_required, scope_queryset
from himswasthya.audit.models import AuditEntry
from himswasthya.core.scope_paths import ScopePaths, register_scope_paths

STATE_ADMIN = "state_admin"
DISTRICT_OFFICER = "district_officer"
AUDIT_READER_ROLES = (STATE_ADMIN, DISTRICT_OFFICER)

register_scope_paths(AuditEntry, ScopePaths(district="district_id", state_roles=frozenset({STATE_ADMIN})))

# View decorator and API auth: anonymous -> login / 401, any other role -> 403.
audit_reader_required = role_required(*AUDIT_READER_ROLES)
audit_reader_auth = RoleAuth(*AUDIT_READER_ROLES)
state_admin_auth = RoleAuth(STATE_ADMIN)


def is_audit_reader(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.role in AUDIT_READER_ROLES
    )


def scope_entries(user: Any, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    return scope_queryset(user, queryset)
