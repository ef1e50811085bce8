"""Check a written assessment against the data: :func:`check_claims` finds the checkable factual claims of a
text (plain or Markdown) and judges each as **supported**, **contradicted** (with the data's figure) or
**not checkable**, listing the event ids it consulted.

What is extracted (sentence by sentence; dates with ``dateparser.search.search_dates``, everything else
with regular expressions — no network, no language model):

* **events** — a dated attack with a place, a tactic and/or tolls: "In April, 2007, AQIM conducted a …
  suicide bombing in Algiers that left 33 dead and injured more than 200";
* **entries** — "AQIM expanded operations into Libya in 2011";
* **onsets** — "Mali during its coup in 2012", "France intervened in northern Mali … in January, 2013";
* **lineage** — renamings, pledges, mergers, splits, foundings ("changing their name to AQIM in January,
  2007"), checked against the actor registry (curated and cited, not event data: the verdict says so);
* **absences** — "The GIA had not utilized suicide bombings during the 1990s";
* **counts** that event data cannot check (members, money, a whole war's toll), reported as such.

How an event claim is judged:

1. *Window*: a day ±1 day (sources differ by a day), a month, a year; "early/mid/late 2007" are
   January–April, May–August, September–December.  "December of the same year" takes the year of the
   claim before it.
2. *Place*: a city is matched by the events' location or first-level unit name, or by coordinates within
   50 km of where the store's events of that name lie; a country by its code, narrowed by a direction
   ("southeastern Algeria": bearing from the country's centre within ±67.5° of south-east).
3. *Who*: the events of the group's lineage (predecessors and successors) are the claim's events; the
   wider family (splinters, affiliates, components) and other actors are reported as a different
   attribution.  A claim whose event the data attribute to someone else is **contradicted** on the
   perpetrator.
4. *Tolls* are compared within one source at a time (never summed across sources): the lineage's events of
   the best-matching day are summed (a coordinated attack is often coded as several rows).  Tolerance:
   a figure is supported when it differs by at most max(2, 10%) (20% for "about", "nearly", "some"); "more
   than / at least / upwards of N" is supported when the data reach N minus that tolerance, "fewer than / up
   to N" when they stay below N plus it.  A toll of a subset ("three Americans", "17 being UN employees")
   cannot be checked against a total and is reported as not checkable.
5. When no event matches, the verdict says which files of the store cover that country at that time
   (and with how many events), so "not in the data" is never mistaken for "did not happen".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from spillover.countries import iso3 as country_code
from spillover.countries import iso3_to_name
from spillover.report.coverage import file_coverage, overlapping
from spillover.selection import CERTAINTIES, VIEW_ALL, resolve_group, select
from spillover.store import Store

SUPPORTED, CONTRADICTED, NOT_CHECKABLE = "supported", "contradicted", "not checkable"
DATE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
#: Places within this distance of a named city's events count as that city.
CITY_RADIUS_KM = 50.0
#: Absolute and relative toll tolerance (exact figures; "about" doubles the relative part).
TOLL_ABS, TOLL_REL, TOLL_REL_APPROX = 2, 0.10, 0.20
#: Names the registry does not list but writers use (documented supplement).
EXTRA_ALIASES = {"AQ": "aq-core", "bin Laden": "aq-core", "al Qaeda": "aq-core"}

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1
)}  # fmt: skip
_MONTH_RE = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DECADE_RE = re.compile(r"\b(?:the\s+)?(1[89]\d0|20\d0)s\b")
_SEASON_RE = re.compile(r"\b(early|mid|late)[\s-]+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_SINCE_RE = re.compile(r"\b(post|after|since)\s+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"\bbetween\s+(1[89]\d\d|20\d\d)\s+and\s+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "dozen": 12, "a dozen": 12,
}  # fmt: skip
_NUM = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+|"
    + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True))
    + r")"
)
_QUAL = r"(?P<q>more than|over|at least|upwards of|in excess of|nearly|about|approximately|around|almost|some|up to|fewer than|less than)?\s*"

TACTIC_WORDS: tuple[tuple[str, str], ...] = (
    (r"suicide[\s-]+(?:car[\s-]+)?(?:bomb\w*|attack\w*)", "suicide_attack"),
    (r"hijack\w*", "hijacking"),
    (r"hostage|kidnap\w*|abduct\w*", "kidnapping"),
    (r"assassinat\w*", "assassination"),
    (r"bomb\w*|explosi\w*|\bIEDs?\b", "bombing"),
    (r"massacre\w*|shooting|gunmen|raid\w*|ambush\w*", "armed_assault"),
    (r"\battack\w*|assault\w*|strike", ""),
)
#: Event tactics that satisfy a claimed tactic.
COMPATIBLE = {"suicide_attack": {"suicide_attack"}, "bombing": {"bombing", "suicide_attack"}, "kidnapping": {"kidnapping"},
              "hijacking": {"hijacking"}, "assassination": {"assassination", "armed_assault"},
              "armed_assault": {"armed_assault", "assassination", "battle"}}  # fmt: skip
DIRECTIONS = {
    "north": 0,
    "northeast": 45,
    "east": 90,
    "southeast": 135,
    "south": 180,
    "southwest": 225,
    "west": 270,
    "northwest": 315,
}
ONSET_WORDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    # pattern, onset kinds, complete (the datasets list every such onset: absence contradicts)
    (r"\bcoup\b", ("coup", "coup_attempt"), True),
    (r"\binva(?:sion|ded)\b|\bintervened\b|\bintervention\b", ("foreign_intervention",), False),
    (r"\bcivil war\b", ("war_onset", "war_restart"), True),
    (r"\boverthrow\w*|\bcollapse\b|\bfall of\b", ("regime_collapse", "coup", "uprising"), False),
    (r"\buprising\b|\brevolution\b|\brevolt\b", ("uprising",), False),
)
RELATION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"chang\w+\s+(?:their|its)\s+name|\brenam\w*|\btook\s+the\s+name", ("renamed_to",)),
    (r"pledg\w*\s+[\"']?allegiance", ("pledged_allegiance_to",)),
    (r"\bmerg\w*", ("merged_into", "affiliate_of", "pledged_allegiance_to", "renamed_to")),
    (r"\bsplit\b|\bsplinter\w*|broke away|reformed into", ("split_from", "renamed_to", "merged_into")),
)
HEDGES = re.compile(
    r"\b(implicated|possibly|reportedly|allegedly|suspected|may have|likely|believed)\b", re.IGNORECASE
)


# ---------------------------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------------------------


@dataclass
class When:
    start: date
    end: date
    precision: str  # day, month, season, year, decade, period
    text: str
    position: int = 0

    def __str__(self) -> str:
        if self.precision == "day":
            return f"{self.start:%Y-%m-%d}"
        if self.precision == "month":
            return f"{self.start:%Y-%m}"
        if self.start.year == self.end.year and self.precision == "year":
            return f"{self.start.year}"
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


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


@dataclass
class Claim:
    kind: str  # event, entry, onset, relation, founding, absence, count
    text: str
    when: When | None = None
    places: list[Place] = field(default_factory=list)
    tactic: str | None = None
    tolls: list[Toll] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    hedged: bool = False
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ClaimVerdict:
    """The judgment of one claim against the data."""

    text: str
    kind: str
    verdict: str  # supported / contradicted / not checkable
    data_figure: str  # what the data say, with the figure
    explanation: str  # how it was checked
    event_ids: list[str] = field(default_factory=list)
    aspects: dict[str, str] = field(default_factory=dict)
    sources_covering: list[str] = field(default_factory=list)
    claim: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

_ABBREV = re.compile(
    r"\b(U\.S|U\.N|U\.K|Gen|Mr|Mrs|Ms|Dr|St|No|Lt|Col|Sgt|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|vs|etc|i\.e|e\.g)\."
)
_MARK = "\u2063"


def normalise_text(text: str) -> str:
    """Plain text: Markdown marks and bullets removed, typographic quotes straightened."""
    text = re.sub(r"[*_`#>]+", " ", text)
    text = (
        text.replace("•", "\n")
        .replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    return text


def sentences(text: str) -> list[str]:
    """Sentences of the text (abbreviations such as "U.S." and "Gen." do not end one)."""
    out = []
    for para in re.split(r"\n\s*\n|\n(?=\s*[-•*])|\n", normalise_text(text)):
        para = " ".join(para.split())
        if not para:
            continue
        protected = _ABBREV.sub(lambda m: m.group(0).replace(".", _MARK), para)
        protected = re.sub(r"\b([A-Z])\.(?=\s*[A-Z]\.)", lambda m: m.group(1) + _MARK, protected)
        for piece in re.split(r"(?<=[.!?])[\"')]*\s+(?=[\"'(]?[A-Z0-9])", protected):
            piece = piece.replace(_MARK, ".").strip()
            if len(piece) > 3:
                out.append(piece)
    return out


def parse_number(text: str) -> int | None:
    text = text.strip().lower()
    if text in _WORD_NUMBERS:
        return _WORD_NUMBERS[text]
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else None


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def find_dates(sentence: str, context_year: int | None = None) -> list[When]:
    """Dates in a sentence with their precision: dateparser for days, months and years, regular expressions
    for decades, "early/mid/late YEAR", "between Y1 and Y2" and "post YEAR"."""
    found: list[When] = []
    taken: list[tuple[int, int]] = []

    def add(w: When, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in taken):
            return
        taken.append(span)
        found.append(w)

    for m in _BETWEEN_RE.finditer(sentence):
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        add(When(date(a, 1, 1), date(b, 12, 31), "period", m.group(0), m.start()), m.span())
    for m in _SEASON_RE.finditer(sentence):
        y = int(m.group(2))
        months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[m.group(1).lower()]
        add(When(date(y, months[0], 1), _month_end(y, months[1]), "season", m.group(0), m.start()), m.span())
    for m in _DECADE_RE.finditer(sentence):
        y = int(m.group(1))
        add(When(date(y, 1, 1), date(y + 9, 12, 31), "decade", m.group(0), m.start()), m.span())
    for m in _SINCE_RE.finditer(sentence):
        y = int(m.group(2))
        add(When(date(y, 1, 1), date(y + 9, 12, 31), "period", m.group(0), m.start()), m.span())
    for text, parsed in _search_dates(sentence):
        pos = sentence.find(text)
        when = _precise(text, parsed, sentence, context_year)
        if when is not None:
            when.position = pos
            add(when, (pos, pos + len(text)))
    for m in _YEAR_RE.finditer(sentence):  # years dateparser merged into a neighbour or missed
        y = int(m.group(1))
        add(When(date(y, 1, 1), date(y, 12, 31), "year", m.group(0), m.start()), m.span())
    return sorted(found, key=lambda w: w.position)


def _search_dates(sentence: str) -> list[tuple[str, Any]]:
    if not (_YEAR_RE.search(sentence) or re.search(_MONTH_RE, sentence)):
        return []
    from dateparser.search import search_dates

    try:
        return search_dates(sentence, languages=["en"], settings=DATE_SETTINGS) or []
    except Exception:  # noqa: BLE001 - dateparser raises on odd input; a sentence without dates then
        return []


def _precise(text: str, parsed: Any, sentence: str, context_year: int | None) -> When | None:
    """A dateparser match with the precision its own text supports (dateparser fills what is missing)."""
    year_m = _YEAR_RE.search(text)
    month_m = re.search(_MONTH_RE, text, re.IGNORECASE)
    day_m = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b", _YEAR_RE.sub("", text)) if month_m else None
    if year_m is None:
        if month_m is None or context_year is None or "same year" not in sentence:
            return None
        year = context_year
    else:
        year = int(year_m.group(1))
    if month_m is None:
        return When(date(year, 1, 1), date(year, 12, 31), "year", text)
    month = MONTHS[month_m.group(1).lower()]
    if day_m is not None and 1 <= int(day_m.group(1)) <= 31:
        try:
            day = date(year, month, int(day_m.group(1)))
        except ValueError:
            return None
        return When(day, day, "day", text)
    return When(date(year, month, 1), _month_end(year, month), "month", text)


# ---------------------------------------------------------------------------------------------
# Tolls, tactics, actors, places
# ---------------------------------------------------------------------------------------------

_KILLED_PATTERNS = (
    re.compile(r"\bleft\s+" + _QUAL + r"(?P<n>" + _NUM + r")\s+(?:people\s+)?dead", re.IGNORECASE),
    re.compile(r"\bkill(?:ed|ing)\s+" + _QUAL + r"(?P<n>" + _NUM + r")(?P<who>(?:\s+(?!and\b|in\b|on\b|at\b)[A-Z][\w.]*|\s+(?:UN|U\.S\.)?\s*(?:citizens|employees|soldiers|civilians|people|workers|tourists|hostages|Americans|foreigners))*)", re.IGNORECASE),
    re.compile(_QUAL + r"(?P<n>" + _NUM + r")\s+(?P<who>(?:[A-Z][\w.]*\s+)*(?:people|civilians|soldiers)?)\s*(?:were\s+)?(?:killed|dead)\b", re.IGNORECASE),
)  # fmt: skip
_WOUNDED_PATTERNS = (
    re.compile(r"\b(?:injur\w*|wound\w*)\s+" + _QUAL + r"(?P<n>" + _NUM + r")", re.IGNORECASE),
    re.compile(
        _QUAL + r"(?P<n>" + _NUM + r")\s+(?:people\s+|others\s+)?(?:were\s+)?(?:injured|wounded)",
        re.IGNORECASE,
    ),
)
_SUBSET_PATTERN = re.compile(r"(?P<n>" + _NUM + r")\s+being\s+(?P<who>[\w.\s]+?)(?:[,.;]|$)", re.IGNORECASE)
_QUALIFIERS = {
    "more than": "at_least", "over": "at_least", "at least": "at_least", "upwards of": "at_least", "in excess of": "at_least",
    "nearly": "about", "about": "about", "approximately": "about", "around": "about", "almost": "about", "some": "about",
    "up to": "at_most", "fewer than": "at_most", "less than": "at_most",
}  # fmt: skip
_GENERIC_VICTIMS = {"", "people", "civilians", "persons", "others", "dead"}


def _victims(text: str) -> str:
    """Who a toll counts ("U.S. citizens", "UN employees"), without trailing words that are not part of it."""
    words = text.strip().strip(",.;").split()
    while (
        words
        and words[-1].islower()
        and words[-1]
        not in (
            "citizens",
            "employees",
            "soldiers",
            "civilians",
            "workers",
            "tourists",
            "hostages",
            "people",
            "foreigners",
        )
    ):
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
        if re.search(pattern, text, re.IGNORECASE):
            return (tactic or None), True
    return None, False


@cache
def _alias_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Every alias of every registry group (and the documented supplement), longest first."""
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
    patterns = []
    for name, gid in sorted(names.items(), key=lambda kv: -len(kv[0])):
        flags = 0 if (name.isupper() and len(name) <= 6) else re.IGNORECASE
        patterns.append((re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", flags), gid))
    return tuple(patterns)


def find_actors(text: str) -> list[tuple[int, str]]:
    """Registry groups named in the text, with the position of the first mention."""
    found: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for pattern, gid in _alias_patterns():
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            found[gid] = min(found.get(gid, m.start()), m.start())
    return sorted(((pos, gid) for gid, pos in found.items()))


_PLACE_RE = re.compile(
    r"\b(?:in|at|near|into|of|outside|from|leaving|across)\s+(?:the\s+)?"
    r"(?:(?P<dir>(?:north|south)?(?:east|west)ern|northern|southern|eastern|western|central)\s+)?"
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})"
)
_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
               "December", "The", "Islamic", "Operation", "Africa", "Command", "Department", "History"}  # fmt: skip


