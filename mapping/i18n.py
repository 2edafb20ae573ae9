"""Interface translations.

One JSON catalogue per language sits next to this module (``locales/<lang>.json``), with
``_meta`` entries giving the language's name, writing direction and (optionally) its CLDR locale.
Every user-facing string is there, vocabulary labels included (``vocab.<vocabulary>.<code>``).
Numbers, dates and plural forms follow the locale's CLDR rules through Babel. Adding a language
(Arabic, right-to-left) means adding a file, not touching code.

A message with plural forms is an object of CLDR categories (``zero``, ``one``, ``two``, ``few``,
``many``, ``other``; ``other`` is required) chosen by the count passed as ``n``.

Examples
--------
>>> t("directory.title", "fr")
'Annuaire des acteurs'
>>> t("directory.count", "en", n=3), t("directory.count", "en", n=1), t("directory.count", "fr", n=0)
('3 actors', '1 actor', '0 acteur')
>>> direction("en")
'ltr'
"""
from __future__ import annotations

import datetime as dt
import json
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal

LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "fr"


@cache
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    """The flat key -> text catalogue of ``lang`` (``{}`` when the language is unknown)."""
    path = LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def languages() -> dict[str, str]:
    """Available languages: code -> name in that language."""
    return {p.stem: str(catalogue(p.stem).get("_meta.name", p.stem)) for p in sorted(LOCALES.glob("*.json"))}


def direction(lang: str) -> str:
    """``ltr`` or ``rtl``."""
    return str(catalogue(lang).get("_meta.direction", "ltr"))


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


@cache
def locale(lang: str) -> Locale:
    """The CLDR locale of ``lang``: the catalogue's ``_meta.locale`` (``en_GB``: the atlas writes
    British English), else the code itself, else English rules for a code CLDR does not know."""
    try:
        return Locale.parse(str(catalogue(lang).get("_meta.locale") or lang))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


@lru_cache(maxsize=4096)  # an import's report writes a row number on each of thousands of lines
def number(value: float, lang: str = DEFAULT_LANG) -> str:
    """A number as the language writes it (CLDR separators); numbers under 10,000 are not
    grouped (years, small counts); four significant digits below 10,000, one decimal above.

    >>> number(12345, "en"), number(12345, "fr"), number(0.25, "fr"), number(2026, "fr")
    ('12,345', '12\u202f345', '0,25', '2026')
    >>> number(12345.5, "en"), number(12345.5, "fr"), number(3.14159, "en")
    ('12,345.5', '12\u202f345,5', '3.142')
    """
    if isinstance(value, float) and not value.is_integer():
        value = float(f"{value:.4g}") if abs(value) < 10_000 else round(value, 1)
    return format_decimal(value, format="#,##0.####", locale=locale(lang), group_separator=abs(value) >= 10_000)


def date(value: str | None, lang: str = DEFAULT_LANG) -> str:
    """An ISO date, possibly partial (YYYY, YYYY-MM), as the language writes it (CLDR).

    >>> date("2021-04-12", "en"), date("2021-04-12", "fr"), date("2017-03", "fr"), date("2016", "en")
    ('12 Apr 2021', '12 avr. 2021', 'mars 2017', '2016')
    >>> date("not a date", "en"), date(None, "fr"), date("2021-13", "en")
    ('not a date', '', '2021-13')
    """
    if not value:
        return ""
    text = str(value)[:10]
    parts = text.split("-")
    if not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts) > 3:
        return str(value)
    if len(parts) == 1:
        return parts[0]
    try:
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
    except ValueError:
        return str(value)
    return format_skeleton("yMMMd" if len(parts) == 3 else "yMMM", day, locale=locale(lang))


def plural(forms: dict[str, str], n: float, lang: str = DEFAULT_LANG) -> str:
    """The form of a plural message for ``n`` (CLDR categories; ``other`` when the language's
    category is missing).

    >>> plural({"one": "{n} error", "other": "{n} errors"}, 1, "en"), plural({"one": "{n} erreur", "other": "x"}, 0, "fr")
    ('{n} error', '{n} erreur')
    """
    return forms.get(locale(lang).plural_form(abs(n)), forms["other"])


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Translate ``key``; falls back to English, then to the key itself so a gap is visible.
    Numbers among ``values`` are written the language's way (:func:`number`); a plural message
    takes its form from ``n``."""
    entry = catalogue(lang).get(key) or catalogue("en").get(key) or key
    count = values.get("n", 0)
    text = plural(entry, count if isinstance(count, (int, float)) else 0, lang) if isinstance(entry, dict) else entry
    if not values:
        return text
    shown = {k: number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
             for k, v in values.items()}
    return text.format(**shown)


