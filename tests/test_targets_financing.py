"""Targets (foreign/Western shares, largest attacks) and financing (kidnapping share, hostages, ransoms)."""

from __future__ import annotations

import logging
from functools import cache

import country_converter as coco
import pandas as pd
import pytest
from analysis_fixtures import acled_file_events, group_rows, gtd_file_events, read_raw, synthetic_events

from spillover.analysis.financing import describe_financing, kidnapping_profile
from spillover.analysis.targets import (
    classify_targets,
    describe_targets,
    load_country_groups,
    target_profile,
)

MALI = "events/acled_hdx_mali_1997_2020.csv.gz"
GTD_1993 = "events/gtd1993_0615dist.csv.gz"
_CONVERTER = coco.CountryConverter()
#: Western nationalities as GTD writes them (EU/EEA, UK, Switzerland, US, Canada, Australia, NZ).
WESTERN_NAMES = {
    "Austria", "Belgium", "Bulgaria", "Canada", "Croatia", "Denmark", "France", "Germany", "Great Britain",
    "Greece", "Hungary", "Ireland", "Italy", "Netherlands", "Northern Ireland", "Norway", "Romania", "Spain",
    "United States", "Switzerland", "Sweden", "Portugal", "Australia", "New Zealand", "Finland", "Iceland",
}  # fmt: skip


# --- financing ---------------------------------------------------------------------------------------


def test_kidnapping_share_per_year_matches_acled_raw_rows() -> None:
    raw = read_raw(MALI)
    aqim = raw[raw["actor1"].str.contains("AQIM", na=False)]
    per_year = aqim.groupby("year").agg(
        n=("event_id_cnty", "size"),
        k=("sub_event_type", lambda s: int((s == "Abduction/forced disappearance").sum())),
    )
    profile = kidnapping_profile(group_rows(acled_file_events(MALI), "AQIM"), "year")
    got = profile.by_period[profile.by_period["n_events"] > 0]
    assert got.index.astype(int).tolist() == per_year.index.tolist()
    assert got["n_events"].tolist() == per_year["n"].tolist()
    assert got["n_kidnapping"].tolist() == per_year["k"].tolist()
    assert got["kidnapping_share"].to_numpy() == pytest.approx((per_year["k"] / per_year["n"]).to_numpy())
    assert profile.n_undated == 0
    assert len(profile.evidence) == per_year["k"].sum()


def test_kidnapping_share_over_user_defined_periods() -> None:
    raw = read_raw(MALI)
    aqim = raw[raw["actor1"].str.contains("AQIM", na=False)]
    periods = {"before 2012": ("1997-01-01", "2011-12-31"), "2012 on": ("2012-01-01", "2020-12-31")}
    profile = kidnapping_profile(group_rows(acled_file_events(MALI), "AQIM"), periods)
    for label, early in (("before 2012", True), ("2012 on", False)):
        rows = aqim[(aqim["year"] < 2012) == early]
        share = (rows["sub_event_type"] == "Abduction/forced disappearance").mean()
        assert profile.by_period.loc[label, "kidnapping_share"] == pytest.approx(share)
    assert describe_financing(profile).startswith(
        f"Kidnapping in {int(profile.by_period['n_kidnapping'].sum())} of"
    )


def test_hostages_and_ransoms_match_gtd_raw_rows() -> None:
    raw = read_raw(GTD_1993)
    hostage_cols = ["attacktype1_txt", "attacktype2_txt", "attacktype3_txt"]
    is_kid = raw[hostage_cols].apply(lambda s: s.fillna("").str.startswith("Hostage")).any(axis=1)
    kid = raw[is_kid]
    nonneg = lambda s: pd.to_numeric(s, errors="coerce").where(lambda v: v >= 0)  # noqa: E731

    profile = kidnapping_profile(gtd_file_events(GTD_1993), "year")
    row = profile.by_period.loc["1993"]
    assert row.n_kidnapping == len(kid)
    assert row.hostages == pytest.approx(nonneg(raw["nhostkid"]).sum())
    assert row.hostages_known == nonneg(raw["nhostkid"]).notna().sum()
    assert row.ransom_demanded == (raw["ransom"] == 1).sum()
    assert row.ransom_paid_usd == pytest.approx(nonneg(raw["ransompaid"]).sum())
    assert row.ransom_paid_known == nonneg(raw["ransompaid"]).notna().sum()
    by_nat = profile.hostages_by_nationality.set_index("nationality")["kidnappings"]
    assert by_nat["United States"] == (kid["natlty1_txt"] == "United States").sum()
    assert len(profile.kidnappings) == len(kid)


