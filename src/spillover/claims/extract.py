"""Claims from sentences: dated attacks (events), entries into a country, instability onsets, lineage facts
(renamings, pledges, mergers, splits, foundings), absences of a tactic, and counts event data cannot check.

One pass over the sentences finds their dates, the groups they name and the place names they use; the
place names of the whole text are then looked up in the store at once (:class:`Locations`), and a second
pass over the same sentences builds the claims.  A claim in a sentence that states a cause ("led to",
"because of", …) carries the causal link (:func:`causal_link`), so that its date alone is never taken to
show the cause.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from spillover.claims.dates import When, find_dates, year_span
from spillover.claims.mentions import (
    PLACE_RE,
    Locations,
    Place,
    Toll,
    country,
    find_actors,
    find_tactic,
    find_tolls,
    place_names,
)
from spillover.claims.text import HEDGES, NUM, QUAL, sentences
from spillover.countries import western_states_named
from spillover.store import Store

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
#: Words by which a sentence says that what comes before them caused what comes after.
CAUSE_THEN_EFFECT = re.compile(
    r"\b(strengthen\w*|weaken\w*|led to|leads? to|leading to|result(?:ed|s|ing)? in|caus(?:ed|es|ing)|"
    r"prompt(?:ed|s|ing)|trigger(?:ed|s|ing)|enabl(?:ed|es|ing)|paved the way)\b",
    re.IGNORECASE,
)
#: Words by which a sentence names, in the phrase after them, the cause of the rest.
EFFECT_BECAUSE = re.compile(
    r"\b(because of|in response to|responding to|as a result of|due to|in retaliation for|owing to)\b",
    re.IGNORECASE,
)
_ONSET_PATTERNS = tuple((re.compile(p, re.IGNORECASE), kinds, complete) for p, kinds, complete in ONSET_WORDS)
_RELATION_PATTERNS = tuple((re.compile(p, re.IGNORECASE), types) for p, types in RELATION_WORDS)
_ENTRY_RE = re.compile(
    r"\b(expand\w*|spread|mov\w+|extend\w*)\b(?:\s+\w+){0,3}?\s+(?:in)?to\s+(?P<rest>.+)", re.IGNORECASE
)
_FOUNDED_RE = re.compile(r"\b(formed|founded|established|created)\s+in\s+(1[89]\d\d|20\d\d)\b")
_ABSENCE_RE = re.compile(
    r"\b(?:had|has|have|did)\s+not\s+(?:used?|utili[sz]ed|employed|conducted|carried out)\s+(?P<what>[\w\s-]+?)\s+(?:during|in|before)\s+(?P<when>the\s+\d{4}s|\d{4})",
    re.IGNORECASE,
)
_MEMBERS_RE = re.compile(
    r"(?P<a>" + NUM + r")(?:\s*[–-]\s*(?P<b>" + NUM + r"))?\s+(?:militants|members|fighters)"
)
_MONEY_RE = re.compile(r"\$\s?(?P<n>[\d.,]+)\s*(?P<unit>million|billion)")
_WAR_TOLL_RE = re.compile(QUAL + r"(?P<n>\d{1,3}(?:,\d{3})+)\s+(?P<who>[A-Z]\w+)\s+were\s+killed")
_COUNTRY_MENTION_RE = re.compile(
    r"(?:(?P<dir>(?:north|south)?(?:east|west)ern|northern|southern|eastern|western)\s+)?(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
_CLAUSE_MARKS = re.compile(r"[,;]")


@dataclass
class Claim:
    """One checkable statement of the text, with what the extractors read in it."""

    kind: str  # event, entry, onset, relation, founding, absence, count
    text: str
    when: When | None = None
    places: list[Place] = field(default_factory=list)
    tactic: str | None = None
    tolls: list[Toll] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    hedged: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    #: The sentence's causal link, when it states one: its words and whether the claim's dated part is
    #: the cause or the effect (:func:`causal_link`).
    causal: dict[str, str] | None = None

    def summary(self) -> dict[str, Any]:
        """What was read in the claim, for the verdict's ``claim`` field."""
        return {
            "kind": self.kind, "when": str(self.when) if self.when else None,
            "precision": self.when.precision if self.when else None,
            "places": [f"{p.name} ({p.iso3})" for p in self.places], "tactic": self.tactic, "actors": self.actors,
            "hedged": self.hedged, "tolls": [asdict(t) for t in self.tolls],
            **{k: v for k, v in self.details.items() if k != "clause"}, "causal": self.causal,
            "clause": self.details.get("clause"),
        }  # fmt: skip


