"""Opportunism test: synthetic groups with known answers, edge cases, and real AQIM-family data."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from test_expansion import acled_events, aqim_family_events, raw_acled_family, require_data_dir

from spillover.analysis.event_study import event_study, event_study_chart
from spillover.analysis.expansion import InsufficientData, measure_expansion
from spillover.analysis.opportunism import (
    DAYS_PER_MONTH,
    assess_opportunism,
    describe_opportunism,
    onset_relation,
)
from spillover.analysis.robustness import opportunism_robustness
from spillover.instability import load_onsets, onsets_for

COUNTRIES = ["MLI", "NER", "BFA", "MRT", "SEN", "GIN", "CIV", "TCD", "NGA", "LBY", "TUN", "MAR"]
ORIGIN = "DZA"


def onset_row(country, date, kind="coup", targets=(), interveners=()):
    return {
        "country_iso3": country,
        "country": country,
        "date": pd.Timestamp(date),
        "date_precision": "day",
        "kind": kind,
        "detail": f"{kind} in {country}",
        "source": "test",
        "target_groups": tuple(targets),
        "interveners": tuple(interveners),
        "citation": "test",
    }


def synthetic_onsets(seed: int = 11) -> pd.DataFrame:
    """Two coups per country at random dates 1995-2015."""
    rng = np.random.default_rng(seed)
    rows = []
    for country in COUNTRIES:
        for day in sorted(rng.integers(0, 20 * 365, size=2)):
            rows.append(onset_row(country, pd.Timestamp("1995-01-01") + pd.Timedelta(days=int(day))))
    return pd.DataFrame(rows)


def entry_events(
    country: str, start: pd.Timestamp, n: int = 4, spacing_days: int = 20, prefix: str = ""
) -> list[dict]:
    """A sustained entry: a burst of ``n`` events ``spacing_days`` apart, then activity in the following
    quarters (what the entry rule asks of sustained presence); a burst of fewer than 3 events stays alone."""
    days = [i * spacing_days for i in range(n)]
    if n >= 3:
        days += [days[-1] + d for d in (100, 190, 280)]
    return [
        {
            "event_id": f"{prefix}{country}-{i}",
            "country_iso3": country,
            "date_start": start + pd.Timedelta(days=day),
            "date_precision": "day",
            "geo_precision": "point",
        }
        for i, day in enumerate(days)
    ]


def origin_events() -> list[dict]:
    return entry_events(ORIGIN, pd.Timestamp("1990-01-01"), n=6, prefix="o")


def opportunistic_group(onsets: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    """Enters every country 1-5 months after its first onset."""
    rng = np.random.default_rng(seed)
    rows = origin_events()
    for country, group in onsets.groupby("country_iso3"):
        rows += entry_events(country, group["date"].min() + pd.Timedelta(days=int(rng.integers(30, 150))))
    return pd.DataFrame(rows)


def random_group(seed: int = 5) -> pd.DataFrame:
    """Enters the same countries at dates drawn uniformly over 1992-2018."""
    rng = np.random.default_rng(seed)
    rows = origin_events()
    for country in COUNTRIES:
        rows += entry_events(
            country, pd.Timestamp("1992-01-01") + pd.Timedelta(days=int(rng.integers(0, 26 * 365)))
        )
    return pd.DataFrame(rows)


SYNTHETIC_NULLS = ("permute", "uniform")


@pytest.fixture(scope="module")
def onsets() -> pd.DataFrame:
    return synthetic_onsets()


# --- the statistic ---------------------------------------------------------------------------


def test_entries_right_after_onsets_are_significant(onsets):
    result = assess_opportunism(opportunistic_group(onsets), onsets, nulls=SYNTHETIC_NULLS, seed=1)
    assert result.ok
    assert result.n_expansions == len(COUNTRIES)
    primary = result.primary()
    assert primary["observed_share"] == 1.0
    for row in result.sensitivity.itertuples():
        assert row.p_value < 0.05, row
        assert row.effect > 1
    assert (result.entries["classification"] == "opportunism").all()
    assert result.entries["lag_months"].between(0, 5.1).all()


def test_entries_at_random_dates_are_not_significant(onsets):
    result = assess_opportunism(random_group(), onsets, nulls=SYNTHETIC_NULLS, seed=1)
    primary = result.primary()
    assert primary["p_value"] >= 0.05
    assert primary["observed_share"] < 0.5


def test_p_value_is_reproducible_for_a_fixed_seed(onsets):
    group = random_group()
    first = assess_opportunism(group, onsets, nulls=SYNTHETIC_NULLS, seed=42, n_draws=2000, by_kind=False)
    again = assess_opportunism(group, onsets, nulls=SYNTHETIC_NULLS, seed=42, n_draws=2000, by_kind=False)
    other = assess_opportunism(group, onsets, nulls=SYNTHETIC_NULLS, seed=43, n_draws=2000, by_kind=False)
    pd.testing.assert_frame_equal(first.sensitivity, again.sensitivity)
    uniform = first.sensitivity["null"] == "uniform"
    assert not np.allclose(
        first.sensitivity.loc[uniform, "expected_share"], other.sensitivity.loc[uniform, "expected_share"]
    )


def test_a_cell_does_not_depend_on_the_other_cells(onsets):
    group = random_group()
    full = assess_opportunism(group, onsets, nulls=SYNTHETIC_NULLS, seed=3, n_draws=2000, by_kind=False)
    alone = assess_opportunism(
        group,
        onsets,
        windows=(12,),
        nulls=("uniform",),
        primary_null="uniform",
        seed=3,
        n_draws=2000,
        by_kind=False,
    )
    row = full.sensitivity[
        (full.sensitivity["window_months"] == 12) & (full.sensitivity["null"] == "uniform")
    ]
    assert row.iloc[0]["p_value"] == alone.sensitivity.iloc[0]["p_value"]


def test_sensitivity_table_has_every_window_and_null(onsets):
    result = assess_opportunism(opportunistic_group(onsets), onsets, nulls=SYNTHETIC_NULLS, n_draws=500)
    assert set(zip(result.sensitivity["window_months"], result.sensitivity["null"], strict=True)) == {
        (w, n) for w in (6, 12, 24) for n in SYNTHETIC_NULLS
    }
    assert (result.sensitivity["n_draws"] > 0).all()
    # +1 correction: a p-value is never below 1 / (draws + 1).
    assert (result.sensitivity["p_value"] >= 1 / 501).all()


def test_few_entries_are_permuted_exactly():
    onsets = pd.DataFrame([onset_row("MLI", "2012-03-22"), onset_row("NER", "2005-01-01")])
    rows = (
        origin_events()
        + entry_events("MLI", pd.Timestamp("2012-05-01"))
        + entry_events("NER", pd.Timestamp("2015-01-01"))
    )
    result = assess_opportunism(pd.DataFrame(rows), onsets, windows=(12,), nulls=("permute",), by_kind=False)
    row = result.primary()
    assert bool(row["exact"]) and row["n_draws"] == 2
    # The swapped ordering gives 0 of 2, so half the orderings reach the observed 1 of 2.
    assert row["observed_share"] == 0.5 and row["p_value"] == 0.5 and row["expected_share"] == 0.25


def test_by_kind_counts_only_that_kind(onsets):
    extra = pd.DataFrame([onset_row(c, "1980-01-01", kind="war_onset") for c in COUNTRIES])
    result = assess_opportunism(
        opportunistic_group(onsets), pd.concat([onsets, extra]), nulls=("permute",), n_draws=500
    )
    table = result.by_kind[result.by_kind["window_months"] == 12].set_index("kind")
    assert table.loc["coup", "observed_share"] == 1.0
    assert table.loc["war_onset", "observed_share"] == 0.0


# --- rival explanations ------------------------------------------------------------------------


def test_intervention_against_the_group_is_retaliation_not_opportunism():
    onsets = pd.DataFrame(
        [
            onset_row(
                "MLI", "2013-01-11", kind="foreign_intervention", targets=("grp",), interveners=("FRA",)
            ),
            onset_row("MLI", "2012-12-01", kind="coup"),
            onset_row("NER", "2013-02-01", kind="coup"),
            onset_row(
                "SOM", "2011-10-16", kind="foreign_intervention", targets=("grp",), interveners=("KEN",)
            ),
        ]
    )
    rows = origin_events()
    rows += entry_events("MLI", pd.Timestamp("2013-03-01"))
    rows += entry_events("NER", pd.Timestamp("2013-03-01"))
    rows += entry_events("KEN", pd.Timestamp("2012-01-01"))
    result = assess_opportunism(
        pd.DataFrame(rows), onsets, group_ids=["GRP"], nulls=("permute",), by_kind=False
    )
    classes = result.entries.set_index("country_iso3")["classification"]
    assert classes.to_dict() == {"KEN": "retaliation", "MLI": "retaliation", "NER": "opportunism"}
    assert result.primary()["observed_count"] == 1
    assert "retaliation" in describe_opportunism(result)
    # Without the group id the same intervention is just another onset.
    blind = assess_opportunism(pd.DataFrame(rows), onsets, nulls=("permute",), by_kind=False)
    assert blind.entries.set_index("country_iso3").loc["MLI", "classification"] == "opportunism"


def test_the_groups_own_war_is_not_an_opportunity():
    onsets = pd.DataFrame([onset_row("MLI", "2009-06-16", kind="war_onset", targets=("aqim",))])
    assert onset_relation(onsets, ["aqim"]).tolist() == ["own_conflict"]
    rows = origin_events() + entry_events("MLI", pd.Timestamp("2009-08-01"))
    result = assess_opportunism(
        pd.DataFrame(rows), onsets, group_ids=["aqim"], nulls=("permute",), by_kind=False
    )
    assert result.entries.iloc[0]["classification"] == "own_conflict"
    assert result.primary()["observed_count"] == 0


# --- edge cases --------------------------------------------------------------------------------


def test_country_with_no_onsets_is_a_plain_none(onsets):
    rows = origin_events() + entry_events("ISL", pd.Timestamp("2005-01-01"))
    result = assess_opportunism(pd.DataFrame(rows), onsets, nulls=("permute",), by_kind=False)
    entry = result.entries.iloc[0]
    assert entry["onsets_in_country"] == 0
    assert entry["classification"] == "none" and np.isnan(entry["lag_months"])
    assert entry["last_onset_kind"] is None
    assert result.primary()["observed_share"] == 0.0


def test_single_event_gives_a_clear_insufficient_answer(onsets):
    result = assess_opportunism(pd.DataFrame(entry_events("MLI", pd.Timestamp("2012-01-01"), n=1)), onsets)
    assert result.status == "insufficient_data" and not result.ok
    assert "1 event" in result.message
    assert describe_opportunism(result).startswith("Opportunism not assessed: insufficient data: 1 event")


def test_only_the_origin_is_insufficient(onsets):
    result = assess_opportunism(pd.DataFrame(origin_events()), onsets)
    assert result.status == "insufficient_data" and "origin (DZA)" in result.message


def test_empty_frame_raises_with_count(onsets):
    with pytest.raises(InsufficientData) as info:
        assess_opportunism(pd.DataFrame(columns=["event_id", "country_iso3", "date_start"]), onsets)
    assert info.value.count == 0


def test_unknown_country_is_dropped_and_counted(onsets):
    unplaced = entry_events(None, pd.Timestamp("2005-01-01"))
    rows = origin_events() + unplaced + entry_events("MLI", pd.Timestamp("2005-01-01"))
    expansion = measure_expansion(pd.DataFrame(rows))
    assert expansion.n_dropped == len(unplaced)
    result = assess_opportunism(expansion, onsets, nulls=("permute",), by_kind=False)
    assert list(result.entries["country_iso3"]) == ["MLI"]


def test_summary_sentence_has_the_numbers(onsets):
    result = assess_opportunism(opportunistic_group(onsets), onsets, nulls=SYNTHETIC_NULLS, seed=1)
    sentence = describe_opportunism(result)
    pattern = (
        r"^12 of 12 expansions \(100%\) followed an instability onset within 12 months, against \d+% expected "
        r"under the null \(effect \d+\.\d×, p = 0\.\d+, 10,000 permutations\); origin DZA excluded\.$"
    )
    assert re.match(pattern, sentence), sentence


def test_robustness_drops_imprecise_rows(onsets):
    group = opportunistic_group(onsets)
    mali = group["country_iso3"] == "MLI"
    group.loc[mali, "date_precision"] = "month"
    ner = group["country_iso3"] == "NER"
    group.loc[ner, "geo_precision"] = "country"
    table = opportunism_robustness(group, onsets, n_draws=500).set_index("variant")
    assert table.loc["all events", "n_expansions"] == 12
    assert table.loc["precise dates (day/week)", "n_expansions"] == 11
    assert "MLI" not in table.loc["precise dates (day/week)", "entries"]
    assert table.loc["precise locations (not country/none)", "n_expansions"] == 11
    assert table.loc["precise dates and locations", "n_expansions"] == 10
    assert table.loc["all events, origin included", "n_expansions"] == 13


# --- real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir():
    return require_data_dir()


@pytest.fixture(scope="module")
def registry(data_dir):
    return load_onsets(data_dir)


@pytest.fixture(scope="module")
def family(data_dir):
    return aqim_family_events(data_dir)


def test_aqim_family_classification_matches_the_registry(family, registry, data_dir):
    ids = ["aqim", "gspc", "gia"]
    result = assess_opportunism(family, registry, group_ids=ids, seed=0, basemap=data_dir)
    assert result.ok
    expansion = result.expansion
    tested = expansion.expansions[~expansion.expansions["is_origin"]]
    assert list(result.entries["country_iso3"]) == list(tested["country_iso3"])
    for entry in result.entries.itertuples():
        prior = registry[(registry["country_iso3"] == entry.country_iso3) & (registry["date"] <= entry.date)]
        recent = prior[(entry.date - prior["date"]).dt.days <= 12 * DAYS_PER_MONTH]
        targeted = recent["target_groups"].map(lambda t: bool(set(t) & set(ids)))
        exploitable = recent[~targeted]
        expected = (
            "opportunism"
            if len(exploitable) and not (targeted & (recent["kind"] == "foreign_intervention")).any()
            else None
        )
        if expected:
            assert entry.classification == expected
        else:
            assert entry.classification != "opportunism"
    primary = result.primary()
    assert primary["observed_count"] == (result.entries["classification"] == "opportunism").sum()
    assert 0 < primary["p_value"] <= 1
    neighbours = result.sensitivity[result.sensitivity["null"] == "neighbours"]
    assert neighbours["note"].str.contains("candidate countries").all()
    assert describe_opportunism(result).startswith(
        f"{primary['observed_count']} of {len(result.entries)} expansions"
    )


def test_event_study_around_mali_2012_coup(data_dir, registry):
    acled = {code: raw_acled_family(data_dir, code) for code in ("MLI", "NER", "BFA")}

    events = pd.concat([acled_events(raw) for raw in acled.values()], ignore_index=True)
    coup = onsets_for("MLI", registry, kinds=["coup"], since="2012-03-22", until="2012-03-22")
    assert len(coup) == 1
    study = event_study(events, coup, registry=registry, months=24)
    table = study.table.set_index("relative_month")
    assert list(table.index) == list(range(-24, 25))

    def monthly(raw: pd.DataFrame) -> pd.Series:
        months = pd.to_datetime(raw["event_date"]).dt.to_period("M")
        window = pd.period_range("2010-03", "2014-03", freq="M")
        return months.value_counts().reindex(window, fill_value=0).to_numpy(dtype=float)

    np.testing.assert_array_equal(table["treated_mean"].to_numpy(), monthly(acled["MLI"]))
    controls = sorted(study.controls["country_iso3"])
    for code in ("NER", "BFA"):
        near = registry[(registry["country_iso3"] == code)]
        gap = (near["date"].dt.year * 12 + near["date"].dt.month - (2012 * 12 + 3)).abs()
        assert (code in controls) == (not (gap <= 24).any())
    assert controls, "at least one comparable country without an onset"
    expected_control = np.mean([monthly(acled[c]) for c in controls], axis=0)
    np.testing.assert_allclose(table["control_mean"].to_numpy(), expected_control)
    np.testing.assert_allclose(table["difference"], table["treated_mean"] - table["control_mean"])
    assert table.loc[0, "treated_mean"] == monthly(acled["MLI"])[24]
    chart = event_study_chart(study).to_dict()
    assert chart["layer"][0]["mark"]["type"] == "line"
