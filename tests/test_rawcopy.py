"""The raw Parquet copy of a file: a dictionary only for the columns whose values repeat, and every value
as the file wrote it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from spillover.sources.reading import sha256_of
from spillover.store import Store

ACLED = "acled_global_2020-04-28_2020-05-09_export.csv.gz"


def _dictionary_encoded(path: Path) -> dict[str, bool]:
    meta = pq.ParquetFile(path).metadata
    names = meta.schema.names
    return {
        names[i]: all(
            "RLE_DICTIONARY" in meta.row_group(g).column(i).encodings for g in range(meta.num_row_groups)
        )
        for i in range(meta.num_columns)
    }


def test_raw_copy_dictionary_only_where_values_repeat(real_data: Path, tmp_path: Path) -> None:
    path = real_data / ACLED
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(path)
        raw = store.raw_dir / f"{sha256_of(path)}.parquet"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    header = list(frame.columns)
    encoded = _dictionary_encoded(raw)
    column = {
        name: f"c{header.index(name) + 1}" for name in ("data_id", "event_id_cnty", "event_type", "country")
    }
    assert frame["data_id"].is_unique and not encoded[column["data_id"]]
    assert not encoded[column["event_id_cnty"]]
    assert encoded[column["event_type"]] and encoded[column["country"]]
    assert not encoded["row_number"]
    # every value as the file wrote it (the one row without an id is quarantined, but its raw row is kept)
    table = pq.read_table(raw).to_pandas().sort_values("row_number")
    assert len(table) == len(frame)
    for name, c in column.items():
        assert table[c].tolist() == frame[name].tolist(), name
