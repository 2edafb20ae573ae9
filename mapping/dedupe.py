"""Duplicate organisation files: normalised names, acronyms from initials, candidate pairs.

Pairs are only compared within one country and only when they share a blocking key (a
significant name token, the normalised acronym or the initials), so 50,000 actors cost a few
hundred thousand comparisons, not 1.25 billion.

Examples
--------
>>> name_key("Association Marocaine d'Appui à la Promotion de la Petite Entreprise")
'association marocaine appui promotion petite entreprise'
>>> initials("Association Marocaine d'Appui à la Promotion de la Petite Entreprise")
'AMAPPE'
>>> similarity({"name": "AMAPPE", "acronym": None},
...            {"name": "Association Marocaine d'Appui à la Promotion de la Petite Entreprise", "acronym": None})
1.0
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher
from typing import Iterable, Mapping

import pandas as pd

#: Words that carry no identity in French, English or Spanish organisation names.
STOPWORDS = frozenset("""
a al au aux d de del des du el en et for in l la las le les los of on pour sur the to un une y
""".split())
THRESHOLD = 0.86


def _fold(text: object) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).strip()


def name_key(name: object) -> str:
    """Lower case, no accents or punctuation, no stop words: what two spellings of a name share."""
    return " ".join(w for w in _fold(name).split() if w not in STOPWORDS)


def initials(name: object) -> str:
    """Initials of the significant words (an acronym the name may be known by)."""
    words = [w for w in _fold(name).split() if w not in STOPWORDS]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def _acronym(record: Mapping) -> str:
    """The record's acronym, or its name when the name is a single all-capitals word (e.g. "AMAPPE")."""
    acronym = record.get("acronym")
    if isinstance(acronym, str) and acronym.strip():
        return _fold(acronym).replace(" ", "").upper()
    name = str(record.get("name") or "").strip()
    return name.replace(".", "").upper() if re.fullmatch(r"[A-Z][A-Z0-9.&-]{1,11}", name) else ""


def similarity(a: Mapping, b: Mapping) -> float:
    """0..1: 1 for the same normalised name or when one's acronym is the other's initials;
    otherwise the sequence similarity of the normalised names."""
    ka, kb = name_key(a.get("name")), name_key(b.get("name"))
    if ka and ka == kb:
        return 1.0
    aa, ab = _acronym(a), _acronym(b)
    if aa and (aa == ab or aa == initials(b.get("name"))) or ab and ab == initials(a.get("name")):
        return 1.0
    if not ka or not kb:
        return 0.0
    return round(SequenceMatcher(None, ka, kb).ratio(), 3)


def _keys(record: Mapping) -> set[str]:
    words = name_key(record.get("name")).split()
    keys = {f"w:{w}" for w in words if len(w) > 3}
    for acronym in (_acronym(record), initials(record.get("name"))):
        if acronym:
            keys.add(f"a:{acronym}")
    return keys


def candidates(actors: pd.DataFrame, threshold: float = THRESHOLD, max_block: int = 200) -> pd.DataFrame:
    """Pairs of likely duplicates within each country.

    Parameters
    ----------
    actors : DataFrame
        Columns ``id``, ``name``, ``acronym``, ``country``.
    threshold : float
        Minimum :func:`similarity`.
    max_block : int
        Blocking keys shared by more actors than this (e.g. "commune") are too common to say
        anything and are skipped.

    Returns
    -------
    DataFrame
        ``id_a``, ``id_b``, ``score``, best first.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "country": ["MA", "MA", "SN"],
    ...     "name": ["AMAPPE", "Association Marocaine d'Appui à la Promotion de la Petite Entreprise", "AMAPPE"],
    ...     "acronym": [None, None, None]})
    >>> candidates(df)[["id_a", "id_b", "score"]].values.tolist()
    [['a', 'b', 1.0]]
    """
    records = actors[["id", "name", "acronym", "country"]].to_dict("records")
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for key in _keys(record):
            blocks[(record["country"], key)].append(i)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                pair = (i, j) if i < j else (j, i)
                if pair in seen:
                    continue
                seen.add(pair)
                score = similarity(records[pair[0]], records[pair[1]])
                if score >= threshold:
                    pairs.append((records[pair[0]]["id"], records[pair[1]]["id"], score))
    out = pd.DataFrame(pairs, columns=["id_a", "id_b", "score"])
    return out.sort_values(["score", "id_a", "id_b"], ascending=[False, True, True], ignore_index=True)


class Index:
    """Existing actors by country and blocking key, to match imported rows one at a time.

    >>> idx = Index(pd.DataFrame({"id": ["amappe"], "name": ["AMAPPE"], "acronym": [None], "country": ["MA"]}))
    >>> idx.best({"name": "Association Marocaine d'Appui à la Promotion de la Petite Entreprise", "country": "MA"})
    ('amappe', 1.0)
    >>> idx.best({"name": "AMAPPE", "country": "SN"}) is None
    True
    """

    def __init__(self, actors: pd.DataFrame, threshold: float = THRESHOLD):
        self.threshold = threshold
        self.records = actors[["id", "name", "acronym", "country"]].to_dict("records")
        self.blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, record in enumerate(self.records):
            for key in _keys(record):
                self.blocks[(record["country"], key)].append(i)

    def best(self, record: Mapping) -> tuple[str, float] | None:
        found: Iterable[int] = {i for key in _keys(record) for i in self.blocks.get((record.get("country"), key), ())}
        scored = [(similarity(record, self.records[i]), self.records[i]["id"]) for i in found]
        scored = [s for s in scored if s[0] >= self.threshold]
        if not scored:
            return None
        score, actor_id = max(scored)
        return actor_id, score
