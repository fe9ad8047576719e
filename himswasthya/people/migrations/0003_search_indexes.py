"""pg_trgm and GIN trigram indexes for name search (PostgreSQL only), and search keys for existing rows.

SQLite has neither: people/search.py uses a blocking query there. Large tables are not back-filled here
(it would hold the migration for minutes): run `manage.py fill_search_keys` afterwards.
"""

from django.db import migrations

# Kept in step with people/search.py, which queries this very expression.
NAME_EXPR = "((name_key || ' ') || name_deva_key)"
BACKFILL_LIMIT = 200_000


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS person_name_trgm_idx ON people_person USING gin ({NAME_EXPR} gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_district_yob_idx ON people_person (district_id, year_of_birth)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_name_trgm_idx")
    schema_editor.execute("DROP INDEX IF EXISTS person_district_yob_idx")


def fill_keys(apps, schema_editor):
    from himswasthya.people.phonetic import search_keys

    Person = apps.get_model("people", "Person")
    missing = Person.objects.filter(name_key="")
    if missing.count() > BACKFILL_LIMIT:
        print("\n  people: many rows without search keys - run `manage.py fill_search_keys`.")
        return
    batch = []
    for person in missing.only("id", "name_roman", "name_deva").iterator(chunk_size=2000):
        for name, value in search_keys(person.name_roman, person.name_deva).items():
            setattr(person, name, value)
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["name_key", "name_deva_key", "name_blocks"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["name_key", "name_deva_key", "name_blocks"])


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_uhid_merge")]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
