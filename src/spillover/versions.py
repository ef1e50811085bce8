"""Event versions and deletions: the store's memory of how a living dataset changed under it.

ACLED edits published events (the id stays, its ``timestamp`` moves on) and deletes others (its deleted
endpoint lists the ids and the time of deletion); a newer export *file* of a dataset carries the same
edits.  The ``events`` table always holds the *current* version of every event, so that every analysis
reads it unchanged; what it no longer holds is kept here:

* ``event_stamps`` — when the source last changed each stored event (ACLED's ``timestamp``; for sources
  that do not say, the time of the API pull that brought it), seconds since 1970;
* ``event_versions`` — every superseded or deleted version, with the event columns, its version number,
  stamp, when it was current in this store (``valid_from`` … ``valid_to``) and what ended it (``edited`` by
  file/page X, or ``deleted``); ``event_actor_versions`` — the actor names of those versions;
* ``deleted_events`` — every deletion the source announced (id, the source's deletion time, the pull that
  brought it), also for ids the store never held, so that loading an older file later cannot bring a
  deleted event back.

A staged copy of a stored event replaces it (becomes a new version) when the source says it is newer
(its stamp is later than the stored one's, or the stored one has none), it is in the same representation
(a monadic export, one row per actor, is not an edit of a dyadic one) and what the analyses see differs
(the normalised columns or the actor names).  An older copy is only recorded in ``raw_rows`` (which rows of
which file or page carried the event).  :func:`events_as_of_pull` gives the events as they were when a pull
finished, so a report can be reproduced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb
import pandas as pd
import pyarrow as pa

from spillover._duck import has_table, scalar
from spillover.schema import EVENT_COLUMN_NAMES, EVENT_COLUMNS_DDL, EVENT_ID_DDL
from spillover.sources import MONADIC_LAYOUTS

#: Columns that say where a row was read, not what the source says about the event.
_LOCATION_COLUMNS = ("file_id", "row_number")
_COMPARED = [c for c in EVENT_COLUMN_NAMES if c not in _LOCATION_COLUMNS]
_EVENT_COLS_SQL = ", ".join(EVENT_COLUMN_NAMES)

#: The tables this module keeps (exported beside the store's own by ``spillover data export``).
VERSION_TABLES = ("event_stamps", "event_versions", "event_actor_versions", "deleted_events")

_VERSION_DDL = [
    # one row per event, kept so by record_stamps (delete, then insert); no key index: keeping one up to date
    # cost a 2M-event file ~10% of its ingest (stores made before keep theirs, which does no harm)
    f"CREATE TABLE IF NOT EXISTS event_stamps ({EVENT_ID_DDL}, stamp BIGINT)",
    "CREATE TABLE IF NOT EXISTS event_versions (\n  "
    + EVENT_COLUMNS_DDL
    + ",\n  version INTEGER, stamp BIGINT, valid_from TIMESTAMP, valid_to TIMESTAMP, ended_by VARCHAR,"
    " ended_in VARCHAR)",
    f"""CREATE TABLE IF NOT EXISTS event_actor_versions (
        {EVENT_ID_DDL}, version INTEGER, role VARCHAR, ordinal INTEGER, name VARCHAR, uncertain BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS deleted_events (
        event_id VARCHAR, source VARCHAR, source_id VARCHAR, deleted_at TIMESTAMP, pull_id INTEGER,
        recorded_at TIMESTAMP, was_current BOOLEAN)""",
]


def create_version_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the version tables (idempotent; called when a store is opened for writing)."""
    for ddl in _VERSION_DDL:
        con.execute(ddl)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def block_deleted(con: duckdb.DuckDBPyConnection) -> None:
    """``_stage_blocked``: staged events the source deleted after this copy was made (or whose copy has no
    stamp to say otherwise).  They are not loaded: a deleted event stays out of every analysis."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _stage_blocked AS
        SELECT DISTINCT s.event_id FROM _stage_stamps s JOIN deleted_events d USING (event_id)
        WHERE (s.stamp IS NULL OR s.stamp <= epoch(d.deleted_at))
          AND s.event_id NOT IN (SELECT event_id FROM events)
    """)