def find_places(sentence: str, store: Store) -> list[Place]:
    """Countries (by name) and locations the store knows (by event location or first-level unit)."""
    places = []
    for m in _PLACE_RE.finditer(sentence):
        name = re.sub(r"['’]s?$", "", m.group("name"))
        if name.split()[0] in _NOT_PLACES:
            continue
        direction = (m.group("dir") or "").lower().replace("ern", "") or None
        code = _country(name)
        if code:
            places.append(Place(name, code, "country", direction, position=m.start("name")))
            continue
        loc = _location(store, name)
        if loc is not None:
            places.append(
                Place(name, loc[0], "location", direction, loc[1], loc[2], position=m.start("name"))
            )
    return places


@cache
def _country(name: str) -> str | None:
    """ISO3 of a country name (only whole names: "Algerian" or "Islamic Maghreb" are not countries)."""
    if len(name) < 4 or name.endswith(("ian", "ese", "ish")):
        return None
    return country_code(name)


def _location(store: Store, name: str) -> tuple[str | None, float | None, float | None] | None:
    """Country and median coordinates of the store's events at a place of that name (None if unknown)."""
    rows = store.query(
        "SELECT country_iso3, count(*) AS n, median(latitude) AS lat, median(longitude) AS lon FROM events "
        "WHERE lower(location) = lower(?) OR lower(admin1) = lower(?) GROUP BY 1 ORDER BY n DESC LIMIT 1",
        [name, name],
    )
    if rows.empty:
        return None
    r = rows.iloc[0]
    lat = float(r["lat"]) if pd.notna(r["lat"]) else None
    lon = float(r["lon"]) if pd.notna(r["lon"]) else None
    return r["country_iso3"], lat, lon


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def _clauses(sentence: str, dates: list[When]) -> list[tuple[str, When]]:
    """One clause per date: from the end of the previous date to the start of the next one."""
    out = []
    for i, w in enumerate(dates):
        start = dates[i - 1].position + len(dates[i - 1].text) if i else 0
        end = dates[i + 1].position if i + 1 < len(dates) else len(sentence)
        out.append((sentence[start:end], w))
    return out


