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
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from spillover.errors import InputError
from spillover.sources.rawcopy import BackgroundWriter, RawSink, TableSink

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


class HashingReader(io.RawIOBase):
    """A file whose bytes, as a reader takes them, also feed a SHA-256 digest: the file's identity
    (:func:`sha256_of`) computed in the pass that reads it, instead of a pass of its own.

    With ``check_utf8``, the bytes are also checked to be UTF-8 as they pass (:class:`UTF8Bytes`), so
    that Arrow need not check every value on its own (:class:`NotUTF8` at the first chunk that is not)."""

    def __init__(self, path: Path, *, check_utf8: bool = False) -> None:
        super().__init__()
        self._path = path
        self._fh = path.open("rb")
        self._digest = hashlib.sha256()
        self._utf8 = UTF8Bytes() if check_utf8 else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._fh.readinto(buffer)
        if n:
            self._take(memoryview(buffer)[:n])
        return n or 0

    def _take(self, chunk: memoryview | bytes) -> None:
        self._digest.update(chunk)
        if self._utf8 is not None and not self._utf8.feed(chunk):
            raise NotUTF8(f"{self._path}: not UTF-8 (after byte {self._utf8.position:,})")

    def hexdigest(self) -> str:
        """The hash of the whole file: what the reader left unread (a compressed stream's trailer) is read
        here, so it is always :func:`sha256_of` the file.  With ``check_utf8``, :class:`NotUTF8` if the
        file's bytes are not all UTF-8."""
        while chunk := self._fh.read(_CHUNK):
            self._take(chunk)
        if self._utf8 is not None and not self._utf8.finish():
            raise NotUTF8(f"{self._path}: not UTF-8: the file ends inside a character")
        return self._digest.hexdigest()

    def release(self) -> None:
        """Close the file (:meth:`close` does not: Arrow closes its stream before :meth:`hexdigest`)."""
        self._fh.close()


class UTF8Bytes:
    """Is a stream of bytes, given chunk by chunk, UTF-8?  Each chunk is checked whole by Arrow's UTF-8
    validation (one call per chunk, where the CSV reader's own check makes one per value: ACLED 2M, ~0.3
    CPU s less); a character cut by the end of a chunk is checked with the next one.

    A file is UTF-8 when all its bytes are: its values, cut at ASCII delimiters and quotes (never inside
    a character), are then UTF-8 too, and a byte that is not makes the file not UTF-8 wherever it is
    (the rule :func:`detect_encoding` applies to the whole file)."""

    def __init__(self) -> None:
        self._carry = b""  # the first bytes of a character the last chunk did not finish
        self.position = 0  # bytes checked so far

    def feed(self, chunk: memoryview | bytes) -> bool:
        """Check the next chunk; False when the bytes so far are not UTF-8."""
        data = memoryview(chunk)
        if self._carry:  # finish the cut character with the first bytes of this chunk
            need = _sequence_length(self._carry[0]) - len(self._carry)
            head, data = self._carry + bytes(data[:need]), data[need:]
            self._carry = b""
            if len(head) < _sequence_length(head[0]):  # the chunk was shorter than the rest of it
                self._carry = head
                return True
            if not _valid_utf8(head):
                return False
        cut = _cut_character(data)
        if cut:
            self._carry = bytes(data[len(data) - cut :])
            data = data[: len(data) - cut]
        if not _valid_utf8(data):
            return False
        self.position += len(chunk)
        return True

    def finish(self) -> bool:
        """The stream has ended: False when it ends inside a character."""
        return not self._carry


def _sequence_length(lead: int) -> int:
    """Bytes of the UTF-8 sequence a byte starts (1 for ASCII and for a byte no sequence starts with:
    the validation rejects those)."""
    return 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if 0xF0 <= lead < 0xF8 else 1


def _cut_character(data: memoryview) -> int:
    """How many bytes at the end of ``data`` start a UTF-8 sequence longer than what is left (0–3)."""
    for back in range(1, min(3, len(data)) + 1):
        byte = data[len(data) - back]
        if byte < 0x80 or byte >= 0xC0:  # ASCII or a lead byte: the last sequence starts here
            return back if _sequence_length(byte) > back else 0
    return 0


def _valid_utf8(data: memoryview | bytes) -> bool:
    """Arrow's UTF-8 validation of the bytes, as one string value (no copy)."""
    if not len(data):
        return True
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


class NotUTF8(InputError):
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
        raise InputError(f"{path}: the file is empty (no header row)")
    if row[0].startswith("\ufeff"):
        row[0] = row[0][1:]
    return row


def unique_names(header: list[str]) -> list[str]:
    """Header names made unique and non-empty (for matching layouts; the header itself is kept as is)."""
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        name = name.strip() or f"_column{i}"  # ' Date ' (a re-export padding every cell) is Date
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


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


