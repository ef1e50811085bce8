"""The bad-input corpus: every loader and format (GED, GTD, ACLED, RAND, GDELT; CSV, gz, zip, XLSX), each
file made from real rows damaged in one way, and what the store promises for it (README, "The store"):

* an impossible value: the row quarantined naming file, row, field and reason, the other rows loaded;
* a suspicious value: the event kept with a flag;
* a file that cannot be read as it is: refused with one line naming it, the store untouched;
* a re-export of the same events: no new event.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from badinput_files import COUNT, DATE, ROWS, Sheet, gdelt_name, real_sheet, write, write_xlsx

from spillover.store import TABLES, Store


@dataclass(frozen=True)
class Quarantined:
    field: str
    reason: str
    row: int = 2


@dataclass(frozen=True)
class Flagged:
    flag: str
    row: int = 2
    #: the stored count (None: unknown) where the case is about a count
    fatalities: float | None | str = "any"


@dataclass(frozen=True)
class Refused:
    says: str


@dataclass(frozen=True)
class Loads:
    events: int
    skipped: int = 0
    check: Callable[[Store], None] | None = None


Expect = Quarantined | Flagged | Refused | Loads
Build = Callable[[Path], Path]


def damaged(source: str, column: str, value: str, row: int = 1, suffix: str = ".csv") -> Build:
    """The real rows of ``source`` with one cell changed (``row`` 0-based among the data rows)."""

    def build(tmp: Path) -> Path:
        path = gdelt_name(tmp, suffix.replace(".csv", "")) if source == "gdelt" else tmp / f"{source}{suffix}"
        return write(path, real_sheet(source).set(row, column, value), source)

    return build


def _today_plus(years: int) -> str:
    return (dt.date.today() + dt.timedelta(days=366 * years)).isoformat()


CASES: dict[str, tuple[Build, Expect]] = {}

# --- counts: infinity, NaN and negatives are impossible; a documented unknown code is not ------------------
for src in ("ged", "gtd", "acled", "rand"):
    for text in ("inf", "NaN", "-Infinity"):
        CASES[f"{src}-count-{text}"] = (
            damaged(src, COUNT[src], text),
            Quarantined(COUNT[src], "infinite or NaN"),
        )
    CASES[f"{src}-count-negative"] = (damaged(src, COUNT[src], "-5"), Quarantined(COUNT[src], "negative"))
    CASES[f"{src}-count-implausible"] = (
        damaged(src, COUNT[src], "150000"),
        Flagged("fatalities_implausible", fatalities=150000.0),
    )
    CASES[f"{src}-count-text"] = (damaged(src, COUNT[src], "many"), Quarantined(COUNT[src], "not a number"))
CASES["gtd-count-unknown-code"] = (
    damaged("gtd", "nkill", "-99"),
    Flagged("fatalities_coded_unknown", fatalities=None),
)
CASES["gtd-wounded-negative"] = (damaged("gtd", "nwound", "-3"), Quarantined("nwound", "negative"))
CASES["ged-latitude-inf"] = (
    damaged("ged", "latitude", "inf"),
    Quarantined("latitude", "latitude not a number"),
)
CASES["acled-longitude-nan"] = (
    damaged("acled", "longitude", "nan"),
    Quarantined("longitude", "not a number"),
)
CASES["gdelt-lat-inf"] = (
    damaged("gdelt", "ActionGeo_Lat", "inf"),
    Quarantined("ActionGeo_Lat", "not a number"),
)
CASES["gdelt-mentions-nan"] = (
    damaged("gdelt", "NumMentions", "NaN"),
    Quarantined("NumMentions", "not a number"),
)

# --- dates outside [1900, a year from today]; the two-digit-year rule only for two-digit years ----------------
CASES["rand-date-9999"] = (damaged("rand", "Date", "9999-01-01"), Quarantined("Date", "date outside"))
CASES["rand-date-1850"] = (damaged("rand", "Date", "1850-03-01"), Quarantined("Date", "date outside"))
CASES["rand-date-nonexistent"] = (
    damaged("rand", "Date", "2001-02-31"),
    Quarantined("Date", "does not exist"),
)
CASES["ged-date-9999"] = (
    damaged("ged", "date_start", "9999-01-01"),
    Quarantined("date_start", "date outside"),
)
CASES["ged-date-1899"] = (
    damaged("ged", "date_start", "1899-12-31"),
    Quarantined("date_start", "date outside"),
)
CASES["ged-date-end-9999"] = (
    damaged("ged", "date_end", "9999-12-31"),
    Quarantined("date_start", "date outside"),
)
CASES["gtd-year-1850"] = (damaged("gtd", "iyear", "1850"), Quarantined("iyear", ""))
CASES["gtd-year-next-decade"] = (
    damaged("gtd", "iyear", str(dt.date.today().year + 10)),
    Quarantined("iyear", ""),
)
CASES["gdelt-day-1899"] = (damaged("gdelt", "SQLDATE", "18991231"), Quarantined("Day", ""))


def _acled_year(value: str, year: str) -> Build:
    def build(tmp: Path) -> Path:
        sheet = real_sheet("acled").set(1, "event_date", value).set(1, "year", year)
        return write(tmp / "acled.csv", sheet)

    return build


CASES["acled-date-9999"] = (_acled_year("9999-01-01", "9999"), Quarantined("event_date", "date outside"))
CASES["acled-date-in-two-years"] = (
    _acled_year(_today_plus(2), _today_plus(2)[:4]),
    Quarantined("event_date", "date outside"),
)


def _rand_two_digit(tmp: Path) -> Path:
    return write(tmp / "rand.csv", real_sheet("rand").set(1, "Date", "12-Feb-68"))


def _rand_1968(store: Store) -> None:
    days = store.query("SELECT date_start::VARCHAR d FROM events WHERE row_number = 2")["d"].tolist()
    assert days == ["1968-02-12"]


CASES["rand-date-two-digit-year"] = (_rand_two_digit, Loads(ROWS, check=_rand_1968))


# --- spreadsheets: typed cells --------------------------------------------------------------------------------
def _typed(sheet: Sheet, dates: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> list[list[object]]:
    rows: list[list[object]] = []
    for raw in sheet.rows:
        row: list[object] = list(raw)
        for i, col in enumerate(sheet.header):
            if col in dates and raw[i]:
                row[i] = dt.date.fromisoformat(raw[i][:10])
            elif col in numbers and raw[i]:
                row[i] = float(raw[i])
        rows.append(row)
    return rows


def _xlsx(source: str, dates: tuple[str, ...], numbers: tuple[str, ...], extra_cols: int = 0) -> Build:
    def build(tmp: Path) -> Path:
        sheet = real_sheet(source)
        rows = [r + [None] * extra_cols for r in _typed(sheet, dates, numbers)]
        return write_xlsx(tmp / f"{source}.xlsx", sheet.header + [None] * extra_cols, rows)

    return build


def _dates_as_in_csv(source: str, column: str) -> Callable[[Store], None]:
    def check(store: Store) -> None:
        got = store.query("SELECT date_start::VARCHAR d FROM events ORDER BY row_number")["d"].tolist()
        expected = [r[real_sheet(source).header.index(column)][:10] for r in real_sheet(source).rows]
        if source != "acled":  # ACLED dates spread by their precision; GED and RAND are days
            assert got == expected
        assert store.counts()["quarantine"] == 0

    return check


CASES["acled-xlsx-date-cells"] = (
    _xlsx(
        "acled", ("event_date",), ("year", "latitude", "longitude", "fatalities", "inter1", "geo_precision")
    ),
    Loads(ROWS, check=_dates_as_in_csv("acled", "event_date")),
)
CASES["ged-xlsx-date-cells"] = (
    _xlsx("ged", ("date_start", "date_end"), ("id", "best", "low", "high", "latitude", "longitude", "year")),
    Loads(ROWS, check=_dates_as_in_csv("ged", "date_start")),
)
CASES["rand-xlsx-date-cells"] = (
    _xlsx("rand", ("Date",), ("Injuries", "Fatalities")),
    Loads(ROWS, check=_dates_as_in_csv("rand", "Date")),
)
CASES["gtd-xlsx-number-cells"] = (
    _xlsx("gtd", (), ("eventid", "iyear", "imonth", "iday", "nkill", "latitude", "longitude")),
    Loads(ROWS),
)
CASES["acled-xlsx-trailing-empty-columns"] = (
    _xlsx("acled", ("event_date",), ("year",), extra_cols=3),
    Loads(ROWS),
)


def _xlsx_formula(tmp: Path) -> Path:
    sheet = real_sheet("rand")
    rows: list[list[object]] = [list(r) for r in sheet.rows]
    rows[1][sheet.header.index("Fatalities")] = "=F3*2"  # written by openpyxl: no cached value
    return write_xlsx(tmp / "rand_formula.xlsx", sheet.header, rows)


def _xlsx_merged(tmp: Path) -> Path:
    sheet = real_sheet("rand")
    rows: list[list[object]] = [list(r) for r in sheet.rows]
    return write_xlsx(tmp / "rand_merged.xlsx", sheet.header, rows, perpetrator="D2:D3")


CASES["rand-xlsx-formula-without-value"] = (_xlsx_formula, Flagged("spreadsheet_formula_without_value"))
CASES["rand-xlsx-merged-cells"] = (_xlsx_merged, Flagged("spreadsheet_merged_cell", row=2))


def _xlsx_all_bad(tmp: Path) -> Path:
    sheet = real_sheet("acled")
    rows = [list(r) for r in sheet.rows]
    for r in rows:
        r[sheet.header.index("event_date")] = "sometime"
    return write_xlsx(tmp / "acled_bad.xlsx", sheet.header, rows)


CASES["acled-xlsx-no-row-loads"] = (_xlsx_all_bad, Refused("none of its"))


def _xlsx_empty_rows(tmp: Path) -> Path:
    sheet = real_sheet("rand")
    rows: list[list[object]] = [list(r) for r in sheet.rows]
    rows.insert(3, [None] * len(sheet.header))
    return write_xlsx(tmp / "rand_gap.xlsx", sheet.header, rows)


CASES["rand-xlsx-empty-row"] = (_xlsx_empty_rows, Loads(ROWS, skipped=1))


def _xlsx_truncated(tmp: Path) -> Path:
    path = _xlsx("gtd", (), ())(tmp)
    path.write_bytes(path.read_bytes()[:600])
    return path


CASES["gtd-xlsx-truncated"] = (_xlsx_truncated, Refused("gtd.xlsx"))


# --- rows: short rows, HXL hashtag rows, wrong widths --------------------------------------------------------
def _short_rows(source: str, missing: int, rows: tuple[int, ...]) -> Build:
    def build(tmp: Path) -> Path:
        sheet = real_sheet(source)
        for r in rows:
            for c in range(1, missing + 1):
                sheet = sheet.set(r, sheet.header[-c], "")
        text = sheet.csv_text().splitlines()
        for r in rows:  # drop the trailing empty fields, as some real ACLED exports do
            text[r + 1] = text[r + 1][: len(text[r + 1]) - missing]
        (tmp / f"{source}_short.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
        return tmp / f"{source}_short.csv"

    return build


def _padded_flags(store: Store) -> None:
    flagged = store.query(
        "SELECT row_number FROM events WHERE list_contains(flags, 'short_row_padded') ORDER BY 1"
    )
    assert flagged["row_number"].tolist() == [2, 4]


CASES["acled-short-rows-padded"] = (_short_rows("acled", 1, (1, 3)), Loads(ROWS, check=_padded_flags))
CASES["gtd-short-rows-padded"] = (_short_rows("gtd", 3, (1, 3)), Loads(ROWS, check=_padded_flags))


def _hxl(source: str) -> Build:
    def build(tmp: Path) -> Path:
        sheet = real_sheet(source)
        tags = ["" if i % 3 else f"#tag{i}+name" for i in range(len(sheet.header))]
        tags[sheet.header.index(DATE[source])] = "#date+start"
        sheet.rows.insert(0, tags)
        return write(tmp / f"{source}_hdx.csv", sheet)

    return build


CASES["ged-hxl-row"] = (_hxl("ged"), Loads(ROWS, skipped=1))
CASES["acled-hxl-row"] = (_hxl("acled"), Loads(ROWS, skipped=1))


def _truncated_line(tmp: Path) -> Path:
    text = real_sheet("gtd").csv_text()
    path = tmp / "gtd_cut.csv"
    path.write_text(text[: len(text) - len(text.splitlines()[-1]) // 2 - 1], encoding="utf-8")
    return path


CASES["gtd-truncated-last-line"] = (_truncated_line, Quarantined("row", "expected 135 fields", row=ROWS))


def _surplus(tmp: Path) -> Path:
    lines = real_sheet("rand").csv_text().splitlines()
    lines[2] += ",surplus"
    (tmp / "rand_surplus.csv").write_text("\n".join(lines) + "\n")
    return tmp / "rand_surplus.csv"


CASES["rand-row-too-long"] = (_surplus, Quarantined("row", "expected 8 fields, found 9"))


# --- compressed and binary files -----------------------------------------------------------------------------
def _cut(build: Build, keep: float) -> Build:
    def cut(tmp: Path) -> Path:
        path = build(tmp)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
        return path

    return cut


def _flip(build: Build) -> Build:
    def flip(tmp: Path) -> Path:
        path = build(tmp)
        data = bytearray(path.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
        path.write_bytes(bytes(data))
        return path

    return flip


for src in ("ged", "gtd", "acled", "rand"):
    CASES[f"{src}-gz-truncated"] = (
        _cut(damaged(src, COUNT[src], "1", suffix=".csv.gz"), 0.6),
        Refused("truncated"),
    )
    CASES[f"{src}-gz-corrupt"] = (_flip(damaged(src, COUNT[src], "1", suffix=".csv.gz")), Refused("gz"))
    CASES[f"{src}-gz-loads"] = (damaged(src, COUNT[src], "1", suffix=".csv.gz"), Loads(ROWS))
CASES["gdelt-zip-truncated"] = (
    _cut(damaged("gdelt", "NumMentions", "3", suffix=".zip"), 0.7),
    Refused("zip"),
)
CASES["gdelt-zip-corrupt"] = (_flip(damaged("gdelt", "NumMentions", "3", suffix=".zip")), Refused("zip"))
CASES["gdelt-gz-truncated"] = (
    _cut(damaged("gdelt", "NumMentions", "3", suffix=".gz"), 0.5),
    Refused("truncated"),
)
CASES["gdelt-zip-loads"] = (damaged("gdelt", "NumMentions", "3", suffix=".zip"), Loads(ROWS))


def _csv_in_zip(tmp: Path) -> Path:
    path = tmp / "acled_export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("acled_export.csv", real_sheet("acled").csv_text())
    return path


def _binary(tmp: Path) -> Path:
    import random

    path = tmp / "events.csv"
    path.write_bytes(bytes(random.Random(3).randrange(256) for _ in range(5000)))
    return path


def _empty_gz(tmp: Path) -> Path:
    path = tmp / "empty.csv.gz"
    path.write_bytes(gzip.compress(b""))
    return path


def _all_dates_bad(tmp: Path) -> Path:
    sheet = real_sheet("ged")
    for r in range(ROWS):
        sheet = sheet.set(r, "date_start", "not a date")
    return write(tmp / "ged_bad.csv", sheet)


CASES["acled-csv-in-zip"] = (_csv_in_zip, Refused("zip"))
CASES["binary-file"] = (_binary, Refused("events.csv"))
CASES["empty-gz"] = (_empty_gz, Refused("empty"))
CASES["ged-no-row-loads"] = (_all_dates_bad, Refused("none of its"))


# --- re-exports of the same events make no new event ---------------------------------------------------------
def _rand_reexport(change: Callable[[Sheet, Path], Path]) -> Build:
    """Two files: the real RAND rows, then a re-export of them (returned second; the first is loaded first)."""

    def build(tmp: Path) -> Path:
        write(tmp / "rand_original.csv", real_sheet("rand"))
        return change(real_sheet("rand"), tmp)

    return build


def _reordered(sheet: Sheet, tmp: Path) -> Path:
    order = list(reversed(range(len(sheet.header))))
    return write(
        tmp / "re.csv", Sheet([sheet.header[i] for i in order], [[r[i] for i in order] for r in sheet.rows])
    )


def _spaced(sheet: Sheet, tmp: Path) -> Path:
    return write(tmp / "re.csv", Sheet(sheet.header, [[f" {v}  " for v in r] for r in sheet.rows]))


def _quoted(sheet: Sheet, tmp: Path) -> Path:
    (tmp / "re.csv").write_text(sheet.csv_text(quoting=csv.QUOTE_ALL), encoding="utf-8")
    return tmp / "re.csv"


def _gzipped(sheet: Sheet, tmp: Path) -> Path:
    return write(tmp / "re.csv.gz", sheet)


def _floats(sheet: Sheet, tmp: Path) -> Path:
    cols = [sheet.header.index(c) for c in ("Injuries", "Fatalities")]
    return write(
        tmp / "re.csv",
        Sheet(sheet.header, [[f"{v}.0" if i in cols else v for i, v in enumerate(r)] for r in sheet.rows]),
    )


def _date_format(sheet: Sheet, tmp: Path) -> Path:
    i = sheet.header.index("Date")
    rows = [list(r) for r in sheet.rows]
    for r in rows:
        r[i] = dt.date.fromisoformat(r[i]).strftime("%d-%b-%y")
    return write(tmp / "re.csv", Sheet(sheet.header, rows))


def _as_xlsx(sheet: Sheet, tmp: Path) -> Path:
    return _xlsx("rand", ("Date",), ("Injuries", "Fatalities"))(tmp)


REEXPORTS = {
    "reordered-columns": _reordered,
    "white-space": _spaced,
    "quoted": _quoted,
    "gzipped": _gzipped,
    "numbers-as-floats": _floats,
    "two-digit-dates": _date_format,
    "as-xlsx": _as_xlsx,
}
for name, change in REEXPORTS.items():
    CASES[f"rand-reexport-{name}"] = (_rand_reexport(change), Loads(0))


# --- the checks ------------------------------------------------------------------------------------------------
def _snapshot(store: Store) -> dict[str, int]:
    return store.counts()


def _raw_files(store: Store) -> list[str]:
    return sorted(p.name for p in store.raw_dir.glob("*")) if store.raw_dir.is_dir() else []


def run_case(build: Build, expect: Expect, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = build(folder)
    with Store(tmp_path / "store.duckdb") as store:
        for first in sorted(folder.glob("rand_original.csv")):  # the original of a re-export case
            store.ingest(first)
        before, raw_before = _snapshot(store), _raw_files(store)
        if isinstance(expect, Refused):
            with pytest.raises(Exception) as raised:  # noqa: PT011 - the type is the boundary's business
                store.ingest(path)
            message = str(raised.value)
            assert path.name in message and expect.says in message, message
            assert "\n" not in message.strip() and "Traceback" not in message
            assert _snapshot(store) == before and _raw_files(store) == raw_before, "the store was changed"
            return
        report = store.ingest(path)
        q = store.quarantined(report.file_id)
        assert q["file"].notna().all() and q["row_number"].notna().all() and q["field"].notna().all()
        skipped = (
            store.query("SELECT count(*) n FROM skipped_rows")["n"].item() if "skipped_rows" in TABLES else 0
        )
        assert report.events_added + report.events_known + report.rows_quarantined + skipped == report.rows
        if isinstance(expect, Quarantined):
            bad = q[(q["row_number"] == expect.row) & (q["field"] == expect.field)]
            assert len(bad) == 1, q.to_dict("records")
            assert expect.reason in bad["reason"].item() and path.name in set(q["file"])
            assert report.events_added == report.rows - 1
        elif isinstance(expect, Flagged):
            ev = store.query("SELECT flags, fatalities FROM events WHERE row_number = ?", [expect.row])
            assert len(ev) == 1 and expect.flag in list(ev["flags"].item()), ev.to_dict("records")
            if expect.fatalities != "any":
                got = ev["fatalities"].item()
                assert got != got if expect.fatalities is None else got == expect.fatalities, got
            assert q.empty
        else:
            assert report.events_added == expect.events, (report.events_added, q.to_dict("records"))
            assert skipped == expect.skipped
            assert report.rows == ROWS + expect.skipped
            if expect.check is not None:
                expect.check(store)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, tmp_path: Path, real_data: Path) -> None:
    build, expect = CASES[case]
    run_case(build, expect, tmp_path)


def test_the_corpus_covers_every_loader_and_format() -> None:
    assert len(CASES) >= 60
    for word in ("ged-", "gtd-", "acled-", "rand-", "gdelt-", "xlsx", "gz", "zip"):
        assert sum(word in name for name in CASES) >= 3, word


# --- the real files ----------------------------------------------------------------------------------------------
def test_real_hdx_export_skips_its_hxl_row(real_data: Path, tmp_path: Path) -> None:
    """UCDP's HDX export has HXL hashtags on its second line: skipped with the reason, not quarantined."""
    with Store(tmp_path / "s.duckdb") as store:
        report = store.ingest(real_data / "events/ucdp_ged_iraq_1989_2018_hdx.csv.gz")
        assert (report.rows, report.rows_quarantined, report.rows_skipped) == (7474, 0, 1)
        assert report.events_added == 7473
        skipped = store.query("SELECT row_number, reason, value FROM skipped_rows")
        assert skipped["row_number"].tolist() == [1] and "HXL" in skipped["reason"].item()
        assert "#date+start" in skipped["value"].item()
        assert store.query("SELECT count(*) n FROM raw_rows WHERE event_id IS NULL")["n"].item() == 1


