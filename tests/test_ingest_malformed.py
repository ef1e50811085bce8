"""Bad input gets a clear error naming the file, row and field, and nothing is lost."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from spillover.sources.gtd import COLUMNS_0718
from spillover.sources.layouts import LayoutError
from spillover.store import Store

GTD_ROW = {c: "" for c in COLUMNS_0718}
GTD_ROW.update(
    {
        "eventid": "201001010001",
        "iyear": "2010",
        "imonth": "3",
        "iday": "14",
        "country": "4",
        "country_txt": "Algeria",
        "provstate": "Tizi Ouzou",
        "city": "Azazga",
        "latitude": "36.74",
        "longitude": "4.37",
        "specificity": "1",
        "gname": "Al-Qaida in the Islamic Maghreb (AQIM)",
        "attacktype1": "3",
        "attacktype1_txt": "Bombing/Explosion",
        "suicide": "0",
        "nkill": "2",
        "nwound": "5",
        "natlty1_txt": "Algeria",
        "targtype1_txt": "Military",
        "guncertain1": "0",
    }
)


def write_gtd(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", columns=COLUMNS_0718) -> Path:  # noqa: ANN001
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def gtd_row(**changes: str) -> dict[str, str]:
    row = dict(GTD_ROW)
    row.update(changes)
    return row


@pytest.fixture
def store(tmp_path: Path):  # noqa: ANN201
    with Store(tmp_path / "store.duckdb") as s:
        yield s


def test_missing_required_columns_names_file_and_columns(tmp_path: Path, store: Store) -> None:
    cols = [c for c in COLUMNS_0718 if c not in ("gname",)]
    path = write_gtd(tmp_path / "nogroup.csv", [gtd_row()], columns=cols)
    with pytest.raises(LayoutError, match=r"nogroup\.csv.*missing required column\(s\): gname"):
        store.ingest(path, source="gtd")
    assert store.counts()["events"] == 0


def test_unknown_layout_lists_what_differs(tmp_path: Path, store: Store) -> None:
    cols = list(COLUMNS_0718) + ["my_notes"]
    path = write_gtd(tmp_path / "extra.csv", [gtd_row()], columns=cols)
    with pytest.raises(
        LayoutError, match=r"extra\.csv.*unknown to every pinned layout: 'my_notes'.*--allow-extra"
    ):
        store.ingest(path)
    report = store.ingest(path, allow_extra=True)
    assert report.events_added == 1 and report.extra_columns == ("my_notes",)


def test_file_of_no_known_source_is_refused(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "shopping.csv"
    path.write_text("item,price\napples,3\n")
    with pytest.raises(LayoutError, match=r"shopping\.csv.*match no known source"):
        store.ingest(path)


def test_empty_file_is_refused(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ValueError, match=r"empty\.csv.*empty"):
        store.ingest(path)


def test_gtd_day_and_month_zero_keep_their_uncertainty(tmp_path: Path, store: Store) -> None:
    path = write_gtd(
        tmp_path / "zeros.csv",
        [gtd_row(eventid="1", iday="0"), gtd_row(eventid="2", imonth="0", iday="0"), gtd_row(eventid="3")],
    )
    store.ingest(path)
    ev = store.query(
        "SELECT source_id, date_start::VARCHAR s, date_end::VARCHAR e, date_precision p FROM events "
        "ORDER BY source_id"
    )
    assert ev.values.tolist() == [
        ["1", "2010-03-01", "2010-03-31", "month"],
        ["2", "2010-01-01", "2010-12-31", "year"],
        ["3", "2010-03-14", "2010-03-14", "day"],
    ]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"latitude": "136.2"}, "latitude", "latitude not a number in [-90, 90]"),
        ({"longitude": "east"}, "longitude", "longitude not a number in [-180, 180]"),
        ({"imonth": "2", "iday": "30"}, "iday", "date does not exist"),
        ({"imonth": "13"}, "imonth", "month not in 0–12"),
        ({"nkill": "many"}, "nkill", "count is not a number"),
        ({"iyear": ""}, "iyear", "year missing"),
    ],
)
def test_impossible_values_are_quarantined_with_row_and_field(
    tmp_path: Path, store: Store, changes, field, reason
) -> None:  # noqa: ANN001
    path = write_gtd(
        tmp_path / "bad.csv", [gtd_row(eventid="1"), gtd_row(eventid="2", **changes), gtd_row(eventid="3")]
    )
    report = store.ingest(path)
    assert report.rows == 3 and report.events_added == 2 and report.rows_quarantined == 1
    q = store.quarantined()
    assert q[["file", "row_number", "field"]].values.tolist()[0] == ["bad.csv", 2, field]
    assert reason in q["reason"].iloc[0]
    # nothing is lost: the quarantined row is still in raw_rows, unlinked
    raw = store.query("SELECT event_id FROM raw_rows WHERE row_number = 2")
    assert raw["event_id"].isna().item()
    file_id = store.files()["file_id"].item()
    assert store.raw_rows(file_id, [2])[2]["eventid"] == "2"


def test_duplicate_ids_are_quarantined(tmp_path: Path, store: Store) -> None:
    path = write_gtd(
        tmp_path / "dup.csv", [gtd_row(eventid="7"), gtd_row(eventid="8"), gtd_row(eventid="7", nkill="9")]
    )
    report = store.ingest(path)
    assert report.events_added == 2 and report.rows_quarantined == 1
    q = store.quarantined()
    assert q["row_number"].tolist() == [3] and "duplicate id (first seen in row 1)" in q["reason"].item()


def test_fractional_counts_are_flagged_not_trusted(tmp_path: Path, store: Store) -> None:
    path = write_gtd(tmp_path / "imputed.csv", [gtd_row(nkill="2.9603626943005183")])
    store.ingest(path)
    ev = store.query("SELECT fatalities, flags FROM events")
    assert pd.isna(ev["fatalities"].item()) and list(ev["flags"].item()) == ["fatalities_not_integer"]


def test_gtd_unknown_codes_become_null(tmp_path: Path, store: Store) -> None:
    path = write_gtd(
        tmp_path / "codes.csv", [gtd_row(nhostkid="-99", ransom="-9", ransomamt="-99", nkill="-99")]
    )
    store.ingest(path)
    ev = store.query("SELECT hostages, ransom_demanded, ransom_amount, fatalities FROM events")
    assert ev.isna().all(axis=None)


def test_windows_1252_text_loads_correctly(tmp_path: Path, store: Store) -> None:
    path = write_gtd(
        tmp_path / "latin.csv",
        [gtd_row(city="Tébessa", summary="Attaque près de Béjaïa – “guillemets”")],
        encoding="cp1252",
    )
    report = store.ingest(path)
    assert report.encoding == "cp1252"
    ev = store.query("SELECT location, description FROM events")
    assert ev.values.tolist() == [["Tébessa", "Attaque près de Béjaïa – “guillemets”"]]


def test_one_windows_1252_byte_deep_in_a_utf8_file_decides_the_encoding(tmp_path: Path, store: Store) -> None:
    rows = [gtd_row(eventid=str(200000000000 + i), city="Alger") for i in range(3000)]
    path = write_gtd(tmp_path / "mostly_ascii.csv", rows)
    last = io.StringIO()
    csv.DictWriter(last, fieldnames=list(COLUMNS_0718), extrasaction="ignore").writerow(
        gtd_row(eventid="299999999999", city="Tébessa")
    )
    with path.open("ab") as fh:  # one last row with a cp1252 'é' (0xE9), invalid as UTF-8
        fh.write(last.getvalue().encode("cp1252"))
    report = store.ingest(path)
    assert report.encoding == "cp1252"
    assert report.events_added == 3001
    assert (
        store.query("SELECT location FROM events WHERE source_id = '299999999999'")["location"].item()
        == "Tébessa"
    )


def test_gtd_spreadsheet_loads_like_csv(tmp_path: Path, store: Store) -> None:
    rows = [gtd_row(eventid=str(i), nkill=str(i)) for i in range(1, 6)]
    xlsx = tmp_path / "gtd.xlsx"
    pd.DataFrame(rows, columns=list(COLUMNS_0718)).to_excel(xlsx, index=False)
    report = store.ingest(xlsx)
    assert report.layout == "gtd-0718" and report.events_added == 5
    assert store.query("SELECT sum(fatalities) s FROM events")["s"].item() == 15
    assert store.raw_row("gtd:3")[0]["nkill"] == "3"


def test_file_without_country_needs_one(tmp_path: Path, store: Store) -> None:
    cols = [c for c in COLUMNS_0718 if c not in ("country", "country_txt")]
    path = write_gtd(tmp_path / "one_country.csv", [gtd_row()], columns=cols)
    with pytest.raises(LayoutError, match="--country"):
        store.ingest(path)
    store.ingest(path, provided={"country": "Somalia"})
    assert store.query("SELECT country, country_iso3 FROM events").values.tolist() == [["Somalia", "SOM"]]


def test_acled_current_export_layout_is_recognised(tmp_path: Path, store: Store) -> None:
    from spillover.sources.acled import COLUMNS_2023

    row = {c: "" for c in COLUMNS_2023}
    row.update(
        {
            "event_id_cnty": "MLI30000",
            "event_date": "2023-05-02",
            "year": "2023",
            "time_precision": "1",
            "event_type": "Violence against civilians",
            "sub_event_type": "Abduction/forced disappearance",
            "actor1": "JNIM: Group for Support of Islam and Muslims",
            "inter1": "2",
            "actor2": "Civilians (Mali)",
            "inter2": "7",
            "country": "Mali",
            "latitude": "14.1",
            "longitude": "-3.2",
            "geo_precision": "1",
            "fatalities": "0",
        }
    )
    path = tmp_path / "acled2023.csv"
    pd.DataFrame([row], columns=list(COLUMNS_2023)).to_csv(path, index=False)
    report = store.ingest(path)
    assert report.layout == "acled-2023"
    assert store.query(
        "SELECT tactic, target_type, target_nationality, country_iso3 FROM events"
    ).values.tolist() == [["kidnapping", "Civilians", "Mali", "MLI"]]


@pytest.mark.parametrize(
    ("actor2", "nationality"),
    [
        ("Military Forces of France (2017-)", "France"),
        ("Police Forces of Niger (2011-2021)", "Niger"),
        ("Civilians (United States)", "United States"),
        ("Military Forces of Mali", "Mali"),
        ("JNIM: Group for Support of Islam and Muslims", None),
        ("Unidentified Armed Group (2013-)", None),
    ],
)
def test_acled_target_nationality_from_actor_names(
    tmp_path: Path, store: Store, actor2: str, nationality
) -> None:  # noqa: ANN001
    from spillover.sources.acled import COLUMNS_2019

    row = {c: "" for c in COLUMNS_2019}
    row.update(
        {
            "event_id_cnty": "X1",
            "event_date": "2019-01-01",
            "year": "2019",
            "actor1": "A",
            "actor2": actor2,
            "country": "Mali",
        }
    )
    path = tmp_path / "a.csv"
    pd.DataFrame([row], columns=list(COLUMNS_2019)).to_csv(path, index=False)
    store.ingest(path)
    assert store.query("SELECT target_nationality FROM events")["target_nationality"].item() == nationality


def test_acled_date_that_disagrees_with_year_is_quarantined(tmp_path: Path, store: Store) -> None:
    from spillover.sources.acled import COLUMNS_2019

    base = {c: "" for c in COLUMNS_2019}
    base.update({"event_date": "2012-03-22", "year": "2012", "actor1": "MNLA", "country": "Mali"})
    rows = [dict(base, event_id_cnty="MLI1"), dict(base, event_id_cnty="MLI2", year="2021")]
    path = tmp_path / "acled.csv"
    pd.DataFrame(rows, columns=list(COLUMNS_2019)).to_csv(path, index=False)
    report = store.ingest(path)
    assert report.events_added == 1
    assert "disagrees with the year" in store.quarantined()["reason"].item()


def test_reingest_adds_nothing(tmp_path: Path, store: Store) -> None:
    path = write_gtd(tmp_path / "g.csv", [gtd_row(eventid=str(i)) for i in range(10)])
    first = store.ingest(path)
    before = store.counts()
    again = store.ingest(path)
    assert first.status == "ingested" and again.status == "already ingested"
    assert store.counts() == before
    # a different file with the same events adds raw rows but no events twice
    copy = write_gtd(tmp_path / "g2.csv", [gtd_row(eventid=str(i)) for i in range(12)])
    report = store.ingest(copy)
    assert (report.events_added, report.events_known) == (2, 10)
    assert store.counts()["events"] == 12


# --- records with the wrong number of fields ----------------------------------------------------------


def _csv_line(row: dict[str, str]) -> str:
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(COLUMNS_0718), extrasaction="ignore", lineterminator="\n").writerow(
        row
    )
    return out.getvalue()


def test_rows_with_the_wrong_number_of_fields_are_quarantined_not_the_file(
    tmp_path: Path, store: Store
) -> None:
    width = len(COLUMNS_0718)
    lines = [_csv_line(gtd_row(eventid=str(i), nkill=str(i), city=f"City {i}")) for i in range(1, 31)]
    # row 7: a summary with two unquoted commas → two fields too many
    lines[6] = _csv_line(gtd_row(eventid="7", nkill="7", city="City 7", summary="x")).replace(
        ",x,", ",x,y,z,"
    )
    # row 15: a value with a quoted newline, so records and lines differ from here on
    lines[14] = _csv_line(gtd_row(eventid="15", nkill="15", city="City 15", summary="two\nlines"))
    # row 30 (last): truncated half-way, no newline at the end
    truncated = lines[29][: lines[29].index("City 30")] + "City 3"
    lines[29] = truncated
    path = tmp_path / "damaged.csv"
    path.write_text(",".join(COLUMNS_0718) + "\n" + "".join(lines), encoding="utf-8")

    report = store.ingest(path)
    assert report.rows == 30 and report.events_added == 28 and report.rows_quarantined == 2
    q = store.quarantined()
    assert q[["row_number", "field"]].values.tolist() == [[7, "row"], [30, "row"]]
    assert q["reason"].tolist() == [
        f"expected {width} fields, found {width + 2}",
        f"expected {width} fields, found {truncated.count(',') + 1}",
    ]
    assert q["value"].tolist() == [lines[6].rstrip("\n"), truncated]  # nothing lost: the text as written
    assert report.quarantine_reasons == {
        f"row: expected {width} fields, found {width + 2}": 1,
        f"row: expected {width} fields, found {truncated.count(',') + 1}": 1,
    }
    # every other row keeps its record number, in events, raw_rows and the raw Parquet
    ev = store.query("SELECT source_id, row_number FROM events ORDER BY row_number")
    assert ev.values.tolist() == [[str(i), i] for i in range(1, 31) if i not in (7, 30)]
    raw = store.query("SELECT row_number, event_id FROM raw_rows ORDER BY row_number")
    assert raw["row_number"].tolist() == list(range(1, 31))
    assert raw.set_index("row_number")["event_id"].isna().loc[[7, 30]].all()
    file_id = store.files()["file_id"].item()
    originals = store.raw_rows(file_id, list(range(1, 31)))
    assert sorted(originals) == [i for i in range(1, 31) if i not in (7, 30)]
    assert all(originals[i]["eventid"] == str(i) and originals[i]["city"] == f"City {i}" for i in originals)
    assert originals[15]["summary"] == "two\nlines"
    assert store.raw_row("gtd:16")[0]["nkill"] == "16"

    before = store.counts()
    assert store.ingest(path).status == "already ingested" and store.counts() == before


def test_cp1252_file_with_a_malformed_row_keeps_row_numbers(tmp_path: Path, store: Store) -> None:
    lines = [_csv_line(gtd_row(eventid=str(i), city="Tébessa")) for i in range(1, 21)]
    lines[2] = lines[2].replace("Tébessa", "Tébessa,extra")
    path = tmp_path / "latin.csv"
    path.write_bytes((",".join(COLUMNS_0718) + "\n" + "".join(lines)).encode("cp1252"))
    report = store.ingest(path)
    assert report.encoding == "cp1252" and report.events_added == 19
    q = store.quarantined()
    assert q["row_number"].tolist() == [3] and "Tébessa,extra" in q["value"].item()
    assert store.query("SELECT row_number FROM events WHERE source_id = '4'")["row_number"].item() == 4


def test_mostly_malformed_file_is_refused_whole(tmp_path: Path, store: Store) -> None:
    # a header written with commas, rows with semicolons: every record has one field
    rows = [";".join(gtd_row(eventid=str(i)).values()) + "\n" for i in range(1, 11)]
    path = tmp_path / "semicolons.csv"
    path.write_text(",".join(COLUMNS_0718) + "\n" + "".join(rows))
    with pytest.raises(ValueError, match=r"semicolons\.csv: 10 of 10 records .* 135 fields \(row 1 has 1,"):
        store.ingest(path)
    assert store.counts() == dict.fromkeys(store.counts(), 0)
    # more than 10% malformed is refused too, naming the rows
    lines = [_csv_line(gtd_row(eventid=str(i))) for i in range(1, 21)]
    for i in (2, 5, 9):
        lines[i - 1] = lines[i - 1].rstrip("\n") + ",surplus\n"
    path = tmp_path / "many_bad.csv"
    path.write_text(",".join(COLUMNS_0718) + "\n" + "".join(lines))
    with pytest.raises(
        ValueError, match=r"many_bad\.csv: 3 of 20 records.*row 2 has 136, row 5 has 136, row 9"
    ):
        store.ingest(path)
    assert store.counts()["files"] == 0


def test_malformed_records_keep_record_numbers_across_reader_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row numbers are record numbers (quoted newlines and empty lines do not shift them), also when the
    reader parses the file in many blocks and in parallel."""
    import random

    from spillover.sources import reading

    monkeypatch.setattr(reading, "_BLOCK", 4096)
    rnd = random.Random(7)
    lines, expected_bad, kept = ["a,b,c\n"], [], []
    for record in range(1, 3001):
        kind = rnd.random()
        if kind < 0.01:
            lines.append(f'{record},"x\ny",c,surplus\n')
            expected_bad.append((record, 4))
        elif kind < 0.02:
            lines.append(f"{record},b\n")
            expected_bad.append((record, 2))
        else:
            lines.append(f'{record},"multi\nline",c\n' if kind < 0.1 else f"{record},b,c\n")
            kept.append(record)
        if kind > 0.98:
            lines.append("\n")  # an empty line is no record
    path = tmp_path / "blocks.csv"
    path.write_text("".join(lines))
    table, malformed = reading.read_csv_text(path, 3, "utf-8")
    assert [(m.row, m.actual) for m in malformed] == expected_bad
    assert table.column("_row").to_pylist() == kept
    assert [int(v) for v in table.column("c1").to_pylist()] == kept  # each row carries its own number
    assert malformed[0].text.startswith(f"{expected_bad[0][0]},")


