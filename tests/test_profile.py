"""``spillover profile`` returns the years and countries that the raw files show for a group."""

from __future__ import annotations

import pandas as pd
import pytest

from spillover import measures
from spillover.analysis.profile import raw_name_profile
from spillover.selection import CERTAINTIES, UnknownGroup, select
from spillover.store import Store


def test_profile_matches_raw_gtd_file(real_data, tmp_path) -> None:  # noqa: ANN001
    path = real_data / "events/gtd_lgcpspde_2010_2017_subset.csv.gz"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    mine = raw[raw["gname"].str.contains("Islamic Maghreb", case=False)]
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(path)
        p = raw_name_profile(store, "islamic maghreb")
    assert p.events == len(mine)
    assert set(p.by_year["year"].astype(int)) == set(mine["iyear"].astype(int))
    assert set(p.by_country["country"]) == set(mine["country"])
    parts = mine[["iyear", "imonth", "iday"]].astype(int).set_axis(["year", "month", "day"], axis=1)
    parts["day"] = parts["day"].where(
        parts["day"] > 0, 1
    )  # GTD day 0 = unknown: the period starts on the 1st
    expected_first = mine.assign(d=pd.to_datetime(parts)).groupby("country")["d"].min()
    got_first = p.by_country.set_index("country")["first_event"]
    for country, first in expected_first.items():
        assert pd.Timestamp(got_first[country]) == first
    assert p.matched_names["name"].tolist() == ["Al-Qaida in the Islamic Maghreb (AQIM)"]
    assert p.fatalities == pytest.approx(pd.to_numeric(mine["nkill"], errors="coerce").fillna(0).sum())


def test_profile_of_acled_group_counts_every_role(real_data, tmp_path) -> None:  # noqa: ANN001
    path = real_data / "events/acled_hdx_mali_1997_2020.csv.gz"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2"]
    mine = raw[raw[cols].apply(lambda c: c.str.contains("AQIM", case=False)).any(axis=1)]
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(path)
        p = raw_name_profile(store, "AQIM")
    assert p.events == len(mine)
    assert (
        dict(zip(p.by_year["year"].astype(int), p.by_year["events"], strict=True))
        == mine["year"].astype(int).value_counts().sort_index().to_dict()
    )


def test_unknown_group_gets_suggestions(real_data, tmp_path) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(real_data / "events/acled_hdx_niger_1997_2020.csv.gz")
        with pytest.raises(UnknownGroup, match="Did you mean"):
            raw_name_profile(store, "Islamic State Greater Sahar")


def test_profile_through_registry_counts_every_alias_once(real_data, tmp_path) -> None:  # noqa: ANN001
    """Through the registry, 'AQIM' means GTD's, RAND's and ACLED's spellings at once, each event once."""
    files = [
        "events/gtd_lgcpspde_2010_2017_subset.csv.gz",
        "events/rand_rdwti_1968_2009_exdex.csv.gz",
        "events/acled_hdx_mali_1997_2020.csv.gz",
    ]
    expected = 0
    for f in files:
        raw = pd.read_csv(real_data / f, dtype=str, keep_default_na=False)
        cols = [
            c
            for c in ("gname", "Perpetrator", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
            if c in raw
        ]
        hit = (
            raw[cols]
            .apply(lambda c: c.str.contains("Islamic Maghreb|^AQIM", case=False, regex=True))
            .any(axis=1)
        )
        expected += int(hit.sum())
    with Store(tmp_path / "s.duckdb") as store:
        for f in files:
            store.ingest(real_data / f)
        # every stored report of every attribution: what the raw files' names count
        p = measures.profile(select(store, "AQIM", include=(), view="all", certainty=CERTAINTIES))
        with_pred = measures.profile(
            select(store, "AQIM", include=("predecessors",), view="all", certainty=CERTAINTIES)
        )
    assert p.events == expected
    assert set(p.by_source["source"]) == {"gtd", "rand", "acled"}
    assert with_pred.events > p.events  # GSPC and GIA events join
    assert set(with_pred.matched_names["group_id"]) == {"aqim", "gspc", "gia"}
