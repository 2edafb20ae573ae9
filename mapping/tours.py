"""Tours: a presenter's sequence of saved views, each a page, its URL parameters and a caption.

Pure (no SQL, no Streamlit): checking a tour (also one imported from a JSON file), and the
small JSON file tours travel in.

Examples
--------
>>> tour = check({"name": "RECOSA in 3 views", "steps": [
...     {"title": "Where", "page": "map", "params": {"links": "recosa"}, "caption": "The partner cities"},
...     {"title": "Who", "page": "network", "params": {"mode": "project", "graph_project": "recosa"}}]})
>>> [s["page"] for s in tour["steps"]], tour["steps"][1]["caption"]
(['map', 'network'], '')
>>> check(from_json(to_json(tour))) == tour
True

A network step keeps the user's own zoom and pan of the picture; a view out of range is refused:

>>> check({"name": "Zoomed", "steps": [{"page": "network", "params": {"graph_view": "702.5,418.0,2.50"}}]})["steps"][0]["params"]
{'graph_view': '702.5,418.0,2.50'}
>>> check({"name": "Zoomed", "steps": [{"page": "network", "params": {"graph_view": "0,0,99"}}]})
Traceback (most recent call last):
...
mapping.validate.Invalid: step 1: values this page does not understand: ['graph_view']

A step of the partner finder or of the coverage view keeps that page's choices:

>>> check({"name": "Health", "steps": [{"page": "partners", "params": {"of": "commune-oujda", "on": "health"}},
...                                    {"page": "coverage", "params": {"by": "target_groups", "where": "SN"}}]})["steps"][1]
{'title': '2', 'page': 'coverage', 'params': {'by': 'target_groups', 'where': 'SN'}, 'caption': ''}
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .filters import PARAM_NAMES
from .validate import Invalid, text_problem
from .views import COMMON, from_params, names

PAGES = ("directory", "actor", "partners", "coverage", "map", "network", "about")
MAX_STEPS = 50
FORMAT = "migration-actors-atlas/tour"


def allowed_params(page: str) -> set[str]:
    """URL parameters a step of ``page`` may carry: the shared filters, language, selected
    actor, presenter mode and the page's own (tour/step bookkeeping is added when presenting)."""
    return set(PARAM_NAMES) | set(COMMON) | set(names(page))


def check(tour: Mapping[str, Any]) -> dict:
    """A clean copy of ``tour`` or :class:`~mapping.validate.Invalid` saying what is wrong."""
    errors: dict[str, str] = {}
    name = str(tour.get("name") or "").strip()
    if not name:
        errors["name"] = "A tour needs a name."
    elif problem := text_problem(name):
        errors["name"] = problem
    steps = tour.get("steps")
    if not isinstance(steps, list) or not steps:
        errors["steps"] = "A tour needs at least one step."
        steps = []
    elif len(steps) > MAX_STEPS:
        errors["steps"] = f"At most {MAX_STEPS} steps."
    clean = []
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, Mapping):
            errors[f"step {n}"] = "not a step"
            continue
        page = step.get("page")
        params = step.get("params") or {}
        if page not in PAGES:
            errors[f"step {n}"] = f"unknown page {page!r}"
            continue
        if not isinstance(params, Mapping):
            errors[f"step {n}"] = "params must be an object"
            continue
        unknown = set(params) - allowed_params(page)
        if unknown:
            errors[f"step {n}"] = f"unknown parameters {sorted(unknown)}"
            continue
        # A page's own value the page would drop on opening (a view out of range, a mode it lacks)
        # is refused now, not silently lost when the step is presented.
        dropped = sorted(k for k in set(params) & set(names(page)) if not from_params(page, {k: str(params[k])}))
        if dropped:
            errors[f"step {n}"] = f"values this page does not understand: {dropped}"
            continue
        title, caption = str(step.get("title") or f"{n}").strip(), str(step.get("caption") or "").strip()
        problem = text_problem(title) or text_problem(caption) or next(
            (text_problem(v) for v in params.values() if text_problem(v)), None)
        if problem:
            errors[f"step {n}"] = problem
            continue
        clean.append({"title": title, "page": page, "params": {k: str(v) for k, v in params.items()},
                      "caption": caption})
    if errors:
        raise Invalid(errors)
    out = {"name": name, "description": str(tour.get("description") or "").strip(), "steps": clean}
    if tour.get("id"):
        out["id"] = str(tour["id"])
    return out


def to_json(tour: Mapping[str, Any]) -> str:
    """The file a tour is exported to (and imported from)."""
    body = {"format": FORMAT, "name": tour["name"], "description": tour.get("description") or "",
            "steps": tour["steps"]}
    return json.dumps(body, ensure_ascii=False, indent=1)


def from_json(text: str | bytes) -> dict:
    """Read an exported tour; anything else is refused with a clear message."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid({"file": f"not a JSON file ({exc})"}) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid({"file": "not a tour exported by the Migration Actors Atlas"})
    return {k: data.get(k) for k in ("name", "description", "steps")}


def edited_steps(steps: list[dict], rows: list[Mapping[str, Any]]) -> list[dict]:
    """Steps after a curator's table edit: ``rows`` are what remains of the table (``step`` the
    original index, ``order`` the number typed, ``title``/``caption`` as edited); rows sort by
    ``order`` (blank last, ties keep their place), deleted rows are gone.

    >>> steps = [{"title": t, "page": "map", "params": {}, "caption": ""} for t in ("One", "Two", "Three")]
    >>> rows = [{"step": 0, "order": 2, "title": "One", "caption": ""},
    ...         {"step": 2, "order": 1, "title": "Three!", "caption": "last becomes first"}]
    >>> [(s["title"], s["caption"]) for s in edited_steps(steps, rows)]
    [('Three!', 'last becomes first'), ('One', '')]
    """
    def position(item: tuple[int, Mapping[str, Any]]) -> tuple[float, int]:
        n, row = item
        return (float(row["order"]) if row.get("order") is not None else float("inf"), n)

    ordered = [row for _, row in sorted(enumerate(rows), key=position)]
    return [dict(steps[int(r["step"])], title=str(r.get("title") or "").strip() or steps[int(r["step"])]["title"],
                 caption=str(r.get("caption") or "").strip()) for r in ordered]
