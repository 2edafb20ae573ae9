"""Benchmark of curation: ``python -m mapping bench import [--rows N] [--actors N]``.

On SYNTHETIC organisations (generated here, never written to the shipped database) it measures,
in one run:

* checking and importing a partner-style CSV of 20,000 rows (French headers, ``;``, labels
  instead of codes, cities to geocode) into a fresh seeded database, in one transaction —
  against the naive way, one validated ``Store.save`` (its own transaction) per row, measured on
  the first rows and scaled;
* duplicate detection over 50,000 actors (blocking keys, :func:`mapping.dedupe.candidates`) —
  against comparing all pairs within each country, measured on a sample and scaled — and how
  many of the planted near-duplicates each finds.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from mapping import dedupe, geo
from mapping.importer import plan_import
from mapping.model import ACTOR_KINDS, COUNTRIES, THEMES, label
from mapping.seed import init_database

WORDS = ("Association", "Centre", "Réseau", "Collectif", "Fondation", "Union", "Maison", "Initiative")
PURPOSE = ("Solidarité", "Accueil", "Insertion", "Développement", "Droits", "Jeunesse", "Femmes", "Santé",
           "Formation", "Dialogue", "Entraide", "Avenir", "Citoyenneté", "Culture", "Emploi", "Espoir")
SYLLABLES = ("ka", "lo", "mi", "sa", "ta", "ne", "ri", "bou", "di", "fa", "ya", "zo", "ma", "le", "ou", "na")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def organisations(n: int, seed: int = 0, duplicates: float = 0.02) -> tuple[pd.DataFrame, set[frozenset]]:
    """SYNTHETIC organisations in the four countries, with planted near-duplicates (a dropped
    word, a typo, the acronym instead of the name). Returns the frame and the planted pairs."""
    rng = random.Random(seed)
    places = geo.gazetteer()
    places = places[places["country"].isin(["MA", "CI", "ML", "SN"])][["place", "country"]].values.tolist()
    kinds, themes = list(ACTOR_KINDS), list(THEMES)
    rows, planted = [], set()
    for i in range(n):
        city, country = rng.choice(places)
        name = f"{rng.choice(WORDS)} {rng.choice(PURPOSE)} {_word(rng)} {_word(rng)} de {city}"
        rows.append({"id": f"syn-{i:06d}", "name": name, "acronym": None, "kind": rng.choice(kinds),
                     "country": country, "city": city, "themes": rng.sample(themes, 2)})
    for j in range(int(n * duplicates)):
        original = rows[rng.randrange(n)]
        words = original["name"].split()
        variant = rng.choice(["typo", "drop", "acronym"])
        if variant == "typo":
            k = rng.randrange(2, len(words))
            words[k] = words[k][:-1] + rng.choice("aeiou")
            name, acronym = " ".join(words), None
        elif variant == "drop":
            name, acronym = " ".join(words[:1] + words[2:]), None
        else:
            name, acronym = dedupe.initials(original["name"]), None
        copy = dict(original, id=f"syn-dup-{j:06d}", name=name, acronym=acronym)
        rows.append(copy)
        planted.add(frozenset({original["id"], copy["id"]}))
    return pd.DataFrame(rows), planted


def partner_csv(frame: pd.DataFrame) -> bytes:
    """The frame as a partner would send it: French headers, ';', labels, country names."""
    out = pd.DataFrame({
        "Nom de l'organisation": frame["name"],
        "Type d'acteur": frame["kind"].map(lambda k: label(ACTOR_KINDS, k, "fr")),
        "Pays": frame["country"].map(lambda c: label(COUNTRIES, c, "fr")),
        "Ville": frame["city"],
        "Domaines d'intervention": frame["themes"].map(lambda ts: "|".join(label(THEMES, t, "fr") for t in ts)),
    })
    return out.to_csv(index=False, sep=";").encode("utf-8-sig")


def all_pairs(frame: pd.DataFrame, threshold: float = dedupe.THRESHOLD) -> set[frozenset]:
    """The naive way: every pair within each country through :func:`mapping.dedupe.similarity`."""
    found = set()
    for _, group in frame.groupby("country"):
        records = group[["id", "name", "acronym"]].to_dict("records")
        for i, a in enumerate(records):
            for b in records[i + 1:]:
                if dedupe.similarity(a, b) >= threshold:
                    found.add(frozenset({a["id"], b["id"]}))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping bench import")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--naive-rows", type=int, default=500, help="rows saved one by one for the baseline")
    parser.add_argument("--actors", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=2_000, help="actors compared all-pairs for the baseline")
    args = parser.parse_args(argv)

    frame, _ = organisations(args.rows, seed=1, duplicates=0)
    data = partner_csv(frame)
    with tempfile.TemporaryDirectory() as tmp:
        store = init_database(str(Path(tmp) / "bench.duckdb"))
        start = time.perf_counter()
        plan = plan_import(data, "partners.csv", store.actor_index(), lang="fr")
        planned = time.perf_counter() - start
        assert plan.ok, plan.report().head()
        counts = store.apply_import(plan, user=None, trusted=True, source="partners.csv")
        total = time.perf_counter() - start
        store.close()

        naive = init_database(str(Path(tmp) / "naive.duckdb"))
        admin = naive.add_user("bench", "quiet harbour lantern", "admin", trusted=True)
        records = [{k: v for k, v in r.items() if not k.startswith("_")} for r in plan.actors[:args.naive_rows]]
        start = time.perf_counter()
        for record in records:
            naive.save("actor", record, user=admin, source="partners.csv")
        per_row = (time.perf_counter() - start) / len(records)
        naive.close()
    scaled = per_row * args.rows

    print(f"Import of {args.rows:,} SYNTHETIC partner rows (French headers, ';', labels, cities geocoded)")
    print(f"  check (plan, row-by-row report)   {planned:8.2f} s")
    print(f"  check + import, one transaction   {total:8.2f} s   ({counts['new']:,} new drafts)")
    print(f"  naive: one save() per row         {scaled:8.2f} s   (measured on {len(records)} rows: "
          f"{per_row * 1000:.1f} ms/row)   ratio {scaled / total:.1f}x")

    actors, planted = organisations(args.actors, seed=2)
    start = time.perf_counter()
    pairs = dedupe.candidates(actors)
    blocked = time.perf_counter() - start
    found = {frozenset(p) for p in zip(pairs["id_a"], pairs["id_b"])}
    sample, sample_planted = organisations(args.sample, seed=3)
    start = time.perf_counter()
    sample_blocked = {frozenset(p) for p in zip(*dedupe.candidates(sample)[["id_a", "id_b"]].T.values)}
    sample_blocked_s = time.perf_counter() - start
    start = time.perf_counter()
    sample_all = all_pairs(sample)
    sample_all_s = time.perf_counter() - start
    n = len(actors)
    scale = (n / len(sample)) ** 2  # all pairs grow with the square of the number of actors
    print(f"\nDuplicate detection, SYNTHETIC actors with {len(planted):,} planted near-duplicates")
    print(f"  blocked, {n:,} actors              {blocked:8.2f} s   {len(pairs):,} pairs, "
          f"planted found {len(found & planted) / max(len(planted), 1):.0%}")
    print(f"  sample of {len(sample):,}: blocked {sample_blocked_s:.2f} s, all pairs {sample_all_s:.2f} s "
          f"(ratio {sample_all_s / sample_blocked_s:.0f}x); planted found: blocked "
          f"{len(sample_blocked & sample_planted)}/{len(sample_planted)}, all pairs "
          f"{len(sample_all & sample_planted)}/{len(sample_planted)}")
    print(f"  all pairs at {n:,}, scaled from the sample: ~{sample_all_s * scale:,.0f} s "
          f"(ratio ~{sample_all_s * scale / blocked:,.0f}x)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
