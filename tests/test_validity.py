"""Dating, attributing and classing as a careful analyst would, on the real data.

* a splinter never inherits its parent's history; a merged group counts from the merger;
* an alias is used only in its period and countries (UCDP's 'IS' in Nigeria is not the Islamic State's core;
  RAND's 2004 'AQAP' is not the AQAP founded in 2009);
* an entry is the start of sustained violent activity, not a stray precursor event;
* an onset of the group's own war is not exploitable instability; an entry into an intervener's country
  after its intervention is retaliation.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from spillover import measures
from spillover.actors import default_registry, family
from spillover.analysis.expansion import SustainedPresence, first_sustained_window, measure_expansion
from spillover.selection import CERTAINTIES, select

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")]


def _select(store, group: str, **kwargs):  # noqa: ANN001, ANN202
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return select(store, group, **kwargs)


# --- family --------------------------------------------------------------------------------------------------


def test_a_splinter_does_not_inherit_its_parents_events(loaded_store) -> None:  # noqa: ANN001
    """Ansaru split from Boko Haram (2012): by default it is counted alone, and none of Boko Haram's events
    is in it; ISGS (split from al-Mourabitoun) has no Algerian or French entry through GIA."""
    ansaru = _select(loaded_store, "ansaru", view="all")
    boko = _select(loaded_store, "boko-haram", view="all")
    assert ansaru.family.ids == {"ansaru"}
    # every event counted names Ansaru itself (an attack both groups claim jointly counts for both)
    assert (ansaru.events["group_id"] == "ansaru").all()
    assert 0 < len(ansaru.events) < 50 < len(boko.events)
    isgs = measures.expansion(_select(loaded_store, "isgs"))
    assert not {"DZA", "FRA"} & set(isgs.expansions["country_iso3"])
    # asked for explicitly, the predecessors' whole histories come back
    with_roots = _select(loaded_store, "isgs", include=("predecessors",))
    assert {"gia", "gspc", "aqim", "mujao"} <= with_roots.family.ids
    assert len(with_roots.events) > len(_select(loaded_store, "isgs").events)


def test_a_merged_group_counts_only_from_the_merger(loaded_store) -> None:  # noqa: ANN001
    """MUJAO merged into al-Mourabitoun in August 2013: its earlier events are set aside, with the reason."""
    sel = _select(loaded_store, "al-mourabitoun", view="all")
    first, last = sel.family.window("mujao")
    assert first == pd.Timestamp("2013-08-22").date() and last is None
    mujao = sel.events[sel.events["org_as_of"] == "mujao"]
    assert (pd.to_datetime(mujao["date_end"]) >= pd.Timestamp(first)).all()
    aside = sel.scoped_out[sel.scoped_out["org_as_of"] == "mujao"]
    assert len(aside) > 0 and aside["reason"].str.contains("membership").all()
    assert (pd.to_datetime(aside["date_start"]) < pd.Timestamp(first)).all()


def test_affiliates_roll_up_only_while_affiliated() -> None:
    fam = family("aq-core", include=("affiliates",), registry=default_registry())
    start, end = fam.window("jabhat-al-nusra")
    assert start is not None and end is not None and start < end  # pledged 2013, broke with al-Qaeda 2016


# --- attribution by date and place -------------------------------------------------------------------------------


def test_ucdp_is_in_nigeria_is_not_the_islamic_state_core(loaded_store, real_data) -> None:  # noqa: ANN001
    """GED names Boko Haram (after its 2015 pledge) and ISWAP 'IS' in Nigeria: none of those events is the
    Islamic State core's, and they are Boko Haram's until the August 2016 split, ISWAP's after."""
    raw = pd.read_csv(real_data / "events/ucdp_ged_nigeria_1990_2019_hdx.csv.gz", dtype=str).iloc[1:]
    is_rows = raw[(raw["side_a"] == "IS") | (raw["side_b"] == "IS")]
    assert len(is_rows) > 500  # the label is really there
    core = _select(loaded_store, "islamic-state", view="all", certainty=CERTAINTIES)
    assert not (core.events["country_iso3"] == "NGA").any()
    boko = _select(loaded_store, "boko-haram", view="all")
    iswap = _select(loaded_store, "iswap", view="all")
    ged_is = lambda ev: ev[(ev["source"] == "ged") & (ev["country_iso3"] == "NGA")]  # noqa: E731
    boko_is = ged_is(boko.events)
    iswap_is = ged_is(iswap.events)
    assert len(iswap_is) > 0
    assert (pd.to_datetime(iswap_is["date_start"]) >= pd.Timestamp("2016-08-01")).all()
    split = pd.Timestamp("2016-08-01")
    boko_after_pledge = boko_is[pd.to_datetime(boko_is["date_start"]).between("2015-03-01", split)]
    assert len(boko_after_pledge) > 0


def test_rand_aqap_of_2004_is_not_the_aqap_founded_in_2009(loaded_store) -> None:  # noqa: ANN001
    aqap = _select(loaded_store, "aqap", view="all")
    rand = aqap.events[aqap.events["source"] == "rand"]
    assert (pd.to_datetime(rand["date_start"]) >= pd.Timestamp("2009-01-01")).all()
    saudi = _select(loaded_store, "aq-saudi", view="all")
    assert len(saudi.events) > 0 and (pd.to_datetime(saudi.events["date_start"]) < "2009-01-01").all()
    expansion = measures.expansion(_select(loaded_store, "aqap"))
    assert expansion.origin_iso3 == "YEM"


