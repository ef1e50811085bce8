"""Staging: one file → normalised events, actor names, raw rows and quarantined rows, in temp tables.

Nothing here touches the store's permanent tables; :mod:`spillover.store` moves the staged tables in
one transaction, so an ingest interrupted at any point leaves the store as it was.

Staged tables (all TEMP, replaced at each call):

* ``_stage_events``  — the event schema, one row per event (a view: read it once); ``_stage_event_ids`` its ids;
* ``_stage_actors``  — ``event_id, role, ordinal, name, uncertain`` (from ``_stage_cells``, the names of each
  distinct actor cell, :mod:`spillover.sources.actorsql`), and ``_stage_attribution``;
* ``_stage_raw``     — ``row_number, event_id``: every row, linked to its event (NULL when quarantined);
and the original values (``c1 … cN``, named by ``Staged.header``) are in the raw Parquet file a CSV was read
into (``Staged.raw_path``), or in memory as an Arrow table (``Staged.table``); the SQL reads them as ``_file``;
* ``_stage_quarantine`` — ``row_number, field, value, reason`` for rows that were not loaded, among them
  the malformed records (wrong number of fields: field ``row``, the record's text as value), which are in
  neither ``Staged.table`` nor the normalised tables (``_stage_malformed``).
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from spillover._duck import scalar
from spillover.countries import codes_kept, to_iso3
from spillover.countries import prepare as prepare_countries
from spillover.errors import InputError
from spillover.schema import EVENT_COLUMNS
from spillover.sources.actorsql import actors_sql, attribution_join, attribution_sql, cells_sql
from spillover.sources.base import Context, Loader, lit, q
from spillover.sources.layouts import LayoutError, Match, match_layout
from spillover.sources.rawcopy import ParquetSink, TableSink
from spillover.sources.reading import (
    MalformedRow,
    NotUTF8,
    RowNotes,
    check_compressed,
    check_malformed,
    detect_encoding,
    first_row,
    pad_short_rows,
    raw_column,
    raw_columns,
    read_csv_into,
    read_header,
    skip_hxl_row,
    unique_names,
)
from spillover.sources.rowsql import (
    flags_sql,
    problems_sql,
    source_id_sql,
    whole_id,
)
from spillover.sources.spreadsheet import read_spreadsheet

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: More deaths than this in one event is implausible for any source's event: kept, flagged.
IMPLAUSIBLE_DEATHS = 100_000


@dataclass
class Staged:
    """What a file produced, before it is committed to the store."""

    path: Path
    source: str
    layout: str
    layout_description: str
    encoding: str
    #: One row per actor (the layout's flag, as staged): its events are never edits of a dyadic file's.
    monadic: bool
    rows: int
    events: int
    quarantined_rows: int
    absent_columns: tuple[str, ...]
    extra_columns: tuple[str, ...]
    #: The file's header as written: the keys of every raw row (stored once per file).
    header: tuple[str, ...] = ()
    #: The raw rows (``c1 … cN`` and ``_row``), as read, when they are kept in memory …
    table: pa.Table | None = None
    #: … or the Parquet file they were written to as the file was read (the store's raw copy).
    raw_path: Path | None = None
    provided: dict[str, str] = field(default_factory=dict)
    #: Records with the wrong number of fields: quarantined (field ``row``), not in ``table``.
    malformed: tuple[MalformedRow, ...] = ()
    #: Rows that are not events (HXL hashtag rows, empty spreadsheet rows): kept raw, counted apart.
    skipped: int = 0
    #: The file's SHA-256 when it was computed as the file was read (a CSV), else empty.
    sha256: str = ""


def _loaders() -> Sequence[Loader]:
    from spillover.sources import LOADERS

    return list(LOADERS.values())


def _own_format_loader(path: Path, source: str | None) -> Loader | None:
    """The loader that reads ``path`` itself: the one named by ``source`` when it has its own format,
    else (source not given) the first ``own_format`` loader that recognises the file by its content."""
    from spillover.sources import LOADERS

    if source is not None:
        chosen = LOADERS.get(source)
        return chosen if chosen is not None and chosen.own_format else None
    return next((x for x in _loaders() if x.own_format and x.reads(path)), None)


def choose_loader(
    header: list[str], filename: str, source: str | None, allow_extra: bool, provided: Mapping[str, str]
) -> tuple[Loader, Match]:
    """The loader and layout for a header; with no ``source`` given, every loader is tried."""
    from spillover.sources import LOADERS

    if source is not None:
        if source not in LOADERS:
            raise InputError(f"unknown source {source!r}; known sources: {', '.join(LOADERS)}")
        loader = LOADERS[source]
        return loader, match_layout(
            header, loader.layouts, filename=filename, allow_extra=allow_extra, provided=list(provided)
        )
    errors = []
    for loader in _loaders():
        try:
            return loader, match_layout(
                header, loader.layouts, filename=filename, allow_extra=allow_extra, provided=list(provided)
            )
        except LayoutError as exc:
            if loader.sniff(header):
                errors.append(str(exc))
    if errors:
        raise LayoutError(" | ".join(errors))
    raise LayoutError(
        f"{filename}: the columns match no known source ({', '.join(x.source for x in _loaders())}); "
        f"first columns: {', '.join(header[:8])}. Fix: pass --source NAME if you know the dataset."
    )


def _source_view_sql(loader: Loader, match: Match, names: list[str], skipped: bool) -> str:
    """SELECT over the raw table ``_file`` giving every column any layout of the source knows (absent ones
    NULL), by its canonical name, beside the raw values ``c1 … cN``; without the rows that are not events
    (``_stage_skipped``) when there are any (``skipped``).

    Every known column exists, so a loader's SQL can name any of them whatever the file's layout.  The
    filter is left out when nothing is skipped: DuckDB guesses that it keeps a fifth of the rows, and so
    builds its hash joins of the rows to ``_status`` on the wide side (the actor rows of ACLED 2M: 0.6 →
    0.3 CPU s, 590 → 290 MB)."""
    canonical = match.layout.canonical(names)
    known = set(match.layout.columns)
    cols = [f"c{i} AS {q(canon)}" for i, canon in enumerate(canonical, start=1) if canon in known]
    present = {canon for canon in canonical if canon in known}
    every = dict.fromkeys(c for layout in loader.layouts for c in layout.columns)
    cols += [f"NULL::VARCHAR AS {q(c)}" for c in every if c not in present]
    where = " WHERE _row NOT IN (SELECT row_number FROM _stage_skipped)" if skipped else ""
    return f"SELECT _row, {', '.join(cols)}, {raw_columns(len(names))} FROM _file{where}"


def _normalised_sql(loader: Loader, ctx: Context) -> str:
    """Per raw row: its id, problems, flags, update stamp, normalised values and actor names.

    The normalised values are computed in an inner SELECT, once each: the date range checks read the dates
    from there (DuckDB does not share an expression between a CASE and the select list); below it, the
    loader's shared values (:meth:`Loader.shared_values`)."""
    fields = loader.fields(ctx)
    unknown = set(fields) - {c.name for c in EVENT_COLUMNS}
    if unknown:
        raise AssertionError(f"loader {loader.source} maps unknown schema columns {unknown}")
    generic = {"event_id", "source", "source_id", "file_id", "row_number", "flags", "attribution"}
    columns = [c for c in EVENT_COLUMNS if c.name not in generic]
    computed = {c.name: q(f"_f_{c.name}") for c in columns}
    inner = [f"({fields.get(c.name, 'NULL')})::{c.duckdb_type} AS {computed[c.name]}" for c in columns]
    exprs = [f"{computed[c.name]} AS {c.name}" for c in columns]
    actors = [
        f"({a.name})::VARCHAR AS _actor{i}, ({a.uncertain})::BOOLEAN AS _actor{i}_unc"
        for i, a in enumerate(loader.actors(ctx))
    ]
    rows = "_src"
    for level in loader.shared_values(ctx):
        rows = f"(SELECT *, {', '.join(f'{sql} AS {q(name)}' for name, sql in level.items())} FROM {rows})"
    return f"""
        SELECT _row, {source_id_sql(loader, ctx)} AS _sid,
               {problems_sql(loader, ctx, computed)} AS _problems, {flags_sql(loader, ctx)} AS _flags,
               {_stamp_sql(loader, ctx)} AS _stamp, {", ".join(exprs + actors)}
        FROM (SELECT *, {", ".join(inner)} FROM {rows})
    """


