"""An ingest killed at any point (kill -9) leaves the store exactly as it was before."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spillover.store import TABLES, Store

INGEST = (
    "import sys; from spillover.store import Store; Store(sys.argv[1]).ingest(sys.argv[2]); print('done')"
)


def _snapshot(path: Path) -> dict[str, object]:
    with Store(path, read_only=True) as s:
        sums = {
            t: s.con.execute(
                f"SELECT count(*), hash(string_agg(md5(x::VARCHAR), '' ORDER BY md5(x::VARCHAR))) FROM {t} x"
            ).fetchall()[0]
            for t in TABLES
        }
    return sums


@pytest.fixture(scope="module")
def big_file(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RAND's 40k rows four times over: big enough that a kill lands mid-ingest."""
    with gzip.open(real_data / "events/rand_rdwti_1968_2009_exdex.csv.gz", "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    path = tmp_path_factory.mktemp("big") / "rand_x4.csv"
    path.write_text("\n".join([lines[0]] + lines[1:] * 4) + "\n", encoding="utf-8")
    return path


def test_killed_ingest_leaves_store_unchanged(real_data: Path, big_file: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "store.duckdb"
    with Store(store_path) as s:
        s.ingest(real_data / "events/acled_hdx_niger_1997_2020.csv.gz")
    before = _snapshot(store_path)
    killed_midway = 0
    for delay in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0):
        proc = subprocess.Popen(
            [sys.executable, "-c", INGEST, str(store_path), str(big_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        still_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = _snapshot(store_path)
        if after == before:
            killed_midway += still_running
            continue
        # otherwise the transaction had committed before the kill: the file must be there completely
        assert after["files"][0] == before["files"][0] + 1, f"partial ingest after a kill at {delay}s"
        assert after["raw_rows"][0] == before["raw_rows"][0] + 4 * 40129
        assert after["events"][0] == before["events"][0] + 4 * 40129
        break
    assert killed_midway >= 2, "the kill never landed during an ingest; make the file bigger"
    # the store still works after the kills: the same file ingests completely (or is already there, complete)
    with Store(store_path) as s:
        report = s.ingest(big_file)
        assert report.status == "already ingested" or report.events_added == report.rows == 4 * 40129
        assert s.counts()["raw_rows"] == before["raw_rows"][0] + 4 * 40129
