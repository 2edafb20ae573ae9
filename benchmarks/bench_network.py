"""Benchmark of the Network page's server work: ``python -m mapping bench network [--sizes ...]``.

On SYNTHETIC graphs (mapping/synthetic.py, about 2 relations per actor) it times, in one run,
each step of the page with the chosen implementation (igraph behind mapping.graph) and with plain
networkx (``engine="networkx"``, the same functions), and prints the ratios. networkx steps that
would take minutes are skipped and said so. The last column is what the page does before caching:
build + metrics + communities + the drawn part (at most 2,000 nodes) + its layout + chart spec.
"""
from __future__ import annotations

import argparse
import json
import time

from mapping import graph
from mapping.synthetic import synthetic_actors, synthetic_relations

DRAW_LIMIT = 2000
#: Above these sizes plain networkx takes minutes (measured: spring layout 182 s and exact
#: betweenness about 150 s at 10,000 nodes), so the baseline is not run.
NX_LIMITS = {"layout": 2000, "metrics": 2000, "communities": 10000}
STEPS = ("build", "metrics", "communities", "layout", "spec")


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def run_size(n: int, seed: int = 1) -> dict:
    """Time every step at ``n`` nodes with both engines; ``None`` where networkx is skipped.

    ``layout`` and ``spec`` run on the whole graph (what the issue measures); ``page`` is what the
    page does: build, metrics and communities of the whole graph, then layout and chart spec of
    the drawn part (the 2,000 most connected nodes at most).
    """
    actors = synthetic_actors(n, seed=seed)
    relations = synthetic_relations(actors, 2 * n, seed=seed)
    result: dict = {"nodes": n, "relations": 2 * n, "igraph": {}, "networkx": {}}
    for engine in ("igraph", "networkx"):
        times = result[engine]
        g, times["build"] = _timed(graph.build_graph, actors, relations)
        out = {}
        for step, fn in (("metrics", graph.metrics), ("communities", graph.communities), ("layout", graph.layout)):
            if engine == "networkx" and n > NX_LIMITS[step]:
                times[step] = None
            else:
                out[step], times[step] = _timed(fn, g, engine=engine)
        times["spec"] = None
        if "metrics" in out and "layout" in out:
            spec, times["spec"] = _timed(graph.chart_spec, g, out["layout"], out["metrics"],
                                         community=out.get("communities"), color_by="community")
            times["spec_kb"] = round(len(json.dumps(spec)) / 1024)
        times["page"] = None
        if None not in (times["build"], times["metrics"], times["communities"]):
            drawn, cut = _timed(graph.drawn_subgraph, g, limit=DRAW_LIMIT)
            if engine == "igraph" or drawn.number_of_nodes() <= NX_LIMITS["layout"]:
                positions, draw_layout = _timed(graph.layout, drawn, engine=engine)
                _, draw_spec = _timed(graph.chart_spec, drawn, positions, out["metrics"],
                                      community=out["communities"], color_by="community")
                times["page"] = times["build"] + times["metrics"] + times["communities"] + cut + draw_layout + draw_spec
            if engine == "igraph":
                result["drawn"] = drawn.number_of_nodes()
                result["estimated"] = bool(out["metrics"].attrs.get("estimated"))
    return result


def _fmt(seconds: float | None) -> str:
    return "skipped" if seconds is None else f"{seconds:8.3f}"


def report(results: list[dict]) -> str:
    lines = ["Network page, server time in seconds (synthetic graphs, ~2 relations per actor)", ""]
    header = f"{'nodes':>7} {'step':<12} {'igraph':>9} {'networkx':>9} {'ratio':>8}"
    lines += [header, "-" * len(header)]
    for r in results:
        for step in (*STEPS, "page"):
            fast, slow = r["igraph"][step], r["networkx"][step]
            ratio = f"{slow / fast:7.1f}x" if fast and slow else "       -"
            lines.append(f"{r['nodes']:>7} {step:<12} {_fmt(fast):>9} {_fmt(slow):>9} {ratio}")
        note = (f"page draws {r['drawn']} of {r['nodes']} nodes; whole-graph spec {r['igraph'].get('spec_kb', '?')} KB; "
                f"betweenness/closeness {'estimated (' + str(graph.PIVOTS) + ' pivots)' if r['estimated'] else 'exact'}")
        lines += [f"{'':>7} {note}", ""]
    lines.append("skipped: plain networkx would take minutes (spring layout ~180 s, exact betweenness and "
                 "closeness several minutes at 10,000 nodes). 'page' = build + metrics + communities of the "
                 "whole graph + layout and chart spec of the drawn part (<= 2,000 nodes), before caching.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench network")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    args = parser.parse_args(argv)
    results = [run_size(n) for n in args.sizes]
    print(report(results))
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
