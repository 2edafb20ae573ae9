"""Interface translations.

One JSON catalogue per language sits next to this module (``locales/<lang>.json``), with a
``_meta`` entry giving the language's name and writing direction. Adding a language (Arabic,
right-to-left) means adding a file, not touching pages.

Examples
--------
>>> t("directory.title", "fr")
'Annuaire des acteurs'
>>> t("directory.count", "en", n=3)
'3 actors'
>>> direction("en")
'ltr'
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "fr"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat key -> text catalogue of ``lang`` (``{}`` when the language is unknown)."""
    path = LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def languages() -> dict[str, str]:
    """Available languages: code -> name in that language."""
    return {p.stem: catalogue(p.stem).get("_meta.name", p.stem) for p in sorted(LOCALES.glob("*.json"))}


def direction(lang: str) -> str:
    """``ltr`` or ``rtl``."""
    return catalogue(lang).get("_meta.direction", "ltr")


def normalise_lang(value: object, accept_language: str | None = None) -> str:
    """Pick a supported language from a URL value, else a browser Accept-Language header.

    >>> normalise_lang("EN"), normalise_lang(None, "fr-FR,fr;q=0.9"), normalise_lang("xx")
    ('en', 'fr', 'fr')
    """
    supported = languages()
    if isinstance(value, str) and value.lower()[:2] in supported:
        return value.lower()[:2]
    for part in (accept_language or "").split(","):
        code = part.strip()[:2].lower()
        if code in supported:
            return code
    return DEFAULT_LANG


def number(value: float, lang: str = DEFAULT_LANG) -> str:
    """A number as the language writes it (separators from the catalogue's ``_meta``); numbers
    under 10,000 are not grouped (years, small counts).

    >>> number(12345, "en"), number(12345, "fr"), number(0.25, "fr"), number(2026, "fr")
    ('12,345', '12\u202f345', '0,25', '2026')
    >>> number(12345.5, "en"), number(12345.5, "fr")
    ('12,345.5', '12\u202f345,5')
    """
    meta = catalogue(lang)
    thousands, decimal = meta.get("_meta.thousands", ","), meta.get("_meta.decimal", ".")
    if isinstance(value, float) and not value.is_integer():
        # Four significant digits below 10,000; above, grouped with one decimal (never "1.2e+04").
        text = f"{value:.4g}" if abs(value) < 10_000 else f"{value:,.1f}"
    else:
        text = f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return "".join(thousands if c == "," else decimal if c == "." else c for c in text)


def date(value: str | None, lang: str = DEFAULT_LANG) -> str:
    """An ISO date, possibly partial (YYYY, YYYY-MM), as the language writes it.

    >>> date("2021-04-12", "en"), date("2021-04-12", "fr"), date("2017-03", "fr"), date("2016", "en")
    ('12 Apr 2021', '12 avr. 2021', 'mars 2017', '2016')
    >>> date("not a date", "en"), date(None, "fr")
    ('not a date', '')
    """
    if not value:
        return ""
    parts = str(value)[:10].split("-")
    months = catalogue(lang).get("_meta.months", "").split("|")
    try:
        month = months[int(parts[1]) - 1] if len(parts) > 1 and len(months) == 12 else None
    except ValueError:
        return str(value)
    if not parts[0].isdigit() or len(parts[0]) != 4 or (len(parts) > 1 and month is None):
        return str(value)
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}" if parts[2].isdigit() else str(value)


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Translate ``key``; falls back to English, then to the key itself so a gap is visible.
    Numbers among ``values`` are written the language's way (:func:`number`)."""
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if not values:
        return text
    shown = {k: number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
             for k, v in values.items()}
    return text.format(**shown)