def extract_claims(text: str, store: Store, group_id: str) -> list[Claim]:
    """Every checkable claim of the text, in order."""
    claims: list[Claim] = []
    context_year: int | None = None
    default_actor = group_id
    for sentence in sentences(text):
        dates = find_dates(sentence, context_year)
        actors = [gid for _, gid in find_actors(sentence)]
        hedged = bool(HEDGES.search(sentence))
        claims += _relation_claims(sentence, dates, actors, default_actor)
        claims += _onset_claims(sentence, dates)
        claims += _entry_claims(sentence, dates, actors)
        claims += _absence_claims(sentence, actors)
        claims += _count_claims(sentence)
        for clause, when in _clauses(sentence, dates):
            claim = _event_claim(sentence, clause, when, store, actors or [default_actor], hedged)
            if claim is not None:
                claims.append(claim)
        years = [w.start.year for w in dates if w.precision in ("day", "month", "year")]
        if years:
            context_year = years[-1]
    return claims


def _event_claim(
    sentence: str, clause: str, when: When, store: Store, actors: list[str], hedged: bool
) -> Claim | None:
    if when.precision not in ("day", "month", "year", "season"):
        return None
    if any(re.search(p, clause, re.IGNORECASE) for p, _, _ in ONSET_WORDS[:2]) and not find_tolls(clause):
        return None  # "France intervened …": an onset, not the group's attack
    tactic, attack_word = find_tactic(clause)
    tolls = find_tolls(clause) or (
        find_tolls(sentence) if len(_clauses(sentence, find_dates(sentence))) <= 1 else []
    )
    if not attack_word and not tolls:
        return None
    single = len(find_dates(sentence)) <= 1
    places = find_places(clause, store) or (find_places(sentence, store) if single else [])
    if not places:
        return None
    if tactic is None and attack_word:
        tactic, _ = find_tactic(sentence)
    return Claim(
        "event", sentence, when, places, tactic, tolls, actors, hedged, {"clause": clause.strip(" ,.")}
    )


