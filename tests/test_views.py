"""Views of a group's events (issue 4): every analysis runs on the fused view or on one source and says which,
and the analyses that count events over time warn when a trend coincides with a source starting or stopping.

On the store loaded with every real event file; expectations about coverage come from the raw files."""

from __future__ import annotations

import warnings

import networkx as nx
import pandas as pd
import pytest

from spillover.fusion import view_of
from spillover.fusion.fused import fuse_rows
from spillover.selection import (
    VIEW_ALL,
    VIEW_FUSED,
    GroupSelection,
    UnknownView,
    select,
)
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


def _select(store: Store, view: str, group: str = "AQIM") -> GroupSelection:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return select(store, group, view=view)


@pytest.fixture(scope="module")
def aqim_all(loaded_store: Store) -> GroupSelection:
    return _select(loaded_store, VIEW_ALL)


@pytest.fixture(scope="module")
def aqim_fused(loaded_store: Store) -> GroupSelection:
    return _select(loaded_store, VIEW_FUSED)


# --- the views ---------------------------------------------------------------------------------------------------


def test_all_view_is_the_stored_rows_unchanged(loaded_store: Store, aqim_all: GroupSelection) -> None:
    default = _select(loaded_store, VIEW_ALL)
    plain = select(loaded_store, "AQIM")  # the one default of every surface: fused, suspected-only left out
    assert plain.view == VIEW_FUSED and plain.certainty == ("certain", "joint")
    assert len(default.events) == len(aqim_all.events)
    assert "event_ids" not in default.events and default.events["event_id"].is_unique
    assert view_of(aqim_all.events) == VIEW_ALL and aqim_all.merged_duplicates == 0
    assert aqim_all.events["source"].nunique() >= 3  # the AQIM family is split over several datasets


def test_fused_view_has_fewer_events_by_exactly_the_merged_duplicates(
    aqim_all: GroupSelection, aqim_fused: GroupSelection
) -> None:
    fused, links = aqim_fused.events, aqim_fused.links
    assert aqim_fused.view == VIEW_FUSED and view_of(fused) == VIEW_FUSED and (fused["view"] == "fused").all()
    # the merged duplicates, counted from the links alone: each connected group of k linked events is k - 1
    merged = links[links["merged"].astype(bool)]
    graph = nx.Graph(list(zip(merged["event_id_a"], merged["event_id_b"], strict=True)))
    duplicates = graph.number_of_nodes() - nx.number_connected_components(graph)
    assert duplicates > 0
    assert len(aqim_all.events) - len(fused) == duplicates == aqim_fused.merged_duplicates
    # every stored row is behind exactly one fused event
    behind = aqim_fused.stored_event_ids
    assert len(behind) == len(set(behind)) and set(behind) == set(aqim_all.events["event_id"])
    assert (fused["event_id"].is_unique) and fused.apply(
        lambda r: r["event_id"] in r["event_ids"], axis=1
    ).all()
    assert (fused["n_sources"] == fused["sources"].map(len)).all()
    # an analysis result names the view it measured
    from spillover.analysis.expansion import measure_expansion

    assert measure_expansion(fused).view == VIEW_FUSED and measure_expansion(aqim_all.events).view == VIEW_ALL


def test_fused_event_ids_exist_in_the_store_and_tolls_are_the_reconciled_values(
    loaded_store: Store, aqim_fused: GroupSelection
) -> None:
    fused = aqim_fused.events
    ids = pd.DataFrame({"event_id": aqim_fused.stored_event_ids})
    loaded_store.con.register("_t_ids", ids)
    try:
        stored = loaded_store.query(
            "SELECT e.* FROM events e JOIN _t_ids USING (event_id) ORDER BY event_id"
        ).set_index("event_id")
    finally:
        loaded_store.con.unregister("_t_ids")
    assert len(stored) == len(ids)  # every id behind the view is a stored row
    multi = fused[fused["n_sources"] > 1]
    assert len(multi) > 0
    for row in multi.itertuples(index=False):
        rows = stored.loc[list(row.event_ids)]
        # each source's figure is what the store holds for that event
        known = rows["fatalities"].dropna()
        assert row.fatalities_by_event == {e: float(v) for e, v in known.items()}
        # the toll is the reconciled value of those rows, and the rule that chose it is named
        expected = fuse_rows(rows.reset_index().to_dict("records"))
        assert (
            pd.isna(row.fatalities)
            if pd.isna(expected["fatalities"])
            else row.fatalities == expected["fatalities"]
        )
        assert pd.isna(row.wounded) if pd.isna(expected["wounded"]) else row.wounded == expected["wounded"]
        assert "fatalities=" in row.reconciled_by
        if len(known):
            assert known.min() <= row.fatalities <= known.max()
    disagree = multi[multi["fatalities_by_source"].map(lambda d: len(set(d.values())) > 1)]
    assert len(disagree) > 0 and disagree["reconciled_by"].str.contains("fatalities=median").all()


@pytest.mark.parametrize("source", ["acled", "gtd", "rand"])
def test_a_single_source_view_has_only_that_source(
    loaded_store: Store, aqim_all: GroupSelection, source: str
) -> None:
    sel = _select(loaded_store, source)
    events = sel.events
    assert sel.view == source and view_of(events) == source and (events["view"] == source).all()
    assert len(events) > 0
    assert (events["source"] == source).all() and (events["sources"].map(lambda s: s == [source])).all()
    assert all(e.startswith(f"{source}:") for e in sel.stored_event_ids)
    own = aqim_all.events[aqim_all.events["source"] == source]
    assert set(sel.stored_event_ids) == set(own["event_id"])  # all of the source's rows, nothing else
    assert len(events) == len(own) - sel.merged_duplicates
    assert f"view: {source} only" in sel.describe_view()


def test_an_unknown_view_names_the_choices(loaded_store: Store) -> None:
    with pytest.raises(UnknownView, match="fused") as exc:
        select(loaded_store, "AQIM", view="guesswork")
    assert all(s in str(exc.value) for s in ("all", "acled", "gtd", "ged", "rand"))
