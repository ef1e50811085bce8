"""Names as people write them: the safe variants of a group name the resolver may try after the exact name.

People and datasets write one group many ways: with an article ("The Islamic State"), a country qualifier
("Armed Islamic Group of Algeria", "Ansar al-Shariah (Libya)"), an acronym ("Abu Sayyaf Group (ASG)",
"JeM"), another transliteration (Jaish-e-Mohammad / Jaish-e-Mohammed, Lashkar-e-Taiba / Lashkar-e-Tayyiba,
al-Qaida / al-Qaeda), accents or stray spaces.  Each variant here removes one thing that does not tell two
groups apart, and each has a guard so that it never merges two real groups:

* a country qualifier is dropped only when the group found is based or active in that country
  (:func:`country_qualifier` returns the ISO3 code for the resolver to check);
* a transliteration *skeleton* (consonants of the words that carry meaning) matches only when the two
  spellings are also close as strings (:data:`SKELETON_MIN_RATIO`), so "Jaysh al-Islam" (Syria) does not
  become "Jaish-e-Islam" (Pakistan);
* a variant claimed by two groups is reported as ambiguous, never decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from spillover.actors.text import normalise

#: Leading articles that carry no identity (English, French).
_ARTICLE = re.compile(r"^(?:the|le|la|les|l')\s+", re.IGNORECASE)
#: A trailing parenthesis: an acronym "(GSPC)", a country "(Libya)", or "(Formerly Jabhat al-Nusra)".
_PAREN = re.compile(r"^(?P<body>.+?)\s*\((?P<inner>[^()]+)\)\s*$")
_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-&]{1,11}$")
_OF_COUNTRY = re.compile(r"^(?P<body>.+?)\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w .'-]+)$")
#: Words that transliterations add, drop or spell differently (articles, connectors, izafat).
_FILLER = frozenset(
    "al el ul ud ur as ash at ad an az e i wa wal wal-e the of and de du des la le les l fi".split()
)
#: Minimum rapidfuzz ratio between the two normalised spellings for a skeleton match.
SKELETON_MIN_RATIO = 82.0
#: A parenthesis that names an earlier name ("(Formerly Jabhat al-Nusra)").
_FORMERLY = re.compile(r"^(?:formerly|previously|ex)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Variant:
    """One form of a name to look up, the step that produced it, and the country it must fit (if any)."""

    text: str
    step: str  # article | acronym | body | country
    country: str | None = None


def strip_article(name: str) -> str:
    return _ARTICLE.sub("", name.strip())


def split_parenthesis(name: str) -> tuple[str, str | None]:
    """('Abu Sayyaf Group', 'ASG') for 'Abu Sayyaf Group (ASG)'; (name, None) without a parenthesis."""
    m = _PAREN.match(name.strip())
    return (m["body"].strip(), m["inner"].strip()) if m else (name.strip(), None)


def looks_like_acronym(text: str) -> bool:
    """'GSPC', 'JeM', 'RO-N17': short, no spaces, at least two capitals."""
    return bool(_ACRONYM.match(text)) and sum(c.isupper() for c in text) >= 2


@lru_cache(maxsize=8192)
def country_qualifier(name: str) -> tuple[str, str] | None:
    """('Armed Islamic Group', 'DZA') for 'Armed Islamic Group of Algeria' or '… (Algeria)'; None when the
    name ends in no country.  Only short qualifiers that are a country's name count."""
    from spillover.countries import iso3

    body, inner = split_parenthesis(name)
    if inner is not None and len(inner.split()) <= 3:
        code = iso3(inner)
        if code is not None and _is_country_name(inner, code):
            return body, code
    m = _OF_COUNTRY.match(name.strip())
    if m and len(m["country"].split()) <= 3:
        code = iso3(m["country"])
        if code is not None and _is_country_name(m["country"], code):
            return m["body"].strip(), code
    return None


def _is_country_name(text: str, code: str) -> bool:
    """Guard against country_converter's regex search finding a country inside a longer phrase."""
    from spillover.countries import iso3_to_name

    short = normalise(iso3_to_name(code))
    said = normalise(text)
    return said == short or said in short or short in said and len(said) <= len(short) + 4


def variants(name: str) -> list[Variant]:
    """The forms of ``name`` worth a lookup, most faithful first (the name itself is not included)."""
    out: list[Variant] = []
    bare = strip_article(name)
    if bare != name.strip():
        out.append(Variant(bare, "article"))
    body, inner = split_parenthesis(bare)
    if inner is not None and (looks_like_acronym(inner) or _FORMERLY.match(inner)):
        out.append(Variant(body, "body"))
        if looks_like_acronym(inner):
            out.append(Variant(inner, "acronym"))
    qualified = country_qualifier(bare)
    if qualified is not None:
        out.append(Variant(strip_article(qualified[0]), "country", qualified[1]))
    return out


def without_acronym(name: str) -> str:
    """The name without a trailing acronym or "(Formerly …)" parenthesis (other parentheses stay: "(Libya)",
    "(Greater Sahara)" tell groups apart)."""
    body, inner = split_parenthesis(strip_article(name))
    if inner is not None and (looks_like_acronym(inner) or _FORMERLY.match(inner)):
        return body
    return strip_article(name)


def _word_keys(name: str) -> set[str]:
    words = re.split(r"[\s\-_'’`]+", strip_article(name).casefold())
    return {_word_skeleton(k) for w in words if (k := normalise(w)) and k not in _FILLER}


def same_words(a: str, b: str) -> bool:
    """The meaningful words of two names agree (each word compared by its skeleton), at least 3 in 4."""
    ka, kb = _word_keys(a), _word_keys(b)
    return bool(ka and kb) and len(ka & kb) / len(ka | kb) >= 0.75


#: Spelling pairs that transliterations use for one sound.
_FOLDS = (
    ("ph", "f"),
    ("dj", "j"),
    ("q", "k"),
    ("ck", "k"),
    ("dh", "d"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
)


@lru_cache(maxsize=65536)
def _word_skeleton(word: str) -> str:
    """First letter, then consonants, doubled letters once: 'mohammed' → 'mhmd', 'ajnad' → 'ajnd'
    (remembered: a few hundred words make up most names)."""
    for a, b in _FOLDS:
        word = word.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", word[:1] + re.sub(r"[aeiouy]", "", word[1:]))


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """The skeletons of a name's meaningful words, transliteration differences folded: 'Jaish-e-Mohammad'
    and 'Jaish-e-Mohammed' → 'jshmhmd'; 'Lashkar-e-Taiba' and 'Lashkar-e-Tayyiba' → 'lshkrtb'."""
    words = re.split(r"[\s\-_'’`]+", strip_article(name).casefold())
    return "".join(_word_skeleton(k) for w in words if (k := normalise(w)) and k not in _FILLER)


def close_spelling(a: str, b: str) -> bool:
    """Two spellings close enough, as strings, for a skeleton match to count.  A one-word name must also end
    as the other does: 'Ansar' (a word many groups' names share) is not 'Ansaru'; 'Towhid' is 'Tawhid'."""
    na, nb = normalise(strip_article(a)), normalise(strip_article(b))
    if fuzz.ratio(na, nb) < SKELETON_MIN_RATIO:
        return False
    one_word = min(len(_word_keys(a)), len(_word_keys(b))) <= 1
    return not one_word or na[-1:] == nb[-1:]
