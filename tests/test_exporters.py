import io

import pandas as pd

from mapping import exporters
from mapping.exporters import neutralise, safe_frame, to_csv


def test_formula_cells_are_neutralised():
    df = pd.DataFrame({"name": ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "Rabat", "\t=x"], "n": [1, 2, 3, 4, 5, 6]})
    out = safe_frame(df)
    assert out["name"].tolist()[:4] == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert out["name"][4] == "Rabat" and out["n"].tolist() == [1, 2, 3, 4, 5, 6]


def test_csv_keeps_accents_arabic_and_lists():
    df = pd.DataFrame({"name": ["Fès", "الرباط"], "themes": [["health", "funding"], []]})
    text = to_csv(df).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert back["name"].tolist() == ["Fès", "الرباط"]
    assert back["themes"][0] == "health|funding"


def test_neutralise_leaves_numbers():
    assert neutralise(-5) == -5 and neutralise(None) is None


def test_xlsx_geojson_and_hxl_exports_are_safe_and_readable():
    import json

    import openpyxl

    from mapping.exporters import to_geojson, to_hxl, to_xlsx

    df = pd.DataFrame({"id": ["a", "b"], "name": ["=HYPERLINK(\"x\")", "الرباط"], "kind": ["ngo", "ngo"],
                       "lat": [34.0, None], "lon": [-6.8, None], "themes": [["health"], []]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(df))).active
    assert sheet["B2"].value == "'=HYPERLINK(\"x\")" and sheet["B2"].data_type == "s"
    fc = json.loads(to_geojson(df))
    assert len(fc["features"]) == 1 and fc["features"][0]["properties"]["themes"] == "health"
    lines = to_hxl(df).decode("utf-8-sig").splitlines()
    assert lines[1].startswith("#org+id,#org+name") and "'=HYPERLINK" in lines[2]


def test_exports_say_how_each_fact_is_known(store):
    from mapping.store import EXPORT_COLUMNS

    frame = store.actors(columns=EXPORT_COLUMNS)
    assert {"evidence", "place_evidence", "dates_evidence", "evidence_note"} <= set(frame.columns)
    tags = exporters.to_hxl(frame).decode("utf-8-sig").splitlines()[1]
    assert "#meta+evidence" in tags and "#meta+evidence+place" in tags


def test_a_nullable_integer_column_exports_empty_cells_and_numbers():
    """An INTEGER column with missing values reads into pandas as Int32 with <NA> (e.g. a year added
    by CONTRIBUTING's "add a field" recipe): XLSX refused <NA>, GeoJSON wrote it as the text "<NA>"."""
    import json

    import openpyxl

    frame = pd.DataFrame({"id": ["a", "b"], "lat": [14.7, 15.0], "lon": [-17.4, -16.0],
                          "founded": pd.array([1995, None], dtype="Int32")})
    rows = list(openpyxl.load_workbook(io.BytesIO(exporters.to_xlsx(frame))).active.values)
    assert rows[1][-1] == 1995 and rows[2][-1] is None
    features = json.loads(exporters.to_geojson(frame))["features"]
    assert [f["properties"]["founded"] for f in features] == [1995, None]
    assert to_csv(frame).decode("utf-8-sig").splitlines()[1:] == ["a,14.7,-17.4,1995", "b,15.0,-16.0,"]
