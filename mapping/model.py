"""Controlled vocabularies and record types of the atlas.

Every vocabulary lists stable codes (stored in the database and in seed CSVs), whose
labels live in the locale catalogues (``vocab.<name>.<code>``). Codes never change; labels may.

Examples
--------
>>> label(ACTOR_KINDS, "municipality", "fr")
'Commune'
>>> label(RELATION_KINDS, "funds", "en")
'funds'
>>> FOCUS_COUNTRIES
('MA', 'CI', 'ML', 'SN')
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from slugify import slugify as _slugify

from .i18n import t

#: The four countries the atlas covers; actors elsewhere are international partners.
FOCUS_COUNTRIES = ("MA", "CI", "ML", "SN")


class Vocabulary(tuple):
    """The codes of one controlled vocabulary, in display order. Codes are stored in the
    database and seed CSVs and never change; their labels live in the locale catalogues under
    ``vocab.<name>.<code>`` (see :func:`label`), so adding a language is adding one file.

    >>> KINDS = Vocabulary("kind", ("ngo", "donor"))
    >>> list(KINDS), "ngo" in KINDS, KINDS.name
    (['ngo', 'donor'], True, 'kind')
    """

    name: str

    def __new__(cls, name: str, codes: Iterable[str]) -> Vocabulary:
        self = super().__new__(cls, codes)
        self.name = name
        return self

    def __getnewargs__(self) -> tuple:  # pickling (st.cache_data) rebuilds it whole
        return self.name, tuple(self)


#: Countries with a label (the focus countries and their partners' seats).
COUNTRIES = Vocabulary("country", ("MA", "CI", "ML", "SN", "DE", "ES", "FR", "BE", "CH", "TR"))
ACTOR_KINDS = Vocabulary("kind", ("municipality", "regional_council", "ministry", "national_government",
    "international_organisation", "development_agency", "donor", "ngo", "migrant_association",
    "training_institution", "research", "network", "private_sector"))
THEMES = Vocabulary("theme", ("migration_governance", "local_planning", "economic_integration",
    "social_integration", "cultural_integration", "reintegration", "capacity_building",
    "south_south_cooperation", "migrants_rights", "regular_migration", "migration_development", "health",
    "psychosocial_support", "basic_services", "awareness_raising", "research_knowledge", "networking",
    "funding"))
TARGET_GROUPS = Vocabulary("target_group", ("migrants", "refugees", "returnees", "diaspora",
    "local_officials", "national_officials", "civil_society", "trainers", "youth", "women",
    "host_community", "businesses"))
#: Relation kinds; ``vocab.relation_kind.<code>`` reads "source <label> target", ``….rev`` from the target's side.
RELATION_KINDS = Vocabulary("relation_kind", ("funds", "commissions", "implements_with", "partners_with",
    "member_of", "trains", "supports", "coordinates", "signed_agreement", "advises"))
#: Relation kinds whose source -> target order carries meaning.
DIRECTED_RELATIONS = frozenset({"funds", "commissions", "member_of", "trains", "supports", "advises"})
#: How an actor takes part in a project.
PROJECT_ROLES = Vocabulary("project_role", ("commissioner", "funder", "co_funder", "implementer",
    "lead_executing_agency", "partner", "partner_municipality", "partner_country", "beneficiary"))
#: How an actor takes part in an event.
EVENT_ROLES = Vocabulary("event_role", ("organiser", "funder", "host", "speaker", "participant",
    "observer", "trainer", "partner"))
EVENT_KINDS = Vocabulary("event_kind", ("training", "webinar", "meeting", "conference", "signature",
    "activity"))
PROJECT_KINDS = Vocabulary("project_kind", ("project", "programme", "strategy", "charter", "output"))

STATUSES = ("draft", "published", "archived")

#: How a fact is known. ``stated``: a cited source says it (its quote is stored with the
#: citation); ``inferred``: a curator's reasoning, written in ``evidence_note``; ``external``:
#: from outside the cited sources, ``evidence_note`` gives the reference.
EVIDENCE = Vocabulary("evidence", ("stated", "inferred", "external"))

#: Actor field groups that carry their own evidence level (column -> fields it covers).
ACTOR_EVIDENCE_GROUPS: dict[str, tuple[str, ...]] = {
    "evidence": ("name", "kind", "description"),
    "place_evidence": ("country", "region", "city", "lat", "lon"),
    "dates_evidence": ("valid_from", "valid_to"),
}


def label(vocabulary: Vocabulary, code: str | None, lang: str = "en") -> str:
    """Return the label of ``code`` in ``lang`` (from the catalogues), or the code itself when
    it is not in the vocabulary.

    >>> label(THEMES, "economic_integration", "fr")
    'Intégration économique'
    >>> label(THEMES, "no-such-theme")
    'no-such-theme'
    """
    if code is None:
        return ""
    if code not in vocabulary:
        return str(code)
    return t(f"vocab.{vocabulary.name}.{code}", lang)


def relation_phrase(kind: str, outgoing: bool, lang: str = "en") -> str:
    """Phrase a relation from one endpoint's point of view.

    >>> relation_phrase("funds", outgoing=False)
    'funded by'
    >>> relation_phrase("partners_with", outgoing=False, lang="fr")
    'est partenaire de'
    """
    if kind not in RELATION_KINDS:
        return kind
    return t(f"vocab.relation_kind.{kind}" + ("" if outgoing else ".rev"), lang)


def is_international(country: str | None) -> bool:
    """True for actors based outside the four focus countries.

    >>> is_international("DE"), is_international("SN")
    (True, False)
    """
    return bool(country) and country not in FOCUS_COUNTRIES


def split_list(value: object) -> list[str]:
    """Split a ``|``-separated cell into a clean list.

    >>> split_list(" migrants | refugees |")
    ['migrants', 'refugees']
    >>> split_list(None)
    []
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    if text.lower() == "nan":
        return []
    return [part.strip() for part in text.split("|") if part.strip()]


def slugify(text: str) -> str:
    """A stable, readable ASCII id from a name in any script (python-slugify transliterates:
    Arabic, Cyrillic, Chinese… become Latin letters rather than an empty id).

    >>> slugify("Commune d'Oujda"), slugify("Conseil régional de l'Oriental")
    ('commune-d-oujda', 'conseil-regional-de-l-oriental')
    >>> slugify("جمعية الأمل للمهاجرين"), slugify("Ассоциация мигрантов")
    ('jm-y-lml-llmhjryn', 'assotsiatsiia-migrantov')
    >>> slugify("★")
    'record'
    """
    return _slugify(str(text), max_length=80) or "record"


def unique_id(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that ``taken`` says is free.

    >>> unique_id("amappe", {"amappe", "amappe-2"}.__contains__)
    'amappe-3'
    """
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def merge_lists(*lists: Iterable | None) -> list:
    """Every item of the lists in order, each once (``None`` counts as empty).

    >>> merge_lists(["health"], None, ["funding", "health"])
    ['health', 'funding']
    """
    return list(dict.fromkeys(item for items in lists for item in (items or [])))
