"""One query layer, several engines: the same Ibis queries give equal results on DuckDB and on Spark.

The real data set is a store built here from three real files (ACLED Mali, a GTD subset, RAND) queried
for the AQIM family (AQIM, its predecessors GSPC and GIA); the synthetic one is a small generated set.
DuckDB reads the store file itself; Spark reads the store's Parquet export, registered as views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from spillover import query as Q
from spillover.query import GroupFilter
from spillover.store import Store
from spillover.synthetic import generate

REAL_FILES = (
    "events/acled_hdx_mali_1997_2020.csv.gz",
    "events/gtd_lgcpspde_2010_2017_subset.csv.gz",
    "events/rand_rdwti_1968_2009_exdex.csv.gz",
)
AQIM_PATTERNS = ("Islamic Maghreb", "AQIM", "GSPC", "Salafist Group", "Armed Islamic Group")
AQIM = {"AQIM family": GroupFilter.family(*AQIM_PATTERNS)}
SYNTHETIC_GROUPS = {
    "Sahel": GroupFilter.family("of Mali", "of Niger", "of Burkina Faso"),
    "Iraq": GroupFilter.family("of Iraq"),
}

QUERIES: dict[str, Callable[..., pd.DataFrame]] = {
    "yearly_activity": Q.yearly_activity,
    "country_first_last": Q.country_first_last,
    "monthly_tactics": Q.monthly_tactics,
    "target_profile": Q.target_profile,
    "monthly_series": Q.monthly_series,
    "admin1_activity": Q.admin1_activity,
    "matching_names": Q.matching_names,
    "events_for": Q.events_for,
    "country_activity": Q.country_activity,
    "tactic_totals": Q.tactic_totals,
    "actor_rows": Q.actor_rows,
}


@pytest.fixture(scope="module")
def real_store(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(store file, its Parquet export) holding the three real files."""
    folder = tmp_path_factory.mktemp("real")
    path = folder / "store.duckdb"
    with Store(path) as store:
        for name in REAL_FILES:
            store.ingest(real_data / name)
        store.export_parquet(folder / "parquet")
    return path, folder / "parquet"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "set"
    generate(120_000, out, seed=7, chunk_size=40_000, n_groups=400)
    return out


@pytest.fixture(scope="module")
def duck_real(real_store: tuple[Path, Path]) -> Iterator[object]:
    con = Q.connect(real_store[0])
    yield con
    con.disconnect()


# --- DuckDB: the query layer agrees with the store, the export and the pandas analyses -------------


def test_family_is_found_in_every_source(duck_real: object) -> None:
    names = Q.matching_names(duck_real, AQIM)
    assert set(names["source"]) == {"acled", "gtd", "rand"}
    assert names["name"].str.contains("|".join(AQIM_PATTERNS), case=False).all()


def test_store_file_and_parquet_export_give_equal_results(
    duck_real: object, real_store: tuple[Path, Path]
) -> None:
    exported = Q.connect(real_store[1])
    for query in (Q.country_first_last, Q.monthly_tactics, Q.events_for):
        pd.testing.assert_frame_equal(query(duck_real, AQIM), query(exported, AQIM))


def test_yearly_activity_equals_the_profile_of_the_same_events(duck_real: object) -> None:
    from spillover.analysis.profile import summarise

    events = Q.events_for(duck_real, AQIM).drop(columns="group")
    profile = summarise("AQIM", Q.matching_names(duck_real, AQIM), events)
    yearly = Q.yearly_activity(duck_real, AQIM)
    assert yearly["events"].sum() == profile.events == len(events)
    expected = profile.by_year.assign(year=lambda f: f["year"].astype("Int64"))
    got = yearly[["year", "events", "fatalities"]]
    pd.testing.assert_frame_equal(got, expected[["year", "events", "fatalities"]], check_dtype=False)


