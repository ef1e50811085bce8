"""One way to print a number, a date and a code for people: used by the report and the web app.

Numbers go through ``babel.numbers`` patterns (grouping, fixed decimals, never scientific notation), so
``4.23e-14`` prints "0" and a fused toll of ``68.5`` deaths prints as the count "68"; an unknown value is an
em dash.  Dates print at the precision they are known to: a split known to the year is "2011", not
"2011-01-01".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import pandas as pd
from babel.numbers import format_decimal, format_percent

#: What a number is; decides how it prints.
Kind = Literal["count", "share", "p", "decimal", "auto"]
UNKNOWN = "—"
LOCALE = "en_GB"


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, kind: Kind = "auto", digits: int = 1) -> str:
    """A number for people: ``count`` an integer with grouping ("1,234"); ``share`` a percentage
    ("12.5%", ``digits`` decimals); ``p`` a p-value ("< 0.001", "0.042"); ``decimal`` at most ``digits``
    decimals; ``auto`` an integer when whole, else up to three significant decimals.  Never scientific
    notation; unknown values print "—"."""
    if is_missing(value):
        return UNKNOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if kind == "count":
        return format_decimal(round(v), format="#,##0", locale=LOCALE)
    if kind == "share":
        return format_percent(v, format="#,##0." + "#" * digits + "%" if digits else "#,##0%", locale=LOCALE)
    if kind == "p":
        return "< 0.001" if v < 0.001 else format_decimal(v, format="0.000", locale=LOCALE)
    if kind == "decimal":
        return format_decimal(v, format="#,##0." + "#" * max(digits, 0), locale=LOCALE)
    if v == int(v):
        return format_decimal(v, format="#,##0", locale=LOCALE)
    pattern = "#,##0.###" if abs(v) < 10 else "#,##0.#" if abs(v) < 1000 else "#,##0"
    return format_decimal(v, format=pattern, locale=LOCALE)


def date_at(value: Any, precision: str | None = "day") -> str:
    """A date at the precision it is known to: ``year`` "2011", ``month`` "2011-03", else "2011-03-04"."""
    if is_missing(value):
        return UNKNOWN
    day = value if isinstance(value, dt.date) else pd.Timestamp(value)
    if precision == "year":
        return f"{day:%Y}"
    if precision == "month":
        return f"{day:%Y-%m}"
    return f"{day:%Y-%m-%d}"


def dates_at(frame: pd.DataFrame, column: str) -> list[str]:
    """A column of dates at the precision its ``<column>_precision`` gives ("2011", "2011-03" or a day);
    an open end (no date) prints empty."""
    precision = frame[f"{column}_precision"] if f"{column}_precision" in frame else [None] * len(frame)
    return [
        "" if is_missing(d) else date_at(d, p or "day") for d, p in zip(frame[column], precision, strict=True)
    ]


def relation_words(kind: str) -> str:
    """A registry relation type in words: ``split_from`` → "split from"."""
    return str(kind).replace("_", " ")
