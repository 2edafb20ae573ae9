"""Spreadsheets from partners -> a checked import plan, row by row, before anything is written.

Reads CSV (UTF-8 with or without BOM, Windows-1252/Latin-1; ``,`` ``;`` or tab) and XLSX
(openpyxl), French or English headers with their usual synonyms, and HXL-tagged 3W files (a tag
row such as ``#org``, ``#adm1``, ``#loc``, ``#sector`` under the header; several rows of one
organisation become one actor with several areas of operation). Pure: no SQL — the store
applies a plan in one transaction, or nothing (:meth:`mapping.store.Store.apply_import`).

Examples
--------
>>> plan = plan_import("Nom de l'organisation;Type d'acteur;Pays;Ville\\nAssociation Oujda Accueil;ONG;Maroc;Oujda\\n"
...                    .encode("cp1252"), "partners.csv")
>>> plan.ok, plan.rows[0].status, plan.actors[0]["kind"], plan.actors[0]["region_code"]
(True, 'new', 'ngo', 'MA-02')
"""
from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import pandas as pd

from . import countries, dedupe, geo, i18n, kinds, sheets
from .filelimits import MAX_BYTES, MAX_ROWS, FileProblem, check_text, check_xlsx
from .formulas import unquote
from .geo import normalize
from .i18n import t
from .model import ACTOR_KINDS, EVIDENCE, FOCUS_COUNTRIES, TARGET_GROUPS, THEMES, Vocabulary, label, merge_lists
from .validate import MAX_TEXT, is_date, validate_actor

#: Where an organisation's own office is; in a 3W these are areas of operation instead.
SEAT_FIELDS = ("region_code", "region", "city", "lat", "lon")


def _synonyms(table: dict[str, str]) -> dict[str, str]:
    out = {}
    for field_name, words in table.items():
        for word in words.split("|"):
            out[normalize(word)] = field_name
    return out


# Field -> header spellings met in partners' files (compared after :func:`mapping.geo.normalize`).
HEADERS = _synonyms({
    "id": "id|identifiant|actor id",
    "name": "name|nom|nom de l organisation|nom de l'organisation|organisation|organization|organisation name|"
            "organization name|nom de la structure|structure|raison sociale|acteur|actor|nom organisation",
    "acronym": "acronym|acronyme|sigle|abbreviation|abreviation",
    "name_ar": "name ar|arabic name|nom arabe|nom en arabe|الاسم",
    "kind": "kind|type|type d acteur|type d'acteur|type of actor|actor type|categorie|category|type d organisation|"
            "organisation type|organization type|type de structure",
    "country": "country|pays|country code|code pays",
    "region": "region|région|admin1|admin 1|region name|province|district",
    "region_code": "region code|code region|admin1 code",
    "city": "city|ville|commune|localite|locality|town|lieu|location",
    "lat": "lat|latitude|y|depart latitude",
    "lon": "lon|lng|long|longitude|x|depart longitude",
    "themes": "themes|theme|thematiques|thematique|domaines|domaine|domaine d intervention|domaines d intervention",
    "sector": "sector|sectors|secteur|secteurs|cluster|secteur d intervention|secteur d activite",
    "start": "start|start date|date debut|date de debut|debut",
    "end": "end|end date|date fin|date de fin|fin",
    "target_groups": "target groups|target group|public cible|publics cibles|cibles|beneficiaires",
    "website": "website|site web|site internet|url|web",
    "public_email": "email|e mail|courriel|mail|adresse e mail|adresse email",
    "public_phone": "phone|telephone|tel|téléphone",
    "description": "description|activites|activities|mission|presentation",
    "contact_name": "contact|personne de contact|contact person|point focal|focal point|nom du contact",
    "contact_email": "contact email|email du contact|e mail du contact",
    "other_names": "other names|autres noms|also known as",
    "evidence": "evidence|preuve|niveau de preuve|how known|source level",
    "place_evidence": "place evidence|preuve du lieu",
    "dates_evidence": "dates evidence|preuve des dates",
    "evidence_note": "evidence note|note de preuve|how it is known|reasoning",
})