def _entry_claims(sentence: str, dates: list[When], actors: list[str]) -> list[Claim]:
    m = re.search(
        r"\b(expand\w*|spread|mov\w+|extend\w*)\b(?:\s+\w+){0,3}?\s+(?:in)?to\s+(?P<rest>.+)",
        sentence,
        re.IGNORECASE,
    )
    if m is None:
        return []
    subject = sentence[: m.start()]
    named = [gid for _, gid in find_actors(subject)]
    out = []
    for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("rest")):
        first = re.match(r"\s*(?:possibly\s+|the\s+)?([A-Z][\w'’]+(?:\s+[A-Z][\w'’]+)?)", item)
        if not first:
            continue
        code = _country(first.group(1))
        if not code:
            continue
        item_dates = find_dates(item)
        out.append(Claim(
            "entry", sentence, item_dates[0] if item_dates else None, [Place(first.group(1), code, "country")],
            actors=named, details={"subject": subject.strip(), "item": item.strip(" .")},
        ))  # fmt: skip
    return out


def _onset_claims(sentence: str, dates: list[When]) -> list[Claim]:
    out = []
    for pattern, kinds, complete in ONSET_WORDS:
        for m in re.finditer(pattern, sentence, re.IGNORECASE):
            clause = _clause_around(sentence, m.start())
            country = _nearest_country(sentence, clause, m.start())
            when = _nearest_date(dates, m.start(), clause)
            if country is None or when is None:
                continue
            interveners = (
                _interveners(sentence[max(0, m.start() - 40) : m.end() + 5])
                if "foreign_intervention" in kinds
                else []
            )
            out.append(Claim("onset", sentence, when, [country], details={
                "kinds": kinds, "complete": complete, "word": m.group(0), "interveners": interveners, "clause": clause.strip()}))  # fmt: skip
    return out


def _clause_around(sentence: str, pos: int) -> str:
    parts = [(m.start(), m.end()) for m in re.finditer(r"[,;]", sentence)]
    start = max([e for s, e in parts if e <= pos], default=0)
    end = min([s for s, e in parts if s >= pos], default=len(sentence))
    return sentence[start:end]


def _nearest_country(sentence: str, clause: str, pos: int) -> Place | None:
    """The country the onset happened in: a country after "in/into/of" in the clause, else the nearest
    country named before the onset word (so "France intervened in northern Mali" is about Mali)."""
    offset = sentence.find(clause)
    for m in _PLACE_RE.finditer(clause):
        code = _country(re.sub(r"['’]s?$", "", m.group("name")))
        if code:
            return Place(m.group("name"), code, "country", position=offset + m.start("name"))
    candidates = list(_country_mentions(sentence))
    if not candidates:
        return None
    in_clause = [p for p in candidates if p.name in clause]
    pool = in_clause or [p for p in candidates if p.position <= pos]
    if not pool:
        return None
    return min(pool, key=lambda p: abs(p.position - pos))


def _country_mentions(sentence: str) -> list[Place]:
    out = []
    for m in re.finditer(
        r"(?:(?P<dir>(?:north|south)?(?:east|west)ern|northern|southern|eastern|western)\s+)?(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)",
        sentence,
    ):
        code = _country(m.group("name"))
        if code:
            out.append(
                Place(
                    m.group("name"),
                    code,
                    "country",
                    (m.group("dir") or "").replace("ern", "") or None,
                    position=m.start("name"),
                )
            )
    return out


def _nearest_date(dates: list[When], pos: int, clause: str) -> When | None:
    """The date of the clause around ``pos`` (a date may straddle its comma: "January, 2013"), else the
    first date within 100 characters after it."""
    inside = [w for w in dates if w.text in clause or clause.strip().endswith(w.text.split(",")[0])]
    if inside:
        return inside[0]
    after = [w for w in dates if w.position >= pos and w.precision in ("day", "month", "year", "decade")]
    return after[0] if after and after[0].position - pos < 100 else None


def _interveners(text: str) -> list[str]:
    from spillover.report.comparisons import WESTERN_TERMS

    found = []
    for code, words in WESTERN_TERMS.items():
        if any(re.search(r"(?<![\w.])" + re.escape(w) + r"(?![\w])", text) for w in words):
            found.append(code)
    return found


def _relation_claims(sentence: str, dates: list[When], actors: list[str], default_actor: str) -> list[Claim]:
    out = []
    for pattern, types in RELATION_WORDS:
        for m in re.finditer(pattern, sentence, re.IGNORECASE):
            after = [w for w in dates if w.position >= m.start()]
            before = [w for w in dates if w.position < m.start()]
            when = (
                after[0]
                if after and after[0].position - m.end() < 80
                else (before[-1] if before and m.start() - before[-1].position < 40 else None)
            )
            if when is None:
                continue
            out.append(
                Claim(
                    "relation",
                    sentence,
                    when,
                    actors=actors or [default_actor],
                    details={"types": types, "word": m.group(0)},
                )
            )
    m = re.search(r"\b(formed|founded|established|created)\s+in\s+(1[89]\d\d|20\d\d)\b", sentence)
    if m and actors:
        subject = [gid for pos, gid in find_actors(sentence) if pos < m.start()]
        if subject:
            y = int(m.group(2))
            out.append(
                Claim(
                    "founding",
                    sentence,
                    When(date(y, 1, 1), date(y, 12, 31), "year", m.group(2)),
                    actors=[subject[-1]],
                )
            )
    return out


