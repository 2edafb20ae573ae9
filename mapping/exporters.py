"""Exports of what a user found. Spreadsheet-safe: no exported cell can run as a formula.

Examples
--------
>>> neutralise("=SUM(A1:A9)")
"'=SUM(A1:A9)"
>>> neutralise("Rabat"), neutralise(-3)
('Rabat', -3)
"""
from __future__ import annotations

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
