"""The organisation file, made readable: its header card, working contact links, projects and
events as one timeline, and its sources under their titles with the facts each supports.

Pure: records and frames from the store in, plain values out; the page only draws them.

Examples
--------
>>> contact_links({"website": "www.giz.de", "public_email": "info@example.org", "public_phone": "+49 228 99 535-0"})
[('website', 'www.giz.de', 'https://www.giz.de'), ('public_email', 'info@example.org', 'mailto:info@example.org'), \
('public_phone', '+49 228 99 535-0', 'tel:+4922899535-0')]
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

import pandas as pd

from .i18n import date, t
from .model import (
    ACTOR_KINDS,
    COUNTRIES,
    EVENT_KINDS,
    EVENT_ROLES,
    PROJECT_KINDS,
    PROJECT_ROLES,
    label,
    relation_phrase,
    split_list,
)
from .present import format_period
from .provenance import evidence_facts

#: The names an organisation may carry besides its display name, with the language each is in.
NAME_COLUMNS = (("name_fr", "Français", "ltr"), ("name_en", "English", "ltr"), ("name_ar", "العربية", "rtl"))
_EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\.[^@\s<>()\[\]\\,;:\"]+$")


def _text(value: object) -> str:
    """A display string: missing values (None, NaN, the text « nan ») become ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return "" if text.lower() in {"nan", "none", "nat"} else text


def title(actor: Mapping) -> str:
    """The file's title: its name, followed by its acronym in brackets unless the name already
    carries it (as a word of its own, whatever the case) or is the acronym itself.

    >>> title({"name": "Union européenne", "acronym": "EU"})
    'Union européenne (EU)'
    >>> title({"name": "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH", "acronym": "GIZ"})
    'Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH'
    >>> title({"name": "AMAPPE", "acronym": "amappe"}), title({"name": "Oujda", "acronym": float("nan")})
    ('AMAPPE', 'Oujda')
    >>> title({"name": "Gizeh Partners", "acronym": "GIZ"})  # a word that merely starts with it
    'Gizeh Partners (GIZ)'
    """
    name, acronym = _text(actor.get("name")), _text(actor.get("acronym"))
    if not acronym or re.search(rf"(?<!\w){re.escape(acronym)}(?!\w)", name, flags=re.IGNORECASE):
        return name
    return f"{name} ({acronym})"


#: Width of a bold character of the title, in ems, generous (wide letters such as m and w included).
TITLE_EM_PER_CHAR = 0.62


def title_css(text: str) -> str:
    """CSS sizing the title so its longest word fits on a line of the header's column: long names
    then wrap between words on a phone, never inside one (only a token too long even at the
    smallest size breaks). The size follows the column's width (a container query), between
    1.25 and 2.75 rem.

    >>> css = title_css("Bundesministerium für wirtschaftliche Zusammenarbeit")
    >>> "calc(100cqi / 10.54)" in css and "overflow-wrap: break-word" in css
    True
    >>> "calc(100cqi / 4.96)" in title_css("Commune d'Oujda")  # 'Commune': 7 letters, but 8 at least
    True
    """
    # At least 8 characters: a short name keeps the usual title size (the upper bound).
    longest = max([8, *(len(word) for word in text.split())])
    return ("[data-testid='stElementContainer']:has(style.atlas-title-css) { display: none; }"  # no gap of its own
            ".st-key-actor_header [data-testid='stColumn']:first-child { container-type: inline-size; }"
            ".st-key-actor_header h1 { font-size: clamp(1.25rem, "
            f"calc(100cqi / {longest * TITLE_EM_PER_CHAR:.2f}), 2.75rem) !important; "
            "word-break: normal !important; overflow-wrap: break-word !important; }"
            # Presenter mode hides the page's title (its bar names the page), not the file's name.
            "[data-testid='stMain'] .st-key-actor_header [data-testid='stElementContainer']:has(h1) "
            "{ display: block !important; }")


def other_names(actor: Mapping) -> list[tuple[str, str, str]]:
    """The file's names in its languages, except the one shown as its title: (language, name, direction).

    >>> other_names({"name": "Commune d'Oujda", "name_fr": "Commune d'Oujda", "name_en": "Municipality of Oujda",
    ...              "name_ar": "جماعة وجدة"})
    [('English', 'Municipality of Oujda', 'ltr'), ('العربية', 'جماعة وجدة', 'rtl')]
    """
    shown = {_text(actor.get("name"))}
    out = []
    for column, language, direction in NAME_COLUMNS:
        name = _text(actor.get(column))
        if name and name not in shown:
            out.append((language, name, direction))
            shown.add(name)
    return out