def _absence_claims(sentence: str, actors: list[str]) -> list[Claim]:
    m = re.search(
        r"\b(?:had|has|have|did)\s+not\s+(?:used?|utili[sz]ed|employed|conducted|carried out)\s+(?P<what>[\w\s-]+?)\s+(?:during|in|before)\s+(?P<when>the\s+\d{4}s|\d{4})",
        sentence,
        re.IGNORECASE,
    )
    if not m or not actors:
        return []
    tactic, _ = find_tactic(m.group("what"))
    when = find_dates(m.group("when"))
    subject = [gid for pos, gid in find_actors(sentence) if pos < m.start()]
    if tactic is None or not when or not subject:
        return []
    return [
        Claim(
            "absence",
            sentence,
            when[0],
            tactic=tactic,
            actors=[subject[-1]],
            details={"what": m.group("what")},
        )
    ]


def _count_claims(sentence: str) -> list[Claim]:
    out = []
    for m in re.finditer(
        r"(?P<a>" + _NUM + r")(?:\s*[–-]\s*(?P<b>" + _NUM + r"))?\s+(?:militants|members|fighters)", sentence
    ):
        out.append(Claim("count", sentence, details={"what": "membership", "text": m.group(0)}))
    for m in re.finditer(r"\$\s?(?P<n>[\d.,]+)\s*(?P<unit>million|billion)", sentence):
        out.append(Claim("count", sentence, details={"what": "money", "text": m.group(0)}))
    for m in re.finditer(_QUAL + r"(?P<n>\d{1,3}(?:,\d{3})+)\s+(?P<who>[A-Z]\w+)\s+were\s+killed", sentence):
        out.append(Claim("count", sentence, details={"what": "war toll", "text": m.group(0).strip()}))
    return out


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What every check needs, loaded once."""

    store: Store
    group_id: str
    lineage: set[str]
    family_of: dict[str, str]  # event_id → family member
    family_events: pd.DataFrame
    coverage: pd.DataFrame
    onsets: pd.DataFrame


def check_claims(text: str, store: Store, group: str) -> list[ClaimVerdict]:
    """Extract the checkable claims of ``text`` and judge each against the store (see the module docstring)."""
    from spillover.actors import FAMILY_PARTS, family
    from spillover.instability import load_onsets

    gid = resolve_group(group)
    everyone = select(store, gid, include=FAMILY_PARTS, view=VIEW_ALL, certainty=CERTAINTIES)
    ctx = _Context(
        store=store,
        group_id=gid,
        lineage=family(gid, include=("predecessors", "successors")).ids,
        family_of=dict(zip(everyone.events["event_id"], everyone.events["group_id"], strict=True)),
        family_events=everyone.events,
        coverage=file_coverage(store),
        onsets=load_onsets(),
    )
    verdicts = []
    for claim in extract_claims(text, store, gid):
        checker = {"event": check_event, "entry": check_entry, "onset": check_onset, "relation": check_relation,
                   "founding": check_founding, "absence": check_absence, "count": check_count}[claim.kind]  # fmt: skip
        verdict = checker(claim, ctx)
        verdict.claim = _claim_summary(claim)
        verdicts.append(verdict)
    return _deduplicate(verdicts)


def _deduplicate(verdicts: list[ClaimVerdict]) -> list[ClaimVerdict]:
    seen, out = set(), []
    for v in verdicts:
        key = (v.text, v.kind, v.data_figure)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _claim_summary(c: Claim) -> dict[str, Any]:
    return {
        "kind": c.kind, "when": str(c.when) if c.when else None, "precision": c.when.precision if c.when else None,
        "places": [f"{p.name} ({p.iso3})" for p in c.places], "tactic": c.tactic, "actors": c.actors, "hedged": c.hedged,
        "tolls": [asdict(t) for t in c.tolls], **{k: v for k, v in c.details.items() if k != "clause"},
        "clause": c.details.get("clause"),
    }  # fmt: skip


def window(w: When) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days an event claimed at ``w`` may fall on (a day ±1)."""
    start, end = pd.Timestamp(w.start), pd.Timestamp(w.end)
    if w.precision == "day":
        return start - pd.Timedelta(days=1), end + pd.Timedelta(days=1)
    return start, end


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


@cache
def _country_centre(iso3: str) -> tuple[float, float] | None:
    try:
        from spillover.analysis import geo

        countries = geo.load_countries()
    except Exception:  # noqa: BLE001 - no basemap: directions cannot be checked
        return None
    if iso3 not in countries:
        return None
    c = countries.geometries[iso3].centroid
    return (c.y, c.x)


def candidates(ctx: _Context, claim: Claim) -> pd.DataFrame:
    """Every event (any actor) in the claim's window at the claim's place."""
    lo, hi = window(claim.when)
    place = claim.places[0]
    frame = ctx.store.query(
        "SELECT * FROM events WHERE date_end >= ? AND date_start <= ? AND country_iso3 = ?",
        [lo.to_pydatetime(), hi.to_pydatetime(), place.iso3],
    )
    if frame.empty:
        return frame
    if place.kind == "location":
        name = place.name.lower()
        by_name = frame["location"].fillna("").str.lower().eq(name) | frame["admin1"].fillna(
            ""
        ).str.lower().eq(name)
        near = pd.Series(False, index=frame.index)
        if place.lat is not None and place.lon is not None:
            from spillover.analysis.geo import geodesic_km

            ok = frame["latitude"].notna() & frame["longitude"].notna()
            dist = pd.Series(np.inf, index=frame.index)
            lats, lons = frame.loc[ok, "latitude"].to_numpy(float), frame.loc[ok, "longitude"].to_numpy(float)
            dist[ok] = geodesic_km(np.full(len(lats), place.lat), np.full(len(lats), place.lon), lats, lons)
            near = dist <= CITY_RADIUS_KM
        frame = frame[by_name | near]
    elif place.direction and place.direction in DIRECTIONS:
        centre = _country_centre(place.iso3)
        if centre is not None:
            target = DIRECTIONS[place.direction]
            located = frame["latitude"].notna() & frame["longitude"].notna()

            def within(row: pd.Series) -> bool:
                b = _bearing(centre[0], centre[1], row["latitude"], row["longitude"])
                return abs((b - target + 180) % 360 - 180) <= 67.5

            frame = frame[located & frame.apply(within, axis=1)] if located.any() else frame.iloc[0:0]
    return frame.reset_index(drop=True)


def _tactic_ok(events: pd.DataFrame, tactic: str | None, *, strict: bool = False) -> pd.Series:
    """True where the event's tactics include the claimed one, or (unless ``strict``) the source codes no
    tactic for it."""
    if tactic is None:
        return pd.Series(True, index=events.index)
    wanted = COMPATIBLE.get(tactic, {tactic})

    def ok(row: pd.Series) -> bool:
        names = set(row["tactics"]) if isinstance(row["tactics"], list | tuple | np.ndarray) else set()
        names.add(row["tactic"])
        if row.get("suicide") is True:
            names.add("suicide_attack")
        return bool(names & wanted) or (not strict and names <= {"unknown", None})

    return events.apply(ok, axis=1) if len(events) else pd.Series(dtype=bool)


