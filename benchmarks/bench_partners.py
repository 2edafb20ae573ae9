"""Benchmark of Find partners: ``python -m mapping bench partners [--sizes ...]``.

On SYNTHETIC actors and relations (mapping/synthetic.py, 2 relations per actor) it times, in one
run, what the page does per request — :func:`mapping.partners.suggest` on the index the app keeps
per data version — against the baseline of building that index for every request (what the page
would cost without its cache), and prints the ratio. Requests are an organisation with one theme.
"""
from __future__ import annotations

import argparse
import statistics
import time

from mapping import partners
from mapping.synthetic import synthetic_actors, synthetic_relations


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def run(n: int, requests: int = 5) -> dict:
    actors = synthetic_actors(n, seed=n)
    relations = synthetic_relations(actors, 2 * n, seed=n)
    index, build = _timed(partners.PartnerData.build, actors, relations)
    # Organisations with many partners (the hubs) are the slow case: partners of partners abound.
    hubs = relations["target_actor"].value_counts().index[:requests]
    asks = [partners.Request(origin=h, themes=(actors.set_index("id").loc[h, "themes"][0],)) for h in hubs]
    cached = [_timed(partners.suggest, index, r)[1] for r in asks]
    found = partners.suggest(index, asks[0])
    return {"n": n, "build": build, "suggest": statistics.median(cached), "max": max(cached),
            "uncached": build + statistics.median(cached), "suggestions": len(found),
            "reached": int((found["reach"] != "").sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench partners")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--requests", type=int, default=5, help="requests per size (the median is shown)")
    args = parser.parse_args(argv)
    run(50)  # warm up: imports and the shipped geometry, read once per process as in the app
    print(f"{'actors':>8} {'index s':>9} {'suggest s':>10} {'worst s':>8} {'no cache s':>11} {'ratio':>6} "
          f"{'shown':>6} {'linked':>7}")
    for n in args.sizes:
        r = run(n, args.requests)
        print(f"{r['n']:>8} {r['build']:>9.3f} {r['suggest']:>10.3f} {r['max']:>8.3f} {r['uncached']:>11.3f} "
              f"{r['uncached'] / r['suggest']:>5.1f}x {r['suggestions']:>6} {r['reached']:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
