"""Property-based fuzzing of rows, per layout: for any file made of real rows whose cells are replaced by
hostile values (text in number columns, infinities, negative or huge counts, impossible dates, quotes,
delimiters and newlines inside values, white space, rows short of their trailing fields), every row is
accounted for (rows read = events + quarantined + skipped with a reason) and every quarantine entry names
the file, the row and the field, with a reason; no loaded event holds an impossible value (a count that is
infinite, NaN or negative, a date outside [1900, a year from today], coordinates off the globe).  A file none of whose rows loads is refused in one line
naming it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from badinput_files import COUNT, DATE, REAL, Sheet, gdelt_name, real_sheet, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spillover.errors import InputError
from spillover.store import Store

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "", " ", "inf", "-inf", "NaN", "-5", "-99", "150000", "1e308", "2.5", "3.0", "many", "9999-01-01",
            "1850-01-01", "2001-02-31", "31/12/1999", "09-Feb-68", "#date+start", '"', "a,b", "line\nbreak",
            "\t", "Ã©", "0x10", "1,000",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(10**9), max_value=10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)  # fmt: skip


FOCUS = {
    *COUNT.values(), *DATE.values(), "date_end", "latitude", "longitude", "low", "high", "nwound", "Injuries",
    "year", "imonth", "iday", "ActionGeo_Lat", "ActionGeo_Long", "NumMentions", "Year",
}  # fmt: skip


@st.composite
def damaged_sheet(draw: st.DrawFn, source: str) -> tuple[Sheet, list[int]]:
    """The real rows of ``source`` with some cells hostile, and the rows to cut short (by their last fields)."""
    sheet = real_sheet(source)
    rows = draw(st.lists(st.integers(0, len(sheet.rows) - 1), min_size=1, max_size=len(sheet.rows) * 2))
    # half the changes hit the columns the checks are about (counts, dates, coordinates), half any column
    focus = [c for c in sheet.header if c in FOCUS]
    for r in rows:
        column = draw(st.one_of(st.sampled_from(focus), st.sampled_from(sheet.header)))
        sheet = sheet.set(r, column, draw(HOSTILE))
    short = draw(st.lists(st.integers(0, len(sheet.rows) - 1), max_size=2, unique=True))
    return sheet, short


def _write(tmp: Path, source: str, sheet: Sheet, short: list[int]) -> Path:
    if source == "gdelt":
        # GDELT is tab-separated with no quoting: a tab or newline inside a value is another field or row
        sheet = Sheet(
            sheet.header, [[v.replace("\t", " ").replace("\n", " ") for v in r] for r in sheet.rows]
        )
        return write(gdelt_name(tmp), sheet, source)
    path = write(tmp / f"{source}.csv", sheet, source)
    if short:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(sheet.header)
        for i, row in enumerate(sheet.rows):
            writer.writerow(row[:-1] if i in short else row)
        path.write_text(out.getvalue(), encoding="utf-8")
    return path


def check_accounting(source: str, sheet: Sheet, short: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        path = _write(tmp, source, sheet, short)
        with Store(tmp / "s.duckdb") as store:
            try:
                report = store.ingest(path)
            except InputError as refused:  # e.g. a file none of whose rows loads, or too many malformed
                message = str(refused)
                assert path.name in message and "\n" not in message.strip(), message
                assert store.counts()["files"] == 0 and store.counts()["events"] == 0
                return
            skipped = getattr(report, "rows_skipped", 0)  # HXL hashtag rows, empty spreadsheet rows
            events = report.events_added + report.events_known
            monadic = report.layout == "acled-monadic"
            if not monadic:
                assert events + report.rows_quarantined + skipped == report.rows
            raw = store.query("SELECT count(*) n FROM raw_rows WHERE file_id = ?", [report.file_id])
            assert int(raw["n"].item()) == report.rows  # every row is kept, loaded or not
            q = store.quarantined(report.file_id)
            assert (q["file"] == path.name).all()
            assert q["row_number"].between(1, report.rows).all()
            assert q["field"].str.len().gt(0).all() and q["reason"].str.len().gt(0).all()
            assert q["row_number"].nunique() == report.rows_quarantined
            # what was loaded holds no impossible value: counts finite and not negative, dates in range
            bad = store.query(
                """SELECT event_id, fatalities, wounded, date_start, date_end FROM events
                   WHERE NOT coalesce(isfinite(fatalities) AND fatalities >= 0, fatalities IS NULL)
                      OR NOT coalesce(isfinite(wounded) AND wounded >= 0, wounded IS NULL)
                      OR date_start NOT BETWEEN DATE '1900-01-01' AND current_date + INTERVAL 1 YEAR
                      OR date_end NOT BETWEEN DATE '1900-01-01' AND current_date + INTERVAL 1 YEAR
                      OR abs(latitude) > 90 OR abs(longitude) > 180"""
            )
            assert bad.empty, bad.to_dict("records")


SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.mark.parametrize("source", sorted(REAL))
def test_every_row_is_accounted_for_and_every_message_names_file_row_field(
    source: str, real_data: Path
) -> None:
    @SETTINGS
    @given(damaged_sheet(source))
    def fuzz(case: tuple[Sheet, list[int]]) -> None:
        sheet, short = case
        check_accounting(source, sheet, short if source != "gdelt" else [])

    fuzz()