def coverage_note(
    ctx: _Context, iso3: str | None, lo: pd.Timestamp, hi: pd.Timestamp
) -> tuple[str, list[str]]:
    """Which files cover a country over a window, with their events there in that window."""
    files = overlapping(ctx.coverage, iso3, lo, hi)
    if files.empty:
        return (
            f"no file of the store covers {iso3_to_name(iso3) if iso3 else 'that place'} from {lo:%Y-%m-%d} to {hi:%Y-%m-%d}",
            [],
        )
    counts = ctx.store.query(
        "SELECT f.name, count(*) AS n FROM events e JOIN files f USING (file_id) WHERE e.country_iso3 = ? "
        "AND e.date_end >= ? AND e.date_start <= ? GROUP BY 1",
        [iso3, lo.to_pydatetime(), hi.to_pydatetime()],
    )
    n = dict(zip(counts["name"], counts["n"], strict=True))
    listed = [
        f"{row.file} ({row.source}, {n.get(row.file, 0)} event(s) there then)" for row in files.itertuples()
    ]
    return f"files covering {iso3_to_name(iso3)} then: " + "; ".join(listed), [
        str(s) for s in files["source"]
    ]


def _tolerance(claimed: int, qualifier: str) -> float:
    rel = TOLL_REL_APPROX if qualifier == "about" else TOLL_REL
    return max(TOLL_ABS, rel * claimed)


def toll_agrees(claimed: int, qualifier: str, data: float) -> bool:
    """Does a figure from the data agree with a claimed toll (tolerance in the module docstring)?"""
    tol = _tolerance(claimed, qualifier)
    if qualifier == "at_least":
        return data >= claimed - tol
    if qualifier == "at_most":
        return data <= claimed + tol
    return abs(data - claimed) <= tol


def _best_day(events: pd.DataFrame, tolls: list[Toll]) -> tuple[pd.Timestamp, pd.DataFrame] | None:
    """Per source and day, the summed tolls; the (day, rows) closest to the claimed death toll."""
    if events.empty:
        return None
    days = events.assign(day=pd.to_datetime(events["date_start"]).dt.normalize())
    killed = next((t for t in tolls if t.what == "killed" and t.subset is None), None)
    groups = list(days.groupby("day"))
    if killed is None:
        day, rows = max(groups, key=lambda g: (len(g[1]), g[1]["fatalities"].fillna(0).sum()))
        return day, rows

    def distance(g: tuple[pd.Timestamp, pd.DataFrame]) -> float:
        by_source = g[1].groupby("source")["fatalities"].sum(min_count=1).dropna()
        return float((by_source - killed.value).abs().min()) if len(by_source) else np.inf

    day, rows = min(groups, key=distance)
    return day, rows


def _attribution(ctx: _Context, event_ids: Iterable[str]) -> str:
    """Who the data say did it: the actor names, with the registry relation to the group where there is one."""
    from spillover.actors import default_registry

    reg = default_registry()
    parts = []
    for eid in event_ids:
        member = ctx.family_of.get(eid)
        names = ctx.store.query(
            "SELECT name FROM event_actors WHERE event_id = ? AND role IN ('perpetrator', 'side_a') ORDER BY ordinal",
            [eid],
        )["name"].tolist()
        who = "; ".join(dict.fromkeys(names)) or "unknown"
        if member is not None and member not in ctx.lineage:
            rel = _relation_text(reg, member, ctx.group_id)
            who += f" ({reg.group(member).name}{', ' + rel if rel else ''})"
        parts.append(who)
    return "; ".join(dict.fromkeys(parts))


def _relation_text(reg, member: str, group_id: str) -> str:  # noqa: ANN001 - Registry
    for r in reg.group(member).relations:
        if r.target == group_id:
            return (
                f"{r.type.replace('_', ' ')} {reg.group(group_id).name} since {r.start}"
                if r.start
                else r.type.replace("_", " ")
            )
    for r in reg.group(group_id).relations:
        if r.target == member:
            return f"{reg.group(group_id).name} {r.type.replace('_', ' ')} it since {r.start}"
    return "in the group's wider family"


def check_event(claim: Claim, ctx: _Context) -> ClaimVerdict:
    """A dated attack: find it, check who did it, then the tolls."""
    lo, hi = window(claim.when)
    place = claim.places[0]
    where = f"{place.name}{' (' + iso3_to_name(place.iso3) + ')' if place.kind == 'location' and place.iso3 else ''}"
    base = f"events at {where}{' (' + place.direction + ')' if place.direction else ''} from {lo:%Y-%m-%d} to {hi:%Y-%m-%d}"
    everything = candidates(ctx, claim)
    found = everything[_tactic_ok(everything, claim.tactic)] if len(everything) else everything
    note, covering_sources = coverage_note(ctx, place.iso3, lo, hi)
    aspects: dict[str, str] = {}
    if found.empty:
        return ClaimVerdict(claim.text, "event", NOT_CHECKABLE, "no matching event in the data",
                            f"looked for {base}{' with tactic ' + claim.tactic if claim.tactic else ''}; {note}",
                            [], {"event": NOT_CHECKABLE}, covering_sources)  # fmt: skip
    lineage = found[found["event_id"].map(lambda e: ctx.family_of.get(e) in ctx.lineage)]
    wider = found[found["event_id"].map(lambda e: e in ctx.family_of and ctx.family_of[e] not in ctx.lineage)]
    consulted = everything["event_id"].tolist()
    hedge = " (the claim itself is hedged)" if claim.hedged else ""
    if lineage.empty:
        pick = _best_day(wider if len(wider) else found, claim.tolls)
        rows = pick[1] if pick else found
        figure = _figure(rows)
        who = _attribution(ctx, rows["event_id"])
        if len(wider) or _matches_toll(rows, claim.tolls):
            aspects.update({"event": SUPPORTED, "perpetrator": CONTRADICTED})
            if claim.tactic:
                coded = _tactic_ok(rows, claim.tactic, strict=True).any()
                aspects["tactic"] = SUPPORTED if coded else NOT_CHECKABLE
            aspects.update(_toll_aspects(rows, claim.tolls))
            return ClaimVerdict(claim.text, "event", CONTRADICTED, f"{figure}; the data attribute it to {who}",
                                f"found {len(found)} {base} with a compatible tactic; none is attributed to {iso3_name_of_group(ctx.group_id)} or its lineage{hedge}",
                                consulted, aspects, covering_sources)  # fmt: skip
        return ClaimVerdict(claim.text, "event", NOT_CHECKABLE, f"no event of the group's lineage; {len(found)} other event(s) there then ({who})",
                            f"looked for {base}; none is the group's and none matches the claimed toll{hedge}; {note}",
                            consulted, {"event": NOT_CHECKABLE}, covering_sources)  # fmt: skip
    strict = lineage[_tactic_ok(lineage, claim.tactic, strict=True)] if claim.tactic else lineage
    day, _ = _best_day(strict if len(strict) else lineage, claim.tolls)
    # a coordinated attack is often several rows: every row of the lineage that day at that place counts
    same_day = everything[pd.to_datetime(everything["date_start"]).dt.normalize() == day]
    rows = same_day[same_day["event_id"].map(lambda e: ctx.family_of.get(e) in ctx.lineage)]
    aspects.update({"event": SUPPORTED, "perpetrator": SUPPORTED})
    if claim.tactic:
        coded = rows["tactic"].ne("unknown").any()
        aspects["tactic"] = SUPPORTED if coded else NOT_CHECKABLE
    aspects.update(_toll_aspects(rows, claim.tolls))
    verdict = CONTRADICTED if CONTRADICTED in aspects.values() else SUPPORTED
    return ClaimVerdict(
        claim.text, "event", verdict, _figure(rows),
        f"matched {len(rows)} event(s) of the group's lineage on {day:%Y-%m-%d} among {len(everything)} {base}; tolls compared "
        f"per source, the lineage's rows of that day and place summed (a coordinated attack is often several rows), "
        f"tolerance max({TOLL_ABS}, {TOLL_REL:.0%}){hedge}",
        consulted, aspects, covering_sources,
    )  # fmt: skip