@dataclass
class _Sentence:
    """A sentence read once: its dates (with the year "the same year" refers to), the groups it names."""

    text: str
    dates: list[When]
    actors: list[tuple[int, str]]

    @property
    def groups(self) -> list[str]:
        return [gid for _, gid in self.actors]

    def groups_before(self, pos: int) -> list[str]:
        return [gid for p, gid in self.actors if p < pos]

    def clauses(self) -> list[tuple[str, When]]:
        """One clause per date: from the end of the previous date to the start of the next one."""
        out = []
        for i, w in enumerate(self.dates):
            start = self.dates[i - 1].position + len(self.dates[i - 1].text) if i else 0
            end = self.dates[i + 1].position if i + 1 < len(self.dates) else len(self.text)
            out.append((self.text[start:end], w))
        return out


def read_sentences(text: str) -> list[_Sentence]:
    """Every sentence with its dates and groups; "of the same year" takes the year of the last date before."""
    out = []
    context_year: int | None = None
    for sentence in sentences(text):
        dates = find_dates(sentence, context_year)
        out.append(_Sentence(sentence, dates, find_actors(sentence)))
        years = [w.start.year for w in dates if w.precision in ("day", "month", "year")]
        if years:
            context_year = years[-1]
    return out


def extract_claims(text: str, store: Store, group_id: str) -> list[Claim]:
    """Every checkable claim of the text, in order (one store query, for the place names)."""
    read = read_sentences(text)
    names = set()
    for s in read:
        names |= place_names(s.text)
        for clause, _ in s.clauses():
            names |= place_names(clause)
    locations = Locations(store, names)
    claims: list[Claim] = []
    for s in read:
        claims += claims_of(s, locations, group_id)
    return claims


def claims_of(s: _Sentence, locations: Locations, default_actor: str) -> list[Claim]:
    """The claims of one sentence, each with the sentence's causal link where it has one."""
    hedged = bool(HEDGES.search(s.text))
    found: list[tuple[int, Claim]] = []
    found += _relation_claims(s, default_actor)
    found += _onset_claims(s)
    found += _entry_claims(s)
    found += _absence_claims(s)
    found += [(-1, c) for c in _count_claims(s.text)]
    for clause, when in s.clauses():
        claim = _event_claim(s, clause, when, locations, s.groups or [default_actor], hedged)
        if claim is not None:
            found.append((when.position, claim))
    for anchor, claim in found:
        if claim.kind != "count":  # a count is never checkable, causal or not
            claim.causal = causal_link(s.text, anchor)
    return [claim for _, claim in found]


def causal_link(sentence: str, anchor: int) -> dict[str, str] | None:
    """The causal link a sentence states, seen from the claim at ``anchor``: ``dated_part`` is "cause" when
    the claim's dated fact is what the sentence says caused something ("The invasion in 2003 strengthened
    ties …", "In response to the coup in 2012, …"), "effect" when the claim's fact is the outcome
    ("France intervened in 2013 because of …", "… which led to their merger in 2007")."""
    m = CAUSE_THEN_EFFECT.search(sentence)
    if m is not None:
        return {"words": m.group(0), "dated_part": "cause" if anchor < m.start() else "effect"}
    m = EFFECT_BECAUSE.search(sentence)
    if m is not None:
        end = next((c.start() for c in _CLAUSE_MARKS.finditer(sentence, m.end())), len(sentence))
        return {"words": m.group(0), "dated_part": "cause" if m.end() <= anchor < end else "effect"}
    return None


def _event_claim(
    s: _Sentence, clause: str, when: When, locations: Locations, actors: list[str], hedged: bool
) -> Claim | None:
    if when.precision not in ("day", "month", "year", "season"):
        return None
    clause_tolls = find_tolls(clause)
    if any(p.search(clause) for p, _, _ in _ONSET_PATTERNS[:2]) and not clause_tolls:
        return None  # "France intervened …": an onset, not the group's attack
    tactic, attack_word = find_tactic(clause)
    single = len(s.dates) <= 1
    tolls = clause_tolls or (find_tolls(s.text) if single else [])
    if not attack_word and not tolls:
        return None
    places = locations.find(clause) or (locations.find(s.text) if single else [])
    if not places:
        return None
    if tactic is None and attack_word:
        tactic, _ = find_tactic(s.text)
    return Claim(
        "event", s.text, when, places, tactic, tolls, actors, hedged, {"clause": clause.strip(" ,.")}
    )


def _entry_claims(s: _Sentence) -> list[tuple[int, Claim]]:
    m = _ENTRY_RE.search(s.text)
    if m is None:
        return []
    subject = s.text[: m.start()]
    named = s.groups_before(m.start())
    out = []
    for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("rest")):
        first = re.match(r"\s*(?:possibly\s+|the\s+)?([A-Z][\w'’]+(?:\s+[A-Z][\w'’]+)?)", item)
        if not first:
            continue
        code = country(first.group(1))
        if not code:
            continue
        item_dates = find_dates(item)
        out.append((m.start(), Claim(
            "entry", s.text, item_dates[0] if item_dates else None, [Place(first.group(1), code, "country")],
            actors=named, details={"subject": subject.strip(), "item": item.strip(" .")},
        )))  # fmt: skip
    return out


