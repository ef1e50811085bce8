"""What a loader is: pinned layouts plus SQL expressions that map a source's columns to the event schema.

Loaders are declarative on purpose: each one says, per schema column, which SQL expression over the
source's own (text) columns produces it, which checks make a row impossible, and which columns name
actors.  The staging code (:mod:`spillover.sources.stage`) runs them in DuckDB; because they are plain
SQL over text columns, the same logic can run on another SQL engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from spillover.sources.layouts import Layout

if TYPE_CHECKING:
    import pyarrow as pa


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str | None) -> str:
    """A SQL string literal (or NULL)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def trimmed(sql: str) -> str:
    """DuckDB's ``trim(sql)``, calling it only where the first or the last character may be white space.

    ``trim`` strips the Unicode space separators (category Zs: ' ', U+00A0, U+2000–U+200A, U+3000 …) and
    finds a string's end by decoding it from the start: ~1 µs for a 300-character description, where
    comparing its first and last characters is O(1).  A text whose first and last characters are both
    printable ASCII ('!' … '~') has nothing to strip, so it is kept as it is; any other goes through
    ``trim`` (same result, checked against ``trim`` in the tests)."""
    printable = "BETWEEN '!' AND chr(127)"
    return f"CASE WHEN {sql} {printable} AND {sql}[-1] {printable} THEN {sql} ELSE trim({sql}) END"


def txt(col: str) -> str:
    """The column's trimmed text, NULL when empty."""
    return f"NULLIF(trim({q(col)}), '')"


def long_txt(col: str) -> str:
    """:func:`txt` of a column of long free text (a description), trimmed by :func:`trimmed`: faster where
    the text is long, slower than ``trim`` on short values (and DuckDB does not share a CASE between the
    expressions that repeat it), so only for descriptions."""
    return f"NULLIF({trimmed(q(col))}, '')"


def num(col: str) -> str:
    """The column as a finite number, NULL when empty or not a number ('inf' and 'NaN' are not numbers:
    a count or a coordinate of infinity is impossible)."""
    cast = f"TRY_CAST({txt(col)} AS DOUBLE)"
    return f"CASE WHEN isfinite({cast}) THEN {cast} END"


def not_a_number(col: str) -> str:
    """True where the column holds text that is not a number (an impossible count)."""
    return f"({txt(col)} IS NOT NULL AND {num(col)} IS NULL)"


def count(col: str, unknown_codes: tuple[int, ...] = ()) -> str:
    """A count: NULL when empty, when it is one of the source's 'unknown' codes, or when not a whole number."""
    n = num(col)
    unknown = f"{n} IN ({', '.join(map(str, unknown_codes))}) OR " if unknown_codes else ""
    return f"CASE WHEN {unknown}{n} <> floor({n}) OR {n} < 0 THEN NULL ELSE {n} END"


def fractional(col: str) -> str:
    """True where a count is not a whole number (e.g. mean-imputed by whoever exported the file)."""
    return f"({num(col)} IS NOT NULL AND {num(col)} <> floor({num(col)}))"


def case_map(expr: str, mapping: Mapping[str, str], default: str = "NULL") -> str:
    """CASE expression mapping source codes to normalised values (a pinned table, in SQL)."""
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in mapping.items())
    return f"CASE {expr} {whens} ELSE {default} END"


@dataclass(frozen=True)
class Check:
    """A condition that makes a row impossible: it goes to quarantine with ``field`` and ``reason``."""

    field: str
    bad: str  # SQL condition, true when the row is impossible
    reason: str
    value: str  # SQL expression giving the offending value as text


@dataclass(frozen=True)
class Flag:
    """A data-quality note on an event that is kept (the value concerned is set to unknown)."""

    name: str
    when: str  # SQL condition


@dataclass(frozen=True)
class ActorColumn:
    """A column naming an actor, with its role and whether the attribution is uncertain."""

    role: str
    ordinal: int
    name: str  # SQL expression
    uncertain: str = "false"  # SQL condition
    #: Separator between several names in one cell (ACLED's associated actors: '; ').
    separator: str = "\x1f"


@dataclass
class Context:
    """What a loader knows about the file being loaded."""

    layout: Layout
    present: set[str]
    provided: dict[str, str] = field(default_factory=dict)
    #: Number of columns in the file (its raw row width).
    width: int = 0

    def has(self, col: str) -> bool:
        return col in self.present or col in self.provided

    def text(self, col: str) -> str:
        """Trimmed text of a column, or the file-wide value the user provided for it."""
        return lit(self.provided[col]) if col in self.provided else txt(col)


