"""The command line: python -m mapping init / stats / bench."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "mapping", *args], cwd=ROOT, capture_output=True, text=True, **kw)


def test_init_then_stats_json(tmp_path):
    db = tmp_path / "cli.duckdb"
    r = _run("init", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert db.exists()
    again = _run("init", "--db", str(db))
    assert again.returncode == 1 and "--force" in again.stderr
    r = _run("stats", "--db", str(db), "--json")
    stats = json.loads(r.stdout)
    assert stats["tables"]["actors"] > 30
    assert sum(stats["actors_by_country"].values()) == sum(stats["actors_by_kind"].values())


def test_unknown_benchmark_is_a_clear_error():
    r = _run("bench", "no-such-bench")
    assert r.returncode == 2 and "unknown benchmark" in r.stderr
