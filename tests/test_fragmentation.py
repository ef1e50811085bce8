"""Theatres per period: planted clusters, the split date, exclusions, factions, and real Boko Haram rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import acled_file_events, group_rows, read_raw, synthetic_events
from sklearn.cluster import DBSCAN

from spillover.analysis._common import rolling_periods
from spillover.analysis.fragmentation import describe_fragmentation, theatres

BOKO = "events/acled_boko_haram_lake_chad_2009_2019.csv.gz"
FACTIONS = pd.DataFrame(
    [
        {"name": "northern command", "group_id": "g", "leader": "Leader N", "countries": "DZA",
         "start": "2000-01-01", "end": None},
        {"name": "southern command", "group_id": "g", "leader": "Leader S", "countries": ["MLI", "NER"],
         "start": "2011-01-01", "end": None},
    ]
)  # fmt: skip


def _planted(seed: int = 0) -> pd.DataFrame:
    """2010: one compact cluster near Algiers.  2011: the same, plus a 450 km chain across central Mali
    (~2,000 km away) that must stay one theatre.  Plus 3 country-level and 2 unlocated events."""
    rng = np.random.default_rng(seed)
    rows = []
    for year in (2010, 2011):
        for i in range(40):
            rows.append({"date": f"{year}-{1 + i % 12:02d}-10", "latitude": 36.7 + rng.normal(0, 0.4),
                         "longitude": 3.0 + rng.normal(0, 0.4), "country_iso3": "DZA", "admin1": "Alger",
                         "geo_precision": "point"})  # fmt: skip
    for i, lon in enumerate(np.linspace(-4.0, 0.2, 40)):
        rows.append({"date": f"2011-{1 + i % 12:02d}-20", "latitude": 14.5 + rng.normal(0, 0.1), "longitude": lon,
                     "country_iso3": "MLI", "admin1": "Mopti", "geo_precision": "near"})  # fmt: skip
    for _ in range(3):
        rows.append({"date": "2011-05-01", "latitude": 17.0, "longitude": -4.0, "country_iso3": "MLI",
                     "geo_precision": "country"})  # fmt: skip
    for _ in range(2):
        rows.append({"date": "2011-06-01", "latitude": None, "longitude": None, "country_iso3": "MLI",
                     "geo_precision": "point"})  # fmt: skip
    return synthetic_events(rows)


def test_two_planted_theatres_found_and_the_long_one_not_split() -> None:
    frag = theatres(_planted(), "year", factions=FACTIONS)
    assert frag.theatres["n_theatres"].to_dict() == {"2010": 1, "2011": 2}
    assert frag.split_period == "2011" and frag.split_date == pd.Timestamp("2011-01-01")
    clusters = frag.clusters[frag.clusters["period"] == "2011"].set_index("faction")
    assert clusters.loc["southern command", "n_events"] == 40  # the 450 km chain, whole
    assert clusters.loc["southern command", "countries"] == {"MLI": 40}
    assert clusters.loc["northern command", "faction_leader"] == "Leader N"
    assert clusters.loc["northern command", "centroid_lat"] == pytest.approx(36.7, abs=0.3)
    assert frag.n_excluded == 5 and frag.n_used == 120
    assert frag.evidence
    assert "one theatre became 2 in 2011" in describe_fragmentation(frag)


def test_faction_not_yet_active_is_not_matched() -> None:
    frag = theatres(_planted(), "year", factions=FACTIONS)
    first = frag.clusters[frag.clusters["period"] == "2010"].iloc[0]
    assert first.faction == "northern command"
    late = FACTIONS.assign(start=["2012-01-01", "2012-01-01"])
    assert theatres(_planted(), "year", factions=late).clusters["faction"].isna().all()


def test_hdbscan_and_rolling_windows_run() -> None:
    events = _planted()
    frag = theatres(events, "year", algorithm="hdbscan", min_samples=10)
    assert frag.theatres.loc["2011", "n_theatres"] == 2
    windows = rolling_periods("2010-01-01", "2011-12-31", months=12, step=6)
    assert list(windows) == ["2010-01..2010-12", "2010-07..2011-06", "2011-01..2011-12"]
    rolled = theatres(events, windows)
    assert rolled.theatres["n_theatres"].tolist()[0] == 1 and rolled.theatres["n_theatres"].tolist()[-1] == 2


def test_boko_haram_theatres_per_year_match_dbscan_on_raw_rows() -> None:
    raw = read_raw(BOKO)
    rows = raw[raw["actor1"].str.startswith("Boko Haram", na=False)]
    year = pd.to_datetime(rows["event_date"], format="%d/%m/%Y").dt.year
    expected = {}
    for y, sub in rows.groupby(year):
        X = np.radians(sub[["latitude", "longitude"]].to_numpy(dtype=float))
        labels = DBSCAN(eps=300 / 6371.0088, min_samples=5, metric="haversine").fit_predict(X)
        expected[str(y)] = len(set(labels) - {-1})

    frag = theatres(group_rows(acled_file_events(BOKO), "^Boko Haram"), "year")

    got = frag.theatres["n_theatres"]
    assert got[got.index.isin(expected)].to_dict() == expected
    assert frag.n_excluded == 0 and frag.n_used == len(rows)
    main_2015 = frag.clusters[(frag.clusters["period"] == "2015") & (frag.clusters["theatre"] == 1)].iloc[0]
    assert set(main_2015.countries) == set(rows.loc[year == 2015, "country"].map(
        {"Nigeria": "NGA", "Cameroon": "CMR", "Niger": "NER", "Chad": "TCD"}))  # fmt: skip
