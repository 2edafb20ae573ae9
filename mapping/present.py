"""Pure presentation helpers: frames from the store -> frames and text the pages show.

Examples
--------
>>> format_period("2016-01-01", "2022-06-30", "en")
'1 Jan 2016 – 30 Jun 2022'
>>> format_period("2021-04-12", None, "fr")
'depuis 12 avr. 2021'
>>> format_period(float("nan"), None)
''
"""
from __future__ import annotations

import html
from urllib.parse import quote

import pandas as pd

from .geo import normalize
from .i18n import date, t
from .model import (
    ACTOR_KINDS,
    COUNTRIES,
    EVENT_KINDS,
    EVENT_ROLES,
    PROJECT_ROLES,
    TARGET_GROUPS,
    THEMES,
    Vocabulary,
    is_international,
    label,
    relation_phrase,
    split_list,
)
from .provenance import evidence_label


def format_period(start: str | None, end: str | None, lang: str = "en") -> str:
    """A human period from partial ISO dates, written the language's way (:func:`mapping.i18n.date`)."""
    # Missing dates arrive as None or NaN from DuckDB frames.
    start = date(start, lang) if isinstance(start, str) else ""
    end = date(end, lang) if isinstance(end, str) else ""
    if start and end and start != end:
        return f"{start} – {end}"
    if start and end:
        return start
    if start:
        return t("period.since", lang, date=start)
    if end:
        return t("period.until", lang, date=end)
    return ""


def labels(vocabulary, codes, lang: str) -> str:
    """Comma-joined labels of a list of codes.

    >>> labels(THEMES, ["health", "funding"], "en")
    'Health and COVID-19 response, Funding'
    """
    return ", ".join(label(vocabulary, c, lang) for c in split_list(list(codes) if codes is not None else None))


def ranked_codes(vocabulary: Vocabulary, lang: str) -> list[str]:
    """A vocabulary's codes in the order of their labels in ``lang`` (accents ignored), so a sort
    made by the store on codes follows what the reader sees.

    >>> ranked_codes(COUNTRIES, "en")[:3], ranked_codes(COUNTRIES, "fr")[:3]
    (['BE', 'CI', 'FR'], ['DE', 'BE', 'CI'])
    """
    return sorted(vocabulary, key=lambda c: normalize(label(vocabulary, c, lang)))


