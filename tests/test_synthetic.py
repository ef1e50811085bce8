"""Synthetic events look like conflict data where it matters: skew, places, dates, tactics, deaths."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from spillover.schema import TACTICS
from spillover.store import Store
from spillover.synthetic import countries, generate, read_manifest

N = 60_000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("syn") / "set"
    generate(N, out, seed=3, chunk_size=20_000, n_groups=300)
    return out


@pytest.fixture(scope="module")
def events(synthetic: Path) -> pd.DataFrame:
    return pd.read_parquet(synthetic / "events")


@pytest.fixture(scope="module")
def actors(synthetic: Path) -> pd.DataFrame:
    return pd.read_parquet(synthetic / "event_actors")


def test_parts_and_manifest(synthetic: Path) -> None:
    meta = read_manifest(synthetic)
    assert meta is not None and (meta.n_events, meta.parts, meta.seed) == (N, 3, 3)
    assert len(list((synthetic / "events").glob("*.parquet"))) == 3


def test_loads_into_the_store_schema(synthetic: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.con.execute(f"INSERT INTO events SELECT * FROM read_parquet('{synthetic}/events/*.parquet')")
        store.con.execute(
            f"INSERT INTO event_actors SELECT * FROM read_parquet('{synthetic}/event_actors/*.parquet')"
        )
        assert store.counts()["events"] == N


def test_same_seed_same_data_and_smaller_sets_are_prefixes(synthetic: Path, tmp_path: Path) -> None:
    generate(40_000, tmp_path / "small", seed=3, chunk_size=20_000, n_groups=300)
    con = duckdb.connect()
    small = con.execute(
        f"SELECT * FROM read_parquet('{tmp_path}/small/events/*.parquet') ORDER BY row_number, event_id"
    ).fetchdf()
    big = con.execute(
        f"SELECT * FROM read_parquet('{synthetic}/events/part-0000[01].parquet') ORDER BY row_number, event_id"
    ).fetchdf()
    pd.testing.assert_frame_equal(
        small.sort_values("event_id", ignore_index=True), big.sort_values("event_id", ignore_index=True)
    )


def test_group_sizes_are_skewed(events: pd.DataFrame) -> None:
    sizes = events["side_a"].value_counts()
    assert sizes.iloc[0] / N > 0.05  # the largest group has several per cent of all events
    assert sizes.iloc[: len(sizes) // 10].sum() / N > 0.5  # a tenth of the groups make half the events
    assert sizes.iloc[len(sizes) // 2 :].sum() / N < 0.15  # the smaller half makes few
    from spillover.synthetic import HOT_SPOTS

    largest = events.loc[events["side_a"] == sizes.index[0], "country_iso3"].value_counts().index[0]
    assert largest in HOT_SPOTS


def test_places_are_real_countries_with_coordinates_inside_their_box(events: pd.DataFrame) -> None:
    from spillover.countries import iso3

    table = countries()
    assert set(events["country_iso3"]) <= set(table.iso3)
    assert all(iso3(code) == code for code in ["MLI", "NGA", "IRQ", "AFG"])
    box = pd.DataFrame(
        {
            "iso3": table.iso3,
            "lat0": table.lat_min,
            "lat1": table.lat_max,
            "lon0": table.lon_min,
            "lon1": table.lon_max,
        }
    ).set_index("iso3")
    joined = events.join(box, on="country_iso3")
    assert joined["latitude"].between(joined["lat0"], joined["lat1"]).all()
    assert joined["longitude"].between(joined["lon0"], joined["lon1"]).all()
    assert events["admin1"].str.match(r"^[A-Z]{3}-0[1-9]$").all()
    assert (events["admin1"].str[:3] == events["country_iso3"]).all()


def test_dates_grow_burst_and_keep_their_precision(events: pd.DataFrame) -> None:
    start, end = pd.to_datetime(events["date_start"]), pd.to_datetime(events["date_end"])
    assert start.min() >= pd.Timestamp("1990-01-01") and end.max() <= pd.Timestamp("2023-12-31")
    assert (end >= start).all() and (events["year"] == start.dt.year).all()
    shares = events["date_precision"].value_counts(normalize=True)
    assert shares["day"] > 0.8 and shares["month"] > 0.03 and shares["year"] > 0.01
    month = events["date_precision"] == "month"
    assert (start[month].dt.day == 1).all() and (end[month] == start[month] + pd.offsets.MonthEnd(0)).all()
    per_year = events["year"].value_counts().sort_index()
    assert per_year.loc[2010:2023].sum() > per_year.loc[1990:2003].sum()  # activity grows


def test_tactics_and_suicide_flag(events: pd.DataFrame) -> None:
    assert set(events["tactic"]) <= set(TACTICS)
    assert events["tactics"].map(list).map(len).eq(1).all()
    assert (events["suicide"] == (events["tactic"] == "suicide_attack")).all()
    shares = events["tactic"].value_counts(normalize=True)
    assert shares.index[0] in ("armed_assault", "bombing") and shares["suicide_attack"] < 0.06


def test_fatalities_are_heavy_tailed_counts(events: pd.DataFrame) -> None:
    deaths = events["fatalities"]
    known = deaths.dropna()
    assert 0.03 < deaths.isna().mean() < 0.15
    assert (known >= 0).all() and (known == np.floor(known)).all()
    assert known.median() <= 2 and known.max() >= 100 * max(known.median(), 1)
    assert events.loc[events["tactic"] == "non_violent", "fatalities"].fillna(0).eq(0).all()


def test_actor_rows_match_the_events(events: pd.DataFrame, actors: pd.DataFrame) -> None:
    side_a = actors[actors["role"] == "side_a"].set_index("event_id")["name"]
    assert side_a.reindex(events["event_id"]).tolist() == events["side_a"].tolist()
    joint = events.loc[events["attribution"] == "joint", "event_id"]
    assoc = actors.loc[actors["role"] == "assoc_a", "event_id"]
    assert set(joint) == set(assoc) and 0 < len(joint) < 0.1 * N
    assert len(actors) == 2 * N + len(assoc)


def test_pinned_country_table_is_natural_earths(real_data: Path) -> None:
    # the table beside the module is exactly what its documented derivation gives from the shared file
    from importlib import resources

    from spillover.synthetic import COUNTRY_TABLE, country_table_from_natural_earth

    pinned = resources.files("spillover").joinpath(COUNTRY_TABLE).read_text(encoding="utf-8")
    header, body = pinned.split("\n", 1)
    assert header == "iso3,name,lat,lon,lat_min,lat_max,lon_min,lon_max"
    assert body == country_table_from_natural_earth(real_data / "ne_110m_admin_0_countries.geojson.gz")
    table = countries()
    assert len(table.iso3) == len(body.splitlines()) == len(set(table.iso3))
    assert ((table.lat_min <= table.lat) & (table.lat <= table.lat_max)).all()