def _stamp_sql(loader: Loader, ctx: Context) -> str:
    """When the source last changed the row's event (ACLED's ``timestamp``, seconds since 1970), else NULL."""
    column = loader.update_stamp_column
    if not column or not ctx.has(column):
        return "NULL::BIGINT"
    return f"TRY_CAST({whole_id(ctx.text(column))} AS BIGINT)"


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    source: str | None = None,
    allow_extra: bool = False,
    provided: Mapping[str, str] | None = None,
    raw_path: Path | None = None,
) -> Staged:
    """Read, validate and normalise one file into the ``_stage_*`` temp tables.

    With ``raw_path``, a CSV's raw rows are written there as Parquet while it is read (the store's raw
    copy, :mod:`spillover.sources.rawcopy`) and staged from it: the file is never whole in memory.  The
    caller owns that file (removes it if the ingest does not commit).  Without, they stay in memory."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    provided = dict(provided or {})
    notes = RowNotes()
    check_compressed(path)
    own = _own_format_loader(path, source)
    if own is not None:  # a header-less format the loader reads itself (GDELT)
        header_original, table, encoding = own.read(path)
        names = unique_names(header_original)
        loader = own
        match = match_layout(names, own.layouts, filename=path.name, provided=list(provided))
    elif path.suffix.lower() in SPREADSHEET_SUFFIXES:
        header_original, table, notes = read_spreadsheet(path)
        encoding = "xlsx"
        names = unique_names(header_original)
        loader, match = choose_loader(names, path.name, source, allow_extra, provided)
        skip_hxl_row(first_row(table), notes)
    else:
        if zipfile.is_zipfile(path):
            raise InputError(
                f"{path}: a .zip archive that is not a GDELT export; unzip it and load the file inside "
                "(CSV files may be gzipped: .csv.gz)"
            )
        return _stage_csv(
            con, path, source=source, allow_extra=allow_extra, provided=provided, raw_path=raw_path
        )
    return stage_table(
        con,
        table,
        header_original,
        loader=loader,
        match=match,
        path=path,
        encoding=encoding,
        provided=provided,
        notes=notes,
    )


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    source: str | None,
    allow_extra: bool,
    provided: dict[str, str],
    raw_path: Path | None,
) -> Staged:
    """A delimited file: its encoding (UTF-8, checked by Arrow as it reads; else cp1252 or latin-1, chosen
    by a scan of the whole file), loader and layout from the header, then the records read once, block by
    block, into the raw rows (Parquet at ``raw_path``, else memory), and staged."""
    try:
        encoding, header = "utf-8", read_header(path, "utf-8")
    except UnicodeDecodeError:
        encoding = detect_encoding(path, ("cp1252",))
        header = read_header(path, encoding)
    # the country names are converted once the rows are read; their codes are kept between runs (the
    # converter, ~0.4 CPU s, loads then only for names not seen before), else it loads meanwhile
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spillover-countries") as pool:
        if not codes_kept():
            pool.submit(prepare_countries)
        while True:
            names = unique_names(header)
            loader, match = choose_loader(names, path.name, source, allow_extra, provided)
            sink: ParquetSink | TableSink = ParquetSink(raw_path) if raw_path is not None else TableSink()
            try:
                read = read_csv_into(path, len(names), encoding, sink)
                break
            except NotUTF8:  # a byte deep in the file is not UTF-8: read it again in the encoding that fits
                if encoding != "utf-8":
                    raise
                encoding = detect_encoding(path, ("cp1252",))
                header = read_header(path, encoding)
    notes = RowNotes()
    try:
        padded, malformed = pad_short_rows(read.malformed, len(names), notes)
        kept = read.rows + (padded.num_rows if padded is not None else 0)
        check_malformed(path, kept, malformed, len(names))
        first = read.first
        if padded is not None:
            sink.write(padded)  # after the rows read: row numbers, not positions, order the raw rows
            if first is None or int(padded["_row"][0].as_py()) < int(first["_row"]):  # type: ignore[call-overload]
                first = first_row(padded)
        skip_hxl_row(first, notes)
        sink.close()
    except BaseException:
        sink.abort()
        raise
    if isinstance(sink, ParquetSink):
        rows: pa.Table | Path = sink.path
    else:
        rows = sink.table([raw_column(i) for i in range(1, len(names) + 1)])
        rows = rows.sort_by("_row") if padded is not None else rows
    staged = _stage_rows(
        con,
        rows,
        kept,
        header,
        loader=loader,
        match=match,
        path=path,
        encoding=encoding,
        provided=provided,
        malformed=malformed,
        notes=notes,
    )
    staged.sha256 = read.sha256
    return staged


def stage_table(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    header: Sequence[str],
    *,
    loader: Loader,
    match: Match,
    path: Path,
    encoding: str,
    provided: Mapping[str, str] | None = None,
    malformed: Sequence[MalformedRow] = (),
    notes: RowNotes | None = None,
) -> Staged:
    """Validate and normalise raw rows already read (``c1 … cN`` and ``_row``, every value as text) into
    the ``_stage_*`` temp tables: the one path for files and for pages pulled from an API."""
    return _stage_rows(
        con,
        table,
        table.num_rows,
        header,
        loader=loader,
        match=match,
        path=path,
        encoding=encoding,
        provided=provided,
        malformed=malformed,
        notes=notes,
    )


def _register_rows(con: duckdb.DuckDBPyConnection, rows: pa.Table | Path) -> None:
    """The raw rows as ``_file`` (``_row``, ``c1 … cN``): an Arrow table read in place, or a view over the
    raw Parquet file (each pass reads only the columns it needs)."""
    if isinstance(rows, pa.Table):
        con.register("_file", rows)
    else:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _file AS SELECT * EXCLUDE (row_number), row_number AS _row "
            f"FROM read_parquet({lit(Path(rows).as_posix())})"
        )


def _stage_rows(
    con: duckdb.DuckDBPyConnection,
    rows: pa.Table | Path,
    kept: int,
    header: Sequence[str],
    *,
    loader: Loader,
    match: Match,
    path: Path,
    encoding: str,
    provided: Mapping[str, str] | None = None,
    malformed: Sequence[MalformedRow] = (),
    notes: RowNotes | None = None,
) -> Staged:
    """Stage ``kept`` well-formed raw rows (an Arrow table, or the raw Parquet file they were written to)."""
    provided = dict(provided or {})
    names = unique_names(list(header))
    notes = notes if notes is not None else RowNotes()
    canonical_present = {c for c in match.layout.canonical(names)} & set(match.layout.columns)
    ctx = Context(layout=match.layout, present=canonical_present, provided=provided, width=len(names))
    _register_rows(con, rows)
    _stage_malformed(con, malformed)
    _stage_notes(con, notes)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _src AS {_source_view_sql(loader, match, names, bool(notes.skipped))}"
    )
    _stage_normalised(con, loader, ctx, match.layout.monadic)
    _stage_stamps(con, match.layout.monadic)
    events = scalar(con, "SELECT count(*) FROM _stage_event_ids")
    quarantined = scalar(con, "SELECT count(DISTINCT row_number) FROM _stage_quarantine")
    return Staged(
        path=path,
        source=loader.source,
        layout=match.layout.name,
        layout_description=_describe_match(match),
        encoding=encoding,
        monadic=match.layout.monadic,
        rows=kept + len(malformed),
        events=events,
        quarantined_rows=quarantined,
        absent_columns=match.absent,
        extra_columns=match.extra,
        header=tuple(header),
        table=rows if isinstance(rows, pa.Table) else None,
        raw_path=None if isinstance(rows, pa.Table) else Path(rows),
        provided=provided,
        malformed=tuple(malformed),
        skipped=len(notes.skipped),
    )


def _stage_stamps(con: duckdb.DuckDBPyConnection, monadic: bool) -> None:
    """``_stage_stamps (event_id, stamp)``: when the source last changed each staged event (NULL where the
    source does not say), from the id-check pass (no second read of the rows).  The store compares it with
    the stored version's to tell an edit from an older copy (:mod:`spillover.versions`)."""
    if monadic:  # the rows of an event may say different times: the latest
        select = "SELECT event_id, max(_stamp) AS stamp FROM _status WHERE _ok GROUP BY event_id"
    else:  # one loaded row per event
        select = "SELECT event_id, _stamp AS stamp FROM _status WHERE _ok"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_stamps AS {select}")


