"""Curator accounts: creation, sign-in, roles re-read on every write, deactivation."""
from __future__ import annotations

import re

import pandas as pd

from ..auth import (
    ROLES,
    User,
    hash_password,
    password_problem,
    require,
    verify_password,
)
from ..validate import Invalid
from .base import Connection


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
                 by: User | None = None, trusted: bool = False) -> User:
        """Create an account. ``by`` must be an admin, unless ``trusted`` (the command line, run by
        whoever holds the database file)."""
        if not trusted:
            self._acting(by, "manage_users")
        username = username.strip()
        if not re.fullmatch(r"[A-Za-z0-9._@-]{2,64}", username):
            raise Invalid({"username": "2-64 letters, digits or . _ @ -"})
        if role not in ROLES:
            raise Invalid({"role": f"one of {', '.join(ROLES)}"})
        problem = password_problem(password)
        if problem:
            raise Invalid({"password": problem})
        with self.transaction() as cur:
            if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise Invalid({"username": f"{username} already exists"})
            cur.execute("INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
                        [username, display_name, role, hash_password(password)])
            self._log(cur, by.username if by else "cli", "create", "user", username, None, {"role": role})
        return User(username, role, display_name)

    def authenticate(self, username: str, password: str) -> User | None:
        """The account when ``password`` is right, else None (same answer for unknown names)."""
        row = self._one("SELECT password_hash FROM users WHERE username = ? AND active", [username.strip()])
        if not row or not verify_password(password, row[0]):
            return None
        return self.user(username.strip())

    def _acting(self, user: User | None, action: str) -> User:
        """The account as stored now, if it may do ``action``; a session's copy is not trusted."""
        current = self.user(user.username) if user else None
        return require(current, action)

    def deactivate_user(self, username: str, *, by: User | None, trusted: bool = False) -> None:
        """Close an account (kept for the audit log's names)."""
        if not trusted:
            self._acting(by, "manage_users")
        with self.transaction() as cur:
            cur.execute("UPDATE users SET active = false WHERE username = ?", [username])
            self._log(cur, by.username if by else "cli", "archive", "user", username, None, None)