def supersede_edited(con: duckdb.DuckDBPyConnection, file_id: str, monadic: bool) -> int:
    """Archive the stored versions that staged copies replace, and remove them from ``events``,
    ``event_actors`` and ``_known`` (so that the commit inserts the new version).  Returns how many.

    Needs ``_known`` (staged ids already stored), ``_stage_stamps``, ``_stage_events``, ``_stage_actors``.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _stage_newer AS
        SELECT k.event_id, s.stamp FROM _known k JOIN _stage_stamps s USING (event_id)
        JOIN events e USING (event_id) JOIN files f ON f.file_id = e.file_id
        LEFT JOIN event_stamps es USING (event_id)
        WHERE s.stamp IS NOT NULL AND (es.stamp IS NULL OR s.stamp > es.stamp)
          AND (f.layout IN (SELECT unnest(?))) = ?
        """,
        [sorted(MONADIC_LAYOUTS), monadic],
    )
    if not scalar(con, "SELECT count(*) FROM _stage_newer"):
        con.execute("CREATE OR REPLACE TEMP TABLE _replaced (event_id VARCHAR)")
        return 0
    cols = ", ".join(_COMPARED)
    actor_cols = "event_id, role, ordinal, name, uncertain"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _replaced AS
        SELECT DISTINCT event_id FROM (
            (SELECT {cols} FROM _stage_events WHERE event_id IN (SELECT event_id FROM _stage_newer)
             EXCEPT SELECT {cols} FROM events WHERE event_id IN (SELECT event_id FROM _stage_newer))
            UNION ALL BY NAME
            ((SELECT {actor_cols} FROM _stage_actors WHERE event_id IN (SELECT event_id FROM _stage_newer)
              EXCEPT SELECT {actor_cols} FROM event_actors WHERE event_id IN (SELECT event_id FROM _stage_newer))
             UNION ALL
             (SELECT {actor_cols} FROM event_actors WHERE event_id IN (SELECT event_id FROM _stage_newer)
              EXCEPT SELECT {actor_cols} FROM _stage_actors WHERE event_id IN (SELECT event_id FROM _stage_newer)))
        )
    """)
    replaced = int(scalar(con, "SELECT count(*) FROM _replaced"))
    if replaced:
        _archive(con, "_replaced", ended_by="edited", ended_in=file_id)
        con.execute("DELETE FROM _known WHERE event_id IN (SELECT event_id FROM _replaced)")
    return replaced


def _archive(con: duckdb.DuckDBPyConnection, ids_table: str, *, ended_by: str, ended_in: str) -> None:
    """Copy the current versions of the events listed in ``ids_table`` into the version tables, then
    remove them from ``events`` and ``event_actors``."""
    now = _now()
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _archived AS
        SELECT e.event_id, 1 + (SELECT count(*) FROM event_versions v WHERE v.event_id = e.event_id) AS version
        FROM events e WHERE e.event_id IN (SELECT event_id FROM {ids_table})
    """)
    con.execute(
        f"""
        INSERT INTO event_versions
        SELECT {", ".join("e." + c for c in EVENT_COLUMN_NAMES)}, a.version, es.stamp, f.ingested_at, ?, ?, ?
        FROM events e JOIN _archived a USING (event_id) LEFT JOIN event_stamps es USING (event_id)
        LEFT JOIN files f ON f.file_id = e.file_id
        """,
        [now, ended_by, ended_in],
    )
    con.execute("""
        INSERT INTO event_actor_versions
        SELECT x.event_id, a.version, x.role, x.ordinal, x.name, x.uncertain
        FROM event_actors x JOIN _archived a USING (event_id)
    """)
    con.execute("DELETE FROM event_actors WHERE event_id IN (SELECT event_id FROM _archived)")
    con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _archived)")
    con.execute("DROP TABLE _archived")


def record_stamps(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the stamps of the versions now current: new events, and stored ones a newer copy confirmed or
    replaced (``_stage_newer``)."""
    # the old stamps deleted, the new inserted: one row per event, without per-row conflict checks
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _stamping AS
        SELECT event_id, stamp FROM _stage_stamps
        WHERE stamp IS NOT NULL AND event_id NOT IN (SELECT event_id FROM _stage_blocked)
          AND (event_id NOT IN (SELECT event_id FROM _known) OR event_id IN (SELECT event_id FROM _stage_newer))
    """)
    if scalar(con, "SELECT count(*) FROM event_stamps"):
        con.execute("DELETE FROM event_stamps WHERE event_id IN (SELECT event_id FROM _stamping)")
    con.execute("INSERT INTO event_stamps SELECT event_id, stamp FROM _stamping")
    con.execute("DROP TABLE _stamping")


