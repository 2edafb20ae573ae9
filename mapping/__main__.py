"""Command line: ``python -m mapping COMMAND``.

Commands
--------
init [--db PATH] [--force]   create and seed a database
stats [--db PATH] [--json]   counts by table, country and kind
bench NAME [ARGS...]         run benchmarks/bench_NAME.py (prints figures)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .store import Store, default_path


def _cmd_init(args: argparse.Namespace) -> int:
    path = Path(args.db)
    if path.exists():
        if not args.force:
            print(f"{path} already exists; use --force to rebuild it", file=sys.stderr)
            return 1
        path.unlink()
        Path(str(path) + ".wal").unlink(missing_ok=True)
    store = Store(str(path))
    stats = store.stats()
    store.close()
    print(f"created {path}: " + ", ".join(f"{n} {t}" for t, n in stats["tables"].items() if n))
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    store = Store(args.db)
    stats = store.stats()
    store.close()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        for section in ("tables", "actors_by_country", "actors_by_kind"):
            print(section)
            for key, value in stats[section].items():
                print(f"  {key:<28} {value}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    import importlib

    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        module = importlib.import_module(f"benchmarks.bench_{args.name}")
    except ModuleNotFoundError:
        available = sorted(p.stem[len("bench_"):] for p in (Path(root) / "benchmarks").glob("bench_*.py"))
        print(f"unknown benchmark {args.name!r}; available: {', '.join(available) or 'none'}", file=sys.stderr)
        return 2
    return int(module.main(args.args) or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mapping", description="Migration Actors Atlas")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create and seed a database")
    p.add_argument("--db", default=default_path(), help="DuckDB path (default: $ATLAS_DB or data/atlas.duckdb)")
    p.add_argument("--force", action="store_true", help="replace an existing database file")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("stats", help="counts by table, country and kind")
    p.add_argument("--db", default=default_path())
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("bench", help="run a benchmark from benchmarks/ (e.g. map, network, import)")
    p.add_argument("name")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
