"""mapping.curation's record forms against the schema and the catalogues: the checks CONTRIBUTING's
"add a field" recipe relies on, so a field added in one place but not the others fails here, by name."""
from __future__ import annotations

import pytest

from mapping.curation import FIELDS
from mapping.i18n import catalogue, languages
from mapping.store import Store

#: Columns the forms do not edit: the store sets them (id, status through publish/archive,
#: timestamps, version, merges), or derives them (an actor's region name from its region code).
SYSTEM_COLUMNS = {"id", "status", "created_at", "updated_at", "version", "merged_into", "region"}
TABLES = {"actor": "actors", "relation": "relations", "project": "projects", "event": "events"}


@pytest.fixture(scope="module")
def columns() -> dict[str, set[str]]:
    store = Store(":memory:")  # every migration block applied
    with store.unit() as cur:
        return {kind: {row[0] for row in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
            for kind, table in TABLES.items()}


@pytest.mark.parametrize("record_type", sorted(TABLES))
def test_every_form_field_is_a_column_added_by_a_migration(columns, record_type):
    missing = [f.name for f in FIELDS[record_type] if f.name not in columns[record_type]]
    assert not missing, f"{record_type} fields without a column (append a migration to mapping/schema.sql): {missing}"


@pytest.mark.parametrize("record_type", sorted(TABLES))
def test_every_column_is_in_the_form_or_set_by_the_store(columns, record_type):
    names = {f.name for f in FIELDS[record_type]}
    missing = sorted(columns[record_type] - names - SYSTEM_COLUMNS)
    assert not missing, f"{TABLES[record_type]} columns curators cannot edit (add a Field to FIELDS): {missing}"


@pytest.mark.parametrize("lang", sorted(languages()))
def test_every_form_field_has_a_label_in_every_language(lang):
    # A missing key would not fail anywhere else: the form would show "field.founded".
    labels = catalogue(lang)
    missing = sorted({f"field.{f.name}" for fields in FIELDS.values() for f in fields} - set(labels))
    assert not missing, f"{lang}.json lacks {missing}"
