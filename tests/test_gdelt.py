"""The GDELT loader reads the official header-less export layouts and refuses malformed files clearly.

The files are built here, row by row, from the published column lists (GDELT 2.0 Event Codebook for the
61-column 15-minute exports; GDELT 1.0 codebook for the 58-column daily and 57-column historical files),
with realistic values: FIPS country codes, CAMEO event and actor codes, ADM1 codes, source URLs.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from spillover.loading.gdelt import export_gdelt_parquet, ingest_gdelt
from spillover.sources.gdelt import (
    COLUMNS_V1,
    COLUMNS_V1_HISTORICAL,
    COLUMNS_V2,
    GDELTFormatError,
    GDELTLoader,
    fips_to_iso3,
    is_gdelt_file,
    read_gdelt,
)
from spillover.store import Store

# --- realistic rows -------------------------------------------------------------------------------

BOKO_HARAM_SUICIDE = {
    "GlobalEventID": "410479411", "Day": "20150218", "MonthYear": "201502", "Year": "2015", "FractionDate": "2015.1315",
    "Actor1Code": "NGAREB", "Actor1Name": "BOKO HARAM", "Actor1CountryCode": "NGA", "Actor1Type1Code": "REB",
    "Actor2Code": "NGACVL", "Actor2Name": "NIGERIA", "Actor2CountryCode": "NGA", "Actor2Type1Code": "CVL",
    "IsRootEvent": "1", "EventCode": "1831", "EventBaseCode": "183", "EventRootCode": "18", "QuadClass": "4",
    "GoldsteinScale": "-10.0", "NumMentions": "10", "NumSources": "2", "NumArticles": "10", "AvgTone": "-8.61",
    "Actor1Geo_Type": "4", "Actor1Geo_FullName": "Maiduguri, Borno, Nigeria", "Actor1Geo_CountryCode": "NI",
    "Actor1Geo_ADM1Code": "NI27", "Actor1Geo_Lat": "11.8464", "Actor1Geo_Long": "13.1603",
    "Actor1Geo_FeatureID": "-2377457",
    "ActionGeo_Type": "4", "ActionGeo_FullName": "Maiduguri, Borno, Nigeria", "ActionGeo_CountryCode": "NI",
    "ActionGeo_ADM1Code": "NI27", "ActionGeo_Lat": "11.8464", "ActionGeo_Long": "13.1603",
    "ActionGeo_FeatureID": "-2377457", "DATEADDED": "20150218230000",
    "SOURCEURL": "http://www.premiumtimesng.com/news/headlines/176752-suicide-bomber-kills-in-maiduguri.html",
}  # fmt: skip
TALIBAN_FIGHT = {
    "GlobalEventID": "410479523", "Day": "20150218", "MonthYear": "201502", "Year": "2015", "FractionDate": "2015.1315",
    "Actor1Code": "AFGINSTAL", "Actor1Name": "TALIBAN", "Actor1CountryCode": "AFG", "Actor1KnownGroupCode": "TAL",
    "Actor1Type1Code": "INS", "Actor2Code": "AFGMIL", "Actor2Name": "AFGHANISTAN", "Actor2CountryCode": "AFG",
    "Actor2Type1Code": "MIL", "IsRootEvent": "1", "EventCode": "193", "EventBaseCode": "193", "EventRootCode": "19",
    "QuadClass": "4", "GoldsteinScale": "-10.0", "NumMentions": "6", "NumSources": "1", "NumArticles": "6",
    "AvgTone": "-5.26", "ActionGeo_Type": "4", "ActionGeo_FullName": "Kandahar, Kandahar, Afghanistan",
    "ActionGeo_CountryCode": "AF", "ActionGeo_ADM1Code": "AF23", "ActionGeo_ADM2Code": "4579",
    "ActionGeo_Lat": "31.6133", "ActionGeo_Long": "65.7101", "ActionGeo_FeatureID": "-3378435",
    "DATEADDED": "20150218230000", "SOURCEURL": "http://www.khaama.com/taliban-attack-repulsed-in-kandahar-3021",
}  # fmt: skip
HAMAS_ROCKETS = {
    "GlobalEventID": "410479601", "Day": "20150217", "MonthYear": "201502", "Year": "2015", "FractionDate": "2015.1288",
    "Actor1Code": "PSEHMS", "Actor1Name": "HAMAS", "Actor1CountryCode": "PSE", "Actor1KnownGroupCode": "HMS",
    "Actor2Code": "ISR", "Actor2Name": "ISRAEL", "Actor2CountryCode": "ISR", "IsRootEvent": "0",
    "EventCode": "195", "EventBaseCode": "195", "EventRootCode": "19", "QuadClass": "4", "GoldsteinScale": "-10.0",
    "NumMentions": "4", "NumSources": "1", "NumArticles": "4", "AvgTone": "-6.4", "ActionGeo_Type": "1",
    "ActionGeo_FullName": "Gaza Strip", "ActionGeo_CountryCode": "GZ", "ActionGeo_Lat": "31.4167",
    "ActionGeo_Long": "34.3333", "ActionGeo_FeatureID": "GZ", "DATEADDED": "20150218230000",
    "SOURCEURL": "http://www.timesofisrael.com/rocket-fired-from-gaza-lands-in-open-area/",
}  # fmt: skip
DIPLOMATIC_CONSULT = {
    "GlobalEventID": "410479733", "Day": "20150218", "MonthYear": "201502", "Year": "2015", "FractionDate": "2015.1315",
    "Actor1Code": "USA", "Actor1Name": "UNITED STATES", "Actor1CountryCode": "USA", "Actor2Code": "FRA",
    "Actor2Name": "FRANCE", "Actor2CountryCode": "FRA", "IsRootEvent": "1", "EventCode": "040",
    "EventBaseCode": "040", "EventRootCode": "04", "QuadClass": "1", "GoldsteinScale": "1.0", "NumMentions": "2",
    "NumSources": "1", "NumArticles": "2", "AvgTone": "2.1", "ActionGeo_Type": "3",
    "ActionGeo_FullName": "Washington, District of Columbia, United States", "ActionGeo_CountryCode": "US",
    "ActionGeo_ADM1Code": "USDC", "ActionGeo_Lat": "38.8951", "ActionGeo_Long": "-77.0364",
    "ActionGeo_FeatureID": "531871", "DATEADDED": "20150218231500",
    "SOURCEURL": "https://www.state.gov/r/pa/prs/ps/2015/02/237481.htm",
}  # fmt: skip
NIGER_ATTACK_ON_CIVILIANS = {
    "GlobalEventID": "410480112", "Day": "20150218", "MonthYear": "201502", "Year": "2015", "FractionDate": "2015.1315",
    "Actor1Code": "NGAREB", "Actor1Name": "BOKO HARAM", "Actor1CountryCode": "NGA", "Actor1Type1Code": "REB",
    "Actor2Code": "NERCVL", "Actor2Name": "NIGER", "Actor2CountryCode": "NER", "Actor2Type1Code": "CVL",
    "IsRootEvent": "1", "EventCode": "193", "EventBaseCode": "193", "EventRootCode": "19", "QuadClass": "4",
    "GoldsteinScale": "-10.0", "NumMentions": "8", "NumSources": "2", "NumArticles": "8", "AvgTone": "-9.1",
    "ActionGeo_Type": "5", "ActionGeo_FullName": "Diffa, Niger", "ActionGeo_CountryCode": "NG",
    "ActionGeo_ADM1Code": "NG02", "ActionGeo_Lat": "14.5", "ActionGeo_Long": "12.75", "ActionGeo_FeatureID": "NG02",
    "DATEADDED": "20150218231500", "SOURCEURL": "http://www.reuters.com/article/2015/02/18/us-niger-bokoharam",
}  # fmt: skip

ROWS = [BOKO_HARAM_SUICIDE, TALIBAN_FIGHT, HAMAS_ROCKETS, DIPLOMATIC_CONSULT, NIGER_ATTACK_ON_CIVILIANS]


def as_v1(row: dict[str, str]) -> dict[str, str]:
    """The same event as GDELT 1.0 writes it (GLOBALEVENTID/SQLDATE, DATEADDED as YYYYMMDD)."""
    out = {
        ("GLOBALEVENTID" if k == "GlobalEventID" else "SQLDATE" if k == "Day" else k): v
        for k, v in row.items()
    }
    out["DATEADDED"] = row["DATEADDED"][:8]
    return out


def line(row: dict[str, str], columns: tuple[str, ...]) -> str:
    unknown = (
        set(row)
        - set(columns)
        - {"Actor1Geo_ADM2Code", "Actor2Geo_ADM2Code", "ActionGeo_ADM2Code", "SOURCEURL"}
    )
    assert not unknown, unknown
    return "\t".join(row.get(c, "") for c in columns)


def write_export(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS_V2) -> Path:
    text = "".join(line(r, columns) + "\n" for r in rows)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(path.name.removesuffix(".zip"), text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    """Two consecutive 15-minute GDELT 2.0 files, the second zipped as GDELT distributes them."""
    return [
        write_export(tmp_path / "20150218230000.export.CSV", ROWS[:3]),
        write_export(tmp_path / "20150218231500.export.CSV.zip", ROWS[3:]),
    ]


def events_of(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM events ORDER BY source_id").set_index("source_id")


# --- the column lists -----------------------------------------------------------------------------


def test_pinned_layouts_follow_the_codebooks() -> None:
    assert len(COLUMNS_V2) == 61 and len(COLUMNS_V1) == 58 and len(COLUMNS_V1_HISTORICAL) == 57
    assert COLUMNS_V2[:8] == (
        "GlobalEventID",
        "Day",
        "MonthYear",
        "Year",
        "FractionDate",
        "Actor1Code",
        "Actor1Name",
        "Actor1CountryCode",
    )
    assert COLUMNS_V2[25:35] == (
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    )
    assert COLUMNS_V2[35:43] == (
        "Actor1Geo_Type",
        "Actor1Geo_FullName",
        "Actor1Geo_CountryCode",
        "Actor1Geo_ADM1Code",
        "Actor1Geo_ADM2Code",
        "Actor1Geo_Lat",
        "Actor1Geo_Long",
        "Actor1Geo_FeatureID",
    )
    assert COLUMNS_V2[-2:] == ("DATEADDED", "SOURCEURL")
    assert COLUMNS_V1[:2] == ("GLOBALEVENTID", "SQLDATE") and "ActionGeo_ADM2Code" not in COLUMNS_V1
    assert COLUMNS_V1_HISTORICAL[-1] == "DATEADDED"


def test_fips_codes_are_not_iso_codes() -> None:
    assert fips_to_iso3("NI") == "NGA"  # Nigeria (ISO2 NI is Nicaragua)
    assert fips_to_iso3("NG") == "NER"  # Niger (ISO2 NG is Nigeria)
    assert fips_to_iso3("UV") == "BFA" and fips_to_iso3("ML") == "MLI" and fips_to_iso3("AG") == "DZA"
    assert fips_to_iso3("GZ") == "PSE" and fips_to_iso3("IZ") == "IRQ"
    assert fips_to_iso3("XX") is None


def test_file_names_are_recognised() -> None:
    assert is_gdelt_file("20150218230000.export.CSV.zip") and is_gdelt_file("20130401.export.CSV")
    assert is_gdelt_file("1979.zip") and is_gdelt_file("200601.zip")
    assert not is_gdelt_file("20150218230000.mentions.CSV.zip") and not is_gdelt_file("acled.csv")


def test_files_are_recognised_by_content_whatever_their_name(exports: list[Path], tmp_path: Path) -> None:
    loader = GDELTLoader()
    assert all(loader.reads(p) for p in exports)
    renamed = tmp_path / "gdelt_sample.tsv"
    renamed.write_bytes(exports[0].read_bytes())
    assert loader.reads(renamed)
    header = tmp_path / "20150218230000.export.CSV.with-header"
    header.write_text("\t".join(COLUMNS_V2) + "\n" + line(TALIBAN_FIGHT, COLUMNS_V2) + "\n")
    assert not loader.reads(header)  # a header row is never GDELT's (its exports have none)


# --- reading --------------------------------------------------------------------------------------


def test_reads_plain_and_zipped_15_minute_files(exports: list[Path]) -> None:
    plain, zipped = (read_gdelt(p) for p in exports)
    assert plain.layout.name == zipped.layout.name == "gdelt-2.0"
    assert plain.table.num_rows == 3 and zipped.table.num_rows == 2
    assert plain.table.column("c2").to_pylist() == ["20150218", "20150218", "20150217"]
    assert plain.table.column("_row").to_pylist() == [1, 2, 3]


def test_reads_gdelt_1_daily_and_historical_layouts(tmp_path: Path) -> None:
    daily = write_export(tmp_path / "20150218.export.CSV.zip", [as_v1(r) for r in ROWS], COLUMNS_V1)
    historical = write_export(tmp_path / "201302.zip", [as_v1(r) for r in ROWS[:2]], COLUMNS_V1_HISTORICAL)
    assert read_gdelt(daily).layout.name == "gdelt-1.0"
    assert read_gdelt(historical).layout.name == "gdelt-1.0-historical"
    with Store(tmp_path / "s.duckdb") as store:
        summary = ingest_gdelt(store, [daily, historical], progress=False)
        # loaded in name order, which for GDELT is chronological: the Feb 2013 back file first
        assert [r.layout for r in summary.reports] == ["gdelt-1.0-historical", "gdelt-1.0"]
        assert summary.rows_quarantined == 0
        ev = events_of(store)
    assert summary.reports[1].events_known == 2  # the two events of the back file are not loaded twice
    assert ev.loc["410479411", "tactic"] == "suicide_attack"
    assert "http" not in ev.loc["410479411", "description"]  # first loaded from the back file: no SOURCEURL
    assert ev.loc["410479733", "description"].endswith("2015/02/237481.htm")


# --- mapping into the event schema ----------------------------------------------------------------


def test_ingest_maps_events_places_tactics_and_actors(exports: list[Path], tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        summary = ingest_gdelt(store, exports, progress=True)
        assert summary.events_added == 5 and summary.rows_quarantined == 0 and not summary.refused
        ev = events_of(store)
        actors = store.query("SELECT * FROM event_actors ORDER BY event_id, role, ordinal")
        raw = store.raw_row("gdelt:410479523")[0]

    suicide = ev.loc["410479411"]
    assert (suicide["tactic"], suicide["suicide"], suicide["tactics"].tolist()) == (
        "suicide_attack",
        True,
        ["suicide_attack"],
    )
    assert (suicide["country_iso3"], suicide["admin1"], suicide["location"]) == ("NGA", "Borno", "Maiduguri")
    assert (suicide["geo_precision"], suicide["date_precision"]) == ("point", "day")
    assert suicide["date_start"] == pd.Timestamp("2015-02-18") and suicide["year"] == 2015
    assert suicide["event_type_raw"] == "1831: Carry out suicide bombing"
    assert pd.isna(suicide["fatalities"])  # GDELT does not code deaths: unknown, never 0
    assert suicide["target_type"] == "Civilian" and suicide["target_nationality"] == "NGA"

    assert ev.loc["410479523", "tactic"] == "battle"  # small arms against the military
    assert ev.loc["410480112", "tactic"] == "armed_assault"  # small arms against civilians
    assert (ev.loc["410480112", "country_iso3"], ev.loc["410480112", "admin1"]) == ("NER", "Diffa")
    assert ev.loc["410480112", "geo_precision"] == "admin1"
    assert (ev.loc["410479601", "tactic"], ev.loc["410479601", "country_iso3"]) == ("remote_violence", "PSE")
    assert ev.loc["410479601", "geo_precision"] == "country"
    assert ev.loc["410479733", "tactic"] == "non_violent" and ev.loc["410479733", "country_iso3"] == "USA"
    assert ev.loc["410479733", "admin1"] == "District of Columbia"

    taliban = actors[actors["event_id"] == "gdelt:410479523"]
    assert taliban[["role", "ordinal", "name"]].values.tolist() == [
        ["assoc_a", 2, "TAL"],
        ["side_a", 1, "TALIBAN"],
        ["side_b", 1, "AFGHANISTAN"],
    ]
    assert raw["Actor1KnownGroupCode"] == "TAL" and raw["ActionGeo_ADM2Code"] == "4579"


def test_reingest_is_a_no_op_and_repeated_events_are_known(exports: list[Path], tmp_path: Path) -> None:
    again = write_export(tmp_path / "20150218233000.export.CSV", [TALIBAN_FIGHT])
    with Store(tmp_path / "s.duckdb") as store:
        ingest_gdelt(store, exports, progress=False)
        summary = ingest_gdelt(store, [*exports, again], progress=False)
        assert [r.status for r in summary.reports] == ["already ingested", "already ingested", "ingested"]
        assert summary.reports[-1].events_known == 1 and summary.events_added == 0
        assert store.counts()["events"] == 5


def test_folder_and_glob_are_one_dataset(exports: list[Path], tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as store:
        assert len(ingest_gdelt(store, tmp_path, progress=False).reports) == 2
    with Store(tmp_path / "b.duckdb") as store:
        assert len(ingest_gdelt(store, str(tmp_path / "*.export.CSV*"), progress=False).reports) == 2


def test_the_query_layer_reads_gdelt_events(exports: list[Path], tmp_path: Path) -> None:
    from spillover.query import GroupFilter, from_store, yearly_activity

    with Store(tmp_path / "s.duckdb") as store:
        ingest_gdelt(store, exports, progress=False)
        by_code = yearly_activity(from_store(store), {"Taliban": GroupFilter.exact("TAL", sources=["gdelt"])})
        boko = yearly_activity(from_store(store), {"Boko Haram": GroupFilter.family("boko haram")})
    assert by_code[["group", "year", "events"]].values.tolist() == [["Taliban", 2015, 1]]
    assert boko["events"].tolist() == [2] and boko["fatalities_known"].tolist() == [0]


def test_export_to_parquet_for_spark(exports: list[Path], tmp_path: Path) -> None:
    from spillover.query import connect, monthly_tactics
    from spillover.query.engines import partition_batches, parts_marker

    summary = export_gdelt_parquet(exports, tmp_path / "pq", progress=False)
    assert summary.events_added == 5
    tactics = monthly_tactics(connect(tmp_path / "pq"), {"Boko Haram": ["BOKO HARAM"]})
    assert sorted(tactics["tactic"]) == ["armed_assault", "suicide_attack"]
    # one part per file, declared co-partitioned: aggregated file by file, with the same result
    assert parts_marker(tmp_path / "pq")["unique_names_per_event"] is True
    by_file = connect(tmp_path / "pq", batch_events=1)
    assert len(partition_batches(by_file)) == 2
    every = monthly_tactics(by_file)
    pd.testing.assert_frame_equal(every, monthly_tactics(connect(tmp_path / "pq", partitioned=False)))
    actor_rows = len(pd.read_parquet(tmp_path / "pq" / "event_actors"))
    assert every["events"].sum() == actor_rows == 12  # each event under each of its names (and group code)


# --- malformed files ------------------------------------------------------------------------------


def test_impossible_values_are_quarantined_per_row(tmp_path: Path) -> None:
    bad_date = {**TALIBAN_FIGHT, "GlobalEventID": "1", "Day": "2015021X"}
    bad_lat = {**TALIBAN_FIGHT, "GlobalEventID": "2", "ActionGeo_Lat": "131.6133"}
    bad_goldstein = {**TALIBAN_FIGHT, "GlobalEventID": "3", "GoldsteinScale": "-12.5"}
    bad_added = {**TALIBAN_FIGHT, "GlobalEventID": "4", "DATEADDED": "2015-02-18"}
    path = write_export(
        tmp_path / "20150218234500.export.CSV",
        [BOKO_HARAM_SUICIDE, bad_date, bad_lat, bad_goldstein, bad_added],
    )
    with Store(tmp_path / "s.duckdb") as store:
        report = ingest_gdelt(store, [path], progress=False).reports[0]
        q = store.quarantined()
    assert report.events_added == 1 and report.rows_quarantined == 4
    got = {(int(r.row_number), r.field) for r in q.itertuples()}
    assert {(2, "Day"), (3, "ActionGeo_Lat"), (4, "GoldsteinScale"), (5, "DATEADDED")} <= got
    assert "Day is not a date written YYYYMMDD" in set(q["reason"])


def test_wrong_column_count_refuses_the_file_naming_the_row(tmp_path: Path) -> None:
    good = line(BOKO_HARAM_SUICIDE, COLUMNS_V2)
    short = "\t".join(good.split("\t")[:60])
    path = tmp_path / "20150219000000.export.CSV"
    path.write_text("\n".join([good, good.replace("410479411", "410479412"), short]) + "\n")
    with pytest.raises(
        GDELTFormatError, match=r"20150219000000\.export\.CSV: row 3 has 60 tab-separated fields, expected 61"
    ):
        read_gdelt(path)
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(GDELTFormatError):
        ingest_gdelt(store, [path], progress=False)


def test_files_of_another_kind_are_refused(tmp_path: Path) -> None:
    mentions = tmp_path / "20150218230000.mentions.CSV"
    mentions.write_text(
        "\t".join(["410479411", "20150218230000", "20150218230000", "1", "premiumtimesng.com"] + ["x"] * 11)
        + "\n"
    )
    with pytest.raises(
        GDELTFormatError, match="row 1 has 16 tab-separated fields; GDELT event exports have 57"
    ):
        read_gdelt(mentions)
    two = tmp_path / "20150218230000.export.CSV.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.export.CSV", line(TALIBAN_FIGHT, COLUMNS_V2))
        archive.writestr("b.export.CSV", line(TALIBAN_FIGHT, COLUMNS_V2))
    with pytest.raises(GDELTFormatError, match="exactly one export file, found 2"):
        read_gdelt(two)


def test_skip_mode_loads_the_good_files_and_lists_the_refused(exports: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "20150218233000.export.CSV"
    broken.write_text("410479999\t20150218\n")
    with Store(tmp_path / "s.duckdb") as store:
        summary = ingest_gdelt(store, [*exports, broken], progress=False, on_error="skip")
        assert summary.events_added == 5
        assert (
            list(summary.refused) == [str(broken)]
            and "2 tab-separated fields" in summary.refused[str(broken)]
        )
        assert store.counts()["files"] == 2


# --- the ordinary ingest: GDELT is a registered loader, detected by content -----------------------


def test_store_ingest_and_the_cli_load_gdelt_files(exports: list[Path], tmp_path: Path) -> None:
    """``Store.ingest`` (hence ``spillover data add``) loads GDELT exports like any other file."""
    from typer.testing import CliRunner

    from spillover.cli import app
    from spillover.sources import LOADERS

    assert isinstance(LOADERS["gdelt"], GDELTLoader)
    with Store(tmp_path / "s.duckdb") as store:
        gdelt = store.ingest(exports[1])
        assert (gdelt.source, gdelt.layout, gdelt.events_added) == ("gdelt", "gdelt-2.0", 2)
        assert store.ingest(exports[1]).status == "already ingested"
        assert store.raw_row("gdelt:410480112")[0]["ActionGeo_CountryCode"] == "NG"
        assert store.files()["source"].tolist() == ["gdelt"]

    cli = tmp_path / "cli.duckdb"
    done = CliRunner().invoke(app, ["data", "add", str(tmp_path / "*.export.CSV*"), "--store", str(cli)])
    assert done.exit_code == 0, done.output
    assert "gdelt · GDELT 2.0 event export" in done.output and "3 new events" in done.output
    with Store(cli, read_only=True) as store:
        assert store.counts()["events"] == 5


def test_a_malformed_gdelt_file_is_refused_by_data_add(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from spillover.cli import app

    good = line(BOKO_HARAM_SUICIDE, COLUMNS_V2)
    path = tmp_path / "20150219000000.export.CSV"
    path.write_text(good + "\n" + "\t".join(good.split("\t")[:60]) + "\n")
    done = CliRunner().invoke(app, ["data", "add", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert done.exit_code == 2 and "row 2 has 60 tab-separated fields, expected 61" in done.output


def test_no_real_file_of_another_source_is_taken_for_gdelt(real_data: Path, tmp_path: Path) -> None:
    """Every real GTD, GED, ACLED and RAND file fails the content test, so detection goes by header."""
    loader = GDELTLoader()
    files = sorted((real_data / "events").glob("*"))
    assert len(files) >= 5
    assert [f.name for f in files if loader.reads(f)] == []
    with Store(tmp_path / "s.duckdb") as store:
        acled = store.ingest(real_data / "events/acled_hdx_mali_1997_2020.csv.gz")
    assert acled.source == "acled" and acled.events_added > 1000


def test_the_registry_resolves_gdelt_names_and_known_group_codes(exports: list[Path], tmp_path: Path) -> None:
    """GDELT's upper-case names match the registry's aliases case-folded; CAMEO known-group codes are
    the registry's ``gdelt`` aliases, so a group is found by either."""
    from spillover.actors import Resolver, default_registry
    from spillover.selection import CERTAINTIES, select

    resolver = Resolver(default_registry())
    assert resolver.resolve("TAL", "gdelt").group_ids == ("taliban",)
    assert resolver.resolve("TALIBAN", "gdelt").group_ids == ("taliban",)
    assert resolver.resolve("HMS", "gdelt").group_ids == ("hamas",)
    assert resolver.resolve("BOKO HARAM", "gdelt").group_ids == ("boko-haram",)
    with Store(tmp_path / "s.duckdb") as store:
        ingest_gdelt(store, exports, progress=False)
        taliban = select(store, "Taliban", include=(), resolver=resolver, view="all", certainty=CERTAINTIES)
        boko = select(store, "Boko Haram", include=(), resolver=resolver, view="all", certainty=CERTAINTIES)
    assert taliban.event_ids == ["gdelt:410479523"] and set(taliban.names["name"]) == {"TAL", "TALIBAN"}
    assert sorted(boko.event_ids) == ["gdelt:410479411", "gdelt:410480112"]
