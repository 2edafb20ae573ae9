"""Who works with whom: frames -> networkx graph; metrics, communities, paths, ego nets,
layout and an ECharts chart spec. Pure functions, no Streamlit.

networkx is the graph model and the API. Where networkx is too slow for an interactive page
(spring layout, exact betweenness and closeness on thousands of nodes), the work is handed to
python-igraph behind the same function (``engine="igraph"``, the default); ``engine="networkx"``
runs the plain networkx algorithm, which the tests and the benchmark compare against.

The graph is a :class:`networkx.MultiDiGraph`. Nodes are actors (``node_type="actor"``) and,
when asked for, the projects and events that bring them together (``"project"``, ``"event"``).
Edges keep the direction of the source data and say whether it matters (``directed``).
Metrics, paths and communities read the undirected simple view (:func:`collapse`), where the
weight of a pair is the number of links between the two nodes.

Examples
--------
>>> import pandas as pd
>>> actors = pd.DataFrame({"id": ["a", "b", "c"], "name": ["Alpha", "Beta", "Gamma"],
...                        "kind": ["donor", "development_agency", "municipality"]})
>>> relations = pd.DataFrame({"id": ["r1", "r2"], "source_actor": ["a", "b"],
...                           "target_actor": ["b", "c"], "kind": ["funds", "supports"]})
>>> g = build_graph(actors, relations)
>>> g.number_of_nodes(), g.number_of_edges()
(3, 2)
>>> path_sentences(g, shortest_paths(g, "c", "a"))
['Beta supports Gamma and Alpha funds Beta.']
"""
from __future__ import annotations

import contextlib
import html
import itertools
import random
import threading
from collections.abc import Iterable, Iterator, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from . import i18n, palette
from .model import ACTOR_KINDS, DIRECTED_RELATIONS, EVENT_KINDS, PROJECT_KINDS, RELATION_KINDS, label, relation_phrase
from .provenance import evidence_label, is_inferred

#: Above this many nodes, betweenness and closeness are estimated from sampled sources.
EXACT_LIMIT = 3000
#: Number of sampled sources (pivots) for the estimates (Brandes & Pich 2007; Eppstein & Wang 2001).
PIVOTS = 200
#: Seed of every random choice (layout, communities, pivots): the same data gives the same picture.
SEED = 7
#: Above this many nodes the layout uses Fruchterman-Reingold's grid approximation.
GRID_FROM = 200
METRICS = ("degree", "weighted_degree", "betweenness", "closeness")

# Edge look: relations get a colour of their kind and a solid line; the links to projects and
# events are grey, dashed (project roles) or dotted (event parts), so the actor-to-actor web stands out.
_KIND_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                 "#bcbd22", "#ff7f0e", "#7f7f7f")
EDGE_COLOURS = dict(zip(RELATION_KINDS, itertools.cycle(_KIND_COLOURS)))
EDGE_STYLES = {"relation": "solid", "project_role": "dashed", "participation": "dotted", "event_project": "dotted"}

_RNG_LOCK = threading.Lock()  # igraph draws from one process-wide generator: one seeded user at a time


def _text(value: object) -> str:
    """Escape text for a chart: HTML-inert and without ECharts ``{a}`` template braces.

    >>> _text("<b>{a}</b> & Co")
    '&lt;b&gt;&#123;a&#125;&lt;/b&gt; &amp; Co'
    """
    return html.escape("" if value is None else str(value), quote=False).replace("{", "&#123;").replace("}", "&#125;")


