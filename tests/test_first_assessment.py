"""What the first assessment after a load computes once instead of again: each step gives the answer it gave
when it was done the long way (round 9 of issue 17)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spillover import memo
from spillover.actors import attribute_events, default_resolver, family, identity_chain, load_registry
from spillover.actors.lineage import _incoming
from spillover.actors.models import Relation
from spillover.fusion.matching import _formatted
from spillover.selection.group import resolved_store_names
from spillover.selection.labels import _actor_rows
from spillover.store import Store

MALI = "events/acled_hdx_mali_1997_2020.csv.gz"


def _actors_naming(store: Store, groups: set[str]) -> pd.DataFrame:
    """Every actor row (all roles) of the store's names that stand for one of ``groups``."""
    names = resolved_store_names(store, default_resolver())
    hit = names["candidate_ids"].map(lambda ids: bool(groups.intersection(ids)))
    chosen = names.loc[hit, ["source", "name"]].drop_duplicates()
    return _actor_rows(store, "JOIN _t_names n ON n.name = a.name AND n.source = e.source", _t_names=chosen)


def test_attributing_every_role_at_once_is_attributing_each_role_alone(loaded_store: Store) -> None:
    actors = _actors_naming(loaded_store, {"jnim", "isgs", "aqim", "ansar-dine"})
    assert actors["role"].nunique() >= 4 and len(actors) > 5_000
    resolver = default_resolver()
    alone = pd.concat(
        [
            attribute_events(part, resolver, with_rollup=False)
            for _, part in actors.groupby("role", sort=False)
        ],
        ignore_index=True,
    )
    at_once = attribute_events(actors, resolver, with_rollup=False, per_role=True)
    pd.testing.assert_frame_equal(at_once, alone)
    # one row per event, group and role: a group named on both sides of an event keeps both
    assert at_once.duplicated(["event_id", "group_id"]).any()
    assert not at_once.duplicated(["event_id", "group_id", "role"]).any()


def test_a_dated_name_is_resolved_on_each_rows_own_date_and_country(loaded_store: Store) -> None:
    resolver = default_resolver()
    actors = _actors_naming(loaded_store, {"jnim", "isgs", "aqim", "ansar-dine", "mujao", "al-mourabitoun"})
    dated = actors[
        [resolver.resolve(n, s).date_sensitive for n, s in zip(actors["name"], actors["source"], strict=True)]
    ]
    assert len(dated) > 1_000 and dated["date"].nunique() > 100  # many rows, dates and places to keep apart
    out = attribute_events(dated, resolver, with_rollup=False, per_role=True)
    expected = set()
    for row in dated.itertuples(index=False):
        found = resolver.resolve(row.name, row.source, row.date, row.country)
        expected |= {
            (row.event_id, row.role, g)
            for g in (*found.group_ids, *(g for p in found.parts for g in p.group_ids))
        }
    got = set(zip(out["event_id"], out["role"], out["group_id"], strict=True))
    assert got and got <= expected


def test_components_roll_up_beside_groups_that_never_do(real_data: Path) -> None:
    actors = pd.DataFrame(
        [
            ("acled:MLI1", "acled", "side_a", "Katiba Macina", 1, False, "2018-03-01"),
            ("gtd:NGA1", "gtd", "perpetrator", "Boko Haram", 1, False, "2014-04-14"),
            ("acled:MLI2", "acled", "side_a", "Katiba Macina", 1, False, "2016-03-01"),
        ],
        columns=["event_id", "source", "role", "name", "ordinal", "uncertain", "date"],
    )
    out = attribute_events(actors, default_resolver()).set_index(["event_id", "group_id"])["via"]
    assert out[("acled:MLI1", "jnim")] == "rollup:katiba-macina"
    assert out[("acled:MLI2", "ansar-dine")] == "rollup:katiba-macina"
    assert not out.loc["gtd:NGA1"].str.startswith("rollup:").any()  # Boko Haram is nobody's component


