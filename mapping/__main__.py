"""Command line: ``python -m mapping COMMAND``.

Commands
--------
init [--db PATH] [--force [--yes]]  create and seed a database (never one an app serves)
stats [--db PATH] [--json]   counts by table, country and kind
bench NAME [ARGS...]         run benchmarks/bench_NAME.py (prints figures)
user add NAME --role ROLE    create a curator or admin account (asks for the password)
user deactivate NAME         close an account (kept for the audit log)
user unlock NAME             lift the sign-in lock after too many failed passwords (logged)
import FILE [--dry-run]      check a CSV/XLSX/HXL file row by row; write it only if it has no error
  [--default-kind K] [--outside skip|import]   kind for rows without one; rows outside the four countries
export --format F OUT        actors as csv, xlsx, geojson or hxl
backup DIR / restore DIR     the whole database to / from a directory of Parquet files
imports [ID]                 list imports, or the drafts one created with their kinds to review
publish ID [ID...] | --drafts   publish records (logged, undoable), then a public snapshot
publish [--import ID [--kind ACTOR=KIND]...]   publish an import's drafts; a public snapshot for viewers

Every command works while an app serves the database: each opens it for one unit of work under
a lock (see mapping.store.locks) and waits at most ATLAS_LOCK_WAIT seconds for it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC
from pathlib import Path

from .exporters import to_csv
from .model import ACTOR_KINDS
from .seed import init_database
from .store import Store, default_path


def _cmd_init(args: argparse.Namespace) -> int:
    from .store import locks
    from .store.base import _is_file_path

    if not _is_file_path(args.db):
        # A server database (md:...) is never deleted from here: it is seeded only if empty.
        store = init_database(args.db)
        stats = store.stats()
        store.close()
        print(f"{args.db}: " + ", ".join(f"{n} {t}" for t, n in stats["tables"].items() if n))
        return 0
    path = Path(args.db)
    if path.exists():
        if not args.force:
            print(f"{path} already exists; use --force to rebuild it", file=sys.stderr)
            return 1
        if locks.in_use(str(path)):
            print(f"refused: {path} is being served by a running app; stop the app (every process "
                  "serving it) first, or back it up with `python -m mapping backup DIR`", file=sys.stderr)
            return 1
        work = _beyond_seed(str(path))
        if work and not args.yes and not _confirm(f"{path} has {work}. Replace it (a copy is kept)? [y/N] "):
            print(f"refused: {path} has {work}; re-run with --yes to replace it (a copy is kept)",
                  file=sys.stderr)
            return 1
        kept = _set_aside(path)
        print(f"kept the previous database as {kept}")
    store = init_database(str(path))
    stats = store.stats()
    store.close()
    print(f"created {path}: " + ", ".join(f"{n} {t}" for t, n in stats["tables"].items() if n))
    return 0


def _beyond_seed(path: str) -> str:
    """What a database holds beyond the seed ("3 changes and 1 account"), or "" if nothing."""
    store = Store(path)
    try:
        edits = store.count_changes_beyond_seed()
        accounts = store.count("users")
    finally:
        store.close()
    parts = [f"{edits} change{'s' * (edits != 1)} beyond the seed" if edits else "",
             f"{accounts} account{'s' * (accounts != 1)}" if accounts else ""]
    return " and ".join(p for p in parts if p)


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(question).strip().lower() in ("y", "yes", "o", "oui")


def _set_aside(path: Path) -> Path:
    """Rename the database (and its write-ahead log) to ``<db>.replaced-<UTC time>``, under the
    database lock so no unit of work is half way through it."""
    from datetime import datetime

    from .store import locks

    kept = path.with_name(f"{path.name}.replaced-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    with locks.exclusive(str(path)):
        path.rename(kept)
        wal = Path(str(path) + ".wal")
        if wal.exists():
            wal.rename(str(kept) + ".wal")
    return kept


def _existing(db: str) -> Store:
    """The store of an existing database; a missing file is an error (exit 2), not a new empty
    atlas: a mistyped --db or ATLAS_DB must not "succeed" on the wrong data."""
    from .store.base import _is_file_path

    if _is_file_path(db) and not Path(db).exists():
        raise _Missing(f"no database at {db}; create one with `python -m mapping init --db {db}`")
    return Store(db)


class _Refused(Exception):
    """A one-line reason the command did nothing."""


class _Missing(_Refused):
    """A file the command needs does not exist (exit 2)."""


def _input(path: str) -> bytes:
    """The bytes of an input file, or a one-line refusal naming it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise _Missing(f"no file {path}") from None
    except IsADirectoryError:
        raise _Refused(f"{path} is a directory, not a file") from None
    except PermissionError:
        raise _Refused(f"{path} cannot be read (permission denied)") from None


def _cmd_stats(args: argparse.Namespace) -> int:
    store = _existing(args.db)
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