def test_monthly_tactics_equal_the_tactic_profile(duck_real: object) -> None:
    from spillover.analysis.tactics import tactic_profile

    events = Q.events_for(duck_real, AQIM)
    assert events["suicide"].isna().any()  # an unknown flag is "not flagged" in both
    counts = tactic_profile(events).counts
    expected = counts.stack().rename("events").reset_index()
    expected = expected[expected["events"] > 0].rename(columns={"level_1": "tactic"})
    expected.columns = ["month", "tactic", "events"]
    got = Q.monthly_tactics(duck_real, AQIM).dropna(subset=["month"])
    merged = got.merge(expected, on=["month", "tactic"], how="outer", suffixes=("", "_pandas"))
    assert len(merged) == len(got) == len(expected)
    assert (merged["events"] == merged["events_pandas"]).all()


def test_window_keeps_the_events_that_overlap_it(duck_real: object) -> None:
    events = Q.events_for(duck_real, AQIM, since="2007", until="2012")  # as a selection keeps them
    assert events["date_end"].fillna(events["date_start"]).min() >= pd.Timestamp("2007-01-01")
    assert events["date_start"].max() <= pd.Timestamp("2012-12-31")
    assert events["date_start"].max() >= pd.Timestamp("2012-02-01")  # "2012" as until: the whole year
    yearly = Q.yearly_activity(duck_real, AQIM, since="2007-01-01", until="2012-12-31")
    assert yearly["events"].sum() == len(events) and set(yearly["year"]) <= set(range(2006, 2013))


def test_results_have_the_documented_dtypes(duck_real: object) -> None:
    out = Q.country_first_last(duck_real, AQIM)
    assert out.dtypes.astype(str).to_dict() == {
        "group": "object", "country_iso3": "object", "events": "Int64", "fatalities": "float64",
        "fatalities_known": "Int64", "first_event": "datetime64[ns]", "last_event": "datetime64[ns]",
    }  # fmt: skip
    assert list(out.index) == list(range(len(out)))


def test_group_table_and_exact_names(duck_real: object) -> None:
    names = Q.matching_names(duck_real, AQIM)[["name"]].drop_duplicates().assign(group="AQIM family")
    by_table = Q.country_first_last(duck_real, names[["group", "name"]])
    pd.testing.assert_frame_equal(by_table, Q.country_first_last(duck_real, AQIM))


def test_synthetic_families_on_duckdb(synthetic: Path) -> None:
    con = Q.connect(synthetic, threads=2)
    where = Q.country_first_last(con, SYNTHETIC_GROUPS)
    assert set(where["group"]) == {"Sahel", "Iraq"} and (where["first_event"] <= where["last_event"]).all()
    every = Q.yearly_activity(con)  # every actor name is its own group
    assert every.groupby("year")["events"].sum().sum() >= 120_000


# --- Spark: the very same queries, equal results ---------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize("name", list(QUERIES))
def test_real_aqim_family_equal_on_duckdb_and_spark(
    name: str, duck_real: object, real_store: tuple[Path, Path], spark: object
) -> None:
    on_spark = Q.connect_spark(spark, real_store[1])
    query = QUERIES[name]
    pd.testing.assert_frame_equal(query(duck_real, AQIM), query(on_spark, AQIM))


@pytest.mark.spark
@pytest.mark.parametrize(
    "name",
    [
        "yearly_activity",
        "country_first_last",
        "monthly_tactics",
        "target_profile",
        "admin1_activity",
        "matching_names",
        "country_activity",
        "tactic_totals",
    ],
)
def test_synthetic_families_equal_on_duckdb_and_spark(name: str, synthetic: Path, spark: object) -> None:
    duck = Q.connect(synthetic, batch_events=40_000)  # part by part (3 batches), then combined
    on_spark = Q.connect_spark(spark, synthetic)
    query = QUERIES[name]
    pd.testing.assert_frame_equal(query(duck, SYNTHETIC_GROUPS), query(on_spark, SYNTHETIC_GROUPS))