def _stage_notes(con: duckdb.DuckDBPyConnection, notes: RowNotes) -> None:
    """``_stage_skipped (row_number, reason, value)``: rows that are not events; ``_stage_row_flags
    (row_number, flags)``: flags the reader gave rows (padded short rows, doubtful spreadsheet cells)."""
    skipped = pa.table(
        {
            "row_number": pa.array([r for r, _, _ in notes.skipped], pa.int64()),
            "reason": pa.array([why for _, why, _ in notes.skipped], pa.string()),
            "value": pa.array([text for _, _, text in notes.skipped], pa.string()),
        }
    )
    flags = pa.table(
        {
            "row_number": pa.array([r for r, _ in notes.flags], pa.int64()),
            "flag": pa.array([f for _, f in notes.flags], pa.string()),
        }
    )
    con.register("_skipped_rows", skipped)
    con.register("_flagged_rows", flags)
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_skipped AS SELECT * FROM _skipped_rows")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _stage_row_flags AS "
        "SELECT row_number, list_sort(list_distinct(list(flag))) AS flags FROM _flagged_rows GROUP BY row_number"
    )
    con.unregister("_skipped_rows")
    con.unregister("_flagged_rows")


def _stage_malformed(con: duckdb.DuckDBPyConnection, malformed: Sequence[MalformedRow]) -> None:
    """``_stage_malformed (row_number, value, reason)``: the records with the wrong number of fields."""
    rows = pa.table(
        {
            "row_number": pa.array([m.row for m in malformed], pa.int64()),
            "value": pa.array([m.text for m in malformed], pa.string()),
            "reason": pa.array([m.reason for m in malformed], pa.string()),
        }
    )
    con.register("_malformed_rows", rows)
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_malformed AS SELECT * FROM _malformed_rows")
    con.unregister("_malformed_rows")