#: Labels partners use for kinds, themes and target groups, beyond our own labels and codes.
KIND_WORDS = _synonyms({
    "ngo": "ong|ngo|ingo|association|civil society|societe civile|organisation non gouvernementale|"
           "international ngo|ong internationale|national ngo|ong nationale",
    "municipality": "commune|municipalite|municipality|mairie|city council|ville|local authority|collectivite locale",
    "regional_council": "conseil regional|regional council|region",
    "ministry": "ministere|ministry|government|gouvernement|administration|government agency|agence gouvernementale",
    "international_organisation": "organisation internationale|international organization|un agency|agence onu|"
                                  "agence des nations unies|united nations|onu|io",
    "donor": "bailleur|bailleur de fonds|donor|funder",
    "development_agency": "agence de cooperation|agence de developpement|development agency|cooperation agency",
    "migrant_association": "association de migrants|migrant association|diaspora association|association de la diaspora",
    "training_institution": "institution de formation|training institution|centre de formation|ecole",
    "research": "universite|university|research|recherche|academia|think tank",
    "network": "reseau|network|federation",
    "private_sector": "entreprise|private sector|secteur prive|company",
})
THEME_WORDS = _synonyms({
    "health": "health|sante|covid 19|covid",
    "migrants_rights": "protection|droits|rights|human rights|droits humains",
    "capacity_building": "education|formation|training|capacity building|renforcement des capacites",
    "economic_integration": "livelihoods|moyens de subsistance|emploi|employment|insertion economique|"
                            "insertion professionnelle|economic recovery",
    "basic_services": "shelter|abris|wash|eau hygiene et assainissement|logement|services de base",
    "psychosocial_support": "psychosocial|mental health|sante mentale|mhpss",
    "social_integration": "integration|inclusion sociale|social cohesion|cohesion sociale",
    "awareness_raising": "sensibilisation|awareness|communication",
    "research_knowledge": "research|recherche|etudes|data|donnees",
})
TARGET_WORDS = _synonyms({
    "migrants": "migrants|migrant|migrants regularises",
    "refugees": "refugies|refugees|demandeurs d asile|asylum seekers",
    "returnees": "returnees|retournes|migrants de retour",
    "youth": "jeunes|youth|young people",
    "women": "femmes|women",
})


def _vocabulary_index(vocabulary: Vocabulary, extra: dict[str, str]) -> dict[str, str]:
    """Normalised code, words and labels in every catalogue's language -> code."""
    index = dict(extra)
    for code in vocabulary:
        index[normalize(code)] = code
        index[normalize(code.replace("_", " "))] = code
        for lang in i18n.languages():
            index[normalize(label(vocabulary, code, lang))] = code
    return index


KINDS = _vocabulary_index(ACTOR_KINDS, KIND_WORDS)
THEME_INDEX = _vocabulary_index(THEMES, THEME_WORDS)
TARGET_INDEX = _vocabulary_index(TARGET_GROUPS, TARGET_WORDS)
EVIDENCE_INDEX = _vocabulary_index(EVIDENCE, {})


