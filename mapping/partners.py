"""Find partners: rank the actors an organisation (or a place and themes) could work with.

A suggestion scores what the candidate shares with the request and how it can be reached
through the network, and explains itself in one sentence built from the locale catalogues
("Works on health in Oriental; reachable through GIZ (RECOSA)"). The weights are plain and
fixed so that a user can check a ranking by hand; the README explains them.

========================  ======  =============================================================
part                      points  how
========================  ======  =============================================================
themes                    0–3     3 × the share of the wanted themes the candidate works on;
                                  a candidate working on none of them is left out
target groups             0–1     1 × the share of the wanted target groups it serves
place                     0–3     3 when it works in the wanted region (seat or area of
                                  operation); else 2 × (1 − km / 500) from the reference point,
                                  and at least 0.5 in the same country (its seat may be unknown)
direct partner            2       a published relation with the organisation
partner of a partner      1       no relation, but a partner in common (named in the reason)
shared projects           0–0.5   0.25 a project both take part in
shared events             0–0.5   0.25 an event both attended
========================  ======  =============================================================

Everything here is pure: frames in, frames out; the pages build :class:`PartnerData` once per
data version and cache it.

Examples
--------
>>> import pandas as pd
>>> actors = pd.DataFrame({
...     "id": ["town", "clinic", "agency", "far"], "name": ["Town", "Clinic", "Agency", "Far NGO"],
...     "acronym": [None, None, "AG", None], "kind": ["municipality", "ngo", "development_agency", "ngo"],
...     "country": ["MA", "MA", "DE", "MA"], "region_code": ["MA-02", "MA-02", None, "MA-09"],
...     "city": ["Oujda", "Oujda", "Bonn", "Agadir"],
...     "lat": [34.68, 34.69, 50.73, 30.42], "lon": [-1.91, -1.90, 7.10, -9.60],
...     "themes": [["health"], ["health"], ["health", "funding"], ["health"]],
...     "target_groups": [["migrants"], ["migrants"], [], ["migrants"]]})
>>> relations = pd.DataFrame({"source_actor": ["agency", "agency"], "target_actor": ["town", "clinic"],
...                           "kind": ["supports", "supports"], "project_id": ["p1", "p1"]})
>>> data = PartnerData.build(actors, relations, project_names={"p1": "RECOSA"})
>>> found = suggest(data, Request(origin="town", themes=("health",)))
>>> found[["id", "reach"]].values.tolist()
[['clinic', 'second'], ['agency', 'direct'], ['far', '']]
>>> found.iloc[0]["reason"]
'Works on Health and COVID-19 response in Oriental, with Migrants (incl. regularised); reachable through AG via RECOSA'
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from . import geo
from .i18n import t
from .model import COUNTRIES, RELATION_KINDS, TARGET_GROUPS, THEMES, label, relation_phrase, split_list

#: Points of each part of a suggestion's score (see the module docstring).
WEIGHTS = {"themes": 3.0, "groups": 1.0, "region": 3.0, "near": 2.0, "country": 0.5, "direct": 2.0, "second": 1.0,
           "project": 0.25, "projects_max": 0.5, "event": 0.25, "events_max": 0.5}
#: Beyond this distance a candidate outside the wanted region earns no place points.
NEAR_KM = 500.0
#: The most any suggestion can score: what a score is shown as a share of.
MAX_SCORE = (WEIGHTS["themes"] + WEIGHTS["groups"] + WEIGHTS["region"] + WEIGHTS["direct"]
             + WEIGHTS["projects_max"] + WEIGHTS["events_max"])
#: How many names a reason lists before "(+N)", and how long a listed name may be.
_LISTED = 2
_WIDTH = 40

COLUMNS = ["id", "name", "kind", "city", "country", "score", "share", "reach", "via", "reason",
           "themes_points", "groups_points", "place_points", "reach_points", "projects_points", "events_points",
           "km"]


@dataclass(frozen=True)
class Request:
    """What a user looks for: partners of ``origin`` (an actor id), and/or partners working on
    ``themes`` for ``target_groups`` in ``region`` (an ISO 3166-2 code). Whatever is left empty
    comes from the origin's own file (its themes, groups and region)."""

    origin: str | None = None
    themes: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    region: str | None = None


