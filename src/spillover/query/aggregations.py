"""The heavy event filtering and aggregation behind profile, expansion, tactics, targets and autonomy,
written once with Ibis and run by whichever engine the backend is (DuckDB, Spark, …).

Each function returns a small pandas DataFrame (one row per group and key), normalised by
:func:`spillover.query.normalise.normalise` so that every engine gives an equal frame; the statistics of
:mod:`spillover.analysis` then run on these small tables.

Conventions, shared with :mod:`spillover.analysis._common`:

* ``since``/``until`` keep an event when its possible date range overlaps the period
  (``coalesce(date_end, date_start) >= since`` and ``date_start <= until``), the bounds read by
  :func:`spillover.period.period_bounds` (``until="2012"``: all of 2012) — the selection's rule
  (:func:`spillover.selection.group.within_period`), so a period counts the same events on every surface;
* an event is placed in a month only when its date range lies inside that month; the others are counted in
  a row whose ``month`` is missing (NaT) — e.g. GTD events known only to the year;
* ``fatalities`` is the sum of the known values (0 when none is known) and ``fatalities_known`` the number
  of events with a known value, so "no deaths" and "not reported" stay apart;
* the primary tactic is the event's ``tactic`` (a value of :data:`spillover.schema.TACTICS`, else
  ``'unknown'``), replaced by ``'suicide_attack'`` when the suicide flag is set — as
  :func:`spillover.analysis.tactics.primary_tactics` does.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from spillover.period import period_bounds
from spillover.query.engines import names_unique_per_event, partition_batches, run_partitioned
from spillover.query.groups import Groups, matched_actor_rows, memberships
from spillover.query.normalise import normalise
from spillover.schema import EVENT_COLUMN_NAMES, TACTICS

DateLike = str | dtm.date | pd.Timestamp | None


def events_in_window(events: ir.Table, since: DateLike = None, until: DateLike = None) -> ir.Table:
    """Events whose possible date range overlaps ``[since, until]`` (either bound may be open), as a
    selection keeps them."""
    first, last = period_bounds(since, until)
    if first is not None:
        start = ibis.literal(dtm.date.fromisoformat(first), type="date")
        events = events.filter(ibis.coalesce(events.date_end, events.date_start) >= start)
    if last is not None:
        events = events.filter(events.date_start <= ibis.literal(dtm.date.fromisoformat(last), type="date"))
    return events


def group_events(
    con: BaseBackend,
    groups: Groups = None,
    *,
    since: DateLike = None,
    until: DateLike = None,
    columns: Sequence[str] | None = None,
    derive: dict[str, Any] | None = None,
) -> ir.Table:
    """Lazy Ibis table of the groups' events: ``group`` plus the event columns, one row per group and event.

    Nothing runs until the table is executed; the engine pushes the name filter into ``event_actors`` and
    the column selection into ``events`` (a Parquet scan reads only those columns).  ``derive`` adds
    columns computed from each event (``name → f(events)``) before the join, so once per event rather than
    once per group and event.
    """
    events = events_in_window(con.table("events"), since, until)
    if columns is not None:
        events = events.select("event_id", *[c for c in columns if c != "event_id"])
    if derive:
        events = events.mutate(**{name: f(events) for name, f in derive.items()})
    distinct = not (groups is None and names_unique_per_event(con))
    members = memberships(con.table("event_actors"), groups, distinct=distinct)
    return members.join(events, "event_id")


def primary_tactic(t: ir.Table) -> ir.StringValue:
    """The primary tactic: ``suicide_attack`` when flagged, the tactic when it is in the taxonomy, else unknown."""
    return ibis.cases(
        (t.suicide.fill_null(False), ibis.literal("suicide_attack")),
        (t.tactic.isin(list(TACTICS)), t.tactic),
        else_=ibis.literal("unknown"),
    )


def month_of(t: ir.Table) -> ir.DateValue:
    """First day of the event's month, or NULL when its date range spans more than one month."""
    end = ibis.coalesce(t.date_end, t.date_start)
    same_month = (t.date_start.year() == end.year()) & (t.date_start.month() == end.month())
    return ibis.ifelse(same_month, t.date_start.truncate("M").cast("date"), ibis.null("date"))


def _activity(t: ir.Table) -> dict[str, ir.Value]:
    return {
        "events": t.count(),
        "fatalities": ibis.coalesce(t.fatalities, 0.0).sum(),
        "fatalities_known": t.fatalities.count(),
    }


def _first_last(t: ir.Table) -> dict[str, ir.Value]:
    return {"first_event": t.date_start.min(), "last_event": t.date_start.max()}


#: How the partial results of each metric combine across co-partitioned batches (a metric not listed here,
#: e.g. a distinct count, makes the query run over all the data at once).
COMBINE: dict[str, str] = {
    "events": "sum",
    "fatalities": "sum",
    "fatalities_known": "sum",
    "wounded": "sum",
    "first_event": "min",
    "last_event": "max",
    "country": "min",
}


