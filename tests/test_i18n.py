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


def test_placeholders_match_between_languages():
    en, fr = i18n.catalogue("en"), i18n.catalogue("fr")
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", fr[key])), key


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
