"""Autonomy components of a branch against its parent, checked against values computed here directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import (
    ACLED_SUB_EVENT_TACTIC,
    acled_file_events,
    gtd_point_file_events,
    read_raw,
    synthetic_events,
)
from scipy.spatial.distance import jensenshannon

from spillover.analysis.autonomy import INSUFFICIENT, OK, autonomy_index, describe_autonomy

GTD_POINTS = "events/gtd_lgcpspde_2010_2017_subset.csv.gz"
SAHEL = [f"events/acled_hdx_{c}_1997_2020.csv.gz" for c in ("mali", "burkina_faso", "niger")]
ISIL = "Islamic State of Iraq and the Levant (ISIL)"
SINAI = "Sinai Province of the Islamic State"
IS_PEERS = [
    "Khorasan Chapter of the Islamic State",
    "Tripoli Province of the Islamic State",
    "Barqa Province of the Islamic State",
    "Fezzan Province of the Islamic State",  # 9 events: too few
]
JNIM = "JNIM: Group for Support of Islam and Muslims"
MACINA = "Katiba Macina"


def _monthly(raw: pd.DataFrame) -> pd.Series:
    months = pd.PeriodIndex.from_fields(year=raw["iyear"], month=raw["imonth"], freq="M")
    counts = pd.Series(1, index=months).groupby(level=0).sum()
    return counts.reindex(pd.period_range(counts.index.min(), counts.index.max(), freq="M"), fill_value=0)


def _max_abs_lagged_corr(a: np.ndarray, b: np.ndarray, max_lag: int = 6) -> float:
    """max over lags of |corr(a[t], b[t+lag])|, with numpy only."""
    best = 0.0
    for lag in range(-max_lag, max_lag + 1):
        x, y = (a[: len(a) - lag], b[lag:]) if lag >= 0 else (a[-lag:], b[: len(b) + lag])
        best = max(best, abs(np.corrcoef(x, y)[0, 1]))
    return best


@pytest.fixture(scope="module")
def is_provinces():
    events = gtd_point_file_events(GTD_POINTS)
    by = {g: events[events["group_id"] == g] for g in [ISIL, SINAI, *IS_PEERS]}
    return autonomy_index(by[SINAI], by[ISIL], group=SINAI, parent="ISIL", peers={p: by[p] for p in IS_PEERS})


def test_geography_matches_raw_country_overlap(is_provinces) -> None:
    raw = read_raw(GTD_POINTS)
    sinai, isil = raw[raw["gname"] == SINAI], raw[raw["gname"] == ISIL]
    expected = sinai["country"].isin(set(isil["country"])).mean()
    geo = is_provinces.components["geography"]
    assert geo.status == OK
    assert geo.value == pytest.approx(expected)
    assert geo.score == pytest.approx(1 - expected)
    assert geo.n == len(sinai) and geo.n_parent == len(isil)
    assert geo.evidence and all(e.startswith("gtdl:") for e in geo.evidence)


def test_synchronisation_matches_numpy_cross_correlation(is_provinces) -> None:
    raw = read_raw(GTD_POINTS)
    a, b = _monthly(raw[raw["gname"] == SINAI]), _monthly(raw[raw["gname"] == ISIL])
    window = a.index.intersection(b.index)
    expected = _max_abs_lagged_corr(np.diff(a[window].to_numpy()), np.diff(b[window].to_numpy()))
    sync = is_provinces.components["synchronisation"]
    assert sync.status == OK
    assert sync.value == pytest.approx(expected)
    assert sync.details["months"] == len(window)


def test_small_peer_is_insufficient_data_and_ranks_are_among_peers(is_provinces) -> None:
    peers = is_provinces.peers
    fezzan = peers.loc["Fezzan Province of the Islamic State"]
    assert np.isnan(fezzan["geography"]) and fezzan["geography_n"] == 9
    assert is_provinces.components["tactics"].status == INSUFFICIENT  # this subset has no attack types
    geo = is_provinces.components["geography"]
    scores = peers["geography"].dropna()
    assert geo.n_compared == len(scores) == 4
    assert geo.peer_rank == 1 + (scores > scores[SINAI]).sum()
    assert geo.peer_percentile == pytest.approx((scores <= scores[SINAI]).mean())
    assert is_provinces.common_components == ["geography", "synchronisation"]
    assert "composite autonomy" in describe_autonomy(is_provinces)


def test_sahel_branch_tactics_targets_and_financing_match_raw_rows() -> None:
    raw = pd.concat([read_raw(f) for f in SAHEL], ignore_index=True)
    events = pd.concat([acled_file_events(f) for f in SAHEL], ignore_index=True)
    group, parent = raw[raw["actor1"] == MACINA], raw[raw["actor1"] == JNIM]
    leaders = pd.DataFrame(
        [{"group_id": MACINA, "name": "Amadou Koufa", "start": "2015-01-01", "end": None, "kind": "organic"}]
    )

    index = autonomy_index(
        events[events["group_id"] == MACINA],
        events[events["group_id"] == JNIM],
        group=MACINA,
        parent="JNIM",
        leaders=leaders,
        geo_level="admin1",
    )

    tactic = lambda rows: rows["sub_event_type"].map(ACLED_SUB_EVENT_TACTIC).fillna("non_violent")  # noqa: E731
    table = pd.crosstab(pd.concat([tactic(group), tactic(parent)]), ["g"] * len(group) + ["p"] * len(parent))
    assert index.components["tactics"].value == pytest.approx(jensenshannon(table["g"], table["p"], base=2))
    inter = pd.crosstab(
        pd.concat([group["inter2"], parent["inter2"]]).astype(int), ["g"] * len(group) + ["p"] * len(parent)
    )
    assert index.components["targets"].value == pytest.approx(jensenshannon(inter["g"], inter["p"], base=2))
    financing = group["sub_event_type"].isin(
        ["Abduction/forced disappearance", "Looting/property destruction"]
    )
    assert index.components["self_financing"].value == pytest.approx(financing.mean())
    expected_geo = group["admin1"].isin(set(parent["admin1"])).mean()
    assert index.components["geography"].value == pytest.approx(expected_geo)
    lead = index.components["leadership"]
    assert (lead.value, lead.n) == (1.0, 1) and "Amadou Koufa (organic" in lead.evidence[0]
    scores = [c.score for c in index.components.values() if c.status == OK]
    assert index.composite == pytest.approx(np.mean(scores))


def _same_profile(n: int, prefix: str) -> pd.DataFrame:
    rows = [
        {"date": pd.Timestamp("2012-01-01") + pd.DateOffset(months=i % 36), "tactic": t, "target_type": tt,
         "country_iso3": "MLI"}
        for i in range(n)
        for t, tt in [(("bombing", "armed_assault", "kidnapping")[i % 3], ("Military", "Civilians")[i % 2])]
    ]  # fmt: skip
    return synthetic_events(rows, prefix)


def test_identical_profiles_give_zero_divergence() -> None:
    index = autonomy_index(_same_profile(60, "g"), _same_profile(120, "p"), group="g", parent="p")
    for name in ("tactics", "targets"):
        assert index.components[name].value == pytest.approx(0.0, abs=1e-12)
        assert index.components[name].score == pytest.approx(0.0, abs=1e-12)
    assert index.components["geography"].value == 1.0


def test_too_few_events_is_insufficient_data_with_the_count() -> None:
    index = autonomy_index(_same_profile(7, "g"), _same_profile(120, "p"), group="g", parent="p")
    for name in ("geography", "tactics", "targets", "synchronisation", "self_financing"):
        comp = index.components[name]
        assert comp.status == INSUFFICIENT and comp.value is None and comp.score is None
        assert comp.n == 7
    assert index.components["leadership"].status == INSUFFICIENT
    assert index.composite is None
    assert "geography insufficient data (n=7, parent n=120)" in describe_autonomy(index)


def test_leadership_and_stated_weights() -> None:
    leaders = pd.DataFrame(
        [
            {"group_id": "g", "name": "A", "start": "2001-01-01", "end": "2004-06-01", "kind": "organic"},
            {"group_id": "g", "name": "B", "start": "2004-06-01", "end": "2010-01-01", "kind": "appointed"},
            {"group_id": "g", "name": "C", "start": "2010-01-01", "end": None, "kind": "organic"},
            {"group_id": "other", "name": "D", "start": "2001-01-01", "end": None, "kind": "appointed"},
        ]
    )
    weights = {"leadership": 3.0, "tactics": 1.0}
    index = autonomy_index(
        _same_profile(60, "g"),
        _same_profile(60, "p"),
        group="g",
        parent="p",
        leaders=leaders,
        weights=weights,
    )
    lead = index.components["leadership"]
    assert lead.value == pytest.approx(2 / 3) and lead.n == 3 and len(lead.evidence) == 3
    assert index.weights_used == {"leadership": 0.75, "tactics": 0.25}
    assert index.composite == pytest.approx(0.75 * 2 / 3 + 0.25 * 0.0)
