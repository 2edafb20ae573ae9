"""Add or update translation keys in both catalogues: ``python scripts/add_locale_keys.py FILE.json``
where FILE.json maps key -> {"en": ..., "fr": ...}. Keeps the catalogues sorted and diff-friendly."""
import json
import sys
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "mapping" / "locales"

entries = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
for lang in ("en", "fr"):
    path = LOCALES / f"{lang}.json"
    catalogue = json.loads(path.read_text(encoding="utf-8"))
    for key, texts in entries.items():
        catalogue[key] = texts[lang]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(catalogue, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
print(f"{len(entries)} keys written")
