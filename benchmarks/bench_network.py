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


def page_time(actors, relations, engine: str = "igraph") -> tuple[float, int, bool]:
    """End-to-end server time of one Network view before caching: trim to the analysed actors,
    build, metrics, communities, the drawn part, its layout and chart spec.
    Returns (seconds, drawn nodes, whether centralities were estimated)."""
    start = time.perf_counter()
    actors, relations = graph.trim_frames(actors, relations)
    g = graph.build_graph(actors, relations)
    node_metrics = graph.metrics(g, engine=engine)
    community = graph.communities(g, engine=engine)
    drawn = graph.drawn_subgraph(g, limit=DRAW_LIMIT)
    graph.chart_spec(drawn, graph.layout(drawn, engine=engine), node_metrics, community=community,
                     color_by="community")
    return time.perf_counter() - start, drawn.number_of_nodes(), bool(node_metrics.attrs.get("estimated"))


def run_size(n: int, m: int | None = None, seed: int = 1, steps: bool = True) -> dict:
    """Time every step at ``n`` nodes (``m`` relations, default 2n) with both engines;
    ``None`` where networkx is skipped. ``layout`` and ``spec`` run on the whole graph."""
    m = m or 2 * n
    actors = synthetic_actors(n, seed=seed)
    relations = synthetic_relations(actors, m, seed=seed)
    result: dict = {"nodes": n, "relations": m, "igraph": dict.fromkeys(STEPS), "networkx": dict.fromkeys(STEPS)}
    for engine in ("igraph", "networkx") if steps else ():
        times = result[engine]
        g, times["build"] = _timed(graph.build_graph, actors, relations)
        out = {}
        for step, fn in (("metrics", graph.metrics), ("communities", graph.communities), ("layout", graph.layout)):
            if engine == "igraph" or n <= NX_LIMITS[step]:
                out[step], times[step] = _timed(fn, g, engine=engine)
        if "metrics" in out and "layout" in out:
            spec, times["spec"] = _timed(graph.chart_spec, g, out["layout"], out["metrics"],
                                         community=out.get("communities"), color_by="community")
            times["spec_kb"] = round(len(json.dumps(spec)) / 1024)
    result["igraph"]["page"], result["drawn"], result["estimated"] = page_time(actors, relations)
    result["networkx"]["page"] = page_time(actors, relations, "networkx")[0] if n <= NX_LIMITS["metrics"] else None
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
            if fast is None and slow is None:
                continue
            ratio = f"{slow / fast:7.1f}x" if fast and slow else "       -"
            lines.append(f"{r['nodes']:>7} {step:<12} {_fmt(fast):>9} {_fmt(slow):>9} {ratio}")
        note = (f"{r['relations']} relations; page draws {r['drawn']} of {r['nodes']} nodes "
                f"(analyses at most {graph.ANALYSE_LIMIT}); whole-graph spec {r['igraph'].get('spec_kb', '-')} KB; "
                f"betweenness/closeness {'estimated (' + str(graph.PIVOTS) + ' pivots)' if r['estimated'] else 'exact'}")
        lines += [f"{'':>7} {note}", ""]
    lines.append("skipped: plain networkx would take minutes (spring layout ~180 s, exact betweenness and "
                 "closeness several minutes at 10,000 nodes).\n'page' = one view before caching, end to end: the "
                 f"{graph.ANALYSE_LIMIT} most connected actors at most, their metrics and communities, layout and "
                 f"chart spec of the drawn part (<= {DRAW_LIMIT} nodes).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench network")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--no-large", action="store_true",
                        help="skip the continent-sized page (50,000 actors, 200,000 relations)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    args = parser.parse_args(argv)
    results = [run_size(n) for n in args.sizes]
    if not args.no_large:
        results.append(run_size(50_000, 200_000, steps=False))
    print(report(results))
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
