"""Accounts of curators and admins: salted slow password hashes, roles, permission checks.

Passwords are never stored: :func:`hash_password` keeps scrypt's output with its own random
salt and cost parameters, so a stolen table cannot be reversed cheaply and old hashes keep
verifying when the cost is raised. The store re-reads a user's role from the database on every
write (:class:`User` objects held by a session are not trusted).

Examples
--------
>>> stored = hash_password("correct horse")
>>> stored.startswith("scrypt$") and "correct horse" not in stored
True
>>> verify_password("correct horse", stored), verify_password("wrong", stored)
(True, False)
>>> can(User("amina", "curator"), "edit"), can(User("amina", "curator"), "manage_users")
(True, False)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from .errors import UserError

ROLES = ("curator", "admin")

#: What each role may do. Visitors (no account) only read published records.
PERMISSIONS: dict[str, frozenset[str]] = {
    "curator": frozenset({"edit", "publish", "import", "merge", "restore", "view_private"}),
    "admin": frozenset({"edit", "publish", "import", "merge", "restore", "view_private", "manage_users", "backup"}),
}

# scrypt cost: ~50 ms per check on a small server; n, r, p travel inside each hash.
_N, _R, _P = 2 ** 14, 8, 1
MIN_PASSWORD = 10


class PermissionDenied(UserError):
    """A write was attempted without the role it needs."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    display_name: str = ""


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) of ``password`` with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


#: zxcvbn's guessability score a new password must reach (0-4; 3: "safely unguessable").
MIN_STRENGTH = 3


def password_problem(password: str, username: str = "", lang: str = "en", *,
                     others: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None: too short (spaces do not count), containing the
    user name, or easy to guess (zxcvbn: common passwords, names, dictionary words, keyboard
    patterns, repeats; ``username`` and ``others`` count as known words).

    >>> password_problem("short"), password_problem("long enough passphrase")
    ('Use at least 10 characters (spaces do not count).', None)
    >>> password_problem("          "), password_problem("amina-2026-amina", "amina")
    ('Use at least 10 characters (spaces do not count).', 'A password must not contain the user name.')
    >>> password_problem("password1234")
    'This password is too easy to guess (This is a very common password.). Try a few unrelated words.'
    """
    from zxcvbn import zxcvbn  # a dictionary-backed estimator: imported when a password is set

    from .i18n import t

    if len(password.strip().replace(" ", "")) < MIN_PASSWORD:
        return t("password.short", lang, n=MIN_PASSWORD)
    if len(username) >= 3 and username.lower() in password.lower():
        return t("password.username", lang)
    result = zxcvbn(password[:100], user_inputs=[u for u in (username, *others) if u])
    if result["score"] < MIN_STRENGTH:
        hint = (result["feedback"].get("warning") or "") if lang == "en" else ""  # zxcvbn speaks English only
        return t("password.weak", lang, hint=f" ({hint})" if hint else "")
    return None


#: Sign-in throttling: free failures, then a doubling wait, then a lock only an admin lifts.
FREE_FAILURES, LOCK_AFTER, MAX_WAIT = 5, 20, 15 * 60


def throttle_wait(failures: int) -> int:
    """Seconds to wait after ``failures`` failed sign-ins in a row: none for the first five,
    then 1, 2, 4... up to 15 minutes.

    >>> [throttle_wait(n) for n in (0, 4, 5, 6, 7, 12, 19)]
    [0, 0, 1, 2, 4, 128, 900]
    """
    return 0 if failures < FREE_FAILURES else min(2 ** (failures - FREE_FAILURES), MAX_WAIT)


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: the account, or how long to wait, or that the name is locked."""

    user: User | None = None
    wait: int = 0
    locked: bool = False


def can(user: User | None, action: str) -> bool:
    """Whether ``user`` (None: an anonymous visitor) may do ``action``."""
    return user is not None and action in PERMISSIONS.get(user.role, frozenset())


def require(user: User | None, action: str) -> User:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``action``; return ``user``.

    >>> require(None, "edit")
    Traceback (most recent call last):
    ...
    mapping.auth.PermissionDenied: Sign in as a curator to edit.
    """
    if not can(user, action):
        who = "an admin" if action in ("manage_users", "backup") else "a curator"
        raise PermissionDenied(f"Sign in as {who} to {action.replace('_', ' ')}.")
    assert user is not None  # can() refuses None
    return user