class Loader:
    """Base class: subclasses fill in the class attributes and the three methods."""

    source: str = ""
    layouts: tuple[Layout, ...] = ()
    #: Canonical column that holds the source's own event id (None: ids are content hashes).
    id_columns: tuple[str, ...] = ()
    #: The column the event's date is read from (named when a date is out of range).
    date_field: str = ""
    citation: str = ""
    #: Canonical column saying when the source last changed an event (ACLED's ``timestamp``): a newer
    #: copy of a stored event is an edit (a new version); None where the source does not say.
    update_stamp_column: str | None = None

    def fields(self, ctx: Context) -> dict[str, str]:
        """Schema column → SQL expression (columns not returned are NULL)."""
        raise NotImplementedError

    def checks(self, ctx: Context) -> list[Check]:
        return []

    def flags(self, ctx: Context) -> list[Flag]:
        return []

    def shared_values(self, ctx: Context) -> list[dict[str, str]]:
        """Values several fields and checks read, computed once per row before them: levels of name → SQL
        over the source's columns (and the names of the levels before), referenced by name in the fields'
        and checks' SQL.  DuckDB evaluates an expression written inside CASE expressions once per writing:
        a date parsed in five fields and checks would be parsed five times."""
        return []

    def content_id_values(self, ctx: Context) -> dict[str, str]:
        """For sources without ids: column → SQL of its value as the content id reads it, where the
        default (trimmed text, see :func:`spillover.sources.rowsql.normalised_text`) is not enough (a date
        written in several formats is read as the date)."""
        return {}

    def actors(self, ctx: Context) -> list[ActorColumn]:
        raise NotImplementedError

    #: True for a source whose files the loader reads itself (no header row: GDELT); see :meth:`read`.
    own_format: bool = False

    def reads(self, path: Path) -> bool:
        """Is ``path`` a file in this loader's own format (checked by content)?  Only for ``own_format``
        loaders: :func:`spillover.sources.stage.stage_file` then reads it with :meth:`read`."""
        return False

    def read(self, path: Path) -> tuple[list[str], pa.Table, str]:
        """``(header, raw table c1 … cN + _row, encoding)`` of a file in the loader's own format."""
        raise NotImplementedError(f"{self.source} files have a header row: they are read as CSV")

    def sniff(self, header: list[str]) -> bool:
        """Does this header look like this source at all (used to guess the source)?"""
        cols = set(header)
        return any(
            len(cols & set(layout.canonical(header)) & set(layout.columns)) >= 3 for layout in self.layouts
        )


# --- checks shared by several loaders -------------------------------------------------------------


def coordinate_checks(lat: str = "latitude", lon: str = "longitude") -> list[Check]:
    return [
        Check(
            lat,
            f"{not_a_number(lat)} OR abs({num(lat)}) > 90",
            "latitude not a number in [-90, 90]",
            txt(lat),
        ),
        Check(
            lon,
            f"{not_a_number(lon)} OR abs({num(lon)}) > 180",
            "longitude not a number in [-180, 180]",
            txt(lon),
        ),
    ]


def count_checks(*cols: str, unknown_codes: tuple[int, ...] = ()) -> list[Check]:
    """A count that is not a finite number (text, 'inf', 'NaN') or is negative is impossible: quarantined.
    A negative code the source documents as 'unknown' (GTD's -99, -9) is not: see :func:`unknown_code`."""
    allowed = f" AND {num('{c}')} NOT IN ({', '.join(map(str, unknown_codes))})" if unknown_codes else ""
    checks = []
    for c in cols:
        cast = f"TRY_CAST({txt(c)} AS DOUBLE)"
        checks.append(Check(c, f"{txt(c)} IS NOT NULL AND {cast} IS NULL", "count is not a number", txt(c)))
        checks.append(Check(c, f"NOT isfinite({cast})", "count is infinite or NaN", txt(c)))
        checks.append(Check(c, f"{num(c)} < 0" + allowed.replace("{c}", c), "count is negative", txt(c)))
    return checks


def unknown_code(col: str, unknown_codes: tuple[int, ...]) -> str:
    """True where a count holds one of the source's documented 'unknown' codes (then stored as NULL)."""
    return f"({num(col)} IN ({', '.join(map(str, unknown_codes))}))"


def split_uncertain(name_sql: str) -> str:
    """SQL list of the candidate names in an 'A and/or B' attribution (ACLED's convention)."""
    return f"string_split({name_sql}, ' and/or ')"


# Keyword rules for sources that describe an event in free text but do not code its tactic finely
# (RAND, ACLED before 2019).  Pinned and tested; applied to the description only.
DESCRIPTION_TACTIC_RULES: tuple[tuple[str, str], ...] = (
    ("suicide_attack", r"(?i)\bsuicide[- ]?(bomb|attack|car|truck|vest|belt|operation|bomber)"),
    ("kidnapping", r"(?i)\b(kidnap|abduct|hostage|taken captive)"),
    ("assassination", r"(?i)\bassassinat"),
    ("hijacking", r"(?i)\bhijack"),
)


def description_tactics(description_sql: str) -> str:
    """SQL list of the tactics that the keyword rules find in a description."""
    parts = [
        f"CASE WHEN regexp_matches(coalesce({description_sql}, ''), {lit(rx)}) THEN {lit(t)} END"
        for t, rx in DESCRIPTION_TACTIC_RULES
    ]
    return f"list_filter([{', '.join(parts)}], lambda x: x IS NOT NULL)"
