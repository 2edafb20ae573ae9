"""Areas of operation as an organisation file shows them: one line per place, its sectors and periods.

A 3W gives one row per organisation, place and sector; the file lists each place once with the
sectors worked there (the database keeps every row, see :meth:`mapping.store.Store.actor_areas`).

Examples
--------
>>> rows = pd.DataFrame({"country": ["ML", "ML", "ML"], "region_code": ["ML-5", "ML-5", "ML-4"],
...     "city": ["Mopti", "Mopti", None], "sector": ["Santé", "Protection", None], "period": [None, None, "2022"]})
>>> areas_table(rows, "fr").values.tolist()
[['Mali', 'Mopti', 'Mopti', 'Protection, Santé', ''], ['Mali', 'Ségou', '', '', '2022']]
"""
from __future__ import annotations

import pandas as pd

from . import geo
from .countries import country_name
from .i18n import t

COLUMNS = ("country", "region", "city", "sector", "period")


def _joined(values: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in values if isinstance(v, str) and v}))


def areas_table(areas: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``areas`` (``country``, ``region_code``, ``city``, ``sector``, ``period``) -> one row per place,
    headed in ``lang``; sorted by country, region and city."""
    if areas.empty:
        return pd.DataFrame(columns=[t(f"areas.col.{c}", lang) for c in COLUMNS])
    frame = areas.assign(city=areas["city"].fillna(""), region_code=areas["region_code"].fillna(""))
    grouped = frame.groupby(["country", "region_code", "city"], sort=False).agg(
        sector=("sector", _joined), period=("period", _joined)).reset_index()
    grouped["region"] = [geo.region_name(code, lang) or code for code in grouped["region_code"]]
    grouped["country"] = [country_name(code, lang) for code in grouped["country"]]
    grouped = grouped.sort_values(["country", "region", "city"])[list(COLUMNS)]
    return grouped.rename(columns={c: t(f"areas.col.{c}", lang) for c in COLUMNS}).reset_index(drop=True)
