"""A newer export file of a dataset over an older one is an update (versions), not a second copy; a
deleted event cannot come back through an older file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spillover.store import Store
from spillover.versions import apply_deletions, event_history

MALI = "events/acled_hdx_mali_1997_2020.csv.gz"


@pytest.fixture(scope="module")
def exports(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three exports of the same 60 ACLED events: an old one, a newer one where ACLED has since edited one
    event (MLI4111's toll revised, its timestamp moved on) and added five, and a reordered copy of the old."""
    folder = tmp_path_factory.mktemp("exports")
    frame = pd.read_csv(real_data / MALI, dtype=str, keep_default_na=False)
    old = frame.head(60)
    newer = frame.head(65).copy()
    edited = newer["event_id_cnty"] == "MLI4111"
    newer.loc[edited, "fatalities"] = "2"
    newer.loc[edited, "timestamp"] = str(
        int(old.loc[old["event_id_cnty"] == "MLI4111", "timestamp"].iloc[0]) + 86400
    )
    paths = {
        "old": folder / "mali_old.csv",
        "newer": folder / "mali_newer.csv",
        "old_copy": folder / "mali_old2.csv",
    }
    old.to_csv(paths["old"], index=False)
    newer.to_csv(paths["newer"], index=False)
    old.iloc[::-1].to_csv(paths["old_copy"], index=False)
    return paths


def test_a_newer_export_updates_the_events_it_changed(exports: dict[str, Path], tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        first = store.ingest(exports["old"])
        assert (first.events_added, first.events_known, first.events_updated) == (60, 0, 0)
        second = store.ingest(exports["newer"])
        assert (second.events_added, second.events_known, second.events_updated) == (5, 60, 1)
        assert store.counts()["events"] == 65  # not a second copy
        current = store.query("SELECT fatalities, file_id FROM events WHERE event_id = 'acled:MLI4111'")
        assert current["fatalities"].tolist() == [2.0] and current["file_id"].iloc[0] == second.file_id
        history = event_history(store.con, "acled:MLI4111")
        assert history[["version", "status", "fatalities", "file"]].to_dict("records") == [
            {"version": 1, "status": "edited", "fatalities": 1.0, "file": "mali_old.csv"},
            {"version": 2, "status": "current", "fatalities": 2.0, "file": "mali_newer.csv"},
        ]
        # the older export loaded again (another copy of it) changes nothing: its versions are older
        third = store.ingest(exports["old_copy"])
        assert (third.events_added, third.events_known, third.events_updated) == (0, 60, 0)
        assert (
            store.query("SELECT fatalities FROM events WHERE event_id = 'acled:MLI4111'")["fatalities"][0]
            == 2.0
        )
        assert len(event_history(store.con, "acled:MLI4111")) == 2


def test_a_deleted_event_does_not_come_back_through_an_older_file(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(exports["old"])
        stamp = int(
            store.query("SELECT stamp FROM event_stamps WHERE event_id = 'acled:MLI4109'")["stamp"][0]
        )
        store.con.execute("BEGIN TRANSACTION")
        assert apply_deletions(store.con, "acled", [("MLI4109", stamp + 3600)], None) == 1
        store.con.execute("COMMIT")
        assert store.counts()["events"] == 59
        again = store.ingest(exports["old_copy"])
        assert again.events_added == 0 and store.counts()["events"] == 59
        assert store.query("SELECT count(*) AS n FROM events WHERE event_id = 'acled:MLI4109'")["n"][0] == 0
        assert event_history(store.con, "acled:MLI4109")["status"].tolist() == ["deleted"]
