"""Reading a spreadsheet (.xlsx, .xlsm, .xls, .ods) as typed cells, then as the text a CSV would hold.

python-calamine gives each cell its type: a date cell is a date, a number a number.  Each is written as
the text the CSV release of the same data has (``2019-05-09``, ``12``, ``3.5``), so the loaders read a
spreadsheet exactly like a CSV and the raw row keeps the value.  What a spreadsheet can hide is said, not
guessed: a formula with no cached value (the file was never recalculated: the cell is empty) and a merged
cell (its value is in the first cell only) flag the row (``spreadsheet_formula_without_value``,
``spreadsheet_merged_cell``).  Trailing columns with neither a header nor a value (HDX Excel exports) are
dropped, and rows with no value at all are skipped with that reason.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa

from spillover.errors import CorruptFile, InputError
from spillover.sources.reading import RowNotes, raw_column

FORMULA_FLAG = "spreadsheet_formula_without_value"
MERGED_FLAG = "spreadsheet_merged_cell"
EMPTY_ROW = "empty row (no value in any cell)"


def cell_text(value: object) -> str:
    """A typed cell as the text a CSV export writes: ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _rows(path: Path) -> tuple[list[list[object]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            sheet = book.get_sheet_by_index(0)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
    except python_calamine.PasswordError as exc:
        raise InputError(
            f"{path}: the spreadsheet is password-protected; save it without a password"
        ) from exc
    except (python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError) as exc:
        raise CorruptFile(f"{path}: not a readable spreadsheet ({exc}); nothing was loaded") from exc
    return rows, merged


def _formula_cells(path: Path) -> set[tuple[int, int]]:
    """(row, column), 0-based, of formula cells that have no cached value (.xlsx/.xlsm only: openpyxl)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return set()
    import openpyxl

    found: set[tuple[int, int]] = set()
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        with_formulas = formulas.worksheets[0].iter_rows(values_only=True)
        cached = values.worksheets[0].iter_rows(values_only=True)
        for r, (row_f, row_v) in enumerate(zip(with_formulas, cached, strict=False)):
            for c, (f, v) in enumerate(zip(row_f, row_v, strict=False)):
                if isinstance(f, str) and f.startswith("=") and v is None:
                    found.add((r, c))
    finally:
        formulas.close()
        values.close()
    return found


def read_spreadsheet(path: Path) -> tuple[list[str], pa.Table, RowNotes]:
    """Header and rows of the first sheet, every cell as text (``c1 … cN`` and ``_row``: the record
    number, the header not counted, as in a CSV), and the notes on its rows."""
    rows, merged = _rows(path)
    notes = RowNotes()
    if not rows:
        raise InputError(f"{path}: the first sheet is empty (no header row)")
    text = [[cell_text(v) for v in row] for row in rows]
    header = text[0]
    width = max(len(r) for r in text)
    header += [""] * (width - len(header))
    # trailing columns with no header and no value anywhere are an artefact of the export
    while (
        width > 1 and not header[width - 1].strip() and all(len(r) < width or not r[width - 1] for r in text)
    ):
        width -= 1
    header = header[:width]
    body = [(r + [""] * width)[:width] for r in text[1:]]
    numbers = list(range(1, len(body) + 1))
    for number, row in zip(numbers, body, strict=True):
        if not any(v.strip() for v in row):
            notes.skipped.append((number, EMPTY_ROW, ""))
    flagged = set()
    for (r0, c0), (r1, _c1) in merged:
        for r in range(max(r0, 1), r1 + 1):  # 0-based sheet rows; row 0 is the header
            if c0 < width:
                flagged.add((r, MERGED_FLAG))
    for r, c in _formula_cells(path):
        if r >= 1 and c < width:
            flagged.add((r, FORMULA_FLAG))
    notes.flags += sorted(flagged)
    columns = {raw_column(i + 1): pa.array([row[i] for row in body], pa.string()) for i in range(width)}
    columns["_row"] = pa.array(numbers, pa.int64())
    return header, pa.table(columns), notes
