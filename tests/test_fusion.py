"""Fusion on the real files: cross-source matching, the fused view, coverage and disagreements.

Expected matches are built here from the raw CSV files with pandas, independently of the matcher: the
matcher must find them, and must not merge what the raw files say are different events.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spillover.fusion import (
    MatchRule,
    candidate_pairs,
    coverage_warnings,
    events_view,
    fused_clusters,
    fused_events,
    largest_disagreements,
    load_links,
    match_events,
    save_links,
    source_view,
    sources_report,
    view_of,
)
from spillover.schema import EVENT_COLUMN_NAMES
from spillover.selection import select
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")

BOKO_HARAM_GED = "Jama'atu Ahlis Sunna"
BOKO_HARAM_ACLED = "Boko Haram"


def haversine_km(lat1: pd.Series, lon1: pd.Series, lat2: pd.Series, lon2: pd.Series) -> np.ndarray:
    la1, lo1, la2, lo2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


# --- expectations from the raw files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw_boko_haram_pairs(real_data: Path) -> pd.DataFrame:
    """Same-day pairs of a GED Nigeria event and an ACLED Nigeria (v7) event, both naming Boko Haram, both
    day-precise and located at a town (GED where_prec <= 2, ACLED geo_precision <= 2), in the same admin1."""
    events = real_data / "events"
    ged = pd.read_csv(events / "ucdp_ged_nigeria_1990_2019_hdx.csv.gz", low_memory=False)
    names = ged["side_a"].fillna("") + "|" + ged["side_b"].fillna("")
    ged = ged[
        names.str.contains(BOKO_HARAM_GED, regex=False)
        & (ged["date_prec"] == 1)
        & (ged["where_prec"] <= 2)
        & (ged["date_start"].str[:10] == ged["date_end"].str[:10])
    ]
    ged = ged.assign(
        date=pd.to_datetime(ged["date_start"].str[:10]),
        admin1=ged["adm_1"].str.replace(" state", "", regex=False).str.strip(),
        ged_id="ged:" + ged["id"].astype(int).astype(str),
    )
    acled = pd.read_csv(events / "acled_nigeria_1997_2016_v7.csv.gz", low_memory=False)
    actors = acled["ACTOR1"].fillna("") + "|" + acled["ACTOR2"].fillna("")
    acled = acled[
        actors.str.contains(BOKO_HARAM_ACLED, regex=False)
        & (acled["TIME_PRECISION"] == 1)
        & (acled["GEO_PRECISION"] <= 2)
    ]
    acled = acled.assign(
        date=pd.to_datetime(acled["EVENT_DATE"], format="%d/%m/%Y"),
        admin1=acled["ADMIN1"].str.strip(),
        acled_id="acled:" + acled["EVENT_ID_CNTY"],
    )
    pairs = ged.merge(acled, on=["date", "admin1"])
    pairs["km"] = haversine_km(pairs["latitude"], pairs["longitude"], pairs["LATITUDE"], pairs["LONGITUDE"])
    return pairs


@pytest.fixture(scope="module")
def expected_same(raw_boko_haram_pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs within 3 km whose GED and ACLED events have no other such partner: one event, two reports."""
    close = raw_boko_haram_pairs[raw_boko_haram_pairs["km"] <= 3]
    return close[~close["ged_id"].duplicated(keep=False) & ~close["acled_id"].duplicated(keep=False)]


@pytest.fixture(scope="module")
def expected_different(raw_boko_haram_pairs: pd.DataFrame) -> pd.DataFrame:
    """Boko Haram on the same day in two towns at least 60 km apart: two events."""
    return raw_boko_haram_pairs[raw_boko_haram_pairs["km"] >= 60]


@pytest.fixture(scope="module")
def nga_events(loaded_store: Store) -> pd.DataFrame:
    return loaded_store.query(
        "SELECT * FROM events WHERE country_iso3 = 'NGA' AND year BETWEEN 2009 AND 2016"
    )


@pytest.fixture(scope="module")
def nga_links(loaded_store: Store, nga_events: pd.DataFrame) -> pd.DataFrame:
    return match_events(loaded_store, nga_events)


@pytest.fixture(scope="module")
def nga_clusters(nga_events: pd.DataFrame, nga_links: pd.DataFrame) -> pd.Series:
    return fused_clusters(nga_events["event_id"], nga_links)


