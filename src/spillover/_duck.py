"""Small DuckDB conveniences shared by the store and the loaders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The single value a query returns (fetching every row, so no result is left open on the connection)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database holds a (non-temporary) table of this name: tables made on first use (fusion
    links, versions, kept resolutions) are asked for before they are read."""
    return bool(
        scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name])
    )