def place_text(actor: Mapping, lang: str = "en") -> str:
    """City, region, country — whatever is known; '' when the seat is unknown.

    >>> place_text({"city": "Oujda", "region": "Oriental", "country": "MA"}, "fr")
    'Oujda, Oriental, Maroc'
    >>> place_text({"city": None, "region": None, "country": None})
    ''
    """
    country = _text(actor.get("country"))
    parts = [_text(actor.get("city")), _text(actor.get("region")), label(COUNTRIES, country, lang) if country else ""]
    return ", ".join(p for p in parts if p)


def partner_lines(partners: pd.DataFrame) -> list[tuple[str, str]]:
    """The partners table (:func:`mapping.present.partners_table`) as one line per kind of relation,
    for paper (a table wider than the page is cut at its edge): each partner once, with its kind.

    >>> frame = pd.DataFrame({"relation": ["supported by", "supported by", "partners with"],
    ...     "name": ["GIZ", "GIZ", "IOM"], "kind": ["Development agency", "Development agency", ""]})
    >>> partner_lines(frame)
    [('supported by', 'GIZ (Development agency)'), ('partners with', 'IOM')]
    """
    lines: dict[str, list[str]] = {}
    for relation, name, kind in zip(partners["relation"], partners["name"], partners["kind"]):
        entry = f"{name} ({kind})" if kind else str(name)
        if entry not in lines.setdefault(relation, []):
            lines[relation].append(entry)
    return [(relation, ", ".join(names)) for relation, names in lines.items()]


def header_facts(actor: Mapping, sources: int, lang: str = "en") -> list[tuple[str, str]]:
    """The header card's lines: kind, place, status, last update, number of sources.

    >>> header_facts({"kind": "ngo", "city": "Oujda", "country": "MA", "status": "published",
    ...               "updated_at": "2026-11-30 09:12:00"}, 3)
    [('Type', 'NGO / civil society'), ('Place', 'Oujda, Morocco'), ('Status', 'Published'), \
('Last update', '30 Nov 2026'), ('Sources', '3')]
    """
    updated = _text(actor.get("updated_at"))[:10]
    status = t("status." + (_text(actor.get("status")) or "published"), lang)
    return [
        (t("col.kind", lang), label(ACTOR_KINDS, actor.get("kind"), lang)),
        (t("actor.place", lang), place_text(actor, lang) or t("actor.place_unknown", lang)),
        (t("actor.status", lang), status[:1].upper() + status[1:]),
        (t("actor.updated", lang), date(updated, lang) if updated else "—"),
        (t("actor.sources", lang), str(sources)),
    ] + evidence_facts(actor, lang)


def website_url(value: object) -> str | None:
    """A link a browser can open from what a curator typed, or ``None`` when it is not a web address.

    >>> website_url("www.bmz.de"), website_url("http://www.giz.de/en"), website_url("javascript:alert(1)")
    ('https://www.bmz.de', 'http://www.giz.de/en', None)
    >>> website_url("giz.de/a page"), website_url("not a site")
    ('https://giz.de/a%20page', None)
    """
    text = _text(value)
    if not text:
        return None
    if "://" not in text:
        if ":" in text.split("/")[0] and not re.match(r"^[\w.-]+:\d+", text):
            return None  # another scheme (javascript:, data:...)
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in parts.netloc:
        return None
    return quote(text, safe=":/?#[]@!$&'()*+,;=%~-._")


def contact_links(actor: Mapping) -> list[tuple[str, str, str | None]]:
    """The public contacts as (field, text, link): websites that open, ``mailto:`` and ``tel:`` links.

    A value that is not a usable address keeps its text and gets no link.
    """
    out = []
    for field in ("website", "public_email", "public_phone"):
        text = _text(actor.get(field))
        if not text:
            continue
        if field == "website":
            href = website_url(text)
        elif field == "public_email":
            href = f"mailto:{text}" if _EMAIL.match(text) else None
        else:
            digits = re.sub(r"[^\d+\-]", "", text)
            href = f"tel:{digits}" if sum(c.isdigit() for c in digits) >= 6 else None
        out.append((field, text, href))
    return out


