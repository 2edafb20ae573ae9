"""Country names and codes as partners write them: ISO 3166 alpha-2 or alpha-3, English or French
names, official names. Resolved with pycountry (the ISO 3166 tables and their translations), not a
hand-written list, so every country of a multi-country 3W is recognised, not only the atlas's.

Examples
--------
>>> [country_code(v) for v in ("SEN", "sn", "Sénégal", "Tchad", "Republic of Côte d'Ivoire", "Sahel")]
['SN', 'SN', 'SN', 'TD', 'CI', None]
>>> country_name("TD", "fr"), country_name("NE", "en")
('Tchad', 'Niger')
"""
from __future__ import annotations

import gettext
import json
import re
from functools import lru_cache
from typing import Any

import pycountry

from . import geo
from .geo import normalize
from .i18n import languages
from .model import COUNTRIES, label

#: Spellings ISO does not list but partners' files use.
_USUAL = {"ivory coast": "CI", "cote divoire": "CI", "royaume du maroc": "MA", "republique du mali": "ML",
          "republique du senegal": "SN", "republique de cote d ivoire": "CI"}


@lru_cache(maxsize=1)
def _french() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - pycountry ships the catalogue
        return gettext.NullTranslations()


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    french = _french()
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(normalize(value), code)
                index.setdefault(normalize(french.gettext(value)), code)
        index[normalize(country.alpha_3)] = code
        index[normalize(code)] = code
    for code in COUNTRIES:
        for lang in languages():
            index[normalize(label(COUNTRIES, code, lang))] = code
    return index | _USUAL


def country_code(value: str | None) -> str | None:
    """ISO alpha-2 code of a country written as a code or a name, or None when it is none.

    Parameters
    ----------
    value : str
        ``"ML"``, ``"MLI"``, ``"Mali"``, ``"République du Sénégal"``, ``"Tchad"``…
    """
    key = normalize(value)
    if not key:
        return None
    return _index().get(key)


def code_prefix(pcode: str | None) -> str | None:
    """The country of an OCHA p-code or ISO 3166-2 code from its letters (``TD07``, ``MLI05``, ``SN-DK``).

    >>> code_prefix("TD07"), code_prefix("MLI05"), code_prefix("ML0506"), code_prefix("CI-01"), code_prefix("12")
    ('TD', 'ML', 'ML', 'CI', None)
    """
    match = re.match(r"\s*([A-Za-z]{2,3})(?=[-_ ]?[0-9A-Za-z])", pcode or "")
    if not match:
        return None
    letters = match.group(1).upper()
    found = (pycountry.countries.get(alpha_3=letters) if len(letters) == 3 else None) or \
        pycountry.countries.get(alpha_2=letters[:2])
    return found.alpha_2 if found else None


def country_name(code: str, lang: str = "en") -> str:
    """The usual name of a country in ``lang`` (``en`` or ``fr``); the code when ISO has no such country."""
    if code in COUNTRIES:
        return label(COUNTRIES, code, lang)
    found = pycountry.countries.get(alpha_2=code)
    if not found:
        return code
    name = getattr(found, "common_name", None) or found.name
    return _french().gettext(found.name) if lang == "fr" else name


@lru_cache(maxsize=1)
def _world():
    import shapely
    from shapely.geometry import shape

    features = json.loads((geo.GEO_DIR / "world.geojson").read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["country"] for f in features]
    return codes, shapely.STRtree([shape(f["geometry"]) for f in features])


def outlines() -> list[tuple[str, Any]]:
    """Every country of the world as (ISO alpha-2 code, simplified shapely outline)."""
    codes, tree = _world()
    return list(zip(codes, tree.geometries))


def country_at(lat: float, lon: float) -> str | None:
    """The country (ISO alpha-2) whose outline holds a point, anywhere in the world, or None at sea.

    Outlines are simplified (``data/geo/world.geojson``, about 10 km): good enough to say which
    country a row of a multi-country 3W lies in, not to settle a border village.

    >>> country_at(12.11, 15.04), country_at(13.51, 2.11), country_at(0.0, -30.0)
    ('TD', 'NE', None)
    """
    from shapely.geometry import Point

    codes, tree = _world()
    hits = tree.query(Point(lon, lat), predicate="intersects")
    return codes[int(min(hits))] if len(hits) else None