def _open_text(
    path: Path,
    width: int,
    encoding: str,
    invalid: list[pacsv.InvalidRow],
    raw: io.RawIOBase | None = None,
    *,
    utf8_checked: bool = False,
) -> pacsv.CSVStreamingReader:
    """A block-by-block reader of the records as text.  Serial: it knows where each malformed record is
    (the parallel reader does not), and on a shared 2-core machine it is no slower per CPU second.
    ``raw``: the file's bytes through this reader (a :class:`HashingReader`) instead of opening ``path``;
    ``utf8_checked``: it checks that they are UTF-8, so Arrow does not check each value."""
    names = [raw_column(i) for i in range(1, width + 1)]

    def keep_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    source = pa.input_stream(raw or str(path), compression="gzip" if _is_gzip(path) else None)
    return pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=1, encoding=encoding, block_size=_BLOCK, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=keep_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=not utf8_checked,
        ),
    )


def _malformed(path: Path, invalid: Sequence[pacsv.InvalidRow]) -> list[MalformedRow]:
    # InvalidRow.number counts the header (skip_rows=1) and, like the reader, not the empty lines
    if any(r.number is None for r in invalid):  # not expected with a serial read; never guess a row number
        raise InputError(
            f"{path}: {len(invalid)} malformed record(s) whose position the reader could not tell"
        )
    return [MalformedRow(r.number - 1, r.expected_columns, r.actual_columns, r.text) for r in invalid]


@dataclass
class TextRead:
    """What reading a CSV as text found besides the rows it wrote: the malformed records (left out of the
    rows), the rows kept, and the first row (to tell an HXL hashtag row)."""

    malformed: list[MalformedRow] = field(default_factory=list)
    rows: int = 0
    first: dict[str, str | int] | None = None
    #: The file's SHA-256 (:func:`sha256_of`), computed as it was read.
    sha256: str = ""


def read_csv_into(path: Path, width: int, encoding: str, sink: RawSink) -> TextRead:
    """Every well-formed record of a CSV as text, columns ``c1 … cN`` plus ``_row`` (1-based record number,
    the header not counted), written to ``sink`` block by block (the file is never whole in memory); the
    malformed records (wrong number of fields) are left out and returned.

    Whether there are too many malformed records is for the caller to tell (:func:`check_malformed`), once
    it knows the file is of a known layout.
    """
    invalid: list[pacsv.InvalidRow] = []
    read = TextRead()
    pending: list[int] = []  # numbers of malformed records not yet passed
    seen = 0
    following = 1  # the number the next kept record may have
    # the bytes as read are the file's when it is not compressed: checked as UTF-8 there, whole chunks
    utf8_checked = codecs.lookup(encoding).name == "utf-8" and not _is_gzip(path)
    raw = HashingReader(path, check_utf8=utf8_checked)
    try:
        with BackgroundWriter(sink) as writer:  # a block is parsed while the one before is written
            for batch in _open_text(path, width, encoding, invalid, raw, utf8_checked=utf8_checked):
                if len(invalid) > seen:  # the serial reader reports a block's bad records before the block
                    pending += [m.row for m in _malformed(path, invalid[seen:])]
                    seen = len(invalid)
                window = np.arange(following, following + batch.num_rows + len(pending), dtype=np.int64)
                numbers = window[~np.isin(window, np.asarray(pending, dtype=np.int64))][: batch.num_rows]
                if batch.num_rows:
                    following = int(numbers[-1]) + 1
                    pending = [n for n in pending if n >= following]
                    if read.first is None:
                        read.first = {k: v[0] for k, v in batch.slice(0, 1).to_pydict().items()} | {
                            "_row": int(numbers[0])
                        }
                writer.write(batch.append_column("_row", pa.array(numbers, pa.int64())))
                read.rows += batch.num_rows
        read.sha256 = raw.hexdigest()
    except pa.ArrowInvalid as exc:
        sink.abort()
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise NotUTF8(f"{path}: not UTF-8: {exc}") from exc
        raise InputError(f"{path}: not a well-formed CSV file: {exc}") from exc
    except BaseException:
        sink.abort()
        raise
    finally:
        raw.release()
    if not read.rows:  # no record: an empty table with the columns, so that the staging reads the same
        names = [raw_column(i) for i in range(1, width + 1)]
        sink.write(
            pa.table({**{n: pa.array([], pa.string()) for n in names}, "_row": pa.array([], pa.int64())})
        )
    read.malformed = _malformed(path, invalid)
    return read


def read_csv_text(path: Path, width: int, encoding: str) -> tuple[pa.Table, list[MalformedRow]]:
    """:func:`read_csv_into` an Arrow table in memory: the rows and the malformed records."""
    sink = TableSink()
    read = read_csv_into(path, width, encoding, sink)
    return sink.table([raw_column(i) for i in range(1, width + 1)]), read.malformed


