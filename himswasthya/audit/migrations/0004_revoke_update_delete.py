"""PostgreSQL only: take UPDATE, DELETE and TRUNCATE on the audit log away from everybody but its owner.

The trigger (0002) refuses DELETE and any change of a sealed row, but the table's owner (or a superuser) can
switch a trigger off. Production therefore runs migrations as the owner role and the application as a
limited role (README, Operations; `manage.py audit_db_grants` prints the grants). This migration revokes
UPDATE, DELETE and TRUNCATE on audit_auditentry from PUBLIC and from every role other than the owner that
holds them (the current user too, when migrations run as a non-owner), and gives such a role back UPDATE of
the seal columns only, which the sealer needs. DELETE and TRUNCATE of the chain head go the same way.
SQLite has no roles: the model guards, and the chain, are all there is there."""

from django.db import migrations

AUDIT_TABLE = "audit_auditentry"
HEAD_TABLE = "audit_chainhead"
SEAL_COLUMNS = ("seq", "prev_hash", "entry_hash", "sealed_at", "key_id")

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
            cursor.execute(f"GRANT UPDATE ({', '.join(SEAL_COLUMNS)}) ON TABLE {AUDIT_TABLE} TO {grantee}")
        cursor.execute(GRANTEES, [HEAD_TABLE, ["DELETE", "TRUNCATE"]])
        for (grantee,) in cursor.fetchall():
            cursor.execute(revoke_sql(HEAD_TABLE, "DELETE, TRUNCATE", grantee))


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain_and_checkpoints")]

    # Not reversed: giving the privileges back would reopen the hole.
    operations = [migrations.RunPython(lock_down, migrations.RunPython.noop, elidable=False)]
