"""Benchmark of the connection model: ``python -m mapping bench ops [--actors N ...] [--runs N]``.

The app no longer holds the database for its whole life: a curator's page run opens the file
once (``Store.batch``) under the cross-process lock and closes it; visitors read the published
snapshot; every committed write publishes a new snapshot. This measures, in one run, on the seed
and on SYNTHETIC atlases (actors and relations generated here, in a temporary database):

* a curator's page run (the store calls the Directory and the Edit page make) with the old
  held connection, with one opening per page run (what the app does), and with one opening per
  query (no batch) — the cost of giving the lock back;
* a visitor's page run on the live file (held) and on the published snapshot (what visitors
  and viewer processes now read);
* one save: inside a held connection (the old way, nothing published) and as its own unit of
  work (opening, commit, publishing the snapshot), and publishing alone;
* a failed sign-in for a known user name and for an unknown one (the store checks a dummy
  hash for unknown names so the two take the same time: the ratio should be close to 1.00).

Figures are medians in milliseconds; ratios are against the held connection of the same run.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mapping.auth import User
from mapping.filters import Filters
from mapping.seed import init_database
from mapping.store import Store
from mapping.synthetic import synthetic_actors, synthetic_relations

ADMIN = User("bench", "admin")


def _median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def curator_page(store: Store) -> None:
    """What a curator's Directory and Edit runs ask the store (uncached, as after an edit)."""
    store.data_version()
    store.filter_options(include_unpublished=True)
    store.count_actors(Filters(countries=("MA",)), include_unpublished=True)
    store.actors(Filters(countries=("MA",)), include_unpublished=True)
    store.records("actor")
    store.record("actor", "commune-oujda")
    store.history("actor", "commune-oujda", limit=20)


def visitor_page(store: Store) -> None:
    """What a visitor's Directory run and an organisation file ask the store."""
    store.data_version()
    store.filter_options()
    store.count_actors(Filters(countries=("MA",)))
    store.actors(Filters(countries=("MA",)))
    store.actor("commune-oujda")
    store.actor_relations("commune-oujda")


def build(folder: Path, actors: int) -> Store:
    store = init_database(str(folder / f"ops-{actors}.duckdb"))
    if actors:
        frame = synthetic_actors(actors, seed=actors).drop(columns=["name_ar"])
        store.insert_frames({"actors": frame, "relations": synthetic_relations(frame, actors * 3, seed=1)},
                            username="bench", action="import", note="synthetic benchmark data")
    store.add_user("bench", "quiet harbour lantern", "admin", trusted=True)
    return store


def measure(store: Store, runs: int) -> dict[str, float]:
    out: dict[str, float] = {}
    with store.unit():  # the old model: one connection, held throughout
        out["curator held"] = _median_ms(lambda: curator_page(store), runs)
        out["visitor held"] = _median_ms(lambda: visitor_page(store), runs)

    def batched() -> None:
        with store.batch():
            curator_page(store)

    out["curator per page run"] = _median_ms(batched, runs)
    out["curator per query"] = _median_ms(lambda: curator_page(store), runs)
    store.publish()
    viewer = Store(store.path, read_only=True)
    try:
        out["visitor snapshot"] = _median_ms(lambda: visitor_page(viewer), runs)
    finally:
        viewer.close()

    counter = iter(range(10**6))

    def save() -> None:
        record = store.record("actor", "commune-oujda")
        store.save("actor", {**{k: record[k] for k in store._editable("actor")}, "id": "commune-oujda",
                             "description": f"benchmark edit {next(counter)}"},
                   user=ADMIN, expected_version=record["version"])

    writes = max(3, runs // 4)
    with store.unit():
        out["save held"] = _median_ms(save, writes)
        store._local.dirty = False  # the old model published nothing
    out["save + publish"] = _median_ms(save, writes)
    out["publish alone"] = _median_ms(store.publish, writes)
    return out


def sign_in_times(store: Store, runs: int) -> tuple[float, float]:
    """Median ms of a wrong password for the known name ``bench`` and for an unknown name. The
    failures counted are forgotten before each try (not timed), so throttling never answers early."""
    def median(name: str) -> float:
        samples = []
        for _ in range(runs):
            with store.transaction(publish=False) as cur:
                cur.execute("DELETE FROM sign_in_failures")
            start = time.perf_counter()
            answer = store.sign_in(name, "not the password")
            samples.append((time.perf_counter() - start) * 1000)
            assert answer.user is None and not answer.wait
        return statistics.median(samples)

    median("bench")  # warm-up: the first hash check loads scrypt's code paths
    known, unknown = [], []
    for _ in range(3):  # interleaved, so a busy machine slows both alike
        known.append(median("bench"))
        unknown.append(median("nobody-by-this-name"))
    return statistics.median(known), statistics.median(unknown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench ops")
    parser.add_argument("--actors", type=int, nargs="+", default=[0, 10_000, 50_000],
                        help="synthetic actors added to the seed (0: the seed alone)")
    parser.add_argument("--runs", type=int, default=15, help="page runs per figure (median)")
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.actors:
            store = build(Path(tmp), n)
            total = store.count("actors")
            figures = measure(store, args.runs)
            if not rows:
                known, unknown = sign_in_times(store, args.runs)
            store.close()
            rows.append((total, figures))

    print("Connection model: median ms (ratio to the held connection of the same run)")
    print(f"{'actors':>8}  {'step':<22} {'ms':>9}  ratio")
    for total, f in rows:
        for name, base in (("curator held", "curator held"), ("curator per page run", "curator held"),
                           ("curator per query", "curator held"), ("visitor held", "visitor held"),
                           ("visitor snapshot", "visitor held"), ("save held", "save held"),
                           ("save + publish", "save held"), ("publish alone", "save held")):
            ratio = "" if name == base else f"{f[name] / f[base]:.2f}x"
            print(f"{total:>8,}  {name:<22} {f[name]:9.1f}  {ratio}")
    print(f"\nFailed sign-in, median ms: known name {known:.1f}, unknown name {unknown:.1f}, "
          f"ratio unknown/known {unknown / known:.2f}x (equal timing: close to 1.00)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
