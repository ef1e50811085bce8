"""Small DuckDB conveniences shared by the store and the loaders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The single value a query returns (fetching every row, so no result is left open on the connection)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
