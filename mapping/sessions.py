"""Signed, expiring sign-in tokens: a curator's sign-in survives a reload and a new tab.

The browser keeps a cookie (HttpOnly, SameSite=Lax) holding a session id, signed with the
atlas's secret and carrying its expiry; the ``sessions`` table says whether that session is
still open (signing out, or closing the account, ends it whatever the cookie says). The cookie is
set by the app's ``/_atlas/session`` route (see ``serve.py``), which the browser calls with a
short-lived *handoff* token just after signing in: page scripts never see the cookie itself.

No Streamlit and no SQL: :func:`session_route` is a plain ASGI (Starlette) endpoint.

Examples
--------
>>> key = b"k" * 32
>>> token = sign(key, "cookie", "abc", expires=2_000_000_000)
>>> verify(key, "cookie", token, now=1_900_000_000)
'abc'
>>> verify(key, "handoff", token, now=1_900_000_000) is None  # signed for another purpose
True
>>> verify(key, "cookie", token, now=2_000_000_001) is None    # expired
True
>>> verify(key, "cookie", token.replace("abc", "abd"), now=1_900_000_000) is None  # tampered
True
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

#: The cookie's name, and how long a sign-in lasts without signing in again.
COOKIE = "atlas_session"
LIFETIME_SECONDS = 12 * 3600
#: How long the browser has to exchange its handoff token for the cookie.
HANDOFF_SECONDS = 120
_PROCESS_KEY = secrets.token_bytes(32)


def secret(db_path: str) -> bytes:
    """The signing key: ``ATLAS_SESSION_SECRET`` when set (several app processes behind one
    address share it), else a random key kept beside the database in ``<db>.session-key``
    (readable by its owner only), else, for a database without a file, one per process."""
    if os.environ.get("ATLAS_SESSION_SECRET"):
        return os.environ["ATLAS_SESSION_SECRET"].encode("utf-8")
    if not db_path or db_path == ":memory:" or ":" in db_path.split("/")[0]:
        return _PROCESS_KEY
    path = Path(db_path + ".session-key")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")


def _mac(key: bytes, purpose: str, value: str, expires: int) -> str:
    return hmac.new(key, f"{purpose}|{value}|{expires}".encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, purpose: str, value: str, expires: int) -> str:
    """``value.expires.mac``: ``value`` (no dots) vouched for ``purpose`` until ``expires`` (Unix time)."""
    if "." in value:
        raise ValueError("a signed value holds no dot")
    return f"{value}.{expires}.{_mac(key, purpose, value, expires)}"


def verify(key: bytes, purpose: str, token: str | None, now: float) -> str | None:
    """The value of a token signed for ``purpose`` and not expired at ``now``, else None."""
    try:
        value, expires, mac = (token or "").split(".")
        expiry = int(expires)
    except ValueError:
        return None
    if now >= expiry or not hmac.compare_digest(mac, _mac(key, purpose, value, expiry)):
        return None
    return value


def set_cookie(value: str, max_age: int, secure: bool = False) -> str:
    """The ``Set-Cookie`` header of the session cookie (``max_age=0`` clears it).

    >>> set_cookie("abc.1.f", 60)
    'atlas_session=abc.1.f; Path=/; Max-Age=60; HttpOnly; SameSite=Lax'
    """
    return f"{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")


def _same_origin(request) -> bool:
    """Only the atlas's own pages may set or clear its cookie (a form on another site may not)."""
    from urllib.parse import urlparse

    origin = request.headers.get("origin")
    return origin is None or urlparse(origin).netloc == request.headers.get("host")


async def session_route(request):
    """``/_atlas/session``: POST ``{"handoff": token}`` answers with the session cookie of a fresh
    sign-in; DELETE clears it. Refused (403) from another site or with a bad or stale handoff."""
    import time

    from starlette.responses import Response

    from mapping.store import default_path

    if not _same_origin(request):
        return Response(status_code=403)
    answer = Response(status_code=204)
    if request.method == "DELETE":
        answer.headers["set-cookie"] = set_cookie("", 0)
        return answer
    try:
        body = await request.json()
    except ValueError:
        return Response(status_code=400)
    key, now = secret(default_path()), time.time()
    session_id = verify(key, "handoff", body.get("handoff") if isinstance(body, dict) else None, now)
    if session_id is None:
        return Response(status_code=403)
    answer.headers["set-cookie"] = set_cookie(sign(key, "cookie", session_id, int(now) + LIFETIME_SECONDS),
                                              LIFETIME_SECONDS, secure=request.url.scheme == "https")
    return answer
