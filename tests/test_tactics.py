"""Tactic profiles, change points and first use of a tactic — on real rows and on planted series."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_fixtures import (
    acled_file_events,
    group_rows,
    gtd_file_events,
    rand_file_events,
    read_raw,
    synthetic_events,
    synthetic_mix,
)

from spillover.analysis.tactics import (
    describe_tactics,
    first_use,
    save_chart,
    tactic_adoption,
    tactic_changes,
    tactic_chart,
    tactic_profile,
)

RAND = "events/rand_rdwti_1968_2009_exdex.csv.gz"
GTD_1993 = "events/gtd1993_0615dist.csv.gz"
GTD_SAMPLE = "gtd_0718dist_sample_2000_2017.csv.gz"
BOKO = "events/acled_boko_haram_lake_chad_2009_2019.csv.gz"
AQIM, GSPC, GIA, AQ = (
    "Al-Qaeda in the Islamic Maghreb",
    "Salafist Group for Call and Combat (GSPC)",
    "Armed Islamic Group (GIA)",
    "Al Qaeda",
)
#: Registry-style organisational events, as the actor registry will pass them (dates: public record).
ORG_EVENTS = pd.DataFrame(
    [
        {"date": "1998-09-14", "kind": "split", "group_id": GIA, "other_group_id": GSPC,
         "description": "GSPC splits from GIA", "source": "test"},
        {"date": "2006-09-11", "kind": "pledge", "group_id": GSPC, "other_group_id": AQ,
         "description": "GSPC pledges allegiance to al-Qaeda", "source": "test"},
        {"date": "2007-01-24", "kind": "rename", "group_id": GSPC, "other_group_id": AQIM,
         "description": "GSPC renamed al-Qaeda in the Islamic Maghreb", "source": "test"},
    ]
)  # fmt: skip


def _gtd_oracle_first_suicide(raw: pd.DataFrame, gname: str) -> tuple[pd.Timestamp, set[str]]:
    rows = raw[(raw["gname"] == gname) & (raw["suicide"] == 1)]
    dates = pd.to_datetime(
        pd.DataFrame(
            {"year": rows["iyear"], "month": rows["imonth"].clip(lower=1), "day": rows["iday"].clip(lower=1)}
        )
    )
    first = dates.min()
    return first, {f"gtd:{int(e)}" for e in rows.loc[dates == first, "eventid"]}


@pytest.mark.parametrize(
    ("file", "gname"), [(GTD_1993, "Hamas (Islamic Resistance Movement)"), (GTD_SAMPLE, "Al-Qaida")]
)
def test_first_suicide_attack_matches_gtd_raw_rows(file: str, gname: str) -> None:
    raw = read_raw(file)
    expected_date, expected_ids = _gtd_oracle_first_suicide(raw, gname)
    table = first_use(gtd_file_events(file), "suicide_attack").set_index("group_id")
    assert table.loc[gname, "first_date"] == expected_date
    assert table.loc[gname, "first_event_id"] in expected_ids
    assert table.loc[gname, "n_with_tactic"] == int(((raw["gname"] == gname) & (raw["suicide"] == 1)).sum())


def test_first_suicide_bomb_matches_acled_raw_rows() -> None:
    raw = read_raw(BOKO)
    jas = "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad"
    rows = raw[(raw["actor1"] == jas) & (raw["sub_event_type"] == "Suicide bomb")]
    expected = pd.to_datetime(rows["event_date"], format="%d/%m/%Y").min()
    table = first_use(group_rows(acled_file_events(BOKO), "^Boko Haram"), "suicide_attack").set_index(
        "group_id"
    )
    assert table.loc[jas, "first_date"] == expected
    assert table.loc[jas, "n_with_tactic"] == len(rows)


def test_suicide_adoption_after_merger_read_off_rand() -> None:
    """AQIM's first suicide attack in RAND, against GSPC/GIA (predecessors) and al-Qaeda (parent)."""
    raw = read_raw(RAND)
    suicide = raw["Description"].fillna("").str.contains(r"\bsuicide\b", case=False)
    dates = pd.to_datetime(raw["Date"])
    oracle = {g: dates[(raw["Perpetrator"] == g) & suicide].min() for g in (AQIM, GSPC, GIA, AQ)}
    events = rand_file_events(RAND)
    family = events[events["group_id"].isin([AQIM, GSPC, GIA, AQ])]

    result = tactic_adoption(AQIM, family, parent=AQ, predecessors=[GSPC, GIA], org_events=ORG_EVENTS)

    table = result.first_use.set_index("group_id")
    assert table.loc[AQIM, "first_date"] == oracle[AQIM]
    assert table.loc[AQ, "first_date"] == oracle[AQ]
    assert pd.isna(oracle[GSPC]) and pd.isna(oracle[GIA])  # the predecessors never did, in RAND
    assert result.org_event["kind"] == "rename"
    assert result.adopted_after_org_event is True
    assert result.lag_months == (oracle[AQIM].year - 2007) * 12 + oracle[AQIM].month - 1
    assert result.predecessors_used_before is False
    assert result.parent_used_before is True
    assert table.loc[AQIM, "first_event_id"] in result.evidence


