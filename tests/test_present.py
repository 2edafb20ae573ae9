import pandas as pd

from mapping import present


def test_partner_groups_read_from_the_actor_side():
    rel = pd.DataFrame({
        "relation_id": ["r1", "r2", "r3"], "kind": ["funds", "funds", "partners_with"],
        "outgoing": [False, True, False], "other_id": ["bmz", "x", "iom"], "other_name": ["BMZ", "X", "IOM"],
        "other_kind": ["donor", "ngo", "international_organisation"], "project": ["RECOSA", None, None],
        "start_date": ["2016", None, None], "end_date": ["2022", None, None], "note": [None, None, None],
    })
    groups = dict(present.partner_groups(rel, "en"))
    assert groups["funded by"]["other_name"].tolist() == ["BMZ"]
    assert groups["funds"]["other_name"].tolist() == ["X"]
    assert groups["partners with"]["other_name"].tolist() == ["IOM"]
    assert groups["funded by"]["period"][0] == "2016 – 2022"
    fr = dict(present.partner_groups(rel, "fr"))
    assert "financé par" in fr


def test_partners_table_holds_every_partner_with_a_link_to_its_file():
    n = 5000
    rel = pd.DataFrame({
        "relation_id": [f"r{i}" for i in range(n)], "kind": ["funds", "partners_with"] * (n // 2),
        "outgoing": [True] * n, "other_id": [f"a-{i}" for i in range(n)], "other_name": [f"A {i}" for i in range(n)],
        "other_kind": ["ngo"] * n, "other_country": ["SN"] * n, "project": [None] * n,
        "start_date": ["2019-05-01"] * n, "end_date": [None] * n, "note": [None] * n,
    })
    table = present.partners_table(rel, "fr")
    assert len(table) == n and set(table["id"]) == set(rel["other_id"])
    assert set(table["relation"]) == {"finance", "est partenaire de"}
    assert table["relation"].iloc[0] == "est partenaire de"  # grouped, in alphabetical order
    assert table["country"].iloc[0] == "Sénégal"
    assert table.loc[table["id"] == "a-7", "link"].item() == "actor?actor=a-7&lang=fr"
    assert table["period"].iloc[0] == "depuis 1 mai 2019"
    assert present.partners_table(rel.iloc[:0], "en").empty


def test_escape_neutralises_html_and_markdown():
    out = present.escape("<script>alert('x')</script> **bold** [a](javascript:x)")
    assert "<" not in out and ">" not in out
    assert "\\*\\*" in out and "\\[" in out


def test_directory_table_labels_and_international_flag():
    df = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "acronym": [None, "BB"], "kind": ["ngo", "donor"],
                       "city": ["Oujda", "Bonn"], "region": ["Oriental", None], "country": ["MA", "DE"],
                       "themes": [["health"], []]})
    t = present.directory_table(df, "fr")
    assert t["kind"].tolist() == ["ONG / société civile", "Bailleur de fonds"]
    assert t["country"].tolist() == ["Maroc", "Allemagne 🌐"]
    assert t["themes"][0] == "Santé et réponse à la COVID-19"


def test_exports_carry_labels_in_the_session_language(store):
    from mapping.store import EXPORT_COLUMNS

    actors = store.actors(columns=EXPORT_COLUMNS)
    english, french = present.export_table(actors, "en"), present.export_table(actors, "fr")
    assert list(english.columns[:list(english.columns).index("kind") + 2])[-2:] == ["kind", "kind_label"]
    assert (english["kind"] == actors["kind"]).all()  # codes kept for re-import
    ngo = actors["kind"] == "ngo"
    assert set(english.loc[ngo, "kind_label"]) == {"NGO / civil society"}
    assert set(french.loc[ngo, "kind_label"]) == {"ONG / société civile"}
    rabat = actors["region_code"] == "MA-04"
    assert rabat.any()
    assert set(english.loc[rabat, "region"]) == {"Rabat-Sale-Kenitra"}
    assert set(french.loc[rabat, "region"]) == {"Rabat-Salé-Kénitra"}