@dataclass
class RowReport:
    """One line of the preview: the file's row number (header = 1), what will happen, why."""

    row: int
    status: str  # new | update | duplicate | area | outside | error
    name: str = ""
    actor_id: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do. ``ok`` only when the file was read and no row has an error."""

    file_name: str
    rows: list[RowReport] = field(default_factory=list)
    actors: list[dict] = field(default_factory=list)  # records to write; "_action": new | update
    problem: str | None = None  # the whole file could not be used
    hxl: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    ignored: list[str] = field(default_factory=list)  # headers not understood
    header_row: int | None = None  # the file's row number of the text header
    skipped: list[tuple[int, str]] = field(default_factory=list)  # title and note rows above the header
    outside: dict[str, int] = field(default_factory=dict)  # country (or what the file says) -> rows skipped
    areas_only: bool = False  # a 3W: every row is an area of operation, none says where the seat is
    sheet: str | None = None  # the workbook's sheet read, when not the first

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.actors) and not any(r.status == "error" for r in self.rows)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("new", "update", "duplicate", "area", "outside", "error")}
        for r in self.rows:
            out[r.status] += 1
        return out

    def report(self) -> pd.DataFrame:
        """The row-by-row report (what the preview shows and the download holds)."""
        return pd.DataFrame([{"row": r.row, "status": r.status, "name": r.name, "actor_id": r.actor_id or "",
                              "reasons": "; ".join(r.reasons)} for r in self.rows],
                            columns=["row", "status", "name", "actor_id", "reasons"])

    def outside_text(self, lang: str = "en") -> str:
        """Rows skipped as outside the atlas's countries, largest group first: "412 rows in Chad, 96 in Niger"."""
        groups = sorted(self.outside.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(t("import.outside_unknown", lang, n=n) if c == "?" else
                         t("import.outside_group", lang, n=n, country=countries.country_name(c, lang))
                         for c, n in groups)

    def summary(self, lang: str = "en") -> str:
        if self.problem:
            return self.problem
        c = self.counts()
        text = t("import.summary", lang, **{k: t(f"import.summary.{k}", lang, n=c[k])
                                            for k in ("new", "update", "duplicate", "area", "error")})
        if self.outside:
            text += " " + t("import.outside_summary", lang, where=self.outside_text(lang))
        if self.skipped:
            text += " " + t("import.skipped_rows", lang, row=self.header_row,
                            rows=", ".join(str(n) for n, _ in self.skipped))
        return text


# -- reading ----------------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """Text of a CSV: UTF-8 (BOM or not), else Windows-1252, else Latin-1.

    >>> decode("Fès".encode("utf-8-sig")), decode("Fès".encode("cp1252"))
    ('Fès', 'Fès')
    """
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("unreadable text")  # pragma: no cover - latin-1 decodes any bytes


def _csv_rows(text: str, lang: str) -> list[list[str]]:
    if "\x00" in text:
        raise FileProblem(t("import.binary", lang))
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    # The header decides the delimiter: partners' files are "," (English), ";" (French Excel) or tab.
    delimiter = max([",", ";", "\t"], key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:  # limits checked while reading: a file of blank lines stops early
            check_text(len(rows) + 1, row, lang)
            rows.append(row)
    except csv.Error as exc:
        raise FileProblem(t("import.csv_error", lang, error=str(exc))) from exc
    return rows


def _xlsx_rows(data: bytes, lang: str, info: dict | None = None) -> list[list[str]]:
    import openpyxl
    from defusedxml import DefusedXmlException

    check_xlsx(data, lang)  # sizes, entities and declared dimensions, before openpyxl reads anything
    try:
        with warnings.catch_warnings():  # "Data Validation extension is not supported": not the user's concern
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except DefusedXmlException as exc:
        raise FileProblem(t("import.xlsx_entities", lang)) from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileProblem(t("import.bad_xlsx", lang)) from exc
    try:
        # The first sheet with an HXL row is the data (3W workbooks often open on a "read me" sheet).
        if info is not None:
            info["workbook"] = "yes"  # no delimiter to get wrong
        sheet = next((ws for ws in book.worksheets if sheets.find_header(_sheet_rows(ws, sheets.SCAN_ROWS), {}).tags
                      is not None), book.worksheets[0])
        if sheet is not book.worksheets[0] and info is not None:
            info["sheet"] = sheet.title
        return _sheet_rows(sheet, MAX_ROWS + 3, lang)
    except FileProblem:
        raise
    except DefusedXmlException as exc:
        raise FileProblem(t("import.xlsx_entities", lang)) from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileProblem(t("import.bad_xlsx", lang)) from exc
    finally:
        book.close()


def _sheet_rows(sheet, limit: int, lang: str = "en") -> list[list[str]]:
    sheet.reset_dimensions()  # the declared size (often 1024 columns of nothing) pads every row
    rows: list[list[str]] = []
    with warnings.catch_warnings():  # "Data Validation extension is not supported": not the user's concern
        warnings.simplefilter("ignore", UserWarning)
        cells = list(islice(sheet.iter_rows(values_only=True), limit))
    for row in cells:
        # Sheets often declare hundreds of empty columns: trailing empty cells are not data.
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        values = ["" if v is None else (f"{v:.15g}" if isinstance(v, float) else str(v)) for v in row[:end]]
        check_text(len(rows) + 1, values, lang)  # columns and cell length (rows: the caller's limit)
        rows.append(values)
    return rows


def read_rows(data: bytes, file_name: str, lang: str = "en", info: dict | None = None) -> list[list[str]]:
    """All rows of the CSV, or of the workbook's first sheet with an HXL row (else its first sheet),
    as lists of strings (header included); ``info["sheet"]`` names a sheet other than the first."""
    if len(data) > MAX_BYTES:
        raise FileProblem(t("import.too_big", lang, mb=round(len(data) / 2 ** 20, 1), max=MAX_BYTES // 2 ** 20))
    if not data.strip():
        raise FileProblem(t("import.empty", lang))
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(data, lang, info)
    else:
        rows = _csv_rows(decode(data), lang)
    rows = [[unquote(c.strip()) for c in row] for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS + 2:
        raise FileProblem(t("import.too_many_rows", lang, max=MAX_ROWS))
    return rows


# -- values -----------------------------------------------------------------------------------
def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


def _codes(text: str, index: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a list cell (``|``, ``;``, ``,`` or ``/``) into known codes and unknown values."""
    known: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[|;,/]", text):
        if not part.strip():
            continue
        code = index.get(normalize(part))
        (known if code else unknown).append(code or part.strip())
    return list(dict.fromkeys(known)), unknown


@lru_cache(maxsize=1)
def _region_index() -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], set[str]]]:
    """(country, folded name or code) -> shipped region codes: the boundaries' own names first, then
    today's names and ISO 3166-2 codes of ``data/geo/region_aliases.csv`` (Abidjan, Ménaka…, built by
    ``scripts/build_region_aliases.py``), used only when the boundaries' names do not match."""
    own: dict[tuple[str, str], set[str]] = {}
    frame = geo.regions()
    for column in ("name", "name_en", "name_ar"):
        for country, code, name in zip(frame["country"], frame["region_code"], frame[column]):
            own.setdefault((country, normalize(name)), set()).add(code)
    aliases: dict[tuple[str, str], set[str]] = {}
    with open(geo.GEO_DIR / "region_aliases.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for key in (row["alias"], row["alias"].split(" (")[0], row["iso_code"]):
                aliases.setdefault((row["country"], normalize(key)), set()).add(row["region_code"])
    return own, aliases


@lru_cache(maxsize=1)
def _shipped_codes() -> frozenset[str]:
    return frozenset(geo.regions()["region_code"])


def _region_code(region: str, country: str | None) -> str | None:
    """The shipped region a code or name stands for, within ``country`` (any focus country if None).

    >>> _region_code("Ségou", "ML"), _region_code("segou", None), _region_code("MA-02", "MA"), _region_code("Lac", "ML")
    ('ML-4', 'ML-4', 'MA-02', None)
    >>> _region_code("Abidjan", "CI"), _region_code("CI-AB", None), _region_code("Ménaka", "ML"), _region_code("Lacs", "CI")
    ('CI-01', 'CI-01', 'ML-7', 'CI-07')
    """
    value = region.strip()
    if value in _shipped_codes():
        return value if country is None or value[:2] == country else None
    key = normalize(value)
    for index in _region_index():
        hits = set().union(*(index.get((c, key), set()) for c in ([country] if country else FOCUS_COUNTRIES)))
        if hits:
            return next(iter(hits)) if len(hits) == 1 else None
    return None


# An id is part of addresses (?actor=) and of other records' keys: letters, digits and . _ : - only.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


def _date(text: str) -> str:
    """An ISO date from a cell (``2021-03-01 00:00:00`` from a spreadsheet), else the text as written."""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", text)
    return match.group(1) if match else text.strip()[:40]


def _country(raw: dict[str, str], here: dict | None, elsewhere: str | None) -> tuple[str | None, str | None]:
    """(country, stated country) of a row: the point's when inside the atlas's countries, or outside
    them unless the file states one of them (then the point is a mistake validation reports), else
    the stated one, else the country of its region's code (p-code letters), else of its region's name."""
    stated = countries.country_code(raw.get("country")) if raw.get("country") else None
    if here:
        return here["country"], stated
    if elsewhere and stated not in FOCUS_COUNTRIES:
        return elsewhere, stated
    if stated:
        return stated, stated
    coded = countries.code_prefix(raw.get("region_code")) or countries.code_prefix(raw.get("pcode"))
    if coded:
        return coded, None
    for value in (raw.get("region_code"), raw.get("region")):
        code = _region_code(value, None) if value else None
        if code:
            return code[:2], None
    return None, None


def _record(raw: dict[str, str], lang: str, default_kind: str | None = None) -> tuple[dict, list[str], list[str]]:
    """One row's cells -> an actor record, its errors and its warnings.

    Where the row is: coordinates inside one of the atlas's countries decide (the stated country
    and region are checked against them); without them the stated country, region or p-code do.
    A record outside the atlas's countries carries ``_outside`` (the country or what the file says).
    """
    errors: list[str] = []
    warnings: list[str] = []
    record: dict = {}
    for name in ("id", "name", "acronym", "name_ar", "city", "website", "public_email", "public_phone",
                 "description", "contact_name", "contact_email"):
        if raw.get(name):
            record[name] = raw[name]
    if record.get("id") and not _ID.fullmatch(record["id"]):
        errors.append(t("import.bad_id", lang, value=record["id"][:60]))
    if not record.get("name") and record.get("acronym"):
        record["name"] = record["acronym"]  # 3W sheets often name organisations by acronym only
    for name in ("evidence", "place_evidence", "dates_evidence"):  # codes or labels, in any catalogue language
        if raw.get(name):
            record[name] = EVIDENCE_INDEX.get(normalize(raw[name]), raw[name].strip()[:40])
    if raw.get("evidence_note"):
        record["evidence_note"] = raw["evidence_note"]
    if raw.get("other_names"):
        record["other_names"] = [p.strip() for p in re.split(r"[|;]", raw["other_names"]) if p.strip()]
    if raw.get("kind"):
        kind = KINDS.get(normalize(raw["kind"])) or kinds.kind_from_type(raw["kind"])
        if kind:
            record["kind"], record["_kind_from"] = kind, "file"
        else:
            errors.append(t("import.unknown_kind", lang, value=raw["kind"][:60]))
    elif default_kind:
        record["kind"], record["_kind_from"] = default_kind, "default"
    elif record.get("name"):
        record["kind"], record["_kind_rule"] = kinds.guess_kind(record["name"], record.get("acronym"))
        record["_kind_from"] = "guess"
        warnings.append(t("import.kind_guessed", lang, kind=label(ACTOR_KINDS, record["kind"], lang),
                          rule=record["_kind_rule"]))
    for name, index in (("themes", THEME_INDEX), ("target_groups", TARGET_INDEX)):
        if raw.get(name):
            codes, unknown = _codes(raw[name], index)
            record[name] = codes
            if unknown:
                errors.append(t("import.unknown_values", lang, field=name, values=", ".join(u[:40] for u in unknown)))
    if raw.get("sector"):  # a 3W sector: a theme when it is one of ours, kept as written on the area anyway
        record["_sector"] = raw["sector"][:120]
        record["themes"] = merge_lists(record.get("themes"), _codes(raw["sector"], THEME_INDEX)[0])
    period = [_date(raw[k]) for k in ("start", "end") if raw.get(k)]
    for written in period:
        if not is_date(written) and re.match(r"\d{4}-\d", written):  # ISO-looking but not a real date
            errors.append(t("valid.date", lang, value=written))
    if period:
        record["_period"] = " – ".join(period)
    try:
        lat, lon = _number(raw.get("lat", "")), _number(raw.get("lon", ""))
    except ValueError:
        errors.append(t("valid.coords_number", lang))
        lat = lon = None
    if lat is not None or lon is not None:
        record["lat"], record["lon"] = lat, lon
    point = lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180
    here = geo.locate(lat, lon) if point else None  # type: ignore[arg-type]  # point: both are numbers
    elsewhere = countries.country_at(lat, lon) if point and not here else None  # type: ignore[arg-type]
    country, stated = _country(raw, here, elsewhere)
    located = here or (elsewhere and country == elsewhere)
    if raw.get("country") and not stated:
        if re.fullmatch(r"[A-Za-z]{2}", raw["country"].strip()) and not located:
            country = raw["country"].strip().upper()  # validation names it: not an ISO 3166 code
        else:
            if located:
                warnings.append(t("import.not_a_country", lang, value=raw["country"][:60]))
            else:
                errors.append(t("import.unknown_country", lang, value=raw["country"][:60]))
    if located and stated and stated != country:
        warnings.append(t("import.country_from_point", lang, stated=raw["country"][:60],
                          country=countries.country_name(country or "", lang)))
    if country:
        record["country"] = country
    if country not in FOCUS_COUNTRIES and not (stated in FOCUS_COUNTRIES and lat is not None):
        # Outside the atlas's countries (a point there, or a stated country elsewhere): the caller decides.
        record["_outside"] = country or raw.get("country", "")[:60] or "?"
    region = raw.get("region_code") or raw.get("region")
    if region and country in FOCUS_COUNTRIES:
        code = _region_code(raw["region_code"], country) if raw.get("region_code") else None
        code = code or (_region_code(raw["region"], country) if raw.get("region") else None)
        if here:
            if code and code != here["region_code"]:
                warnings.append(t("import.region_from_point", lang, stated=region[:60], region=here["region"]))
        elif code:
            record["region_code"] = code
        else:
            errors.append(t("valid.region", lang, value=region[:60]))
    elif region:
        record["region"] = (raw.get("region") or region)[:120]
    if here:
        record["region_code"] = here["region_code"]
    # Place: coordinates from the gazetteer when the file has none; region from the point.
    if "lat" not in record and record.get("city") and country:
        place = geo.find_place(record["city"], country)
        if place:
            record["lat"], record["lon"] = place["lat"], place["lon"]
            record.setdefault("region_code", place["region_code"])
        elif raw.get("city") and country in FOCUS_COUNTRIES:
            warnings.append(t("import.no_position", lang, city=record["city"][:60]))
    if record.get("region_code"):
        record["region"] = geo.region_name(record["region_code"], "fr") or record.get("region")
    return record, errors, warnings


def _checked(raw: dict[str, str], lang: str, default_kind: str | None) -> tuple[dict, list[str], list[str]]:
    """:func:`_record` and the validator's errors, except those that only repeat a refusal
    :func:`_record` worded already (an unknown kind or country)."""
    record, errors, warnings = _record(raw, lang, default_kind)
    errors += [f"{f}: {m}" for f, m in validate_actor(record | {"status": "draft"}, lang).items()
               if not (f in ("kind", "country") and f in raw and f not in record)]
    return record, errors, warnings


# -- planning ---------------------------------------------------------------------------------
def plan_import(data: bytes, file_name: str, existing: pd.DataFrame | None = None, *, lang: str = "en",
                progress: Callable[[float], None] | None = None, default_kind: str | None = None,
                outside: str | None = None) -> ImportPlan:
    """Read a partner's file and decide, row by row, what importing it would do.

    Parameters
    ----------
    data, file_name : the uploaded bytes and their name (the extension helps tell XLSX).
    existing : DataFrame, optional
        Actors already in the atlas: ``id``, ``name``, ``acronym``, ``country`` (and ``version``).
        A row updates the actor with its ``id``, or with the same name or acronym in the same
        country; a row like another actor (:mod:`mapping.dedupe`) is a *duplicate* candidate
        (created as a draft, to review on the Duplicates page).
    progress : callable, optional
        Called with the fraction of rows done.
    default_kind : str, optional
        Kind of the organisations whose row states none (else guessed from the name, to review).
    outside : {"skip", "import"}, optional
        Rows located outside the atlas's countries: skipped and counted (default for HXL files),
        or imported as international partners (default for other files).
    """
    plan = ImportPlan(file_name)
    info: dict[str, str] = {}
    try:
        rows = read_rows(data, file_name, lang, info)
        plan.sheet = info.get("sheet")
    except FileProblem as exc:
        plan.problem = str(exc)
        return plan
    if not rows:
        plan.problem = t("import.empty", lang)
        return plan
    found = sheets.find_header(rows, HEADERS)
    header = rows[found.header] if found.header is not None else []
    tags = rows[found.tags] if found.tags is not None else None
    start = max(i for i in (found.header, found.tags) if i is not None) + 1
    body, first = rows[start:], start + 1
    plan.hxl = tags is not None
    plan.header_row = (found.header + 1) if found.header is not None else None
    plan.skipped = [(i + 1, next(c for c in rows[i] if c)[:120]) for i in found.skipped]
    width = max(len(header), len(tags or []))
    header = header + [""] * (width - len(header))
    ranked = sheets.hxl_fields(tags + [""] * (width - len(tags))) if tags else [(None, 0)] * width
    # Untagged columns of an HXL file still count by their text header, after any tagged column.
    ranked = [(f, r) if f else (HEADERS.get(normalize(title)), 1000 + i) for i, ((f, r), title)
              in enumerate(zip(ranked, header))]
    fields = sheets.choose(ranked)
    for position, name in enumerate(fields):
        label_ = header[position] or (tags[position] if tags and position < len(tags) else "")
        if name:
            plan.columns[label_] = name
        elif label_:
            plan.ignored.append(label_)
    missing = [] if "name" in fields or "acronym" in fields else ["name"]
    if not {"country", "region", "region_code"} & set(fields) and not {"lat", "lon"} <= set(fields):
        missing.append("country")
    if missing:
        plan.problem = t("import.missing_columns", lang, n=len(missing), columns=", ".join(missing),
                         found=", ".join(h for h in header if h)[:300] or "—")
        if found.header:
            plan.problem += " " + t("import.header_at", lang, row=found.header + 1)
        return plan
    if not any(any(r) for r in body):
        plan.problem = t("import.no_rows", lang)
        return plan
    outside = outside or ("skip" if plan.hxl else "import")

    existing = existing if existing is not None else pd.DataFrame(columns=["id", "name", "acronym", "country"])
    ids = set(existing["id"])
    exact = {(dedupe.name_key(n), c): i for i, n, c in zip(existing["id"], existing["name"], existing["country"])}
    exact |= {(dedupe.name_key(a), c): i for i, a, c in zip(existing["id"], existing["acronym"], existing["country"])
              if isinstance(a, str) and a}
    index = dedupe.Index(existing) if len(existing) else None
    # The version each matched file had at preview: applying refuses if it changed meanwhile.
    versions = dict(zip(existing["id"], existing["version"])) if "version" in existing else {}
    groups: dict[tuple, dict] = {}
    checked: dict[tuple, tuple[dict, list[str], list[str]]] = {}
    aliases: dict[tuple, tuple] = {}  # an organisation's acronym -> its group (rows naming it either way)
    plan.areas_only = plan.hxl and "id" not in fields
    total = max(len(body), 1)
    for offset, cells in enumerate(body):
        row_number = first + offset
        if progress and offset % 500 == 0:
            progress(offset / total)
        if not any(cells):
            continue
        report = RowReport(row_number, "new")
        plan.rows.append(report)
        if not info.get("workbook") and (any(cells[len(header):]) or (
                len(cells) < len(header) and any(d in c for c in cells for d in ",;\t"))):
            # More cells than the header, or fewer with another delimiter inside: a mixed file.
            report.status = "error"
            report.reasons.append(t("import.cell_count", lang, n=len(cells), expected=len(header)))
            continue
        raw = {f: cells[i] for i, f in enumerate(fields) if f and i < len(cells) and cells[i]}
        oversize = [f for f, v in raw.items() if len(v) > MAX_TEXT]
        # A 3W repeats a row for every activity (the Mali 5W: 22,805 rows, 1,450 different):
        # reading and checking a row is done once per different row.
        cells_key = tuple(raw.items())
        if cells_key not in checked:
            checked[cells_key] = _checked(raw, lang, default_kind)
        record, errors, warnings = checked[cells_key]
        record, errors = dict(record), list(errors)  # copies: the planning below adds to them
        report.name = str(record.get("name", raw.get("name", "")))[:120]
        if record.get("_outside") and outside == "skip" and record.get("id") not in ids:  # an atlas id: its own
            place = record["_outside"]
            plan.outside[place] = plan.outside.get(place, 0) + 1
            report.status = "outside"
            report.reasons.append(t("import.outside_row_unknown", lang) if place == "?" else
                                  t("import.outside_row", lang, country=countries.country_name(place, lang)))
            continue
        if oversize and not errors:
            errors.append(t("valid.too_long", lang, n=max(len(raw[f]) for f in oversize), max=MAX_TEXT))
        report.reasons += warnings
        if errors:
            report.status = "error"
            report.reasons = errors + report.reasons
            continue
        name_key = dedupe.name_key(record["name"])  # once per row: it folds every character
        # In a 3W one organisation may work in several countries: one actor, its seat country the first row's.
        key = ("id", record["id"]) if record.get("id") else \
            ("name", name_key) if plan.areas_only else ("name", name_key, record.get("country"))
        if key not in groups and record.get("acronym") and not record.get("id"):
            key = aliases.get(("acronym", dedupe.name_key(record["acronym"]), record.get("country")), key)
        if key in groups:
            group = groups[key]
            if record.get("id") and name_key != group["name_key"]:
                report.status = "error"
                report.reasons.append(t("import.duplicate_id", lang, id=record["id"], row=group["row"]))
                continue
            _add_area(group, record)
            report.status, report.actor_id = "area", group["record"].get("id")
            report.reasons.append(t("import.area_of", lang, row=group["row"]))
            continue
        target = record.get("id") if record.get("id") in ids else exact.get((name_key, record.get("country")))
        if target is None and record.get("acronym"):
            target = exact.get((dedupe.name_key(record["acronym"]), record.get("country")))
        if target:
            record["id"] = target
            if target in versions:
                record["_version"] = int(versions[target])
            report.status, report.actor_id = "update", target
        else:
            match = index.best(record) if index else None
            if match:
                report.status = "duplicate"
                report.reasons.append(t("import.looks_like", lang, id=match[0], score=match[1]))
            record["status"] = "draft"
        groups[key] = {"record": record, "row": row_number, "name_key": name_key,
                       "areas": [_area(record)] if plan.areas_only else []}
        if record.get("acronym"):
            aliases.setdefault(("acronym", dedupe.name_key(record["acronym"]), record.get("country")), key)
        record["_action"] = "update" if target else "new"
        if record.get("id") and not target:
            report.actor_id = record["id"]
    for group in groups.values():
        record = group["record"]
        if group["areas"]:
            record["_areas"] = group["areas"]
        if plan.areas_only:  # a 3W says where an organisation works, not where its seat is
            for name in SEAT_FIELDS:
                record.pop(name, None)
            if record["_action"] == "update":
                record.pop("country", None)
        if record["_action"] == "update" and record.get("_kind_from") != "file":
            record.pop("kind", None)  # a guess or the file-wide default never replaces a curator's kind
        plan.actors.append(record)
    if not plan.actors and plan.outside and not any(r.status == "error" for r in plan.rows):
        plan.problem = t("import.all_outside", lang, where=plan.outside_text(lang))
    if progress:
        progress(1.0)
    return plan


def _add_area(group: dict, record: dict) -> None:
    """A further row of the same organisation: another area of operation, more themes."""
    base = group["record"]
    for name in ("themes", "target_groups"):
        if record.get(name):
            base[name] = merge_lists(base.get(name), record[name])
    area = _area(record)
    if area not in group["areas"] and (group["areas"] or area != _area(base)):
        group["areas"].append(area)


def _area(record: dict) -> dict:
    """Where a row says an organisation works: country, region, city, point, sector and period."""
    return {k: record.get(k) for k in ("country", "region_code", "city", "lat", "lon")} | \
        {"sector": record.get("_sector"), "period": record.get("_period")}