def _cmd_user(args: argparse.Namespace) -> int:
    import getpass

    from .validate import Invalid

    store = _existing(args.db)
    try:
        if args.action == "deactivate":
            if store.user(args.username) is None:
                print(f"refused: no active account {args.username}", file=sys.stderr)
                return 1
            store.deactivate_user(args.username, by=None, trusted=True)
            print(f"deactivated {args.username}")
            return 0
        if args.action == "unlock":  # the Accounts page's "Unlock", for an admin at the console
            was_locked = args.username.strip().lower() in store.locked_users()
            store.unlock_user(args.username, by=None, trusted=True)
            print(f"unlocked {args.username}: it can sign in again" if was_locked else
                  f"{args.username} was not locked; its failed sign-ins, if any, are forgotten")
            return 0
        if not args.role:
            print("refused: --role curator|admin is required to add an account", file=sys.stderr)
            return 1
        password = os.environ.get("ATLAS_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
        user = store.add_user(args.username, password, args.role, args.display_name or "", trusted=True,
                              lang=args.lang)
    except Invalid as exc:
        print("refused: " + " ".join(exc.errors.values()), file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"created {user.role} {user.username}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from .i18n import t
    from .importer import plan_import

    path = Path(args.file)
    store = _existing(args.db)
    try:
        plan = plan_import(_input(args.file), path.name, store.actor_index(), lang=args.lang,
                           default_kind=args.default_kind, outside=args.outside)
        report = plan.report()
        shown = report if len(report) <= 200 else report[report["status"] != "area"]
        if len(shown):
            print(shown.to_string(index=False, max_colwidth=100))
        if len(shown) < len(report):
            print(f"({len(report) - len(shown)} rows adding areas of operation not shown; --report FILE has every row)")
        if plan.sheet:
            print(t("import.sheet", args.lang, sheet=plan.sheet))
        print(plan.summary(args.lang))
        if args.report:
            Path(args.report).write_bytes(to_csv(report))
        if not plan.ok:
            print("nothing was imported", file=sys.stderr)
            return 1
        if args.dry_run:
            print("dry run: nothing was written")
            return 0
        counts = store.apply_import(plan, user=None, trusted=True, source=args.source or path.name)
        import_id = counts.pop("import_id")
        print("imported: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        print(f"import {import_id}: review its drafts with `imports {import_id}`, "
              f"publish them with `publish --import {import_id}`")
        return 0
    finally:
        store.close()


def _cmd_export(args: argparse.Namespace) -> int:
    from . import exporters
    from .store import EXPORT_COLUMNS

    store = _existing(args.db)
    try:
        frame = store.actors(include_unpublished=args.all, columns=EXPORT_COLUMNS)
    finally:
        store.close()
    writer = {"csv": exporters.to_csv, "xlsx": exporters.to_xlsx, "geojson": exporters.to_geojson,
              "hxl": exporters.to_hxl}[args.format]
    Path(args.out).write_bytes(writer(frame))
    print(f"wrote {len(frame)} actors to {args.out}")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    store = _existing(args.db)
    try:
        print(f"backed up to {store.backup(args.directory)} (readable by its owner only)")
    except FileExistsError as exc:
        raise _Refused(str(exc)) from None
    finally:
        store.close()
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from .store import BadBackup

    try:
        restored = Store.restore_backup(args.directory, args.db)
    except (FileExistsError, BadBackup) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    counts = restored.stats()["tables"]
    restored.close()
    print(f"restored into {args.db}: " + ", ".join(f"{n} {t}" for t, n in counts.items() if n))
    return 0


def _cmd_imports(args: argparse.Namespace) -> int:
    store = _existing(args.db)
    try:
        if args.import_id:
            frame = store.import_drafts(args.import_id)
            if not len(frame) and args.import_id not in set(store.imports()["id"]):
                raise _Refused(f"no import {args.import_id}")
            frame = frame.assign(kind_rule=frame["kind_rule"].fillna("")).drop(columns=["version"])
        else:
            frame = store.imports().drop(columns=["counts"])
    finally:
        store.close()
    print(frame.to_string(index=False, max_colwidth=60) if len(frame) else "nothing to show")
    return 0


def _kind_fixes(pairs: list[str]) -> dict[str, str]:
    fixes = {}
    for pair in pairs:
        actor_id, _, kind = pair.partition("=")
        if not kind:
            raise _Refused(f"--kind takes ACTOR_ID=KIND, not {pair!r}")
        fixes[actor_id] = kind
    return fixes


def _cmd_publish(args: argparse.Namespace) -> int:
    from .validate import Invalid

    if args.ids and (args.drafts or args.import_id):
        raise _Refused("give record ids, or --drafts, or --import, not several")
    store = _existing(args.db)
    try:
        if args.ids or args.drafts:
            try:
                done = store.publish_records(args.ids or None, user=None, trusted=True)
            except Invalid as exc:
                raise _Refused(str(exc)) from exc
            print(f"published {len(done)} record{'s' * (len(done) != 1)}" + (": " if done else "")
                  + ", ".join(f"{t} {i}" for t, i in done[:20]) + (" …" if len(done) > 20 else ""))
            if done:
                print("each is logged; undo one from the History page like any publish")
        if args.import_id:
            try:
                reviewed = store.review_import(args.import_id, kinds=_kind_fixes(args.kind), publish=True,
                                               user=None, trusted=True)
            except Invalid as exc:
                raise _Refused(str(exc)) from exc
            print(f"import {args.import_id}: {reviewed['published']} drafts published, {reviewed['kinds']} kinds set")
        published = store.publish()
    finally:
        store.close()
    if published is None:
        if args.import_id:
            return 0  # a server database (md:): viewers read it directly, nothing else to publish
        raise _Refused(f"{args.db} is not a local file: viewers read it directly, nothing to publish")
    print(f"published {published}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mapping", description="Migration Actors Atlas")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create and seed a database")
    p.add_argument("--db", default=default_path(), help="DuckDB path (default: $ATLAS_DB or data/atlas.duckdb)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing database file (refused while an app serves it; the old file is kept)")
    p.add_argument("--yes", action="store_true", help="replace it even if it has edits or accounts beyond the seed")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("stats", help="counts by table, country and kind")
    p.add_argument("--db", default=default_path())
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("user", help="manage accounts")
    p.add_argument("action", choices=["add", "deactivate", "unlock"])
    p.add_argument("username")
    p.add_argument("--role", choices=["curator", "admin"], help="required for add")
    p.add_argument("--display-name")
    p.add_argument("--lang", default="en", choices=["en", "fr"], help="language of the messages")
    p.add_argument("--db", default=default_path())
    p.set_defaults(func=_cmd_user)

    p = sub.add_parser("import", help="import actors from a CSV, XLSX or HXL file (all or nothing)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and report only")
    p.add_argument("--db", default=default_path())
    p.add_argument("--source", help="source to cite (default: the file name)")
    p.add_argument("--report", help="also write the row-by-row report as CSV here")
    p.add_argument("--lang", default="en", choices=["en", "fr"])
    p.add_argument("--default-kind", choices=sorted(ACTOR_KINDS),
                   help="kind of the organisations whose row states none (default: guessed from the name, to review)")
    p.add_argument("--outside", choices=["skip", "import"],
                   help="rows outside the atlas's countries: skip them (default for HXL 3W files) or import them "
                        "as international partners (default for other files)")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("export", help="export actors")
    p.add_argument("--format", choices=["csv", "xlsx", "geojson", "hxl"], required=True)
    p.add_argument("out")
    p.add_argument("--all", action="store_true", help="include drafts and archived files")
    p.add_argument("--db", default=default_path())
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("backup", help="copy the whole database into a new directory (Parquet)")
    p.add_argument("directory")
    p.add_argument("--db", default=default_path())
    p.set_defaults(func=_cmd_backup)

    p = sub.add_parser("restore", help="create a new database from a backup directory")
    p.add_argument("directory")
    p.add_argument("--db", required=True, help="the new database file")
    p.set_defaults(func=_cmd_restore)

    p = sub.add_parser("imports", help="list imports, or the drafts one import created (to review)")
    p.add_argument("import_id", nargs="?", help="an import's id: list its drafts, their kinds and rules")
    p.add_argument("--db", default=default_path())
    p.set_defaults(func=_cmd_imports)

    p = sub.add_parser("publish", help="publish records (ids, or every draft), then a public snapshot for viewers")
    p.add_argument("ids", nargs="*", metavar="ID", help="actors, relations, projects or events to publish")
    p.add_argument("--drafts", action="store_true", help="publish every draft")
    p.add_argument("--import", dest="import_id", help="first publish every draft this import created")
    p.add_argument("--kind", action="append", default=[], metavar="ACTOR_ID=KIND",
                   help="with --import: set a draft's kind before publishing (repeatable)")
    p.add_argument("--db", default=default_path())
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("bench", help="run a benchmark from benchmarks/ (e.g. map, network, import)")
    p.add_argument("name")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Whatever goes wrong is said in one line on stderr (exit 75 when the
    database stayed busy: try again later); ``ATLAS_DEBUG=1`` shows the traceback instead."""
    from .store import Busy, DatabaseError, NoSnapshot, ReadOnly

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except Busy as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: cron and scripts may retry
    except _Missing as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except (_Refused, NoSnapshot, ReadOnly) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `stats | head`: the reader had enough; say nothing
        try:  # Python would report the pipe again when it flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):  # a stdout without a file behind it
            pass
        return 141  # 128 + SIGPIPE, as a command killed by the closed pipe would end
    except Exception as exc:  # noqa: BLE001  no traceback reaches a CLI user unless asked for
        if os.environ.get("ATLAS_DEBUG"):
            raise
        kind = "error" if isinstance(exc, (DatabaseError, OSError)) else f"unexpected error ({type(exc).__name__})"
        print(f"{kind}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__} "
              "(ATLAS_DEBUG=1 shows the details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