@pytest.mark.spark
def test_every_actor_as_a_group_equal_on_duckdb_and_spark(synthetic: Path, spark: object) -> None:
    duck = Q.connect(synthetic, batch_events=40_000)
    on_spark = Q.connect_spark(spark, synthetic)
    a, b = Q.country_first_last(duck), Q.country_first_last(on_spark)
    assert len(a) > 1000
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.spark
def test_connect_accepts_a_spark_session(real_store: tuple[Path, Path], spark: object) -> None:
    Q.register_parquet_in_spark(spark, real_store[1])
    con = Q.connect(spark)
    assert Q.yearly_activity(con, AQIM)["events"].sum() > 300


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key, ignore_index=True)


def test_engine_profile_equals_the_pandas_profile(duck_real: object) -> None:
    from spillover.analysis.engine_profile import profile as engine_profile
    from spillover.analysis.profile import summarise

    family = GroupFilter.family(*AQIM_PATTERNS)
    events = Q.events_for(duck_real, family).drop(columns="group")
    expected = summarise("group", Q.matching_names(duck_real, family), events)
    got = engine_profile(duck_real, family)
    assert (got.events, got.fatalities) == (expected.events, expected.fatalities)
    pd.testing.assert_frame_equal(got.by_year, expected.by_year, check_dtype=False)
    for part, key in (("by_country", "country_iso3"), ("by_source", "source"), ("tactics", "tactic")):
        a, b = _sorted(getattr(got, part), key), _sorted(getattr(expected, part), key)
        pd.testing.assert_frame_equal(a, b[list(a.columns)], check_dtype=False)
    assert got.event_ids == [e for e in events.sort_values(["date_start", "event_id"])["event_id"]][:25]


@pytest.mark.spark
def test_engine_profile_equal_on_duckdb_and_spark(
    duck_real: object, real_store: tuple[Path, Path], spark: object
) -> None:
    from spillover.analysis.engine_profile import profile as engine_profile

    a = engine_profile(duck_real, "islamic maghreb")
    b = engine_profile(Q.connect_spark(spark, real_store[1]), "islamic maghreb")
    for part in ("matched_names", "by_year", "by_country", "by_source", "tactics"):
        pd.testing.assert_frame_equal(getattr(a, part), getattr(b, part))
    assert (a.events, a.fatalities, a.event_ids) == (b.events, b.fatalities, b.event_ids)


@pytest.mark.spark
def test_actor_names_equal_on_duckdb_and_spark(
    duck_real: object, real_store: tuple[Path, Path], spark: object
) -> None:
    a = Q.actor_names(duck_real)
    assert set(a["source"]) == {"acled", "gtd", "rand"} and a["events"].sum() > 10_000
    pd.testing.assert_frame_equal(a, Q.actor_names(Q.connect_spark(spark, real_store[1])))


# --- the analyses consume the engine's aggregates -------------------------------------------------


def test_tactic_profile_from_engine_aggregates_equals_the_pandas_profile(duck_real: object) -> None:
    from spillover.analysis.tactics import monthly_tactic_table, profile_from_tables, tactic_profile

    events = Q.events_for(duck_real, AQIM)
    expected = tactic_profile(events)
    monthly = Q.monthly_tactics(duck_real, AQIM).drop(columns="group")
    pd.testing.assert_frame_equal(monthly, monthly_tactic_table(events), check_dtype=False)
    got = profile_from_tables(monthly, Q.tactic_totals(duck_real, AQIM))
    for part in ("counts", "shares", "fatalities", "totals"):
        pd.testing.assert_frame_equal(getattr(got, part), getattr(expected, part))
    assert (got.n_events, got.n_undated) == (expected.n_events, expected.n_undated)
    assert got.n_undated > 0  # GTD/RAND events known to the year only are counted apart


