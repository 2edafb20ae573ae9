"""Exports of what a user found. Spreadsheet-safe: no exported cell can run as a formula.

Examples
--------
>>> neutralise("=SUM(A1:A9)")
"'=SUM(A1:A9)"
>>> neutralise("Rabat"), neutralise(-3)
('Rabat', -3)
"""
from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pandas as pd

from .formulas import neutralise


def _flatten(value: object) -> object:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        items = value.tolist() if hasattr(value, "tolist") else value
        if isinstance(items, list):
            return "|".join(str(v) for v in items)
    return value


def _cell(value: object) -> object:
    """A cell as spreadsheet and JSON writers take it: any missing value (None, NaN, pandas' NA of
    a nullable integer column, NaT) as None, NumPy scalars as Python ones.

    >>> _cell(pd.NA), _cell(float("nan")), _cell(pd.array([1995], dtype="Int32")[0]), _cell("a")
    (None, None, 1995, 'a')
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with list cells joined by ``|`` and formula-like text neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith(("string", "str")):
            out[column] = out[column].map(lambda v: neutralise(_flatten(v)))
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read accents and Arabic right)."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


# -- graphs (network page): GraphML and GEXF for Gephi, readable back by networkx -----------------
def _portable(value: object) -> object:
    """A value GraphML/GEXF can hold: lists joined by ``|``, NumPy scalars as Python ones.

    >>> _portable(["a", "b"]), _portable(None), type(_portable(__import__("numpy").float64(0.5)))
    ('a|b', None, <class 'float'>)
    """
    if isinstance(value, (list, tuple, set)):
        return "|".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def portable_graph(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` whose attributes the GraphML and GEXF writers accept (no ``None``, no lists)."""
    out = g.__class__()
    out.add_nodes_from((n, {k: _portable(v) for k, v in d.items() if _portable(v) is not None})
                       for n, d in g.nodes(data=True))
    edges = g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True)
    for *ends, d in edges:
        out.add_edge(*ends, **{k: _portable(v) for k, v in d.items() if _portable(v) is not None})
    return out


def to_graphml(g: nx.Graph) -> bytes:
    """GraphML of ``g`` (``nx.read_graphml`` reads it back)."""
    buffer = io.BytesIO()
    nx.write_graphml(portable_graph(g), buffer, encoding="utf-8")
    return buffer.getvalue()


def to_gexf(g: nx.Graph) -> bytes:
    """GEXF 1.2 of ``g`` for Gephi (``nx.read_gexf`` reads it back)."""
    buffer = io.BytesIO()
    nx.write_gexf(portable_graph(g), buffer, encoding="utf-8")
    return buffer.getvalue()


# -- actors: spreadsheets, GeoJSON, HXL (curation exports) ---------------------------------------
#: HXL hashtags of the exported columns (https://hxlstandard.org), read back by the importer.
HXL_TAGS = {
    "id": "#org+id", "name": "#org+name", "acronym": "#org+acronym", "kind": "#org+type",
    "country": "#country+code", "region_code": "#adm1+code", "region": "#adm1+name", "city": "#loc+name",
    "lat": "#geo+lat", "lon": "#geo+lon", "themes": "#sector", "target_groups": "#targeted",
    "website": "#contact+url", "public_email": "#contact+email", "public_phone": "#contact+phone",
    "description": "#description", "status": "#status",
    # How each fact is known (stated / inferred / external): HXL's #meta is for data about the data.
    "evidence": "#meta+evidence", "place_evidence": "#meta+evidence+place", "dates_evidence": "#meta+evidence+dates",
    "evidence_note": "#meta+evidence+note",
}


def to_xlsx(frame: pd.DataFrame, sheet: str = "actors") -> bytes:
    """An XLSX workbook of ``frame`` (lists joined by ``|``; formula-like text neutralised and
    written as text, so the spreadsheet never evaluates it)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    safe = safe_frame(frame)
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_geojson(frame: pd.DataFrame) -> bytes:
    """A GeoJSON FeatureCollection of the located actors (every other column as properties).

    >>> import json
    >>> fc = json.loads(to_geojson(pd.DataFrame({"id": ["a"], "name": ["A"], "lat": [14.7], "lon": [-17.4]})))
    >>> fc["features"][0]["geometry"], fc["features"][0]["properties"]
    ({'type': 'Point', 'coordinates': [-17.4, 14.7]}, {'id': 'a', 'name': 'A'})
    """
    import json

    features = []
    flat = frame.map(_flatten) if len(frame) else frame
    for record in flat.to_dict("records"):
        lat, lon = record.pop("lat", None), record.pop("lon", None)
        if lat is None or lon is None or lat != lat or lon != lon:
            continue
        properties = {k: _cell(v) for k, v in record.items()}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                         "properties": properties})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      default=str).encode("utf-8")


def to_hxl(frame: pd.DataFrame) -> bytes:
    """CSV with an HXL tag row under the header (humanitarian data exchange tools read it; so
    does this atlas's importer)."""
    columns = [c for c in frame.columns if c in HXL_TAGS]
    safe = safe_frame(frame[columns])
    tags = pd.DataFrame([[HXL_TAGS[c] for c in columns]], columns=columns)
    return pd.concat([tags, safe.astype(object)], ignore_index=True).to_csv(index=False).encode("utf-8-sig")
