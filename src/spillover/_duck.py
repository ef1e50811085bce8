"""Small DuckDB conveniences shared by the store and the loaders."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
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


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's statements in one transaction: committed when it ends, rolled back when it raises (the
    block's error is what is raised: a connection a full disk invalidated cannot roll back)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
