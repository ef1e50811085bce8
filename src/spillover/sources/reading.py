"""Reading a delimited file as text, exactly as written, into an Arrow table.

Every value is read as a string (empty fields stay empty strings) so that the original row can be kept
losslessly, and only then normalised in SQL.  pyarrow's CSV reader is multithreaded, handles quoted
newlines, gzip and the encodings that occur in the real files (GTD ships Windows-1252/Latin-1 text).
Columns are named ``c1 … cN`` by position; the header as written is kept separately, so odd or repeated
header names cannot collide.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

if TYPE_CHECKING:
    import pandas as pd

_CHUNK = 1 << 22
#: Bytes per block of the CSV reader (each block is parsed by one thread).
_BLOCK = 1 << 24


def raw_column(i: int) -> str:
    """Name of the i-th (1-based) original value of a row, in staging and in the store's raw tables."""
    return f"c{i}"


def raw_columns(width: int, prefix: str = "") -> str:
    """``c1, c2, …, cN`` as SQL."""
    return ", ".join(prefix + raw_column(i) for i in range(1, width + 1))


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def open_bytes(path: Path) -> io.BufferedIOBase:
    """Open a file for binary reading, decompressing gzip transparently."""
    return gzip.open(path, "rb") if _is_gzip(path) else path.open("rb")  # type: ignore[return-value]