def iso3_name_of_group(group_id: str) -> str:
    from spillover.actors import default_registry

    return default_registry().group(group_id).name


def _matches_toll(rows: pd.DataFrame, tolls: list[Toll]) -> bool:
    aspects = _toll_aspects(rows, tolls)
    return any(v == SUPPORTED for k, v in aspects.items() if k in ("killed", "wounded"))


def _toll_aspects(rows: pd.DataFrame, tolls: list[Toll]) -> dict[str, str]:
    out = {}
    for t in tolls:
        if t.subset is not None:
            out[f"{t.what} ({t.subset})"] = NOT_CHECKABLE
            continue
        col = "fatalities" if t.what == "killed" else "wounded"
        by_source = rows.groupby("source")[col].sum(min_count=1).dropna()
        if by_source.empty:
            out[t.what] = NOT_CHECKABLE
            continue
        out[t.what] = (
            SUPPORTED if any(toll_agrees(t.value, t.qualifier, v) for v in by_source) else CONTRADICTED
        )
    return out


def _figure(rows: pd.DataFrame) -> str:
    """What the data say about matched rows, per source: date(s), killed, wounded, event count."""
    parts = []
    for source, g in rows.groupby("source"):
        days = sorted({f"{pd.Timestamp(d):%Y-%m-%d}" for d in g["date_start"]})
        killed = g["fatalities"].sum(min_count=1)
        wounded = g["wounded"].sum(min_count=1)
        figures = []
        if pd.notna(killed):
            figures.append(f"{killed:.0f} killed")
        if pd.notna(wounded):
            figures.append(f"{wounded:.0f} wounded")
        parts.append(
            f"{source}: {', '.join(figures) or 'no toll'} on {', '.join(days)} ({len(g)} event{'s' if len(g) > 1 else ''})"
        )
    return "; ".join(parts)


def check_entry(claim: Claim, ctx: _Context) -> ClaimVerdict:
    """Entry into a country in a year: the group's sustained presence there (spillover.analysis.expansion)."""
    from spillover.analysis.expansion import measure_expansion

    place = claim.places[0]
    named = [a for a in claim.actors if a in ctx.lineage or a in ctx.family_of.values()]
    if not named:
        subject = claim.details.get("subject", "")
        return ClaimVerdict(claim.text, "entry", NOT_CHECKABLE, f"{place.name}: the claim names no armed group the data attribute events to",
                            f"the subject is '{subject}', not {iso3_name_of_group(ctx.group_id)} or its family; event data record groups, not movements of individuals")  # fmt: skip
    if claim.when is None:
        return ClaimVerdict(
            claim.text, "entry", NOT_CHECKABLE, "no date given", f"entry into {place.name} without a date"
        )
    lineage_events = ctx.family_events[ctx.family_events["group_id"].isin(ctx.lineage)]
    there = lineage_events[lineage_events["country_iso3"] == place.iso3].sort_values("date_start")
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    note, srcs = coverage_note(ctx, place.iso3, lo, hi)
    if there.empty:
        files = overlapping(ctx.coverage, place.iso3, lo, hi)
        if files.empty:
            return ClaimVerdict(
                claim.text,
                "entry",
                NOT_CHECKABLE,
                f"no event of the group in {place.name}",
                note,
                [],
                {},
                srcs,
            )
        return ClaimVerdict(
            claim.text,
            "entry",
            CONTRADICTED,
            f"no event of the group's lineage in {place.name} at any date",
            note,
            [],
            {},
            srcs,
        )
    result = measure_expansion(lineage_events)
    entered = result.countries.set_index("country_iso3").loc[place.iso3, "entered"]
    first = pd.Timestamp(there["date_start"].iloc[0])
    in_window = there[
        (pd.to_datetime(there["date_start"]) >= lo) & (pd.to_datetime(there["date_start"]) <= hi)
    ]
    figure = f"first event in {place.name} {first:%Y-%m-%d} ({there['event_id'].iloc[0]}); " + (
        f"sustained presence ({result.rule.describe()}) from {pd.Timestamp(entered):%Y-%m-%d}" if pd.notna(entered)
        else f"never sustained ({result.rule.describe()}): {len(there)} event(s) in all"
    ) + f"; {len(in_window)} event(s) in {claim.when}"  # fmt: skip
    started_then = lo <= first <= hi or (pd.notna(entered) and lo <= pd.Timestamp(entered) <= hi)
    verdict = SUPPORTED if started_then else CONTRADICTED if srcs else NOT_CHECKABLE
    return ClaimVerdict(claim.text, "entry", verdict, figure,
                        f"the group's lineage events in {place.name}; an entry is supported when its first event or its sustained presence falls in {claim.when}; {note}",
                        there["event_id"].head(10).tolist(), {}, srcs)  # fmt: skip


