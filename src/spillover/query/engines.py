"""Connecting the query layer to an engine: the embedded DuckDB store by default, Spark when asked.

Every query function takes an Ibis backend whose catalogue holds the store's tables (``events``,
``event_actors``, …).  :func:`connect` builds one from whatever the user has:

* nothing — the default store, opened read-only with DuckDB;
* a store file (``*.duckdb``) or an open :class:`~spillover.store.Store`;
* a folder of Parquet files as written by :meth:`Store.export_parquet <spillover.store.Store.export_parquet>`
  (``events.parquet``) or by :func:`spillover.synthetic.generate` (``events/part-*.parquet``) — read in place
  by DuckDB, never loaded.  A folder whose parts are *co-partitioned* (every event's actor rows in the
  ``event_actors`` part of the same name as its ``events`` part, declared by a :data:`PARTS_MARKER` file,
  as the synthetic generator and :func:`spillover.loading.gdelt.export_gdelt_parquet` write) is aggregated
  part by part: each batch of parts is joined and aggregated alone and the partial results combined, so
  memory stays at one batch and time grows linearly with the data (:func:`run_partitioned`);
* a ``SparkSession`` — its catalogue must hold the tables (see :func:`register_parquet_in_spark`);
* an Ibis connection string (``'duckdb:///path/store.duckdb'``, ``'pyspark://…'``) or an Ibis backend.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from spillover.config import default_store_path

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from spillover.store import Store

#: The store's tables that the query layer reads.
QUERY_TABLES: tuple[str, ...] = ("events", "event_actors")
#: Every table a Parquet export may hold (registered when present).
PARQUET_TABLES: tuple[str, ...] = ("files", "events", "event_actors", "raw_rows", "quarantine")
#: The file that declares a Parquet folder co-partitioned (see :func:`write_parts_marker`).
PARTS_MARKER = "spillover-parts.json"
#: Events per batch of co-partitioned parts aggregated at once (parts are grouped up to this many rows).
#: Larger batches leave fewer partial rows to combine (100M synthetic events, ``tactics``: 5M → 20M
#: cut the combining from 18 to 10 s and the whole from 79 to 69 s, peak 3.2 → 3.4 GB; 34M gained nothing).
BATCH_EVENTS = 20_000_000


def is_spark_session(obj: object) -> bool:
    """True for a ``pyspark.sql.SparkSession`` (checked without importing pyspark)."""
    return type(obj).__module__.startswith("pyspark.sql") and hasattr(obj, "sparkContext")


def connect(
    target: Any = None, *, memory_limit: str | None = None, threads: int | None = None, **duckdb_config: Any
) -> BaseBackend:
    """An Ibis backend over the store's tables, from whatever ``target`` the user has (see module doc).

    ``memory_limit``, ``threads`` and any other ``duckdb_config`` (``temp_directory``,
    ``preserve_insertion_order``, …) configure a DuckDB opened here; Spark is configured by its session.
    """
    config = _duckdb_config(memory_limit, threads) | duckdb_config
    if target is None:
        target = default_store_path()
    if isinstance(target, BaseBackend):
        return target
    if is_spark_session(target):
        return ibis.pyspark.connect(target)
    if isinstance(target, duckdb.DuckDBPyConnection):
        return ibis.duckdb.from_connection(target)
    if hasattr(target, "con") and isinstance(target.con, duckdb.DuckDBPyConnection):  # a Store
        return from_store(target)
    text = str(target)
    if "://" in text:
        return ibis.connect(text, **config)
    path = Path(text).expanduser()
    if path.is_dir():
        return connect_parquet(path, memory_limit=memory_limit, threads=threads, **duckdb_config)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: neither a store file nor a folder of Parquet tables. Fix: load data with "
            "`spillover data add FILE`, or pass the folder written by Store.export_parquet."
        )
    return ibis.duckdb.connect(path, read_only=True, **config)


def from_store(store: Store) -> BaseBackend:
    """Query an open store through its own DuckDB connection (a second connection to the same file in
    the same process would be refused by DuckDB while the store holds it for writing)."""
    return ibis.duckdb.from_connection(store.con)


def _duckdb_config(memory_limit: str | None, threads: int | None) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    if threads is not None:
        config["threads"] = threads
    return config


def parquet_location(directory: Path, table: str) -> Path | None:
    """``<dir>/<table>.parquet`` (a Parquet export) or ``<dir>/<table>/`` (a folder of parts), if present."""
    single = directory / f"{table}.parquet"
    if single.is_file():
        return single
    folder = directory / table
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return folder
    return None


def _require_query_tables(directory: Path) -> dict[str, Path]:
    found = {t: loc for t in PARQUET_TABLES if (loc := parquet_location(directory, t)) is not None}
    missing = [t for t in QUERY_TABLES if t not in found]
    if missing:
        raise FileNotFoundError(
            f"{directory}: no Parquet table {', '.join(missing)} (expected {missing[0]}.parquet or "
            f"{missing[0]}/*.parquet). Fix: write one with Store.export_parquet(directory)."
        )
    return found


def connect_parquet(
    directory: str | Path,
    *,
    memory_limit: str | None = None,
    threads: int | None = None,
    partitioned: bool = True,
    batch_events: int = BATCH_EVENTS,
    **duckdb_config: Any,
) -> BaseBackend:
    """An in-memory DuckDB whose tables are views over the Parquet files of ``directory`` (read in place).

    With ``partitioned`` (default) and a co-partitioned folder, aggregations run batch by batch of about
    ``batch_events`` events (:func:`run_partitioned`); results are equal either way.  Insertion order is
    not preserved (results are sorted by :func:`~spillover.query.normalise.normalise`), which lets DuckDB
    stream and spill.
    """
    directory = Path(directory)
    config = {"preserve_insertion_order": False} | _duckdb_config(memory_limit, threads) | duckdb_config
    con = ibis.duckdb.connect(**config)
    for table, location in _require_query_tables(directory).items():
        pattern = (location / "*.parquet") if location.is_dir() else location
        _bind_view(con, table, [pattern])
    parts = co_partitioned_parts(directory) if partitioned else None
    if parts and len(parts) > 1:
        con._spillover_batches = _batches(parts, batch_events)  # type: ignore[attr-defined]
    con._spillover_unique_names = parts_marker(directory).get("unique_names_per_event") is True  # type: ignore[attr-defined]
    return con


def _bind_view(con: BaseBackend, table: str, files: Sequence[Path]) -> None:
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    con.raw_sql(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet([{listed}])")


def write_parts_marker(directory: str | Path, *, unique_names_per_event: bool = False) -> Path:
    """Declare ``directory`` co-partitioned: for every ``events/<part>.parquet`` the actor rows of its events
    are in ``event_actors/<part>.parquet`` and nowhere else.  Only the writer of the parts can know it.

    ``unique_names_per_event``: the writer checked that no event names the same actor twice (in two roles),
    so "every actor name is a group" needs no de-duplication of ``(event_id, name)`` pairs.
    """
    marker = Path(directory) / PARTS_MARKER
    marker.write_text(
        json.dumps(
            {
                "co_partitioned": ["events", "event_actors"],
                "key": "event_id",
                "rule": "the actor rows of the events of events/<part>.parquet are all in "
                "event_actors/<part>.parquet",
                "unique_names_per_event": bool(unique_names_per_event),
            },
            indent=2,
        )
    )
    return marker


def parts_marker(directory: str | Path) -> dict[str, Any]:
    """The folder's :data:`PARTS_MARKER` as a dict ({} when there is none or it is unreadable)."""
    try:
        return dict(json.loads((Path(directory) / PARTS_MARKER).read_text()))
    except (OSError, ValueError, TypeError):
        return {}