def test_the_registry_index_of_incoming_relations_follows_a_changed_entry(real_data: Path) -> None:
    reg = load_registry(ucdp_actors=real_data / "ucdp_actor_v22_1.csv.gz")
    assert [link.group_id for link in identity_chain("jnim", reg)] == ["jnim"]
    assert _incoming(reg) is _incoming(reg)  # built once while the registry is unchanged
    # an entry replaced (as the registry's own build does): JNIM now has an earlier name
    ansaroul = reg.groups["ansaroul-islam"]
    renamed = Relation(
        type="renamed_to", target="jnim", start="2017-03", sources=ansaroul.relations[0].sources
    )
    reg.groups["ansaroul-islam"] = ansaroul.model_copy(update={"relations": [*ansaroul.relations, renamed]})
    assert [link.group_id for link in identity_chain("jnim", reg)] == ["ansaroul-islam", "jnim"]
    assert "ansaroul-islam" in family("jnim", registry=reg).ids
    # a group a pattern rule adds on the fly: the index is built again
    index, before = _incoming(reg), len(reg.groups)
    assert reg.match_pattern("Mutiny of Military Forces of Iceland (1944-)", "acled") is not None
    assert len(reg.groups) == before + 1 and _incoming(reg) is not index


def test_numbers_are_written_as_format_writes_each(cache_off: None) -> None:
    values = pd.Series([0.0, -0.0, 1.005, 2.5, np.nan, np.inf, -3.25, 1e21, 12.0, 0.125, 2.5])
    for spec in (".2f", ".1f", ".0f", "g"):
        assert _formatted(values, spec).tolist() == [format(v, spec) for v in values.tolist()]
    assert _formatted(pd.Series([3, 0, 3], dtype="int64"), "g").tolist() == ["3", "0", "3"]


@pytest.fixture
def cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPILLOVER_NO_MEMO", "1")


def test_cells_holding_arrays_are_kept_as_they_were(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    nested = np.empty(2, dtype=object)
    nested[0], nested[1] = np.array(["a"], dtype=object), ["b", "c"]
    frame = pd.DataFrame(
        {
            "tactics": [
                np.array(["armed_assault", "bombing"], dtype=object),
                np.array([], dtype=object),
                None,
            ],
            "ids": [["x"], ["y", "z"], []],
            "nested": [nested, np.array([1, 2]), np.array([[1, 2], [3, 4]], dtype=object)],
        },
        index=pd.Index(["e1", "e2", "e3"], dtype=object),
    )
    back = memo.kept("unit-cells", ("cells",), lambda: frame)
    assert back is frame  # computed: the value itself
    again = memo.kept("unit-cells", ("cells",), lambda: pytest.fail("read back, not computed"))
    pd.testing.assert_frame_equal(again, frame)
    for column in frame:
        for mine, theirs in zip(again[column], frame[column], strict=True):
            assert type(mine) is type(theirs)
            if isinstance(theirs, np.ndarray):
                assert mine.dtype == theirs.dtype and mine.shape == theirs.shape
    assert type(again.loc["e1", "nested"][0]) is np.ndarray and again.loc["e1", "nested"][1] == ["b", "c"]
    assert pickle.loads(pickle.dumps(again)).equals(frame)
    # a long object array (a column's values, not a cell's) is kept as numpy keeps it, the same
    column = pd.Series([f"name {i}" if i % 7 else None for i in range(500)], dtype=object)
    memo.kept("unit-cells", ("column",), lambda: column)
    pd.testing.assert_series_equal(
        memo.kept("unit-cells", ("column",), lambda: pytest.fail("computed")), column
    )


def test_a_load_keeps_the_relations_datasets_the_first_autonomy_reads(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spillover.actors.relations import _read_dataset_relations, dataset_relations
    from spillover.loading.files import load_files

    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    dataset_relations.cache_clear()  # as in the load's own process: not read yet
    with Store(tmp_path / "store.duckdb") as store:
        assert load_files(store, [real_data / MALI]).ok
    kept = list((tmp_path / "cache" / "memo").glob("dataset-relations-*.pickle"))
    assert len(kept) == 1
    folder = str(real_data)
    assert dataset_relations(folder) == tuple(_read_dataset_relations(folder))