def test_an_event_before_a_groups_founding_is_not_its(loaded_store) -> None:  # noqa: ANN001
    """JNIM was founded on 2 March 2017: an event a dataset attributes to it earlier is set aside."""
    jnim = _select(loaded_store, "jnim", view="all", certainty=CERTAINTIES)
    founded = default_registry().group("jnim").founded.first
    kept = pd.to_datetime(jnim.events.loc[jnim.events["org_as_of"] == "jnim", "date_start"])
    assert (kept >= pd.Timestamp(founded)).all()
    early = jnim.scoped_out
    assert len(early) > 0 and (pd.to_datetime(early["date_start"]) < pd.Timestamp(founded)).all()
    assert early["reason"].str.contains("before the group existed").all()


# --- the entry rule ------------------------------------------------------------------------------------------------


def test_a_stray_precursor_does_not_date_the_entry() -> None:
    """One raid, then nothing for 20 months, then a campaign: the entry is the campaign's first event."""
    dates = pd.Series(
        pd.to_datetime(["2010-01-05", "2011-09-01", "2011-09-20", "2011-10-15", "2012-01-10", "2012-04-02"])
    )
    window = first_sustained_window(dates, SustainedPresence(3, 12, 6, 2))
    assert window is not None and dates.iloc[window[0]] == pd.Timestamp("2011-09-01")
    # the old rule (any 3 in 12 months, no run, no continuation) would have dated it earlier only with a
    # precursor inside the window; with one 8 months before, the gap rule still separates them
    close = pd.Series(pd.to_datetime(["2011-01-05", *dates.iloc[1:].astype(str)]))
    found = first_sustained_window(close, SustainedPresence(3, 12, 6, 2))
    assert found is not None and close.iloc[found[0]] == pd.Timestamp("2011-09-01")


def test_a_burst_without_continuation_is_not_an_entry() -> None:
    """Three raids in a month and nothing in the following year: not sustained presence."""
    events = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d", "e", "f", "g"],
            "country_iso3": ["NER", "NER", "NER", "MLI", "MLI", "MLI", "MLI"],
            "date_start": pd.to_datetime(
                [
                    "2012-01-02",
                    "2012-01-10",
                    "2012-01-20",
                    "2012-01-05",
                    "2012-02-01",
                    "2012-06-01",
                    "2013-03-01",
                ]
            ),
            "tactic": ["armed_assault"] * 7,
        }
    )
    events = pd.concat([events, events.assign(event_id=["h"] * 7, country_iso3="DZA").iloc[:1]])
    events = pd.concat(
        [
            events,
            pd.DataFrame(
                {
                    "event_id": ["z"],
                    "country_iso3": ["MLI"],
                    "date_start": [pd.Timestamp("2014-01-01")],
                    "tactic": ["armed_assault"],
                }
            ),
        ]  # fmt: skip
    )
    result = measure_expansion(events)
    assert set(result.expansions["country_iso3"]) == {"MLI"}


def test_non_violent_events_do_not_make_an_entry() -> None:
    dates = pd.to_datetime(
        ["2015-01-01", "2015-02-01", "2015-03-01", "2015-05-01", "2015-08-01", "2015-11-01"]
    )
    events = pd.DataFrame(
        {"event_id": list("abcdef"), "country_iso3": "BFA", "date_start": dates, "tactic": "non_violent"}
    )
    assert measure_expansion(events).expansions.empty
    violent = events.assign(tactic="armed_assault")
    assert measure_expansion(violent).expansions["date"].iloc[0] == pd.Timestamp("2015-01-01")


def test_the_entry_reports_first_contact_beside_the_sustained_start(loaded_store) -> None:  # noqa: ANN001
    result = measures.expansion(_select(loaded_store, "boko-haram"))
    rows = result.expansions.set_index("country_iso3")
    assert (rows["first_contact"] <= rows["date"]).all()
    assert (
        rows["first_contact"] < rows["date"]
    ).any()  # a precursor somewhere, and it did not date the entry


# --- onsets matched to groups -----------------------------------------------------------------------------------


def test_the_groups_own_ucdp_conflict_is_not_an_exploitable_onset(loaded_store) -> None:  # noqa: ANN001
    """UCDP's conflict 'Mali: government vs AQIM' is AQIM's own war: an entry after it is not opportunism."""
    onsets = measures.onsets()
    acd = onsets[onsets["source"] == "ucdp_acd"]
    assert any("aqim" in t for t in acd["target_groups"])  # UCDP's side names resolved to registry ids
    result = measures.opportunism(_select(loaded_store, "aqim"))
    entries = result.entries.set_index("country_iso3")
    own = entries[entries["classification"] == "own_conflict"]
    assert len(own) > 0
    assert (own["last_onset_kind"].isin(["war_onset", "war_restart"])).all()


def test_an_entry_into_an_interveners_country_after_its_intervention_is_retaliation(loaded_store) -> None:  # noqa: ANN001
    """Boko Haram's sustained campaigns in Niger and Chad began after those states intervened against it."""
    result = measures.opportunism(_select(loaded_store, "boko-haram"))
    entries = result.entries.set_index("country_iso3")
    retaliation = entries[entries["classification"] == "retaliation"]
    assert {"NER", "TCD"} <= set(retaliation.index)
    assert (retaliation["last_onset_kind"] == "foreign_intervention").all()


def test_a_deployment_against_other_groups_is_context_not_opportunity() -> None:
    from spillover.analysis.opportunism import onset_relation

    onsets = pd.DataFrame(
        {
            "country_iso3": ["MLI", "MLI"],
            "date": pd.to_datetime(["2013-01-11", "2012-03-22"]),
            "kind": ["foreign_intervention", "coup"],
            "target_groups": [("mujao",), ()],
        }
    )
    assert onset_relation(onsets, ["boko-haram"]).tolist() == ["context", "exogenous"]
    assert onset_relation(onsets, ["mujao"]).tolist() == ["retaliation", "exogenous"]