def test_real_rand_reexport_adds_no_event(real_data: Path, tmp_path: Path) -> None:
    """All 40,129 RAND events, re-exported with the columns reversed, every value padded with spaces, every
    field quoted and gzipped: the same events, none loaded twice."""
    with gzip.open(
        real_data / "events/rand_rdwti_1968_2009_exdex.csv.gz", "rt", encoding="utf-8", newline=""
    ) as fh:
        rows = list(csv.reader(fh))
    reexport = tmp_path / "rand_reexport.csv.gz"
    with gzip.open(reexport, "wt", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows([[f" {v} " for v in reversed(r)] for r in rows])
    with Store(tmp_path / "s.duckdb") as store:
        first = store.ingest(real_data / "events/rand_rdwti_1968_2009_exdex.csv.gz")
        again = store.ingest(reexport)
        assert first.events_added == 40129
        assert (again.events_added, again.events_known) == (0, 40129)
        assert store.counts()["events"] == 40129


def test_removing_a_real_file_leaves_the_store_as_without_it(real_data: Path, tmp_path: Path) -> None:
    from spillover.store import remove_file

    niger, mali = (
        real_data / "events/acled_hdx_niger_1997_2020.csv.gz",
        real_data / "events/acled_hdx_mali_1997_2020.csv.gz",
    )
    with Store(tmp_path / "only.duckdb") as only:
        only.ingest(niger)
        expected = only.counts()
        expected_ids = only.query("SELECT event_id FROM events ORDER BY 1")["event_id"].tolist()
    with Store(tmp_path / "both.duckdb") as store:
        store.ingest(niger)
        report = store.ingest(mali)
        removed = remove_file(store, report.file_id[:10])
        assert removed.events == report.events_added and removed.raw_rows == report.rows
        assert store.counts() == expected
        assert store.query("SELECT event_id FROM events ORDER BY 1")["event_id"].tolist() == expected_ids
        assert sorted(p.name for p in store.raw_dir.glob("*")) == [
            f"{store.files()['file_id'].item()}.parquet"
        ]


def test_removing_a_file_keeps_events_another_file_also_has(real_data: Path, tmp_path: Path) -> None:
    """An event two files have stays when one of them is removed, attributed to the other."""
    from spillover.store import remove_file

    sheet = real_sheet("gtd")
    first = write(tmp_path / "first.csv", sheet)
    second = write(tmp_path / "second.csv", Sheet(sheet.header, sheet.rows[:3]))
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(first)
        assert store.ingest(second).events_known == 3
        removed = remove_file(store, first)
        assert (removed.events, removed.events_kept) == (ROWS - 3, 3)
        ev = store.query("SELECT e.event_id, f.name FROM events e JOIN files f USING (file_id)")
        assert len(ev) == 3 and set(ev["name"]) == {"second.csv"}
        assert store.counts()["raw_rows"] == 3