def same_cluster(clusters: pd.Series, left: pd.Series, right: pd.Series) -> np.ndarray:
    return clusters.reindex(left).to_numpy() == clusters.reindex(right).to_numpy()


# --- matching ----------------------------------------------------------------------------------------------------


def test_ged_and_acled_reports_of_one_attack_are_matched(
    expected_same: pd.DataFrame, nga_clusters: pd.Series, nga_links: pd.DataFrame
) -> None:
    assert len(expected_same) >= 200
    matched = same_cluster(nga_clusters, expected_same["ged_id"], expected_same["acled_id"])
    # the few misses are attacks another source splits differently (two GTD rows for one ACLED row)
    assert matched.mean() >= 0.9, f"only {matched.sum()} of {len(expected_same)} matched"
    merged = nga_links[nga_links["merged"]]
    assert {"score", "reason", "rule_version"} <= set(merged.columns)
    assert (merged["score"] >= MatchRule().threshold).all()
    assert merged["reason"].str.contains("date: ").all() and merged["reason"].str.contains("actor: ").all()


def test_same_group_same_day_in_different_towns_is_not_matched(
    expected_different: pd.DataFrame, nga_clusters: pd.Series, nga_links: pd.DataFrame
) -> None:
    assert len(expected_different) >= 50
    assert not same_cluster(nga_clusters, expected_different["ged_id"], expected_different["acled_id"]).any()
    far = set(zip(expected_different["ged_id"], expected_different["acled_id"], strict=True))
    linked = {tuple(sorted(p)) for p in zip(nga_links["event_id_a"], nga_links["event_id_b"], strict=True)}
    assert not {tuple(sorted(p)) for p in far} & linked, "towns 60 km apart must not even be candidates"


def test_merges_are_one_to_one_per_source_file(
    nga_links: pd.DataFrame, nga_events: pd.DataFrame, nga_clusters: pd.Series
) -> None:
    origin = nga_events.set_index("event_id")["file_id"].reindex(nga_clusters.index)
    per_cluster = pd.DataFrame({"cluster": nga_clusters, "origin": origin})
    counts = per_cluster.groupby(["cluster", "origin"]).size()
    dyad_rows = counts[counts > 1]  # allowed only for GED's one-row-per-dyad records of one attack
    ged_files = set(nga_events.loc[nga_events["source"] == "ged", "file_id"])
    assert set(dyad_rows.index.get_level_values("origin")) <= ged_files


def test_rand_city_names_match_gtd_on_the_same_day(real_data: Path, loaded_store: Store) -> None:
    """RAND has no coordinates: its city is compared with GTD's place name (1970-72 and 1993 GTD files)."""
    rand = pd.read_csv(real_data / "events" / "rand_rdwti_1968_2009_exdex.csv.gz")
    rand["date"] = pd.to_datetime(rand["Date"])
    rand["row_number"] = rand.index + 1
    gtd = pd.concat(
        pd.read_csv(
            path, low_memory=False, usecols=["eventid", "iyear", "imonth", "iday", "country_txt", "city"]
        )
        for path in (
            real_data / "gtd_0718dist_head_1970_1972.csv.gz",
            real_data / "events" / "gtd1993_0615dist.csv.gz",
        )
    )
    gtd["date"] = pd.to_datetime(
        dict(year=gtd["iyear"], month=gtd["imonth"], day=gtd["iday"]), errors="coerce"
    )
    pairs = rand.merge(gtd, on="date")

    def norm(s: pd.Series) -> pd.Series:
        return s.fillna("").str.casefold().str.strip()

    pairs = pairs[
        (norm(pairs["City"]) == norm(pairs["city"]))
        & (norm(pairs["Country"]) == norm(pairs["country_txt"]))
        & ~norm(pairs["City"]).isin(["", "unknown"])
    ]
    pairs = pairs[~pairs["eventid"].duplicated(keep=False) & ~pairs["row_number"].duplicated(keep=False)]
    ids = loaded_store.query(
        "SELECT e.row_number, e.event_id FROM events e JOIN files f USING (file_id) WHERE f.name LIKE 'rand_%'"
    ).set_index("row_number")["event_id"]
    pairs = pairs.assign(rand_id=pairs["row_number"].map(ids), gtd_id="gtd:" + pairs["eventid"].astype(str))
    assert len(pairs) >= 100
    scope = pd.concat([pairs["rand_id"], pairs["gtd_id"]])
    links = match_events(loaded_store, scope)
    clusters = fused_clusters(scope, links)
    matched = same_cluster(clusters, pairs["rand_id"], pairs["gtd_id"])
    assert matched.mean() >= 0.9, f"only {matched.sum()} of {len(pairs)} matched"
    by_name = links[links["merged"] & (links["source_b"] == "rand")]
    assert (by_name["place_mode"] == "name").all()