def _start(value: object) -> str:
    """Partial ISO date -> 'YYYY-MM-DD' (first day), '' when unknown.

    >>> _start("2016"), _start("2015-01"), _start("2021-04-12"), _start(None)
    ('2016-01-01', '2015-01-01', '2021-04-12', '')
    """
    text = _text(value)
    if not re.match(r"^\d{4}(-\d{2}){0,2}$", text):
        return ""
    return (text + "-01-01")[:10] if len(text) == 4 else (text + "-01")[:10]


def timeline(projects: pd.DataFrame, events: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Projects and events in one chronological frame.

    Columns: ``what`` (project|event), ``id``, ``name`` (acronym for projects when there is one),
    ``kind`` (label), ``role`` (labels), ``start`` and ``end`` (ISO days, '' when unknown),
    ``period`` (as people write it). Undated items come last.

    >>> p = pd.DataFrame({"id": ["recosa"], "name": ["Strengthening…"], "acronym": ["RECOSA"], "kind": ["project"],
    ...                   "start_date": ["2016-01-01"], "end_date": ["2022-06-30"], "roles": ["partner_municipality"]})
    >>> e = pd.DataFrame({"id": ["w"], "name": ["Webinar"], "kind": ["webinar"], "start_date": ["2021-04-12"],
    ...                   "end_date": [None], "roles": ["speaker"]})
    >>> timeline(p, e)[["what", "name", "role", "period"]].values.tolist()
    [['project', 'RECOSA', 'partner municipality', '1 Jan 2016 – 30 Jun 2022'], ['event', 'Webinar', 'speaker', \
'12 Apr 2021']]
    """
    rows = []
    for rec in projects.to_dict("records"):
        rows.append({"what": "project", "id": rec["id"], "name": _text(rec.get("acronym")) or _text(rec.get("name")),
                     "kind": label(PROJECT_KINDS, rec.get("kind"), lang),
                     "role": ", ".join(label(PROJECT_ROLES, r, lang) for r in split_list(rec.get("roles"))),
                     "start": _start(rec.get("start_date")), "end": _start(rec.get("end_date")),
                     "period": format_period(rec.get("start_date"), rec.get("end_date"), lang)})
    for rec in events.to_dict("records"):
        start, end = _text(rec.get("start_date")), _text(rec.get("end_date"))
        # An event is a day unless it says otherwise: no end is not "since".
        period = date(start, lang) if start and end in ("", start) else format_period(start or None, end or None, lang)
        rows.append({"what": "event", "id": rec["id"], "name": _text(rec.get("name")),
                     "kind": label(EVENT_KINDS, rec.get("kind"), lang),
                     "role": ", ".join(label(EVENT_ROLES, r, lang) for r in split_list(rec.get("roles"))),
                     "start": _start(start), "end": _start(end), "period": period})
    frame = pd.DataFrame(rows, columns=["what", "id", "name", "kind", "role", "start", "end", "period"])
    undated = frame["start"] == ""
    return pd.concat([frame[~undated].sort_values(["start", "name"], kind="stable"), frame[undated]],
                     ignore_index=True)


def timeline_spec(frame: pd.DataFrame, lang: str = "en") -> dict:
    """A Vega-Lite chart of :func:`timeline`: projects as bars over their years, events as points.

    >>> spec = timeline_spec(pd.DataFrame({"what": ["project"], "id": ["p"], "name": ["P"], "kind": ["Project"],
    ...     "role": ["partner"], "start": ["2016-01-01"], "end": [""], "period": ["since 2016"]}))
    >>> spec["layer"][0]["mark"]["type"], spec["data"]["values"][0]["end"]
    ('bar', '2016-12-31')
    """
    dated = frame[frame["start"] != ""].copy()
    # A project with no end date is drawn over its first year (its period text says "since").
    dated["end"] = [e or (s[:4] + "-12-31" if w == "project" else s) for s, e, w in
                    zip(dated["start"], dated["end"], dated["what"])]
    dated["what_label"] = [t(f"actor.timeline.{w}", lang) for w in dated["what"]]
    tooltip = [{"field": "name", "title": t("col.name", lang)}, {"field": "role", "title": t("col.role", lang)},
               {"field": "period", "title": t("col.period", lang)}]
    y = {"field": "name", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 260}}
    colour = {"field": "what_label", "type": "nominal", "title": None, "legend": {"orient": "top"},
              "scale": {"range": ["#2c7fb8", "#d95f0e"]}}
    return {
        "data": {"values": dated[["name", "role", "period", "start", "end", "what", "what_label"]]
                 .to_dict("records")},
        "height": {"step": 22},
        "layer": [
            {"mark": {"type": "bar", "cornerRadius": 3, "height": 12},
             "transform": [{"filter": "datum.what == 'project'"}],
             "encoding": {"x": {"field": "start", "type": "temporal", "title": None},
                          "x2": {"field": "end"}, "y": y, "color": colour, "tooltip": tooltip}},
            {"mark": {"type": "point", "filled": True, "size": 90},
             "transform": [{"filter": "datum.what == 'event'"}],
             "encoding": {"x": {"field": "start", "type": "temporal"}, "y": y, "color": colour,
                          "tooltip": tooltip}},
        ],
    }


def _fact(rec: Mapping, lookups: Mapping[str, Mapping], lang: str) -> str:
    """What one citation supports, in words ("Partner: funded by BMZ (RECOMIG)")."""
    fact, record = rec["fact"], _text(rec.get("record_id"))
    if fact == "actor":
        return t("actor.fact.file", lang)
    if fact == "relation":
        rel = lookups.get("relations", {}).get(record)
        if not rel:
            return t("actor.fact.relation_unknown", lang)
        phrase = relation_phrase(rel["kind"], bool(rel["outgoing"]), lang)
        project = _text(rel.get("project"))
        return t("actor.fact.relation", lang, relation=phrase, name=_text(rel["other_name"])) + (
            f" ({project})" if project else "")
    owner, _, role = record.split("|") if record.count("|") == 2 else (record, "", "")
    if fact == "project_role":
        return t("actor.fact.project_role", lang, project=lookups.get("projects", {}).get(owner, owner),
                 role=label(PROJECT_ROLES, role, lang))
    return t("actor.fact.participation", lang, event=lookups.get("events", {}).get(owner, owner),
             role=label(EVENT_ROLES, role, lang))


def source_list(cited: pd.DataFrame, relations: pd.DataFrame | None = None, projects: pd.DataFrame | None = None,
                events: pd.DataFrame | None = None, lang: str = "en") -> list[dict]:
    """The sources behind a file, one entry per document, most cited first.

    Each entry: ``title`` (never a file name: « Untitled document » when the source has none),
    ``byline`` (publisher and date, as known), ``url`` (http(s) only, else ``None``),
    ``reference`` and ``facts``: ``[(what the citation supports, quote or '')]``.

    >>> cited = pd.DataFrame({"fact": ["actor", "project_role"], "record_id": ["ms2", "recosa|ms2|partner"],
    ...     "source_id": ["003_1411ec3ab210ce2d.txt"] * 2, "title": ["RECOMIG factsheet"] * 2,
    ...     "publisher": ["GIZ"] * 2, "date": ["2016-10"] * 2, "url": [None] * 2, "quote": ["nan", "Partners…"]})
    >>> [entry] = source_list(cited, projects=pd.DataFrame({"id": ["recosa"], "name": ["…"], "acronym": ["RECOSA"]}))
    >>> entry["title"], entry["byline"], entry["facts"]
    ('RECOMIG factsheet', 'GIZ, Oct 2016', [('This file', ''), ('Role in RECOSA: partner', 'Partners…')])
    """
    if cited.empty:
        return []
    lookups: dict[str, dict] = {}
    if relations is not None and not relations.empty:
        lookups["relations"] = {r["relation_id"]: r for r in relations.to_dict("records")}
    if projects is not None and not projects.empty:
        lookups["projects"] = {i: _text(a) or _text(n) for i, a, n in
                               zip(projects["id"], projects.get("acronym", projects["name"]), projects["name"])}
    if events is not None and not events.empty:
        lookups["events"] = dict(zip(events["id"], events["name"]))
    entries = []
    for source_id, rows in cited.groupby("source_id", sort=False):
        first = rows.iloc[0]
        byline = ", ".join(x for x in (_text(first.get("publisher")), date(_text(first.get("date")), lang)
                                       if _text(first.get("date")) else "") if x)
        facts = list(dict.fromkeys((_fact(r, lookups, lang), _text(r.get("quote")))
                                   for r in rows.to_dict("records")))
        entries.append({"id": source_id, "title": _text(first.get("title")) or t("actor.untitled", lang),
                        "byline": byline, "url": website_url(first.get("url")) if _text(first.get("url")) else None,
                        "reference": _text(first.get("reference")), "facts": facts})
    return sorted(entries, key=lambda e: (-len(e["facts"]), e["title"].lower()))
