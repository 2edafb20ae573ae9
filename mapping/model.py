"""Controlled vocabularies and record types of the atlas.

Every vocabulary maps a stable code (stored in the database and in seed CSVs)
to its French and English labels. Codes never change; labels may.

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

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

#: The four countries the atlas covers; actors elsewhere are international partners.
FOCUS_COUNTRIES = ("MA", "CI", "ML", "SN")

COUNTRIES: dict[str, dict[str, str]] = {
    "MA": {"en": "Morocco", "fr": "Maroc"},
    "CI": {"en": "Côte d'Ivoire", "fr": "Côte d'Ivoire"},
    "ML": {"en": "Mali", "fr": "Mali"},
    "SN": {"en": "Senegal", "fr": "Sénégal"},
    "DE": {"en": "Germany", "fr": "Allemagne"},
    "ES": {"en": "Spain", "fr": "Espagne"},
    "FR": {"en": "France", "fr": "France"},
    "BE": {"en": "Belgium", "fr": "Belgique"},
    "CH": {"en": "Switzerland", "fr": "Suisse"},
    "TR": {"en": "Türkiye", "fr": "Turquie"},
}

ACTOR_KINDS: dict[str, dict[str, str]] = {
    "municipality": {"en": "Municipality", "fr": "Commune"},
    "regional_council": {"en": "Regional council", "fr": "Conseil régional"},
    "ministry": {"en": "Ministry or government department", "fr": "Ministère ou administration"},
    "national_government": {"en": "National government", "fr": "Gouvernement national"},
    "international_organisation": {"en": "International organisation", "fr": "Organisation internationale"},
    "development_agency": {"en": "Development agency", "fr": "Agence de développement"},
    "donor": {"en": "Donor", "fr": "Bailleur de fonds"},
    "ngo": {"en": "NGO / civil society", "fr": "ONG / société civile"},
    "migrant_association": {"en": "Migrant association", "fr": "Association de migrants"},
    "training_institution": {"en": "Training institution", "fr": "Institution de formation"},
    "research": {"en": "Research / academia", "fr": "Recherche / université"},
    "network": {"en": "Network of actors", "fr": "Réseau d'acteurs"},
    "private_sector": {"en": "Private sector", "fr": "Secteur privé"},
}

THEMES: dict[str, dict[str, str]] = {
    "migration_governance": {"en": "Migration governance", "fr": "Gouvernance migratoire"},
    "local_planning": {"en": "Migration in local planning", "fr": "Migration dans la planification locale"},
    "economic_integration": {"en": "Economic integration", "fr": "Intégration économique"},
    "social_integration": {"en": "Social integration", "fr": "Intégration sociale"},
    "cultural_integration": {"en": "Cultural integration", "fr": "Intégration culturelle"},
    "reintegration": {"en": "Reintegration of returnees", "fr": "Réintégration des Marocains de retour"},
    "capacity_building": {"en": "Training and capacity building", "fr": "Formation et renforcement des capacités"},
    "south_south_cooperation": {"en": "South-South cooperation", "fr": "Coopération Sud-Sud"},
    "migrants_rights": {"en": "Migrants' rights and protection", "fr": "Droits et protection des migrants"},
    "regular_migration": {"en": "Regular migration and mobility", "fr": "Migration régulière et mobilité"},
    "migration_development": {"en": "Migration and development", "fr": "Migration et développement"},
    "health": {"en": "Health and COVID-19 response", "fr": "Santé et réponse à la COVID-19"},
    "psychosocial_support": {"en": "Psychosocial support", "fr": "Soutien psychosocial"},
    "basic_services": {"en": "Access to basic services", "fr": "Accès aux services de base"},
    "awareness_raising": {"en": "Awareness raising", "fr": "Sensibilisation"},
    "research_knowledge": {"en": "Research and knowledge", "fr": "Recherche et connaissances"},
    "networking": {"en": "Networking and exchange", "fr": "Mise en réseau et échanges"},
    "funding": {"en": "Funding", "fr": "Financement"},
}

TARGET_GROUPS: dict[str, dict[str, str]] = {
    "migrants": {"en": "Migrants (incl. regularised)", "fr": "Migrants (dont régularisés)"},
    "refugees": {"en": "Refugees and asylum seekers", "fr": "Réfugiés et demandeurs d'asile"},
    "returnees": {"en": "Returning Moroccans", "fr": "Marocains de retour"},
    "diaspora": {"en": "Moroccans residing abroad", "fr": "Marocains résidant à l'étranger"},
    "local_officials": {"en": "Local civil servants and elected officials", "fr": "Fonctionnaires et élus locaux"},
    "national_officials": {"en": "National civil servants", "fr": "Cadres de l'administration nationale"},
    "civil_society": {"en": "Civil society organisations", "fr": "Organisations de la société civile"},
    "trainers": {"en": "Trainers", "fr": "Formateurs"},
    "youth": {"en": "Young people", "fr": "Jeunes"},
    "women": {"en": "Women", "fr": "Femmes"},
    "host_community": {"en": "Host community", "fr": "Communauté d'accueil"},
    "businesses": {"en": "Small and medium-sized enterprises", "fr": "Petites et moyennes entreprises"},
}

#: Relation kinds. ``directed`` says whether source -> target order carries meaning;
#: ``en``/``fr`` read "source <label> target", ``en_rev``/``fr_rev`` read from the target's side.
RELATION_KINDS: dict[str, dict[str, object]] = {
    "funds": {"en": "funds", "fr": "finance", "en_rev": "funded by", "fr_rev": "financé par", "directed": True},
    "commissions": {"en": "commissions", "fr": "mandate", "en_rev": "commissioned by", "fr_rev": "mandaté par", "directed": True},
    "implements_with": {"en": "implements jointly with", "fr": "met en œuvre avec", "en_rev": "implements jointly with", "fr_rev": "met en œuvre avec", "directed": False},
    "partners_with": {"en": "partners with", "fr": "est partenaire de", "en_rev": "partners with", "fr_rev": "est partenaire de", "directed": False},
    "member_of": {"en": "is part of", "fr": "fait partie de", "en_rev": "includes", "fr_rev": "comprend", "directed": True},
    "trains": {"en": "trains", "fr": "forme", "en_rev": "trained by", "fr_rev": "formé par", "directed": True},
    "supports": {"en": "supports", "fr": "appuie", "en_rev": "supported by", "fr_rev": "appuyé par", "directed": True},
    "coordinates": {"en": "coordinates with", "fr": "se coordonne avec", "en_rev": "coordinates with", "fr_rev": "se coordonne avec", "directed": False},
    "signed_agreement": {"en": "signed an agreement with", "fr": "a signé un accord avec", "en_rev": "signed an agreement with", "fr_rev": "a signé un accord avec", "directed": False},
    "advises": {"en": "advises", "fr": "conseille", "en_rev": "advised by", "fr_rev": "conseillé par", "directed": True},
}

#: How an actor takes part in a project.
PROJECT_ROLES: dict[str, dict[str, str]] = {
    "commissioner": {"en": "commissioned it", "fr": "mandant"},
    "funder": {"en": "funder", "fr": "bailleur"},
    "co_funder": {"en": "co-funder", "fr": "cofinanceur"},
    "implementer": {"en": "implementer", "fr": "maître d'œuvre"},
    "lead_executing_agency": {"en": "lead executing agency", "fr": "agence d'exécution principale"},
    "partner": {"en": "partner", "fr": "partenaire"},
    "partner_municipality": {"en": "partner municipality", "fr": "commune partenaire"},
    "partner_country": {"en": "partner country", "fr": "pays partenaire"},
    "beneficiary": {"en": "beneficiary", "fr": "bénéficiaire"},
}

#: How an actor takes part in an event.
EVENT_ROLES: dict[str, dict[str, str]] = {
    "organiser": {"en": "organiser", "fr": "organisateur"},
    "funder": {"en": "funder", "fr": "bailleur"},
    "host": {"en": "host", "fr": "hôte"},
    "speaker": {"en": "speaker", "fr": "intervenant"},
    "participant": {"en": "participant", "fr": "participant"},
    "observer": {"en": "observer", "fr": "observateur"},
    "trainer": {"en": "trainer", "fr": "formateur"},
}

EVENT_KINDS: dict[str, dict[str, str]] = {
    "training": {"en": "Training", "fr": "Formation"},
    "webinar": {"en": "Webinar", "fr": "Webinaire"},
    "meeting": {"en": "Meeting", "fr": "Réunion"},
    "conference": {"en": "Conference", "fr": "Conférence"},
    "signature": {"en": "Signature / adoption", "fr": "Signature / adoption"},
    "activity": {"en": "Activity", "fr": "Activité"},
}

PROJECT_KINDS: dict[str, dict[str, str]] = {
    "project": {"en": "Project", "fr": "Projet"},
    "programme": {"en": "Programme / action", "fr": "Programme / action"},
    "strategy": {"en": "National strategy", "fr": "Stratégie nationale"},
    "charter": {"en": "Charter / compact", "fr": "Charte / pacte"},
    "output": {"en": "Tool or publication", "fr": "Outil ou publication"},
}

STATUSES = ("draft", "published", "archived")

#: How a fact is known. ``stated``: a cited source says it (its quote is stored with the
#: citation); ``inferred``: a curator's reasoning, written in ``evidence_note``; ``external``:
#: from outside the cited sources, ``evidence_note`` gives the reference.
EVIDENCE: dict[str, dict[str, str]] = {
    "stated": {"en": "stated in a source", "fr": "énoncé dans une source"},
    "inferred": {"en": "inferred", "fr": "déduit"},
    "external": {"en": "from another source", "fr": "d'une autre source"},
}

#: Actor field groups that carry their own evidence level (column -> fields it covers).
ACTOR_EVIDENCE_GROUPS: dict[str, tuple[str, ...]] = {
    "evidence": ("name", "kind", "description"),
    "place_evidence": ("country", "region", "city", "lat", "lon"),
    "dates_evidence": ("valid_from", "valid_to"),
}

VOCABULARIES: dict[str, Mapping[str, Mapping[str, object]]] = {
    "kind": ACTOR_KINDS,
    "theme": THEMES,
    "target_group": TARGET_GROUPS,
    "relation_kind": RELATION_KINDS,
    "project_role": PROJECT_ROLES,
    "event_role": EVENT_ROLES,
    "event_kind": EVENT_KINDS,
    "project_kind": PROJECT_KINDS,
    "country": COUNTRIES,
    "evidence": EVIDENCE,
}


def label(vocabulary: Mapping[str, Mapping[str, object]], code: str | None, lang: str = "en") -> str:
    """Return the label of ``code`` in ``lang``, or the code itself when unknown.

    >>> label(THEMES, "economic_integration", "fr")
    'Intégration économique'
    >>> label(THEMES, "no-such-theme")
    'no-such-theme'
    """
    if code is None:
        return ""
    entry = vocabulary.get(code)
    if not entry:
        return str(code)
    return str(entry.get(lang) or entry.get("en") or code)


def relation_phrase(kind: str, outgoing: bool, lang: str = "en") -> str:
    """Phrase a relation from one endpoint's point of view.

    >>> relation_phrase("funds", outgoing=False)
    'funded by'
    >>> relation_phrase("partners_with", outgoing=False, lang="fr")
    'est partenaire de'
    """
    entry = RELATION_KINDS.get(kind)
    if not entry:
        return kind
    key = lang if outgoing else f"{lang}_rev"
    return str(entry.get(key) or entry["en"])


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
    """A stable ASCII id from a name.

    >>> slugify("Commune d'Oujda"), slugify("Conseil régional de l'Oriental")
    ('commune-d-oujda', 'conseil-regional-de-l-oriental')
    >>> slugify("مجلس")
    'record'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "record"


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


@dataclass
class Actor:
    """One organisation file."""

    id: str
    name: str
    kind: str
    country: str | None = None  # None: seat not stated in the sources
    region: str = ""
    city: str = ""
    lat: float | None = None
    lon: float | None = None
    acronym: str = ""
    name_fr: str = ""
    name_en: str = ""
    name_ar: str = ""
    other_names: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    website: str = ""
    description: str = ""
    public_email: str = ""
    public_phone: str = ""
    status: str = "published"
