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
