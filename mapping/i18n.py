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
from functools import lru_cache
from pathlib import Path
from typing import Mapping

LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "fr"


@lru_cache(maxsize=None)
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


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Translate ``key``; falls back to English, then to the key itself so a gap is visible."""
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    return text.format(**values) if values else text