def _onset_claims(s: _Sentence) -> list[tuple[int, Claim]]:
    out = []
    for pattern, kinds, complete in _ONSET_PATTERNS:
        for m in pattern.finditer(s.text):
            clause = _clause_around(s.text, m.start())
            place = _nearest_country(s.text, clause, m.start())
            when = _nearest_date(s.dates, m.start(), clause)
            if place is None or when is None:
                continue
            interveners = (
                western_states_named(s.text[max(0, m.start() - 40) : m.end() + 5])
                if "foreign_intervention" in kinds
                else []
            )
            out.append((m.start(), Claim("onset", s.text, when, [place], details={
                "kinds": kinds, "complete": complete, "word": m.group(0), "interveners": interveners,
                "clause": clause.strip()})))  # fmt: skip
    return out


def _clause_around(sentence: str, pos: int) -> str:
    parts = [(m.start(), m.end()) for m in _CLAUSE_MARKS.finditer(sentence)]
    start = max([e for s, e in parts if e <= pos], default=0)
    end = min([s for s, e in parts if s >= pos], default=len(sentence))
    return sentence[start:end]


def _nearest_country(sentence: str, clause: str, pos: int) -> Place | None:
    """The country the onset happened in: a country after "in/into/of" in the clause, else the nearest
    country named before the onset word (so "France intervened in northern Mali" is about Mali)."""
    offset = sentence.find(clause)
    for m in PLACE_RE.finditer(clause):
        code = country(re.sub(r"['’]s?$", "", m.group("name")))
        if code:
            return Place(m.group("name"), code, "country", position=offset + m.start("name"))
    candidates = _country_mentions(sentence)
    if not candidates:
        return None
    in_clause = [p for p in candidates if p.name in clause]
    pool = in_clause or [p for p in candidates if p.position <= pos]
    if not pool:
        return None
    return min(pool, key=lambda p: abs(p.position - pos))


def _country_mentions(sentence: str) -> list[Place]:
    out = []
    for m in _COUNTRY_MENTION_RE.finditer(sentence):
        code = country(m.group("name"))
        if code:
            direction = (m.group("dir") or "").replace("ern", "") or None
            out.append(Place(m.group("name"), code, "country", direction, position=m.start("name")))
    return out


def _nearest_date(dates: list[When], pos: int, clause: str) -> When | None:
    """The date of the clause around ``pos`` (a date may straddle its comma: "January, 2013"), else the
    first date within 100 characters after it."""
    inside = [w for w in dates if w.text in clause or clause.strip().endswith(w.text.split(",")[0])]
    if inside:
        return inside[0]
    after = [w for w in dates if w.position >= pos and w.precision in ("day", "month", "year", "decade")]
    return after[0] if after and after[0].position - pos < 100 else None


def _relation_claims(s: _Sentence, default_actor: str) -> list[tuple[int, Claim]]:
    out = []
    for pattern, types in _RELATION_PATTERNS:
        for m in pattern.finditer(s.text):
            after = [w for w in s.dates if w.position >= m.start()]
            before = [w for w in s.dates if w.position < m.start()]
            when = (
                after[0]
                if after and after[0].position - m.end() < 80
                else (before[-1] if before and m.start() - before[-1].position < 40 else None)
            )
            if when is None:
                continue
            claim = Claim(
                "relation", s.text, when, actors=s.groups or [default_actor],
                details={"types": types, "word": m.group(0)},
            )  # fmt: skip
            out.append((m.start(), claim))
    m = _FOUNDED_RE.search(s.text)
    if m and s.actors:
        subject = s.groups_before(m.start())
        if subject:
            founded = year_span(int(m.group(2)), m.group(2))
            out.append((m.start(), Claim("founding", s.text, founded, actors=[subject[-1]])))
    return out


def _absence_claims(s: _Sentence) -> list[tuple[int, Claim]]:
    m = _ABSENCE_RE.search(s.text)
    if not m or not s.actors:
        return []
    tactic, _ = find_tactic(m.group("what"))
    when = find_dates(m.group("when"))
    subject = s.groups_before(m.start())
    if tactic is None or not when or not subject:
        return []
    claim = Claim(
        "absence", s.text, when[0], tactic=tactic, actors=[subject[-1]], details={"what": m.group("what")}
    )
    return [(m.start(), claim)]


def _count_claims(sentence: str) -> list[Claim]:
    out = []
    for m in _MEMBERS_RE.finditer(sentence):
        out.append(Claim("count", sentence, details={"what": "membership", "text": m.group(0)}))
    for m in _MONEY_RE.finditer(sentence):
        out.append(Claim("count", sentence, details={"what": "money", "text": m.group(0)}))
    for m in _WAR_TOLL_RE.finditer(sentence):
        out.append(Claim("count", sentence, details={"what": "war toll", "text": m.group(0).strip()}))
    return out
