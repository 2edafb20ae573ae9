"""Validation of records before they are written: field -> message, empty when valid.

Pure functions (no SQL, no Streamlit). The store calls them on every write, the edit form shows
their messages next to the fields, the importer turns them into row-level reasons.

Examples
--------
>>> validate_actor({"name": "Commune d'Oujda", "kind": "municipality", "country": "MA",
...                 "lat": 34.68, "lon": -1.91})
{}
>>> validate_actor({"name": "", "kind": "club", "country": "XX"})["kind"]
'Unknown kind of actor: club.'
>>> validate_actor({"name": "A", "kind": "ngo", "country": "MA", "lat": -1.91, "lon": 34.68})["lat"]
'These coordinates are outside Morocco; latitude and longitude look swapped.'
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from . import geo
from .errors import UserError
from .formulas import is_formula
from .i18n import t
from .model import (
    ACTOR_KINDS,
    COUNTRIES,
    EVENT_KINDS,
    EVIDENCE,
    FOCUS_COUNTRIES,
    PROJECT_KINDS,
    RELATION_KINDS,
    STATUSES,
    TARGET_GROUPS,
    THEMES,
    label,
)

#: ISO 3166-1 alpha-2 codes (officially assigned).
ISO_COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

MAX_TEXT = 5000  # characters in any one field: longer is a pasted document, not a value
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ().\/-]{4,40}$")  # "+" is how international numbers start
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


class Invalid(UserError, ValueError):
    """A record that cannot be saved; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def is_blank(value: Any) -> bool:
    """None, NaN or only spaces: a field left empty.

    >>> is_blank(" "), is_blank(float("nan")), is_blank(0)
    (True, True, False)
    """
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def _list(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return list(value.tolist())
    return [] if is_blank(value) else [value]


def is_email(value: str) -> bool:
    """Plausible e-mail syntax (no check that the mailbox exists).

    >>> is_email("contact@uclga.org"), is_email("not an e-mail")
    (True, False)
    """
    return bool(_EMAIL.match(value.strip()))


def is_url(value: str) -> bool:
    """An http(s) address with a host name (no other scheme can be a link in a popup).

    >>> is_url("https://www.uclga.org/"), is_url("javascript:alert(1)"), is_url("www")
    (True, False, False)
    """
    parsed = urlparse(value.strip())
    return parsed.scheme in ("http", "https") and "." in parsed.netloc and " " not in value.strip()


def text_problem(value: Any, lang: str = "en") -> str | None:
    """Why a free-text value cannot be stored as is (markup, formula, size), or None.

    >>> text_problem("<script>alert(1)</script>")
    'Contains HTML markup; write plain text.'
    >>> text_problem("=HYPERLINK(\\"http://x\\")")
    'Starts like a spreadsheet formula (=, +, -, @).'
    >>> text_problem("Association Marocaine d'Appui") is None
    True
    """
    if is_blank(value):
        return None
    text = str(value)
    if len(text) > MAX_TEXT:
        return t("valid.too_long", lang, n=len(text), max=MAX_TEXT)
    if _MARKUP.search(text):
        return t("valid.markup", lang)
    if is_formula(text):
        return t("valid.formula", lang)
    return None


def _require(record: Mapping[str, Any], fields: tuple[str, ...], errors: dict[str, str], lang: str) -> None:
    for name in fields:
        if is_blank(record.get(name)):
            errors[name] = t("valid.required", lang)


def _check_code(record: Mapping[str, Any], name: str, codes, message: str, errors: dict[str, str],
                lang: str) -> None:
    """A filled-in code must be one of ``codes`` (a vocabulary, the ISO countries)."""
    value = record.get(name)
    if not is_blank(value) and value not in codes:
        errors[name] = t(message, lang, value=value)


def _check_list(record: Mapping[str, Any], name: str, vocabulary, errors: dict[str, str], lang: str) -> None:
    unknown = [v for v in _list(record.get(name)) if v not in vocabulary]
    if unknown:
        errors[name] = t("valid.vocabulary", lang, values=", ".join(map(str, unknown)))


def _check_texts(record: Mapping[str, Any], fields: tuple[str, ...], errors: dict[str, str], lang: str) -> None:
    for name in fields:
        problem = text_problem(record.get(name), lang)
        if problem and name not in errors:
            errors[name] = problem


def check_evidence(record: Mapping[str, Any], fields: tuple[str, ...] = ("evidence",),
                   lang: str = "en") -> dict[str, str]:
    """Messages for evidence levels: known codes, and a written note for anything not stated
    (an inference says its reasoning, an external fact its reference).

    >>> check_evidence({"evidence": "inferred"})
    {'evidence_note': 'Say how this is known: the reasoning, or the outside reference.'}
    >>> check_evidence({"evidence": "stated"}), check_evidence({"evidence": "rumour"})["evidence"]
    ({}, 'Not in the list: rumour')
    """
    errors: dict[str, str] = {}
    for name in fields:
        _check_code(record, name, EVIDENCE, "valid.evidence", errors, lang)
    if any(record.get(name) in ("inferred", "external") for name in fields) and is_blank(record.get("evidence_note")):
        errors["evidence_note"] = t("valid.evidence_note", lang)
    errors.update({k: v for k, v in [("evidence_note", text_problem(record.get("evidence_note"), lang))] if v})
    return errors


def is_date(value: str) -> bool:
    """A real, possibly partial, ISO date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> is_date("2021"), is_date("2021-02"), is_date("2021-02-28"), is_date("2021-13-45"), is_date("2021-02-30")
    (True, True, True, False, False)
    """
    from datetime import date

    text = value.strip()
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _check_date(record: Mapping[str, Any], name: str, errors: dict[str, str], lang: str) -> None:
    value = record.get(name)
    if not is_blank(value) and not is_date(str(value)):
        errors[name] = t("valid.date", lang, value=str(value)[:40])


def check_position(country: str | None, lat: Any, lon: Any, lang: str = "en") -> str | None:
    """Why ``lat``/``lon`` do not fit ``country`` (range, outside the country, swapped), or None.

    Only the four focus countries have shipped outlines; elsewhere only the ranges are checked.

    >>> check_position("SN", 14.69, -17.44) is None
    True
    >>> check_position("SN", 34.0, -6.8)
    'These coordinates are outside Senegal.'
    >>> check_position("DE", 95, 7)
    'Latitude must be between -90 and 90, longitude between -180 and 180.'
    """
    if is_blank(lat) and is_blank(lon):
        return None
    if is_blank(lat) or is_blank(lon):
        return t("valid.coords_both", lang)
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        return t("valid.coords_number", lang)
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return t("valid.coords_range", lang)
    if country not in FOCUS_COUNTRIES:
        return None
    here = geo.locate(la, lo)
    if here and here["country"] == country:
        return None
    name = label(COUNTRIES, country, lang)
    swapped = geo.locate(lo, la) if -90 <= lo <= 90 else None
    if swapped and swapped["country"] == country:
        return t("valid.coords_swapped", lang, country=name)
    return t("valid.coords_outside", lang, country=name)


def validate_actor(record: Mapping[str, Any], lang: str = "en") -> dict[str, str]:
    """Messages for an organisation file: required fields, vocabularies, ISO country,
    coordinates inside the stated country, URL and e-mail syntax, plain text."""
    errors: dict[str, str] = {}
    # The country may be unknown (seat not stated in the sources); a point then has nothing to fit.
    _require(record, ("name", "kind"), errors, lang)
    _check_code(record, "kind", ACTOR_KINDS, "valid.kind", errors, lang)
    _check_code(record, "country", ISO_COUNTRIES, "valid.country", errors, lang)
    country = record.get("country")
    if is_blank(country) and not (is_blank(record.get("lat")) and is_blank(record.get("lon"))):
        errors["country"] = t("valid.coords_country", lang)
    _check_list(record, "themes", THEMES, errors, lang)
    _check_list(record, "target_groups", TARGET_GROUPS, errors, lang)
    if record.get("status") is not None and record.get("status") not in STATUSES:
        errors["status"] = t("valid.status", lang, value=record.get("status"))
    if "country" not in errors:
        problem = check_position(country, record.get("lat"), record.get("lon"), lang)
        if problem:
            errors["lat"] = problem
    region = record.get("region_code")
    if not is_blank(region) and country in FOCUS_COUNTRIES and geo.region_name(region) is None:
        errors["region_code"] = t("valid.region", lang, value=region)
    if not is_blank(record.get("website")) and not is_url(str(record["website"])):
        errors["website"] = t("valid.url", lang)
    for name in ("public_email", "contact_email"):
        if not is_blank(record.get(name)) and not is_email(str(record[name])):
            errors[name] = t("valid.email", lang)
    _check_date(record, "valid_from", errors, lang)
    _check_date(record, "valid_to", errors, lang)
    phone = record.get("public_phone")
    if not is_blank(phone) and not _PHONE.match(str(phone).strip()):
        errors["public_phone"] = t("valid.phone", lang)
    _check_texts(record, ("name", "acronym", "name_fr", "name_en", "name_ar", "city", "description",
                          "contact_name", "contact_role", "note"), errors, lang)
    for other in _list(record.get("other_names")):
        problem = text_problem(other, lang)
        if problem:
            errors.setdefault("other_names", problem)
    errors.update(check_evidence(record, ("evidence", "place_evidence", "dates_evidence"), lang))
    return errors


def validate_relation(record: Mapping[str, Any], lang: str = "en") -> dict[str, str]:
    """Messages for a relation: both ends, a known kind, not an actor with itself, ISO dates.

    >>> validate_relation({"source_actor": "a", "target_actor": "a", "kind": "funds"})["target_actor"]
    'A relation needs two different actors.'
    """
    errors: dict[str, str] = {}
    _require(record, ("source_actor", "target_actor", "kind"), errors, lang)
    if not errors and record["source_actor"] == record["target_actor"]:
        errors["target_actor"] = t("valid.self_relation", lang)
    _check_code(record, "kind", RELATION_KINDS, "valid.relation_kind", errors, lang)
    _check_date(record, "start_date", errors, lang)
    _check_date(record, "end_date", errors, lang)
    _check_texts(record, ("note",), errors, lang)
    errors.update(check_evidence(record, lang=lang))
    return errors


def validate_project(record: Mapping[str, Any], lang: str = "en") -> dict[str, str]:
    """Messages for a project or programme.

    >>> validate_project({"name": "RECOSA", "kind": "project", "start_date": "2020"})
    {}
    """
    errors: dict[str, str] = {}
    _require(record, ("name", "kind"), errors, lang)
    _check_code(record, "kind", PROJECT_KINDS, "valid.kind", errors, lang)
    _check_list(record, "themes", THEMES, errors, lang)
    _check_date(record, "start_date", errors, lang)
    _check_date(record, "end_date", errors, lang)
    _check_texts(record, ("name", "acronym", "description"), errors, lang)
    errors.update(check_evidence(record, lang=lang))
    return errors


def validate_event(record: Mapping[str, Any], lang: str = "en") -> dict[str, str]:
    """Messages for an event (training, meeting, webinar...).

    >>> validate_event({"name": "Webinar", "kind": "webinar", "start_date": "12/04/2021"})["start_date"]
    'Not a date (YYYY, YYYY-MM or YYYY-MM-DD): 12/04/2021.'
    """
    errors: dict[str, str] = {}
    _require(record, ("name", "kind"), errors, lang)
    _check_code(record, "kind", EVENT_KINDS, "valid.kind", errors, lang)
    _check_code(record, "country", ISO_COUNTRIES, "valid.country", errors, lang)
    country = record.get("country")
    if not is_blank(country) and "country" not in errors:
        problem = check_position(country, record.get("lat"), record.get("lon"), lang)
        if problem:
            errors["lat"] = problem
    _check_date(record, "start_date", errors, lang)
    _check_date(record, "end_date", errors, lang)
    _check_texts(record, ("name", "city", "description"), errors, lang)
    errors.update(check_evidence(record, lang=lang))
    return errors


VALIDATORS = {"actor": validate_actor, "relation": validate_relation, "project": validate_project,
              "event": validate_event}