def test_attribution_from_the_perpetrator_names(tmp_path: Path, store: Store, real_data: Path) -> None:
    """Real GTD rows: one named group → single; two different groups → joint (the same group twice is
    single); any name flagged uncertain → uncertain; 'Unknown' / 'Unidentified …' names no one → none."""
    from badinput_files import Sheet, real_sheet, write

    sheet = real_sheet("gtd")
    cases = {
        0: ("Al-Qaida in the Islamic Maghreb (AQIM)", "", "0", "single"),
        1: ("Al-Qaida in the Islamic Maghreb (AQIM)", "Ansar al-Dine (Mali)", "0", "joint"),
        2: ("Ansar al-Dine (Mali)", "Ansar al-Dine (Mali)", "0", "single"),
        3: ("Ansar al-Dine (Mali)", "", "1", "uncertain"),
        4: ("Unknown", "", "0", "none"),
        5: ("Unidentified Gunmen", "Unknown", "0", "none"),
    }
    for row, (first, second, unsure, _) in cases.items():
        sheet = sheet.set(row, "gname", first).set(row, "gname2", second).set(row, "guncertain1", unsure)
    report = store.ingest(write(tmp_path / "gtd.csv", Sheet(sheet.header, sheet.rows)))
    assert report.events_added == len(cases)
    got = store.query("SELECT row_number, attribution FROM events ORDER BY row_number")
    assert dict(zip(got["row_number"], got["attribution"], strict=True)) == {
        row + 1: want for row, (*_, want) in cases.items()
    }


