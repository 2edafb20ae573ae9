"""Sign-in that survives a reload: signed tokens (mapping.sessions), the sessions table, and the
/_atlas/session route (served by serve.py) that sets the HttpOnly cookie."""
from __future__ import annotations

import asyncio
import json
import os
import stat
import time

from mapping import sessions


def test_the_key_is_kept_beside_the_database_for_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("ATLAS_SESSION_SECRET", raising=False)
    db = str(tmp_path / "atlas.duckdb")
    key = sessions.secret(db)
    assert len(key) == 64 and sessions.secret(db) == key  # created once, then reused
    assert stat.S_IMODE(os.stat(db + ".session-key").st_mode) == 0o600
    monkeypatch.setenv("ATLAS_SESSION_SECRET", "shared by every process")
    assert sessions.secret(db) == b"shared by every process"


def test_sessions_open_expire_and_end(store):
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    sid = store.start_session("amina", 3600)
    assert store.session_user(sid).username == "amina"
    store.end_session(sid)
    assert store.session_user(sid) is None  # signed out: the cookie no longer counts
    assert store.session_user(store.start_session("amina", -1)) is None  # expired
    sid = store.start_session("amina", 3600)
    store.deactivate_user("amina", by=None, trusted=True)
    assert store.session_user(sid) is None  # a closed account's sessions end with it


def _call(route, method: str, body: dict | None = None, origin: str | None = None):
    from starlette.requests import Request

    payload = json.dumps(body or {}).encode()
    headers = [(b"host", b"atlas.example"), (b"content-type", b"application/json")]
    if origin:
        headers.append((b"origin", origin.encode()))
    scope = {"type": "http", "method": method, "path": "/_atlas/session", "headers": headers,
             "scheme": "http", "server": ("atlas.example", 80), "query_string": b""}

    async def receive():
        return {"type": "http.request", "body": payload, "more_body": False}

    return asyncio.run(route(Request(scope, receive)))


def test_the_route_exchanges_a_handoff_for_an_httponly_cookie(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "atlas.duckdb"))
    monkeypatch.setenv("ATLAS_SESSION_SECRET", "test key")
    key = b"test key"
    handoff = sessions.sign(key, "handoff", "s1", int(time.time()) + 60)
    answer = _call(sessions.session_route, "POST", {"handoff": handoff}, origin="http://atlas.example")
    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 204 and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert sessions.verify(key, "cookie", value, time.time()) == "s1"
    assert value != handoff  # the page saw the handoff, never the cookie's value
    # A handoff signed for something else, expired, or sent from another site: refused.
    cookie_token = sessions.sign(key, "cookie", "s1", int(time.time()) + 60)
    assert _call(sessions.session_route, "POST", {"handoff": cookie_token}).status_code == 403
    old = sessions.sign(key, "handoff", "s1", int(time.time()) - 1)
    assert _call(sessions.session_route, "POST", {"handoff": old}).status_code == 403
    assert _call(sessions.session_route, "POST", {"handoff": handoff}, origin="http://evil.example").status_code == 403
    cleared = _call(sessions.session_route, "DELETE", origin="http://atlas.example")
    assert cleared.status_code == 204 and "Max-Age=0" in cleared.headers["set-cookie"]