def _describe_match(match: Match) -> str:
    """The layout's description, saying so when the file is a subset of it."""
    total = len(match.layout.columns)
    if not match.absent:
        return match.layout.description
    return f"{match.layout.description} (subset: {total - len(match.absent)} of {total} columns)"


def _stage_normalised(con: duckdb.DuckDBPyConnection, loader: Loader, ctx: Context, monadic: bool) -> None:
    # The normalised rows are a view (_n0) over the raw rows, never materialised: what the id checks decide
    # per row is computed once into a narrow table (_status), and the actors and the events are read from
    # _n0 joined to it (_n), each pass computing only the columns it needs.
    con.execute(f"CREATE OR REPLACE TEMP VIEW _n0 AS {_normalised_sql(loader, ctx)}")
    # Ids: a missing id is a problem; a repeated id is a duplicate (except in monadic files, where the
    # rows of one event share its id); identical id-less rows get an occurrence suffix.  A row's rank and
    # the first row of its id come from one window (its first row is the minimum: one sort, not two).
    has_ids = any(ctx.has(c) for c in loader.id_columns)
    dup_problem = (
        "CASE WHEN _rank > 1 THEN [{'field': 'id', 'value': _sid, 'reason': 'duplicate id (first seen in row ' "
        "|| _first || ')'}] ELSE [] END"
        if has_ids and not monadic
        else "[]"
    )
    missing_id = (
        "CASE WHEN _sid IS NULL THEN [{'field': 'id', 'value': NULL::VARCHAR, 'reason': 'missing id'}] ELSE [] END"
        if has_ids
        else "[]"
    )
    suffix = "" if has_ids else " || CASE WHEN _rank > 1 THEN '-' || _rank ELSE '' END"
    if monadic:  # an event is loaded only if every one of its rows is valid
        ok = "_eid NOT IN (SELECT _eid FROM r WHERE len(_problems) > 0 OR _eid IS NULL)"
    else:
        ok = f"len(list_concat(_problems, {dup_problem}, {missing_id})) = 0"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _status AS
        WITH r AS (
            SELECT _row, _sid, {_event_id_sql(loader, "_sid")} AS _eid, _problems, _stamp,
                   row_number() OVER w AS _rank, first_value(_row) OVER w AS _first
            FROM _n0
            WINDOW w AS (PARTITION BY _sid ORDER BY _row)
        )
        SELECT _row, _sid, _rank, _eid{suffix} AS event_id,
               list_concat(_problems, {dup_problem}, {missing_id}) AS _problems,
               coalesce({ok}, false) AS _ok, _stamp
        FROM r
    """)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _n AS {_loaded_rows_sql(loader, has_ids and not monadic)}")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _stage_quarantine AS
        SELECT _row AS row_number, p.field AS field, p.value AS value, p.reason AS reason
        FROM (SELECT _row, unnest(_problems) AS p FROM _status)
        UNION ALL
        SELECT _row, 'event', NULL, 'another row of the same event was quarantined'
        FROM _status WHERE NOT _ok AND len(_problems) = 0
        UNION ALL
        SELECT row_number, 'row', value, reason FROM _stage_malformed
    """)
    con.execute("""
        CREATE OR REPLACE TEMP VIEW _stage_raw AS
        SELECT _row AS row_number, CASE WHEN _ok THEN event_id END AS event_id FROM _status
        UNION ALL
        SELECT row_number, NULL FROM _stage_malformed
        UNION ALL
        SELECT row_number, NULL FROM _stage_skipped
    """)
    actors = loader.actors(ctx)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_cells AS {cells_sql(actors)}")
    # a view where the commit reads it once (into event_actors), a table where the events' side B reads it too
    kind = "TABLE" if monadic else "VIEW"
    _drop_stage_actors(con)  # a table left by a failed staging of the other kind would refuse the replace
    con.execute(f"CREATE OR REPLACE TEMP {kind} _stage_actors AS {actors_sql(actors, monadic)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_attribution AS {attribution_sql(actors)}")
    _stage_events(con, loader, ctx, monadic)


