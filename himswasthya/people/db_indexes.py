"""pg_trgm and the GIN trigram index for name search (PostgreSQL only), run by the people migration.

SQLite has neither: people/search.py uses a blocking query there. Rows written without search keys (bulk
loads) are filled by `manage.py fill_search_keys`.
"""

# people/search.py queries this very expression: the GIN index is on it.
NAME_EXPR = "((name_key || ' ') || name_deva_key)"


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_name_trgm_idx "
        f"ON people_person USING gin ({NAME_EXPR} gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_district_yob_idx ON people_person (district_id, year_of_birth)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_name_trgm_idx")
    schema_editor.execute("DROP INDEX IF EXISTS person_district_yob_idx")
