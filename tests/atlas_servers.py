"""Real app processes for the operations tests: ``streamlit run app.py`` on a free port, driven
through Streamlit's agent API (``POST /_stcore/agent/interact``: a session runs the app exactly
as a browser's would, and the answer is the page as JSON), so no browser is needed."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120, log: str = "its log") -> None:
    """Wait until the Streamlit server ``proc`` at ``url`` answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling interval of the health check, not a wait for rendering
    raise TimeoutError(f"streamlit did not become healthy; see {log}")


class App:
    """One ``streamlit run app.py`` process on ``db`` (``mode="viewer"`` for a viewer)."""

    def __init__(self, db: Path, log: Path, mode: str = "writer", **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115  closed in stop()
        environment = dict(os.environ, ATLAS_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **env)
        environment.pop("ATLAS_MODE", None)
        if mode == "viewer":
            environment["ATLAS_MODE"] = "viewer"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--server.enableAgentApi", "true"],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 120) -> App:
        wait_healthy(self.url, self.proc, timeout, log=self.log.name)
        return self

    def session(self, **query: str) -> Session:
        """A new visitor session (the app runs once for it)."""
        return Session(self, {"lang": "en", **query})

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Session:
    """One app session driven through the agent API; ``last`` is the latest page (JSON)."""

    def __init__(self, app: App, query: dict[str, str]):
        self.app = app
        self.last = self._post({"query_params": {k: [v] for k, v in query.items()}})
        self.id = self.last["session_id"]

    def _post(self, body: dict) -> dict:
        request = urllib.request.Request(self.app.url + "/_stcore/agent/interact", data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                answer = json.load(r)
        except urllib.error.HTTPError as exc:
            answer = json.load(exc)
        if "error" in answer:
            raise AssertionError(f"agent API refused: {answer['error']}")
        return answer

    def interact(self, widgets: dict | None = None, trigger: str | None = None, page: str | None = None,
                 query: dict[str, str] | None = None) -> dict:
        """Set widgets, press the control labelled ``trigger``, or open ``page``; the session's
        id must stay the same (a dropped session would get a new one or an error)."""
        body: dict = {"session_id": self.id}
        if widgets:
            body["widget_state"] = widgets
        if trigger:
            body["trigger"] = {"key": self.key(trigger)}
        if page is not None:
            body["page"] = page
        if query is not None:
            body["query_params"] = {k: [v] for k, v in {"lang": "en", **query}.items()}
        self.last = self._post(body)
        assert self.last["session_id"] == self.id
        return self.last

    def key(self, label: str) -> str:
        for action in self.last["actions"]:
            if action.get("label") == label and action["kind"] == "trigger":
                return action["key"]
        raise AssertionError(f"no control {label!r} on the page: {[a.get('label') for a in self.last['actions']]}")

    def text(self) -> str:
        """Everything the page shows, as one string (labels, values, table previews)."""
        return json.dumps(self.last.get("tree"), ensure_ascii=False)

    def _nodes(self, test) -> list[dict]:
        found: list[dict] = []

        def walk(node: object) -> None:
            if isinstance(node, dict):
                if test(node):
                    found.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(self.last.get("tree"))
        return found

    def errors(self) -> list[dict]:
        """Exceptions the page shows (there must never be any)."""
        return self._nodes(lambda node: node.get("type") == "exception")

    def value(self, key: str) -> object:
        """The value the widget ``key`` holds in this session."""
        nodes = self._nodes(lambda node: node.get("key") == key)
        assert nodes, f"no widget {key!r} on the page"
        return nodes[0].get("value")

    def sign_in(self, username: str, password: str) -> None:
        self.interact({"signin_user": username, "signin_password": password}, trigger="Sign in")
        assert "sign_out" in {a["key"] for a in self.last["actions"]}, "sign-in failed"

    def rename(self, actor_id: str, name: str) -> None:
        """As a signed-in curator: open the actor in Edit, change its name, save."""
        self.interact(page="edit", query={"edit": actor_id})
        self.interact({"ed_name": name}, trigger="Save")
        assert "Saved" in self.text(), self.text()[:2000]


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``python -m mapping ARGS`` as an administrator would run it."""
    return subprocess.run([sys.executable, "-m", "mapping", *args], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, **env), timeout=300)