def _event_id_sql(loader: Loader, sid: str) -> str:
    """A row's event id from its source id (``sid``, SQL): the source's name, a colon, the id."""
    return f"{lit(loader.source)} || ':' || {sid}"


def _loaded_rows_sql(loader: Loader, first_only: bool) -> str:
    """``_n``: the rows of ``_n0`` with their ids, rank and ``_ok`` from the id checks (``_status``).

    ``first_only`` (one row per event, every event with its id): a loaded row is its id's first (a later
    one is a duplicate, not loaded), so its event id is computed from the row and only the few rows that
    do not load are looked up, instead of a hash join of every row to ``_status`` (ACLED 2M: the events'
    and the actor rows' selects each ~0.3–0.5 CPU s less)."""
    if not first_only:
        return """
            SELECT n.* EXCLUDE (_problems, _sid, _stamp), s._sid, s.event_id, s._rank, s._ok
            FROM _n0 n JOIN _status s USING (_row)
        """
    return f"""
        SELECT n.* EXCLUDE (_problems, _stamp), {_event_id_sql(loader, "n._sid")} AS event_id,
               1::BIGINT AS _rank, true AS _ok
        FROM _n0 n ANTI JOIN (SELECT _row FROM _status WHERE NOT _ok) USING (_row)
    """


