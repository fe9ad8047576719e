"""The audit viewer's queries: the entries a reader may see, filtered; verifying the chain (state admin)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.audit_log.permissions import STATE_ADMIN, is_audit_reader, scope_entries
from himswasthya.audit import chain
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.audit.services import AuditFilters, filter_entries, record
from himswasthya.core.errors import Forbidden


def entries_visible_to(user: Any) -> QuerySet[AuditEntry]:
    """The state sees everything, a district officer their district; everyone else is refused (403)."""
    if not is_audit_reader(user):
        raise Forbidden(_("You may not read the audit log."))
    return scope_entries(user, AuditEntry.objects.select_related("actor"))


def search_entries(user: Any, filters: AuditFilters) -> QuerySet[AuditEntry]:
    return filter_entries(entries_visible_to(user), filters)


def verify(user: Any, stale_after_seconds: int = 300) -> chain.VerifyResult:
    if not (user is not None and user.is_authenticated and user.is_active and user.role == STATE_ADMIN):
        raise Forbidden(_("Only the state administrator may verify the audit chain."))
    record(AuditAction.AUDIT_VERIFY, object_type="audit.AuditEntry", purpose="oversight", actor=user)
    return chain.verify_chain(stale_after_seconds=stale_after_seconds)
