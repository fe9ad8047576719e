"""PostgreSQL only: the database itself refuses DELETE of audit entries and any UPDATE except the one-time
sealing of an unsealed row (seq/prev_hash/entry_hash/sealed_at filled, nothing else touched). SQLite relies
on the model and queryset guards; `verify_audit` catches changes made behind their back on both."""

from django.db import migrations

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


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