def test_event_links_are_appended_never_overwritten(tmp_path: Path, nga_links: pd.DataFrame) -> None:
    sample = nga_links.head(50)
    with Store(tmp_path / "links.duckdb") as store:
        assert load_links(store).empty
        assert save_links(store, sample) == 50
        assert save_links(store, sample.assign(score=0.0, merged=False)) == 0
        stored = load_links(store)
        events = store.query("SELECT count(*) AS n FROM events")["n"].iloc[0]
    assert len(stored) == 50 and events == 0
    assert stored.set_index(["event_id_a", "event_id_b"])["score"].min() > 0
    assert {"event_id_a", "event_id_b", "score", "reason", "rule_version", "merged"} <= set(stored.columns)


def test_a_group_whose_pairs_name_no_group_on_both_sides_is_fused(loaded_store: Store) -> None:
    """GED's "Supporters of ANPP" (ucdp-580): its only candidate pair is two GED rows of one event, and no
    perpetrator on both sides resolves to a group.  The actor test must read that as "unknown", not fail:
    selecting it (and eight other groups of the registry) raised KeyError 'group_a' before."""
    sel = select(loaded_store, "ucdp-580")
    stored = sel.source_events
    assert len(stored) > 0 and set(stored["source"]) == {"ged"}
    assert len(sel.links) > 0
    assert sel.links["reason"].str.contains("actor: no named armed group on either side").all()
    assert len(sel.events) < len(stored)  # the duplicate rows are one event


def test_the_sources_report_of_a_group_none_of_whose_events_is_selected(loaded_store: Store) -> None:
    """The Red Brigades-PCC's one report in the store is a suspected attribution, left out: its selection is
    empty, and matching no events must find no pair (an empty list of ids reached DuckDB as a float column
    and the sources command failed with a BinderException, for this group among others)."""
    assert candidate_pairs(loaded_store, []).empty
    sel = select(loaded_store, "red-brigades-fighting-communist-party", view="all")
    assert sel.events.empty and sel.n_left_out == 1
    report = sources_report(loaded_store, sel)
    assert report.events == 0 and report.links.empty and "0 source events" in report.summary()


# --- fused view and report ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aqim_report(loaded_store: Store, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the AQIM lineage with the GIA it split from (its whole history, asked for explicitly)
        selection = select(loaded_store, "AQIM", include=("predecessors",), view="all")
        return sources_report(loaded_store, selection, out_dir=tmp_path_factory.mktemp("aqim"))


def test_fused_aqim_timeline_attributes_each_year_to_covering_sources(aqim_report) -> None:  # noqa: ANN001
    timeline = aqim_report.timeline.set_index("year")
    assert timeline.index.min() <= 1995 and timeline.index.max() == 2020
    covering = timeline["sources_covering"]
    reporting = timeline["sources_reporting"]
    assert all("rand" in covering[y] for y in range(1993, 2009))
    assert not any("rand" in covering[y] for y in range(2010, 2021))
    assert all("gtd" in covering[y] for y in range(2010, 2018))
    assert not any("gtd" in covering[y] for y in range(1994, 2010)) and "gtd" not in covering[2018]
    assert all("acled" in covering[y] for y in range(1997, 2021))
    assert all("acled" in reporting[y] for y in (2018, 2019, 2020))
    for year in timeline.index:  # a dataset reports events only in years it covers
        assert set(reporting[year]) - {"ged"} <= set(covering[year])
    assert timeline["fused_events"].sum() == len(aqim_report.fused)


