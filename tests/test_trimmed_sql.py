"""``sources.base.trimmed`` (``long_txt``): DuckDB's ``trim`` called only where an end may be white space, same results."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from spillover.sources.base import long_txt, trimmed

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "events"

#: Unicode's space separators (category Zs), which DuckDB's trim strips, and characters it keeps.
SPACES = [" ", "\u00a0", "\u1680", *map(chr, range(0x2000, 0x200B)), "\u202f", "\u205f", "\u3000"]
OTHERS = ["\t", "\n", "\r", "\x7f", "\u0301", "\u0600", "\u200b", "é", "ß", "\ufeff", "~", "!", "a", "日"]


def _tricky() -> list[str | None]:
    """Every space and non-space at the start, the end, both and alone, around ASCII and non-ASCII text."""
    values: list[str | None] = [None, "", "a", "ab", "Mali", "Gao (Mali)"]
    for c in SPACES + OTHERS:
        for core in ("x", "Tombouctou", "é", "a\u0301", "\u0600 x"):
            values += [c, c + c, c + core, core + c, c + core + c, core + c + core]
    return values


def _disagreements(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        f"SELECT v, trim(v), {trimmed('v')} FROM t WHERE trim(v) IS DISTINCT FROM {trimmed('v')}"
    ).fetchall()


def test_trimmed_equals_trim_on_every_space_and_edge_character() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[v] for v in _tricky()])
    # the values cover what the shortcut must still trim: without trim, these would differ
    stripped = con.execute("SELECT count(*) FROM t WHERE v IS DISTINCT FROM trim(v)").fetchone()
    assert stripped is not None and stripped[0] > 400
    assert _disagreements(con) == []
    assert con.execute(f"SELECT {long_txt('v')} FROM (SELECT ' \u3000 ' AS v)").fetchone() == (None,)


@pytest.mark.parametrize(
    "name",
    [
        "acled_hdx_mali_1997_2020.csv.gz",
        "gtd_somalia_1975_2018_renamed.csv.gz",
        "ucdp_ged_iraq_1989_2018_hdx.csv.gz",
    ],
)
def test_trimmed_equals_trim_on_every_value_of_a_real_file(name: str) -> None:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{path} not available")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE w AS SELECT * FROM read_csv('{path.as_posix()}', all_varchar = true)")
    columns = [r[0] for r in con.execute("DESCRIBE w").fetchall()]
    con.execute(
        "CREATE TABLE t AS " + " UNION ALL ".join(f"SELECT {duckdb_name(c)} AS v FROM w" for c in columns)
    )
    assert _disagreements(con) == []


def duckdb_name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'
