"""One colour per kind of actor (and for projects, events and communities), shared by the map
and the network so a colour means the same thing on both.

The colours are a hand-picked qualitative set rather than a library palette: matplotlib's and
ColorBrewer's categorical palettes stop at 10 or 12 colours, and the atlas has 13 kinds of actor
plus projects and events; every colour here is dark enough for a white outline and distinct
from its neighbours for the common forms of colour blindness at marker size.

Examples
--------
>>> kind_colour("ngo") == KIND_COLOURS["ngo"], kind_colour("unknown") == OTHER
(True, True)
>>> len(set(KIND_COLOURS.values()) | {PROJECT, EVENT}) == len(KIND_COLOURS) + 2
True
"""
from __future__ import annotations

from .model import ACTOR_KINDS

#: Qualitative colours, in the order kinds are listed in :data:`mapping.model.ACTOR_KINDS`,
#: then projects and events.
COLOURS = ("#1f6fb2", "#e4572e", "#29a36a", "#8e5cc4", "#f2a541", "#17becf", "#d6457c", "#7f8c3b",
           "#5a4636", "#4cc3ff", "#b22222", "#2e4057", "#9ccb4f", "#c49a6c", "#6b6bd6")

KIND_COLOURS: dict[str, str] = dict(zip(ACTOR_KINDS, COLOURS))
PROJECT, EVENT = COLOURS[len(ACTOR_KINDS)], COLOURS[len(ACTOR_KINDS) + 1]
#: An actor of a kind the vocabulary does not know (an old record, an import in progress).
OTHER = "#555555"
#: Communities have no meaning shared with the map: they take the same colours in turn.
COMMUNITY_COLOURS = COLOURS


def kind_colour(kind: str | None) -> str:
    """The colour of an actor kind (grey for an unknown one)."""
    return KIND_COLOURS.get(kind or "", OTHER)


def node_colour(node_type: str, kind: str | None = None) -> str:
    """The colour of a network node: its actor kind's, or the project / event colour.

    >>> node_colour("project") == PROJECT, node_colour("actor", "donor") == KIND_COLOURS["donor"]
    (True, True)
    """
    if node_type == "project":
        return PROJECT
    if node_type == "event":
        return EVENT
    return kind_colour(kind)