def test_expansion_from_engine_country_table_equals_the_pandas_expansion(duck_real: object) -> None:
    from spillover.analysis.expansion import measure_expansion

    events = Q.events_for(duck_real, AQIM).drop(columns="group")
    expected = measure_expansion(events)
    activity = Q.country_activity(duck_real, AQIM).drop(columns="group")
    got = measure_expansion(events, activity=activity)
    assert expected.ok and len(expected.countries) >= 3
    pd.testing.assert_frame_equal(got.countries, expected.countries)


@pytest.fixture(scope="module")
def real_store_open(real_store: tuple[Path, Path]) -> Iterator[Store]:
    store = Store(real_store[0], read_only=True)
    yield store
    store.close()


def _same_selection(a, b) -> None:  # noqa: ANN001 - two GroupSelections
    cols = ["event_id", "group_id", "certainty", "via", "org_as_of", "country_iso3", "date_start", "tactic"]
    left = a.events[cols].sort_values("event_id", ignore_index=True)
    right = b.events[cols].sort_values("event_id", ignore_index=True)
    pd.testing.assert_frame_equal(left.astype(str), right.astype(str))
    names_a, names_b = (x.names.sort_values(["source", "name"], ignore_index=True) for x in (a, b))
    pd.testing.assert_frame_equal(names_a, names_b, check_dtype=False)


def test_registry_selection_on_an_engine_equals_the_store_selection(
    duck_real: object, real_store_open: Store
) -> None:
    from spillover.analysis.engine import expansion_on, tactic_profile_on
    from spillover.analysis.expansion import measure_expansion
    from spillover.analysis.tactics import tactic_profile
    from spillover.selection import CERTAINTIES, select

    on_store = select(real_store_open, "AQIM", view="all", certainty=CERTAINTIES)  # every stored row
    on_engine = select(duck_real, "AQIM", view="all", certainty=CERTAINTIES)
    assert len(on_store.events) > 300 and on_store.family.ids == on_engine.family.ids
    _same_selection(on_store, on_engine)
    # the store hands dates back in microseconds, the query layer in nanoseconds: equal values
    prof = tactic_profile_on(duck_real, on_engine)
    pd.testing.assert_frame_equal(prof.totals, tactic_profile(on_store.events).totals, check_dtype=False)
    exp = expansion_on(duck_real, on_engine)
    expected = measure_expansion(on_store.events).countries
    pd.testing.assert_frame_equal(exp.countries, expected, check_dtype=False)


@pytest.mark.spark
def test_registry_selection_and_aggregates_equal_on_spark(
    duck_real: object, real_store: tuple[Path, Path], spark: object
) -> None:
    from spillover.analysis.engine import expansion_on, tactic_profile_on
    from spillover.selection import CERTAINTIES, select

    on_spark = Q.connect_spark(spark, real_store[1])
    a = select(duck_real, "AQIM", view="all", certainty=CERTAINTIES)
    b = select(on_spark, "AQIM", view="all", certainty=CERTAINTIES)
    _same_selection(a, b)
    pa, pb = tactic_profile_on(duck_real, a), tactic_profile_on(on_spark, b)
    for part in ("counts", "shares", "fatalities", "totals"):
        pd.testing.assert_frame_equal(getattr(pa, part), getattr(pb, part))
    pd.testing.assert_frame_equal(expansion_on(duck_real, a).countries, expansion_on(on_spark, b).countries)


# --- the command line: --engine and --parquet -------------------------------------------------------


def _cli(*args: str) -> str:
    from typer.testing import CliRunner

    from spillover.cli import app

    done = CliRunner().invoke(app, list(args))
    assert done.exit_code == 0, done.output
    return done.stdout  # the result; progress goes to stderr


