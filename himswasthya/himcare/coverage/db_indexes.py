"""Partial (and covering) indexes for the state-wide panchayat coverage statements of coverage/mapping.py
(PostgreSQL only; measured in bench/RESULTS.md, "HIMCARE"), run by the himcare migration. They index other
apps' tables, but only the coverage table reads them this way, so they live with it. SQLite keeps the
portable queries and needs none."""

INDEXES = {
    "member_alive_family_idx": "CREATE INDEX IF NOT EXISTS member_alive_family_idx ON himparivar_member "
    "(family_id) INCLUDE (person_id, occupation) WHERE status = 'ALIVE'",
    "member_alive_person_idx": "CREATE INDEX IF NOT EXISTS member_alive_person_idx ON himparivar_member "
    "(person_id) INCLUDE (family_id) WHERE status = 'ALIVE'",
    "personid_abha_person_idx": "CREATE INDEX IF NOT EXISTS personid_abha_person_idx "
    "ON people_personidentifier (person_id) WHERE id_type IN ('ABHA_NUMBER', 'ABHA_ADDRESS')",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for ddl in INDEXES.values():
            schema_editor.execute(ddl)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