def names_unique_per_event(con: BaseBackend) -> bool:
    """Did the writer of the backend's Parquet parts declare every ``(event_id, name)`` pair unique?"""
    return bool(getattr(con, "_spillover_unique_names", False))


def co_partitioned_parts(directory: str | Path) -> list[tuple[Path, Path]] | None:
    """``(events part, event_actors part)`` pairs of a folder declared co-partitioned, else None (also when
    the two folders do not hold the same part names)."""
    directory = Path(directory)
    if not (directory / PARTS_MARKER).is_file():
        return None
    events = sorted((directory / "events").glob("*.parquet"))
    actors = {p.name: p for p in (directory / "event_actors").glob("*.parquet")}
    if not events or len(actors) != len(events) or any(p.name not in actors for p in events):
        return None
    return [(p, actors[p.name]) for p in events]


def _batches(parts: list[tuple[Path, Path]], batch_events: int) -> list[tuple[list[Path], list[Path]]]:
    """Consecutive parts grouped up to ``batch_events`` events (row counts from the Parquet footers)."""
    import pyarrow.parquet as pq

    out: list[tuple[list[Path], list[Path]]] = []
    events: list[Path] = []
    actors: list[Path] = []
    rows = 0
    for ev, ac in parts:
        n = pq.ParquetFile(ev).metadata.num_rows
        if events and rows + n > batch_events:
            out.append((events, actors))
            events, actors, rows = [], [], 0
        events.append(ev)
        actors.append(ac)
        rows += n
    if events:
        out.append((events, actors))
    return out


