"""The row facts computed chunk by chunk as a CSV is read (``sources.blockfacts``) give the same store as one
chunk: ids, duplicates, quarantine, skipped HXL rows, padded short rows and actor names alike."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

from spillover.sources import blockfacts, reading
from spillover.store import Store

REAL = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "events"
    / "acled_hdx_mali_1997_2020.csv.gz"
)
TABLES = {
    "events": "event_id",
    "event_actors": "event_id, role, ordinal, name",
    "quarantine": "row_number, field, reason",
    "raw_rows": "row_number",
    "skipped_rows": "row_number",
    "event_stamps": "event_id",
}


def _file_with_bad_rows(tmp_path: Path) -> Path:
    """The real Mali file with an HXL hashtag row first, a duplicate id, a short row and a truncated one."""
    with gzip.open(REAL, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, records = rows[0], rows[1:]
    hxl = ["#" + name.replace("_", "") if i % 2 == 0 else "" for i, name in enumerate(header)]
    records = [hxl, *records[:1500], records[10], records[20][:-1], records[30][:5], *records[1500:]]
    path = tmp_path / "mali_bad_rows.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *records])
    return path


def _store_tables(path: Path, store_path: Path) -> dict[str, pd.DataFrame]:
    with Store(store_path) as store:
        store.ingest(path)
        return {
            t: store.con.execute(f"SELECT * FROM {t} ORDER BY {order}").df() for t, order in TABLES.items()
        }


def test_chunked_facts_build_the_same_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not REAL.is_file():
        pytest.skip(f"{REAL} not available")
    path = _file_with_bad_rows(tmp_path)
    whole = _store_tables(path, tmp_path / "whole.duckdb")
    assert len(whole["skipped_rows"]) == 1 and whole["skipped_rows"]["row_number"].tolist() == [1]
    assert 1 not in set(whole["quarantine"]["row_number"])  # the HXL row is skipped, not a bad event
    reasons = set(whole["quarantine"]["reason"])
    assert any(r.startswith("duplicate id") for r in reasons) and any(
        r.startswith("expected") for r in reasons
    )
    assert len(whole["events"]) > 3000 and len(whole["event_actors"]) > len(whole["events"])

    chunks: list[int] = []
    compute = blockfacts.FactsSink._compute

    def counted(self: blockfacts.FactsSink, chunk: list) -> None:  # type: ignore[type-arg]
        chunks.append(sum(b.num_rows for b in chunk))
        compute(self, chunk)

    monkeypatch.setattr(reading, "_BLOCK", 1 << 16)  # blocks of 64 KB, each its own chunk
    monkeypatch.setattr(blockfacts, "CHUNK_BYTES", 1)
    monkeypatch.setattr(blockfacts.FactsSink, "_compute", counted)
    chunked = _store_tables(path, tmp_path / "chunked.duckdb")
    assert (
        len(chunks) > 10 and sum(chunks) == len(whole["raw_rows"]) - 1
    )  # every kept row once; not the malformed
    for table, frame in whole.items():
        pd.testing.assert_frame_equal(chunked[table], frame, obj=table)