def test_coverage_table_shows_gaps_as_no_data_and_real_zeros(aqim_report) -> None:  # noqa: ANN001
    table = aqim_report.coverage.set_index(["source", "country_iso3", "year"])
    assert table.loc[("rand", "DZA", 1995), "status"] == "events"
    assert table.loc[("gtd", "MLI", 2005), "status"] == "no data"
    assert table.loc[("rand", "DZA", 2012), "status"] == "no data"
    assert table.loc[("acled", "MLI", 1999), "status"] == "zero"
    for ext in ("png", "svg", "html"):
        assert aqim_report.files[f"chart_{ext}"].stat().st_size > 1000
    html = aqim_report.files["chart_html"].read_text()
    assert "<script src=" not in html  # self-contained


def test_unique_contributions_count_each_source_event(aqim_report) -> None:  # noqa: ANN001
    unique = aqim_report.unique.set_index("source")
    assert unique.loc["rand", "only_this_source"] > 100  # the 1990s are RAND's alone
    assert (unique["only_this_source"] + unique["shared"] == unique["fused_events"]).all()
    assert unique["events"].sum() == aqim_report.events


def test_toll_disagreement_between_acled_and_gtd_is_listed_with_both_figures(
    real_data: Path, aqim_report
) -> None:  # noqa: ANN001
    """Gao, 18 January 2017 (the suicide attack on the joint-patrol camp): ACLED and GTD differ."""
    acled = pd.read_csv(real_data / "events" / "acled_hdx_mali_1997_2020.csv.gz")
    acled = acled[(acled["event_date"] == "2017-01-18") & (acled["location"] == "Gao")]
    gtd = pd.read_csv(real_data / "events" / "gtd_lgcpspde_2010_2017_subset.csv.gz")
    gtd = gtd[
        (gtd["iyear"] == 2017) & (gtd["imonth"] == 1) & (gtd["iday"] == 18) & (gtd["country"] == "Mali")
    ]
    acled_toll, gtd_toll = float(acled["fatalities"].iloc[0]), float(gtd["nkill"].max())
    assert acled_toll != gtd_toll
    rows = aqim_report.disagreements
    gao = rows[(rows["location"] == "Gao") & (pd.to_datetime(rows["date_start"]) == "2017-01-18")]
    assert len(gao) == 1
    assert f"acled={acled_toll:g}" in gao["figures"].iloc[0] and f"gtd={gtd_toll:g}" in gao["figures"].iloc[0]
    assert f"acled:{acled['event_id_cnty'].iloc[0]}={acled_toll:g}" in gao["event_figures"].iloc[0]
    assert gao["difference"].iloc[0] == abs(acled_toll - gtd_toll)


def test_ged_acled_toll_disagreement_is_listed(
    loaded_store: Store, nga_events: pd.DataFrame, nga_links: pd.DataFrame, expected_same: pd.DataFrame
) -> None:
    fused = fused_events(loaded_store, nga_events, nga_links)
    listed = largest_disagreements(fused, n=len(fused))
    differ = expected_same[expected_same["best"] != expected_same["FATALITIES"]]
    row = differ.loc[(differ["best"] - differ["FATALITIES"]).abs().idxmax()]
    hit = listed[listed["event_ids"].map(lambda ids: row["ged_id"] in ids and row["acled_id"] in ids)]
    assert len(hit) == 1
    figures = hit["event_figures"].iloc[0]
    assert f"{row['ged_id']}={float(row['best']):g}" in figures
    assert f"{row['acled_id']}={float(row['FATALITIES']):g}" in figures


def test_fused_view_feeds_existing_analyses(loaded_store: Store, aqim_report) -> None:  # noqa: ANN001
    from spillover.analysis.tactics import tactic_profile

    fused = aqim_report.fused
    assert set(EVENT_COLUMN_NAMES) <= set(fused.columns)
    assert {"sources", "event_ids", "reconciled_by", "view"} <= set(fused.columns)
    assert view_of(fused) == "fused" and (fused["view"] == "fused").all()
    assert fused["event_id"].is_unique and len(fused) < aqim_report.events
    multi = fused[fused["n_sources"] > 1]
    assert multi["reconciled_by"].str.contains("fatalities=").all()
    assert tactic_profile(fused).counts.to_numpy().sum() > 0
    rand_only = source_view(fused, "rand")
    assert view_of(rand_only) == "rand"
    assert view_of(events_view(loaded_store, aqim_report.fused.head(0), view="gtd")) == "gtd"