def partition_batches(con: BaseBackend) -> list[tuple[list[Path], list[Path]]] | None:
    """The batches a backend aggregates part by part (None: it aggregates all the data at once)."""
    return getattr(con, "_spillover_batches", None)


def run_partitioned(con: BaseBackend, sql: str) -> Iterator[pa.Table]:
    """Run ``sql`` (over the views ``events`` and ``event_actors``) once per batch of co-partitioned parts,
    yielding each partial result; the views are put back over every part afterwards."""
    batches = partition_batches(con) or []
    try:
        for events, actors in batches:
            _bind_view(con, "events", events)
            _bind_view(con, "event_actors", actors)
            yield con.con.sql(sql).to_arrow_table()  # type: ignore[attr-defined]
    finally:
        _bind_view(con, "events", [p for ev, _ in batches for p in ev])
        _bind_view(con, "event_actors", [p for _, ac in batches for p in ac])


def register_parquet_in_spark(session: SparkSession, directory: str | Path) -> list[str]:
    """Register the Parquet tables of ``directory`` as temporary views of ``session``; returns their names.

    Spark reads the files where they are (a local folder, or any path Spark can reach such as HDFS/S3 when
    ``directory`` is a URL string).
    """
    text = str(directory)
    if "://" in text:  # a remote folder: trust the caller that the usual tables are there
        views = []
        for table in QUERY_TABLES:
            session.read.parquet(f"{text.rstrip('/')}/{table}.parquet").createOrReplaceTempView(table)
            views.append(table)
        return views
    found = _require_query_tables(Path(text))
    for table, location in found.items():
        session.read.parquet(str(location)).createOrReplaceTempView(table)
    return list(found)


def connect_spark(session: SparkSession, parquet_dir: str | Path | None = None) -> BaseBackend:
    """Ibis over a Spark session; with ``parquet_dir``, its Parquet tables are registered first."""
    if parquet_dir is not None:
        register_parquet_in_spark(session, parquet_dir)
    return ibis.pyspark.connect(session)


def local_spark_session(
    cores: int = 2, *, shuffle_partitions: int = 4, memory: str = "2g", app_name: str = "spillover"
) -> SparkSession:
    """A local Spark session for tests and benchmarks: UI off, UTC, Arrow transfers, few shuffle partitions.

    On a cluster, build the session as usual and pass it to :func:`connect` instead.
    """
    return spark_session(
        f"local[{cores}]", shuffle_partitions=shuffle_partitions, memory=memory, app_name=app_name
    )


def spark_session(
    master: str = "local[*]",
    *,
    shuffle_partitions: int | None = None,
    memory: str | None = None,
    app_name: str = "spillover",
) -> SparkSession:
    """A Spark session on ``master`` (``local[N]``, ``spark://host:7077``, ``yarn`` …), UI off, UTC, Arrow
    transfers; an existing session of this process is reused (Spark allows one)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError("Spark needs the optional extra: pip install 'spillover[spark]'") from exc
    builder = SparkSession.builder.master(master)
    if shuffle_partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    if memory is not None:
        builder = builder.config("spark.driver.memory", memory)
    return (
        builder.appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


#: Engines the command line offers (``--engine``).
ENGINES: tuple[str, ...] = ("duckdb", "spark")


def open_engine(
    engine: str | None = None,
    *,
    store: str | Path | None = None,
    parquet: str | Path | None = None,
    spark_master: str = "local[*]",
    memory_limit: str | None = None,
    threads: int | None = None,
) -> BaseBackend:
    """The backend the command line asked for: ``duckdb`` (default) over ``parquet`` or else the store,
    or ``spark`` over ``parquet`` (Spark cannot read a DuckDB file: export the store first)."""
    engine = (engine or "duckdb").lower()
    if engine == "duckdb":
        return connect(parquet if parquet is not None else store, memory_limit=memory_limit, threads=threads)
    if engine == "spark":
        if parquet is None:
            raise ValueError(
                "Spark reads Parquet tables, not the DuckDB store. Fix: write them with "
                "`spillover data export DIR` (or export GDELT with spillover.loading.gdelt.export_gdelt_parquet) "
                "and pass --parquet DIR"
            )
        return connect_spark(spark_session(spark_master), parquet)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
