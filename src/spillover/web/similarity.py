"""How like a name a search text is, for the fuzzy part of group search.

rapidfuzz's ``WRatio`` finds candidates fast but scores a short label inside a long one by partial
alignment, so "Wagner" scored 77 against "Nuer".  A candidate is kept only when the query is close to
the whole label or to a run of as many of its words as the query has: a typo ("Hezbolah") passes,
an unrelated name sharing a few letters does not.
"""

from __future__ import annotations

from rapidfuzz import fuzz

#: Least similarity (0–100) of the query to the label or to one of its word runs.
MIN_SIMILARITY = 80.0


def name_similarity(query: str, label: str) -> float:
    """The best ``fuzz.ratio`` of ``query`` against ``label`` and against each run of consecutive words of
    ``label`` as long (in words) as the query."""
    best = fuzz.ratio(query, label)
    words = label.split()
    n = max(len(query.split()), 1)
    for i in range(max(len(words) - n + 1, 0)):
        best = max(best, fuzz.ratio(query, " ".join(words[i : i + n])))
    return float(best)


def similar(query: str, label: str) -> bool:
    return name_similarity(query, label) >= MIN_SIMILARITY
