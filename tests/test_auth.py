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


def test_production_hashes_cost_scrypt_two_to_the_fourteen(production_scrypt):
    """What a stolen table costs an attacker: N = 2**14, r = 8 (16 MB and some 35 ms a guess)."""
    stored = hash_password("keeper of the atlas")
    assert production_scrypt == 2 ** 14 and stored.startswith("scrypt$16384$8$1$")
    assert verify_password("keeper of the atlas", stored) and not verify_password("keeper of the Atlas", stored)


def test_accounts_are_stored_hashed_and_sign_in(store):
    store.add_user("admin", "keeper of the atlas", "admin", "Admin", trusted=True)
    stored = store.table("users").set_index("username").loc["admin", "password_hash"]
    assert stored.startswith("scrypt$") and "keeper of the atlas" not in stored
    assert "password_hash" not in store.users().columns
    assert store.authenticate("admin", "keeper of the atlas") == User("admin", "admin", "Admin")
    assert store.authenticate("admin", "wrong") is None
    assert store.authenticate("nobody", "keeper of the atlas") is None


def test_only_an_admin_creates_accounts(store):
    admin = store.add_user("admin", "keeper of the atlas", "admin", trusted=True)
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
    store.add_user("visitor", "guest of the atlas", "curator", trusted=True)
    store.deactivate_user("visitor", by=None, trusted=True)
    with pytest.raises(PermissionDenied):
        store.save("actor", {"id": "commune-oujda", "description": "x"}, user=User("visitor", "curator"))
    assert store.record("actor", "commune-oujda")["version"] == 1


# -- hardening (issue 11): throttled sign-in, password rules, own password, closed sessions ---------
class _Clock:
    """time.time() under the test's control (the store reads it for throttling)."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    import mapping.store.accounts as accounts

    c = _Clock()
    monkeypatch.setattr(accounts.time, "time", c)
    return c


def test_sign_in_waits_twice_as_long_after_five_failures_and_locks_after_twenty(store, clock):
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    admin = store.add_user("admin", "keeper of the atlas", "admin", trusted=True)
    answers = [store.sign_in("amina", "wrong", "s1") for _ in range(5)]
    assert [a.wait for a in answers] == [0, 0, 0, 0, 1]  # the fifth failure starts the wait
    refused = store.sign_in("amina", "curator passphrase", "s2")  # even right, even from another session
    assert refused.user is None and refused.wait == 2
    clock.now += 2
    assert store.sign_in("amina", "curator passphrase", "s2").user.username == "amina"  # success resets
    for _ in range(20):
        clock.now += 3600
        last = store.sign_in("amina", "wrong", "s3")
    assert last.locked and store.locked_users() == ["amina"]
    clock.now += 10 ** 6
    assert store.sign_in("amina", "curator passphrase", "s4").locked  # until an admin unlocks it
    with pytest.raises(PermissionDenied):
        store.unlock_user("amina", by=User("amina", "curator"))
    store.unlock_user("amina", by=admin)
    assert store.sign_in("amina", "curator passphrase", "s4").user is not None


def test_one_session_trying_many_names_is_throttled_too(store, clock):
    answers = [store.sign_in(f"guess{n}", "wrong", "one-browser") for n in range(6)]
    assert answers[-1].wait > 0
    assert store.sign_in("someone-else", "anything", "one-browser").wait > 0


def test_unknown_and_known_names_get_the_same_answers_and_the_same_work(store, clock, monkeypatch):
    import mapping.store.accounts as accounts

    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    checked = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda p, h: checked.append(h) or real(p, h))
    known = [store.sign_in("amina", "wrong", "a") for _ in range(7)]
    unknown = [store.sign_in("nobody", "wrong", "b") for _ in range(7)]
    assert known == unknown
    assert len(checked) == 10  # one scrypt check per answered try, for both (none while waiting)
    assert all(h.startswith("scrypt$") for h in checked)


def test_passwords_need_length_without_spaces_no_user_name_and_strength(store):
    admin = store.add_user("admin", "keeper of the atlas", "admin", trusted=True)
    for weak in ("          ", "amina-amina-2026", "password1234", "qwertyuiop123"):
        with pytest.raises(Invalid) as refused:
            store.add_user("amina", weak, "curator", by=admin)
        assert "password" in refused.value.errors, weak
    assert store.add_user("amina", "lantern under quiet rivers", "curator", by=admin)


def test_every_account_changes_its_own_password(store):
    store.add_user("amina", "curator passphrase", "curator", trusted=True)
    with pytest.raises(Invalid) as wrong:
        store.change_password("amina", "not it", "lantern under quiet rivers")
    assert "current" in wrong.value.errors
    with pytest.raises(Invalid):
        store.change_password("amina", "curator passphrase", "short")
    store.change_password("amina", "curator passphrase", "lantern under quiet rivers")
    assert store.authenticate("amina", "curator passphrase") is None
    assert store.authenticate("amina", "lantern under quiet rivers").username == "amina"
    assert "lantern" not in store.table("changes").to_string()


def _amina_signed_in(app_db):
    """An AppTest of the atlas with the curator account "amina" created and signed in (not run yet)."""
    from streamlit.testing.v1 import AppTest

    from mapping.store import Store

    s = Store(str(app_db))
    s.add_user("amina", "curator passphrase", "curator", "Amina", trusted=True)
    s.close()
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["lang"] = "en"
    at.session_state["user"] = User("amina", "curator", "Amina")
    return at


def test_a_closed_accounts_open_session_loses_access_at_its_next_click(app_db):
    from mapping.store import Store

    at = _amina_signed_in(app_db)
    at.switch_page("pages/edit.py").run()
    assert at.title[0].value == "Edit"
    s = Store(str(app_db))
    s.deactivate_user("amina", by=None, trusted=True)
    s.close()
    at.run()
    assert at.session_state["user"] is None
    assert at.title[0].value != "Edit"
    assert any("signed out" in e.value for e in at.error)


def test_change_my_password_from_the_sidebar(app_db):
    from mapping.store import Store

    at = _amina_signed_in(app_db)
    at.run()
    at.text_input(key="pw_current").input("curator passphrase")
    at.text_input(key="pw_new").input("lantern under quiet rivers")
    at.text_input(key="pw_repeat").input("lantern under quiet rivers")
    next(b for b in at.button if b.label == "Change my password").click().run()
    assert any("Your password was changed" in m.value for m in at.success)
    assert Store(str(app_db)).authenticate("amina", "lantern under quiet rivers") is not None