def run_aggregation(con: BaseBackend, expr: ir.Table, keys: Sequence[str]) -> pd.DataFrame:
    """:func:`run` for a ``group_by(keys).aggregate(...)`` expression; on a co-partitioned Parquet folder
    (:func:`spillover.query.engines.partition_batches`) each batch is aggregated alone and the partial
    results combined with :data:`COMBINE` — the same values, in memory bounded by one batch."""
    metrics = [c for c in expr.columns if c not in keys]
    if partition_batches(con) is None or any(m not in COMBINE for m in metrics):
        return run(expr, keys)
    sql = str(ibis.to_sql(expr, dialect="duckdb"))
    pending: list[pa.Table] = []
    limit = COMPACT_ROWS
    for partial in run_partitioned(con, sql):
        pending.append(partial)
        if sum(t.num_rows for t in pending) > limit:  # bound the memory held by partial results
            pending = [_combine(con, pending, keys, metrics)]
            limit = max(COMPACT_ROWS, 2 * pending[0].num_rows)  # linear, not quadratic, in the batches
    table = _combine(con, pending, keys, metrics, ordered=True).select(list(expr.columns))
    return normalise(table.to_pandas(date_as_object=False), expr.schema(), ())


#: Partial results are combined as soon as they hold this many rows (or twice the rows of the last
#: combination), so that memory holds about one result's worth of partial rows.
COMPACT_ROWS = 8_000_000


def _combine(
    con: BaseBackend,
    tables: list[pa.Table],
    keys: Sequence[str],
    metrics: Sequence[str],
    *,
    ordered: bool = False,
) -> pa.Table:
    """The partial results grouped again by ``keys``, each metric combined with :data:`COMBINE` (by the
    backend's DuckDB, integer sums kept 64-bit); ``ordered``: sorted by ``keys``, missing values first, as
    :func:`~spillover.query.normalise.normalise` orders rows (DuckDB sorts text by byte, i.e. by code
    point like Python, and faster than pandas does)."""
    if len(tables) == 1 and not ordered:
        return tables[0]
    duck = con.con  # type: ignore[attr-defined]
    schema = tables[0].schema
    names = [f"_spillover_partial_{i}" for i in range(len(tables))]
    for name, table in zip(names, tables, strict=True):
        duck.register(name, table)
    try:
        union = " UNION ALL ".join(f"SELECT * FROM {name}" for name in names)
        cols = ", ".join(f'"{k}"' for k in keys)
        aggs = ", ".join(
            f'CAST({COMBINE[m]}("{m}") AS {"BIGINT" if pa.types.is_integer(schema.field(m).type) else "DOUBLE"}) AS "{m}"'
            if COMBINE[m] == "sum"
            else f'{COMBINE[m]}("{m}") AS "{m}"'
            for m in metrics
        )
        order = (" ORDER BY " + ", ".join(f'"{k}" ASC NULLS FIRST' for k in keys)) if ordered else ""
        return duck.sql(f"SELECT {cols}, {aggs} FROM ({union}) GROUP BY {cols}{order}").to_arrow_table()
    finally:
        for name in names:
            duck.unregister(name)


def run(expr: ir.Table, sort_by: Sequence[str]) -> pd.DataFrame:
    """Execute on the expression's engine and normalise (dtypes and row order).

    The result travels as Arrow and is converted once (dates straight to ``datetime64``), which is several
    times faster than Ibis's generic pandas conversion for results of a million rows.
    """
    table = expr.to_pyarrow()
    return normalise(table.to_pandas(date_as_object=False), expr.schema(), sort_by)


def aggregate(
    con: BaseBackend,
    by: Sequence[str],
    groups: Groups = None,
    *,
    since: DateLike = None,
    until: DateLike = None,
    extra: dict[str, Any] | None = None,
    first_last: bool = False,
) -> pd.DataFrame:
    """Events and fatalities per ``group`` and the columns ``by`` (event columns, or ``month``/``primary_tactic``).

    The building block of the named aggregations below; ``extra`` adds metrics (``name → f(table)``).
    """
    derived = {"month": month_of, "primary_tactic": primary_tactic}
    derive = {k: f for k, f in derived.items() if k in by}
    t = group_events(con, groups, since=since, until=until, derive=derive)
    metrics = _activity(t) | (_first_last(t) if first_last else {})
    metrics |= {name: f(t) for name, f in (extra or {}).items()}
    keys = ["group", *by]
    return run_aggregation(con, t.group_by(keys).aggregate(**metrics), keys)


