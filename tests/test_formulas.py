"""Formula safety (mapping/formulas.py): what the documentation promises is what the code does."""
from __future__ import annotations

import re
from pathlib import Path

from mapping import formulas, i18n

ROOT = Path(__file__).resolve().parent.parent
_NAMED = {"tab": "\t", "carriage return": "\r"}


def test_the_readme_lists_exactly_the_prefixes_exports_neutralise():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    promise = re.search(r"\*\*Exports cannot run formulas\.\*\*(.*?)with a quote", readme, re.S)
    assert promise, "README.md no longer says which cells exports quote"
    words = " ".join(promise.group(1).split())
    listed = set(" ".join(re.findall(r"`([^`]+)`", words)).split()) | {c for name, c in _NAMED.items() if name in words}
    assert listed == set(formulas.PREFIXES)
    for prefix in formulas.PREFIXES:  # and each of them is quoted on the way out
        assert formulas.neutralise(prefix + "cmd") == "'" + prefix + "cmd"


def test_the_refusal_message_names_the_characters_that_start_a_formula():
    # Blanks before a formula are skipped by spreadsheets (and by is_formula), so the message
    # names the visible characters only.
    visible = {p for p in formulas.PREFIXES if not p.isspace()}
    assert formulas.is_formula("\t=1+1") and not formulas.is_formula("\tplain")
    for lang in i18n.languages():
        named = re.search(r"\(([^)]*)\)", i18n.t("valid.formula", lang)).group(1)
        assert {c.strip() for c in named.split(",")} == visible, lang
