"""Expansion metrics, checked against counts taken straight from the raw AQIM-family rows."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import country_converter as coco
import numpy as np
import pandas as pd
import pytest

from spillover.analysis import geo
from spillover.analysis.expansion import (
    InsufficientData,
    SustainedPresence,
    expansion_map,
    first_sustained_window,
    measure_expansion,
)

REPO = Path(__file__).resolve().parents[1]

RAND_FAMILY = (
    "Armed Islamic Group (GIA)",
    "Salafist Group for Call and Combat (GSPC)",
    "Al-Qaeda in the Islamic Maghreb",
)
GTD_AQIM = "Al-Qaida in the Islamic Maghreb (AQIM)"
ACLED_FAMILY = "AQIM|GSPC"
ACLED_FILES = {
    "MLI": "acled_hdx_mali_1997_2020.csv.gz",
    "NER": "acled_hdx_niger_1997_2020.csv.gz",
    "BFA": "acled_hdx_burkina_faso_1997_2020.csv.gz",
}


# --- helpers: raw rows → event schema (shared with test_opportunism) -----------------------------


def shared_data_dir() -> Path:
    return Path(os.environ.get("SPILLOVER_DATA_DIR", REPO.parent / "shared" / "data"))


def require_data_dir() -> Path:
    path = shared_data_dir()
    if not (path / "events" / "rand_rdwti_1968_2009_exdex.csv.gz").is_file():
        pytest.skip(f"shared data not found in {path}")
    return path


def to_iso3(names: pd.Series) -> pd.Series:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    unique = list(pd.unique(names))
    codes = coco.convert(unique, to="ISO3", not_found=None)
    return names.map(dict(zip(unique, codes if isinstance(codes, list) else [codes], strict=True)))


def raw_rand_family(data_dir: Path) -> pd.DataFrame:
    raw = pd.read_csv(data_dir / "events" / "rand_rdwti_1968_2009_exdex.csv.gz")
    return raw[raw["Perpetrator"].isin(RAND_FAMILY)]


def raw_gtd_aqim(data_dir: Path) -> pd.DataFrame:
    raw = pd.read_csv(data_dir / "events" / "gtd_lgcpspde_2010_2017_subset.csv.gz")
    return raw[raw["gname"] == GTD_AQIM]


def raw_acled_family(data_dir: Path, iso3: str) -> pd.DataFrame:
    raw = pd.read_csv(data_dir / "events" / ACLED_FILES[iso3])
    actors = raw[["actor1", "actor2", "assoc_actor_1", "assoc_actor_2"]]
    return raw[actors.apply(lambda s: s.str.contains(ACLED_FAMILY, na=False)).any(axis=1)]


def rand_events(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": "rand:" + raw.index.astype(str),
            "source": "rand",
            "date_start": pd.to_datetime(raw["Date"]),
            "date_end": pd.to_datetime(raw["Date"]),
            "date_precision": "day",
            "country_iso3": to_iso3(raw["Country"]),
            "country": raw["Country"],
            "admin1": None,
            "latitude": np.nan,
            "longitude": np.nan,
            "geo_precision": np.where(raw["City"].notna(), "point", "country"),
            "fatalities": raw["Fatalities"].astype(float),
            "group_id": raw["Perpetrator"].map(dict(zip(RAND_FAMILY, ("gia", "gspc", "aqim"), strict=True))),
        }
    )


def gtd_events(raw: pd.DataFrame) -> pd.DataFrame:
    day_known = raw["iday"] > 0
    start = pd.to_datetime(
        pd.DataFrame({"year": raw["iyear"], "month": raw["imonth"], "day": raw["iday"].where(day_known, 1)})
    )
    return pd.DataFrame(
        {
            "event_id": "gtd:" + raw.index.astype(str),
            "source": "gtd",
            "date_start": start,
            "date_end": start.where(day_known, start + pd.offsets.MonthEnd(0)),
            "date_precision": np.where(day_known, "day", "month"),
            "country_iso3": to_iso3(raw["country"]),
            "country": raw["country"],
            "admin1": None,
            "latitude": raw["latitude"],
            "longitude": raw["longitude"],
            "geo_precision": np.where(raw["specificity"] == 1, "point", "admin2"),
            "fatalities": raw["nkill"],
            "group_id": "aqim",
        }
    )


def acled_events(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": "acled:" + raw["event_id_cnty"],
            "source": "acled",
            "date_start": pd.to_datetime(raw["event_date"]),
            "date_end": pd.to_datetime(raw["event_date"]),
            "date_precision": raw["time_precision"].map({1: "day", 2: "week", 3: "month"}),
            "country_iso3": raw["iso3"],
            "country": raw["country"],
            "admin1": raw["admin1"],
            "latitude": raw["latitude"],
            "longitude": raw["longitude"],
            "geo_precision": raw["geo_precision"].map({1: "point", 2: "near", 3: "admin2"}),
            "fatalities": raw["fatalities"].astype(float),
            "group_id": np.where(raw["actor1"].str.contains("GSPC", na=False), "gspc", "aqim"),
        }
    )


def aqim_family_events(data_dir: Path) -> pd.DataFrame:
    """AQIM-family events (GIA/GSPC/AQIM) from RAND, the GTD subset and ACLED Mali/Niger/Burkina Faso."""
    parts = [rand_events(raw_rand_family(data_dir)), gtd_events(raw_gtd_aqim(data_dir))]
    parts += [acled_events(raw_acled_family(data_dir, code)) for code in ACLED_FILES]
    return pd.concat(parts, ignore_index=True)


def raw_family_dates(data_dir: Path) -> pd.DataFrame:
    """(country_iso3, date) of every family row, straight from the raw columns."""
    rand = raw_rand_family(data_dir)
    gtd = raw_gtd_aqim(data_dir)
    frames = [
        pd.DataFrame({"country_iso3": to_iso3(rand["Country"]), "date": pd.to_datetime(rand["Date"])}),
        pd.DataFrame(
            {
                "country_iso3": to_iso3(gtd["country"]),
                "date": pd.to_datetime(
                    dict(year=gtd["iyear"], month=gtd["imonth"], day=gtd["iday"].clip(lower=1))
                ),
            }
        ),
    ]
    for code in ACLED_FILES:
        acled = raw_acled_family(data_dir, code)
        frames.append(
            pd.DataFrame({"country_iso3": acled["iso3"], "date": pd.to_datetime(acled["event_date"])})
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return require_data_dir()


@pytest.fixture(scope="module")
def family(data_dir: Path) -> pd.DataFrame:
    return aqim_family_events(data_dir)


@pytest.fixture(scope="module")
def family_expansion(family):
    """The family's entries under the plain k-in-m rule (no runs, no continuation: a gap rule as long as
    the window and no quarter asked for), which the raw-file checks below recompute independently; the
    sustained-activity refinements are tested in test_validity.py."""
    return measure_expansion(family, group="AQIM family", gap_months=12, continue_quarters=0)


# --- real data -------------------------------------------------------------------------------


def brute_force_entries(
    dates: pd.DataFrame, k: int = 3, months: int = 12
) -> dict[str, tuple[pd.Timestamp, int]]:
    """First event with ≥k events in [date, date + months); plain loop, independent of the package."""
    found = {}
    for country, group in dates.groupby("country_iso3"):
        days = sorted(group["date"])
        for start in days:
            inside = [d for d in days if start <= d < start + pd.DateOffset(months=months)]
            if len(inside) >= k:
                found[country] = (start, len(inside))
                break
    return found


def test_family_entries_agree_with_raw_files(data_dir, family_expansion):
    expected = brute_force_entries(raw_family_dates(data_dir))
    got = {r.country_iso3: (r.date, r.window_events) for r in family_expansion.expansions.itertuples()}
    assert got == expected
    assert set(got) >= {"DZA", "FRA", "MLI", "NER"}


def test_entry_year_is_no_later_than_first_busy_calendar_year(data_dir, family_expansion):
    raw = raw_family_dates(data_dir)
    per_year = raw.groupby(["country_iso3", raw["date"].dt.year]).size()
    busy = per_year[per_year >= 3].reset_index().groupby("country_iso3")["date"].min()
    entered = family_expansion.expansions.set_index("country_iso3")["date"].dt.year
    for country, year in busy.items():
        assert entered[country] <= year


def test_country_table_counts_match_raw_groupby(data_dir, family_expansion):
    raw = raw_family_dates(data_dir)
    counts = raw.groupby("country_iso3").size()
    table = family_expansion.countries.set_index("country_iso3")
    pd.testing.assert_series_equal(table["events"].sort_index(), counts.sort_index(), check_names=False)
    assert table.loc["MLI", "first_event"] == raw.loc[raw["country_iso3"] == "MLI", "date"].min()
    assert table.loc["DZA", "last_event"] == raw.loc[raw["country_iso3"] == "DZA", "date"].max()
    mali_admin1 = raw_acled_family(data_dir, "MLI")["admin1"].nunique()
    assert table.loc["MLI", "admin1_units"] == mali_admin1


def test_origin_is_algeria_and_one_stray_attack_is_no_expansion(family_expansion):
    assert family_expansion.origin_iso3 == "DZA"
    assert family_expansion.expansions.iloc[0]["country_iso3"] == "DZA"
    stray = family_expansion.countries.set_index("country_iso3").loc[["ETH", "MAR", "NGA"]]
    assert (stray["events"] == 1).all() and stray["entered"].isna().all()


def test_evidence_ids_are_events_of_the_window(family, family_expansion):
    by_id = family.set_index("event_id")
    for entry in family_expansion.expansions.itertuples():
        rows = by_id.loc[list(entry.evidence_event_ids)]
        assert (rows["country_iso3"] == entry.country_iso3).all()
        assert rows["date_start"].min() == entry.date
        assert rows["date_start"].max() < entry.window_end
        assert len(rows) == entry.window_events


def test_yearly_spread_of_family(family_expansion):
    spread = family_expansion.spread.set_index("year")
    assert spread.loc[1995, "countries_active"] == 3  # Algeria, France, Tunisia (GIA)
    assert spread.loc[2011, "hull_area_km2"] > 1e6
    assert spread["countries_entered"].is_monotonic_increasing
    assert spread["events"].sum() == family_expansion.n_events


# --- synthetic -------------------------------------------------------------------------------


def events_frame(rows: list[tuple[str, str]], **extra) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["country_iso3", "date_start"])
    frame["event_id"] = [f"e{i}" for i in range(len(frame))]
    for key, value in extra.items():
        frame[key] = value
    return frame


def test_window_must_hold_k_events_within_m_months():
    dates = pd.Series(pd.to_datetime(["2000-01-01", "2000-06-01", "2001-01-01", "2001-02-01"]))
    # 2000-01-01 .. 2001-01-01 is exactly 12 months: outside the half-open window.
    # no continuation asked for; the first window of 3 within 12 months opens on 2000-06-01, and the entry
    # is dated at the first event of its run: 2000-01-01 when no gap of more than 12 months breaks it ...
    assert first_sustained_window(dates, SustainedPresence(3, 12, 12, 0)) == (0, 4)
    # ... and none when gaps of 5 and 7 months break the events into runs too short to hold 3
    assert first_sustained_window(dates, SustainedPresence(3, 12, 4, 0)) is None
    assert first_sustained_window(dates, SustainedPresence(3, 13, 13, 0)) == (0, 3)
    assert first_sustained_window(dates, SustainedPresence(5, 12, 12, 0)) is None


def test_parameters_change_what_counts_as_an_entry():
    rows = [("MLI", "2010-01-01"), ("MLI", "2010-05-01"), ("NER", "2011-01-01"), ("NER", "2011-02-01")]
    strict = measure_expansion(events_frame(rows))
    loose = measure_expansion(events_frame(rows), min_events=2, continue_quarters=0)
    assert strict.status == "insufficient_data" and strict.expansions.empty
    assert list(loose.expansions["country_iso3"]) == ["MLI", "NER"]


def test_given_origin_overrides_earliest():
    rows = [("MLI", f"2010-0{m}-01") for m in range(1, 4)] + [("DZA", f"2011-0{m}-01") for m in range(1, 4)]
    result = measure_expansion(events_frame(rows), origin="DZA")
    assert result.origin_iso3 == "DZA"
    assert result.expansions.set_index("country_iso3").loc["DZA", "is_origin"]


def test_single_event_gives_insufficient_status_with_count():
    result = measure_expansion(events_frame([("MLI", "2012-01-01")]))
    assert result.status == "insufficient_data"
    assert result.n_events == 1 and "1 event" in result.message
    assert len(result.countries) == 1 and result.expansions.empty


def test_empty_frame_raises_insufficient_data():
    with pytest.raises(InsufficientData) as info:
        measure_expansion(events_frame([]))
    assert info.value.count == 0
    assert issubclass(InsufficientData, ValueError)


def test_rows_without_country_are_dropped_and_counted():
    rows = [("MLI", "2012-01-01"), (None, "2012-01-02"), ("MLI", None)]
    result = measure_expansion(events_frame(rows))
    assert result.n_events == 1 and result.n_dropped == 2


def test_missing_required_columns_is_a_clear_error():
    with pytest.raises(ValueError, match="country_iso3"):
        measure_expansion(pd.DataFrame({"date_start": ["2012-01-01"]}))


def test_geometry_of_spread():
    rows = [("AAA", "2000-01-01"), ("AAA", "2000-02-01"), ("AAA", "2000-03-01"), ("AAA", "2000-04-01")]
    frame = events_frame(rows, geo_precision="point")
    frame["latitude"] = [0.0, 0.0, 1.0, 1.0]
    frame["longitude"] = [0.0, 1.0, 1.0, 0.0]
    later = events_frame([("BBB", "2001-01-01")], geo_precision="point", latitude=10.0, longitude=0.5)
    later["event_id"] = "late"
    coarse = events_frame([("BBB", "2001-02-01")], geo_precision="country", latitude=40.0, longitude=40.0)
    coarse["event_id"] = "coarse"
    result = measure_expansion(pd.concat([frame, later, coarse], ignore_index=True), continue_quarters=0)
    spread = result.spread.set_index("year")
    # A 1° × 1° square on the equator is about 111.3 km × 110.6 km.
    assert spread.loc[2000, "hull_area_km2"] == pytest.approx(12_308, rel=0.01)
    assert spread.loc[2000, "distance_from_origin_km"] == pytest.approx(0.0, abs=0.5)
    expected = geo.geodesic_km(0.5, 0.5, 10.0, 0.5)
    assert spread.loc[2001, "distance_from_origin_km"] == pytest.approx(float(expected), rel=1e-3)
    assert spread.loc[2001, "located_events"] == 1  # the country-centroid point is left out


def test_neighbours_from_natural_earth(data_dir):
    near_mali = geo.neighbours(["MLI"], within_km=0, basemap=data_dir)
    assert {"DZA", "NER", "BFA", "MRT", "SEN", "GIN", "CIV"} <= near_mali
    assert "FRA" not in near_mali and "MLI" not in near_mali
    assert "TUN" in geo.neighbours(["MLI"], within_km=1500, basemap=data_dir)


def test_map_renders_offline(tmp_path, data_dir, family_expansion):
    html = tmp_path / "map.html"
    chart = expansion_map(family_expansion, html, basemap=data_dir)
    text = html.read_text()
    assert "vega-lite" in text and "Algeria" in text
    spec = chart.to_dict()
    assert all("url" not in layer.get("data", {}) for layer in spec["layer"])
    png = tmp_path / "map.png"
    expansion_map(family_expansion, png, basemap=data_dir)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