def yearly_activity(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, year, events, fatalities, fatalities_known``: the activity curve of each group."""
    return aggregate(con, ["year"], groups, since=since, until=until)


def country_first_last(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, country_iso3, events, fatalities, fatalities_known, first_event, last_event``: where each
    group has been active and since when — the input of expansion analysis."""
    return aggregate(con, ["country_iso3"], groups, since=since, until=until, first_last=True)


def country_activity(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, country_iso3, events, fatalities, fatalities_known, first_event, last_event, country,
    admin1_units``: the per-country table of :func:`spillover.analysis.expansion.measure_expansion`
    (``country`` is the alphabetically first spelling of the country's name among the events, so that
    every engine picks the same one; ``admin1_units`` the number of distinct first-level units)."""
    extra = {"country": lambda t: t.country.min(), "admin1_units": lambda t: t.admin1.nunique()}
    return aggregate(con, ["country_iso3"], groups, since=since, until=until, first_last=True, extra=extra)


def admin1_activity(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, country_iso3, admin1, events, fatalities, fatalities_known, first_event, last_event``."""
    return aggregate(con, ["country_iso3", "admin1"], groups, since=since, until=until, first_last=True)


def monthly_series(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, month, events, fatalities, fatalities_known`` (month NaT: events not placed in one month):
    the monthly activity used for synchronisation between branches."""
    return aggregate(con, ["month"], groups, since=since, until=until)


def monthly_tactics(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, month, tactic, events, fatalities, fatalities_known``: the tactic series of
    :func:`spillover.analysis.tactics.tactic_profile`, by primary tactic."""
    out = aggregate(con, ["month", "primary_tactic"], groups, since=since, until=until)
    return out.rename(columns={"primary_tactic": "tactic"})


def tactic_totals(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, tactic, events, fatalities, fatalities_known, first_date, first_event_id`` by primary
    tactic: the totals of :func:`spillover.analysis.tactics.tactic_profile`.  The first event is the
    earliest by ``date_start``, ties broken by the smallest ``event_id``, on every engine."""
    t = group_events(con, groups, since=since, until=until)
    t = t.mutate(tactic=primary_tactic(t))
    keys = ["group", "tactic"]
    totals = t.group_by(keys).aggregate(**_activity(t), first_date=t.date_start.min())
    firsts = totals.select(*keys, _first=totals.first_date)
    earliest = t.join(firsts, [*keys, t.date_start == firsts._first])
    first_ids = earliest.group_by(keys).aggregate(first_event_id=earliest.event_id.min())
    out = totals.left_join(first_ids, keys).select(*totals.columns, "first_event_id")
    return run(out, keys)


def target_profile(
    con: BaseBackend, groups: Groups = None, *, since: DateLike = None, until: DateLike = None
) -> pd.DataFrame:
    """``group, year, country_iso3, target_type, target_nationality, events, fatalities, fatalities_known,
    wounded``: what :func:`spillover.analysis.targets.target_profile` needs to tell foreign and Western
    targets (nationality against the event's country) per period."""
    extra = {"wounded": lambda t: ibis.coalesce(t.wounded, 0.0).sum()}
    by = ["year", "country_iso3", "target_type", "target_nationality"]
    return aggregate(con, by, groups, since=since, until=until, extra=extra)


def actor_names(con: BaseBackend) -> pd.DataFrame:
    """``source, name, events``: every distinct actor name of every source with its number of events —
    what the actor registry resolves to find a group's names (as
    :func:`spillover.selection.group.store_names`)."""
    actors = con.table("event_actors").select("event_id", "name")
    joined = actors.join(con.table("events").select("event_id", "source"), "event_id")
    keys = ["source", "name"]
    return run(joined.group_by(keys).aggregate(events=joined.event_id.nunique()), keys)


def actor_rows(con: BaseBackend, groups: Groups) -> pd.DataFrame:
    """``group, event_id, source, role, name, ordinal, uncertain, date``: the ``event_actors`` rows whose
    name is one of a group's, with the event's source and start date — the input of
    :func:`spillover.actors.attribute_events` (one group or family: the rows fit in memory)."""
    rows = matched_actor_rows(con.table("event_actors"), groups)
    events = con.table("events").select("event_id", "source", date=con.table("events").date_start)
    joined = rows.join(events, "event_id")
    cols = ["group", "event_id", "source", "role", "name", "ordinal", "uncertain", "date"]
    return run(joined.select(*cols), ["group", "event_id", "role", "ordinal", "name"])


def matching_names(con: BaseBackend, groups: Groups = None) -> pd.DataFrame:
    """``group, source, role, name, events``: which raw names were counted for each group, so the analyst
    sees what a filter caught (as :func:`spillover.analysis.profile.matching_names`)."""
    rows = matched_actor_rows(con.table("event_actors"), groups)
    events = con.table("events").select("event_id", "source")
    joined = rows.join(events, "event_id")
    keys = ["group", "source", "role", "name"]
    return run(joined.group_by(keys).aggregate(events=joined.event_id.nunique()), keys)


def events_for(
    con: BaseBackend,
    groups: Groups = None,
    *,
    since: DateLike = None,
    until: DateLike = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The groups' events themselves (``group`` plus event columns), earliest first within each group.

    Meant for one group or a family, whose events fit in memory, to feed the :mod:`spillover.analysis`
    functions; aggregate with the functions above when they do not.
    """
    cols = list(dict.fromkeys(["event_id", *(columns if columns is not None else EVENT_COLUMN_NAMES)]))
    t = group_events(con, groups, since=since, until=until, columns=cols).select("group", *cols)
    sort = ["group", *(c for c in ("date_start",) if c in t.columns), "event_id"]
    return run(t, sort)
