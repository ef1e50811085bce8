"""The events table of the web app: a group's or a country's stored events, filtered, sorted and paged,
and the same rows streamed whole for a download.

One query, :func:`events_sql`, serves the page, the count and the download, so what is shown, counted and
exported can never differ.  Every value reaches DuckDB as a parameter (``?``); only column names chosen
from :data:`SORTABLE` are written into the SQL text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

#: Columns of the table (and of its downloads), in order.
COLUMNS: tuple[str, ...] = (
    "event_id", "date_start", "date_end", "date_precision", "source", "country_iso3", "country", "admin1",
    "location", "latitude", "longitude", "side_a", "side_b", "tactic", "fatalities", "wounded", "hostages",
    "target_type", "description",
)  # fmt: skip
#: What the table can be sorted by: the name the user gives → the column.
SORTABLE: dict[str, str] = {
    "date": "date_start", "source": "source", "country": "country_iso3", "tactic": "tactic",
    "fatalities": "fatalities", "wounded": "wounded", "event": "event_id",
}  # fmt: skip
#: Rows fetched at a time when streaming a download.
CHUNK_ROWS = 5_000


@dataclass(frozen=True)
class EventFilter:
    """Which events: those of ``event_ids`` (a group's; ``None``: all) in ``countries`` (ISO3), from
    ``since`` to ``until`` (an event overlapping the range counts), of ``sources`` and ``tactics`` (empty:
    any); sorted by ``sort`` (a key of :data:`SORTABLE`), ``descending`` or not, the event id breaking ties."""

    event_ids: tuple[str, ...] | None = None
    countries: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    tactics: tuple[str, ...] = ()
    sort: str = "date"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORTABLE:
            raise ValueError(f"cannot sort by {self.sort!r}; choose from {', '.join(SORTABLE)}")


def _where(f: EventFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if f.event_ids is not None:
        clauses.append("event_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(f.event_ids))
    for column, values in (("country_iso3", f.countries), ("source", f.sources), ("tactic", f.tactics)):
        if values:
            clauses.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(values))
    if f.since is not None:
        clauses.append("coalesce(date_end, date_start) >= ?")
        params.append(f.since)
    if f.until is not None:
        clauses.append("date_start <= ?")
        params.append(f.until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def events_sql(f: EventFilter) -> tuple[str, list[object]]:
    """The SELECT of the filtered, sorted events and its parameters."""
    where, params = _where(f)
    order = f"{SORTABLE[f.sort]} {'DESC' if f.descending else 'ASC'} NULLS LAST, event_id"
    return f"SELECT {', '.join(COLUMNS)} FROM events{where} ORDER BY {order}", params


def count_events(con: duckdb.DuckDBPyConnection, f: EventFilter) -> int:
    where, params = _where(f)
    return int(con.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0])


def events_page(
    con: duckdb.DuckDBPyConnection, f: EventFilter, offset: int = 0, limit: int = 50
) -> tuple[int, pd.DataFrame]:
    """The number of events the filter keeps, and the page of them from ``offset``."""
    sql, params = events_sql(f)
    page = con.execute(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset]).fetchdf()
    return count_events(con, f), page


def iter_events(
    con: duckdb.DuckDBPyConnection, f: EventFilter, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """Every event the filter keeps, in order, ``chunk_rows`` at a time (for streaming downloads)."""
    sql, params = events_sql(f)
    result = con.execute(sql, params)
    while True:
        chunk = result.fetch_df_chunk(max(1, chunk_rows // 2048))
        if chunk.empty:
            return
        yield chunk


def facets(
    con: duckdb.DuckDBPyConnection, event_ids: Sequence[str] | None, countries: Sequence[str] = ()
) -> dict:
    """The sources, countries and tactics present among a group's (or a country's) events: the filter's
    choices."""
    where, params = _where(EventFilter(event_ids=tuple(event_ids) if event_ids is not None else None,
                                       countries=tuple(countries)))  # fmt: skip
    out = {}
    for column in ("source", "country_iso3", "tactic"):
        rows = con.execute(
            f"SELECT DISTINCT {column} FROM events{where} AND {column} IS NOT NULL ORDER BY 1"
            if where
            else f"SELECT DISTINCT {column} FROM events WHERE {column} IS NOT NULL ORDER BY 1",
            params,
        ).fetchall()
        out[column] = [r[0] for r in rows]
    return out
