"""A view's state in the address bar: each page's own choices <-> URL query parameters.

The shared filters, the language and the selected actor have their own parameters
(:mod:`mapping.filters`, ``lang``, ``actor``); this module covers what each page adds — the
map's shading, partnership project, tiles and initial centre/zoom, the network's mode, colours,
sizes, project, ego actor and hops, path ends, zoom and the user's own view of the picture — and
presenter mode. Values read from a URL are
checked: an unknown value is dropped, never passed on to a widget.

Examples
--------
>>> params = to_params("network", {"net_mode": "path", "net_from": "commune-kaolack", "net_to": "uclg-africa",
...                                "net_color": "kind"})
>>> params
{'mode': 'path', 'from': 'commune-kaolack', 'to': 'uclg-africa'}
>>> from_params("network", params) == {"net_mode": "path", "net_from": "commune-kaolack",
...                                    "net_to": "uclg-africa"}
True
>>> from_params("network", {"mode": "<script>", "hops": "99"})
{}
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .graph import METRICS
from .model import ACTOR_KINDS, FOCUS_COUNTRIES, TARGET_GROUPS, THEMES

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")


@dataclass(frozen=True)
class Param:
    """One URL parameter bound to a widget key, with its default (left out of the URL) and the
    check a value from a URL must pass."""

    name: str
    key: str
    default: Any
    check: Callable[[str], Any]


def _one_of(*values: str) -> Callable[[str], str | None]:
    return lambda v: v if v in values else None


def _ident(value: str) -> str | None:
    return value if _ID.match(value) else None


def _int_between(low: int, high: int) -> Callable[[str], int | None]:
    def check(value: str) -> int | None:
        return int(value) if value.isdigit() and low <= int(value) <= high else None
    return check


def _flag(value: str) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get(value.lower())


def _centre(value: str) -> str | None:
    """``lat,lon,zoom`` of a map view.

    >>> _centre("34.68,-1.91,9"), _centre("999,0,3")
    ('34.68,-1.91,9', None)
    """
    parts = value.split(",")
    try:
        lat, lon, zoom = float(parts[0]), float(parts[1]), int(parts[2])
    except (ValueError, IndexError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180 and 2 <= zoom <= 18 and len(parts) == 3:
        return value
    return None


#: How far a network view may be zoomed (the chart's own scale limits, mapping.graph.chart_spec).
GRAPH_ZOOM = (0.2, 12.0)


def graph_view(value: str) -> tuple[float, float, float] | None:
    """``x,y,zoom`` of a network view: the point of the picture at its centre (in the coordinates of
    the chart's option, :func:`mapping.graph.chart_spec`) and its zoom, as the picture writes them
    into the address when the user zooms with the wheel or drags it; None for anything else.

    >>> graph_view("702.5,418.0,2.50"), graph_view("1e9,0,2"), graph_view("0,0,40"), graph_view("nan,0,1")
    ((702.5, 418.0, 2.5), None, None, None)
    """
    parts = value.split(",")
    try:
        x, y, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    # Layouts span [0, 1000] (x stretched by the aspect); a view may look a little beyond them.
    if all(math.isfinite(v) for v in (x, y, zoom)) and max(abs(x), abs(y)) <= 10_000 \
            and GRAPH_ZOOM[0] <= zoom <= GRAPH_ZOOM[1]:
        return x, y, zoom
    return None


def graph_view_text(x: float, y: float, zoom: float) -> str:
    """The address's form of a network view (what the picture writes, rounded the same way).

    >>> graph_view_text(702.54, 418, 2.5)
    '702.5,418.0,2.50'
    """
    return f"{x:.1f},{y:.1f},{zoom:.2f}"


def _graph_view(value: str) -> str | None:
    view = graph_view(value)
    return graph_view_text(*view) if view else None


def _layers(value: str) -> str | None:
    """Layers switched off, as a sorted comma list of known keys.

    >>> _layers("links,regions"), _layers("regions,bogus")
    ('links,regions', None)
    """
    keys = value.split(",")
    known = {"regions", "actors", "international", "links"}
    return ",".join(sorted(set(keys))) if keys and set(keys) <= known else None


def _codes(vocabulary: Collection[str]) -> Callable[[str], list[str] | None]:
    """A comma list of codes of ``vocabulary`` (unknown codes dropped), as a multiselect's list.

    >>> _codes(THEMES)("health,<b>,funding"), _codes(THEMES)("nope")
    (['health', 'funding'], None)
    """
    def check(value: str) -> list[str] | None:
        return [c for c in dict.fromkeys(value.split(",")) if c in vocabulary] or None
    return check


def _region(value: str) -> str | None:
    """An ISO 3166-2 code as the atlas writes them (``MA-02``, ``SN-DK``, ``ML-BKO``)."""
    return value if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", value) else None


#: The network's zoom steps (the picture opens at this zoom, on the selected actor).
ZOOMS = (1, 2, 3, 4, 6, 8)


def _one_of_int(*values: int) -> Callable[[str], int | None]:
    return lambda v: int(v) if v.isdigit() and int(v) in values else None


SHADES = ("off", "all", *(f"kind:{k}" for k in ACTOR_KINDS), *(f"theme:{t}" for t in THEMES))

PARAMS: dict[str, tuple[Param, ...]] = {
    "map": (
        Param("shade", "map_shade", "all", _one_of(*SHADES)),
        Param("links", "map_project", None, _ident),
        Param("tiles", "map_tiles", False, _flag),
        Param("view", "map_centre", None, _centre),
        Param("hide", "map_hide", None, _layers),
    ),
    "partners": (
        Param("of", "pt_origin", None, _ident),
        Param("on", "pt_themes", [], _codes(THEMES)),
        Param("for", "pt_groups", [], _codes(TARGET_GROUPS)),
        Param("in", "pt_region", None, _region),
    ),
    "coverage": (
        Param("by", "cov_by", "themes", _one_of("themes", "target_groups")),
        Param("where", "cov_country", None, _one_of(*FOCUS_COUNTRIES)),
        Param("shade", "cov_code", None, _one_of(*THEMES, *TARGET_GROUPS)),
    ),
    "network": (
        Param("mode", "net_mode", "whole", _one_of("whole", "project", "ego", "path")),
        Param("color", "net_color", "kind", _one_of("kind", "community")),
        Param("size", "net_size", METRICS[0], _one_of(*METRICS)),
        Param("context", "net_context", True, _flag),
        Param("stated", "net_stated", False, _flag),  # hide inferred links
        Param("graph_project", "net_project", None, _ident),  # "project" is the shared filter
        Param("ego", "net_ego", None, _ident),
        Param("hops", "net_hops", 1, _int_between(1, 3)),
        Param("from", "net_from", None, _ident),
        Param("to", "net_to", None, _ident),
        Param("zoom", "net_zoom", 1, _one_of_int(*ZOOMS)),
        # The user's own zoom and pan of the picture, written by the picture (static/atlas/network.js).
        Param("graph_view", "net_view", None, _graph_view),
    ),
}

#: Parameters every page understands besides its own.
COMMON = ("lang", "actor", "present")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def to_params(page: str, state: Mapping[str, Any]) -> dict[str, str]:
    """The URL parameters of ``page`` for widget ``state`` (defaults and blanks left out)."""
    out = {}
    for p in PARAMS.get(page, ()):
        value = state.get(p.key)
        if value is None or value == "" or value == p.default:
            continue
        out[p.name] = _text(value)
    return out


def from_params(page: str, params: Mapping[str, str]) -> dict[str, Any]:
    """Widget state of ``page`` from URL ``params``: only values that pass their check."""
    out = {}
    for p in PARAMS.get(page, ()):
        raw = params.get(p.name)
        if raw is None:
            continue
        value = p.check(str(raw))
        if value is not None:
            out[p.key] = value
    return out


def names(page: str) -> tuple[str, ...]:
    """Every URL parameter ``page`` owns.

    >>> names("map")
    ('shade', 'links', 'tiles', 'view', 'hide')
    """
    return tuple(p.name for p in PARAMS.get(page, ()))
