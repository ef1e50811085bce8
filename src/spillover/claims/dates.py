"""Dates in a sentence, each with the precision its own words support (a day, a month, a season, a year, a
decade or a period): dateparser finds the spans with a month name, regular expressions the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DATE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1
)}  # fmt: skip
_MONTH_RE = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
)
_MONTH_ANY_CASE = re.compile(_MONTH_RE.pattern, re.IGNORECASE)
YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DECADE_RE = re.compile(r"\b(?:the\s+)?(1[89]\d0|20\d0)s\b")
_SEASON_RE = re.compile(r"\b(early|mid|late)[\s-]+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_SINCE_RE = re.compile(r"\b(post|after|since)\s+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"\bbetween\s+(1[89]\d\d|20\d\d)\s+and\s+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_DAY_RE = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
_SEASONS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


@dataclass
class When:
    """A date as written: the period it covers, its precision, its words and where they start."""

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


def year_span(year: int, text: str, position: int = 0) -> When:
    """The whole of ``year``."""
    return When(date(year, 1, 1), date(year, 12, 31), "year", text, position)


def month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def find_dates(sentence: str, context_year: int | None = None) -> list[When]:
    """Dates in a sentence with their precision: dateparser for days and months, regular expressions for
    years, decades, "early/mid/late YEAR", "between Y1 and Y2" and "post YEAR".  ``context_year`` is the
    year "of the same year" refers to."""
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
        first, last = _SEASONS[m.group(1).lower()]
        add(When(date(y, first, 1), month_end(y, last), "season", m.group(0), m.start()), m.span())
    for m in _DECADE_RE.finditer(sentence):
        y = int(m.group(1))
        add(When(date(y, 1, 1), date(y + 9, 12, 31), "decade", m.group(0), m.start()), m.span())
    for m in _SINCE_RE.finditer(sentence):
        y = int(m.group(2))
        add(When(date(y, 1, 1), date(y + 9, 12, 31), "period", m.group(0), m.start()), m.span())
    for text, _ in _search_dates(sentence):
        pos = sentence.find(text)
        when = _precise(text, sentence, context_year)
        if when is not None:
            when.position = pos
            add(when, (pos, pos + len(text)))
    for m in YEAR_RE.finditer(sentence):  # years dateparser merged into a neighbour, or was not asked about
        add(year_span(int(m.group(1)), m.group(0), m.start()), m.span())
    return sorted(found, key=lambda w: w.position)


def _search_dates(sentence: str) -> list[tuple[str, Any]]:
    """dateparser's date spans, asked only of sentences that name a month (the costly step: a year alone is
    found by :data:`YEAR_RE`, and a span without a month gives nothing more precise than its year)."""
    if not _MONTH_RE.search(sentence):
        return []
    from dateparser.search import search_dates

    try:
        return search_dates(sentence, languages=["en"], settings=DATE_SETTINGS) or []
    except Exception:  # noqa: BLE001 - dateparser raises on odd input; a sentence without dates then
        return []


def _precise(text: str, sentence: str, context_year: int | None) -> When | None:
    """A dateparser span with the precision its own words support (dateparser fills what is missing)."""
    year_m = YEAR_RE.search(text)
    month_m = _MONTH_ANY_CASE.search(text)
    day_m = _DAY_RE.search(YEAR_RE.sub("", text)) if month_m else None
    if year_m is None:
        if month_m is None or context_year is None or "same year" not in sentence:
            return None
        year = context_year
    else:
        year = int(year_m.group(1))
    if month_m is None:
        return year_span(year, text)
    month = MONTHS[month_m.group(1).lower()]
    if day_m is not None and 1 <= int(day_m.group(1)) <= 31:
        try:
            day = date(year, month, int(day_m.group(1)))
        except ValueError:
            return None
        return When(day, day, "day", text)
    return When(date(year, month, 1), month_end(year, month), "month", text)