def check_malformed(path: Path, kept: int, malformed: Sequence[MalformedRow], width: int) -> None:
    """Refuse, naming the file and the first rows, a file whose malformed records are not a few bad rows:
    more than :data:`MAX_MALFORMED_SHARE` of its records (and more than one), or all of them.  ``kept`` is
    the number of well-formed records."""
    if not malformed:
        return
    records = kept + len(malformed)
    if kept and len(malformed) <= max(1, MAX_MALFORMED_SHARE * records):
        return
    first = ", ".join(f"row {m.row} has {m.actual}" for m in malformed[:3])
    raise InputError(
        f"{path}: {len(malformed):,} of {records:,} records do not have the header's {width} fields "
        f"({first}{', …' if len(malformed) > 3 else ''}). The file is refused whole: is the delimiter a "
        f"comma and the header row intact? (A few malformed records, up to {MAX_MALFORMED_SHARE:.0%}, "
        f"are quarantined and the rest of the file loaded.)"
    )


# --- compressed files ---------------------------------------------------------------------------------


def check_compressed(path: Path) -> None:
    """Refuse a truncated or damaged .gz or .zip before anything is read from it (:class:`CorruptFile`).

    gzip's CRC and length are checked at the end of the stream, and a .zip's CRC of every member, so a
    file cut short by a failed download or damaged on disk is named at once instead of loading a part.
    """
    from spillover.errors import CorruptFile

    if _is_gzip(path):
        try:
            with gzip.open(path, "rb") as fh:
                while fh.read(_CHUNK):
                    pass
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise CorruptFile(
                f"{path}: the gzip file is truncated or damaged ({exc}); nothing was loaded. "
                "Fix: download or copy the file again."
            ) from exc
        return
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic[:2] != b"PK" and path.suffix.lower() != ".zip":
        return
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):  # zip containers read by the spreadsheet reader
        return
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile) and exc.errno is not None:
            raise
        raise CorruptFile(
            f"{path}: the zip file is truncated or damaged ({exc}); nothing was loaded. "
            "Fix: download or copy the file again."
        ) from exc
    if bad is not None:
        raise CorruptFile(
            f"{path}: member {bad} of the zip file is damaged (CRC mismatch); nothing was loaded."
        )


# --- rows that are not events ---------------------------------------------------------------------------


@dataclass
class RowNotes:
    """What a reader noticed about rows beyond their values: rows it skipped on purpose (with the reason,
    never silently) and flags for rows that load but were repaired or are doubtful."""

    #: (row number, reason, the row's text): not an event, kept in the raw rows and counted apart.
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    #: (row number, flag name): carried by the row's event in ``events.flags``.
    flags: list[tuple[int, str]] = field(default_factory=list)


#: A Humanitarian Exchange Language hashtag: ``#date+start``, ``#adm1 +name``, ``#affected+killed``.
HXL_TAG = re.compile(r"#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")


def is_hxl_row(values: Sequence[str | None]) -> bool:
    """Is this the HXL hashtag row HDX exports put under the header: every non-empty cell a hashtag, and
    at least two of them?"""
    cells = [v.strip() for v in values if v is not None and v.strip()]
    return len(cells) >= 2 and all(HXL_TAG.fullmatch(c) for c in cells)


def first_row(table: pa.Table) -> dict[str, object] | None:
    """The first record of a table as column → value (None when there is none)."""
    return table.slice(0, 1).to_pylist()[0] if table.num_rows else None


def skip_hxl_row(first: Mapping[str, object] | None, notes: RowNotes) -> None:
    """Note the first record (column → value, with ``_row``) as skipped when it is an HXL hashtag row (the
    rows are not changed: it stays in the raw rows, only the normalisation leaves it out)."""
    if first is None:
        return
    values = [v for k, v in first.items() if k != "_row"]
    if is_hxl_row(values):  # type: ignore[arg-type]
        text = ",".join(str(v or "") for v in values)
        notes.skipped.append(
            (int(first["_row"]), "HXL hashtag row (Humanitarian Exchange Language tags)", text)  # type: ignore[call-overload]
        )


#: A record short of at most this share of the header's fields (at least one) lost its trailing empty
#: fields (real ACLED exports write 29 fields under a 30-column header): it is padded with empty values
#: and flagged ``short_row_padded``.  A shorter one (a truncated line) stays malformed and is quarantined.
MAX_PADDED_SHARE = 0.10


def pad_short_rows(
    malformed: Sequence[MalformedRow], width: int, notes: RowNotes
) -> tuple[pa.Table | None, list[MalformedRow]]:
    """The records that only lack their trailing fields, padded with empty values (``c1 … cN`` and
    ``_row``, None when there is none), and the malformed records that are left."""
    allowed = max(1, int(MAX_PADDED_SHARE * width))
    padded: list[list[str]] = []
    rows: list[int] = []
    left: list[MalformedRow] = []
    for m in malformed:
        fields = next(csv.reader(io.StringIO(m.text)), []) if m.actual < m.expected else []
        if m.actual < m.expected and 0 < width - len(fields) <= allowed and len(fields) == m.actual:
            padded.append(fields + [""] * (width - len(fields)))
            rows.append(m.row)
        else:
            left.append(m)
    if not padded:
        return None, left
    notes.flags += [(r, "short_row_padded") for r in rows]
    extra = pa.table(
        {raw_column(i + 1): pa.array([r[i] for r in padded], pa.string()) for i in range(width)}
        | {"_row": pa.array(rows, pa.int64())}
    )
    return extra, left