# --- targets ----------------------------------------------------------------------------------------


@cache
def _iso3(name: object) -> str | None:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    code = _CONVERTER.convert(name, to="ISO3", not_found=None) if isinstance(name, str) else None
    return code if isinstance(code, str) and len(code) == 3 and code.isupper() else None


def test_foreign_and_western_flags_match_gtd_raw_rows() -> None:
    raw = read_raw(GTD_1993)
    events = gtd_file_events(GTD_1993)
    flags = classify_targets(events)
    # Foreign: where the test can resolve both names itself, or the nationality is not a country.
    nat, country = raw["natlty1_txt"], raw["country_txt"]
    multi = nat.isin(["Multinational", "International"])
    nat_code, country_code = nat.map(_iso3), country.map(_iso3)
    judged = multi | (nat_code.notna() & country_code.notna())
    expected = multi | (nat_code != country_code)
    assert flags.loc[judged, "foreign"].astype(bool).tolist() == expected[judged].tolist()
    # Western: exactly the rows whose nationality is a Western country name.
    assert flags["western"].eq(True).sum() == nat.isin(WESTERN_NAMES).sum()
    assert not flags.loc[nat == "Israel", "western"].any()

    profile = target_profile(events, "year")
    f = profile.foreign.loc["1993"]
    assert f.n_foreign == flags["foreign"].eq(True).sum()
    assert f.n_western == nat.isin(WESTERN_NAMES).sum()
    assert f.foreign_share == pytest.approx(f.n_foreign / flags["foreign"].notna().sum())
    assert len(profile.western_evidence) == f.n_western


def test_largest_attacks_and_type_counts_match_raw_rows() -> None:
    raw = read_raw(GTD_1993)
    profile = target_profile(gtd_file_events(GTD_1993), "year", top_n=5)
    top = raw.sort_values("nkill", ascending=False).iloc[0]
    assert profile.largest.loc[0, "event_id"] == f"gtd:{int(top['eventid'])}"
    assert profile.largest.loc[0, "fatalities"] == top["nkill"]
    assert profile.by_type.loc["1993"].to_dict() == raw["targtype1_txt"].value_counts().to_dict()
    assert f"{int(top['nkill'])} killed" in describe_targets(profile)


def test_western_grouping_is_documented_and_overridable(tmp_path) -> None:
    groups = load_country_groups()
    assert {"FRA", "USA", "GBR", "CHE", "NOR", "CAN", "AUS", "NZL"} <= groups["western"]
    assert "ISR" not in groups["western"] and "ISR" in groups["western_and_israel"]
    assert len(groups["eu27"]) == 27
    events = synthetic_events(
        [
            {"date": "2010-01-01", "country_iso3": "DZA", "target_nationality": "Israel"},
            {"date": "2010-01-02", "country_iso3": "DZA", "target_nationality": "France"},
            {"date": "2010-01-03", "country_iso3": "DZA", "target_nationality": "Algeria"},
            {"date": "2010-01-04", "country_iso3": "DZA", "target_nationality": "Multinational"},
            {"date": "2010-01-05", "country_iso3": "DZA", "target_nationality": None},
        ]
    )
    default = target_profile(events).foreign.iloc[0]
    assert (default.n_nationality_known, default.n_foreign, default.n_western) == (4, 3, 1)
    with_israel = target_profile(events, western="western_and_israel").foreign.iloc[0]
    assert with_israel.n_western == 2
    custom = target_profile(events, western={"ISR"}).foreign.iloc[0]
    assert custom.n_western == 1
    own_file = tmp_path / "groups.yaml"
    own_file.write_text("groups:\n  western: [DZA]\n")
    assert target_profile(events, groups_path=own_file).foreign.iloc[0].n_western == 1