def test_coverage_warnings_flag_source_starting_and_stopping(loaded_store: Store, aqim_report) -> None:  # noqa: ANN001
    found = coverage_warnings(aqim_report.fused, loaded_store)
    around_2010 = [w for w in found if w.year in (2009, 2010)]
    assert any(
        w.source == "gtd" and w.coverage_change == "starts" and w.coverage_year == 2010 for w in around_2010
    )
    assert any(w.source == "rand" and w.coverage_change == "stops" for w in around_2010)
    counts = aqim_report.timeline.set_index("year")["fused_events"]
    for w in found:
        assert (w.events_before, w.events_after) == (counts[w.previous_year], counts[w.year])
        assert abs(w.change) > 0.5 and w.source in w.text


def test_coverage_warnings_of_a_group_whose_sources_never_start_or_stop_there(loaded_store: Store) -> None:
    """National Warriors: RAND events in South Africa only, where RAND's 57 events over four decades are too
    sparse to count as coverage, so no start or stop is on record for the pair.  No warning, and no failure:
    the changes' table was a Series when empty, so the tactics and the assessment of such a group raised
    TypeError."""
    import spillover.measures as measures
    from spillover.fusion.coverage import _coverage_changes, source_coverage

    sel = select(loaded_store, "national-warriors")
    assert set(zip(sel.events["source"], sel.events["country_iso3"], strict=True)) == {("rand", "ZAF")}
    changes = _coverage_changes(source_coverage(loaded_store), {("rand", "ZAF")})
    assert changes.empty and "countries" in changes.columns
    assert coverage_warnings(sel.events, loaded_store) == []
    assert measures.tactics(sel).coverage_warnings == []