def _country_codes(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, list[str]]:
    """ISO3 codes for the distinct country names, through country_converter; and the codes the file itself
    writes that are no ISO 3166 code while its country name has one (ACLED's ``ROM`` for Romania), which the
    name's code replaces: kept, they would put the events under a country no page or analysis knows."""
    pairs = con.execute("SELECT DISTINCT country, country_iso3 FROM _n0 WHERE country IS NOT NULL").fetchall()
    codes = to_iso3(name for name, _ in pairs)
    differing = {given for name, given in pairs if given and codes.get(name) not in (None, given)}
    not_iso = sorted(code for code, iso in to_iso3(differing).items() if iso != code) if differing else []
    return pd.DataFrame(list(codes.items()), columns=["country", "iso3"], dtype="object"), not_iso


def _stage_events(con: duckdb.DuckDBPyConnection, loader: Loader, ctx: Context, monadic: bool) -> None:
    """``_stage_events`` in one pass over ``_n``, with the country codes, the attribution (from the actor
    names) and, in monadic files, side B (the actor named on an event's second row) joined in."""
    present = {r[0] for r in con.execute("DESCRIBE _n").fetchall()}
    names, not_iso = _country_codes(con)
    iso3 = "coalesce(n.country_iso3, m.iso3)"
    if not_iso:  # the name's code where the file's is no ISO code (none in most files: nothing to test then)
        listed = ", ".join(lit(code) for code in not_iso)
        iso3 = f"CASE WHEN n.country_iso3 IN ({listed}) THEN coalesce(m.iso3, n.country_iso3) ELSE {iso3} END"
    select = []
    for c in EVENT_COLUMNS:
        if c.name == "event_id":
            select.append("n.event_id")
        elif c.name == "source":
            select.append(f"{lit(loader.source)} AS source")
        elif c.name == "source_id":
            select.append("n._sid AS source_id")
        elif c.name == "file_id":
            select.append("NULL::VARCHAR AS file_id")
        elif c.name == "row_number":
            select.append("n._row AS row_number")
        elif c.name == "flags":
            implausible = (
                f"CASE WHEN n.fatalities > {IMPLAUSIBLE_DEATHS} THEN ['fatalities_implausible'] END"
                if "fatalities" in present
                else "NULL"
            )
            select.append(
                f"list_concat(n._flags, coalesce(rf.flags, []::VARCHAR[]), coalesce({implausible}, []::VARCHAR[])) "
                "AS flags"
            )
        elif c.name == "attribution":
            select.append("coalesce(a._attribution, 'none') AS attribution")
        elif c.name == "country_iso3":
            select.append(f"{iso3} AS country_iso3")
        elif c.name == "side_b" and monadic:
            original = "n.side_b" if "side_b" in present else "NULL::VARCHAR"
            select.append(f"coalesce(b._side_b, {original}) AS side_b")
        elif c.name in present:
            select.append(f"n.{c.name}")
        else:
            select.append(f"NULL::{c.duckdb_type} AS {c.name}")
    # names split from one 'A and/or B' cell share an ordinal: ties broken by name, so every run agrees
    side_b = (
        """LEFT JOIN (SELECT event_id, string_agg(name, '; ' ORDER BY ordinal, name) AS _side_b FROM _stage_actors
                     WHERE role = 'side_b' GROUP BY event_id) b ON b.event_id = n.event_id"""
        if monadic
        else ""
    )
    con.register("_iso_codes", names)
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_iso AS SELECT * FROM _iso_codes")
    con.unregister("_iso_codes")
    # A view, not a table: the commit reads it once, straight into the store (the wide rows are not copied
    # an extra time); what needs only the ids reads the narrow _stage_event_ids.
    con.execute(f"""
            CREATE OR REPLACE TEMP VIEW _stage_events AS
            SELECT {", ".join(select)}
            FROM _n n
            LEFT JOIN _stage_iso m ON m.country = n.country
            LEFT JOIN _stage_row_flags rf ON rf.row_number = n._row
            LEFT JOIN _stage_attribution a ON {attribution_join(loader.actors(ctx))}
            {side_b}
            WHERE n._ok {"AND n._rank = 1" if monadic else ""}
        """)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW _stage_event_ids AS
        SELECT event_id FROM _status WHERE _ok {"AND _rank = 1" if monadic else ""}
    """)


def _drop_stage_actors(con: duckdb.DuckDBPyConnection) -> None:
    for kind in ("VIEW", "TABLE"):
        with contextlib.suppress(duckdb.CatalogException):  # _stage_actors is either, by the file's layout
            con.execute(f"DROP {kind} IF EXISTS _stage_actors")


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Free the staging tables once they are committed (or abandoned)."""
    con.execute("DROP VIEW IF EXISTS _stage_raw")
    _drop_stage_actors(con)
    for view in ("_stage_events", "_stage_event_ids", "_n", "_n0", "_src"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    with contextlib.suppress(duckdb.Error):
        con.unregister("_file")
    con.execute("DROP VIEW IF EXISTS _file")
    for table in (
        "_stage_cells",
        "_stage_attribution",
        "_stage_iso",
        "_stage_quarantine",
        "_stage_malformed",
        "_stage_stamps",
        "_stage_skipped",
        "_stage_row_flags",
        "_status",
    ):
        con.execute(f"DROP TABLE IF EXISTS {table}")