def test_utf8_check_of_the_bytes_in_chunks_agrees_with_decoding_the_whole(real_data: Path) -> None:
    """The CSV reader checks a file's bytes as UTF-8 chunk by chunk (``reading.UTF8Bytes``, not Arrow per
    value): a character cut by a chunk's end is checked with the next chunk; any byte that is not UTF-8,
    or a file ending inside a character, makes the bytes not UTF-8, as Python's decoder says."""
    import gzip
    import random

    from spillover.sources.reading import UTF8Bytes

    text = gzip.decompress((real_data / "events/ucdp_ged_iraq_1989_2018_hdx.csv.gz").read_bytes())[:200_000]
    assert len(text.decode("utf-8")) < len(text) - 1000  # real Arabic names: many multi-byte characters

    def chunked(data: bytes, rnd: random.Random) -> bool:
        check, at = UTF8Bytes(), 0
        while at < len(data):
            size = rnd.choice([1, 2, 3, 5, 64, 4096, 65_536])
            if not check.feed(memoryview(data)[at : at + size]):
                return False
            at += size
        return check.finish()

    def decodes(data: bytes) -> bool:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    rnd = random.Random(17)
    samples = [text, text[:-1], "é€𝄞".encode()[:-1], b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80"]
    for _ in range(200):
        damaged = bytearray(text[: rnd.randrange(1, 20_000)])
        damaged[rnd.randrange(len(damaged))] = rnd.randrange(128, 256)
        samples.append(bytes(damaged))
    outcomes = [chunked(s, rnd) == decodes(s) for s in samples]
    assert all(outcomes) and decodes(text) and not all(decodes(s) for s in samples)