def test_cli_sources_writes_the_report(loaded_store: Store, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from spillover.cli import app

    result = CliRunner().invoke(
        app, ["sources", "AQIM", "--store", str(loaded_store.path), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "fused events" in result.output and "Largest fatality disagreements" in result.output
    assert (tmp_path / "aqim_coverage.png").is_file() and (tmp_path / "aqim_disagreements.csv").is_file()


def test_place_names_and_pair_groups_are_computed_once_per_distinct_value(loaded_store: Store) -> None:
    """The matcher normalises each distinct place name once and joins each pair's groups without a call per
    pair: the same answers as the rule applied to every row (real place names of the store, gaps included)."""
    from spillover.fusion.matching import _joined, normalise_place, normalised_places

    places = loaded_store.query(
        "SELECT location FROM events WHERE source IN ('acled', 'gtd') ORDER BY event_id LIMIT 3000"
    )["location"]
    names = pd.concat([places, places.iloc[:50], pd.Series([None, np.nan, pd.NA, "Maiduguri town"])])
    names.index = range(100, 100 + len(names))  # not a default index: the result keeps the caller's
    normalised = normalised_places(names)
    assert normalised.index.equals(names.index)
    assert normalised.tolist() == [normalise_place(n) for n in names]
    assert normalised.iloc[-4:].tolist() == ["", "", "", "maiduguri"]

    pairs = pd.DataFrame(
        {"_pair": [3, 0, 0, 0, 1, 3, 3], "group_a": ["jnim", "aqim", "jnim", "aqim", "isgs", "aqim", "jnim"]}
    )
    joined = _joined(pairs, "group_a")
    expected = pairs.groupby("_pair")["group_a"].agg(lambda v: ",".join(sorted(set(v))))
    assert joined.to_dict() == expected.to_dict() == {0: "aqim,jnim", 1: "isgs", 3: "aqim,jnim"}
    assert _joined(pairs.iloc[0:0], "group_a").empty


# --- the fused view, every cluster at once, against the rules read row by row -------------------------------------


def _rule_of_one_cluster(rows: list[dict]) -> dict:
    """The module's rules applied to one cluster's stored rows with plain Python (the oracle)."""

    def missing(v: object) -> bool:
        return v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and np.isnan(v))

    out: dict = {"reasons": []}
    for column in ("fatalities", "wounded"):
        per_file: dict[tuple[str, str], float] = {}
        for r in rows:
            if not missing(r[column]):
                key = (r["source"], str(r["file_id"]))
                per_file[key] = per_file.get(key, 0.0) + float(r[column])
        per_source: dict[str, list[float]] = {}
        for (source, _), v in per_file.items():
            per_source.setdefault(source, []).append(v)
        figures = {s: float(np.median(v)) for s, v in per_source.items()}
        if not figures:
            value, why = np.nan, "unknown"
        elif len(figures) == 1:
            value, why = next(iter(figures.values())), f"only:{next(iter(figures))}"
        elif len(set(figures.values())) == 1:
            value, why = next(iter(figures.values())), "agree"
        else:
            value, why = float(np.median(list(figures.values()))), "median"
        out[column], out[f"{column}_by_source"] = value, figures
        out[f"{column}_by_event"] = {r["event_id"]: float(r[column]) for r in rows if not missing(r[column])}
        out["reasons"].append(f"{column}={why}")
    starts = [pd.Timestamp(r["date_start"]) for r in rows]
    ends = [pd.Timestamp(r["date_end"]) for r in rows]
    if max(starts) <= min(ends):
        out["date_start"], out["date_end"] = max(starts), min(ends)
        out["reasons"].append("date=agree" if len({*starts}) == len({*ends}) == 1 else "date=intersection")
    else:
        i = min(range(len(rows)), key=lambda k: (ends[k] - starts[k], starts[k]))
        out["date_start"], out["date_end"] = starts[i], ends[i]
        out["reasons"].append(f"date=narrowest:{rows[i]['event_id']}")
    rank = ("point", "near", "admin2", "admin1", "country", "none")
    place = min(rows, key=lambda r: rank.index(r["geo_precision"]) if r["geo_precision"] in rank else 6)
    preference = ("gtd", "rand", "acled", "ged")
    base = min(
        rows,
        key=lambda r: (
            missing(r["tactic"]) or r["tactic"] == "unknown",
            preference.index(r["source"]) if r["source"] in preference else 4,
            r["event_id"],
        ),
    )
    out["reasons"] += [f"place=most_precise:{place['event_id']}", f"other=from:{base['event_id']}"]
    out.update(event_id=base["event_id"], location=place["location"], latitude=place["latitude"])
    out["sources"] = sorted({r["source"] for r in rows})
    out["event_ids"] = sorted(r["event_id"] for r in rows)
    return out


def test_every_cluster_is_fused_at_once_as_the_rule_reads_row_by_row(
    nga_events: pd.DataFrame, nga_links: pd.DataFrame
) -> None:
    """The fused view reconciles all clusters together (column by column); each fused event must be what the
    rules give for its own rows alone: tolls per file then per source, dates, place, descriptive base, the
    rules applied, and the events behind it (Nigeria 2009-2016: GED and ACLED report many attacks twice)."""
    fused = fused_events(None, nga_events, nga_links)  # type: ignore[arg-type]  # links given: no store read
    merged = fused["event_ids"].map(len) > 1  # several reports: of several sources, or of two files of one
    multi = fused[merged]
    assert len(multi) > 500 and (multi["reconciled_by"].str.contains("fatalities=median")).any()
    stored = nga_events.set_index("event_id", drop=False)
    for row in multi.itertuples(index=False):
        # ties (two rows placed as precisely) go to the first row in the events' order
        rows = nga_events[nga_events["event_id"].isin(row.event_ids)]
        expected = _rule_of_one_cluster(rows.to_dict("records"))
        assert row.event_id == expected["event_id"] and list(row.event_ids) == expected["event_ids"]
        assert list(row.sources) == expected["sources"]
        for column in ("fatalities", "wounded"):
            value = getattr(row, column)
            assert (pd.isna(value) and pd.isna(expected[column])) or value == expected[column]
            assert getattr(row, f"{column}_by_source") == expected[f"{column}_by_source"]
            assert getattr(row, f"{column}_by_event") == expected[f"{column}_by_event"]
        assert (row.date_start, row.date_end) == (expected["date_start"], expected["date_end"])
        assert row.location == expected["location"] or (
            pd.isna(row.location) and pd.isna(expected["location"])
        )
        assert row.reconciled_by == "; ".join(expected["reasons"])
    # events no other source reports keep their own values
    single = fused[~merged].set_index("event_id")
    own = stored.loc[single.index]
    assert (single["reconciled_by"] == "single source").all()
    assert np.array_equal(
        single["fatalities"].to_numpy(float), own["fatalities"].to_numpy(float), equal_nan=True
    )
