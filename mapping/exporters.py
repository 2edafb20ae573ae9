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
import pandas as pd

#: Characters that make Excel, LibreOffice or Google Sheets evaluate a cell (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate with a quote; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _flatten(value: object) -> object:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        items = value.tolist() if hasattr(value, "tolist") else value
        if isinstance(items, list):
            return "|".join(str(v) for v in items)
    return value


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


def portable_graph(g: "nx.Graph") -> "nx.Graph":
    """A copy of ``g`` whose attributes the GraphML and GEXF writers accept (no ``None``, no lists)."""
    out = g.__class__()
    out.add_nodes_from((n, {k: _portable(v) for k, v in d.items() if _portable(v) is not None})
                       for n, d in g.nodes(data=True))
    edges = g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True)
    for *ends, d in edges:
        out.add_edge(*ends, **{k: _portable(v) for k, v in d.items() if _portable(v) is not None})
    return out


def to_graphml(g: "nx.Graph") -> bytes:
    """GraphML of ``g`` (``nx.read_graphml`` reads it back)."""
    buffer = io.BytesIO()
    nx.write_graphml(portable_graph(g), buffer, encoding="utf-8")
    return buffer.getvalue()


def to_gexf(g: "nx.Graph") -> bytes:
    """GEXF 1.2 of ``g`` for Gephi (``nx.read_gexf`` reads it back)."""
    buffer = io.BytesIO()
    nx.write_gexf(portable_graph(g), buffer, encoding="utf-8")
    return buffer.getvalue()
