"""Unit tests of mapping.store on fresh temporary databases."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from mapping.filters import Filters
from mapping.store import Store, schema_blocks, snapshots


def test_schema_version_recorded_and_migration_is_idempotent(empty_store):
    latest = max(v for v, _ in schema_blocks())
    assert empty_store.schema_version() == latest
    assert empty_store.migrate() == latest
    assert empty_store.count("actors") == 0


def test_a_store_opened_during_another_stores_unit_sees_only_its_own_file(store, tmp_path):
    """Units of work attach their files to one DuckDB instance per process, so while one store's
    file is attached another's catalogue questions (which schema version? which columns?) must
    be answered from its own file alone."""
    with store.unit():
        other = Store(str(tmp_path / "new.duckdb"))  # migrated from nothing: it saw no schema_version table
        assert other.count("actors") == 0 < store.count("actors")
        assert other._columns("actors") == store._columns("actors")  # each once, not once per file attached
    other.close()


def test_additive_migration_applies_only_new_blocks(tmp_path, monkeypatch):
    path = tmp_path / "m.duckdb"
    Store(str(path)).close()
    import mapping.store.base as store_module

    original = store_module.schema_blocks()
    monkeypatch.setattr(store_module, "schema_blocks",
                        lambda text=None: original + [(99, "ALTER TABLE actors ADD COLUMN IF NOT EXISTS extra VARCHAR;")])
    s = Store(str(path))
    assert s.schema_version() == 99
    with s.unit() as cur:
        cols = cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name='actors'").fetchall()
    assert ("extra",) in cols
    s.close()


def test_opening_never_seeds_and_init_database_seeds_once(tmp_path):
    from mapping.seed import init_database

    path = str(tmp_path / "fresh.duckdb")
    Store(path).close()
    plain = Store(path)
    assert plain.count("actors") == 0  # the constructor only creates and migrates
    plain.close()
    seeded = init_database(path)
    counts = seeded.checksum()
    seeded.close()
    again = init_database(path)  # already seeded: left as it is
    assert again.checksum() == counts and counts["actors"][0] > 30
    again.close()


def test_seeded_fixture(store):
    assert store.count("actors") > 30
    assert store.count("relations") > 20
    assert store.data_version() >= 1


def test_search_is_accent_and_case_insensitive(store):
    fes = store.actors(Filters(q="fes"))
    assert any("Fès" in n for n in fes["name"])
    amappe = store.actors(Filters(q="amappe"))
    assert "amappe" in set(amappe["id"]) or any("AMAPPE" == a for a in amappe["acronym"].fillna(""))
    assert store.actors(Filters(q="FÈS"))["id"].tolist() == fes["id"].tolist()


def test_search_finds_other_names(store):
    # The ministry is one actor known by its historic acronym too.
    old = store.actors(Filters(q="MCMREAM"))
    new = store.actors(Filters(q="MDCMRE"))
    assert len(old) == 1 and old["id"].tolist() == new["id"].tolist()


def test_filters_narrow_counts(store):
    everyone = store.count_actors()
    morocco = store.count_actors(Filters(countries=("MA",)))
    senegal_municipalities = store.actors(Filters(countries=("SN",), kinds=("municipality",)))
    assert 0 < morocco < everyone
    assert set(senegal_municipalities["country"]) == {"SN"}
    assert len(senegal_municipalities) >= 2
    oriental = store.actors(Filters(regions=("MA-02",)))
    assert "Oujda" in set(oriental["city"])


def test_theme_and_project_filters(store):
    econ = store.actors(Filters(themes=("economic_integration",)))
    assert len(econ) > 0 and all("economic_integration" in list(t) for t in econ["themes"])
    recosa = store.actors(Filters(projects=("recosa",)))
    assert 5 < len(recosa) < store.count_actors()


def test_facet_counts_sum_to_total(store):
    counts = store.facet_counts("country")
    # Actors whose country the sources do not state (the EU, IOM, UCLG Africa, the ISG) are not counted.
    without = store.actors(columns=("id", "country"))["country"].isna().sum()
    assert without == 4 and int(counts["n"].sum()) == store.count_actors() - without
    with pytest.raises(ValueError):
        store.facet_counts("password_hash")


def test_private_contact_hidden_unless_asked(store):
    with_contact = store.table("actors").dropna(subset=["contact_name"])
    assert not with_contact.empty
    actor_id = with_contact.iloc[0]["id"]
    public = store.actor(actor_id)
    private = store.actor(actor_id, private=True)
    assert "contact_name" not in public and "contact_email" not in public
    assert private["contact_name"] == with_contact.iloc[0]["contact_name"]


def test_unknown_actor_is_none(store):
    assert store.actor("no-such-actor") is None


def test_actor_relations_are_seen_from_both_sides(store):
    rel = store.relations().iloc[0]
    src = store.actor_relations(rel["source_actor"])
    dst = store.actor_relations(rel["target_actor"])
    assert rel["id"] in set(src["relation_id"]) and rel["id"] in set(dst["relation_id"])
    assert bool(src.set_index("relation_id").loc[rel["id"], "outgoing"]) is True
    # Self-relations aside, the target sees it as incoming.
    if rel["source_actor"] != rel["target_actor"]:
        assert bool(dst.set_index("relation_id").loc[rel["id"], "outgoing"]) is False


def test_bound_parameters_resist_injection(store):
    before = store.count("actors")
    assert store.actors(Filters(q="'; DROP TABLE actors; --")).empty
    assert store.actor("x' OR '1'='1") is None
    assert store.count("actors") == before


def test_count_rejects_unknown_table(store):
    with pytest.raises(ValueError):
        store.count("actors; DROP TABLE users")


def test_transaction_rolls_back_on_error(store):
    before = store.count("sources")
    with pytest.raises(duckdb.Error):
        with store.transaction() as cur:
            cur.execute("INSERT INTO sources (id, title) VALUES ('x', 'X')")
            cur.execute("INSERT INTO sources (id, title) VALUES ('x', 'again')")  # duplicate key
    assert store.count("sources") == before


def test_stats_shape(store):
    stats = store.stats()
    assert stats["tables"]["actors"] == store.count("actors")
    assert sum(stats["actors_by_country"].values()) == store.count_actors()
    assert {"MA", "SN", "CI", "ML"} <= set(stats["actors_by_country"])


def test_memory_database_works():
    from mapping.seed import init_database

    s = init_database(":memory:")
    assert s.count("actors") > 0
    s.close()


# -- map queries -------------------------------------------------------------------------------
def test_region_counts_sum_to_the_located_actors_and_follow_filters(store):
    counts = store.region_counts()
    with_region = store.actors(columns=("id", "region_code")).dropna(subset=["region_code"])
    assert counts["n"].sum() == len(with_region)
    assert counts["region_code"].is_unique
    senegal = store.region_counts(Filters(countries=("SN",)))
    assert set(senegal["country"]) == {"SN"} and senegal["n"].sum() < counts["n"].sum()
    municipalities = store.region_counts(kind="municipality")
    assert municipalities["n"].sum() == store.count_actors(Filters(kinds=("municipality",))) - \
        store.actors(Filters(kinds=("municipality",)), columns=("region_code",))["region_code"].isna().sum()
    themed = store.region_counts(theme="health")
    assert 0 < themed["n"].sum() <= counts["n"].sum()


def test_map_links_of_an_actor_and_of_a_project(store):
    giz = store.map_links(actor_id="giz")
    assert len(giz) > 0
    assert ((giz["source_actor"] == "giz") | (giz["target_actor"] == "giz")).all()
    recosa = store.map_links(project_id="recosa")
    assert len(recosa) > 0
    assert {"source_lat", "target_lon", "source_name", "kind"} <= set(recosa.columns)
    assert store.map_links(actor_id="no-such-actor").empty
    with pytest.raises(ValueError):
        store.map_links()


def test_unpublished_actors_never_reach_the_map(store):
    with store.transaction() as cur:
        cur.execute("UPDATE actors SET status = 'draft' WHERE id = 'giz'")
    assert store.map_links(actor_id="giz").empty
    assert "giz" not in set(store.actors(columns=("id",))["id"])


# -- curation: versions, conflicts, audit log, restore -----------------------------------------
NEW_NGO = {"name": "Association Solidarité Oujda", "kind": "ngo", "country": "MA", "city": "Oujda",
           "lat": 34.68, "lon": -1.91, "themes": ["social_integration"]}


def test_a_new_record_needs_a_source_starts_as_draft_and_is_hidden_until_published(store, curator):
    from mapping.validate import Invalid

    with pytest.raises(Invalid) as missing:
        store.save("actor", NEW_NGO, user=curator)
    assert "source" in missing.value.errors
    saved = store.save("actor", NEW_NGO, user=curator, source="https://example.org/partners.xlsx")
    assert saved["status"] == "draft" and saved["version"] == 1
    assert store.actor(saved["id"]) is None  # visitors see published files only
    cited = store.citations("actor", [saved["id"]])
    assert cited["source_id"].tolist() == ["https://example.org/partners.xlsx"]
    published = store.set_status("actor", saved["id"], "published", user=curator, expected_version=1)
    assert published["version"] == 2 and store.actor(saved["id"])["name"] == NEW_NGO["name"]


def test_saving_over_a_newer_version_is_refused_with_what_changed(store, curator):
    from mapping.store import Conflict

    v1 = store.record("actor", "commune-oujda")
    # Two curators open version 1; the first saves, the second's save must not overwrite it.
    store.save("actor", {"id": "commune-oujda", "public_phone": "+212 536 00 00 00"}, user=curator,
               expected_version=v1["version"])
    v2 = store.record("actor", "commune-oujda")
    store.save("actor", {"id": "commune-oujda", "website": "https://www.oujda.ma"}, user=curator,
               expected_version=v2["version"])
    with pytest.raises(Conflict) as conflict:
        store.save("actor", {"id": "commune-oujda", "public_phone": "+212 600"}, user=curator,
                   expected_version=v2["version"])
    assert set(conflict.value.changes) == {"website"}  # changed since v2, by the other save
    assert conflict.value.changes["website"] == (v2.get("website"), "https://www.oujda.ma")
    assert store.record("actor", "commune-oujda")["public_phone"] == "+212 536 00 00 00"


def test_every_write_is_logged_and_any_version_can_be_restored(store, curator):
    before = store.record("actor", "amappe")
    store.save("actor", {"id": "amappe", "city": "Casablanca", "lat": 33.59, "lon": -7.61, "region_code": "MA-06",
                         "region": "Casablanca-Settat"}, user=curator)
    [change] = store.history("actor", "amappe")["id"].tolist()
    logged = store.change(change)
    assert logged["username"] == "amina" and logged["before"]["city"] == before["city"]
    assert logged["after"]["city"] == "Casablanca"
    undone = store.restore(change, user=curator)
    assert undone["city"] == before["city"] and undone["version"] == before["version"] + 2
    # The undo is itself logged, so it can be undone in turn.
    latest = store.history("actor", "amappe").iloc[0]
    assert latest["action"] == "restore"
    assert store.restore(int(latest["id"]), user=curator)["city"] == "Casablanca"


def test_undoing_a_creation_archives_and_archived_records_can_come_back(store, curator):
    saved = store.save("actor", NEW_NGO, user=curator, source="note from the Oujda focal point")
    created = int(store.history("actor", saved["id"]).iloc[-1]["id"])
    assert store.restore(created, user=curator)["status"] == "archived"
    back = store.set_status("actor", saved["id"], "draft", user=curator)
    assert back["status"] == "draft" and store.history("actor", saved["id"]).iloc[0]["action"] == "restore"


def test_relations_projects_and_events_are_edited_the_same_way(store, curator):
    from mapping.validate import Invalid

    rel = store.save("relation", {"source_actor": "commune-oujda", "target_actor": "amappe", "kind": "partners_with",
                                  "start_date": "2026-01"}, user=curator, source="Oujda focal point, e-mail")
    assert rel["id"] == "commune-oujda-partners-with-amappe" and rel["status"] == "draft"
    with pytest.raises(Invalid) as bad:
        store.save("relation", {"source_actor": "commune-oujda", "target_actor": "nobody", "kind": "funds"},
                   user=curator, source="x")
    assert "target_actor" in bad.value.errors
    project = store.save("project", {"name": "Oujda welcome desk", "kind": "project", "start_date": "2026"},
                         user=curator, source="note")
    event = store.save("event", {"name": "Oujda workshop", "kind": "meeting", "country": "MA", "city": "Oujda",
                                 "lat": 34.68, "lon": -1.91, "project_id": project["id"]}, user=curator, source="note")
    assert store.record("event", event["id"])["project_id"] == project["id"]
    assert set(store.history(limit=10)["record_type"]) >= {"relation", "project", "event"}


def test_unknown_fields_are_refused(store, curator):
    from mapping.validate import Invalid

    with pytest.raises(Invalid):
        store.save("actor", {"id": "amappe", "version": 99}, user=curator)


def test_duplicates_are_found_merged_and_the_merge_undone(store, curator):
    dup = store.save("actor", {"name": "Association Marocaine d'Appui à la Promotion des Petites Entreprises",
                               "kind": "ngo", "country": "MA", "city": "Rabat", "lat": 34.02, "lon": -6.84,
                               "themes": ["health"], "website": "https://amappe.example.ma"},
                     user=curator, source="partners.csv")
    rel = store.save("relation", {"source_actor": "commune-oujda", "target_actor": dup["id"], "kind": "partners_with"},
                     user=curator, source="note")
    pairs = store.duplicate_candidates("MA")
    assert {frozenset(p) for p in zip(pairs["id_a"], pairs["id_b"])} == {frozenset({"amappe", dup["id"]})}
    before = store.checksum()
    kept = store.merge_actors("amappe", dup["id"], user=curator)
    assert dup["name"] in kept["other_names"] and "health" in kept["themes"]
    assert store.record("actor", dup["id"])["merged_into"] == "amappe"
    assert store.record("relation", rel["id"])["target_actor"] == "amappe"
    assert store.citations("actor", ["amappe"])["source_id"].str.contains("partners.csv").any()
    assert store.duplicate_candidates("MA").empty
    merge = int(store.history("actor", "amappe").iloc[0]["id"])
    store.restore(merge, user=curator)
    assert store.record("relation", rel["id"])["target_actor"] == dup["id"]
    assert store.record("actor", dup["id"])["status"] == "draft" and store.record("actor", dup["id"])["merged_into"] is None
    after = store.checksum()
    for table in ("relations", "project_roles", "participations", "citations", "actor_areas"):
        assert after[table] == before[table], table


def test_merge_is_refused_for_visitors_and_for_the_same_actor(store, curator):
    from mapping.auth import PermissionDenied
    from mapping.validate import Invalid

    with pytest.raises(PermissionDenied):
        store.merge_actors("amappe", "ms2", user=None)
    with pytest.raises(Invalid):
        store.merge_actors("amappe", "amappe", user=curator)


def test_participants_of_projects_and_events_are_edited_and_restorable(store, curator):
    from mapping.validate import Invalid

    before = set(store.participants("project", "recosa")["actor_id"])
    with pytest.raises(Invalid) as missing:
        store.set_participant("project", "recosa", "ms2", "partner", user=curator)
    assert "source" in missing.value.errors
    with pytest.raises(Invalid):
        store.set_participant("project", "recosa", "ms2", "goalkeeper", user=curator, source="note")
    store.set_participant("project", "recosa", "ms2", "partner", user=curator, source="RECOSA report 2022")
    assert set(store.participants("project", "recosa")["actor_id"]) == before | {"ms2"}
    added = int(store.history("project_role").iloc[0]["id"])
    store.restore(added, user=curator)  # undo the addition
    assert set(store.participants("project", "recosa")["actor_id"]) == before
    event = store.table("participations").iloc[0]
    store.set_participant("event", event["event_id"], event["actor_id"], event["role"], user=curator, present=False)
    removed = int(store.history("participation").iloc[0]["id"])
    store.restore(removed, user=curator)
    assert event["actor_id"] in set(store.participants("event", event["event_id"])["actor_id"])


def test_actors_page_walks_the_filtered_actors_once_in_the_chosen_order(store):
    filters = Filters(countries=("MA",))
    expected = store.actors(filters)
    seen, page = [], 0
    while True:
        rows, total = store.actors_page(filters, page=page, size=7)
        assert total == len(expected)
        if rows.empty:
            break
        assert len(rows) <= 7
        seen += rows["id"].tolist()
        page += 1
    assert seen == expected["id"].tolist()  # same order as the full read (name), no overlap, no gap
    # Descending by city, the name breaking ties; codes ranked by a given order (labels' order).
    by_city, _ = store.actors_page(filters, sort="city", descending=True, size=500)
    cities = [c.lower() for c in by_city["city"].fillna("")]
    assert cities == sorted(cities, reverse=True)
    kinds = sorted(set(expected["kind"]), reverse=True)
    by_kind, _ = store.actors_page(filters, sort="kind", rank=kinds, size=500)
    assert by_kind["kind"].tolist() == sorted(by_kind["kind"], key=kinds.index)
    searched, n = store.actors_page(Filters(q="fes"), size=500)
    assert n == len(searched) == len(store.actors(Filters(q="fes")))
    with pytest.raises(ValueError):
        store.actors_page(sort="name; DROP TABLE actors")


# -- hardening (issue 11): undo, restore, merge-undo and import apply never overwrite newer work -----
def test_undoing_an_old_change_is_refused_when_the_record_changed_since(store, curator):
    from mapping.store import Conflict

    store.save("actor", {"id": "amappe", "city": "Casablanca", "lat": 33.59, "lon": -7.61, "region_code": "MA-06",
                         "region": "Casablanca-Settat"}, user=curator)
    old = int(store.history("actor", "amappe").iloc[0]["id"])
    store.save("actor", {"id": "amappe", "public_phone": "+212 522 00 00 00"}, user=curator)  # newer work
    with pytest.raises(Conflict) as conflict:
        store.restore(old, user=curator)
    assert set(conflict.value.changes) == {"public_phone"}  # names what changed since
    assert store.record("actor", "amappe")["public_phone"] == "+212 522 00 00 00"
    assert store.record("actor", "amappe")["city"] == "Casablanca"


def test_restoring_an_old_state_is_refused_when_the_record_moved_past_the_version_seen(store, curator):
    from mapping.store import Conflict

    store.save("actor", {"id": "ms2", "description": "First text"}, user=curator)
    first = int(store.history("actor", "ms2").iloc[0]["id"])
    seen = store.record("actor", "ms2")["version"]  # what the History page showed
    store.save("actor", {"id": "ms2", "description": "Someone else's newer text"}, user=curator)
    with pytest.raises(Conflict):
        store.restore(first, user=curator, state="after", expected_version=seen)
    assert store.record("actor", "ms2")["description"] == "Someone else's newer text"
    now = store.record("actor", "ms2")["version"]
    assert store.restore(first, user=curator, state="after", expected_version=now)["description"] == "First text"


def _merged(store, curator):
    dup = store.save("actor", {"name": "AMAPPE Rabat office", "kind": "ngo", "country": "MA", "city": "Rabat",
                               "lat": 34.02, "lon": -6.84}, user=curator, source="partners.csv")
    event = store.table("events").iloc[0]["id"]
    store.set_participant("event", event, dup["id"], "participant", user=curator, source="attendance list")
    store.merge_actors("amappe", dup["id"], user=curator)
    return dup, event, int(store.history("actor", "amappe").iloc[0]["id"])


def test_merge_undo_keeps_what_was_added_to_the_kept_file_after_the_merge(store, curator):
    dup, event, merge = _merged(store, curator)
    project = store.table("projects").iloc[0]["id"]
    store.set_participant("project", project, "amappe", "funder", user=curator, source="later report")
    store.set_participant("event", event, "amappe", "speaker", user=curator, source="later report")
    store.restore(merge, user=curator)
    roles = store.table("project_roles")
    parts = store.table("participations")
    assert ((roles["actor_id"] == "amappe") & (roles["project_id"] == project) & (roles["role"] == "funder")).any()
    assert ((parts["actor_id"] == "amappe") & (parts["role"] == "speaker")).any()
    assert ((parts["actor_id"] == dup["id"]) & (parts["event_id"] == event)).any()  # moved back
    assert not ((parts["actor_id"] == "amappe") & (parts["role"] == "participant") & (parts["event_id"] == event)).any()


def test_merge_undo_is_refused_when_the_duplicate_was_edited_after_the_merge(store, curator):
    from mapping.store import Conflict

    dup, _, merge = _merged(store, curator)
    store.save("actor", {"id": dup["id"], "description": "Closed in 2025; kept for the record."}, user=curator)
    before = store.checksum()
    with pytest.raises(Conflict) as conflict:
        store.restore(merge, user=curator)
    assert "description" in conflict.value.changes
    assert store.checksum() == before


@pytest.mark.parametrize("owner", ["project", "event"])
def test_undoing_or_restoring_a_participant_change_is_refused_when_the_row_changed_since(store, curator, owner):
    from mapping.store import Conflict

    record_id = store.records(owner)["id"].iloc[0]
    role = "funder" if owner == "project" else "speaker"
    logged = "project_role" if owner == "project" else "participation"
    store.set_participant(owner, record_id, "ms2", role, user=curator, source="report")
    added = int(store.history(logged).iloc[0]["id"])
    seen = store.participant_version(logged, f"{record_id}|ms2|{role}")
    assert seen == added
    store.set_participant(owner, record_id, "ms2", role, user=curator, present=False)  # newer work: removed
    removed = int(store.history(logged).iloc[0]["id"])
    store.set_participant(owner, record_id, "ms2", role, user=curator, source="second report", note="confirmed")
    readded = int(store.history(logged).iloc[0]["id"])
    before = store.checksum()
    with pytest.raises(Conflict) as undo:  # undoing the first addition would remove the later one
        store.restore(added, user=curator)
    assert f"change {readded}" in str(undo.value) and "added by amina" in str(undo.value)
    with pytest.raises(Conflict):  # restoring the state after the removal, as seen before the re-addition
        store.restore(removed, user=curator, state="after", expected_version=removed)
    assert store.checksum() == before
    assert store.participant_version(logged, f"{record_id}|ms2|{role}") == readded
    store.restore(readded, user=curator)  # the latest change itself can be undone
    parts = store.participants(owner, record_id)
    assert not ((parts["actor_id"] == "ms2") & (parts["role"] == role)).any()


def test_an_import_previewed_before_someone_edited_its_actors_is_refused(store, curator):
    from mapping.importer import plan_import
    from mapping.validate import Invalid

    plan = plan_import(b"name,kind,country,city\nAMAPPE,ngo,MA,Rabat\n", "partners.csv", store.actor_index())
    assert [r.status for r in plan.rows] == ["update"]
    store.save("actor", {"id": "amappe", "public_phone": "+212 537 11 11 11"}, user=curator)  # meanwhile
    before = store.checksum()
    with pytest.raises(Invalid) as refused:
        store.apply_import(plan, user=curator, source="partners.csv")
    assert "amappe" in str(refused.value) and "public_phone" in str(refused.value)
    assert store.checksum() == before
    fresh = plan_import(b"name,kind,country,city\nAMAPPE,ngo,MA,Rabat\n", "partners.csv", store.actor_index())
    assert store.apply_import(fresh, user=curator, source="partners.csv")["update"] == 1


def test_a_url_database_is_never_treated_as_a_local_file(tmp_path, monkeypatch):
    """``ATLAS_DB=md:...``: no lock file, no snapshot, no file check; the server gets the URL."""
    import mapping.store.base as base
    from mapping.auth import User
    from mapping.seed import init_database

    real_connect = duckdb.connect
    asked = []
    server = real_connect(":memory:")  # stands in for the server: one database, many clients

    def connect(path, read_only=False):
        asked.append((path, read_only))
        return server.cursor()

    monkeypatch.setattr(base.duckdb, "connect", connect)
    monkeypatch.chdir(tmp_path)
    store = init_database("md:atlas")
    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    store.save("actor", {"name": "Association Distante", "kind": "ngo", "country": "SN"},
               user=User("amina", "curator"), source="note")
    assert store.publish() is None
    viewer = Store("md:atlas", read_only=True)
    assert viewer.count_actors() == store.count_actors() > 30
    assert {path for path, _ in asked} == {"md:atlas"} and ("md:atlas", True) in asked
    assert list(tmp_path.iterdir()) == []  # nothing written beside a "file" named md:atlas
    backup = store.backup(tmp_path / "backup")  # through the server, not from a file copy
    assert (backup / "actors.parquet").exists() and oct(backup.stat().st_mode & 0o777) == "0o700"


def test_an_arabic_name_gets_a_readable_permanent_id(store):
    """Ids are permanent links: a name in Arabic script is transliterated, not reduced to "record"."""
    from mapping.auth import User

    store.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    saved = store.save("actor", {"name": "جمعية الأمل للمهاجرين", "kind": "migrant_association", "country": "MA"},
                       user=User("amina", "curator"), source="note")
    again = store.save("actor", {"name": "جمعية الأمل للمهاجرين", "kind": "migrant_association", "country": "MA"},
                       user=User("amina", "curator"), source="note")
    assert saved["id"] == "jm-y-lml-llmhjryn" and again["id"] == "jm-y-lml-llmhjryn-2"


# -- a database this process cannot write: opened read-only, every write refused in one line ---------
def test_write_problem_names_a_read_only_file_folder_or_lock(tmp_path, monkeypatch):
    from mapping.store import base

    db = tmp_path / "atlas.duckdb"
    db.write_bytes(b"")
    assert base.write_problem(str(db)) is None
    # Root may write anything, so the check is os.access's answer: given here as a non-owner's would be.
    denied: set[str] = set()
    monkeypatch.setattr(base.os, "access", lambda p, mode: str(p) not in denied)
    denied.add(str(db))
    assert "database file" in base.write_problem(str(db))
    denied.clear(), denied.add(str(tmp_path))
    assert "folder" in base.write_problem(str(db))
    (tmp_path / "atlas.duckdb.lock").write_bytes(b"")
    denied.clear(), denied.add(str(db) + ".lock")
    assert "lock file" in base.write_problem(str(db))


def _edits_refused(store) -> None:
    from mapping.store import ReadOnly

    with pytest.raises(ReadOnly) as refused:
        store.add_user("zed", "quiet harbour lantern", "curator", trusted=True)
    message = str(refused.value)
    assert message.startswith("edits are off:") and "still works" in message and "\n" not in message


def test_a_file_found_read_only_is_read_and_every_write_refused(db_path, monkeypatch):
    from mapping.store import base

    before = Store(str(db_path)).checksum()
    monkeypatch.setattr(base, "write_problem", lambda path: f"the database file {path} is read-only")
    store = Store(str(db_path))
    assert store.edits_off and store.count("actors") > 30 and store.actors().shape[0] > 30
    _edits_refused(store)
    assert store.publish() == snapshots.current(str(db_path))  # its snapshot is current: served as it is
    shutil.rmtree(snapshots.directory(str(db_path)))  # none (or an older one): made where this process can write
    published = store.publish()
    assert store.public_path != str(db_path) and str(published).startswith(str(Path(store.public_path).parent))
    visitors = Store(store.public_path, read_only=True)
    assert visitors.count("actors") == store.count_actors() and visitors.count("users") == 0
    visitors.close()
    store.close()
    assert not Path(store.public_path).parent.exists()  # the private folder goes with the store
    monkeypatch.undo()
    assert Store(str(db_path)).checksum() == before


def test_duckdb_refusing_to_open_for_writing_turns_edits_off(db_path, monkeypatch):
    """os.access may say yes (root, some mounts) and DuckDB still get "Permission denied"."""
    import duckdb

    from mapping.store import base

    real = base.attach

    def connect(path, read_only=False):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')
        return real(path, read_only=True)

    monkeypatch.setattr(base, "attach", connect)
    store = Store(str(db_path))
    assert "Permission denied" in store.edits_off and store.count("actors") > 30
    _edits_refused(store)


def test_duckdb_refusing_a_write_is_the_edits_off_message(db_path, monkeypatch):
    """A file opened read-only behind the store's back: DuckDB's own refusal of the INSERT becomes
    the one-line "edits are off", not a DuckDB error."""
    from mapping.store import base

    real = base.attach
    store = Store(str(db_path))
    monkeypatch.setattr(base, "attach", lambda path, read_only=False: real(path, read_only=True))
    assert store.edits_off is None
    _edits_refused(store)
    assert "read-only" in store.edits_off  # and the app now says edits are off


def test_the_checksum_covers_every_table_and_moves_with_any_cell(store):
    """What the "changes nothing" tests rely on."""
    before = store.checksum()
    assert set(before) == set(store._TABLES) and before["actors"][0] > 30
    with store.transaction() as cur:
        cur.execute("UPDATE actors SET city = 'Oujda ' WHERE id = 'commune-oujda'")  # one cell, one space
    after = store.checksum()
    assert after["actors"][0] == before["actors"][0] and after["actors"][1] != before["actors"][1]
    assert {t: v for t, v in after.items() if t != "actors"} == {t: v for t, v in before.items() if t != "actors"}
