"""Dated lineage: names as of a date, families, umbrellas, and tagging events with the organisation of the
day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from spillover.actors import (
    as_of,
    expand_umbrella,
    family,
    identity_chain,
    lineage,
    load_registry,
    rollup,
    tag_as_of,
)


@pytest.fixture(scope="module")
def reg():  # noqa: ANN201
    return load_registry(ucdp_actors=False)


def test_aqim_as_of_2005_is_the_gspc_and_as_of_2008_aqim(reg) -> None:  # noqa: ANN001
    before = as_of("aqim", "2005-06-01", registry=reg)
    assert before.status == "active" and before.active_id == "gspc"
    assert before.name == "Salafist Group for Preaching and Combat"
    assert before.pledged_to == ()  # the pledge to al-Qaeda came in September 2006
    after = as_of("aqim", "2008", registry=reg)
    assert after.active_id == "aqim" and after.name == "Al-Qaeda in the Islamic Maghreb"
    assert "aq-core" in after.affiliate_of and "aq-core" in after.pledged_to
    # between the pledge (2006-09) and the renaming (2007-01) the GSPC had pledged to al-Qaeda
    assert as_of("gspc", "2006-11-15", registry=reg).pledged_to == ("aq-core",)
    # asking about the GSPC in 2008 gives its continuation
    assert as_of("gspc", "2008-03-01", registry=reg).active_id == "aqim"


def test_before_founding_reports_the_predecessors_active_then(reg) -> None:  # noqa: ANN001
    early = as_of("aqim", "1995-01-01", registry=reg)
    assert early.status == "not-yet-founded" and early.active_id is None
    assert early.predecessors_active == ("gia",)
    assert "gia" in str(early)


def test_identity_chain_follows_renames_both_ways(reg) -> None:  # noqa: ANN001
    chain = identity_chain("isis", registry=reg)
    assert [link.group_id for link in chain] == ["msc-iraq", "isi", "isis", "islamic-state"]
    assert chain[1].start == dt.date(2006, 10, 15) and chain[1].end == dt.date(2013, 4, 9)
    assert as_of("islamic-state", "2010-05-01", registry=reg).active_id == "isi"


def test_aqim_and_predecessors_family(reg) -> None:  # noqa: ANN001
    fam = family("aqim", include=("predecessors",), registry=reg)
    assert fam.ids == {"aqim", "gspc", "gia"}
    assert [s.type for s in fam["gia"]] == ["renamed_to", "split_from"]
    assert "gspc split_from gia" in fam.paths()["gia"]
    # as of 2005 the GSPC had not yet been renamed, so AQIM's lineage then is only AQIM itself
    assert family("aqim", "2005-06-01", include=("predecessors",), registry=reg).ids == {"aqim"}


def test_full_family_of_aqim_has_splinters_components_and_affiliates(reg) -> None:  # noqa: ANN001
    fam = family("aqim", registry=reg)
    assert {"mujao", "signed-in-blood"} <= fam.ids  # splinters
    assert {"aqim-sahara", "al-mourabitoun", "okba-ibn-nafaa"} <= fam.ids  # components (ever)
    assert {"jnim", "ansar-dine"} <= fam.ids  # affiliates
    assert "islamic-state" not in fam.ids
    with pytest.raises(ValueError, match="unknown family parts"):
        family("aqim", include=("cousins",), registry=reg)


def test_jnim_rolls_down_to_its_components_after_march_2017_only(reg) -> None:  # noqa: ANN001
    after = set(expand_umbrella("jnim", "2017-03-15", registry=reg))
    assert {"ansar-dine", "katiba-macina", "al-mourabitoun", "aqim-sahara"} <= after
    assert expand_umbrella("jnim", "2017-02-28", registry=reg) == []
    assert expand_umbrella("jnim", "2016-06-01", registry=reg) == []
    # a dissolved group is never a component, even through an undated link
    assert "signed-in-blood" not in after and "mujao" not in after


def test_rollup_gives_the_umbrella_of_the_day(reg) -> None:  # noqa: ANN001
    assert rollup("katiba-macina", "2016-01-01", registry=reg) == ["ansar-dine"]
    assert rollup("katiba-macina", "2018-01-01", registry=reg) == ["jnim"]
    assert rollup("al-mourabitoun", "2016-06-01", registry=reg) == ["aqim"]
    assert rollup("katiba-macina", "2014-01-01", registry=reg) == []


def test_lineage_table_lists_dated_successions(reg) -> None:  # noqa: ANN001
    table = lineage("aqim", registry=reg)
    rows = {(r.source, r.type, r.target): r for r in table.itertuples()}
    rename = rows[("gspc", "renamed_to", "aqim")]
    assert rename.start == dt.date(2007, 1, 1) and rename.start_precision == "month"
    assert rename.direction == "predecessor" and "Filiu" in rename.sources
    assert rows[("gspc", "split_from", "gia")].direction == "predecessor"
    assert rows[("mujao", "split_from", "aqim")].direction == "successor"
    assert list(table["start"].dropna()) == sorted(table["start"].dropna())


def test_tag_as_of_names_each_event_by_the_organisation_of_its_date(reg) -> None:  # noqa: ANN001
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3", "e4", "e5"],
            "group_id": ["aqim", "aqim", "aqim", "jnim", "ucdp-0"],
            "date_start": ["2005-06-01", "2008-02-01", None, "2018-01-01", "2010-01-01"],
        }
    )
    fam = family("aqim", include=("predecessors",), registry=reg)
    tagged = tag_as_of(events, fam, registry=reg)
    assert list(tagged["org_as_of"][:2]) == ["gspc", "aqim"]
    assert tagged.loc[0, "org_name_as_of"] == "Salafist Group for Preaching and Combat"
    assert pd.isna(tagged.loc[2, "org_as_of"])  # no date
    assert pd.isna(tagged.loc[3, "org_as_of"])  # not in the family
    assert pd.isna(tagged.loc[4, "org_as_of"])  # unknown id
    everyone = tag_as_of(events, registry=reg)
    assert everyone.loc[3, "org_as_of"] == "jnim"


def test_tag_as_of_gives_the_predecessor_for_back_coded_names(reg) -> None:  # noqa: ANN001
    # UCDP codes the whole lineage as 'IS': a 2004 event was Tawhid wal-Jihad's, a 2005 one AQI's
    events = pd.DataFrame(
        {
            "group_id": ["islamic-state"] * 4,
            "date_start": ["2004-06-01", "2005-03-01", "2007-01-01", "2015-01-01"],
        }
    )
    tagged = tag_as_of(events, registry=reg)
    assert list(tagged["org_as_of"]) == ["tawhid-wal-jihad", "aqi", "isi", "islamic-state"]
