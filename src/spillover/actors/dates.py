"""Dates known to a day, a month or a year.

Sources rarely give the day a group was founded or a pledge was made, and inventing one would put false
precision into every "as of" answer.  A :class:`FuzzyDate` keeps what is known: ``2007-01-24`` (day),
``2007-01`` (month) or ``2007`` (year).  Comparisons use the first day of the period, so "founded 2007"
counts from 2007-01-01; the precision travels with the value for display and for the inverted-dates check,
which compares the *last* day an end may fall on with the *first* day a start may fall on.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

Precision = Literal["day", "month", "year"]


class FuzzyDate(BaseModel):
    """A date with the precision the source gives it.  Write it in YAML as ``2007``, ``2007-01`` or
    ``2007-01-24`` (or as ``{date: 2007-01-24, precision: month}`` when a day is given but only the month is
    reliable)."""

    model_config = ConfigDict(frozen=True)

    date: dt.date
    precision: Precision = "day"

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, value: Any) -> Any:
        if isinstance(value, FuzzyDate | dict):
            return value
        return parse_fuzzy(value).model_dump()

    @property
    def first(self) -> dt.date:
        """First day the date may denote."""
        return self.date

    @property
    def last(self) -> dt.date:
        """Last day the date may denote (end of the month or year for coarse dates)."""
        d = self.date
        if self.precision == "year":
            return dt.date(d.year, 12, 31)
        if self.precision == "month":
            return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        return d

    def __str__(self) -> str:
        from spillover.formatting import date_at  # the one rule for a date at its precision

        return date_at(self.date, self.precision)


def parse_fuzzy(value: Any) -> FuzzyDate:
    """Read ``2007``, ``"2007-01"``, ``"2007-01-24"``, a date or a timestamp, keeping the precision given."""
    if isinstance(value, FuzzyDate):
        return value
    if isinstance(value, pd.Timestamp | dt.datetime):
        return FuzzyDate.model_construct(date=value.date(), precision="day")
    if isinstance(value, dt.date):
        return FuzzyDate.model_construct(date=value, precision="day")
    if isinstance(value, int) and not isinstance(value, bool):
        return FuzzyDate.model_construct(date=dt.date(value, 1, 1), precision="year")
    if isinstance(value, str):
        text = value.strip()
        parts = text.split("-")
        try:
            if len(parts) == 1:
                return FuzzyDate.model_construct(date=dt.date(int(parts[0]), 1, 1), precision="year")
            if len(parts) == 2:
                return FuzzyDate.model_construct(
                    date=dt.date(int(parts[0]), int(parts[1]), 1), precision="month"
                )
            if len(parts) == 3:
                return FuzzyDate.model_construct(date=dt.date.fromisoformat(text), precision="day")
        except ValueError as exc:
            raise ValueError(f"not a date: {value!r} (write YYYY, YYYY-MM or YYYY-MM-DD)") from exc
    raise ValueError(f"not a date: {value!r} (write YYYY, YYYY-MM or YYYY-MM-DD)")


def to_date(value: Any) -> dt.date:
    """A plain date from anything :func:`parse_fuzzy` reads (coarse dates become their first day)."""
    return parse_fuzzy(value).first


def within(day: dt.date, start: FuzzyDate | None, end: FuzzyDate | None) -> bool:
    """True when ``day`` lies in the period from ``start`` (its first day) to ``end`` (its last day)."""
    if start is not None and day < start.first:
        return False
    return not (end is not None and day > end.last)


def overlaps(
    a: tuple[FuzzyDate | None, FuzzyDate | None], b: tuple[FuzzyDate | None, FuzzyDate | None]
) -> bool:
    """True when two open-ended periods share at least one possible day."""
    lo_a = a[0].first if a[0] else dt.date.min
    hi_a = a[1].last if a[1] else dt.date.max
    lo_b = b[0].first if b[0] else dt.date.min
    hi_b = b[1].last if b[1] else dt.date.max
    return lo_a <= hi_b and lo_b <= hi_a
