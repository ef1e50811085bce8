"""The store's long and unique text columns are compressed with zstd (cheaper to write than DuckDB's
default), and a store made before, whose tables keep DuckDB's default, loads the same files into the same
rows."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from spillover import store as store_module
from spillover import versions
from spillover.store import Store

FILES = ("acled_global_2020-04-28_2020-05-09_export.csv.gz", "gtd_0718dist_head_1970_1972.csv.gz")
#: The columns given zstd, by table (spillover.schema.TEXT_COMPRESSION).
ZSTD_COLUMNS = {
    "events": ("event_id", "source_id", "description"),
    "event_actors": ("event_id",),
    "raw_rows": ("event_id",),
    "event_stamps": ("event_id",),
}
COMPARED = ("events", "event_actors", "raw_rows", "event_stamps", "quarantine")


def _compressions(con: duckdb.DuckDBPyConnection, table: str, column: str) -> set[str]:
    rows = con.execute(
        f"SELECT DISTINCT compression FROM pragma_storage_info('{table}') "
        "WHERE column_name = ? AND segment_type <> 'VALIDITY'",
        [column],
    ).fetchall()
    return {r[0] for r in rows}


def _load(path: Path, real_data: Path) -> None:
    with Store(path) as store:
        for name in FILES:
            store.ingest(real_data / name)


def _old_style_store(path: Path) -> None:
    """A store whose tables were made before the compression was declared (DuckDB's default for all)."""
    con = duckdb.connect(str(path))
    for ddl in store_module._DDL + versions._VERSION_DDL:
        con.execute(re.sub(r" USING COMPRESSION \w+", "", ddl))
    con.close()


@pytest.fixture(scope="module")
def stores(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("compression")
    new, old = folder / "new.duckdb", folder / "old.duckdb"
    _load(new, real_data)
    _old_style_store(old)
    _load(old, real_data)
    return new, old


def test_new_store_compresses_long_and_unique_text_with_zstd(stores: tuple[Path, Path]) -> None:
    con = duckdb.connect(str(stores[0]), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 1000
    for table, columns in ZSTD_COLUMNS.items():
        for column in columns:
            assert _compressions(con, table, column) == {"ZSTD"}, (table, column)
    # the short repeated text keeps DuckDB's default
    assert "ZSTD" not in _compressions(con, "events", "country_iso3")
    con.close()


def test_store_made_before_keeps_its_tables_and_loads_the_same_rows(stores: tuple[Path, Path]) -> None:
    new, old = stores
    con = duckdb.connect(str(old), read_only=True)
    assert "ZSTD" not in _compressions(con, "events", "description"), "an old table keeps its compression"
    con.execute(f"ATTACH '{new}' AS new (READ_ONLY)")
    for table in COMPARED:
        count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert count == con.execute(f"SELECT count(*) FROM new.{table}").fetchone()[0], table
        for a, b in ((table, f"new.{table}"), (f"new.{table}", table)):
            assert con.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})").fetchone()[0] == 0, (
                table
            )
    assert con.execute("SELECT count(*) FROM events WHERE description IS NOT NULL").fetchone()[0] > 1000
    con.close()
