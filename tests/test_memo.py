"""Results kept between runs (spillover.memo): read back unchanged, recomputed when an input changes, never
half-written, and the same answers as computing afresh."""

from __future__ import annotations

import json
import pickle
import shutil

import pandas as pd
import pytest

from spillover import measures, memo
from spillover.selection import select
from spillover.store import Store
from tests.realdata import event_datasets, load_kwargs


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    return tmp_path / "cache" / "memo"


def test_a_result_is_computed_once_and_read_back(cache):
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2]})

    first = memo.kept("unit", ("a", 1), compute)
    again = memo.kept("unit", ("a", 1), compute)
    other = memo.kept("unit", ("a", 2), compute)  # another input: computed
    assert len(calls) == 2
    pd.testing.assert_frame_equal(first, again)
    assert again is not first and other.equals(first)
    assert len(list(cache.glob("unit-*.pickle"))) == 2


def test_items_are_kept_one_by_one_and_the_missing_ones_computed_together(cache):
    batches = []

    def compute(items):
        batches.append(list(items))
        return {i: pd.DataFrame({"item": [i] * len(i)}) for i in items}

    first = memo.kept_each("unit", ("store",), ["isgs", "jnim"], compute)
    again = memo.kept_each("unit", ("store",), ["jnim", "aqim", "isgs"], compute)
    assert batches == [["isgs", "jnim"], ["aqim"]]  # one call for the missing ones, none for the kept ones
    assert list(again) == ["jnim", "aqim", "isgs"]  # in the order asked
    for item in ("isgs", "jnim"):
        pd.testing.assert_frame_equal(first[item], again[item])
    assert again["aqim"]["item"].tolist() == ["aqim"] * 4
    assert len(list(cache.glob("unit-*.pickle"))) == 3
    memo.kept_each("unit", ("other store",), ["isgs"], compute)  # other parts: computed again
    assert batches[-1] == ["isgs"]


def test_a_value_that_cannot_be_written_leaves_nothing_behind(cache):
    value = memo.kept("unit", ("lambda",), lambda: {"f": lambda: 1})  # a lambda does not pickle
    assert value["f"]() == 1
    assert list(cache.iterdir()) == []  # no half-written file, no temporary left


def test_a_damaged_file_is_recomputed(cache):
    memo.kept("unit", ("b",), lambda: 1)
    (path,) = cache.glob("unit-*.pickle")
    path.write_bytes(b"not a pickle")
    assert memo.kept("unit", ("b",), lambda: 2) == 2
    assert pickle.loads(path.read_bytes()) == 2


def test_a_changed_file_changes_its_fingerprint(tmp_path):
    f = tmp_path / "onsets.csv"
    f.write_text("a\n", encoding="utf-8")
    before = memo.file_fingerprint(f)
    f.write_text("b\n", encoding="utf-8")
    assert memo.file_fingerprint(f) != before
    assert memo.file_fingerprint(tmp_path / "absent.csv").startswith("missing:")


def test_memo_off(cache, monkeypatch):
    monkeypatch.setenv("SPILLOVER_NO_MEMO", "1")
    calls = []
    for _ in range(2):
        memo.kept("unit", ("c",), lambda: calls.append(1))
    assert len(calls) == 2 and not cache.exists()


def _headline(store: Store) -> str:
    sel = select(store, "AQIM")
    assert sel.source is store
    result = measures.autonomy(sel)
    if result.parent_selection is not None:
        assert result.parent_selection.source is store  # a kept selection gets its store back
    return json.dumps(measures.headline(sel), sort_keys=True, default=str)


def test_kept_selection_and_measures_give_the_same_answers(loaded_store, cache, monkeypatch):
    monkeypatch.setenv("SPILLOVER_NO_MEMO", "1")
    fresh = _headline(loaded_store)
    monkeypatch.delenv("SPILLOVER_NO_MEMO")
    computed = _headline(loaded_store)  # computed and written
    assert {p.name.split("-")[0] for p in cache.glob("*.pickle")} >= {"selection", "links", "measure"}
    read_back = _headline(loaded_store)  # read back
    assert fresh == computed == read_back
    assert json.loads(read_back)["selection"]["events"] == 326


def test_a_store_that_changes_is_selected_again(real_data, tmp_path, cache):
    """A file added to the store changes its content key: the selection is made again, not read back."""
    by_file = {d.file: d for d in event_datasets()}
    datasets = [
        by_file["gtd_0718dist_sample_2000_2017.csv.gz"],
        by_file["events/acled_hdx_mali_1997_2020.csv.gz"],
    ]
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.ingest(real_data / datasets[0].file, **load_kwargs(datasets[0]))
        before = len(select(store, "AQIM", view="all").events)
        key = memo.store_content(store)
        for ds in datasets[1:]:
            store.ingest(real_data / ds.file, **load_kwargs(ds))
        assert memo.store_content(store) != key
        after = len(select(store, "AQIM", view="all").events)
    with Store(tmp_path / "fresh.duckdb") as fresh:
        for ds in datasets:
            fresh.ingest(real_data / ds.file, **load_kwargs(ds))
        expected = len(select(fresh, "AQIM", view="all").events)
    assert after == expected and after > before


def test_the_folder_is_pruned_to_its_size(cache, monkeypatch):
    monkeypatch.setattr(memo, "MAX_BYTES", 3_000)
    monkeypatch.setattr(memo, "_PRUNED", set())
    for i in range(10):
        memo.kept(f"big{i}", (i,), lambda: b"x" * 1_000)
    total = sum(p.stat().st_size for p in cache.glob("*.pickle"))
    assert total <= 3_000 + 1_100  # the last result written stays even when it tips the folder over
    shutil.rmtree(cache)


def test_a_selection_whose_events_were_replaced_is_measured_afresh(loaded_store, cache):
    """A caller that narrows a selection's events gets the measure of what it holds, never the one kept for
    the whole selection."""
    sel = select(loaded_store, "AQIM")
    assert sel.memo_key is not None
    whole = measures.profile(sel)
    sel.events = sel.events[sel.events["year"] >= 2010].reset_index(drop=True)
    assert sel.memo_key is None
    narrowed = measures.profile(sel)
    assert whole.events == 326
    assert narrowed.events == len(sel.events) < whole.events
