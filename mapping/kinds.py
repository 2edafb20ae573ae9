"""The kind of an organisation in a partner's file: from its stated type, else guessed from its name.

3W sheets state organisation types in OCHA's words (``ONG Internationale``, ``Agence des Nations
Unies``, ``Mouvement de la Croix Rouge``…) or not at all. :data:`TYPE_RULES` maps those words to the
atlas's kinds; :data:`NAME_RULES` guesses a kind from the organisation's name and says which rule
it used, so the curator can see why and correct it (every guess is marked "kind to review").
No library covers these vocabularies (HXL leaves ``#org+type`` values free), hence the tables.

Examples
--------
>>> kind_from_type("ONG Internationale"), kind_from_type("Agence UN"), kind_from_type("Mouvement de la Croix Rouge")
('ngo', 'international_organisation', 'ngo')
>>> guess_kind("Commune de Ziguinchor")
('municipality', 'Commune / Mairie / Municipalité…')
>>> guess_kind("Fonds des Nations Unies pour l'Enfance (UNICEF)")[0]
'international_organisation'
>>> guess_kind("Educo")
('ngo', 'no rule matched: most 3W partners are NGOs')
"""
from __future__ import annotations

import re

import pandas as pd

from .geo import normalize

#: (pattern on the folded type, kind). The first match wins: specific words before general ones.
TYPE_RULES: list[tuple[str, str]] = [
    (r"croix rouge|croissant rouge|red cross|red crescent|rcrc|mouvement international", "ngo"),
    (r"nations unies|\bun\b|\bonu\b|united nations|agences? (des )?(nu|un|sun)\b|\bsnu\b|\bnu\b|"
     r"organisation internationale|international organi[sz]ation|\bio\b|\boi\b|intergouvernement|multilateral",
     "international_organisation"),
    (r"bailleur|donor|donateur|funder|fonds\b", "donor"),
    (r"cooperation|bilateral|development agency|agence de developpement", "development_agency"),
    (r"prive|private|entreprise|company|business|secteur commercial", "private_sector"),
    (r"universit|academ|recherche|research", "research"),
    (r"collectivite|commune|municipal|mairie|local authorit|local government|autorite locale", "municipality"),
    (r"conseil regional|regional council", "regional_council"),
    (r"gouvernement|government|etat|etatique|ministere|ministry|public|service technique|autorite|"
     r"administration|national authorit", "ministry"),
    (r"reseau|network|federation|plateforme|platform|consortium", "network"),
    (r"diaspora|migrant", "migrant_association"),
    (r"ong|ngo|osc|cso|association|societe civile|civil society|communautaire|community|"
     r"confessionnel|faith|religi|fondation|foundation", "ngo"),
]

#: (pattern on the folded name, kind, the rule as shown to the curator).
NAME_RULES: list[tuple[str, str, str]] = [
    (r"^(commune|mairie|municipalite|ville de|conseil (communal|municipal)|city of|municipality)\b",
     "municipality", "Commune / Mairie / Municipalité…"),
    (r"^(conseil regional|region de|regional council|conseil departemental)\b",
     "regional_council", "Conseil régional / Région de…"),
    (r"^(ministere|ministry|direction (generale|nationale|regionale)|secretariat (d etat|general)|"
     r"agence nationale|office national|gouvernement|government)\b", "ministry", "Ministère / Direction…"),
    (r"\b(nations unies|united nations|unhcr|hcr|unicef|oim|iom|pam|wfp|fao|oms|who|unfpa|pnud|undp|ocha|"
     r"unesco|oit|ilo|onu ?femmes|un ?women|unops|unido|onudi|minusma|unodc|onudc)\b",
     "international_organisation", "United Nations… / UN agency acronym"),
    (r"\b(cicr|icrc|ficr|ifrc)\b|comite international de la croix", "international_organisation",
     "ICRC / IFRC"),
    (r"croix rouge|red cross|croissant rouge|red crescent", "ngo", "Croix-Rouge / Red Cross national society"),
    (r"\b(ambassade|embassy|usaid|echo|giz|afd|enabel|aecid|jica|sida|kfw|luxdev|danida|norad)\b|"
     r"^(cooperation|agence (francaise|belge|espagnole|allemande|japonaise))", "development_agency",
     "cooperation agency / embassy"),
    (r"\b(universite|university|institut de recherche|research institute|ecole (normale|superieure))\b",
     "research", "Université / University…"),
    (r"^(reseau|network|federation|plateforme|platform|collectif)\b", "network", "Réseau / Fédération…"),
    (r"\b(diaspora|migrants?)\b.*\b(association|amicale)\b|^(association|amicale) des (migrants|ressortissants)",
     "migrant_association", "Association de migrants / de la diaspora"),
    (r"^(association|ong|ngo|fondation|foundation|amicale|groupement|cooperative)\b|\b(ong|ngo)\b",
     "ngo", "Association / ONG / Fondation…"),
    (r"\b(sarl|sa|sas|sarlu|ltd|inc|llc|gmbh)$", "private_sector", "company suffix (SARL, SA, Ltd…)"),
]

#: What a name matching no rule is taken for; shown as the rule so the curator sees it was a default.
FALLBACK = ("ngo", "no rule matched: most 3W partners are NGOs")

_TYPES = [(re.compile(p), k) for p, k in TYPE_RULES]
_NAMES = [(re.compile(p), k, label) for p, k, label in NAME_RULES]


def kind_from_type(value: str | None) -> str | None:
    """The atlas kind of a stated organisation type (a 3W ``#org+type`` value), or None."""
    key = normalize(value)
    if not key:
        return None
    return next((kind for pattern, kind in _TYPES if pattern.search(key)), None)


def guess_kind(name: str, acronym: str | None = None) -> tuple[str, str]:
    """A kind guessed from an organisation's name (and acronym) and the rule that gave it."""
    for text in (normalize(name), normalize(acronym)):
        if not text:
            continue
        for pattern, kind, label in _NAMES:
            if pattern.search(text):
                return kind, label
    return FALLBACK


def changed(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, str]:
    """The kinds a curator changed in the review table: ``{actor id: new kind}``.

    >>> old = pd.DataFrame({"id": ["a", "b"], "kind": ["ngo", "ngo"]})
    >>> changed(old, old.assign(kind=["ngo", "municipality"]))
    {'b': 'municipality'}
    """
    was = dict(zip(before["id"], before["kind"]))
    return {i: k for i, k in zip(after["id"], after["kind"]) if k and k != was.get(i)}
