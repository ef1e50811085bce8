"""Builders of bad input files for the bad-input corpus: small files made from the first rows of the real
files of each source (../shared/data), then damaged in one precise way."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conftest import data_dir

#: A real file of each layout, and how many of its first rows the builders take.
REAL = {
    "ged": "ucdp_ged_v23_1_random_sample_1000.csv.gz",
    "gtd": "gtd_0718dist_sample_2000_2017.csv.gz",
    "acled": "events/acled_hdx_niger_1997_2020.csv.gz",
    "rand": "events/rand_rdwti_1968_2009_exdex.csv.gz",
    "gdelt": "gdelt/gdelt1_daily_rows_20160728.tsv.gz",
}
ROWS = 6
#: Per source: the count column, the date column and the coordinate column the corpus damages.
COUNT = {"ged": "best", "gtd": "nkill", "acled": "fatalities", "rand": "Fatalities"}
DATE = {"ged": "date_start", "gtd": "iyear", "acled": "event_date", "rand": "Date", "gdelt": "SQLDATE"}


@dataclass
class Sheet:
    """A header and rows (lists of text), as a source writes them."""

    header: list[str]
    rows: list[list[str]]

    def set(self, row: int, column: str, value: str) -> Sheet:
        """The sheet with one cell changed (``row`` 0-based among the data rows)."""
        rows = [list(r) for r in self.rows]
        rows[row][self.header.index(column)] = value
        return Sheet(list(self.header), rows)

    def get(self, row: int, column: str) -> str:
        return self.rows[row][self.header.index(column)]

    def csv_text(self, *, quoting: int = csv.QUOTE_MINIMAL, delimiter: str = ",", header: bool = True) -> str:
        out = io.StringIO()
        writer = csv.writer(out, quoting=quoting, delimiter=delimiter, lineterminator="\n")
        if header:
            writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


def _real_dir() -> Path:
    return data_dir()


@cache
def _read_real(source: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    path = _real_dir() / REAL[source]
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        if source == "gdelt":
            from spillover.sources.gdelt import COLUMNS_V1

            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            rows = [next(reader) for _ in range(40)]
            rows = [r for r in rows if len(r) == len(COLUMNS_V1)][:ROWS]
            return tuple(COLUMNS_V1), tuple(tuple(r) for r in rows)
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(ROWS)]
    return tuple(header), tuple(tuple(r) for r in rows)


def real_sheet(source: str) -> Sheet:
    """The first rows of the real file of ``source`` (every one loads as an event)."""
    header, rows = _read_real(source)
    return Sheet(list(header), [list(r) for r in rows])


def write(path: Path, sheet: Sheet, source: str = "") -> Path:
    """Write a sheet as its source does: CSV (gzipped for .gz), GDELT's tab-separated rows without a
    header (zipped for .zip), or a spreadsheet of text cells for .xlsx."""
    if path.suffix == ".xlsx":
        return write_xlsx(path, sheet.header, sheet.rows)
    text = sheet.csv_text(delimiter="\t", header=False) if source == "gdelt" else sheet.csv_text()
    data = text.encode("utf-8")
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data, mtime=0))
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(path.name.removesuffix(".zip"), data)
    else:
        path.write_bytes(data)
    return path


def write_xlsx(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]], **merges: str) -> Path:
    """A spreadsheet with typed cells (dates, numbers, text, formulas given as '=…')."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cells in merges.values():
        sheet.merge_cells(cells)
    book.save(path)
    return path


def gdelt_name(tmp: Path, suffix: str = "") -> Path:
    """A GDELT 1.0 daily export name (the loader reads the layout from the width, the name is a hint)."""
    return tmp / f"20160728.export.CSV{suffix}"
