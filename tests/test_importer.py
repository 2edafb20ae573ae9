"""Imports: partners' real-world files read right, every bad file reported and nothing written."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from mapping import exporters, importer
from mapping.auth import PermissionDenied
from mapping.geo import normalize
from mapping.importer import plan_import
from mapping.store import EXPORT_COLUMNS
from mapping.validate import Invalid

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


def _text(plan) -> str:
    return (plan.problem or "") + " | " + " ; ".join(plan.report()["reasons"])


def test_the_catalogue_holds_at_least_forty_five_bad_files():
    assert len(EXPECTED) >= 45 and all((BAD / name).exists() for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_reported_and_changes_nothing(store, name):
    before = store.checksum()
    plan = plan_import((BAD / name).read_bytes(), name, store.actor_index())
    assert not plan.ok
    assert EXPECTED[name] in _text(plan), _text(plan)
    with pytest.raises(Invalid):
        store.apply_import(plan, user=None, trusted=True, source=name)
    assert store.checksum() == before


def test_a_50_mb_file_is_refused_before_parsing(store, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.write(b"name,kind,country,description\n")
        line = b"Association X,ngo,MA," + b"y" * 1000 + b"\n"
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line * 1000)
    before = store.checksum()
    plan = plan_import(big.read_bytes(), big.name, store.actor_index())
    assert not plan.ok and "at most 20 MB" in plan.problem
    assert store.checksum() == before


def test_a_failure_midway_rolls_everything_back(store, monkeypatch):
    # New rows are inserted in bulk first, then updates one by one: fail on the update.
    data = b"name,kind,country,city\nAssociation Une,ngo,MA,Oujda\nAMAPPE,ngo,MA,Rabat\n"
    plan = plan_import(data, "two.csv", store.actor_index())
    assert plan.ok and [r.status for r in plan.rows] == ["new", "update"]
    before = store.checksum()

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_save_in", failing)
    with pytest.raises(RuntimeError):
        store.apply_import(plan, user=None, trusted=True, source="two.csv")
    assert store.checksum() == before


def test_visitors_cannot_import(store):
    plan = plan_import(b"name,kind,country\nAssociation Une,ngo,MA\n", "one.csv", store.actor_index())
    with pytest.raises(PermissionDenied):
        store.apply_import(plan, user=None, source="one.csv")


FRENCH = ("Nom de l'organisation;Sigle;Type d'acteur;Pays;Région;Ville;Domaines d'intervention;Courriel\n"
          "Association Fès Solidarité;AFS;Association;Maroc;Fès-Meknès;Fès;Santé, Sensibilisation;afs@example.ma\n"
          "جمعية الشرق للتنمية;;ONG;Maroc;;Oujda;Intégration sociale;\n")


@pytest.mark.parametrize("encoding, delimiter", [("utf-8", ";"), ("utf-8-sig", ";"), ("cp1252", ";"),
                                                 ("utf-8", "\t"), ("utf-8-sig", ",")])
def test_partner_files_in_their_usual_encodings_and_delimiters(store, encoding, delimiter):
    text = FRENCH.replace(";", delimiter)
    if encoding == "cp1252":
        text = text.splitlines(keepends=True)[0] + text.splitlines(keepends=True)[1]  # no Arabic in cp1252
    if delimiter == ",":
        text = text.replace("Santé, Sensibilisation", '"Santé, Sensibilisation"')
    plan = plan_import(text.encode(encoding), "partenaires.csv", store.actor_index())
    assert plan.ok, plan.report()
    first = plan.actors[0]
    assert (first["name"], first["acronym"], first["kind"], first["country"]) == \
        ("Association Fès Solidarité", "AFS", "ngo", "MA")
    assert first["region_code"] == "MA-03" and first["themes"] == ["health", "awareness_raising"]
    assert first["lat"] == pytest.approx(34.03, abs=0.05)  # from the gazetteer
    if encoding != "cp1252":
        assert plan.actors[1]["name"] == "جمعية الشرق للتنمية" and plan.actors[1]["region_code"] == "MA-02"


def test_import_writes_drafts_citing_the_file_and_updates_fill_in(store):
    data = ("name,acronym,kind,country,city,themes\n"
            "Association Fès Solidarité,AFS,ngo,MA,Fès,Health\n"
            "AMAPPE,,ngo,MA,Rabat,Awareness raising\n").encode()
    amappe = store.record("actor", "amappe")
    plan = plan_import(data, "partners-2026.csv", store.actor_index())
    assert [r.status for r in plan.rows] == ["new", "update"]
    counts = store.apply_import(plan, user=None, trusted=True, source="partners-2026.csv")
    assert counts == {"new": 1, "update": 1, "areas": 0, "import_id": "import-partners-2026-csv"}
    new = store.record("actor", "afs")
    assert new["status"] == "draft" and store.citations("actor", ["afs"])["source_id"].tolist() == ["partners-2026.csv"]
    updated = store.record("actor", "amappe")
    assert updated["name"] == amappe["name"] and "AMAPPE" in (updated["other_names"] or []) + [updated["acronym"]]
    assert set(amappe["themes"]) < set(updated["themes"]) and "awareness_raising" in updated["themes"]
    assert updated["status"] == "published"
    assert store.history(limit=1).iloc[0]["action"] == "import"


def test_hxl_3w_rows_of_one_organisation_become_one_actor_with_areas(store):
    data = ("Organisation,Type,Pays,Région,Commune,Secteur\n"
            "#org+name,#org+type,#country+code,#adm1+name,#loc+name,#sector\n"
            "Caritas Maroc,NGO,MA,Rabat-Salé-Kénitra,Rabat,Protection\n"
            "Caritas Maroc,NGO,MA,Oriental,Oujda,Health\n"
            "Caritas Maroc,NGO,MA,Casablanca-Settat,Casablanca,Education\n"
            "Association Oujda Accueil,NGO,MA,Oriental,Oujda,Health\n").encode()
    plan = plan_import(data, "3w.csv", store.actor_index())
    assert plan.ok and plan.hxl
    assert [r.status for r in plan.rows] == ["new", "area", "area", "new"]
    caritas = plan.actors[0]
    assert caritas["themes"] == ["migrants_rights", "health", "capacity_building"]
    # A 3W says where an organisation works, not where its seat is: every row is an area.
    assert [a["city"] for a in caritas["_areas"]] == ["Rabat", "Oujda", "Casablanca"]
    assert caritas["country"] == "MA" and "city" not in caritas and "lat" not in caritas
    store.apply_import(plan, user=None, trusted=True, source="3w.csv")
    areas = store.actor_areas("caritas-maroc")
    assert areas["region_code"].tolist() == ["MA-02", "MA-04", "MA-06"]


def test_xlsx_with_french_headers(store, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Nom", "Type d'acteur", "Pays", "Ville", "Latitude", "Longitude"])
    book.active.append(["Conseil communal de Ziguinchor", "Commune", "Sénégal", "Ziguinchor", 12.58, -16.27])
    path = tmp_path / "partners.xlsx"
    book.save(path)
    plan = plan_import(path.read_bytes(), path.name, store.actor_index())
    assert plan.ok, plan.report()
    assert plan.actors[0]["country"] == "SN" and plan.actors[0]["kind"] == "municipality"
    assert plan.actors[0]["lat"] == 12.58


def test_the_hxl_export_reads_back_as_updates_that_change_nothing(store):
    before = store.checksum()
    frame = store.actors(columns=EXPORT_COLUMNS)
    plan = plan_import(exporters.to_hxl(frame), "atlas.hxl.csv", store.actor_index())
    assert plan.ok, plan.report()[plan.report()["status"] == "error"]
    assert {r.status for r in plan.rows} == {"update"} and len(plan.rows) == len(frame)
    store.apply_import(plan, user=None, trusted=True, source="atlas.hxl.csv")
    after = store.checksum()
    assert after["actors"] == before["actors"]  # no file changed


def test_a_near_duplicate_is_flagged(store):
    plan = plan_import(b"name,kind,country\nAssociation Marocaine Appui Promotion Petite Entreprise,ngo,MA\n"
, "dup.csv", store.actor_index())
    # Same name once stop words are gone: matched as the same organisation, not created twice.
    assert plan.rows[0].status == "update" and plan.rows[0].actor_id == "amappe"
    plan = plan_import("name,kind,country\nAssociation Marocaine d'Appui à la Promotion des Petites Entreprises,ngo,MA\n"
                       .encode(), "dup.csv", store.actor_index())
    assert plan.rows[0].status == "duplicate" and "amappe" in plan.rows[0].reasons[0]


def test_progress_is_reported(store):
    seen = []
    rows = "".join(f"Association {i},ngo,MA\n" for i in range(1200))
    plan_import(("name,kind,country\n" + rows).encode(), "many.csv", store.actor_index(), progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 1.0 and len(seen) >= 3


def test_header_synonyms_cover_french_and_english():
    assert importer.HEADERS[normalize("Nom de l'organisation")] == "name"
    assert importer.HEADERS[normalize("Type d'acteur")] == "kind"
    assert importer.HEADERS[normalize("Région")] == "region"
    assert importer.HEADERS[normalize("Ville")] == "city"


def test_names_and_headers_in_arabic_are_matched_as_written():
    # Two different organisations written in Arabic stay two; an untitled column is not a field.
    data = "name,,kind,country\nجمعية الشرق للتنمية,x,ngo,MA\nجمعية فاس للتضامن,y,ngo,MA\n".encode()
    plan = plan_import(data, "ar.csv")
    assert [r.status for r in plan.rows] == ["new", "new"] and len(plan.actors) == 2
    assert "" not in plan.columns and all("name_ar" not in a for a in plan.actors)
    same = plan_import("name,kind,country\nجمعية الشرق للتنمية,ngo,MA\nجمعية الشرق للتنمية,ngo,MA\n".encode(), "ar.csv")
    assert [r.status for r in same.rows] == ["new", "area"]


# -- 3W files of the humanitarian data exchange, as downloaded (tests/data/README.md) ------------
THREE_W = Path(__file__).parent / "data" / "3w"


def _plan(store, name, **options):
    path = THREE_W / name
    return plan_import(path.read_bytes(), path.name, store.actor_index(), **options)


def test_a_3w_with_its_header_under_title_and_note_rows_and_no_kind_imports(store):
    plan = _plan(store, "synthetic/title_rows_above_header.csv")
    assert plan.ok, plan.report()
    assert plan.header_row == 4 and [n for n, _ in plan.skipped] == [1, 2]
    assert "Header on row 4" in plan.summary()
    kinds = {a["name"]: (a["kind"], a.get("_kind_rule")) for a in plan.actors}
    assert kinds["Commune de Ziguinchor"][0] == "municipality"
    assert kinds["Organisation Internationale pour les Migrations"][0] == "international_organisation"
    assert all(rule for _, rule in kinds.values())  # every guessed kind is marked to review
    assert all("Kind to review" in r for r in plan.report()["reasons"])


def test_a_default_kind_replaces_the_guess(store):
    plan = _plan(store, "synthetic/title_rows_above_header.csv", default_kind="ngo")
    assert {a["kind"] for a in plan.actors} == {"ngo"} and not any(a.get("_kind_rule") for a in plan.actors)


def test_hxl_attributes_in_any_order_and_3w_types(store):
    plan = _plan(store, "synthetic/attributes_any_order.csv")
    assert plan.ok and [(a["kind"], a["_areas"][0]["region_code"]) for a in plan.actors] == [
        ("ministry", "SN-DK"), ("municipality", "ML-3")]


def test_coordinates_decide_where_a_row_is_and_rows_outside_are_grouped(store):
    plan = _plan(store, "synthetic/multi_country_coordinates.csv")
    assert plan.ok, plan.report()
    report = plan.report()
    assert report["status"].tolist() == ["new", "area", "new", "outside", "outside", "outside"]
    caritas = plan.actors[0]
    assert caritas["country"] == "ML" and [a["region_code"] for a in caritas["_areas"]] == ["ML-BKO", "ML-5"]
    assert plan.actors[1]["country"] == "SN"
    # The country column says "Lake Chad Basin": the coordinates name the countries.
    assert "Outside the atlas's countries, skipped: 2 rows in Chad, 1 row in Niger." in plan.summary()
    assert "“Sahel Crisis” is not a country" in report["reasons"][0]


def test_rows_outside_can_be_imported_as_international_partners_when_their_country_is_known(store):
    plan = plan_import(b"Org,Country\n#org,#country\nHelp Tchad,Tchad\nACF,Niger\n", "x.csv",
                       store.actor_index(), outside="import")
    assert plan.ok and [a["country"] for a in plan.actors] == ["TD", "NE"]


def test_unknown_sectors_of_a_3w_are_kept_on_the_area_not_refused(store):
    plan = _plan(store, "synthetic/unknown_sector.csv")
    assert plan.ok and plan.actors[0]["_sector"] == "Nutrition spatiale"


def test_the_real_chad_3w_is_all_outside_and_says_so(store):
    plan = _plan(store, "3w_td_october2021.xlsx")
    assert not plan.ok and plan.hxl
    assert "Every row of this file lies outside" in plan.problem and "705 rows in Chad" in plan.problem
    assert plan.columns == {"Pcode1": "region_code", "Province": "region", "Cluster": "sector",
                            "Acronyme": "acronym", "Nom de l'organisation": "name", "Type d'organisation": "kind"}


def test_the_real_chad_3w_as_international_partners_maps_every_organisation_type(store):
    plan = _plan(store, "3w_td_october2021.xlsx", outside="import")
    assert plan.ok, plan.report()[plan.report()["status"] == "error"]
    assert not any(a.get("_kind_rule") for a in plan.actors)  # every row states its type
    kinds = {a["acronym"]: a["kind"] for a in plan.actors if a.get("acronym")}
    assert kinds["ACF"] == "ngo" and kinds["CICR"] == "ngo"


def test_current_names_of_regions_resolve_to_the_shipped_boundaries(store):
    plan = plan_import("Organisation;Pays;Région\n#org;#country;#adm1\nAfrica Migration;CIV;Abidjan\n"
                       "Sahel Action;ML;Ménaka\nCoop Est;CI;CI-ZZ\n".encode(), "x.csv", store.actor_index())
    assert plan.ok, plan.report()
    assert [a["_areas"][0]["region_code"] for a in plan.actors] == ["CI-01", "ML-7", "CI-08"]


def test_the_real_mali_5w_imports_as_downloaded_and_a_second_time_changes_nothing(store):
    """One test: planning the 22,805 rows is the costly part, and both halves start from it."""
    plan = _plan(store, "mali-5w_mars-2022.xlsx")
    assert plan.hxl and plan.columns == {"Organisation Accronyme": "name", "admin1Pcod": "region_code",
                                         "Region": "region", "admin2Pcod": "pcode", "Cercle": "city"}
    assert plan.ok, plan.report()[plan.report()["status"] == "error"].head()
    assert len(plan.rows) == 22805 and len(plan.actors) == 156
    # Ménaka (p-code MLI10), a region created after the shipped boundaries, lies in the former Gao region.
    menaka = [a for a in plan.actors for area in a.get("_areas", []) if area["city"] == "Menaka"]
    assert menaka and all(area["region_code"] == "ML-7" for a in menaka for area in a["_areas"]
                          if area["city"] == "Menaka")
    counts = store.apply_import(plan, user=None, trusted=True, source="OCHA Mali 5W, March 2022")
    assert counts["new"] == 156 and counts["update"] == 0 and counts["areas"] > 1000
    drafts = store.import_drafts(counts["import_id"])
    assert len(drafts) == 156 and drafts["kind_rule"].notna().all()  # no kind in the file: all to review
    educo = drafts[drafts["name"] == "Educo"].iloc[0]
    areas = store.actor_areas(educo["id"])
    assert len(areas) == educo["areas"] == 7 and set(areas["region_code"]) == {"ML-4", "ML-5"}  # Ségou, Mopti
    before = store.checksum()
    again = store.apply_import(_plan(store, "mali-5w_mars-2022.xlsx"), user=None, trusted=True,
                               source="OCHA Mali 5W, March 2022")
    after = store.checksum()
    assert again["new"] == 0 and again["update"] == 156 and again["areas"] == 0
    for table in ("actors", "actor_areas", "citations"):
        assert after[table] == before[table], table


def test_a_3w_row_of_an_existing_actor_adds_areas_without_touching_its_seat_or_kind(store):
    amappe = store.record("actor", "amappe")
    data = ("Organisation,Région,Secteur\n#org+name,#adm1+name,#sector\n"
            f"{amappe['name']},Oriental,Protection\n").encode()
    plan = plan_import(data, "3w.csv", store.actor_index())
    assert plan.ok and plan.rows[0].status == "update"
    store.apply_import(plan, user=None, trusted=True, source="3w.csv")
    updated = store.record("actor", "amappe")
    assert {k: updated[k] for k in ("kind", "city", "region_code", "lat", "lon", "country")} == \
        {k: amappe[k] for k in ("kind", "city", "region_code", "lat", "lon", "country")}
    assert store.actor_areas("amappe")[["region_code", "sector"]].values.tolist() == [["MA-02", "Protection"]]


def test_rows_naming_an_organisation_by_name_or_acronym_are_one_actor(store):
    data = ("Org,Sigle,Pays,Région\n#org+name,#org+acronym,#country,#adm1\n"
            "Organisation Internationale pour les Migrations,OIM,ML,Kayes\n"
            ",OIM,ML,Gao\n").encode()
    plan = plan_import(data, "3w.csv", store.actor_index())
    assert plan.ok and [r.status for r in plan.rows] == ["new", "area"]
    assert [a["region_code"] for a in plan.actors[0]["_areas"]] == ["ML-1", "ML-7"]


def test_the_drafts_of_an_import_are_reviewed_and_published_together(store):
    curator = store.add_user("amina", "curator passphrase", "curator", trusted=True)
    counts = store.apply_import(_plan(store, "synthetic/title_rows_above_header.csv"), user=curator,
                                source="3w.csv")
    drafts = store.import_drafts(counts["import_id"])
    assert sorted(drafts["name"]) == ["Association Malienne des Expulsés", "Commune de Ziguinchor",
                                      "Organisation Internationale pour les Migrations"]
    oim = drafts[drafts["acronym"] == "OIM"].iloc[0]["id"]
    assert len(store.actor_areas(oim)) == 2  # Kayes (Mali) and Tambacounda (Senegal): one actor
    with pytest.raises(Invalid):  # all or nothing: one bad kind and nothing is written
        store.review_import(counts["import_id"], kinds={oim: "alien"}, publish=True, user=curator)
    assert len(store.import_drafts(counts["import_id"])) == 3
    done = store.review_import(counts["import_id"], kinds={oim: "international_organisation"}, publish=True,
                               user=curator)
    assert done == {"kinds": 1, "published": 3}
    assert store.import_drafts(counts["import_id"]).empty
    assert store.record("actor", oim)["status"] == "published"
    listed = store.imports()
    assert listed.iloc[0]["id"] == counts["import_id"] and listed.iloc[0]["drafts"] == 0
    shading = store.area_counts()
    assert set(shading["region_code"]) >= {"ML-1", "SN-TC", "SN-ZG", "ML-BKO"}
    # OIM works in Kayes and Tambacounda: counted in both regions, once in each.
    before = store.region_counts()
    assert shading.set_index("region_code")["n"]["SN-TC"] == before.set_index("region_code")["n"].get("SN-TC", 0) + 1


def test_an_unknown_import_or_foreign_ids_are_refused(store):
    with pytest.raises(Invalid, match="No import nope"):
        store.review_import("nope", publish=True, user=None, trusted=True)
    counts = store.apply_import(_plan(store, "synthetic/attributes_any_order.csv"), user=None, trusted=True,
                                source="x")
    with pytest.raises(Invalid, match="amappe"):
        store.review_import(counts["import_id"], kinds={"amappe": "ngo"}, user=None, trusted=True)


def test_a_real_5w_whose_first_sheet_is_a_read_me_is_read_from_its_hxl_sheet(store):
    # Burkina Faso 5W: "Lisez-moi" first, the data on "Jan - Fev Public" with a donor column
    # (#org+funding, not the actor) and p-codes computed by formulas; every row outside the atlas.
    plan = _plan(store, "5w_bfa_jan-fev-2022_04avril2022-public.xlsx")
    assert plan.sheet == "Jan - Fev Public"
    assert plan.columns["Organisation *"] == "name" and "Bailleur de fonds" in plan.ignored
    assert not plan.ok and "Every row of this file lies outside" in plan.problem
    assert "in Burkina Faso" in plan.problem and "in a region of no atlas country" in plan.problem
    assert not any(r.status == "error" for r in plan.rows)


def test_an_optional_evidence_column_is_read_and_checked(store):
    data = ("name,kind,country,evidence,evidence note\n"
            "Association Une,ngo,MA,déduit,Named in a partner's annual report\n"
            "Association Deux,ngo,MA,inferred,\n").encode()
    plan = plan_import(data, "evidence.csv", store.actor_index())
    assert not plan.ok and "Say how this is known" in _text(plan)  # inferred without its reasoning
    ok = plan_import(data.rsplit(b"\n", 2)[0] + b"\n", "evidence.csv", store.actor_index())
    assert ok.ok
    store.apply_import(ok, user=None, trusted=True, source="evidence.csv")
    new = store.record("actor", "association-une")
    assert new["evidence"] == "inferred" and new["evidence_note"] == "Named in a partner's annual report"


def test_a_row_repeated_word_for_word_gets_a_report_of_its_own_each_time(store):
    """A 3W repeats a row for every activity; each is checked once but reported in its place."""
    rows = "Organisation,Country,City,Type\n" + "Help Mali,ML,Kayes,ngo\n" * 3 + "Bad Row,ML,Kayes,alien\n" * 2
    plan = plan_import(rows.encode(), "x.csv", store.actor_index())
    report = plan.report()
    assert report["status"].tolist() == ["new", "area", "area", "error", "error"]
    assert report["row"].tolist() == [2, 3, 4, 5, 6]
    assert report["reasons"].iloc[3] == report["reasons"].iloc[4] and "alien" in report["reasons"].iloc[3]
    assert len(plan.actors) == 1 and plan.actors[0]["name"] == "Help Mali"
