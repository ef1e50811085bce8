"""Command-line options that choose where an analysis's heavy queries run (shared by the commands that
accept them: ``profile``, ``expansion``, ``tactics``).

Without them a command reads the DuckDB store as before.  ``--engine duckdb`` runs the query layer on the
store (or, with ``--parquet DIR``, on a folder of Parquet tables: a store export, a GDELT export, a
synthetic set) and ``--engine spark`` runs the same queries on Apache Spark over ``--parquet DIR``
(``--spark-master``: ``local[*]`` by default, or a cluster's master URL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="Run the heavy queries on duckdb (the store, or --parquet) or spark (--parquet) "
        "[default: the store, as usual]",
        show_default=False,
    ),
]
ParquetOpt = Annotated[
    Path | None,
    typer.Option(
        "--parquet",
        help="Folder of Parquet tables (events, event_actors) to query instead of the store: "
        "`spillover data export DIR`, a GDELT export or a synthetic set",
        show_default=False,
    ),
]
SparkMasterOpt = Annotated[
    str,
    typer.Option("--spark-master", help="Spark master URL for --engine spark (local[N], spark://…, yarn)"),
]


def wants_engine(engine: str | None, parquet: Path | None) -> bool:
    """Did the user ask for the query layer (an engine or a Parquet folder)?"""
    return engine is not None or parquet is not None