@dataclass
class PartnerData:
    """The actors and their links, indexed once for :func:`suggest`."""

    actors: dict[str, dict]
    links: dict[str, dict[str, list[tuple[str, bool, str | None]]]]  # a -> b -> [(kind, a is source, project id)]
    projects: dict[str, set[str]]   # actor -> project ids
    events: dict[str, set[str]]     # actor -> event ids
    areas: dict[str, set[str]]      # actor -> region codes where it works (seat included)
    project_names: dict[str, str] = field(default_factory=dict)
    event_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, actors: pd.DataFrame, relations: pd.DataFrame, roles: pd.DataFrame | None = None,
              participations: pd.DataFrame | None = None, areas: pd.DataFrame | None = None,
              project_names: Mapping[str, str] | None = None) -> PartnerData:
        """Index published frames from the store.

        Parameters
        ----------
        actors : DataFrame
            ``id, name, acronym, kind, country, region_code, city, lat, lon, themes, target_groups``.
        relations : DataFrame
            ``source_actor, target_actor, kind, project_id``.
        roles : DataFrame, optional
            Project roles: ``project_id, actor_id`` (and ``project_name``, the acronym when there is one).
        participations : DataFrame, optional
            Event participations: ``event_id, actor_id`` (and ``event_name``).
        areas : DataFrame, optional
            Areas of operation: ``actor_id, region_code``; an actor's seat region always counts.
        project_names : mapping, optional
            Project id -> short name, for projects that only appear on relations.
        """
        records = {}
        for rec in actors.to_dict("records"):
            for column in ("themes", "target_groups"):  # DuckDB lists arrive as arrays, CSV cells as text
                value = rec.get(column)
                rec[column] = set(split_list(value if isinstance(value, str) or value is None else list(value)))
            records[rec["id"]] = rec
        links: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        ends = relations[["source_actor", "target_actor", "kind", "project_id"]]
        for s, o, kind, project in ends.itertuples(index=False):
            if s in records and o in records and s != o:
                project = project if isinstance(project, str) and project else None
                links[s][o].append((kind, True, project))
                links[o][s].append((kind, False, project))
        names = dict(project_names or {})
        projects: dict[str, set[str]] = defaultdict(set)
        if roles is not None and not roles.empty:
            for rec in roles.to_dict("records"):
                projects[rec["actor_id"]].add(rec["project_id"])
                names.setdefault(rec["project_id"], rec.get("project_name") or rec["project_id"])
        events: dict[str, set[str]] = defaultdict(set)
        event_names: dict[str, str] = {}
        if participations is not None and not participations.empty:
            for rec in participations.to_dict("records"):
                events[rec["actor_id"]].add(rec["event_id"])
                event_names[rec["event_id"]] = rec.get("event_name") or rec["event_id"]
        where: dict[str, set[str]] = defaultdict(set)
        for actor_id, rec in records.items():
            if isinstance(rec.get("region_code"), str) and rec["region_code"]:
                where[actor_id].add(rec["region_code"])
        if areas is not None and not areas.empty:
            for actor_id, code in areas[["actor_id", "region_code"]].itertuples(index=False):
                if isinstance(code, str) and code:
                    where[actor_id].add(code)
        return cls(records, {k: dict(v) for k, v in links.items()}, dict(projects), dict(events), dict(where),
                   names, event_names)

    def short_name(self, actor_id: str) -> str:
        """The acronym when there is one, else the name."""
        rec = self.actors[actor_id]
        acronym = rec.get("acronym")
        return acronym if isinstance(acronym, str) and acronym else rec["name"]


def from_store(store) -> PartnerData:
    """:class:`PartnerData` of every published actor, relation, project role and participation."""
    actors = store.actors()
    ids = actors["id"].tolist()
    projects = store.projects()
    short = projects["acronym"].where(projects["acronym"].notna() & (projects["acronym"] != ""), projects["name"])
    return PartnerData.build(actors, store.relations(), store.project_role_edges(ids), store.participation_edges(ids),
                             project_names=dict(zip(projects["id"], short)))


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (lat, lon) points.

    >>> round(km_between((34.68, -1.91), (34.02, -6.84)))  # Oujda - Rabat
    458
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _point(rec: Mapping) -> tuple[float, float] | None:
    lat, lon = rec.get("lat"), rec.get("lon")
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    return float(lat), float(lon)


def region_point(code: str) -> tuple[float, float] | None:
    """A point inside a region (for distances when the request names a region, not an organisation).

    >>> lat, lon = region_point("MA-02")
    >>> 32 < lat < 35.5 and -4 < lon < -1
    True
    """
    frame = geo.regions()
    rows = frame[frame["region_code"] == code]
    if rows.empty:
        return None
    p = rows.geometry.iloc[0].representative_point()
    return float(p.y), float(p.x)


