import re
from pathlib import Path

from mapping import i18n

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_in_every_language():
    langs = i18n.languages()
    assert {"en", "fr"} <= set(langs)
    keys = {code: set(i18n.catalogue(code)) for code in langs}
    for code, k in keys.items():
        assert k == keys["en"], f"{code}: missing {sorted(keys['en'] - k)}, extra {sorted(k - keys['en'])}"


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py")]:
        used |= set(re.findall(r"""tr\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    missing = used - set(i18n.catalogue("en"))
    assert not missing, sorted(missing)


def _placeholders(entry) -> set[str]:
    forms = entry.values() if isinstance(entry, dict) else [entry]
    return {name for form in forms for name in re.findall(r"{(\w+)}", form)}


def test_placeholders_match_between_languages():
    en, fr = i18n.catalogue("en"), i18n.catalogue("fr")
    for key in en:
        assert _placeholders(en[key]) == _placeholders(fr[key]), key


def test_plural_messages_have_cldr_forms_and_a_count():
    for lang in i18n.languages():
        for key, entry in i18n.catalogue(lang).items():
            if isinstance(entry, dict):
                assert "other" in entry and set(entry) <= {"zero", "one", "two", "few", "many", "other"}, (lang, key)
                assert "n" in _placeholders(entry), (lang, key)
            else:
                assert isinstance(entry, str), (lang, key)


def test_no_message_writes_a_plural_by_hand():
    """"kind(s)", "brouillon(s) publié(s)": a count's message has CLDR plural forms instead."""
    for lang in i18n.languages():
        for key, entry in i18n.catalogue(lang).items():
            for form in entry.values() if isinstance(entry, dict) else [entry]:
                assert not re.search(r"\w\((?:s|e|es|x)\)", form), (lang, key, form)


def test_messages_with_two_counts_take_each_plural_form():
    steps = i18n.t("network.steps", "en", n=1)
    assert i18n.t("network.paths_found", "en", n=2, steps=steps) == "2 shortest chains of 1 step:"
    assert i18n.t("network.paths_found", "fr", n=1, steps=i18n.t("network.steps", "fr", n=3)) == \
        "1 chaîne la plus courte, de 3 pas :"
    done = i18n.t("import.review.done", "fr", kinds=i18n.t("import.review.kinds_set", "fr", n=2),
                  published=i18n.t("import.review.published", "fr", n=1))
    assert done == "2 types corrigés, 1 brouillon publié."


def test_counts_take_the_plural_form_of_the_language():
    assert i18n.t("import.summary.error", "en", n=1) == "1 error"
    assert i18n.t("import.summary.error", "en", n=2) == "2 errors"
    assert i18n.t("import.summary.error", "fr", n=0) == "0 erreur"  # French: 0 and 1 are singular
    assert i18n.t("directory.count", "fr", n=2) == "2 acteurs"


def test_fallback_shows_the_key():
    assert i18n.t("no.such.key", "fr") == "no.such.key"


def test_adding_a_right_to_left_language_is_adding_a_file(tmp_path, monkeypatch):
    import json
    import shutil

    for path in i18n.LOCALES.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    arabic = dict(i18n.catalogue("en"), **{"_meta.name": "العربية", "_meta.direction": "rtl",
                                           "directory.title": "دليل الجهات الفاعلة"})
    (tmp_path / "ar.json").write_text(json.dumps(arabic, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        assert i18n.languages()["ar"] == "العربية"
        assert i18n.direction("ar") == "rtl" and i18n.direction("fr") == "ltr"
        assert i18n.t("directory.title", "ar") == "دليل الجهات الفاعلة"
        assert i18n.normalise_lang(None, "ar-MA,ar;q=0.9") == "ar"
    finally:
        i18n.catalogue.cache_clear()


def test_numbers_and_dates_follow_the_language():
    assert i18n.t("directory.count", "en", n=12500) == "12,500 actors"
    assert i18n.t("directory.count", "fr", n=12500).startswith("12\u202f500 ")
    assert i18n.date("2021-04-12", "fr") == "12 avr. 2021" and i18n.date("2021-04-12", "en") == "12 Apr 2021"


def test_a_third_language_is_one_file_and_every_page_runs_in_it(app_db, tmp_path, monkeypatch):
    """Adding a language is adding ``locales/<lang>.json``: here Arabic (right to left, six CLDR
    plural categories, other digits' conventions) with every key, and every page, signed in as an
    admin so the curation pages run too, renders without an exception and in that language."""
    import json
    import shutil

    from streamlit.testing.v1 import AppTest

    from mapping.auth import User
    from mapping.model import ACTOR_KINDS, label
    from mapping.store import Store

    for path in i18n.LOCALES.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    english = i18n.catalogue("en")
    arabic = {key: value for key, value in english.items() if not key.startswith("_meta.")}
    arabic |= {"_meta.name": "العربية", "_meta.direction": "rtl", "_meta.locale": "ar",
               "vocab.kind.municipality": "بلدية", "directory.count": {"zero": "لا جهات", "one": "جهة واحدة",
                                                                       "two": "جهتان", "other": "{n} جهة"}}
    (tmp_path / "ar.json").write_text(json.dumps(arabic, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.catalogue.cache_clear()
    i18n.locale.cache_clear()
    store = Store(str(app_db))
    store.add_user("admin", "correct horse battery staple", "admin", "Admin", trusted=True)
    store.close()
    pages = sorted(p.name for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
    try:
        assert i18n.t("directory.count", "ar", n=2) == "جهتان"  # Arabic's dual, from CLDR's rules
        assert label(ACTOR_KINDS, "municipality", "ar") == "بلدية"
        for page in pages:
            at = AppTest.from_file("../app.py", default_timeout=60)
            at.query_params["lang"] = "ar"
            at.session_state["user"] = User("admin", "admin", "Admin")
            at.switch_page(f"pages/{page}").run()
            assert not at.exception, (page, [e.value for e in at.exception])
            if page == "directory.py":
                assert any(s.value.endswith(" جهة") for s in at.subheader), [s.value for s in at.subheader]
    finally:
        i18n.catalogue.cache_clear()
        i18n.locale.cache_clear()