def test_profile_counts_shares_and_fatalities_add_up() -> None:
    events = group_rows(rand_file_events(RAND), "Islamic Maghreb|GSPC|GIA")
    profile = tactic_profile(events)
    assert profile.counts.to_numpy().sum() == profile.n_events == len(events) - profile.n_undated
    active = profile.shares.dropna()
    assert ((active.sum(axis=1) - 1).abs() < 1e-9).all()
    assert profile.fatalities.to_numpy().sum() == pytest.approx(events["fatalities"].sum())
    assert profile.totals.loc["suicide_attack", "events"] == events["suicide"].sum()
    assert "first suicide attack on 2007-04-11" in describe_tactics(profile)


def test_planted_change_point_found_within_two_months_and_aligned() -> None:
    before = {"armed_assault": 0.6, "bombing": 0.3, "kidnapping": 0.1}
    after = {"suicide_attack": 0.4, "bombing": 0.4, "armed_assault": 0.2}
    events = synthetic_mix(seed=1, months=60, per_month=8, mix_before=before, mix_after=after, change_at=30)
    planted = pd.Timestamp("2007-07-01")  # month 30 from 2005-01
    org = pd.DataFrame([{"date": "2007-05-15", "kind": "merger", "group_id": "g", "other_group_id": "p",
                         "description": "merger", "source": "test"}])  # fmt: skip

    result = tactic_changes(events, org)

    assert len(result.changes) == 1
    change = result.changes.iloc[0]
    assert abs((change.month.year - planted.year) * 12 + change.month.month - planted.month) <= 2
    assert change.tactic_up == "suicide_attack"
    assert change.org_kind == "merger"
    assert change.lag_months == (change.month.year - 2007) * 12 + change.month.month - 5
    assert result.penalty_rule.startswith("bic")
    assert len(change.evidence) > 0


def test_no_change_point_in_a_stationary_mix() -> None:
    mix = {"armed_assault": 0.6, "bombing": 0.3, "kidnapping": 0.1}
    events = synthetic_mix(seed=3, months=60, per_month=8, mix_before=mix)
    assert tactic_changes(events).changes.empty


def test_month_precision_events_are_not_given_a_day() -> None:
    events = synthetic_events(
        [{"date": "2010-01-05", "tactic": "bombing"}, {"date": "2010-03-01", "tactic": "kidnapping"}]
    )
    events.loc[1, "date_end"] = pd.Timestamp("2010-12-31")  # known only to the year
    profile = tactic_profile(events)
    assert profile.n_events == 1 and profile.n_undated == 1


def test_chart_saves_png_svg_and_inline_html(tmp_path) -> None:
    mix = {"armed_assault": 0.6, "bombing": 0.4}
    chart = tactic_chart(tactic_profile(synthetic_mix(seed=2, months=12, per_month=5, mix_before=mix)))
    for ext in ("png", "svg", "html"):
        path = save_chart(chart, tmp_path / f"tactics.{ext}")
        assert path.stat().st_size > 1000
    assert "vega" in (tmp_path / "tactics.html").read_text()
