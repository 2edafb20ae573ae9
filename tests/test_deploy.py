"""End to end, on one machine, the deployment deploy/README.md describes: one writing app and two
viewer apps (ATLAS_MODE=viewer) on three ports over one database. A curator edits in the writing
app; both viewers show the change within 10 s in sessions opened before it (the sessions
survive the switch to the newer snapshot); the command line runs stats, backup and user add
all along. Marked ``e2e``: `make test` (CI) runs it, `make test-fast` skips it."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from atlas_servers import App, cli

from mapping.seed import init_database

CURATOR_PASSWORD = "deploy curator passphrase"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deploy")
    db = folder / "atlas.duckdb"
    store = init_database(str(db))
    store.add_user("amina", CURATOR_PASSWORD, "curator", "Amina", trusted=True)
    store.close()
    writer = App(db, folder / "writer.log")
    viewers = [App(db, folder / f"viewer{n}.log", mode="viewer") for n in (1, 2)]
    try:
        for app in (writer, *viewers):
            app.wait_healthy()
        yield db, writer, viewers, folder
    finally:
        for app in (writer, *viewers):
            app.stop()


def _admin_loop(db, folder, stop: threading.Event, results: list) -> None:
    """What an administrator's shell and cron do while the apps serve."""
    n = 0
    while not stop.is_set():
        n += 1
        results.append(("stats", cli("stats", "--db", str(db), "--json")))
        results.append(("backup", cli("backup", str(folder / f"backup-{n}"), "--db", str(db))))
        results.append(("user add", cli("user", "add", f"editor{n}", "--role", "curator", "--db", str(db),
                                        ATLAS_PASSWORD="a long enough passphrase")))


@pytest.mark.e2e
def test_a_curators_edit_reaches_both_viewers_while_the_command_line_works(deployment):
    db, writer, viewers, folder = deployment
    visitors = [viewer.session() for viewer in viewers]
    for visitor in visitors:
        assert "signin_user" not in {a["key"] for a in visitor.last["actions"]}  # nobody signs in on a viewer
        visitor.interact({"f_countries": ["Morocco"], "f_q": "Oujda"})
        assert "Oujda" in visitor.text() and not visitor.errors()
    token = f"Oujda E2E {int(time.time())}"
    assert token not in visitors[0].text()

    stop, results = threading.Event(), []
    admin = threading.Thread(target=_admin_loop, args=(db, folder, stop, results))
    admin.start()
    try:
        curator = writer.session()
        curator.sign_in("amina", CURATOR_PASSWORD)
        curator.rename("commune-oujda", f"Commune d'{token}")
        saved = time.monotonic()
        seen: dict[int, float] = {}
        rounds = 0
        while len(seen) < len(visitors) and time.monotonic() - saved < 10:
            rounds += 1
            for n, visitor in enumerate(visitors):
                if n not in seen:
                    # A rerun of the same session: the search typed again (case differs, same result).
                    visitor.interact({"f_q": "oujda" if rounds % 2 else "Oujda"})
                    if token in visitor.text():
                        seen[n] = time.monotonic() - saved
            time.sleep(0.2)  # polling interval of the visitors' reruns, not a wait for the result
        assert len(seen) == len(visitors), f"viewers that showed the edit within 10 s: {seen}"
        for visitor in visitors:
            # The session survived the switch: same id (checked by interact), filters kept, no error.
            assert visitor.value("f_countries") == ["Morocco"]
            assert not visitor.errors()
        # The writing app keeps working for visitors too.
        assert token in writer.session(q="oujda").text()
        # Let the administrator's loop finish at least one full round during all of this.
        deadline = time.monotonic() + 120
        while len(results) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)  # waiting for the command line's first round to end
    finally:
        stop.set()
        admin.join(timeout=300)
    assert len(results) >= 3
    for name, run in results:
        assert run.returncode == 0, f"{name}: {run.stderr}"
        assert "Traceback" not in run.stderr
    backups = [p for p in folder.glob("backup-*") if p.is_dir()]
    assert backups and all(oct(p.stat().st_mode & 0o777) == "0o700" for p in backups)
    print(f"viewers showed the edit after {', '.join(f'{s:.1f} s' for s in seen.values())}")


DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_the_deploy_files_describe_one_writer_and_the_same_viewers():
    """The proxies send visitors to the same viewer ports, curators to the writer's; the units
    start the app in the right mode on those ports."""
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    writer = (DEPLOY / "atlas-writer.service").read_text(encoding="utf-8")
    viewer = (DEPLOY / "atlas-viewer@.service").read_text(encoding="utf-8")
    writer_port = re.search(r"--server.port (\d+)", writer).group(1)
    viewers_caddy = set(re.search(r"reverse_proxy ([\d.: ]+) \{", caddy).group(1).split())
    viewers_nginx = set(re.findall(r"server (127\.0\.0\.1:\d+);", re.search(
        r"upstream atlas_viewers \{(.*?)\}", nginx, re.S).group(1)))
    assert viewers_caddy == viewers_nginx and len(viewers_caddy) >= 2
    assert f"127.0.0.1:{writer_port}" not in viewers_caddy
    assert f"reverse_proxy 127.0.0.1:{writer_port}" in caddy and f"server 127.0.0.1:{writer_port};" in nginx
    assert "lb_policy cookie" in caddy and "ip_hash;" in nginx  # sticky sessions
    assert "Upgrade $http_upgrade" in nginx  # Streamlit's WebSocket
    assert "ATLAS_MODE=viewer" in viewer and "ATLAS_MODE" not in writer
    assert "--server.port %i" in viewer and "app.py" in viewer and "app.py" in writer
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for port in sorted(p.split(":")[1] for p in viewers_caddy):
        assert f"atlas-viewer@{port}" in readme


def test_served_apps_watch_no_source_files():
    """Every way the atlas is served (make run, the units, the benchmarks, these tests) reads the
    project's .streamlit/config.toml. Watching the sources made each page run resolve the path of
    every loaded module: 120 ms of server CPU per run against 18 ms (20 visitor runs measured)."""
    import tomllib

    config = tomllib.loads((DEPLOY.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    for unit in ("atlas-writer.service", "atlas-viewer@.service"):
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        assert "fileWatcherType" not in text and "WorkingDirectory=/srv/atlas" in text, unit
