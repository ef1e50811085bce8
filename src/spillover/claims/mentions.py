"""What a sentence mentions: tolls, tactics, armed groups of the registry and places.

Places the store knows by name (a city, a first-level unit) are looked up for the whole text at once
(:class:`Locations`: one query), so the number of store queries does not grow with the text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from spillover.claims.text import NUM, QUAL, parse_number
from spillover.countries import iso3 as country_code
from spillover.store import Store

#: Names the registry does not list but writers use (documented supplement).
EXTRA_ALIASES = {"AQ": "aq-core", "bin Laden": "aq-core", "al Qaeda": "aq-core"}
TACTIC_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), t)
    for p, t in (
        (r"suicide[\s-]+(?:car[\s-]+)?(?:bomb\w*|attack\w*)", "suicide_attack"),
        (r"hijack\w*", "hijacking"),
        (r"hostage|kidnap\w*|abduct\w*", "kidnapping"),
        (r"assassinat\w*", "assassination"),
        (r"bomb\w*|explosi\w*|\bIEDs?\b", "bombing"),
        (r"massacre\w*|shooting|gunmen|raid\w*|ambush\w*", "armed_assault"),
        (r"\battack\w*|assault\w*|strike", ""),
    )
)


@dataclass
class Place:
    name: str
    iso3: str | None
    kind: str  # country, location
    direction: str | None = None
    lat: float | None = None
    lon: float | None = None
    position: int = 0


@dataclass
class Toll:
    what: str  # killed, wounded
    value: int
    qualifier: str  # exact, at_least, about, at_most
    subset: str | None = None
    text: str = ""


# ---------------------------------------------------------------------------------------------
# Tolls and tactics
# ---------------------------------------------------------------------------------------------

_KILLED_PATTERNS = (
    re.compile(r"\bleft\s+" + QUAL + r"(?P<n>" + NUM + r")\s+(?:people\s+)?dead", re.IGNORECASE),
    re.compile(r"\bkill(?:ed|ing)\s+" + QUAL + r"(?P<n>" + NUM + r")(?P<who>(?:\s+(?!and\b|in\b|on\b|at\b)[A-Z][\w.]*|\s+(?:UN|U\.S\.)?\s*(?:citizens|employees|soldiers|civilians|people|workers|tourists|hostages|Americans|foreigners))*)", re.IGNORECASE),
    re.compile(QUAL + r"(?P<n>" + NUM + r")\s+(?P<who>(?:[A-Z][\w.]*\s+)*(?:people|civilians|soldiers)?)\s*(?:were\s+)?(?:killed|dead)\b", re.IGNORECASE),
)  # fmt: skip
_WOUNDED_PATTERNS = (
    re.compile(r"\b(?:injur\w*|wound\w*)\s+" + QUAL + r"(?P<n>" + NUM + r")", re.IGNORECASE),
    re.compile(
        QUAL + r"(?P<n>" + NUM + r")\s+(?:people\s+|others\s+)?(?:were\s+)?(?:injured|wounded)", re.IGNORECASE
    ),
)
_SUBSET_PATTERN = re.compile(r"(?P<n>" + NUM + r")\s+being\s+(?P<who>[\w.\s]+?)(?:[,.;]|$)", re.IGNORECASE)
_QUALIFIERS = {
    "more than": "at_least", "over": "at_least", "at least": "at_least", "upwards of": "at_least", "in excess of": "at_least",
    "nearly": "about", "about": "about", "approximately": "about", "around": "about", "almost": "about", "some": "about",
    "up to": "at_most", "fewer than": "at_most", "less than": "at_most",
}  # fmt: skip
_GENERIC_VICTIMS = {"", "people", "civilians", "persons", "others", "dead"}
_VICTIM_NOUNS = {"citizens", "employees", "soldiers", "civilians", "workers", "tourists", "hostages", "people", "foreigners"}  # fmt: skip


def _victims(text: str) -> str:
    """Who a toll counts ("U.S. citizens", "UN employees"), without trailing words that are not part of it."""
    words = text.strip().strip(",.;").split()
    while words and words[-1].islower() and words[-1] not in _VICTIM_NOUNS:
        words.pop()
    return " ".join(words)


def find_tolls(sentence: str) -> list[Toll]:
    """Death and injury figures, with their qualifier and, for a subset ("three Americans"), who."""
    tolls: list[Toll] = []
    spans: list[tuple[int, int]] = []

    def add(what: str, m: re.Match[str], subset: str | None = None) -> None:
        if any(a < m.end() and m.start() < b for a, b in spans):
            return
        n = parse_number(m.group("n"))
        if n is None:
            return
        q = _QUALIFIERS.get((m.groupdict().get("q") or "").lower(), "exact")
        who = _victims(subset if subset is not None else (m.groupdict().get("who") or ""))
        spans.append(m.span())
        tolls.append(Toll(what, n, q, None if who.lower() in _GENERIC_VICTIMS else who, m.group(0).strip()))

    for m in _SUBSET_PATTERN.finditer(sentence):
        add("killed", m, m.group("who"))
    for pattern in _KILLED_PATTERNS:
        for m in pattern.finditer(sentence):
            add("killed", m)
    for pattern in _WOUNDED_PATTERNS:
        for m in pattern.finditer(sentence):
            add("wounded", m, "")
    return tolls


def find_tactic(text: str) -> tuple[str | None, bool]:
    """The most specific tactic named, and whether any attack word is there at all."""
    for pattern, tactic in TACTIC_WORDS:
        if pattern.search(text):
            return (tactic or None), True
    return None, False


# ---------------------------------------------------------------------------------------------
# Armed groups
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


#: a name's pattern: its regular expression and flags, compiled by :func:`_compiled` when first tried
Pattern = tuple[str, int]


@cache
def _compiled(pattern: Pattern) -> re.Pattern[str]:
    """Compiled once, when a text first has the name's first word: compiling the ~3,000 aliases up front
    cost more than checking an article."""
    return re.compile(*pattern)


@cache
def _alias_index() -> tuple[dict[str, list[tuple[int, Pattern, str]]], list[tuple[int, Pattern, str]]]:
    """Every alias of every registry group (and the documented supplement) as a pattern, ranked longest
    first, indexed by the lower-cased first word of the name (names that do not start with a word
    character are kept apart and searched everywhere)."""
    from spillover.actors import default_registry

    reg = default_registry()
    names: dict[str, str] = dict(EXTRA_ALIASES)
    for gid, g in reg.groups.items():
        if g.kind in ("state", "generic", "identity-militia", "civilians"):
            continue
        names.setdefault(g.name, gid)
        for _, alias in g.aliases.items():
            value = getattr(alias, "name", alias)
            if isinstance(value, str) and len(value) >= 2:
                names.setdefault(value, gid)
        for m in re.findall(r"\(([A-Z]{2,6})\)", g.name):
            names.setdefault(m, gid)
    by_first_word: dict[str, list[tuple[int, Pattern, str]]] = defaultdict(list)
    elsewhere: list[tuple[int, Pattern, str]] = []
    for rank, (name, gid) in enumerate(sorted(names.items(), key=lambda kv: -len(kv[0]))):
        flags = 0 if (name.isupper() and len(name) <= 6) else re.IGNORECASE
        entry = (rank, (r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", int(flags)), gid)
        first = _WORD.match(name)
        if first is None:
            elsewhere.append(entry)
        else:
            by_first_word[first.group(0).lower()].append(entry)
    return dict(by_first_word), elsewhere


def find_actors(text: str) -> list[tuple[int, str]]:
    """Registry groups named in the text, with the position of the first mention.  Where names overlap the
    longest wins ("al-Qaeda in the Islamic Maghreb" is not also "al-Qaeda").  One pass over the words of the
    text: only the names that start with each word are tried there."""
    by_first_word, elsewhere = _alias_index()
    matches: list[tuple[int, int, int, str]] = []  # rank, start, end, group
    for word in _WORD.finditer(text):
        for rank, pattern, gid in by_first_word.get(word.group(0).lower(), ()):
            m = _compiled(pattern).match(text, word.start())
            if m is not None:
                matches.append((rank, m.start(), m.end(), gid))
    for rank, pattern, gid in elsewhere:
        matches += [(rank, m.start(), m.end(), gid) for m in _compiled(pattern).finditer(text)]
    found: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for _, start, end, gid in sorted(matches):
        if any(a < end and start < b for a, b in taken):
            continue
        taken.append((start, end))
        found[gid] = min(found.get(gid, start), start)
    return sorted((pos, gid) for gid, pos in found.items())


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

PLACE_RE = re.compile(
    r"\b(?:in|at|near|into|of|outside|from|leaving|across)\s+(?:the\s+)?"
    r"(?:(?P<dir>(?:north|south)?(?:east|west)ern|northern|southern|eastern|western|central)\s+)?"
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})"
)
_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
               "December", "The", "Islamic", "Operation", "Africa", "Command", "Department", "History"}  # fmt: skip


@cache
def country(name: str) -> str | None:
    """ISO3 of a country name (only whole names: "Algerian" or "Islamic Maghreb" are not countries)."""
    if len(name) < 4 or name.endswith(("ian", "ese", "ish")):
        return None
    return country_code(name)


def place_names(text: str) -> set[str]:
    """The names :func:`Locations.find` may be asked about in ``text`` (a place word, then a name)."""
    out = set()
    for m in PLACE_RE.finditer(text):
        name = re.sub(r"['’]s?$", "", m.group("name"))
        if name.split()[0] not in _NOT_PLACES and not country(name):
            out.add(name)
    return out


class Locations:
    """Where the store's events of each place name of a text lie: their most common country and median
    coordinates.  Built with one query for every name of the text; a name not asked about is unknown."""

    def __init__(self, store: Store, names: Iterable[str]) -> None:
        wanted = sorted({n.lower() for n in names})
        self._known: dict[str, tuple[str | None, float | None, float | None]] = {}
        if not wanted:
            return
        rows = store.query(
            """
            WITH wanted AS (SELECT unnest(?::VARCHAR[]) AS name),
            hits AS (
                SELECT lower(location) AS name, country_iso3, latitude, longitude FROM events
                WHERE lower(location) IN (SELECT name FROM wanted)
                UNION ALL
                SELECT lower(admin1), country_iso3, latitude, longitude FROM events
                WHERE lower(admin1) IN (SELECT name FROM wanted)
                  AND lower(location) IS DISTINCT FROM lower(admin1)
            )
            SELECT name, country_iso3, count(*) AS n, median(latitude) AS lat, median(longitude) AS lon
            FROM hits GROUP BY name, country_iso3
            QUALIFY row_number() OVER (PARTITION BY name ORDER BY n DESC, country_iso3) = 1
            """,
            [wanted],
        )
        for r in rows.itertuples():
            lat = float(r.lat) if pd.notna(r.lat) else None
            lon = float(r.lon) if pd.notna(r.lon) else None
            self._known[r.name] = (r.country_iso3, lat, lon)

    def get(self, name: str) -> tuple[str | None, float | None, float | None] | None:
        """Country and median coordinates of the events at ``name`` (None: the store has none there)."""
        return self._known.get(name.lower())

    def find(self, sentence: str) -> list[Place]:
        """Countries (by name) and locations the store knows (by event location or first-level unit)."""
        places = []
        for m in PLACE_RE.finditer(sentence):
            name = re.sub(r"['’]s?$", "", m.group("name"))
            if name.split()[0] in _NOT_PLACES:
                continue
            direction = (m.group("dir") or "").lower().replace("ern", "") or None
            code = country(name)
            if code:
                places.append(Place(name, code, "country", direction, position=m.start("name")))
                continue
            loc = self.get(name)
            if loc is not None:
                places.append(Place(name, loc[0], "location", direction, loc[1], loc[2], m.start("name")))
        return places
