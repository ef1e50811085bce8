"""The period a question is asked over: ``since``/``until``, read and checked in one place.

Every surface takes the same bounds (the command line's ``--since``/``--until``, the web app's query
parameters and report ids, the Python API's keywords) and hands them to :func:`period_bounds`, so that a
bound means the same everywhere:

* a bound may be a year, a month or a day (``2012``, ``2012-03``, ``2012-03-05``, or a date): ``since``
  is the first day of what it names and ``until`` the last, so ``--until 2012`` keeps the whole of 2012
  (read as a timestamp, ``2012`` would be 1 January and end the period on the year's first day);
* a bound that names no real day (``2012-02-30``, ``soon``) or a ``since`` after the ``until`` is an
  :class:`InvalidPeriod`, which each surface reports in its own way (one line and exit 2, HTTP 422, an
  invalid report id), never an empty answer;
* the result is the pair of ISO days (``None`` for an open bound), the one spelling of a period in
  results and in the keys of kept results.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

#: The first and last days a pandas timestamp holds (a bound outside them could not be compared to an event).
_FIRST_DAY = pd.Period(pd.Timestamp.min.ceil("D"), freq="D")
_LAST_DAY = pd.Period(pd.Timestamp.max.floor("D"), freq="D")


class InvalidPeriod(ValueError):
    """A ``since``/``until`` that names no real day, month or year, or a ``since`` after the ``until``."""


def _as_period(value: Any, which: str) -> pd.Period:
    """The year, month or day a bound names (a date or a timestamp is a day)."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Period(value, freq="D")
    try:
        return pd.Period(str(value).strip())
    except (ValueError, TypeError) as exc:
        raise InvalidPeriod(f"{which} {value!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD") from exc


def iso_day(value: Any, *, last: bool = False) -> str | None:
    """A bound as ``YYYY-MM-DD``: the first day of the year/month/day it names, or the last with ``last``
    (None and "" stay None); :class:`InvalidPeriod` outside the days pandas can count (1678–2261)."""
    if value is None or value == "":
        return None
    which = "until" if last else "since"
    day = _as_period(value, which).asfreq("D", how="end" if last else "start")
    if not _FIRST_DAY <= day <= _LAST_DAY:
        raise InvalidPeriod(
            f"{which} {value!r} is outside the days spillover can count ({_FIRST_DAY}–{_LAST_DAY})"
        )
    return dt.date(day.year, day.month, day.day).isoformat()


def period_bounds(since: Any = None, until: Any = None) -> tuple[str | None, str | None]:
    """``(since, until)`` as ISO days: ``since`` the first day it names, ``until`` the last; refused with
    :class:`InvalidPeriod` when either names no day or the period is inverted."""
    first, last = iso_day(since), iso_day(until, last=True)
    if first is not None and last is not None and first > last:
        raise InvalidPeriod(f"since {since} is after until {until}: the period has no day")
    return first, last
