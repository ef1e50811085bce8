"""The period a question is asked over (``since``/``until``): read once, the same on every surface."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from spillover.cli import app
from spillover.instability import load_onsets, onsets_for
from spillover.period import InvalidPeriod, period_bounds
from spillover.selection import select
from spillover.selection.group import within_period
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


@pytest.mark.parametrize(
    ("since", "until", "bounds"),
    [
        ("2012", "2012", ("2012-01-01", "2012-12-31")),
        ("2012-02", "2012-02", ("2012-02-01", "2012-02-29")),  # a leap year's February
        ("2011-02", "2011-02", ("2011-02-01", "2011-02-28")),
        ("2012-03-05", None, ("2012-03-05", None)),
        (dt.date(2010, 1, 2), pd.Timestamp("2011-06-30"), ("2010-01-02", "2011-06-30")),
        (None, "", (None, None)),
    ],
)
def test_a_bound_is_the_first_or_last_day_of_what_it_names(since, until, bounds) -> None:  # noqa: ANN001
    assert period_bounds(since, until) == bounds


@pytest.mark.parametrize(
    ("since", "until", "words"),
    [
        ("2012-02-30", None, "since '2012-02-30' is not a date"),
        (None, "2012-13", "until '2012-13' is not a date"),
        ("soon", None, "since 'soon' is not a date"),
        ("2013", "2012", "since 2013 is after until 2012"),
        ("2012-06-02", "2012-06-01", "is after until"),
    ],
)
def test_an_impossible_or_inverted_period_is_refused(since, until, words) -> None:  # noqa: ANN001
    with pytest.raises(InvalidPeriod, match=words):
        period_bounds(since, until)


def test_until_a_year_keeps_the_whole_year(loaded_store: Store) -> None:
    year = select(loaded_store, "AQIM", since="2012", until="2012")
    days = select(loaded_store, "AQIM", since="2012-01-01", until="2012-12-31")
    assert (year.since, year.until) == ("2012-01-01", "2012-12-31")
    assert sorted(year.events["event_id"]) == sorted(days.events["event_id"])
    starts = pd.to_datetime(year.events["date_start"])
    assert (starts.dt.month > 1).any()  # read as 1 January, "until 2012" kept only the year's first day
    first_day = select(loaded_store, "AQIM", since="2012-01-01", until="2012-01-01")
    assert len(first_day.events) < len(year.events)


def test_the_engine_window_and_the_selection_keep_the_same_events(loaded_store: Store) -> None:
    """The query layer's window (an engine expression) and the selection's (pandas) are one rule."""
    from spillover import query as Q

    con = Q.connect(loaded_store.path)
    try:
        groups = {"AQIM": Q.GroupFilter.family("Islamic Maghreb", "AQIM", "GSPC", "Salafist Group")}
        every = Q.events_for(con, groups)
        for since, until in [("2007", "2012"), ("2009-06-15", None), (None, "2008-03")]:
            windowed = Q.events_for(con, groups, since=since, until=until)
            expected = within_period(every, since, until)
            assert 0 < len(windowed) < len(every)
            assert sorted(windowed["event_id"]) == sorted(expected["event_id"])
        straddling = every[
            pd.to_datetime(every["date_start"]).dt.year != pd.to_datetime(every["date_end"]).dt.year
        ]
        if not straddling.empty:  # an event known only to a span across the bound is kept, as selected
            day = pd.Timestamp(straddling["date_end"].iloc[0]).date().isoformat()
            assert straddling["event_id"].iloc[0] in set(Q.events_for(con, groups, since=day)["event_id"])
    finally:
        con.disconnect()


def test_the_events_table_keeps_the_selection_s_period(loaded_store: Store) -> None:
    """The web's events table (SQL over the store) filters a country's events by the same window."""
    import duckdb

    from spillover.query.events_table import EventFilter, iter_events

    con = duckdb.connect(str(loaded_store.path), read_only=True)
    try:
        every = pd.concat(list(iter_events(con, EventFilter(countries=("MLI",)))))
        for since, until in [("2012", "2013"), ("2015-06-15", None), (None, "2011-03")]:
            first, last = period_bounds(since, until)
            window = EventFilter(
                countries=("MLI",),
                since=dt.date.fromisoformat(first) if first else None,
                until=dt.date.fromisoformat(last) if last else None,
            )
            got = pd.concat(list(iter_events(con, window)))
            assert 0 < len(got) < len(every)
            assert sorted(got["event_id"]) == sorted(within_period(every, since, until)["event_id"])
    finally:
        con.close()


def test_onsets_until_a_year_keep_its_coups() -> None:
    onsets = load_onsets()
    in_2012 = onsets_for("MLI", onsets, kinds=["coup"], since="2012", until="2012")
    assert pd.Timestamp("2012-03-22") in set(pd.to_datetime(in_2012["date"]))


def test_commands_refuse_an_inverted_period_in_one_line(loaded_store: Store) -> None:
    result = CliRunner().invoke(
        app, ["profile", "AQIM", "--since", "2013", "--until", "2012", "--store", str(loaded_store.path)]
    )
    assert result.exit_code == 2, result.output
    assert "since 2013 is after until 2012" in result.output
    assert "Traceback" not in result.output
