"""The command line: python -m mapping init / stats / bench / user / import / export / backup.

Every command runs in-process through ``main(argv)`` (the ``cli`` fixture); one test starts the
real ``python -m mapping`` to prove the module entry point itself.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.store import Store

ROOT = Path(__file__).resolve().parent.parent


def test_the_module_entry_point_runs():
    r = subprocess.run([sys.executable, "-m", "mapping", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "init" in r.stdout and "export" in r.stdout, r.stderr


def test_init_then_stats_json(cli, tmp_path):
    db = tmp_path / "cli.duckdb"
    r = cli("init", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert db.exists()
    again = cli("init", "--db", str(db))
    assert again.returncode == 1 and "--force" in again.stderr
    r = cli("stats", "--db", str(db), "--json")
    stats = json.loads(r.stdout)
    assert stats["tables"]["actors"] > 30
    assert sum(stats["actors_by_country"].values()) == sum(stats["actors_by_kind"].values())


def test_unknown_benchmark_is_a_clear_error(cli):
    r = cli("bench", "no-such-bench")
    assert r.returncode == 2 and "unknown benchmark" in r.stderr


def test_user_import_export_backup_restore(cli, tmp_path):
    import openpyxl

    db = tmp_path / "cli.duckdb"
    assert cli("init", "--db", str(db)).returncode == 0
    r = cli("user", "add", "amina", "--role", "curator", "--db", str(db),
             env={"ATLAS_PASSWORD": "curator passphrase"})
    assert r.returncode == 0 and "created curator amina" in r.stdout, r.stderr
    r = cli("user", "add", "amina", "--role", "curator", "--db", str(db),
             env={"ATLAS_PASSWORD": "short"})
    assert r.returncode == 1 and "refused" in r.stderr  # exists, and the password is too short

    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,country\nAssociation Une,ngo,MA\nAssociation Deux,alien,MA\n", encoding="utf-8")
    before = json.loads(cli("stats", "--db", str(db), "--json").stdout)["tables"]
    r = cli("import", str(bad), "--db", str(db), "--report", str(tmp_path / "report.csv"))
    assert r.returncode == 1 and "Unknown kind of actor: alien" in r.stdout and "nothing was imported" in r.stderr
    assert (tmp_path / "report.csv").read_text(encoding="utf-8-sig").startswith("row,status,name")
    assert json.loads(cli("stats", "--db", str(db), "--json").stdout)["tables"] == before

    good = tmp_path / "good.csv"
    good.write_text("name,kind,country,city\nAssociation Une,ngo,MA,Nador\n", encoding="utf-8")
    r = cli("import", str(good), "--db", str(db), "--dry-run")
    assert r.returncode == 0 and "dry run" in r.stdout
    assert json.loads(cli("stats", "--db", str(db), "--json").stdout)["tables"]["actors"] == before["actors"]
    r = cli("import", str(good), "--db", str(db))
    assert r.returncode == 0 and "1 new" in r.stdout

    for fmt in ("csv", "xlsx", "geojson", "hxl"):
        out = tmp_path / f"actors.{fmt}"
        r = cli("export", "--format", fmt, str(out), "--db", str(db))
        assert r.returncode == 0 and out.stat().st_size > 1000, r.stderr
    assert json.loads((tmp_path / "actors.geojson").read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert openpyxl.load_workbook(tmp_path / "actors.xlsx").active.max_row == before["actors"] + 1
    assert "#org+name" in (tmp_path / "actors.hxl").read_text(encoding="utf-8-sig").splitlines()[1]

    r = cli("backup", str(tmp_path / "backup"), "--db", str(db))
    assert r.returncode == 0, r.stderr
    r = cli("restore", str(tmp_path / "backup"), "--db", str(tmp_path / "restored.duckdb"))
    assert r.returncode == 0, r.stderr
    restored = json.loads(cli("stats", "--db", str(tmp_path / "restored.duckdb"), "--json").stdout)["tables"]
    assert restored == json.loads(cli("stats", "--db", str(db), "--json").stdout)["tables"]
    again = cli("restore", str(tmp_path / "backup"), "--db", str(tmp_path / "restored.duckdb"))
    assert again.returncode == 1 and "refused" in again.stderr


def test_accounts_are_deactivated_from_the_command_line(cli, tmp_path):
    db = tmp_path / "cli.duckdb"
    assert cli("init", "--db", str(db)).returncode == 0
    env = {"ATLAS_PASSWORD": "curator passphrase"}
    assert cli("user", "add", "moussa", "--role", "curator", "--db", str(db), env=env).returncode == 0
    r = cli("user", "deactivate", "moussa", "--db", str(db))
    assert r.returncode == 0 and "deactivated moussa" in r.stdout
    again = cli("user", "deactivate", "moussa", "--db", str(db))
    assert again.returncode == 1 and "no active account" in again.stderr


def test_a_3w_imports_from_the_command_line_with_a_default_kind_and_outside_rows_skipped(cli, tmp_path):
    db = tmp_path / "cli.duckdb"
    assert cli("init", "--db", str(db)).returncode == 0
    three_w = ROOT / "tests" / "data" / "3w" / "synthetic" / "multi_country_coordinates.csv"
    r = cli("import", str(three_w), "--db", str(db), "--dry-run", "--default-kind", "ngo")
    assert r.returncode == 0 and "2 rows in Chad, 1 row in Niger" in r.stdout and "Traceback" not in r.stderr
    chad = ROOT / "tests" / "data" / "3w" / "3w_td_october2021.xlsx"
    r = cli("import", str(chad), "--db", str(db))
    assert r.returncode == 1 and "705 rows in Chad" in r.stdout and "Traceback" not in r.stderr
    r = cli("import", str(three_w), "--db", str(db), "--default-kind", "alien")
    assert r.returncode == 2 and "invalid choice" in r.stderr


# -- while an app serves the database ------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A real writing app (``streamlit run app.py``) serving a seeded database, one session open."""
    from atlas_servers import App

    from mapping.seed import init_database

    folder = tmp_path_factory.mktemp("served")
    db = folder / "atlas.duckdb"
    init_database(str(db)).close()
    app = App(db, folder / "app.log").wait_healthy()
    try:
        visitor = app.session()  # the app opens the database on its first run
        assert not visitor.errors()
        yield db, app
    finally:
        app.stop()