def test_cli_engine_duckdb_gives_the_store_results(real_store: tuple[Path, Path], tmp_path: Path) -> None:
    store = str(real_store[0])
    for command in (["tactics", "AQIM"], ["expansion", "AQIM", "--draws", "200"]):
        plain = _cli(*command, "--store", store, "--view", "all", "--out", str(tmp_path))
        engine = _cli(*command, "--store", store, "--engine", "duckdb", "--out", str(tmp_path))
        parquet = _cli(*command, "--parquet", str(real_store[1]), "--out", str(tmp_path))
        body = plain.splitlines()[1:]
        assert engine.splitlines()[1:] == body
        assert "(engine path: sources are not fused)" in engine.splitlines()[0]
        # with --parquet there is no store for the coverage warnings: said so, the rest is equal
        assert [x for x in parquet.splitlines()[1:] if x in body] == [
            x for x in body if not x.startswith(("Coverage", "warning:", "coverage:"))
        ]


@pytest.mark.spark
def test_cli_profile_on_spark_equals_the_store_profile(real_store: tuple[Path, Path], spark: object) -> None:
    import json

    plain = json.loads(
        _cli("profile", "AQIM", "--store", str(real_store[0]), "--view", "all", "--format", "json")
    )
    on_spark = json.loads(
        _cli("profile", "AQIM", "--engine", "spark", "--parquet", str(real_store[1]), "--format", "json")
    )
    assert (on_spark["events"], on_spark["fatalities"]) == (plain["events"], plain["fatalities"])
    assert on_spark["by_year"] == plain["by_year"]
    key = lambda r: r["country_iso3"]  # noqa: E731
    assert sorted(on_spark["by_country"], key=key) == sorted(plain["by_country"], key=key)


def test_cli_spark_needs_parquet(real_store: tuple[Path, Path]) -> None:
    from typer.testing import CliRunner

    from spillover.cli import app

    done = CliRunner().invoke(app, ["profile", "AQIM", "--store", str(real_store[0]), "--engine", "spark"])
    assert done.exit_code == 2 and "spillover data export DIR" in done.output


# --- out of core: co-partitioned Parquet parts are aggregated part by part ------------------------


def test_part_by_part_aggregation_equals_the_whole(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spillover.query import aggregations
    from spillover.query.engines import partition_batches, parts_marker

    marker = parts_marker(synthetic)
    assert marker["co_partitioned"] == ["events", "event_actors"] and marker["unique_names_per_event"]
    whole = Q.connect(synthetic, partitioned=False)
    parts = Q.connect(synthetic, batch_events=40_000)
    assert partition_batches(whole) is None and len(partition_batches(parts)) == 3
    monkeypatch.setattr(aggregations, "COMPACT_ROWS", 1_000)  # combine partial results along the way too
    for query in (Q.country_first_last, Q.monthly_tactics, Q.yearly_activity, Q.target_profile):
        for groups in (None, SYNTHETIC_GROUPS):
            pd.testing.assert_frame_equal(query(parts, groups), query(whole, groups))
    # a distinct count cannot be combined from parts: such queries run over the whole data
    pd.testing.assert_frame_equal(Q.country_activity(parts), Q.country_activity(whole))
    # the writer declared no (event, name) pair twice: de-duplicating them changes nothing
    checked = Q.connect(synthetic, partitioned=False)
    checked._spillover_unique_names = False
    pd.testing.assert_frame_equal(Q.monthly_tactics(checked), Q.monthly_tactics(whole))


def test_a_folder_is_aggregated_by_parts_only_when_its_writer_says_so(
    synthetic: Path, tmp_path: Path
) -> None:
    import shutil

    from spillover.query.engines import PARTS_MARKER, partition_batches

    copy = tmp_path / "copy"
    shutil.copytree(synthetic, copy)
    (copy / PARTS_MARKER).unlink()
    con = Q.connect(copy, batch_events=40_000)
    assert partition_batches(con) is None  # parts of the same name are no proof of co-partitioning
    pd.testing.assert_frame_equal(
        Q.country_first_last(con), Q.country_first_last(Q.connect(synthetic, batch_events=40_000))
    )
