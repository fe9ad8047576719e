"""The PostgreSQL guards of the audit log, run by the audit migration (and by tests that put them back).

1. An append-only trigger: the database refuses DELETE of audit entries and any UPDATE except the one-time
   sealing of an unsealed row (seq/prev_hash/entry_hash/sealed_at filled, nothing else touched). SQLite relies
   on the model and queryset guards; `verify_audit` catches changes made behind their back on both.
2. The keyed chain (audit/chain.py): entries sealed before it keep key_id '' and their plain SHA-256 hash. A
   check constraint refuses an unkeyed seal after the entries sealed so far, so a process still running the
   old code cannot seal (its rows wait, unsealed, for a restarted process to seal them with the key).
3. Privileges: the trigger refuses DELETE and any change of a sealed row, but the table's owner (or a
   superuser) can switch a trigger off. Production therefore runs migrations as the owner role and the
   application as a limited role (README, Operations; `manage.py audit_db_grants` prints the grants).
   `lock_down` revokes UPDATE, DELETE and TRUNCATE on audit_auditentry from PUBLIC and from every role other
   than the owner that holds them, and gives such a role back UPDATE of the seal columns only, which the
   sealer needs. DELETE and TRUNCATE of the chain head go the same way. SQLite has no roles.
"""

# The columns the sealer writes (plain fields: column == name), as audit_db_grants grants them.
from himswasthya.audit.models import SEAL_FIELDS

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit entries are append-only: DELETE of entry % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.seq IS NOT NULL THEN
        RAISE EXCEPTION 'audit entry % is sealed (seq %) and cannot be changed', OLD.id, OLD.seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.seq IS NULL
       OR (NEW.id, NEW.created_at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.object_type, NEW.object_id,
           NEW.purpose, NEW.facility_id, NEW.district_id, NEW.ip, NEW.detail)
          IS DISTINCT FROM
          (OLD.id, OLD.created_at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.object_type, OLD.object_id,
           OLD.purpose, OLD.facility_id, OLD.district_id, OLD.ip, OLD.detail) THEN
        RAISE EXCEPTION 'audit entry % may only be sealed, not changed', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        # No params: psycopg must not read the % of RAISE as placeholders.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def create_trigger(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop_trigger(apps, schema_editor):
    _run(schema_editor, DROP)


CONSTRAINT = "audit_keyed_after_upgrade"


def add_keyed_constraint(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # The head's row lock keeps sealers out (they skip it) until this transaction commits.
        cursor.execute("SELECT last_seq FROM audit_chainhead WHERE id = 1 FOR UPDATE")
        row = cursor.fetchone()
        legacy_seq = int(row[0]) if row else 0
        cursor.execute(
            f"ALTER TABLE audit_auditentry ADD CONSTRAINT {CONSTRAINT} "
            f"CHECK (seq IS NULL OR key_id <> '' OR seq <= {legacy_seq})"
        )


def drop_keyed_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE audit_auditentry DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


AUDIT_TABLE = "audit_auditentry"
HEAD_TABLE = "audit_chainhead"

# Roles other than the owner (and PUBLIC, grantee 0, revoked separately) that hold one of the privileges.
GRANTEES = """
SELECT DISTINCT quote_ident(r.rolname)
  FROM pg_class c
  CROSS JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) AS acl
  JOIN pg_roles r ON r.oid = acl.grantee
 WHERE c.oid = %s::regclass AND acl.grantee <> c.relowner AND acl.privilege_type = ANY(%s)
"""


def revoke_sql(table: str, privileges: str, grantee: str) -> str:
    return f"REVOKE {privileges} ON TABLE {table} FROM {grantee}"


def lock_down(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(revoke_sql(AUDIT_TABLE, "UPDATE, DELETE, TRUNCATE", "PUBLIC"))
        cursor.execute(revoke_sql(HEAD_TABLE, "DELETE, TRUNCATE", "PUBLIC"))
        cursor.execute(GRANTEES, [AUDIT_TABLE, ["UPDATE", "DELETE", "TRUNCATE"]])
        for (grantee,) in cursor.fetchall():
            cursor.execute(revoke_sql(AUDIT_TABLE, "UPDATE, DELETE, TRUNCATE", grantee))
            cursor.execute(f"GRANT UPDATE ({', '.join(SEAL_FIELDS)}) ON TABLE {AUDIT_TABLE} TO {grantee}")
        cursor.execute(GRANTEES, [HEAD_TABLE, ["DELETE", "TRUNCATE"]])
        for (grantee,) in cursor.fetchall():
            cursor.execute(revoke_sql(HEAD_TABLE, "DELETE, TRUNCATE", grantee))