def drop_version_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("_stage_blocked", "_stage_newer", "_replaced", "_stamping"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def apply_deletions(
    con: duckdb.DuckDBPyConnection, source: str, deletions: list[tuple[str, int]], pull_id: int | None
) -> int:
    """Record the source's deletions ``(source_id, deleted_at seconds)`` and take the deleted events out of
    ``events`` (into ``event_versions``, ended ``deleted``).  An event the source changed after the
    deletion (a later stamp) stays.  Returns how many stored events were removed.  Runs inside the
    caller's transaction."""
    table = pa.table(
        {
            "event_id": pa.array([f"{source}:{sid}" for sid, _ in deletions], pa.string()),
            "source_id": pa.array([sid for sid, _ in deletions], pa.string()),
            "deleted_at": pa.array([int(at) for _, at in deletions], pa.int64()),
        }
    )
    con.register("_deletions", table)
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _deleting AS
            SELECT DISTINCT d.event_id FROM _deletions d JOIN events e USING (event_id)
            LEFT JOIN event_stamps es USING (event_id)
            WHERE es.stamp IS NULL OR es.stamp <= d.deleted_at
        """)
        con.execute(
            """
            INSERT INTO deleted_events
            SELECT d.event_id, ?, d.source_id, to_timestamp(d.deleted_at)::TIMESTAMP, ?, ?,
                   d.event_id IN (SELECT event_id FROM _deleting)
            FROM (SELECT DISTINCT * FROM _deletions) d
            WHERE NOT EXISTS (SELECT 1 FROM deleted_events x WHERE x.event_id = d.event_id
                              AND x.deleted_at = to_timestamp(d.deleted_at)::TIMESTAMP)
            """,
            [source, pull_id, _now()],
        )
        removed = int(scalar(con, "SELECT count(*) FROM _deleting"))
        if removed:
            _archive(con, "_deleting", ended_by="deleted", ended_in=f"pull {pull_id}" if pull_id else "")
        con.execute("DROP TABLE _deleting")
    finally:
        con.unregister("_deletions")
    return removed


# --- reading the history ---------------------------------------------------------------------------


def event_history(con: duckdb.DuckDBPyConnection, event_id: str) -> pd.DataFrame:
    """Every version of an event, oldest first: the superseded and deleted ones, then the current one.

    Columns: version, status (current / edited / deleted), valid_from, valid_to, stamp (the source's own
    time of the version), file (the file or API page it came from) and the main event fields.
    """
    shown = "date_start, country, location, side_a, side_b, tactic, fatalities, description"
    if not _has_version_tables(con):  # a store made before versions were kept: only the current version
        create = "CREATE TEMP TABLE IF NOT EXISTS {} AS SELECT * FROM ({}) LIMIT 0"
        con.execute(create.format("event_versions", _VERSION_SELECT))
        con.execute("CREATE TEMP TABLE IF NOT EXISTS event_stamps (event_id VARCHAR, stamp BIGINT)")
    return con.execute(
        f"""
        WITH v AS (
            SELECT version, ended_by AS status, valid_from, valid_to, stamp, file_id, {shown}
            FROM event_versions WHERE event_id = $1
            UNION ALL
            SELECT (SELECT count(*) FROM event_versions WHERE event_id = $1) + 1, 'current', f.ingested_at,
                   NULL, es.stamp, e.file_id, {", ".join("e." + c for c in shown.split(", "))}
            FROM events e LEFT JOIN files f USING (file_id) LEFT JOIN event_stamps es USING (event_id)
            WHERE e.event_id = $1
        )
        SELECT v.version, v.status, v.valid_from, v.valid_to,
               CASE WHEN v.stamp IS NOT NULL THEN to_timestamp(v.stamp)::TIMESTAMP END AS source_time,
               f.name AS file, v.* EXCLUDE (version, status, valid_from, valid_to, stamp, file_id)
        FROM v LEFT JOIN files f USING (file_id) ORDER BY v.version
        """,
        [event_id],
    ).fetchdf()


def _has_version_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return has_table(con, "event_versions")


#: An empty row of ``event_versions`` (for stores made before versions were kept).
_VERSION_SELECT = (
    "SELECT e.*, NULL::INTEGER AS version, NULL::BIGINT AS stamp, NULL::TIMESTAMP AS valid_from, "
    "NULL::TIMESTAMP AS valid_to, NULL::VARCHAR AS ended_by, NULL::VARCHAR AS ended_in FROM events e"
)


def deletion_of(con: duckdb.DuckDBPyConnection, event_id: str) -> tuple[datetime, int | None] | None:
    """When the source deleted the event and which pull said so (None if it never did)."""
    if not _has_version_tables(con):
        return None
    rows = con.execute(
        "SELECT deleted_at, pull_id FROM deleted_events WHERE event_id = ? ORDER BY deleted_at DESC LIMIT 1",
        [event_id],
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def _pull_finished_at(con: duckdb.DuckDBPyConnection, pull_id: int) -> datetime:
    try:
        rows = con.execute("SELECT status, finished_at FROM pulls WHERE pull_id = ?", [pull_id]).fetchall()
    except duckdb.CatalogException:
        raise ValueError(f"no pull {pull_id} in this store (it has no pulls yet)") from None
    if not rows:
        known = [r[0] for r in con.execute("SELECT pull_id FROM pulls ORDER BY pull_id").fetchall()]
        raise ValueError(f"no pull {pull_id} in this store (pulls: {', '.join(map(str, known)) or 'none'})")
    status, finished = rows[0]
    if status != "complete":
        raise ValueError(f"pull {pull_id} did not finish ({status}): resume it before analysing as of it")
    return finished


def _connection(store: object) -> duckdb.DuckDBPyConnection:
    """A Store's connection, or the connection itself."""
    return getattr(store, "con", store)  # type: ignore[return-value]


def _main(con: duckdb.DuckDBPyConnection) -> str:
    """The store's own schema, fully qualified (so that temporary views named like its tables, see
    :func:`as_of_pull`, cannot shadow what the as-of queries read)."""
    database = scalar(con, "SELECT current_database()")
    return '"' + str(database).replace('"', '""') + '".main'


def events_as_of_pull(store: object, pull_id: int) -> duckdb.DuckDBPyRelation:
    """The ``events`` table as it was when pull ``pull_id`` finished: the versions current then (files
    and pages loaded later, and edits and deletions made later, undone).  Same columns as ``events``.
    ``store`` is a :class:`spillover.store.Store` or its connection."""
    con = _connection(store)
    return con.sql(_events_as_of_sql(con, _pull_finished_at(con, pull_id)))


def event_actors_as_of_pull(store: object, pull_id: int) -> duckdb.DuckDBPyRelation:
    """``event_actors`` as it was when pull ``pull_id`` finished (the actor names of the versions then)."""
    con = _connection(store)
    return con.sql(_actors_as_of_sql(con, _pull_finished_at(con, pull_id)))


@contextmanager
def as_of_pull(store: object, pull_id: int) -> Iterator[None]:
    """Within the block, ``events`` and ``event_actors`` read as they were when pull ``pull_id`` finished,
    for every query on this store's connection (temporary views shadow the tables), so that any analysis
    can be reproduced as of a pull without changing it: ``with as_of_pull(store, 3): profile(select(store, g))``."""
    con = _connection(store)
    at = _pull_finished_at(con, pull_id)
    events_sql, actors_sql = _events_as_of_sql(con, at), _actors_as_of_sql(con, at)
    con.execute(f"CREATE OR REPLACE TEMP VIEW events AS {events_sql}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW event_actors AS {actors_sql}")
    try:
        yield
    finally:
        con.execute("DROP VIEW IF EXISTS temp.main.event_actors")
        con.execute("DROP VIEW IF EXISTS temp.main.events")


def _events_as_of_sql(con: duckdb.DuckDBPyConnection, at: datetime) -> str:
    main, stamp = _main(con), at.isoformat(sep=" ")
    return f"""
        SELECT e.* FROM {main}.events e JOIN {main}.files f ON f.file_id = e.file_id
        WHERE f.ingested_at <= TIMESTAMP '{stamp}'
        UNION ALL
        SELECT {_EVENT_COLS_SQL} FROM {main}.event_versions
        WHERE valid_from <= TIMESTAMP '{stamp}' AND valid_to > TIMESTAMP '{stamp}'
    """


def _actors_as_of_sql(con: duckdb.DuckDBPyConnection, at: datetime) -> str:
    main, stamp = _main(con), at.isoformat(sep=" ")
    return f"""
        SELECT a.* FROM {main}.event_actors a JOIN {main}.events e USING (event_id)
        JOIN {main}.files f ON f.file_id = e.file_id
        WHERE f.ingested_at <= TIMESTAMP '{stamp}'
        UNION ALL
        SELECT av.event_id, av.role, av.ordinal, av.name, av.uncertain
        FROM {main}.event_actor_versions av JOIN {main}.event_versions v USING (event_id, version)
        WHERE v.valid_from <= TIMESTAMP '{stamp}' AND v.valid_to > TIMESTAMP '{stamp}'
    """