def directory_table(actors: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The directory's table: readable labels, one row per actor, ``id`` kept for selection."""
    if actors.empty:
        return pd.DataFrame(columns=["id", "name", "acronym", "kind", "city", "region", "country", "themes"])
    out = pd.DataFrame({
        "id": actors["id"],
        "name": actors["name"],
        "acronym": actors["acronym"].fillna(""),
        "kind": actors["kind"].map(lambda k: label(ACTOR_KINDS, k, lang)),
        "city": actors["city"].fillna(""),
        "region": actors["region"].fillna(""),
        "country": [
            label(COUNTRIES, c, lang) + (" 🌐" if is_international(c) else "") for c in actors["country"]
        ],
        "themes": actors["themes"].map(lambda v: labels(THEMES, v, lang)),
    })
    return out.reset_index(drop=True)


def export_table(actors: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Exported actors with a readable label beside each coded column, in the session's language
    (``kind`` and ``kind_label``, ``region`` in that language…); codes stay for re-import and joins.

    >>> row = pd.DataFrame({"id": ["a"], "kind": ["ngo"], "country": ["MA"], "region_code": ["MA-02"],
    ...                     "region": ["L'Oriental"], "themes": [["health"]], "target_groups": [[]]})
    >>> export_table(row, "en").iloc[0][["kind_label", "country_label", "region", "themes_label"]].tolist()
    ['NGO / civil society', 'Morocco', 'Oriental', 'Health and COVID-19 response']
    >>> export_table(row, "fr").iloc[0]["kind_label"]
    'ONG / société civile'
    """
    from .geo import region_name

    out = actors.copy()
    vocabularies = (("kind", ACTOR_KINDS, False), ("country", COUNTRIES, False), ("themes", THEMES, True),
                    ("target_groups", TARGET_GROUPS, True))
    for column, vocabulary, many in reversed(vocabularies):
        if column not in out:
            continue
        values = [labels(vocabulary, v, lang) if many else (label(vocabulary, v, lang) if isinstance(v, str) else "")
                  for v in out[column]]
        out.insert(out.columns.get_loc(column) + 1, f"{column}_label", values)
    if "region_code" in out and "region" in out:
        out["region"] = [region_name(c, lang) or r if isinstance(c, str) else r
                         for c, r in zip(out["region_code"], out["region"])]
    return out


def counts_table(counts: pd.DataFrame, vocabulary, lang: str) -> pd.DataFrame:
    """Facet counts (``value``, ``n``) with readable labels."""
    return pd.DataFrame({
        "label": [label(vocabulary, v, lang) for v in counts["value"]],
        "n": counts["n"].astype(int),
    })


def partner_groups(relations: pd.DataFrame, lang: str = "en") -> list[tuple[str, pd.DataFrame]]:
    """Group an actor's relations by how they read from its side ("funded by", "partners with").

    Returns ``[(phrase, frame)]`` where each frame has ``other_id``, ``other_name``,
    ``project``, ``period`` and ``note``, in a stable order.
    """
    if relations.empty:
        return []
    rel = relations.copy()
    rel["phrase"] = [relation_phrase(k, bool(o), lang) for k, o in zip(rel["kind"], rel["outgoing"])]
    rel["period"] = [format_period(s, e, lang) for s, e in zip(rel["start_date"], rel["end_date"])]
    known = rel["evidence"] if "evidence" in rel else [None] * len(rel)
    rel["evidence"] = [evidence_label(e, lang) if isinstance(e, str) else "" for e in known]
    groups = []
    for phrase, frame in rel.groupby("phrase", sort=True):
        groups.append((str(phrase), frame[["other_id", "other_name", "other_kind", "project", "period", "note",
                                           "evidence"]]
                       .fillna("").reset_index(drop=True)))
    return groups


def partners_table(relations: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every partner of an actor in one table (however many there are), grouped as
    :func:`partner_groups` reads them, with a relative ``link`` to each partner's file.

    Columns: relation, name, kind, country, project, period, evidence (how the link is known), note, id, link.
    """
    columns = ["relation", "name", "kind", "country", "project", "period", "evidence", "note", "id", "link"]
    groups = partner_groups(relations, lang)
    if not groups:
        return pd.DataFrame(columns=columns)
    rows = pd.concat([frame.assign(relation=phrase) for phrase, frame in groups], ignore_index=True)
    countries = relations.set_index("other_id")["other_country"].to_dict() if "other_country" in relations else {}
    return pd.DataFrame({
        "relation": rows["relation"],
        "name": rows["other_name"],
        "kind": rows["other_kind"].map(lambda k: label(ACTOR_KINDS, k, lang) if k else ""),
        "country": rows["other_id"].map(lambda i: label(COUNTRIES, countries.get(i), lang) if countries.get(i) else ""),
        "project": rows["project"],
        "period": rows["period"],
        "evidence": rows["evidence"],
        "note": rows["note"],
        "id": rows["other_id"],
        "link": [f"actor?actor={quote(str(i), safe='')}&lang={quote(lang)}" for i in rows["other_id"]],
    }, columns=columns)


def roles_text(roles: str | None, vocabulary, lang: str) -> str:
    """``"funder|partner"`` -> ``"funder, partner"`` in ``lang``."""
    return labels(vocabulary, roles, lang)


def projects_table(projects: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return pd.DataFrame({
        "project": [a if isinstance(a, str) and a else n for a, n in zip(projects["acronym"], projects["name"])],
        "name": projects["name"],
        "role": projects["roles"].map(lambda r: roles_text(r, PROJECT_ROLES, lang)),
        "period": [format_period(s, e, lang) for s, e in zip(projects["start_date"], projects["end_date"])],
    })


def events_table(events: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return pd.DataFrame({
        "event": events["name"],
        "kind": events["kind"].map(lambda k: label(EVENT_KINDS, k, lang)),
        "role": events["roles"].map(lambda r: roles_text(r, EVENT_ROLES, lang)),
        "date": [format_period(s, e, lang) for s, e in zip(events["start_date"], events["end_date"])],
        "place": events["city"].fillna(""),
    })


_MD_SPECIAL = "\\`*_{}[]()+-.!|~"


def escape(text: object) -> str:
    """Make user text inert in Markdown and HTML (Streamlit renders both).

    ``<``, ``>`` and ``&`` become entities, Markdown punctuation is backslash-escaped and a
    leading ``#`` cannot start a heading.

    >>> escape("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert\\\\(1\\\\)&gt;'
    >>> escape("Commune d'Oujda"), escape("# title")
    ("Commune d'Oujda", '\\\\# title')
    """
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch
                  for ch in html.escape("" if text is None else str(text), quote=False))
    return "\\" + out if out.startswith("#") else out
