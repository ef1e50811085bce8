"""A guard against gross regressions of the ingest's speed: ``Store.ingest`` of a generated ACLED file
against DuckDB reading the same file into a table, both measured in this run (a ratio of CPU times, never
an absolute time; the figures and the 1.5× target are printed by ``benchmarks/ingest.py``)."""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from spillover.store import Store

ACLED = (
    "events/acled_hdx_mali_1997_2020.csv.gz",
    "events/acled_hdx_niger_1997_2020.csv.gz",
    "events/acled_hdx_burkina_faso_1997_2020.csv.gz",
)
ROWS = 20_000
RUNS = 2
#: Fails only on a gross regression (the target, at full size, is 1.5×; on a small file the fixed costs of
#: a store weigh more, ~3×): e.g. a pass over the rows in Python, or every row read many times over.
MAX_RATIO = 6.0


def _cpu_seconds(work: Callable[[int], object]) -> float:
    """CPU seconds (user + system, all threads of this process) of the quickest of RUNS calls."""
    best = float("inf")
    for run in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_SELF)
        work(run)
        after = resource.getrusage(resource.RUSAGE_SELF)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


@pytest.fixture(scope="module")
def generated_acled(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ROWS real ACLED rows drawn with replacement from three HDX country files, each with its own id."""
    tables = [pacsv.read_csv(real_data / name) for name in ACLED]
    pool = pa.concat_tables([t.cast(tables[0].schema) for t in tables])
    picks = pool.take(np.random.default_rng(0).integers(0, pool.num_rows, ROWS))
    serial = pa.array([str(i) for i in range(1, ROWS + 1)])
    for column in ("data_id", "event_id_no_cnty"):
        picks = picks.set_column(picks.schema.get_field_index(column), column, serial)
    ids = pa.compute.binary_join_element_wise(picks["iso3"].cast(pa.string()), serial, "")
    picks = picks.set_column(picks.schema.get_field_index("event_id_cnty"), "event_id_cnty", ids)
    path = tmp_path_factory.mktemp("speed") / "acled_generated.csv"
    pacsv.write_csv(picks, path)
    return path


def test_ingest_within_six_times_duckdbs_raw_read(generated_acled: Path, tmp_path: Path) -> None:
    few = tmp_path / "few.csv"
    few.write_text("".join(generated_acled.open().readlines()[:200]))
    with Store(tmp_path / "warm.duckdb") as warm:  # imports and first-use costs out of the measurement
        warm.ingest(few)

    def raw_read(run: int) -> None:
        con = duckdb.connect(str(tmp_path / f"raw{run}.duckdb"))
        con.execute(
            "CREATE TABLE raw AS SELECT * FROM read_csv(?, all_varchar = true)", [str(generated_acled)]
        )
        con.close()

    def ingest(run: int) -> None:
        with Store(tmp_path / f"s{run}.duckdb") as store:
            assert store.ingest(generated_acled).events_added == ROWS

    floor, spent = _cpu_seconds(raw_read), _cpu_seconds(ingest)
    print(f"ingest {spent:.2f} CPU s, raw read {floor:.2f} CPU s: {spent / floor:.2f}×")
    assert spent <= MAX_RATIO * floor, f"ingest {spent:.2f} CPU s, DuckDB's raw read {floor:.2f} CPU s"
