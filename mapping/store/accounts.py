"""Curator accounts: creation, sign-in, roles re-read on every write, deactivation."""
from __future__ import annotations

import re
import secrets
import time

import pandas as pd

from ..auth import (
    LOCK_AFTER,
    ROLES,
    SignIn,
    User,
    hash_password,
    password_problem,
    require,
    throttle_wait,
    verify_password,
)
from ..i18n import t
from ..validate import Invalid
from .base import Connection

# Checked when the name is unknown, so that an unknown name costs the same scrypt time as a known one.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class Accounts(Connection):
    """Accounts and who may act (a session's copy of its role is never trusted)."""

    # -- curation: accounts -----------------------------------------------------------------------
    def user(self, username: str) -> User | None:
        """The active account ``username`` as stored now (role re-read on every write)."""
        row = self._one("SELECT username, role, coalesce(display_name, '') FROM users WHERE username = ? AND active",
                        [username])
        return User(*row) if row else None

    def users(self) -> pd.DataFrame:
        """Accounts without their password hashes."""
        return self._df("SELECT username, display_name, role, active, created_at FROM users ORDER BY username")

    def add_user(self, username: str, password: str, role: str, display_name: str = "", *,
                 by: User | None = None, trusted: bool = False, lang: str = "en") -> User:
        """Create an account. ``by`` must be an admin, unless ``trusted`` (the command line, run by
        whoever holds the database file). Refusals (:class:`Invalid`) are worded in ``lang``."""
        if not trusted:
            self._acting(by, "manage_users")
        username = username.strip()
        if not re.fullmatch(r"[A-Za-z0-9._@-]{2,64}", username):
            raise Invalid({"username": t("accounts.bad_username", lang)})
        if role not in ROLES:
            raise Invalid({"role": t("accounts.bad_role", lang, roles=", ".join(ROLES))})
        problem = password_problem(password, username, lang, others=(display_name,))
        if problem:
            raise Invalid({"password": problem})
        with self.transaction(publish=False) as cur:  # accounts are never published
            if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise Invalid({"username": t("accounts.exists", lang, name=username)})
            cur.execute("INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
                        [username, display_name, role, hash_password(password)])
            self._log(cur, by.username if by else "cli", "create", "user", username, None, {"role": role})
        return User(username, role, display_name)

    def authenticate(self, username: str, password: str, session: str = "") -> User | None:
        """The account when ``password`` is right, else None (see :meth:`sign_in`)."""
        return self.sign_in(username, password, session).user

    def sign_in(self, username: str, password: str, session: str = "") -> SignIn:
        """Check a password, throttled per user name and per browser ``session``: after five
        failures in a row each try must wait twice as long (nothing is checked meanwhile); after
        twenty the name is locked until an admin unlocks it. Unknown names are counted and
        checked against a dummy hash like real ones, so neither the answer nor its time tells
        whether an account exists."""
        name = username.strip()
        keys = [f"user:{name.lower()}"] + ([f"session:{session}"] if session else [])
        now = time.time()
        seen = {k: (n, last or 0.0, locked) for k, n, last, locked in self.cursor().execute(
            "SELECT key, failures, last_failure, locked FROM sign_in_failures WHERE list_contains(?, key)",
            [keys]).fetchall()}
        if seen.get(keys[0], (0, 0, False))[2]:
            return SignIn(locked=True)
        wait = max([last + throttle_wait(n) - now for n, last, _ in seen.values()] + [0])
        if wait > 0:
            return SignIn(wait=int(wait) + 1)
        row = self._one("SELECT password_hash FROM users WHERE username = ? AND active", [name])
        ok = verify_password(password, row[0] if row else _DUMMY_HASH) and row is not None
        with self.transaction(publish=False) as cur:
            if ok:
                cur.execute("DELETE FROM sign_in_failures WHERE list_contains(?, key)", [keys])
                return SignIn(user=self.user(name))
            for key in keys:
                cur.execute("INSERT INTO sign_in_failures (key, failures, last_failure, locked) "
                            "VALUES (?, 1, ?, false) ON CONFLICT (key) DO UPDATE SET "
                            "failures = sign_in_failures.failures + 1, last_failure = excluded.last_failure, "
                            "locked = sign_in_failures.locked "
                            "OR (sign_in_failures.failures + 1 >= ? AND key LIKE 'user:%')", [key, now, LOCK_AFTER])
            failures, locked = cur.execute("SELECT failures, locked FROM sign_in_failures WHERE key = ?",
                                           [keys[0]]).fetchone()  # type: ignore[misc]  # upserted just above
        return SignIn(wait=throttle_wait(failures), locked=bool(locked))

    # -- sign-in sessions (the browser holds a signed cookie naming one: mapping/sessions.py) ----------
    def start_session(self, username: str, lifetime: int) -> str:
        """Open a sign-in session of ``username`` for ``lifetime`` seconds; returns its id."""
        session_id = secrets.token_urlsafe(24).replace(".", "_")
        with self.transaction(publish=False) as cur:
            cur.execute("INSERT INTO sessions (id, username, expires_at) VALUES (?, ?, ?)",
                        [session_id, username, time.time() + lifetime])
        return session_id

    def session_user(self, session_id: str) -> User | None:
        """The active account of an open, unexpired session, else None."""
        row = self._one("SELECT username FROM sessions WHERE id = ? AND ended_at IS NULL AND expires_at > ?",
                        [session_id, time.time()])
        return self.user(row[0]) if row else None

    def end_session(self, session_id: str) -> None:
        """Sign out: the session is over, whatever cookie still names it."""
        with self.transaction(publish=False) as cur:
            cur.execute("UPDATE sessions SET ended_at = current_timestamp WHERE id = ? AND ended_at IS NULL",
                        [session_id])

    def locked_users(self) -> list[str]:
        """User names locked after too many failed sign-ins (unknown names included)."""
        return [r[0][5:] for r in self.cursor().execute(
            "SELECT key FROM sign_in_failures WHERE locked AND key LIKE 'user:%' ORDER BY key").fetchall()]

    def unlock_user(self, username: str, *, by: User | None, trusted: bool = False) -> None:
        """Lift a sign-in lock (and the failures counted) on ``username``; logged."""
        if not trusted:
            self._acting(by, "manage_users")
        with self.transaction(publish=False) as cur:
            cur.execute("DELETE FROM sign_in_failures WHERE key = ?", [f"user:{username.strip().lower()}"])
            self._log(cur, by.username if by else "cli", "unlock", "user", username, None, None)

    def change_password(self, username: str, current: str, new: str, *, lang: str = "en") -> None:
        """Change one's own password: the current one must be right and the new one pass
        :func:`mapping.auth.password_problem`; logged (without either password)."""
        row = self._one("SELECT password_hash, coalesce(display_name, '') FROM users WHERE username = ? AND active",
                        [username])
        if row is None or not verify_password(current, row[0]):
            raise Invalid({"current": t("password.wrong_current", lang)})
        problem = password_problem(new, username, lang, others=(row[1],))
        if problem:
            raise Invalid({"password": problem})
        with self.transaction(publish=False) as cur:
            cur.execute("UPDATE users SET password_hash = ? WHERE username = ?", [hash_password(new), username])
            self._log(cur, username, "update", "user", username, None, {"password": "changed"})

    def _acting(self, user: User | None, action: str) -> User:
        """The account as stored now, if it may do ``action``; a session's copy is not trusted."""
        current = self.user(user.username) if user else None
        return require(current, action)

    def deactivate_user(self, username: str, *, by: User | None, trusted: bool = False) -> None:
        """Close an account (kept for the audit log's names)."""
        if not trusted:
            self._acting(by, "manage_users")
        with self.transaction(publish=False) as cur:
            cur.execute("UPDATE users SET active = false WHERE username = ?", [username])
            self._log(cur, by.username if by else "cli", "archive", "user", username, None, None)
