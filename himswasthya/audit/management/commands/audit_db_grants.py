"""Print (or apply) the PostgreSQL grants of the application's database role: everything it needs, and on the
audit log no more than it needs - INSERT and SELECT, UPDATE of the seal columns only, no DELETE or TRUNCATE.

Production runs `migrate` as the role that owns the tables and the application as a limited role, e.g.:

    manage.py audit_db_grants --role himswasthya_app            # review the SQL, then
    manage.py audit_db_grants --role himswasthya_app --apply    # as the owner, after every `migrate`

The owner can still switch the append-only trigger off, which is why the chain is keyed and checkpointed
(audit/chain.py); the application's role cannot: it may neither change nor delete an audit entry."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from himswasthya.audit.models import SEAL_FIELDS, AuditEntry, ChainHead

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    qn = connection.ops.quote_name
    app = qn(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), current_user")
        schema, owner = (qn(name) for name in cursor.fetchone())
    audit, head = qn(AuditEntry._meta.db_table), qn(ChainHead._meta.db_table)
    seal_columns = ", ".join(qn(name) for name in SEAL_FIELDS)  # plain fields: column == name
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        # The audit log: append and seal, never change or delete.
        f"REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {audit} FROM {app}",
        f"GRANT UPDATE ({seal_columns}) ON TABLE {audit} TO {app}",
        f"REVOKE DELETE, TRUNCATE ON TABLE {head} FROM {app}",
    ]


class Command(BaseCommand):
    help = "Print or apply the PostgreSQL grants of the application's (non-owner) database role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help="the application's database role (lower case)")
        parser.add_argument("--apply", action="store_true", help="run the statements (as the tables' owner)")

    def handle(self, *args: Any, role: str, apply: bool, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("database roles and grants are PostgreSQL only")
        if not ROLE_NAME.match(role):
            raise CommandError(f"--role: {role!r} is not a plain lower-case role name")
        statements = grant_statements(role)
        if apply:
            with transaction.atomic(), connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        for sql in statements:
            self.stdout.write(sql + ";")
        if apply:
            self.stdout.write(self.style.SUCCESS(f"applied {len(statements)} statements for role {role}"))