def _clean(value: object) -> object:
    """``None`` for missing cells (NaN, pandas NA, empty text), the value otherwise."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return None
    return value


def _short(name: str, acronym: object = None, width: int = 28) -> str:
    """A readable node label: the name, else the acronym, else the name cut, when it is long.

    >>> _short("Ministère délégué chargé des Marocains résidant à l'étranger", "MDCMRE"), _short("A" * 40)
    ('MDCMRE', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA…')
    """
    acronym = _clean(acronym)
    if len(name) <= width:
        return name
    return str(acronym) if acronym else name[:width - 1] + "…"


# -- building ----------------------------------------------------------------------------------
def build_graph(actors: pd.DataFrame, relations: pd.DataFrame, roles: pd.DataFrame | None = None,
                participations: pd.DataFrame | None = None) -> nx.MultiDiGraph:
    """The actor graph.

    Parameters
    ----------
    actors : DataFrame
        ``id``, ``name``, ``kind`` and optionally ``acronym``, ``country`` (``Store.actors()``).
    relations : DataFrame
        ``id``, ``source_actor``, ``target_actor``, ``kind`` (``Store.relations_among()``);
        relations to actors not in ``actors`` are left out.
    roles : DataFrame, optional
        ``project_id``, ``project_name``, ``project_kind``, ``actor_id``, ``role``
        (``Store.project_role_edges()``): adds project nodes linked to their actors.
    participations : DataFrame, optional
        ``event_id``, ``event_name``, ``event_kind``, ``project_id``, ``actor_id``, ``role``
        (``Store.participation_edges()``): adds event nodes, linked to their projects when present.

    Returns
    -------
    networkx.MultiDiGraph
        Node attributes ``node_type``, ``name``, ``label``, ``kind``, ``country``; edge attributes
        ``edge_type``, ``kind``, ``directed`` and ``id`` (relations) or ``project_id``.
    """
    g = nx.MultiDiGraph()
    acronyms = actors["acronym"] if "acronym" in actors else itertools.repeat(None)
    countries = actors["country"] if "country" in actors else itertools.repeat(None)
    g.add_nodes_from(
        (i, {"node_type": "actor", "name": n, "label": _short(n, a), "kind": k, "country": _clean(c)})
        for i, n, k, a, c in zip(actors["id"], actors["name"], actors["kind"], acronyms, countries)
    )
    keep = relations["source_actor"].isin(g) & relations["target_actor"].isin(g)
    rel = relations[keep]
    projects = rel["project_id"] if "project_id" in rel else itertools.repeat(None)
    evidence = rel["evidence"] if "evidence" in rel else itertools.repeat(None)
    g.add_edges_from(
        (s, t, {"edge_type": "relation", "kind": k, "id": i, "project_id": _clean(p),
                "directed": k in DIRECTED_RELATIONS, "evidence": _clean(e)})
        for i, s, t, k, p, e in zip(rel["id"], rel["source_actor"], rel["target_actor"], rel["kind"], projects,
                                    evidence)
    )
    if roles is not None and not roles.empty:
        for pid, name, kind in roles[["project_id", "project_name", "project_kind"]].drop_duplicates().itertuples(index=False):
            g.add_node(f"project:{pid}", node_type="project", name=name, label=_short(name), kind=kind, country=None)
        role_evidence = roles["evidence"] if "evidence" in roles else itertools.repeat(None)
        g.add_edges_from(
            (a, f"project:{p}", {"edge_type": "project_role", "kind": r, "directed": True, "project_id": p,
                                 "evidence": _clean(e)})
            for p, a, r, e in zip(roles["project_id"], roles["actor_id"], roles["role"], role_evidence) if a in g
        )
    if participations is not None and not participations.empty:
        events = participations[["event_id", "event_name", "event_kind", "project_id"]].drop_duplicates("event_id")
        for eid, name, kind, pid in events.itertuples(index=False):
            g.add_node(f"event:{eid}", node_type="event", name=name, label=_short(name), kind=kind, country=None)
            if _clean(pid) and f"project:{pid}" in g:
                g.add_edge(f"event:{eid}", f"project:{pid}", edge_type="event_project", kind="part_of",
                           directed=True, project_id=pid)
        part_evidence = participations["evidence"] if "evidence" in participations else itertools.repeat(None)
        g.add_edges_from(
            (a, f"event:{e}", {"edge_type": "participation", "kind": r, "directed": True, "evidence": _clean(x)})
            for e, a, r, x in zip(participations["event_id"], participations["actor_id"], participations["role"],
                                  part_evidence) if a in g
        )
    return g


def collapse(g: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple view: one edge per linked pair, ``weight`` = number of links.

    >>> m = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("b", "c")])
    >>> sorted(collapse(m).edges(data="weight"))
    [('a', 'b', 2), ('b', 'c', 1)]
    """
    simple = nx.Graph()
    simple.add_nodes_from(g.nodes)
    weights: dict[tuple, int] = {}
    for u, v in g.edges():
        if u == v:
            continue
        key = (u, v) if (v, u) not in weights else (v, u)
        weights[key] = weights.get(key, 0) + 1
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in weights.items())
    return simple


def _to_igraph(simple: nx.Graph):
    import igraph as ig

    nodes = list(simple.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    h = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in simple.edges()], directed=False)
    h.es["weight"] = [w for _, _, w in simple.edges(data="weight", default=1)]
    return h, nodes


@contextlib.contextmanager
def _seeded_igraph(seed: int) -> Iterator[None]:
    """igraph's generator seeded with ``seed`` for the block (then Python's again), under a lock."""
    import igraph as ig

    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


