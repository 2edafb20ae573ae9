"""Accounts: hashes, sign-in, roles re-checked from the database on every write."""
from __future__ import annotations

import pytest

from mapping.auth import PermissionDenied, User, hash_password, verify_password
from mapping.validate import Invalid


def test_hashes_are_salted_and_never_hold_the_password():
    a, b = hash_password("same passphrase"), hash_password("same passphrase")
    assert a != b and "same passphrase" not in a
    assert verify_password("same passphrase", a) and verify_password("same passphrase", b)
    assert not verify_password("Same passphrase", a)
    assert not verify_password("anything", "md5$abc")


def test_accounts_are_stored_hashed_and_sign_in(store):
    store.add_user("admin", "admin passphrase", "admin", "Admin", trusted=True)
    stored = store.table("users").set_index("username").loc["admin", "password_hash"]
    assert stored.startswith("scrypt$") and "admin passphrase" not in stored
    assert "password_hash" not in store.users().columns
    assert store.authenticate("admin", "admin passphrase") == User("admin", "admin", "Admin")
    assert store.authenticate("admin", "wrong") is None
    assert store.authenticate("nobody", "admin passphrase") is None


def test_only_an_admin_creates_accounts(store):
    admin = store.add_user("admin", "admin passphrase", "admin", trusted=True)
    curator = store.add_user("amina", "curator passphrase", "curator", by=admin)
    with pytest.raises(PermissionDenied):
        store.add_user("other", "curator passphrase", "curator", by=curator)
    with pytest.raises(PermissionDenied):
        store.add_user("other", "curator passphrase", "curator", by=None)
    with pytest.raises(Invalid) as short:
        store.add_user("other", "short", "curator", by=admin)
    assert "password" in short.value.errors
    with pytest.raises(Invalid):
        store.add_user("amina", "curator passphrase", "curator", by=admin)  # exists


def test_a_forged_session_user_cannot_write(store):
    """A role claimed by the session is not trusted: the store reads it from the database."""
    with pytest.raises(PermissionDenied):
        store.save("actor", {"id": "commune-oujda", "description": "x"}, user=User("mallory", "admin"))
    store.add_user("visitor", "visitor passphrase", "curator", trusted=True)
    store.deactivate_user("visitor", by=None, trusted=True)
    with pytest.raises(PermissionDenied):
        store.save("actor", {"id": "commune-oujda", "description": "x"}, user=User("visitor", "curator"))
    assert store.record("actor", "commune-oujda")["version"] == 1
