"""Where a spreadsheet's table starts and what its columns mean.

Partners' sheets rarely start on row 1: 3W files from the humanitarian data exchange carry title
and note rows, then a text header, then an HXL hashtag row (https://hxlstandard.org). The HXL row
is found the way the HXL tools find it (libhxl's own parser, first 25 rows, at least half of the
cells valid hashtags), the text header is the row above it. Without HXL, the header is the first
row whose cells match known header words; rows above either are reported as skipped.

HXL columns are matched with libhxl's tag patterns, so attributes may come in any order
(``#org+impl+name`` = ``#org+name+impl``) and extra attributes do not hide a column.

Examples
--------
>>> rows = [["Présence opérationnelle — mars 2022"], ["All information on this sheet is collated…"],
...         ["Organisation", "Type", "Région"], ["#org+name", "#org+type", "#adm1+name"], ["ACF", "ONG", "Mopti"]]
>>> found = find_header(rows, {"organisation": "name"})
>>> found.header, found.tags, found.skipped
(2, 3, [0, 1])
>>> [field for field, _ in hxl_fields(["#org +impl +name", "#adm1+code", "#sector+cluster", "#reached"])]
['name', 'region_code', 'sector', None]
"""
from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass, field

import hxl.model

from .geo import normalize

#: How far down the HXL tools look for the hashtag row; a header further down is not a table.
SCAN_ROWS = 25

#: HXL tag pattern -> field, most specific first; a field takes its best-ranked column only.
#: Roles other than the organisation's own (``+funder``, ``+donor``) are not the actor.
HXL_PATTERNS: list[tuple[str, str]] = [
    ("#org+type", "kind"), ("#org+acronym", "acronym"), ("#org+abbrev", "acronym"), ("#org+id", "id"),
    ("#org+name", "name"), ("#org", "name"),
    ("#country+code", "country"), ("#country+iso2", "country"), ("#country+iso3", "country"),
    ("#country", "country"),
    ("#adm1+code", "region_code"), ("#adm1+pcode", "region_code"), ("#adm1", "region"),
    # Lower levels' p-codes only tell the country (their letters) when nothing else does.
    ("#adm2+code", "pcode"), ("#adm3+code", "pcode"), ("#loc+code", "pcode"),
    ("#loc+name", "city"), ("#loc", "city"), ("#adm3+name", "city"), ("#adm3", "city"),
    ("#adm2+name", "city"), ("#adm2", "city"),
    ("#geo+lat", "lat"), ("#lat_deg", "lat"), ("#geo+lon", "lon"), ("#lon_deg", "lon"),
    ("#sector", "sector"), ("#subsector", "sector"),
    ("#date+start", "start"), ("#date+end", "end"), ("#date", "start"),
    ("#contact+url", "website"), ("#contact+email", "public_email"), ("#contact+phone", "public_phone"),
    ("#description", "description"), ("#targeted", "target_groups"), ("#beneficiary+type", "target_groups"),
    ("#status", "status"),
]
_PATTERNS = [(hxl.model.TagPattern.parse(p), f) for p, f in HXL_PATTERNS]
#: Attributes naming another organisation than the one the row is about (a donor, not the actor).
OTHER_ROLES = {"funder", "funding", "donor", "fund", "bailleur"}
#: Attributes of an implementing partner: used only when the file names no other organisation.
IMPLEMENTING = {"impl", "partner", "implementing"}


@dataclass
class Header:
    """Row indexes (0-based) of the text header and the HXL row, and the title rows skipped above."""

    header: int | None
    tags: int | None = None
    skipped: list[int] = field(default_factory=list)


def _quiet_parse(row: list[str], previous: list[str]) -> list | None:
    # libhxl logs malformed hashtags to stdout/stderr; a preview or a CLI report says it better.
    sink = io.StringIO()
    logger = logging.getLogger("hxl")
    level, logger.level = logger.level, logging.CRITICAL
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            return hxl.model.Column.parse_list(row, previous)
    finally:
        logger.setLevel(level)


def find_header(rows: list[list[str]], header_words: dict[str, str]) -> Header:
    """The table's header in the first :data:`SCAN_ROWS` rows: HXL first, then known header words."""
    previous: list[str] = []
    for index, row in enumerate(rows[:SCAN_ROWS]):
        if any(c.startswith("#") for c in row) and _quiet_parse(row, previous):
            above = index - 1 if index and any(rows[index - 1]) and not _is_tag_row(rows[index - 1]) else None
            start = above if above is not None else index
            return Header(above, index, [i for i in range(start) if any(rows[i])])
        previous = row
    best = None
    for index, row in enumerate(rows[:SCAN_ROWS]):
        known = {header_words.get(normalize(c)) for c in row if c} - {None}
        if "name" in known or len(known) >= 2:
            best = index
            break
    if best is None:  # no known word anywhere: the first non-blank row, as before (it names what is missing)
        best = next((i for i, row in enumerate(rows) if any(row)), 0)
    return Header(best, None, [i for i in range(best) if any(rows[i])])


def _is_tag_row(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return bool(cells) and all(c.startswith("#") for c in cells)


def hxl_fields(tags: list[str]) -> list[tuple[str | None, int]]:
    """(field, rank) of each HXL column; rank orders columns competing for one field (lower wins)."""
    out: list[tuple[str | None, int]] = []
    for tag in tags:
        column = hxl.model.Column.parse(hxl.datatypes.normalise_string(tag)) if tag and tag.startswith("#") else None
        if not column or not column.tag or column.attributes & OTHER_ROLES:
            out.append((None, 0))
            continue
        hit = next(((f, rank) for rank, (p, f) in enumerate(_PATTERNS) if p.match(column)), (None, 0))
        name, rank = hit
        if name and column.tag == "#org" and column.attributes & IMPLEMENTING:
            rank += 100  # an implementing partner only when the file names no lead organisation
        out.append((name, rank))
    return out


def choose(fields: list[tuple[str | None, int]]) -> list[str | None]:
    """One column per field: the best-ranked, the leftmost among equals; organisation columns all
    from one role (the lead organisation's when the file has it, else the implementing partner's).

    >>> choose([("name", 6), ("acronym", 101), ("name", 105), ("city", 14), ("city", 17)])
    ['name', None, None, 'city', None]
    """
    org_fields = {"name", "acronym", "kind", "id"}
    lead = any(f in org_fields and rank < 100 for f, rank in fields)
    best: dict[str, tuple[int, int]] = {}
    for position, (name, rank) in enumerate(fields):
        if not name or (name in org_fields and lead and rank >= 100):
            continue
        if name not in best or rank < best[name][0]:
            best[name] = (rank, position)
    chosen = {position: name for name, (_, position) in best.items()}
    return [chosen.get(i) for i in range(len(fields))]