# -- metrics and communities ----------------------------------------------------------------------
def _igraph_centralities(simple: nx.Graph, exact_limit: int, pivots: int, seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Betweenness and closeness scaled as networkx scales them (normalised betweenness,
    Wasserman-Faust closeness); estimated from ``pivots`` sampled sources above ``exact_limit``."""
    h, nodes = _to_igraph(simple)
    n = len(nodes)
    if n < 3:
        return np.zeros(n), np.zeros(n), False
    size = np.array(h.connected_components().sizes())[h.connected_components().membership]
    estimated = n > exact_limit
    if not estimated:
        between = np.array(h.betweenness(directed=False), dtype=float)
        close = np.nan_to_num(np.array(h.closeness(), dtype=float))
    else:
        sources = np.random.default_rng(seed).choice(n, size=min(pivots, n), replace=False).tolist()
        between = np.array(h.betweenness(directed=False, sources=sources), dtype=float) * n / len(sources)
        dist = np.array(h.distances(source=sources), dtype=float)
        dist[~np.isfinite(dist)] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            reached = np.sum(dist > 0, axis=0)  # a source is at distance 0 from itself: not a sample
            mean = np.nansum(dist, axis=0) / reached
            close = np.where(reached > 0, 1.0 / mean, 0.0)
    between *= 2.0 / ((n - 1) * (n - 2))
    close *= (size - 1) / (n - 1)
    return between, close, estimated


def metrics(g: nx.MultiDiGraph, *, engine: str = "igraph", exact_limit: int = EXACT_LIMIT,
            pivots: int = PIVOTS, seed: int = SEED, simple: nx.Graph | None = None) -> pd.DataFrame:
    """Degree, weighted degree, betweenness and closeness of every node.

    ``degree`` counts distinct neighbours, ``weighted_degree`` counts links (a pair linked twice
    counts 2). Betweenness (normalised) finds brokers; closeness is networkx's (Wasserman-Faust
    scaling for disconnected graphs). With ``engine="igraph"`` and more than ``exact_limit`` nodes
    both are estimated from ``pivots`` sampled sources and ``frame.attrs["estimated"]`` is True.
    ``simple`` is ``collapse(g)`` when the caller already has it.

    >>> m = metrics(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    >>> int(m.loc["b", "degree"]), float(m.loc["b", "betweenness"]), round(float(m.loc["a", "closeness"]), 3)
    (2, 1.0, 0.667)
    """
    simple = collapse(g) if simple is None else simple
    nodes = list(simple.nodes)
    if engine == "networkx":
        between = nx.betweenness_centrality(simple)
        close = nx.closeness_centrality(simple)
        b = np.array([between[n] for n in nodes])
        c = np.array([close[n] for n in nodes])
        estimated = False
    elif engine == "igraph":
        b, c, estimated = _igraph_centralities(simple, exact_limit, pivots, seed)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    frame = pd.DataFrame({
        "id": nodes,
        "degree": [simple.degree(n) for n in nodes],
        "weighted_degree": [simple.degree(n, weight="weight") for n in nodes],
        "betweenness": b,
        "closeness": c,
    }).set_index("id", drop=False)
    frame.index.name = None
    frame.attrs["estimated"] = estimated
    return frame


def communities(g: nx.MultiDiGraph, *, engine: str = "igraph", seed: int = SEED,
                simple: nx.Graph | None = None) -> dict[str, int]:
    """Louvain communities (weighted, fixed seed): node -> community number, 0 the largest.
    ``simple`` is ``collapse(g)`` when the caller already has it.

    >>> two = nx.MultiDiGraph(list(itertools.combinations("abcd", 2)) + list(itertools.combinations("wxyz", 2)))
    >>> c = communities(two)
    >>> c["a"] == c["d"] != c["w"] == c["z"]
    True
    """
    simple = collapse(g) if simple is None else simple
    if engine == "networkx":
        groups = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    elif engine == "igraph":
        h, nodes = _to_igraph(simple)
        with _seeded_igraph(seed):
            membership = h.community_multilevel(weights="weight").membership
        by_id: dict[int, list[str]] = {}
        for node, m in zip(nodes, membership):
            by_id.setdefault(m, []).append(node)
        groups = list(by_id.values())
    else:
        raise ValueError(f"unknown engine {engine!r}")
    ordered = sorted(groups, key=lambda grp: (-len(grp), min(map(str, grp))))
    return {node: i for i, grp in enumerate(ordered) for node in grp}


def community_names(g: nx.MultiDiGraph, community: Mapping[str, int], node_metrics: pd.DataFrame, *,
                    members: int = 2, width: int = 18) -> dict[int, str]:
    """Each community named after its most central members (degree, then betweenness), e.g.
    ``"GIZ / OIM"``: a name a reader recognises, where "Community 3" says nothing.

    >>> two = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b"), ("x", "y"), ("y", "z")])
    >>> for n in two: two.nodes[n]["label"] = n.upper()
    >>> community_names(two, {"hub": 0, "a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 1}, metrics(two, engine="networkx"))
    {0: 'HUB / A', 1: 'Y / X'}
    """
    ranked = node_metrics.reindex([n for n in community if n in g]).fillna(0)
    ranked = ranked.assign(_id=ranked.index.astype(str)).sort_values(
        ["degree", "betweenness", "_id"], ascending=[False, False, True], kind="stable")
    chosen: dict[int, list[str]] = {}
    for n in ranked.index:
        names = chosen.setdefault(community[n], [])
        if len(names) < members and g.nodes[n].get("node_type", "actor") == "actor":
            names.append(_short(str(g.nodes[n].get("label", n)), width=width))
    return {c: " / ".join(names) for c, names in sorted(chosen.items()) if names}


# -- layout ----------------------------------------------------------------------------------------
def layout(g: nx.MultiDiGraph, *, engine: str = "igraph", seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Node positions in [0, 1000]², the same for the same graph and seed.

    ``engine="igraph"`` runs Fruchterman-Reingold in C (grid-accelerated above ``GRID_FROM`` nodes);
    ``engine="networkx"`` runs ``nx.spring_layout`` (the same algorithm, in Python/NumPy).

    >>> pos = layout(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    >>> pos == layout(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    True
    """
    simple = collapse(g)
    nodes = list(simple.nodes)
    if not nodes:
        return {}
    if engine == "networkx":
        raw = nx.spring_layout(simple, seed=seed)
        coords = np.array([raw[n] for n in nodes], dtype=float)
    elif engine == "igraph":
        h, _ = _to_igraph(simple)
        with _seeded_igraph(seed):
            # igraph uses its grid approximation only above 1,000 nodes, and the exact O(n²)
            # version takes 2 s at 1,000; the grid is as good to the eye from a few hundred on.
            fr = h.layout_fruchterman_reingold(grid=len(nodes) > GRID_FROM)
            coords = np.array(fr.coords, dtype=float).reshape(len(nodes), 2)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    low, span = coords.min(axis=0), np.ptp(coords, axis=0)
    span[span == 0] = 1.0
    coords = (coords - low) / span * 1000.0
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(nodes, coords)}


# -- sub-graphs --------------------------------------------------------------------------------------
def ego_graph(g: nx.MultiDiGraph, center: str, hops: int = 1) -> nx.MultiDiGraph:
    """``center`` and every node within ``hops`` links of it (either direction), with their links.

    >>> chain = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(ego_graph(chain, "b", 1)), sorted(ego_graph(chain, "b", 2))
    (['a', 'b', 'c'], ['a', 'b', 'c', 'd'])
    """
    if center not in g:
        return nx.MultiDiGraph()
    reach = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), center, cutoff=hops)
    return g.subgraph(reach).copy()


