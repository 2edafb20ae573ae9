"""Provenance: how each fact is known, and whether its quote supports it.

Pure functions (no SQL, no Streamlit). Every fact carries an evidence level (``stated``,
``inferred``, ``external``; see :data:`mapping.model.EVIDENCE`). A *stated* fact cites a short
quote from its source; :func:`key_words` lists what that quote must mention for the fact to be
stated there (the organisations' names, the role, the year, the city) and :func:`missing` says
which of them it does not. The seed test runs this over every shipped fact, from the
repository alone. The display helpers turn levels into labels and edge styles, and list the
actors whose seat the sources do not state.

Examples
--------
>>> mentions("External observers from the MCMREAM, GIZ and the Regional Council of Oujda", "GIZ")
True
>>> missing("Financement Ministère Fédéral Allemand (BMZ)",
...         key_words("project_role", {"actor_id": "bmz", "role": "funder"}, {"bmz": ["BMZ"]}))
[]
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .geo import normalize
from .i18n import t
from .model import COUNTRIES, EVIDENCE, label

#: Excerpts of one document cited together are joined by this in a quote.
EXCERPT_SEPARATOR = " … "

# Words that carry no identity in a name ("Commune de", "of the").
_STOPWORDS = frozenset("a au aux d de des du en et for in l la le les of on s the to un une".split())

#: Words (folded, matched at the start of a word) by which a quote says an actor's role in a project.
PROJECT_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "commissioner": ("commission", "de la part de", "on behalf", "adopted", "presente", "dote", "set up"),
    "funder": ("fund", "financ"),
    "co_funder": ("co fund", "cofinanc", "co financ"),
    "implementer": ("implement", "mis en œuvre", "mise en œuvre", "developed", "developpe", "realise", "piloted",
                    "design", "deliver"),
    "lead_executing_agency": ("lead executing",),
    "partner": ("partner", "partenai", "collaborat", "cooperat", "work on", "involved", "agreement"),
    "partner_municipality": ("partner municipalit", "partnership with the municipalit", "communes",
                             "pilot municipalit"),
    "partner_country": ("partner countr", "country", "countries", "cooperation", "adopted by"),
    "beneficiary": ("benefi", "aimed at", "target", "trained", "au profit"),
}

#: Words by which a quote says an actor's part in an event.
EVENT_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "organiser": ("organi", "presente", "developpe", "prepar", "held"),
    "funder": ("fund", "financ"),
    "host": ("host", "accueil"),
    "speaker": ("remarks", "said", "presented", "words", "speak"),
    "participant": ("particip", "took part", "realise", "reuni", "involved", "signing", "adopted", "trained"),
    "observer": ("observer",),
    "trainer": ("train", "formateur"),
    "partner": ("partner", "partenai"),
}

#: Words by which a quote says what kind of event took place.
EVENT_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "training": ("train", "formation"),
    "webinar": ("webinar",),
    "meeting": ("meet", "reuni", "rencontre"),
    "conference": ("conference",),
    "signature": ("sign", "adopt", "presente"),
    "activity": ("activit", "realise", "assessment", "informed", "carried out"),
}

#: Columns that hold an evidence level, per table.
EVIDENCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "actors": ("evidence", "place_evidence", "dates_evidence"),
    "projects": ("evidence",), "events": ("evidence",), "relations": ("evidence",),
    "project_roles": ("evidence",), "participations": ("evidence",),
}


def fold(text: object) -> str:
    """Text folded for matching (no accents, no case, punctuation as spaces), padded with spaces.

    >>> fold("Côte d’Ivoire")
    ' cote d ivoire '
    """
    return f" {normalize(text)} "


def _has(folded_quote: str, phrase: str) -> bool:
    """``phrase`` starts a word of the quote; short words (acronyms such as EU, IOM) must be whole."""
    words = normalize(phrase)
    if not words:
        return False
    return f" {words} " in folded_quote if len(words) <= 3 else f" {words}" in folded_quote


def mentions(quote: str, name: str) -> bool:
    """True when every significant word of ``name`` starts a word of ``quote``.

    Plurals and derived words match ("regional councils" mentions "Regional Council");
    little words of names ("de", "of the") are ignored.

    >>> mentions("regional councils that have entered into framework conventions (Oriental, Souss-Massa)",
    ...          "Regional Council of Souss-Massa")
    True
    >>> mentions("InTent Maroc (Casablanca)", "Association Marocaine d'Appui")
    False
    >>> mentions("Co-funded by: European Union (EU)", "UE")
    False
    """
    folded = fold(quote)
    words = [w for w in normalize(name).split() if w not in _STOPWORDS]
    return bool(words) and all(_has(folded, w) for w in words)


def country_names(code: str | None) -> list[str]:
    """Names by which a text says a country: its English and French names and their stems
    ("Moroccan", "marocain", "allemand" all start with one).

    >>> country_names("MA")
    ['Morocco', 'Maroc', 'moroc']
    """
    if code not in COUNTRIES:
        return []
    names = list(dict.fromkeys(label(COUNTRIES, code, lang) for lang in ("en", "fr")))
    stems = [normalize(n)[:5] for n in names if " " not in normalize(n) and len(normalize(n)) > 5]
    return names + [s for s in stems if s not in names]


def years(*dates: object) -> list[str]:
    """The years of partial ISO dates, each once.

    >>> years("2016-01-01", "2022-06-30", None, "2016")
    ['2016', '2022']
    """
    found = [str(d)[:4] for d in dates if d is not None and str(d).strip() and str(d) != "nan"]
    return list(dict.fromkeys(found))


def key_words(record_type: str, record: Mapping[str, Any], aliases: Mapping[str, list[str]],
              field: str | None = None, places: Mapping[str, list[str]] | None = None) -> list[tuple[str, list[str]]]:
    """What a quote must mention for a fact to be *stated* in it.

    Parameters
    ----------
    record_type : str
        ``actor``, ``project``, ``event``, ``relation``, ``project_role`` or ``participation``.
    record : mapping
        The record's stored values (``id``, ``actor_id``, ``source_actor``, ``start_date``…).
    aliases : mapping
        Record id (actor or project) -> every name it goes by.
    field : {None, "place", "dates"}
        For actors, the field group: the organisation itself, its seat or its dates.
    places : mapping, optional
        City -> other spellings (from the gazetteer).

    Returns
    -------
    list of (what, alternatives)
        The quote supports the fact when, for each item, it mentions one alternative.

    Examples
    --------
    >>> key_words("relation", {"source_actor": "giz", "target_actor": "eu", "start_date": "2016"},
    ...           {"giz": ["GIZ"], "eu": ["EU", "European Union"]})
    [('source_actor', ['GIZ']), ('target_actor', ['EU', 'European Union']), ('year', ['2016'])]
    """
    def get(name: str) -> Any:
        value = record.get(name)
        return None if value is None or (isinstance(value, float) and value != value) or value == "" else value

    def named(what: str, record_id: Any) -> tuple[str, list[str]]:
        return what, list(aliases.get(str(record_id), [])) or [str(record_id)]

    out: list[tuple[str, list[str]]] = []
    if record_type == "actor" and field == "place":
        city = get("city")
        if city:
            out.append(("city", [city, *(places or {}).get(city, [])]))
        elif get("country"):
            out.append(("country", country_names(get("country"))))
        return out
    if record_type == "actor" and field == "dates":
        return [("year", [y]) for y in years(get("valid_from"), get("valid_to"))]
    if record_type in ("actor", "project"):
        out.append(named("name", get("id")))
    elif record_type == "relation":
        out += [named("source_actor", get("source_actor")), named("target_actor", get("target_actor"))]
    elif record_type == "project_role":
        out += [named("actor", get("actor_id")), ("role", list(PROJECT_ROLE_WORDS.get(get("role"), (get("role"),))))]
    elif record_type == "participation":
        out += [named("actor", get("actor_id")), ("role", list(EVENT_ROLE_WORDS.get(get("role"), (get("role"),))))]
    elif record_type == "event":
        out.append(("kind", list(EVENT_KIND_WORDS.get(get("kind"), (get("kind"),)))))
        if get("city"):
            out.append(("city", [get("city"), *(places or {}).get(get("city"), [])]))
    if record_type != "actor":
        out += [("year", [y]) for y in years(get("start_date"), get("end_date"))]
    return out


def missing(quote: str | None, wanted: Iterable[tuple[str, list[str]]]) -> list[str]:
    """The items of ``wanted`` (from :func:`key_words`) that ``quote`` mentions in none of their forms.

    >>> missing("GIZ is cooperating with the MCMREAM", [("source_actor", ["GIZ"]), ("year", ["2015"])])
    ['year']
    """
    text = " ".join(str(quote or "").split(EXCERPT_SEPARATOR))
    return [what for what, forms in wanted if not any(mentions(text, form) for form in forms)]


# -- display --------------------------------------------------------------------------------------

def evidence_label(level: str | None, lang: str = "en") -> str:
    """The evidence level as readers see it; empty for a fact not yet assessed.

    >>> evidence_label("inferred", "fr"), evidence_label(None)
    ('déduit', '')
    """
    return label(EVIDENCE, level, lang) if level else ""


def is_inferred(level: str | None) -> bool:
    """Facts a reader may hide: inferred by curators (stated, external and unassessed stay).

    >>> is_inferred("inferred"), is_inferred("stated"), is_inferred(None)
    (True, False, False)
    """
    return level == "inferred"


def edge_style(level: str | None) -> dict[str, Any]:
    """How a link is drawn: inferred links dashed and lighter, the others solid.

    >>> edge_style("inferred")["dashes"], edge_style("stated")["dashes"]
    (True, False)
    """
    if is_inferred(level):
        return {"dashes": True, "opacity": 0.45, "dash_array": "6 5"}
    return {"dashes": False, "opacity": 0.9, "dash_array": None}


def unplaced(actors: pd.DataFrame) -> pd.DataFrame:
    """Actors that cannot be drawn: no coordinates because the sources state no seat.

    >>> frame = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "lat": [34.0, None], "lon": [-6.8, None]})
    >>> unplaced(frame)["id"].tolist()
    ['b']
    """
    if actors.empty or "lat" not in actors:
        return actors.iloc[0:0]
    return actors[actors["lat"].isna() | actors["lon"].isna()].sort_values("name")


def evidence_facts(actor: Mapping[str, Any], lang: str = "en") -> list[tuple[str, str]]:
    """Lines of an organisation file's card saying how its facts are known: the level of each field
    group that has one, on one line, and the curators' note (their reasoning or outside reference).

    >>> evidence_facts({"evidence": "stated", "place_evidence": "inferred", "evidence_note": "Seat of the mayor."})
    ... # doctest: +NORMALIZE_WHITESPACE
    [('How it is known', 'organisation: stated in a source · place: inferred'),
     ("Curators' note", 'Seat of the mayor.')]
    >>> evidence_facts({"kind": "ngo"})
    []
    """
    parts = [t("evidence.part", lang, group=t(f"evidence.group.{column}", lang),
               level=evidence_label(actor[column], lang))
             for column in ("evidence", "place_evidence", "dates_evidence")
             if isinstance(actor.get(column), str) and actor.get(column)]
    out = [(t("evidence.known", lang), " · ".join(parts))] if parts else []
    note = actor.get("evidence_note")
    if isinstance(note, str) and note.strip():
        out.append((t("evidence.note", lang), note.strip()))
    return out


def source_line(source: Mapping[str, Any]) -> str:
    """A source as a person cites it: title, publisher, date (never its internal id).

    >>> source_line({"id": "x.txt", "title": "RECOMIG factsheet", "publisher": "GIZ", "date": "2016-10"})
    'RECOMIG factsheet — GIZ, 2016-10'
    """
    def clean(value: Any) -> str:
        return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()

    by = ", ".join(p for p in (clean(source.get("publisher")), clean(source.get("date"))) if p)
    title = clean(source.get("title")) or clean(source.get("reference"))
    return f"{title} — {by}" if by else title