@pytest.mark.e2e  # a real app process beside the command line (as test_deploy.py): `make test` runs it
def test_every_command_works_while_an_app_serves_the_database(cli, served, tmp_path):
    import os
    import stat

    import openpyxl

    from mapping.store import locks

    db, app = served
    assert locks.in_use(str(db))
    env = {"ATLAS_PASSWORD": "curator passphrase"}
    runs = {}
    runs["stats"] = r = cli("stats", "--db", str(db), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["tables"]["actors"] > 30
    runs["user add"] = r = cli("user", "add", "amina", "--role", "curator", "--db", str(db), env=env)
    assert r.returncode == 0, r.stderr

    # The app sees the account made from the shell, and its curator's edit is saved while it serves.
    curator = app.session()
    curator.sign_in("amina", "curator passphrase")
    curator.rename("commune-oujda", "Commune d'Oujda (served)")

    runs["user add 2"] = cli("user", "add", "moussa", "--role", "curator", "--db", str(db), env=env)
    runs["user deactivate"] = r = cli("user", "deactivate", "moussa", "--db", str(db))
    assert r.returncode == 0 and "deactivated moussa" in r.stdout
    good = tmp_path / "good.csv"
    good.write_text("name,kind,country,city\nAssociation Servie,ngo,MA,Nador\n", encoding="utf-8")
    runs["import --dry-run"] = r = cli("import", str(good), "--db", str(db), "--dry-run")
    assert r.returncode == 0 and "dry run" in r.stdout
    runs["import"] = r = cli("import", str(good), "--db", str(db))
    assert r.returncode == 0 and "1 new" in r.stdout
    runs["imports"] = r = cli("imports", "--db", str(db))
    assert r.returncode == 0 and "good.csv" in r.stdout
    from mapping.store import Store

    import_id = str(Store(str(db)).imports().iloc[0]["id"])
    runs["imports ID"] = r = cli("imports", import_id, "--db", str(db))
    assert r.returncode == 0 and "Association Servie" in r.stdout
    runs["publish --import"] = r = cli("publish", "--import", import_id, "--db", str(db))
    assert r.returncode == 0 and "1 drafts published" in r.stdout, r.stderr
    assert "Association Servie" in app.session(q="Servie").text()  # visitors see it at once
    for fmt in ("csv", "xlsx", "geojson", "hxl"):
        runs[f"export {fmt}"] = r = cli("export", "--format", fmt, str(tmp_path / f"a.{fmt}"), "--db", str(db))
        assert r.returncode == 0, r.stderr
    assert "Commune d'Oujda (served)" in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").active.max_row > 30

    runs["backup"] = r = cli("backup", str(tmp_path / "backup"), "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "backup").st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "backup").iterdir()} == {0o600}
    runs["restore"] = r = cli("restore", str(tmp_path / "backup"), "--db", str(tmp_path / "restored.duckdb"))
    assert r.returncode == 0, r.stderr
    restored = json.loads(cli("stats", "--db", str(tmp_path / "restored.duckdb"), "--json").stdout)["tables"]
    assert restored == json.loads(cli("stats", "--db", str(db), "--json").stdout)["tables"]
    runs["publish"] = r = cli("publish", "--db", str(db))
    assert r.returncode == 0 and "published" in r.stdout

    runs["init"] = r = cli("init", "--db", str(db))
    assert r.returncode == 1 and "--force" in r.stderr
    runs["init --force --yes"] = r = cli("init", "--db", str(db), "--force", "--yes")
    assert r.returncode == 1 and "being served by a running app" in r.stderr
    assert not list(db.parent.glob("atlas.duckdb.replaced-*"))  # nothing was touched

    # ...and the app went on serving and saving throughout.
    curator.rename("commune-oujda", "Commune d'Oujda (still served)")
    assert "Commune d'Oujda (still served)" in app.session(q="oujda").text()
    for name, run in runs.items():
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) <= 1, (name, run.stderr)


def test_a_busy_database_is_one_line_and_exit_75(cli, db_path):
    import threading

    from mapping.store import locks

    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locks.exclusive(str(db_path)):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        r = cli("stats", "--db", str(db_path), env={"ATLAS_LOCK_WAIT": "0.3"})
    finally:
        release.set()
        holder.join()
    assert r.returncode == 75
    assert r.stderr.startswith("busy: ") and len(r.stderr.strip().splitlines()) == 1 and "ATLAS_LOCK_WAIT" in r.stderr
    assert cli("stats", "--db", str(db_path)).returncode == 0


def test_init_force_asks_before_replacing_edits_and_keeps_the_old_file(cli, db_path):
    from mapping.store import Store

    assert cli("user", "add", "amina", "--role", "curator", "--db", str(db_path),
               env={"ATLAS_PASSWORD": "curator passphrase"}).returncode == 0
    r = cli("init", "--db", str(db_path), "--force")  # stdin is not a terminal: no one to ask
    assert r.returncode == 1 and "1 account" in r.stderr and "--yes" in r.stderr
    assert Store(str(db_path)).user("amina") is not None
    r = cli("init", "--db", str(db_path), "--force", "--yes")
    assert r.returncode == 0 and "kept the previous database as" in r.stdout
    kept = list(db_path.parent.glob("atlas.duckdb.replaced-*"))
    assert len(kept) == 1 and Store(str(kept[0])).user("amina") is not None
    fresh = Store(str(db_path))
    assert fresh.user("amina") is None and fresh.count("actors") > 30
    # A database with nothing beyond the seed is replaced without a question.
    assert cli("init", "--db", str(db_path), "--force").returncode == 0


def test_commands_on_a_missing_database_say_so(cli, tmp_path):
    r = cli("stats", "--db", str(tmp_path / "typo.duckdb"))
    assert r.returncode == 2 and "no database at" in r.stderr and not (tmp_path / "typo.duckdb").exists()


def test_restore_checks_the_backup_before_writing_anything(cli, db_path, tmp_path):
    assert cli("backup", str(tmp_path / "good"), "--db", str(db_path)).returncode == 0
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    for name in ("schema.sql", "load.sql"):
        (hostile / name).write_text((tmp_path / "good" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (hostile / "schema.sql").write_text("COPY (SELECT 1) TO '/tmp/owned.csv';\n", encoding="utf-8")
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    for item in (tmp_path / "good").iterdir():
        if item.name != "users.parquet":
            (incomplete / item.name).write_bytes(item.read_bytes())
    cases = ((hostile, "never has"), (incomplete, "lacks users.parquet"), (tmp_path / "none", "not a backup"))
    for bad, reason in cases:
        target = tmp_path / f"from-{bad.name}.duckdb"
        r = cli("restore", str(bad), "--db", str(target))
        assert r.returncode == 1 and reason in r.stderr, r.stderr
        assert not target.exists() and not list(tmp_path.glob(f".from-{bad.name}*"))


def test_a_real_3w_import_reviewed_and_published_from_the_command_line(cli, db_path, tmp_path):
    db = db_path  # a seeded database (init has tests of its own)
    mali = ROOT / "tests" / "data" / "3w" / "mali-5w_mars-2022.xlsx"
    r = cli("import", str(mali), "--db", str(db), "--report", str(tmp_path / "report.csv"))
    assert r.returncode == 0, r.stderr
    assert "156 new" in r.stdout and "rows adding areas of operation not shown" in r.stdout
    import_id = \
        next(line.split()[1].rstrip(":") for line in r.stdout.splitlines() if line.startswith("import "))
    listed = cli("imports", "--db", str(db))
    assert import_id in listed.stdout and "mali-5w_mars-2022.xlsx" in listed.stdout
    drafts = cli("imports", import_id, "--db", str(db))
    assert "Educo" in drafts.stdout and "most 3W partners are NGOs" in drafts.stdout
    r = cli("publish", "--import", import_id, "--kind", "educo=alien", "--db", str(db))
    assert r.returncode == 1 and "refused" in r.stderr and "Traceback" not in r.stderr
    r = cli("publish", "--import", import_id, "--kind", "educo=ngo", "--db", str(db))
    assert r.returncode == 0 and "156 drafts published, 1 kinds set" in r.stdout, r.stderr
    assert "nothing to show" in cli("imports", import_id, "--db", str(db)).stdout
    r = cli("publish", "--import", "no-such-import", "--db", str(db))
    assert r.returncode == 1 and "No import no-such-import" in r.stderr


def test_a_database_held_by_a_program_outside_the_atlas_lock_is_one_line(cli, db_path):
    """An older app or a DuckDB shell holds the file with DuckDB's own lock, not ours."""
    code = ("import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); "
            "time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        r = cli("stats", "--db", str(db_path))
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 75 and "held by another program" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


# -- hardening (issue 11) ------------------------------------------------------------------------------
def test_every_command_on_a_mistyped_database_exits_2_and_creates_nothing(cli, tmp_path):
    typo = tmp_path / "typo.duckdb"
    for command in (["stats"], ["export", "--format", "csv", str(tmp_path / "out.csv")],
                    ["backup", str(tmp_path / "bk")], ["imports"], ["publish", "--drafts"]):
        r = cli(*command, "--db", str(typo))
        assert r.returncode == 2 and "no database at" in r.stderr and "Traceback" not in r.stderr, command
        assert not typo.exists()


def test_a_missing_input_file_is_one_line(cli, db_path, tmp_path):
    r = cli("import", str(tmp_path / "nowhere.csv"), "--db", str(db_path))
    assert r.returncode == 2 and r.stderr.strip() == f"refused: no file {tmp_path / 'nowhere.csv'}"


def test_publish_ids_and_every_draft_logged_and_undoable(cli, db_path):
    from mapping.auth import User

    store = Store(str(db_path))
    amina = User("amina", "curator")
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    one = store.save("actor", {"name": "Association Une", "kind": "ngo", "country": "MA"}, user=amina, source="x")
    two = store.save("project", {"name": "Projet Deux", "kind": "project"}, user=amina, source="x")
    store.close()
    r = cli("publish", "no-such-id", one["id"], "--db", str(db_path))
    assert r.returncode == 1 and "no-such-id" in r.stderr
    assert Store(str(db_path)).record("actor", one["id"])["status"] == "draft"  # all or nothing
    r = cli("publish", one["id"], "--db", str(db_path))
    assert r.returncode == 0 and f"published 1 record: actor {one['id']}" in r.stdout, r.stderr
    store = Store(str(db_path))
    assert store.record("actor", one["id"])["status"] == "published"
    logged = store.history("actor", one["id"]).iloc[0]
    assert logged["action"] == "publish" and logged["username"] == "cli"
    store.restore(int(logged["id"]), user=amina)  # undone like a publish in the app
    assert store.record("actor", one["id"])["status"] == "draft"
    store.close()
    r = cli("publish", "--drafts", "--db", str(db_path))
    assert r.returncode == 0 and f"project {two['id']}" in r.stdout and f"actor {one['id']}" in r.stdout
    store = Store(str(db_path))
    assert not any((store.table(t)["status"] == "draft").any() for t in ("actors", "relations", "projects", "events"))


def test_an_unexpected_failure_is_one_line_unless_atlas_debug(cli, db_path, monkeypatch):
    import mapping.store as store_package

    monkeypatch.setattr(store_package.Store, "stats", lambda self: 1 / 0)
    r = cli("stats", "--db", str(db_path))
    assert r.returncode == 1 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    with pytest.raises(ZeroDivisionError):
        cli("stats", "--db", str(db_path), env={"ATLAS_DEBUG": "1"})


def test_user_unlock_lifts_a_sign_in_lock_and_is_logged(cli, db_path, monkeypatch):
    import itertools
    import time

    store = Store(str(db_path))
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    with monkeypatch.context() as m:  # an hour between tries, so each is counted, not made to wait
        hours = itertools.count(time.time(), 3600)
        m.setattr(time, "time", lambda: next(hours))
        for _ in range(20):
            store.sign_in("amina", "wrong")
    assert store.locked_users() == ["amina"] and store.sign_in("amina", "curator passphrase").locked
    store.close()
    r = cli("user", "unlock", "amina", "--db", str(db_path))
    assert r.returncode == 0 and "unlocked amina" in r.stdout, r.stderr
    store = Store(str(db_path))
    try:
        assert store.locked_users() == [] and store.sign_in("amina", "curator passphrase").user is not None
        logged = store.cursor().execute("SELECT username, action, record_type, record_id FROM changes "
                                        "WHERE action = 'unlock'").fetchall()
        assert logged == [("cli", "unlock", "user", "amina")]
    finally:
        store.close()
    again = cli("user", "unlock", "amina", "--db", str(db_path))
    assert again.returncode == 0 and "was not locked" in again.stdout


def test_user_add_refusals_in_french(cli, db_path):
    r = cli("user", "add", "amina", "--role", "curator", "--lang", "fr", "--db", str(db_path),
            env={"ATLAS_PASSWORD": "court"})
    assert r.returncode == 1 and r.stderr.strip() == "refused: Utilisez au moins 10 caractères (les espaces ne comptent pas)."
    assert cli("user", "add", "amina", "--role", "curator", "--db", str(db_path),
               env={"ATLAS_PASSWORD": "curator passphrase"}).returncode == 0
    r = cli("user", "add", "amina", "--role", "curator", "--lang", "fr", "--db", str(db_path),
            env={"ATLAS_PASSWORD": "curator passphrase"})
    assert r.returncode == 1 and "Le compte amina existe déjà." in r.stderr
    r = cli("user", "add", "a b", "--role", "curator", "--lang", "fr", "--db", str(db_path),
            env={"ATLAS_PASSWORD": "curator passphrase"})
    assert r.returncode == 1 and "Un nom d'utilisateur compte de 2 à 64" in r.stderr


@pytest.mark.e2e  # five real processes (about a minute on a busy machine): `make test` runs it
@pytest.mark.skipif(not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv")),
                    reason="needs root and setpriv to run the command line as an unprivileged user")
def test_a_database_the_user_cannot_write_reads_and_refuses_writes_in_one_line(seeded_template):
    """The real thing: the command line run as ``nobody`` on a database only root may write (root
    itself passes every permission check, so this is the only honest way to test it)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="atlas-ro-test-"))
    try:
        db = folder / "atlas.duckdb"
        shutil.copyfile(seeded_template, db)
        out = folder / "out"
        out.mkdir()
        for path, mode in ((folder, 0o755), (db, 0o644), (out, 0o777)):
            os.chmod(path, mode)
        before = hashlib.sha256(db.read_bytes()).hexdigest()

        def run(*argv: str) -> subprocess.CompletedProcess:
            return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                   sys.executable, "-m", "mapping", *argv, "--db", str(db)],
                                  cwd=ROOT, capture_output=True, text=True, timeout=120,
                                  env={**os.environ, "PYTHONPATH": str(ROOT), "ATLAS_PASSWORD": "quiet harbour lantern"})

        stats = run("stats", "--json")
        assert stats.returncode == 0 and json.loads(stats.stdout)["tables"]["actors"] > 30, stats.stderr
        exported = run("export", "--format", "csv", str(out / "actors.csv"))
        assert exported.returncode == 0 and (out / "actors.csv").stat().st_size > 1000, exported.stderr
        backup = run("backup", str(out / "backup"))
        assert backup.returncode == 0 and (out / "backup" / "schema.sql").exists(), backup.stderr
        for argv in (("user", "add", "zed", "--role", "curator"), ("publish", "--drafts")):
            refused = run(*argv)
            assert refused.returncode == 1, refused
            assert refused.stderr.startswith("refused: edits are off: the database file") and \
                refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_reader_that_stops_early_ends_the_command_quietly(db_path, monkeypatch, capsys):
    """`stats | head`: when the pipe closes, the command stops without an error line."""
    from mapping.__main__ import main

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["stats", "--db", str(db_path)]) == 141
    assert capsys.readouterr().err == ""