def _listed(names: list[str], lang: str) -> str:
    """'A', 'A, B', 'A, B (+3)'; long names cut.

    >>> _listed(["RECOSA", "A project whose name goes on and on and on", "C"], "en")
    'RECOSA, A project whose name goes on and on and… (+1)'
    """
    shown = ", ".join(n if len(n) <= _WIDTH else n[:_WIDTH - 1].rstrip() + "…" for n in names[:_LISTED])
    rest = len(names) - _LISTED
    return shown if rest <= 0 else t("partners.reason.more", lang, names=shown, n=rest)


def _best_intermediary(data: PartnerData, origin: str, candidate: str) -> tuple[str, str | None] | None:
    """The partner in common through whom ``candidate`` is best reached, and the project of that tie.

    The intermediary with most ties to both ends wins (then the shorter name, for a stable order).
    """
    mine = data.links.get(origin, {})
    theirs = data.links.get(candidate, {})
    # Walk the smaller side: a hub has thousands of partners, a candidate a handful (the result does
    # not depend on the order: ties are broken by the key below).
    small, large = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
    common = [x for x in small if x in large and x != candidate]
    if not common:
        return None
    best = max(common, key=lambda x: (len(mine[x]) + len(theirs[x]), -len(data.short_name(x)), x))
    project = next((p for _, _, p in theirs[best] if p), None) or next((p for _, _, p in mine[best] if p), None)
    return best, project


