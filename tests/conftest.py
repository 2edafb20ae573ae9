"""Shared fixtures: every test gets its own fresh database (one fixture module, datasette-style)."""
from __future__ import annotations

import functools
import gc
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import mapping.auth  # noqa: E402

# Password hashes in tests cost scrypt's N = 2**10 instead of the production 2**14 (Django's test
# settings do the same with a fast hasher): some 160 accounts are created or signed in to, and at
# 35 ms each that was a twentieth of the suite. Hashes carry their own cost, so every check runs
# as in production; test_auth.py checks the production cost itself (fixture ``production_scrypt``).
# Lowered before mapping.store is imported: its dummy hash for unknown names costs the same.
PRODUCTION_SCRYPT_N = mapping.auth._N
mapping.auth._N = 2 ** 10

if TYPE_CHECKING:
    from mapping.store import Store


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """One seeded database file, built once per session and copied for each test."""
    from mapping.seed import init_database

    path = tmp_path_factory.mktemp("template") / "atlas.duckdb"
    init_database(str(path)).close()
    return path


@pytest.fixture
def db_path(tmp_path, seeded_template) -> Path:
    """Path of a fresh copy of the seeded database, with its current snapshot: as served, so the
    app does not publish it again at its first run (a sixth of a second each, for some 50 tests)."""
    from mapping.store import snapshots

    path = tmp_path / "atlas.duckdb"
    shutil.copyfile(seeded_template, path)
    published = snapshots.current(str(seeded_template))
    folder = snapshots.directory(str(path))
    folder.mkdir()
    shutil.copyfile(published, folder / published.name)
    (folder / "current").symlink_to(published.name)
    return path


@pytest.fixture
def store(db_path) -> Store:
    from mapping.store import Store

    s = Store(str(db_path))
    yield s
    s.close()


@pytest.fixture
def curator(store):
    """A curator account (amina) on the test's store."""
    return store.add_user("amina", "curator passphrase", "curator", trusted=True)


@pytest.fixture
def production_scrypt(monkeypatch) -> int:
    """Password hashes at the production cost (the other tests use a cheaper one, above)."""
    monkeypatch.setattr(mapping.auth, "_N", PRODUCTION_SCRYPT_N)
    return PRODUCTION_SCRYPT_N


@pytest.fixture
def empty_store(tmp_path) -> Store:
    from mapping.store import Store

    s = Store(str(tmp_path / "empty.duckdb"))
    yield s
    s.close()


@pytest.fixture
def app_db(db_path, monkeypatch):
    """Point the Streamlit app at a fresh database and clear Streamlit's process-wide caches."""
    import streamlit as st

    monkeypatch.setenv("ATLAS_DB", str(db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db_path
    st.cache_resource.clear()
    st.cache_data.clear()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real-browser test (headless Chromium via Playwright)")
    config.addinivalue_line("markers", "e2e: real app processes and the command line on one database "
                                       "(make test runs it, make test-fast skips it)")
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    if config.getoption("dist", "no") != "no" and not hasattr(config, "workerinput"):
        return  # pytest-xdist's controller runs no test: its workers start sooner without Streamlit
    _scan_installed_components_once()
    _compile_scripts_once()


def pytest_collection_finish(session):
    """Spare the garbage collector the libraries: what collection imported (Streamlit, pandas,
    GeoPandas, the boundaries, every test module) lives until the end, yet each full collection
    walked all of it again, and young collections ran every 700 allocations. Frozen, and with
    young collections every 10,000, a worker spends 1-2 s collecting instead of 3.5-4 (measured
    with gc.callbacks over the fast suite); what a test frees is still collected."""
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


def _scan_installed_components_once() -> None:
    """Every new AppTest scans the metadata of every installed package for Streamlit components
    (a twentieth of a second; a tenth of the suite's time over some 400 AppTests). The installed
    packages cannot change during a run, so the first scan's answer serves them all."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # another Streamlit: it scans as it likes, only slower
        return
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def _compile_scripts_once() -> None:
    """Every AppTest run reads, rewrites ("magic") and compiles app.py and its page anew (a new
    ScriptCache per run). Scripts do not change during a run; one cache keyed by path and
    modification time serves every AppTest (a test that wrote a script would get it compiled)."""
    try:
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache
        from streamlit.testing.v1 import app_test, local_script_runner
    except ImportError:  # another Streamlit: each run compiles, only slower
        return
    compiled: dict[tuple[str, int, int], object] = {}

    class SharedScriptCache(ScriptCache):
        def get_bytecode(self, script_path: str):
            stat = os.stat(script_path)
            key = (os.path.abspath(script_path), stat.st_mtime_ns, stat.st_size)
            if key not in compiled:
                compiled[key] = ScriptCache().get_bytecode(script_path)
            return compiled[key]

    app_test.ScriptCache = local_script_runner.ScriptCache = SharedScriptCache


@pytest.fixture(autouse=True)
def no_page_errors(request):
    """Pages catch their own failures and show an error id (pages/_errors.py), so AppTest sees no
    exception: fail any test during which a page reported one, unless it asks for
    ``expected_page_errors`` (and then checks them itself)."""
    from pages import _errors

    _errors.RECENT.clear()
    yield _errors.RECENT
    if "expected_page_errors" not in request.fixturenames and _errors.RECENT:
        pytest.fail("a page failed:\n" + "\n".join(f"{where}: {tb}" for _, where, tb in _errors.RECENT))


@pytest.fixture
def expected_page_errors(no_page_errors):
    """The failures pages reported during the test (which then does not fail because of them)."""
    return no_page_errors


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the command line in this process (``main(argv)``) and return its exit code and output.

    In-process: a new interpreter per call cost about a second each (importing pandas, duckdb).
    ``env`` sets environment variables for that call only; argparse's own exits become codes.
    """
    from types import SimpleNamespace

    from mapping.__main__ import main

    def run(*argv: str, env: dict[str, str] | None = None) -> SimpleNamespace:
        capsys.readouterr()  # drop anything printed before
        with monkeypatch.context() as m:
            for key, value in (env or {}).items():
                m.setenv(key, value)
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse: --help, usage errors
                code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run