def check_onset(claim: Claim, ctx: _Context) -> ClaimVerdict:
    """An instability onset against the onset registry (coup lists, UCDP, curated interventions)."""
    place = claim.places[0]
    kinds = claim.details["kinds"]
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    o = ctx.onsets
    here = o[(o["country_iso3"] == place.iso3) & (o["date"] >= lo) & (o["date"] <= hi)]
    match = here[here["kind"].isin(kinds)]
    interveners = claim.details.get("interveners") or []
    if interveners and len(match):
        by = match[match["interveners"].map(lambda xs: bool(set(xs or ()) & set(interveners)))]
        match = by if len(by) else match
    listed = "; ".join(
        f"{r.kind} {pd.Timestamp(r.date):%Y-%m-%d} ({r.detail}, {r.source})" for r in match.itertuples()
    )
    others = "; ".join(f"{r.kind} {pd.Timestamp(r.date):%Y-%m-%d}" for r in here.itertuples()) or "none"
    how = f"onset registry (Powell & Thyne, Cline Center, UCDP/PRIO ACD, curated file) for {place.name}, {claim.when}"
    if len(match):
        return ClaimVerdict(claim.text, "onset", SUPPORTED, listed, how)
    verdict = CONTRADICTED if claim.details["complete"] else NOT_CHECKABLE
    why = (
        "these datasets list every such onset"
        if claim.details["complete"]
        else "the curated list may be incomplete"
    )
    return ClaimVerdict(
        claim.text,
        "onset",
        verdict,
        f"no {'/'.join(kinds)} in {place.name} in {claim.when}; the registry has: {others}",
        f"{how}; {why}",
    )


def check_relation(claim: Claim, ctx: _Context) -> ClaimVerdict:
    """A renaming, pledge, merger or split against the actor registry (curated and cited)."""
    from spillover.actors import default_registry

    reg = default_registry()
    types = claim.details["types"]
    actors = set(claim.actors) | ({ctx.group_id} if not set(claim.actors) & ctx.lineage else set())
    pool = actors | ctx.lineage
    rels = reg.relations()
    rels = rels[rels["type"].isin(types) & (rels["group_id"].isin(pool) | rels["target"].isin(pool))]
    named = rels[rels["group_id"].isin(actors) | rels["target"].isin(actors)]
    rels = named if len(named) else rels
    if rels.empty:
        return ClaimVerdict(claim.text, "relation", NOT_CHECKABLE, f"the registry records no {'/'.join(types)} for these groups",
                            "actor registry (curated, cited)")  # fmt: skip
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    starts = pd.to_datetime(rels["start"].astype(str), errors="coerce")
    inside = rels[(starts >= lo - pd.Timedelta(days=31)) & (starts <= hi + pd.Timedelta(days=31))]
    show = inside if len(inside) else rels
    listed = "; ".join(
        f"{r.group_id} {r.type.replace('_', ' ')} {r.target} {r.when.rstrip(' –')} ({r.sources})"
        for r in show.itertuples()
    )
    verdict = SUPPORTED if len(inside) else CONTRADICTED
    return ClaimVerdict(claim.text, "relation", verdict, f"registry: {listed}",
                        f"actor registry (curated and cited, not event data); claimed {claim.details['word']!r} in {claim.when}, a month's tolerance")  # fmt: skip


def check_founding(claim: Claim, ctx: _Context) -> ClaimVerdict:
    from spillover.actors import default_registry

    g = default_registry().group(claim.actors[0])
    if g.founded is None:
        return ClaimVerdict(
            claim.text,
            "founding",
            NOT_CHECKABLE,
            f"the registry gives no founding date for {g.name}",
            "actor registry",
        )
    ok = (
        claim.when.start <= g.founded.first <= claim.when.end
        or claim.when.start <= g.founded.last <= claim.when.end
    )
    return ClaimVerdict(claim.text, "founding", SUPPORTED if ok else CONTRADICTED, f"registry: {g.name} founded {g.founded}",
                        "actor registry (curated, cited)")  # fmt: skip


def check_absence(claim: Claim, ctx: _Context) -> ClaimVerdict:
    """'X had not used TACTIC during PERIOD': the group's events with that tactic in the period."""
    from spillover.analysis._common import uses_tactic

    gid = claim.actors[0]
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    ev = ctx.family_events[ctx.family_events["group_id"] == gid]
    if ev.empty:
        ev = select(ctx.store, gid, include=(), view=VIEW_ALL, certainty=CERTAINTIES).events
    ev = ev.assign(suicide=ev["suicide"].astype("boolean").fillna(False)) if "suicide" in ev else ev
    period = ev[(pd.to_datetime(ev["date_start"]) >= lo) & (pd.to_datetime(ev["date_start"]) <= hi)]
    used = period[uses_tactic(period, claim.tactic)] if len(period) else period
    name = iso3_name_of_group(gid)
    if period.empty:
        return ClaimVerdict(
            claim.text,
            "absence",
            NOT_CHECKABLE,
            f"no event of {name} in {claim.when} in the data",
            "events of the group in the period",
        )
    figure = f"{len(used)} of {len(period)} events of {name} in {claim.when} are {claim.tactic}"
    ids = (used if len(used) else period)["event_id"].head(10).tolist()
    return ClaimVerdict(claim.text, "absence", SUPPORTED if used.empty else CONTRADICTED, figure,
                        f"{name}'s events in the period with the tactic (sources: {', '.join(sorted(period['source'].unique()))})", ids)  # fmt: skip


def check_count(claim: Claim, ctx: _Context) -> ClaimVerdict:
    what = claim.details["what"]
    why = {
        "membership": "event data record events, not the number of members or fighters",
        "money": "event data do not record ransom totals or budgets" + _ransom_note(ctx),
        "war toll": "the store holds extracts of the sources, not a complete count of the war's dead",
    }[what]
    return ClaimVerdict(claim.text, "count", NOT_CHECKABLE, f"{what}: {claim.details['text']}", why)


def _ransom_note(ctx: _Context) -> str:
    ev = ctx.family_events
    known = ev["ransom_paid"].notna().sum() if "ransom_paid" in ev else 0
    return f" (ransom paid is known for {int(known)} of the family's events)"
