"""The events table of the web app: a group's events as the analyses count them (one row per fused
event, with the sources and stored reports behind it) or as stored (one row per report), or a country's
stored events; filtered, sorted and paged, and the same rows streamed whole for a download.

One query, :func:`events_sql`, serves the page, the count and the download, so what is shown, counted and
exported can never differ.  It reads the store's ``events`` table, or (``EventFilter.fused``) the events of
a group's selection registered on the connection as :data:`VIEW_RELATION` (:func:`register_view`).  Every
value reaches DuckDB as a parameter (``?``); only column names chosen from :data:`SORTABLE` are written
into the SQL text.
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
#: What a fused event adds: the sources reporting it, how many, and the stored reports behind it.
FUSED_COLUMNS: tuple[str, ...] = ("sources", "n_sources", "event_ids")
#: The name a selection's events are registered under on a connection (see :func:`register_view`).
VIEW_RELATION = "selected_events"
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
    #: read the selection registered as :data:`VIEW_RELATION` (one row per fused event) instead of the
    #: stored reports; a source then keeps the events it is one of the reporters of
    fused: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORTABLE:
            raise ValueError(f"cannot sort by {self.sort!r}; choose from {', '.join(SORTABLE)}")


def where_clause(f: EventFilter) -> tuple[str, list[object]]:
    """`` WHERE …`` (or "") and its parameters: the events the filter keeps (the period as a selection keeps it)."""
    clauses: list[str] = []
    params: list[object] = []
    if f.event_ids is not None:
        clauses.append("event_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(f.event_ids))
    if f.fused and f.sources:
        clauses.append("list_has_any(sources, ?::VARCHAR[])")
        params.append(list(f.sources))
    for column, values in (("country_iso3", f.countries), ("source", f.sources), ("tactic", f.tactics)):
        if values and not (f.fused and column == "source"):
            clauses.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(values))
    if f.since is not None:
        clauses.append("coalesce(date_end, date_start) >= ?")
        params.append(f.since)
    if f.until is not None:
        clauses.append("date_start <= ?")
        params.append(f.until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _relation(f: EventFilter) -> str:
    return VIEW_RELATION if f.fused else "events"


def columns(f: EventFilter) -> tuple[str, ...]:
    """The columns of the table and its downloads: a fused event's add its sources and stored reports."""
    return COLUMNS + FUSED_COLUMNS if f.fused else COLUMNS


def events_sql(f: EventFilter) -> tuple[str, list[object]]:
    """The SELECT of the filtered, sorted events and its parameters."""
    where, params = where_clause(f)
    order = f"{SORTABLE[f.sort]} {'DESC' if f.descending else 'ASC'} NULLS LAST, event_id"
    listed = {"sources": "array_to_string(sources, ' + ') AS sources",
              "event_ids": "array_to_string(event_ids, ' ') AS event_ids"}  # fmt: skip
    selected = ", ".join(listed.get(c, c) for c in columns(f))
    return f"SELECT {selected} FROM {_relation(f)}{where} ORDER BY {order}", params


def count_events(con: duckdb.DuckDBPyConnection, f: EventFilter) -> int:
    where, params = where_clause(f)
    return int(con.execute(f"SELECT count(*) FROM {_relation(f)}{where}", params).fetchone()[0])


def register_view(con: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> None:
    """Register a selection's events (a fused or single-source view: ``sources`` and ``event_ids`` lists)
    on ``con`` as :data:`VIEW_RELATION`, for queries with ``EventFilter(fused=True)``."""
    import pyarrow as pa

    frame = events.reindex(columns=list(COLUMNS + FUSED_COLUMNS))
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for column in ("sources", "event_ids"):
        values = [[str(v) for v in cell] if isinstance(cell, list | tuple) else [] for cell in frame[column]]
        table = table.set_column(
            table.schema.get_field_index(column), column, pa.array(values, type=pa.list_(pa.string()))
        )
    con.register(VIEW_RELATION, table)


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
    con: duckdb.DuckDBPyConnection,
    event_ids: Sequence[str] | None,
    countries: Sequence[str] = (),
    *,
    fused: bool = False,
) -> dict:
    """The sources, countries and tactics present among a group's (or a country's) events: the filter's
    choices."""
    f = EventFilter(event_ids=tuple(event_ids) if event_ids is not None else None, countries=tuple(countries),
                    fused=fused)  # fmt: skip
    where, params = where_clause(f)
    out = {}
    for column in ("source", "country_iso3", "tactic"):
        value = "unnest(sources)" if fused and column == "source" else column
        rows = con.execute(
            f"SELECT DISTINCT v FROM (SELECT {value} AS v FROM {_relation(f)}{where}) WHERE v IS NOT NULL "
            "ORDER BY 1",
            params,
        ).fetchall()
        out[column] = [r[0] for r in rows]
    return out
