"""Views of a group's events (issue 4): every analysis runs on the fused view or on one source and says which,
and the analyses that count events over time warn when a trend coincides with a source starting or stopping.

On the store loaded with every real event file; expectations about coverage come from the raw files."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from spillover.cli import app
from spillover.fusion import coverage_warnings, view_of
from spillover.fusion.fused import fuse_rows
from spillover.selection import (
    DEFAULT_VIEW,
    VIEW_ALL,
    VIEW_FUSED,
    GroupSelection,
    UnknownView,
    select,
)
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")

runner = CliRunner()


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


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


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


def test_the_command_line_default_is_the_selection_default() -> None:
    from spillover.analysis import cli

    assert cli.DEFAULT_VIEW == DEFAULT_VIEW == VIEW_FUSED


# --- the commands say which view they used and warn about coverage -------------------------------------------------


@pytest.fixture(scope="module")
def raw_coverage(real_data: Path) -> dict[str, int]:
    """From the raw files: the last year RAND reports anything in Algeria, the first the GTD subset does."""
    events = real_data / "events"
    rand = pd.read_csv(events / "rand_rdwti_1968_2009_exdex.csv.gz", encoding_errors="replace")
    rand_dates = pd.to_datetime(rand.loc[rand["Country"].str.strip() == "Algeria", "Date"], errors="coerce")
    gtd = pd.read_csv(events / "gtd_lgcpspde_2010_2017_subset.csv.gz", low_memory=False)
    return {
        "rand_last": int(rand_dates.dt.year.max()),
        "gtd_first": int(gtd.loc[gtd["country"] == "Algeria", "iyear"].min()),
    }


def _warning_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("warning:")]


def test_tactics_prints_its_view_and_the_coverage_warnings(
    loaded_store: Store, aqim_fused: GroupSelection, raw_coverage: dict[str, int], tmp_path: Path
) -> None:
    out = _run("tactics", "AQIM", "--out", str(tmp_path), "--store", str(loaded_store.path))
    assert f"view: fused — {len(aqim_fused.events):,} real-world events" in out
    assert f"({aqim_fused.merged_duplicates:,} duplicates merged" in out
    lines = _warning_lines(out)
    # RAND stops and the GTD subset starts in Algeria where the raw files say, and the AQIM count jumps there
    rand_stops = re.compile(
        rf"rand stops covering [A-Z, ]*\bDZA\b[A-Z, ]* after {raw_coverage['rand_last']}\b"
    )
    gtd_starts = re.compile(rf"gtd starts covering [A-Z, ]*\bDZA\b[A-Z, ]* in {raw_coverage['gtd_first']}\b")
    assert any(rand_stops.search(line) for line in lines), out
    assert any(gtd_starts.search(line) for line in lines), out
    # the counts a warning cites are the fused view's yearly counts
    per_year = aqim_fused.events["year"].value_counts()
    for line in lines:
        y0, y1, n0, n1 = map(int, re.search(r"events (\d+)→(\d+): (\d+)→(\d+)", line).groups())
        assert (n0, n1) == (per_year.get(y0, 0), per_year.get(y1, 0)), line
    years = aqim_fused.source_events["year"]
    expected = coverage_warnings(aqim_fused.events, loaded_store, years=range(years.min(), years.max() + 1))
    assert len(lines) == len(expected) and f"Coverage warnings ({len(expected)}; view: fused)" in out


def test_a_single_source_view_is_printed_and_its_warnings_name_only_that_source(
    loaded_store: Store, raw_coverage: dict[str, int], tmp_path: Path
) -> None:
    out = _run("tactics", "AQIM", "--view", "rand", "--out", str(tmp_path), "--store", str(loaded_store.path))
    assert "view: rand only" in out
    lines = _warning_lines(out)
    assert lines and all(re.search(r"while rand (starts|stops) covering", line) for line in lines), out
    # RAND's series of the group ends with RAND's coverage: the drop to nothing is flagged, not read as the end
    stop = raw_coverage["rand_last"]
    assert any(f"events {stop}→{stop + 1}:" in line and f"after {stop}" in line for line in lines), out


def test_expansion_prints_its_view_and_the_coverage_warnings(
    loaded_store: Store, raw_coverage: dict[str, int], tmp_path: Path
) -> None:
    out = _run(
        "expansion", "AQIM", "--view", "all", "--draws", "200", "--out", str(tmp_path),
        "--store", str(loaded_store.path),
    )  # fmt: skip
    assert "view: all sources" in out and "counted once per source" in out
    assert any(
        "gtd starts covering" in line and f"in {raw_coverage['gtd_first']}" in line
        for line in _warning_lines(out)
    )


def test_an_unknown_view_fails_with_the_choices(loaded_store: Store) -> None:
    result = runner.invoke(app, ["theatres", "AQIM", "--view", "nope", "--store", str(loaded_store.path)])
    assert result.exit_code == 1
    assert "unknown view 'nope'" in result.output and "fused" in result.output