def suggest(data: PartnerData, request: Request, *, lang: str = "en", pool: Iterable[str] | None = None,
            limit: int | None = 20) -> pd.DataFrame:
    """Rank potential partners for ``request``, best first, each with a one-sentence reason.

    Parameters
    ----------
    data : PartnerData
    request : Request
    lang : str
        Language of the reasons.
    pool : iterable of str, optional
        Only these actors may be suggested (e.g. those matching the shared filters).
    limit : int, optional
        At most this many suggestions (all when ``None``).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: ``score`` (points), ``share`` (score / :data:`MAX_SCORE`), ``reach``
        (``direct``, ``second`` or empty), ``via`` (the intermediary's id), the points of each
        part, ``km`` from the reference point, and ``reason``.

    Raises
    ------
    KeyError
        If ``request.origin`` is not among the actors.
    """
    origin = data.actors[request.origin] if request.origin else None
    themes = set(request.themes) or (origin["themes"] if origin else set())
    groups = set(request.target_groups) or (origin["target_groups"] if origin else set())
    region = request.region or (origin.get("region_code") if origin else None)
    region = region if isinstance(region, str) and region else None
    here = (_point(origin) if origin else None) or (region_point(region) if region else None)
    country = region.split("-")[0] if region else (origin.get("country") if origin else None)
    region_label = (geo.region_name(region, "fr" if lang == "fr" else "en") or region) if region else ""
    allowed = set(pool) if pool is not None else None

    rows = []
    for cid, rec in data.actors.items():
        if cid == request.origin or (allowed is not None and cid not in allowed):
            continue
        shared_themes = [c for c in THEMES if c in themes and c in rec["themes"]]
        if themes and not shared_themes:
            continue  # a partner for health must work on health
        shared_groups = [c for c in TARGET_GROUPS if c in groups and c in rec["target_groups"]]
        points = {"themes": WEIGHTS["themes"] * len(shared_themes) / len(themes) if themes else 0.0,
                  "groups": WEIGHTS["groups"] * len(shared_groups) / len(groups) if groups else 0.0}
        there = _point(rec)
        km = km_between(here, there) if here and there else None
        in_region = bool(region) and region in data.areas.get(cid, set())
        same_country = bool(country) and rec.get("country") == country
        if in_region:
            points["place"] = WEIGHTS["region"]
        else:
            near = WEIGHTS["near"] * max(0.0, 1 - km / NEAR_KM) if km is not None else 0.0
            points["place"] = max(near, WEIGHTS["country"] if same_country else 0.0)

        reach, via = "", None
        tie: tuple[str | None, bool | None, str | None] | None = None  # (kind, outgoing, project)
        shared_projects: list[str] = []
        shared_events: list[str] = []
        if origin and request.origin:
            ties = data.links.get(request.origin, {}).get(cid)
            if ties:
                reach, tie = "direct", ties[0]
            else:
                second = _best_intermediary(data, request.origin, cid)
                if second:
                    reach, (via, project) = "second", second
                    tie = (None, None, project)
            shared_projects = sorted(data.projects.get(request.origin, set()) & data.projects.get(cid, set()))
            shared_events = sorted(data.events.get(request.origin, set()) & data.events.get(cid, set()))
        points["reach"] = WEIGHTS[reach] if reach else 0.0
        points["projects"] = min(WEIGHTS["projects_max"], WEIGHTS["project"] * len(shared_projects))
        points["events"] = min(WEIGHTS["events_max"], WEIGHTS["event"] * len(shared_events))
        score = sum(points.values())
        if score <= 0:
            continue

        # The reason: what it does and where, then how to reach it.
        parts = []
        place = ""
        if in_region:
            place = t("partners.reason.in_region", lang, region=region_label)
        elif km is not None and km < NEAR_KM:
            place = t("partners.reason.near", lang, city=rec.get("city") or "", km=round(km))
        elif same_country:
            place = t("partners.reason.country", lang, country=label(COUNTRIES, country, lang))
        if shared_themes:
            what = t("partners.reason.works", lang,
                     themes=_listed([label(THEMES, c, lang) for c in shared_themes], lang))
            if shared_groups:
                place += t("partners.reason.with", lang,
                           groups=_listed([label(TARGET_GROUPS, c, lang) for c in shared_groups], lang))
            parts.append(what + place)
        elif place:
            parts.append(t("partners.reason.based", lang, place=place))
        project_name = _listed([data.project_names.get(tie[2], tie[2])], lang) if tie and tie[2] else ""
        if reach == "direct" and tie:
            kind, outgoing, _ = tie
            # read from the candidate's side: "supports you", "funded by you"
            phrase = relation_phrase(str(kind), not outgoing, lang) if kind in RELATION_KINDS else str(kind)
            parts.append(t("partners.reason.direct_project" if project_name else "partners.reason.direct", lang,
                           relation=phrase, project=project_name))
        elif reach == "second" and via:
            parts.append(t("partners.reason.second_project" if project_name else "partners.reason.second", lang,
                           via=data.short_name(via), project=project_name))
        if shared_projects and not (reach and project_name and tie and shared_projects == [tie[2]]):
            parts.append(t("partners.reason.projects", lang,
                           projects=_listed([data.project_names.get(p, p) for p in shared_projects], lang)))
        if len(shared_events) == 1:
            event = data.event_names.get(shared_events[0], "")
            parts.append(t("partners.reason.event", lang, event=_listed([event], lang)))
        elif shared_events:
            parts.append(t("partners.reason.events", lang, n=len(shared_events)))
        reason = t("partners.reason.sep", lang).join(parts)
        rows.append({"id": cid, "name": rec["name"], "kind": rec.get("kind"), "city": rec.get("city") or "",
                     "country": rec.get("country") or "", "score": round(score, 2),
                     "share": round(score / MAX_SCORE, 3), "reach": reach, "via": via or "",
                     "reason": reason[:1].upper() + reason[1:],
                     **{f"{k}_points": round(v, 2) for k, v in points.items()},
                     "km": None if km is None else round(km)})
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out
    out = out.sort_values(["score", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out if limit is None else out.head(limit)


def reach_counts(found: pd.DataFrame) -> dict[str, int]:
    """How many suggestions are direct partners, partners of partners, or not yet linked.

    >>> reach_counts(pd.DataFrame({"reach": ["direct", "second", "", ""]}))
    {'direct': 1, 'second': 1, 'none': 2}
    """
    values = found["reach"].tolist() if not found.empty else []
    return {"direct": values.count("direct"), "second": values.count("second"), "none": values.count("")}




def region_choices(lang: str = "en") -> dict[str, str]:
    """Every admin-1 region of the four countries: code -> "Region (Country)", for a place picker.

    >>> region_choices("en")["MA-02"], region_choices("fr")["SN-DK"]
    ('Oriental (Morocco)', 'Dakar (Sénégal)')
    """
    frame = geo.regions()
    column = "name" if lang == "fr" else "name_en"
    return {code: f"{name} ({label(COUNTRIES, country, lang)})"
            for code, name, country in zip(frame["region_code"], frame[column], frame["country"])}


def weights_table(lang: str = "en") -> pd.DataFrame:
    """The ranking's parts and their points, for the page's "How are partners ranked?".

    >>> weights_table("en")["points"].tolist()
    ['0–3', '0–1', '0–3', '2', '1', '0–0.5', '0–0.5']
    """
    rows = [("themes", f"0–{WEIGHTS['themes']:g}"), ("groups", f"0–{WEIGHTS['groups']:g}"),
            ("place", f"0–{WEIGHTS['region']:g}"), ("direct", f"{WEIGHTS['direct']:g}"),
            ("second", f"{WEIGHTS['second']:g}"), ("projects", f"0–{WEIGHTS['projects_max']:g}"),
            ("events", f"0–{WEIGHTS['events_max']:g}")]
    return pd.DataFrame({"part": [t(f"partners.part.{k}", lang) for k, _ in rows], "points": [p for _, p in rows],
                         "how": [t(f"partners.how.{k}", lang, km=int(NEAR_KM)) for k, _ in rows]})
