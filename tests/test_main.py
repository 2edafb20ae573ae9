"""The command line: python -m mapping init / stats / bench / user / import / export / backup.

Every command runs in-process through ``main(argv)`` (the ``cli`` fixture); one test starts the
real ``python -m mapping`` to prove the module entry point itself.
"""
import json
import subprocess
import sys
from pathlib import Path

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
    assert r.returncode == 0 and "3 rows in Lake Chad Basin" in r.stdout and "Traceback" not in r.stderr
    chad = ROOT / "tests" / "data" / "3w" / "3w_td_october2021.xlsx"
    r = cli("import", str(chad), "--db", str(db))
    assert r.returncode == 1 and "705 rows in Chad" in r.stdout and "Traceback" not in r.stderr
    r = cli("import", str(three_w), "--db", str(db), "--default-kind", "alien")
    assert r.returncode == 2 and "invalid choice" in r.stderr