def sha256_of(path: Path) -> str:
    """Hash of the file as stored (compressed bytes if it is compressed): its identity in the store."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class NotUTF8(ValueError):
    """Arrow found bytes that are not UTF-8 while reading a file as UTF-8."""


def detect_encoding(path: Path, candidates: tuple[str, ...] = ("utf-8", "cp1252")) -> str:
    """'utf-8' if the whole file decodes as UTF-8; else 'cp1252' (GTD's encoding) if that decodes it;
    else 'latin-1', which maps every byte to a character, so nothing is ever lost.

    Checks the whole file, because a single accented name deep in a file decides it.
    """
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_bytes(path) as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def read_header(path: Path, encoding: str) -> list[str]:
    """The header row, parsed by the csv module (so quoted names with commas are right)."""
    with open_bytes(path) as fh:
        row = next(csv.reader(io.TextIOWrapper(fh, encoding=encoding, newline="")), None)
    if not row:
        raise ValueError(f"{path}: the file is empty (no header row)")
    if row[0].startswith("\ufeff"):
        row[0] = row[0][1:]
    return row


def unique_names(header: list[str]) -> list[str]:
    """Header names made unique and non-empty (for matching layouts; the header itself is kept as is)."""
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        name = name if name.strip() else f"_column{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _with_row_numbers(table: pa.Table, skipped: Sequence[int] = ()) -> pa.Table:
    """``table`` with ``_row``: the 1-based record number of each row in the file.

    ``skipped`` are the record numbers of rows the reader left out (malformed rows, which go to the
    quarantine): the rows kept are numbered around them, so every row keeps its number in the file.
    """
    if not skipped:
        numbers = pa.array(range(1, table.num_rows + 1), pa.int64())
    else:
        every = np.arange(1, table.num_rows + len(skipped) + 1, dtype=np.int64)
        numbers = pa.array(every[~np.isin(every, np.asarray(skipped, dtype=np.int64))])
    return table.append_column("_row", numbers)


@dataclass(frozen=True)
class MalformedRow:
    """A record with the wrong number of fields (an unquoted delimiter, a truncated line): not loaded, kept
    in the quarantine with its text as written."""

    row: int  # 1-based record number, like ``_row``
    expected: int
    actual: int
    text: str

    @property
    def reason(self) -> str:
        return f"expected {self.expected} fields, found {self.actual}"


#: A file with more malformed records than this share (and more than one), or with no well-formed record,
#: is refused whole: it is a different format (wrong delimiter, a damaged header), not a few bad rows.
MAX_MALFORMED_SHARE = 0.10


def _read_text(
    path: Path, width: int, encoding: str, *, use_threads: bool
) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    names = [raw_column(i) for i in range(1, width + 1)]
    invalid: list[pacsv.InvalidRow] = []

    def keep_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    source = pa.input_stream(str(path), compression="gzip" if _is_gzip(path) else None)
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=1, encoding=encoding, block_size=_BLOCK, use_threads=use_threads
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=keep_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, invalid


def read_csv_text(path: Path, width: int, encoding: str) -> tuple[pa.Table, list[MalformedRow]]:
    """Every record of a CSV as text, columns ``c1 … cN`` plus ``_row`` (1-based record number, the header
    not counted), and the malformed records (wrong number of fields), which are left out of the table.

    Whether there are too many malformed records is for the caller to tell (:func:`check_malformed`), once
    it knows the file is of a known layout.
    """
    try:
        table, invalid = _read_text(path, width, encoding, use_threads=True)
        if invalid:
            # the multithreaded reader does not know where a bad row is: read again, serially, for the numbers
            table, invalid = _read_text(path, width, encoding, use_threads=False)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise NotUTF8(f"{path}: not UTF-8: {exc}") from exc
        raise ValueError(f"{path}: not a well-formed CSV file: {exc}") from exc
    # InvalidRow.number counts the header (skip_rows=1) and, like the reader, not the empty lines
    malformed = [
        MalformedRow(r.number - 1, r.expected_columns, r.actual_columns, r.text)
        for r in invalid
        if r.number is not None
    ]
    if len(malformed) != len(invalid):  # not expected with a serial read; never guess a row number
        raise ValueError(
            f"{path}: {len(invalid)} malformed record(s) whose position the reader could not tell"
        )
    return _with_row_numbers(table, [m.row for m in malformed]), malformed


def check_malformed(path: Path, table: pa.Table, malformed: Sequence[MalformedRow], width: int) -> None:
    """Refuse, naming the file and the first rows, a file whose malformed records are not a few bad rows:
    more than :data:`MAX_MALFORMED_SHARE` of its records (and more than one), or all of them."""
    if not malformed:
        return
    records = table.num_rows + len(malformed)
    if table.num_rows and len(malformed) <= max(1, MAX_MALFORMED_SHARE * records):
        return
    first = ", ".join(f"row {m.row} has {m.actual}" for m in malformed[:3])
    raise ValueError(
        f"{path}: {len(malformed):,} of {records:,} records do not have the header's {width} fields "
        f"({first}{', …' if len(malformed) > 3 else ''}). The file is refused whole: is the delimiter a "
        f"comma and the header row intact? (A few malformed records, up to {MAX_MALFORMED_SHARE:.0%}, "
        f"are quarantined and the rest of the file loaded.)"
    )


def read_csv_any_encoding(path: Path) -> tuple[str, list[str], tuple[pa.Table, list[MalformedRow]] | None]:
    """Encoding, header and (when the file is UTF-8) the records and malformed records (as
    :func:`read_csv_text`), reading the file once in the common case.

    Arrow checks UTF-8 validity as it reads, so a UTF-8 file is not decoded twice; only a file that
    fails that check is scanned again to choose between cp1252 and latin-1. The table is None then:
    the caller reads it with the encoding found (it needs the header first to know the width).
    """
    try:
        header = read_header(path, "utf-8")
    except UnicodeDecodeError:
        encoding = detect_encoding(path, ("cp1252",))
        return encoding, read_header(path, encoding), None
    try:
        return "utf-8", header, read_csv_text(path, len(header), "utf-8")
    except NotUTF8:
        encoding = detect_encoding(path, ("cp1252",))
        return encoding, read_header(path, encoding), None


def read_spreadsheet(path: Path) -> tuple[list[str], pa.Table]:
    """Header and rows of the first sheet of an .xlsx file, every cell as text (GTD is distributed as XLSX too)."""
    import pandas as pd

    frame: pd.DataFrame = pd.read_excel(path, dtype=str, engine="calamine", keep_default_na=False)
    header = [str(c) for c in frame.columns]
    frame.columns = [raw_column(i) for i in range(1, len(header) + 1)]
    return header, _with_row_numbers(pa.Table.from_pandas(frame, preserve_index=False))