def top_nodes(g: nx.MultiDiGraph, limit: int, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """The ``limit`` most connected nodes (by links) and ``keep``, with the links among them:
    what is drawn when a graph is too large to draw whole.

    >>> star = nx.MultiDiGraph([("hub", x) for x in "abc"] + [("d", "e")])
    >>> sorted(top_nodes(star, 2))
    ['a', 'hub']
    """
    if g.number_of_nodes() <= limit:
        return g
    ranked = sorted(g.degree, key=lambda nd: (-nd[1], str(nd[0])))[:limit]
    chosen = {n for n, _ in ranked} | {n for n in keep if n in g}
    return g.subgraph(chosen).copy()


# -- paths ---------------------------------------------------------------------------------------
def shortest_paths(g: nx.MultiDiGraph, source: str, target: str, limit: int = 5) -> list[list[str]]:
    """Up to ``limit`` shortest chains between two nodes, links read in either direction;
    ``[]`` when they are not connected (or not in the graph).

    >>> diamond = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("x", "y")])
    >>> shortest_paths(diamond, "a", "d")
    [['a', 'b', 'd'], ['a', 'c', 'd']]
    >>> shortest_paths(diamond, "a", "x")
    []
    """
    if source not in g or target not in g:
        return []
    try:
        found = nx.all_shortest_paths(g.to_undirected(as_view=True), source, target)
        return sorted(itertools.islice(found, limit))
    except nx.NetworkXNoPath:
        return []


def edge_phrase(kind: str, edge_type: str, outgoing: bool, lang: str = "en") -> str:
    """How a link reads from one end: ``relation_phrase`` for relations, roles otherwise.

    >>> edge_phrase("speaker", "participation", outgoing=True), edge_phrase("organiser", "participation", False)
    ('spoke at', 'organised by')
    """
    if edge_type == "relation":
        return relation_phrase(kind, outgoing, lang)
    key = f"graph.phrase.{kind}"  # a role, read from the actor; ".rev" from the project or event
    if key not in i18n.catalogue("en"):
        return kind
    return i18n.t(key if outgoing else f"{key}.rev", lang)


def _clause(g: nx.MultiDiGraph, u: str, v: str, lang: str, named: set[str]) -> str:
    """One link of a chain as a clause in the active voice, its acting end first: ``UCLG trains
    Kaolack`` whichever way the chain walks it (relations before project and event links).
    A node already ``named`` in the sentence is called by its short label the second time."""
    candidates = [(0 if d.get("edge_type") == "relation" else 1, d.get("kind", ""), True, d)
                  for d in (g.get_edge_data(u, v) or {}).values()]
    candidates += [(0 if d.get("edge_type") == "relation" else 1, d.get("kind", ""), False, d)
                   for d in (g.get_edge_data(v, u) or {}).values()]
    _, kind, forward, data = min(candidates, key=lambda c: c[:3])
    phrase = edge_phrase(kind, data.get("edge_type", "relation"), True, lang)
    subject, other = (u, v) if forward or not data.get("directed") else (v, u)

    def name(n: str) -> str:
        key = "label" if n in named else "name"
        named.add(n)
        return str(g.nodes[n].get(key) or g.nodes[n].get("name", n))

    first = name(subject)
    return f"{first} {phrase} {name(other)}"


def path_sentences(g: nx.MultiDiGraph, paths: list[list[str]], lang: str = "en") -> list[str]:
    """Each chain as one sentence of clauses in the order the chain walks, e.g. ``Kaolack spoke at
    Closing webinar and UCLG Africa organised Closing webinar.``"""
    out = []
    for path in paths:
        named: set[str] = set()
        clauses = [_clause(g, u, v, lang, named) for u, v in zip(path, path[1:])]
        if not clauses:
            continue
        head = ", ".join(clauses[:-1])
        out.append((head + i18n.t("graph.and", lang) if head else "") + clauses[-1] + ".")
    return out


def path_edges(paths: list[list[str]]) -> set[frozenset]:
    """The linked pairs along the chains (to highlight them).

    >>> sorted(sorted(p) for p in path_edges([["a", "b", "c"]]))
    [['a', 'b'], ['b', 'c']]
    """
    return {frozenset(pair) for path in paths for pair in zip(path, path[1:])}


# -- chart ------------------------------------------------------------------------------------
def node_category(data: Mapping, lang: str = "en") -> str:
    """The legend entry of a node when colouring by kind."""
    if data.get("node_type") == "project":
        return i18n.t("graph.node.project", lang)
    if data.get("node_type") == "event":
        return i18n.t("graph.node.event", lang)
    return label(ACTOR_KINDS, data.get("kind"), lang)


def _kind_label(data: Mapping, lang: str) -> str:
    vocabulary = {"project": PROJECT_KINDS, "event": EVENT_KINDS}.get(data.get("node_type") or "", ACTOR_KINDS)
    return label(vocabulary, data.get("kind"), lang)


#: Opacity of inferred links (drawn dashed): present, but visibly less sure than stated ones.
INFERRED_OPACITY = 0.3

#: What every link of :func:`chart_spec` has unless it says otherwise.
LINK_STYLE = {"width": 1.2, "opacity": 0.7, "curveness": 0.08}


def chart_spec(g: nx.MultiDiGraph, positions: Mapping[str, tuple[float, float]], node_metrics: pd.DataFrame, *,
               color_by: str = "kind", size_by: str = "degree", community: Mapping[str, int] | None = None,
               highlight: Iterable[str] = (), highlight_edges: set[frozenset] | None = None,
               selected: str | None = None, label_top: int = 40, max_communities: int = 12,
               aspect: float = 1.4, lang: str = "en", large: bool = False, caption: str = "",
               community_names: Mapping[int, str] | None = None, zoom: float = 1,
               centre_on: str | None = None) -> dict:
    """An ECharts option (graph series) for ``st.echarts_chart``.

    Nodes are emitted in ``list(g.nodes)`` order, so a selection's ``data_indices`` map back to
    node ids through that list. Colour by ``"kind"`` or ``"community"``; size by one of
    :data:`METRICS`; edges coloured by relation kind, dashed/dotted for project and event links,
    with an arrow where direction matters. Only the ``label_top`` most central nodes (by
    ``size_by``), the highlighted ones and the selected one carry a label, and ECharts hides the
    labels that would overlap, keeping the biggest nodes' (so zoomed out only the largest are
    named, zooming in names more). Kinds take their colour from :mod:`mapping.palette`, the same
    as on the map; communities are named ``community_names`` (see :func:`community_names`).
    The legend is one plain list beside the picture, never paged. ``zoom`` (above 1) opens the
    picture zoomed in, on node ``centre_on`` when given (a tour step's or a link's saved view).
    Every text is escaped.
    ``aspect`` stretches the layout's x axis to fill a chart wider than high. ``large`` is for
    presenting: bigger nodes and labels, no animation (it blurs in a compressed screen share).
    ``caption`` (sources and date) is written under the picture, so the PNG export carries it.
    """
    nodes = list(g.nodes)
    values = node_metrics[size_by].reindex(nodes).fillna(0).to_numpy(dtype=float)
    top = values.max() if len(values) and values.max() > 0 else 1.0
    sizes = (12 + 40 * np.sqrt(values / top)) if large else (8 + 32 * np.sqrt(values / top))
    labelled = {nodes[i] for i in np.argsort(-values, kind="stable")[:label_top] if values[i] > 0}
    marked = set(highlight)
    labelled |= marked | ({selected} if selected else set())
    community = community or {}

    if color_by == "community":
        present = sorted({community[n] for n in nodes if n in community})
        shown = present[:max_communities]
        named = community_names or {}
        names = [named.get(c) or i18n.t("graph.node.community", lang, n=c + 1) for c in shown]
        colours = [palette.COMMUNITY_COLOURS[i % len(palette.COMMUNITY_COLOURS)] for i in range(len(shown))]
        if len(present) > len(shown) or any(n not in community for n in nodes):
            names.append(i18n.t("graph.node.other_communities", lang))
            colours.append(palette.OTHER)
        slot = {c: i for i, c in enumerate(shown)}

        def category(n: str) -> int:
            return slot.get(community.get(n, -1), len(names) - 1)
    else:
        colour_of = {node_category(d, lang): palette.node_colour(d.get("node_type", "actor"), d.get("kind"))
                     for _, d in g.nodes(data=True)}
        names = sorted(colour_of)
        colours = [colour_of[x] for x in names]
        position = {name: i for i, name in enumerate(names)}

        def category(n: str) -> int:
            return position[node_category(g.nodes[n], lang)]

    data = []
    for i, (n, size, value) in enumerate(zip(nodes, sizes, values)):
        d = g.nodes[n]
        x, y = positions[n]
        x *= aspect
        item = {  # "id" keeps nodes apart: ECharts would otherwise key them by their (shared) names
            "id": str(i), "name": _text(d.get("label", n)), "x": x, "y": y, "symbolSize": round(float(size), 1),
            "category": category(n), "value": round(float(value), 4),
            "tooltip": {"formatter": f"<b>{_text(d.get('name', n))}</b><br/>{_text(_kind_label(d, lang))}"
                                     + (f" · {_text(d['country'])}" if d.get("country") else "")},
        }
        if n in labelled:  # the others follow the series (no label): a drawing is sent on every visit
            item["label"] = {"show": True}
        if marked and n not in marked:
            item["itemStyle"] = {"opacity": 0.25}
        if n == selected or n in marked:
            item["itemStyle"] = {"borderColor": "#111111", "borderWidth": 3}
        data.append(item)

    index = {n: i for i, n in enumerate(nodes)}
    big = len(nodes) > 500
    # Each link carries only what differs from the series' defaults (width, opacity, curve, no arrow),
    # and, in drawings of more than 500 nodes, no sentence of its own (ECharts names both ends):
    # at 2,000 nodes the option would otherwise weigh 2.7 MB, sent and copied on every visit.
    links = []
    for u, v, d in g.edges(data=True):
        if u == v:
            continue
        edge_type = d.get("edge_type", "relation")
        colour = EDGE_COLOURS.get(d.get("kind"), "#999999") if edge_type == "relation" else "#9aa5b1"
        style = {"color": colour}
        if EDGE_STYLES.get(edge_type, "solid") != "solid":
            style["type"] = EDGE_STYLES[edge_type]
        inferred = is_inferred(d.get("evidence"))
        if inferred:  # a curator's reading, not a source's words: dashed and lighter
            style.update({"type": style.get("type", "dashed"), "opacity": INFERRED_OPACITY})
        if highlight_edges is not None and marked:
            on_path = frozenset((u, v)) in highlight_edges
            style.update({"width": 4, "opacity": 1.0, "color": "#e4572e"} if on_path else {"opacity": 0.12})
        link = {"source": str(index[u]), "target": str(index[v]), "lineStyle": style}
        if d.get("directed"):
            link["symbol"] = ["none", "arrow"]
        if not big:
            phrase = edge_phrase(d.get("kind", ""), edge_type, True, lang)
            known = f" ({_text(evidence_label('inferred', lang))})" if inferred else ""
            link["tooltip"] = {"formatter": f"{_text(g.nodes[u].get('label', u))} — {_text(phrase)} — "
                                            f"{_text(g.nodes[v].get('label', v))}{known}"}
        links.append(link)

    view: dict = {}
    if zoom and zoom != 1:
        view["zoom"] = zoom
        if centre_on is not None and centre_on in positions:
            cx, cy = positions[centre_on]
            view["center"] = [cx * aspect, cy]
    legend_width = 170 if large else 150  # longer names are cut with "…" (the tooltip has them whole)
    return {
        "tooltip": {"trigger": "item", "confine": True},
        "title": {"subtext": _text(caption), "left": 10, "bottom": 0,
                  "subtextStyle": {"color": "#333333", "fontSize": 14 if large else 11}},
        # PNG of the current picture, made in the browser (no server, no internet).
        "toolbox": {"right": 10, "feature": {"saveAsImage": {"name": "atlas-network", "pixelRatio": 2,
                                                             "title": "PNG"}}},
        # On a white ground: a zoomed picture's nodes and labels pass under it and stay out of its way.
        "legend": [{"data": [_text(x) for x in names], "type": "plain", "orient": "vertical", "left": 0, "top": 30,
                    "backgroundColor": "rgba(255, 255, 255, 0.9)", "padding": 4,
                    "itemGap": 6, "itemWidth": 14, "itemHeight": 10,
                    "textStyle": {"fontSize": 13 if large else 11, "width": legend_width, "overflow": "truncate"},
                    "tooltip": {"show": True}}],
        "animation": not big and not large,
        "series": [{
            "type": "graph", "layout": "none", "roam": True, "draggable": False,
            "selectedMode": "single", "scaleLimit": {"min": 0.2, "max": 12},
            "categories": [{"name": _text(x), "itemStyle": {"color": c}} for x, c in zip(names, colours)],
            "data": data, "links": links,
            "edgeSymbol": ["none", "none"], "edgeSymbolSize": [0, 7],
            "lineStyle": dict(LINK_STYLE),
            "label": {"position": "right", "fontSize": 18 if large else 12, "fontWeight": "bold" if large else "normal",
                      "textBorderColor": "#ffffff", "textBorderWidth": 3},
            "labelLayout": {"hideOverlap": True},
            "emphasis": {"focus": "adjacency", "label": {"show": True}},
            "select": {"itemStyle": {"borderColor": "#111111", "borderWidth": 3}},
            # No "right": ECharts then sizes the picture from its height and keeps its proportions
            # (with all four sides set it stretches x and y apart, and round nodes turn oval).
            "top": 40, "bottom": 30, "left": legend_width + 40, **view,
        }],
        # A phone's screen is too narrow for the legend beside the picture: above it, wrapped.
        "media": [{"query": {"maxWidth": 600}, "option": {
            "legend": [{"orient": "horizontal", "left": 0, "right": 0, "top": 0, "itemGap": 8,
                        "textStyle": {"width": 110}}],
            "series": [{"left": 10, "right": 10, "top": 30 + 18 * -(-len(names) // 2), "bottom": None}]}}],
    }


def with_view(spec: Mapping, view: tuple[float, float, float] | None) -> dict:
    """``spec`` (of :func:`chart_spec`) opening on ``view`` — the picture's centre ``x, y`` in the
    spec's coordinates and its zoom, as a shared link or a tour step keeps them — instead of its own
    zoom. A shallow copy: a cached spec is shared and stays as it was.

    >>> spec = {"series": [{"type": "graph", "zoom": 3, "center": [1, 2]}], "title": {}}
    >>> with_view(spec, (700.0, 420.5, 2.5))["series"][0]
    {'type': 'graph', 'zoom': 2.5, 'center': [700.0, 420.5]}
    >>> spec["series"][0]["zoom"], with_view(spec, None) is spec
    (3, True)
    """
    if view is None:
        return spec  # type: ignore[return-value]
    x, y, zoom = view
    series = [dict(spec["series"][0], zoom=zoom, center=[x, y]), *spec["series"][1:]]
    return {**spec, "series": series}


def spec_to_svg(spec: Mapping, *, width: int = 1600, height: int = 1000, caption: str = "") -> str:
    """The network picture of :func:`chart_spec` as a standalone SVG (for slides): same
    positions, sizes, colours and labels, a legend and a caption.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A & B", label="A & B", node_type="actor", kind="ngo")
    >>> g.add_node("b", name="C", label="C", node_type="actor", kind="donor")
    >>> _ = g.add_edge("b", "a", kind="funds", directed=True)
    >>> svg = spec_to_svg(chart_spec(g, {"a": (0, 0), "b": (1, 1)}, metrics(g)), caption="Sources: 5")
    >>> svg.startswith("<svg") and svg.count("<title>") == 2 and "A &amp; B" in svg and "Sources: 5" in svg
    True
    """
    series = spec["series"][0]
    data, links = series["data"], series["links"]
    colours = [c["itemStyle"]["color"] for c in series["categories"]]
    xs, ys = [d["x"] for d in data] or [0], [d["y"] for d in data] or [0]
    margin, top = 40, 50
    # The legend is a column on the left as wide as its longest entry (8 px a character at 14 px
    # is generous for sans-serif), and the labels of the rightmost nodes get room on the right:
    # nothing of either is cut.
    names = [html.unescape(str(c["name"])) for c in series["categories"]]
    legend_w = 30 + 8 * max((len(n) for n in names), default=0)
    label_w = 8 * max((len(html.unescape(str(d["name"]))) for d in data if d.get("label", {}).get("show")), default=0)
    left = margin + legend_w + 30
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    scale = min((width - left - margin - label_w) / span_x, (height - top - 2 * margin) / span_y)

    def at(d: Mapping) -> tuple[float, float]:
        return (left + (d["x"] - min(xs)) * scale, top + (d["y"] - min(ys)) * scale)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for link in links:
        (x1, y1), (x2, y2) = at(data[int(link["source"])]), at(data[int(link["target"])])
        style = {**series.get("lineStyle", {}), **link.get("lineStyle", {})}
        dash = ' stroke-dasharray="6 4"' if style.get("type") == "dashed" else ""
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{style.get("color", "#999")}"'
                   f' stroke-width="{style.get("width", 1)}" stroke-opacity="0.6"{dash}/>')
    for d in data:
        x, y = at(d)
        fill = colours[d["category"] % len(colours)] if colours else "#555555"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{d["symbolSize"] / 2:.1f}" fill="{fill}" '
                   f'stroke="#ffffff" stroke-width="1"><title>{d["name"]}</title></circle>')
        if d.get("label", {}).get("show"):
            out.append(f'<text x="{x + d["symbolSize"] / 2 + 3:.1f}" y="{y + 4:.1f}" font-size="14" '
                       f'direction="ltr" unicode-bidi="plaintext">{d["name"]}</text>')
    for i, category in enumerate(series["categories"]):
        y = top + 22 * i
        out.append(f'<circle cx="{margin + 6}" cy="{y}" r="6" fill="{colours[i]}"/>'
                   f'<text x="{margin + 18}" y="{y + 5}" font-size="14">{category["name"]}</text>')
    if caption:
        out.append(f'<text x="{margin}" y="{height - 20}" font-size="14" fill="#333333">{html.escape(caption)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def node_at(g: nx.MultiDiGraph, index: int | None) -> str | None:
    """The node of :func:`chart_spec`'s data at ``index`` (what a click on the picture reports), or
    None when there is no such node.

    >>> g = nx.MultiDiGraph([("a", "b")])
    >>> node_at(g, 1), node_at(g, 2), node_at(g, -1), node_at(g, None)
    ('b', None, None, None)
    """
    if index is None or not 0 <= index < g.number_of_nodes():
        return None
    return next(itertools.islice(iter(g.nodes), index, None))


def selected_node(g: nx.MultiDiGraph, event: Mapping | None) -> str | None:
    """The node a click on :func:`chart_spec`'s chart selected (``st.echarts_chart`` state), or None."""
    selection = (event or {}).get("selection") or {}
    for group in selection.get("selected", []):
        if group.get("data_type") in ("node", "main") and group.get("data_indices"):
            return node_at(g, group["data_indices"][0])
    return None


# -- tables -----------------------------------------------------------------------------------------
def metrics_table(g: nx.MultiDiGraph, node_metrics: pd.DataFrame, community: Mapping[str, int] | None = None,
                  lang: str = "en", community_names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """One row per node of ``g``: name, type, country, the metrics and the community (its name
    from ``community_names``, else its number), most central first."""
    nodes = list(g.nodes)
    m = node_metrics.reindex(nodes)
    table = pd.DataFrame({
        "id": nodes,
        "name": [g.nodes[n].get("name", n) for n in nodes],
        "kind": [_kind_label(g.nodes[n], lang) for n in nodes],
        "country": [g.nodes[n].get("country") or "" for n in nodes],
        "degree": m["degree"].fillna(0).astype(int).to_numpy(),
        "weighted_degree": m["weighted_degree"].fillna(0).astype(int).to_numpy(),
        "betweenness": m["betweenness"].fillna(0).round(4).to_numpy(),
        "closeness": m["closeness"].fillna(0).round(4).to_numpy(),
        "community": [_community_label((community or {}).get(n), community_names) for n in nodes],
    })
    return table.sort_values(["betweenness", "degree", "name"], ascending=[False, False, True]).reset_index(drop=True)


def _community_label(number: int | None, names: Mapping[int, str] | None) -> str:
    if number is None:
        return ""
    return (names or {}).get(number) or str(number + 1)


def edges_table(g: nx.MultiDiGraph, lang: str = "en") -> pd.DataFrame:
    """One row per link: both ends (ids and names), how it reads, kind, type, direction."""
    rows = [{
        "source": u, "source_name": g.nodes[u].get("name", u), "target": v, "target_name": g.nodes[v].get("name", v),
        "relation": edge_phrase(d.get("kind", ""), d.get("edge_type", "relation"), True, lang),
        "kind": d.get("kind"), "edge_type": d.get("edge_type"), "directed": bool(d.get("directed")),
        "relation_id": d.get("id") or "", "evidence": d.get("evidence") or "",
    } for u, v, d in g.edges(data=True)]
    return pd.DataFrame(rows, columns=["source", "source_name", "target", "target_name", "relation", "kind",
                                       "edge_type", "directed", "relation_id", "evidence"])


# -- what a page draws ----------------------------------------------------------------------------
#: Above this many actors only the most connected are analysed (metrics, communities): a
#: continent-sized selection (50,000 actors) would take seconds per view even with igraph.
ANALYSE_LIMIT = 10_000


def trim_frames(actors: pd.DataFrame, relations: pd.DataFrame,
                limit: int = ANALYSE_LIMIT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``limit`` actors with the most relations (ties by id) and the relations among them.

    >>> a = pd.DataFrame({"id": ["a", "b", "c", "d"]})
    >>> r = pd.DataFrame({"source_actor": ["a", "a", "b"], "target_actor": ["b", "c", "d"]})
    >>> kept, links = trim_frames(a, r, 2)
    >>> kept["id"].tolist(), len(links)
    (['a', 'b'], 1)
    """
    if len(actors) <= limit:
        return actors, relations
    degree = pd.concat([relations["source_actor"], relations["target_actor"]]).value_counts()
    ranked = pd.DataFrame({"id": actors["id"].to_numpy(), "n": degree.reindex(actors["id"]).fillna(0).to_numpy()})
    keep = set(ranked.sort_values(["n", "id"], ascending=[False, True], kind="stable")["id"].head(limit))
    kept = actors[actors["id"].isin(keep)]
    return kept, relations[relations["source_actor"].isin(keep) & relations["target_actor"].isin(keep)]


def project_relations(relations: pd.DataFrame, project_id: str) -> pd.DataFrame:
    """The relations that belong in a project's network: those of the project and those of none.

    >>> r = pd.DataFrame({"id": [1, 2, 3], "project_id": ["recosa", "recomig", None]})
    >>> project_relations(r, "recosa")["id"].tolist()
    [1, 3]
    """
    return relations[relations["project_id"].isna() | (relations["project_id"] == project_id)]


def drawn_subgraph(g: nx.MultiDiGraph, focus: Iterable[str] = (), hops: int = 1, limit: int = 2000) -> nx.MultiDiGraph:
    """What a page draws: the neighbourhood (``hops``) of the ``focus`` nodes, or the whole graph
    when there is no focus, cut to the ``limit`` most connected nodes (the focus always kept).

    >>> chain = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("x", "y")])
    >>> sorted(drawn_subgraph(chain, ["a", "d"], hops=1)), drawn_subgraph(chain).number_of_nodes()
    (['a', 'b', 'c', 'd'], 6)
    """
    focus = [n for n in focus if n in g]
    if focus:
        near: set[str] = set()
        for node in focus:
            near |= set(ego_graph(g, node, hops))
        g = g.subgraph(near)
    return top_nodes(g, limit, keep=focus).copy()


# -- the organisation file's picture of its partners ------------------------------------------------
#: Partners an organisation file draws around its actor; the rest are named in its partner list.
EGO_SHOWN = 12


def ego_partners(g: nx.MultiDiGraph, centre: str, node_metrics: pd.DataFrame | None = None,
                 limit: int = EGO_SHOWN) -> tuple[nx.MultiDiGraph, int]:
    """``centre`` and its ``limit`` most relevant direct partners, with the links among them, and
    the number of partners left out. Relevant first: most links with ``centre`` (a partner in
    several projects, a funder and an implementer...), then the most connected in the whole atlas
    (``node_metrics``' degree), then by name.

    >>> hub = nx.MultiDiGraph([("hub", x) for x in "abcde"] + [("hub", "e"), ("a", "b"), ("b", "z")])
    >>> drawn, left_out = ego_partners(hub, "hub", limit=3)
    >>> sorted(drawn), left_out
    (['a', 'b', 'e', 'hub'], 2)
    """
    if centre not in g:
        return g.subgraph([]).copy(), 0
    strength: dict[str, int] = {}
    for u, v in itertools.chain(g.out_edges(centre), g.in_edges(centre)):
        other = v if u == centre else u
        if other != centre:
            strength[other] = strength.get(other, 0) + 1
    degree = node_metrics["degree"] if node_metrics is not None and "degree" in node_metrics else pd.Series(dtype=float)
    ranked = sorted(strength, key=lambda n: (-strength[n], -float(degree.get(n, g.degree(n))),
                                             str(g.nodes[n].get("name", n)).lower()))
    return g.subgraph([centre, *ranked[:limit]]).copy(), max(len(ranked) - limit, 0)


def ego_layout(g: nx.MultiDiGraph, centre: str) -> dict[str, tuple[float, float]]:
    """The organisation in the middle and its partners on a circle around it, grouped by kind
    and then by name (a star drawn by a force layout piles its partners up on one side).

    >>> pos = ego_layout(nx.MultiDiGraph([("c", "a"), ("c", "b")]), "c")
    >>> pos["c"], sorted(pos)
    ((500.0, 500.0), ['a', 'b', 'c'])
    """
    others = sorted((n for n in g if n != centre),
                    key=lambda n: (str(g.nodes[n].get("kind") or ""), str(g.nodes[n].get("name", n)).lower()))
    positions = {centre: (500.0, 500.0)}
    for i, n in enumerate(others):
        angle = 2 * np.pi * i / max(len(others), 1) - np.pi / 2  # the first at the top
        positions[n] = (round(500 + 500 * float(np.cos(angle)), 1), round(500 + 500 * float(np.sin(angle)), 1))
    return positions


def ego_spec(g: nx.MultiDiGraph, positions: Mapping[str, tuple[float, float]], node_metrics: pd.DataFrame,
             centre: str, lang: str = "en") -> dict:
    """:func:`chart_spec` of an organisation's partners, for a narrow column: the legend above the
    picture, every partner named (long names wrapped on two or three lines), the names on the
    left half written to the left of their node so they run outwards, never over the middle.

    >>> g = nx.MultiDiGraph([("c", "a"), ("c", "b")])
    >>> nx.set_node_attributes(g, {"c": "C", "a": "A", "b": "B"}, "name")
    >>> spec = ego_spec(g, ego_layout(g, "c"), metrics(g), "c")
    >>> [d["label"]["show"] for d in spec["series"][0]["data"]], spec["series"][0]["left"]
    ([True, True, True], 'center')
    """
    spec = chart_spec(g, positions, node_metrics, selected=centre, lang=lang, label_top=g.number_of_nodes(),
                      aspect=1.0)
    names = spec["legend"][0]["data"]
    spec["legend"] = [{"data": names, "type": "plain", "orient": "horizontal", "left": 0, "right": 30, "top": 0,
                       "itemGap": 8, "itemWidth": 12, "itemHeight": 9, "textStyle": {"fontSize": 11, "width": 120,
                                                                                       "overflow": "truncate"}}]
    rows = -(-len(names) // 3)  # about three entries a line in a column of a laptop's screen
    series = spec["series"][0]
    # A square in the middle (only top and bottom given: ECharts keeps the circle round, where four
    # sides would stretch it, nodes included, into an oval), names beside it.
    top = 24 + 18 * rows
    series.pop("left")
    series.update({"left": "center", "top": top, "bottom": 18,
                   "label": series["label"] | {"fontSize": 11, "lineHeight": 13, "width": 84, "overflow": "break"}})
    # A phone's column is about as wide as the picture is tall: a smaller circle (more room above
    # and below) leaves the names on both sides their 84 px instead of cutting them at the edges.
    spec["media"] = [{"query": {"maxWidth": 480},
                      "option": {"series": [{"top": top + 40, "bottom": 18 + 70}]}}]
    nodes = list(g.nodes)
    for item, n in zip(series["data"], nodes):
        if n != centre and positions[n][0] < 499:
            item["label"] = {"show": True, "position": "left"}
    return spec


def annotated(g: nx.MultiDiGraph, node_metrics: pd.DataFrame, community: Mapping[str, int],
              positions: Mapping[str, tuple[float, float]]) -> nx.MultiDiGraph:
    """A copy of ``g`` whose nodes carry their metrics, community and drawn position (for Gephi)."""
    out = g.copy()
    values = node_metrics[list(METRICS)].astype(float).to_dict("index")  # one pass, not a lookup per cell
    for n, d in out.nodes(data=True):
        if n in values:
            d.update(values[n])
        d["community"] = int(community.get(n, -1)) + 1
        if n in positions:
            d["x"], d["y"] = positions[n]
    return out
