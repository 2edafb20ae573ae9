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
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

import pandas as pd

from .geo import normalize

#: Words that carry no identity in French, English or Spanish organisation names.
STOPWORDS = frozenset("""
a al au aux d de del des du el en et for in l la las le les los of on pour sur the to un une y
""".split())
THRESHOLD = 0.86


def name_key(name: object) -> str:
    """Lower case, no accents or punctuation, no stop words: what two spellings of a name share."""
    return " ".join(w for w in normalize(name).split() if w not in STOPWORDS)


def initials(name: object) -> str:
    """Initials of the significant words (an acronym the name may be known by)."""
    words = [w for w in normalize(name).split() if w not in STOPWORDS]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def _acronym(record: Mapping) -> str:
    """The record's acronym, or its name when the name is a single all-capitals word (e.g. "AMAPPE")."""
    acronym = record.get("acronym")
    if isinstance(acronym, str) and acronym.strip():
        return normalize(acronym).replace(" ", "").upper()
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
    return round(SequenceMatcher(None, ka, kb, autojunk=False).ratio(), 3)


def trigrams(text: str) -> frozenset[str]:
    """Character trigrams of a normalised name (a cheap first test before :func:`similarity`).

    >>> sorted(trigrams("fes"))
    [' fe', 'es ', 'fes']
    """
    padded = f" {text} "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


#: Pairs whose trigram overlap (Jaccard) is below this are not worth a full comparison: a typo
#: or a dropped word keeps well above it, two different organisations sharing a word fall below.
PREFILTER = 0.4


def _tokens(record: Mapping) -> list[str]:
    return [w for w in dict.fromkeys(name_key(record.get("name")).split()) if len(w) > 3]


def _acronym_keys(record: Mapping) -> set[str]:
    return {f"a:{a}" for a in (_acronym(record), initials(record.get("name"))) if a}


class Index:
    """Actors by country and blocking key: each actor's :attr:`RARE` rarest name words (the
    words that tell organisations apart; "association" or a city name does not) plus its
    acronym and initials.

    >>> idx = Index(pd.DataFrame({"id": ["amappe"], "name": ["AMAPPE"], "acronym": [None], "country": ["MA"]}))
    >>> idx.best({"name": "Association Marocaine d'Appui à la Promotion de la Petite Entreprise", "country": "MA"})
    ('amappe', 1.0)
    >>> idx.best({"name": "AMAPPE", "country": "SN"}) is None
    True
    """

    RARE = 2

    def __init__(self, actors: pd.DataFrame, threshold: float = THRESHOLD):
        self.threshold = threshold
        self.records = actors[["id", "name", "acronym", "country"]].to_dict("records")
        self.tokens = [_tokens(r) for r in self.records]
        self.df: Counter = Counter((r["country"], w) for r, words in zip(self.records, self.tokens) for w in words)
        # (country, key) -> actors; the country may be missing
        self.blocks: dict[tuple[str | None, str], list[int]] = defaultdict(list)
        for i, record in enumerate(self.records):
            for key in self.keys(record, self.tokens[i]):
                self.blocks[(record["country"], key)].append(i)

    def keys(self, record: Mapping, tokens: list[str] | None = None) -> set[str]:
        """Blocking keys of ``record``: its rarest known words, acronym and initials."""
        country = record.get("country")
        words = tokens if tokens is not None else _tokens(record)
        known = sorted((self.df[(country, w)], w) for w in words if self.df[(country, w)] > 0)
        return {f"w:{w}" for _, w in known[:self.RARE]} | _acronym_keys(record)

    def best(self, record: Mapping) -> tuple[str, float] | None:
        """The most similar actor of the same country at or above the threshold, or None."""
        found: Iterable[int] = {i for key in self.keys(record)
                                for i in self.blocks.get((record.get("country"), key), ())}
        scored = [(similarity(record, self.records[i]), self.records[i]["id"]) for i in found]
        scored = [s for s in scored if s[0] >= self.threshold]
        if not scored:
            return None
        score, actor_id = max(scored)
        return actor_id, score


def candidates(actors: pd.DataFrame, threshold: float = THRESHOLD, max_block: int = 200) -> pd.DataFrame:
    """Pairs of likely duplicates within each country.

    Parameters
    ----------
    actors : DataFrame
        Columns ``id``, ``name``, ``acronym``, ``country``.
    threshold : float
        Minimum :func:`similarity`.
    max_block : int
        A key shared by more actors than this says nothing (it is skipped).

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
    index = Index(actors, threshold)
    records = index.records
    grams = [trigrams(name_key(r["name"])) for r in records]
    acronyms = [bool(_acronym(r)) for r in records]
    seen: set[tuple[int, int]] = set()
    pairs = []
    for members in index.blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                pair = (i, j) if i < j else (j, i)
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = grams[i], grams[j]
                if not (acronyms[i] or acronyms[j]) and len(a & b) < PREFILTER * len(a | b):
                    continue
                score = similarity(records[pair[0]], records[pair[1]])
                if score >= threshold:
                    pairs.append((records[pair[0]]["id"], records[pair[1]]["id"], score))
    out = pd.DataFrame(pairs, columns=["id_a", "id_b", "score"])
    return out.sort_values(["score", "id_a", "id_b"], ascending=[False, True, True], ignore_index=True)
