"""What the command line prints, in one place: one console for results (stdout), one for messages and
progress (stderr), one number formatter, one way to print a table, and :func:`emit`, which prints a
result as JSON (its ``to_dict()``), CSV (its ``to_frame()``) or tables.

Numbers read the same in every command: thousands separators, never scientific notation, shares as
percentages, counts as integers, "—" for unknown.  When stdout is not a terminal (a pipe, a file) tables
are printed at full width, so that no id or name is split across lines.

Nothing heavy is imported here at module level: ``spillover --help`` loads this module.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

#: Results: tables, sentences, JSON and CSV.
console = Console(soft_wrap=True, highlight=False)
#: Messages: errors, progress, timings (never mixed into a result that is piped on).
err = Console(stderr=True, soft_wrap=True, highlight=False)

#: What an unknown value prints as.
UNKNOWN = "—"
#: Width of tables when stdout is not a terminal: wide enough that no cell is ever folded.
PIPE_WIDTH = 10_000


class Format(StrEnum):
    """How a command prints its result."""

    table = "table"
    csv = "csv"
    json = "json"


@dataclass
class Settings:
    quiet: bool = False
    verbose: bool = False


settings = Settings()
#: When the command started: plain progress lines say the seconds since.
_started = time.perf_counter()


def configure(*, quiet: bool = False, verbose: bool = False) -> None:
    """Set up the consoles for one command: ``--quiet`` turns progress and notes off, ``--verbose`` adds
    the time of each step; tables run at full width when stdout is not a terminal."""
    global _started
    settings.quiet, settings.verbose = quiet, verbose and not quiet
    _started = time.perf_counter()
    console.width = None  # type: ignore[assignment]  # measured again: stdout may have been replaced
    if not console.is_terminal:
        console.width = PIPE_WIDTH


# -- numbers -----------------------------------------------------------------------------------------------
_SHARE = re.compile(r"(^|_)(share|percentile|pct)(_|$)")
_COUNT = re.compile(
    r"^(events|n|rows|order|rank|fatalities|wounded|hostages|deaths|count|names)$|"
    r"(^n_)|(_(events|count|rank|rows|fatalities)$)|(^(events|rows)_)"
)
_PVALUE = re.compile(r"(^|_)p(_value)?$")
_YEAR = re.compile(r"(^|_)year$|^(year|period|month|date)")


def column_kind(column: str | None) -> str:
    """How a column's numbers read: ``share`` (a percentage), ``count`` (an integer), ``p`` (a p-value),
    ``year`` (no separator) or ``number``; decided by the column's name, the same in every table."""
    name = (column or "").lower()
    if _SHARE.search(name):
        return "share"
    if _PVALUE.search(name):
        return "p"
    if _YEAR.search(name):
        return "year"
    if _COUNT.search(name):
        return "count"
    return "number"


def is_unknown(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    module = type(value).__module__
    if module.startswith(("pandas", "numpy")):
        import pandas as pd

        try:
            return bool(pd.isna(value))
        except (TypeError, ValueError):
            return False
    return False


def number(value: float, kind: str = "number") -> str:
    """A number as text with Python format specs: thousands separators, never scientific notation."""
    if kind == "share":
        return format(value, ".1%")
    if kind == "p":
        return "< 0.001" if 0 < value < 0.001 else format(value, ".3f")
    if kind == "year":
        return format(value, ".0f")
    if kind == "count" or float(value).is_integer():
        return format(value, ",.0f")
    size = abs(value)
    if size < 0.00005:
        return format(0, ".0f")
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 0.01 else 4
    return format(value, f",.{decimals}f")


def fmt(value: Any, column: str | None = None) -> str:
    """Any cell of a result as text (the one formatter of the command line): numbers by their column's
    kind (:func:`column_kind`), dates as ISO days, lists joined, unknowns as "—"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset) or type(value).__name__ == "ndarray":
        items = [fmt(v, column) for v in value]
        return ", ".join(items[:8]) + (f" … (+{len(items) - 8:,})" if len(items) > 8 else "")
    if is_unknown(value):
        return UNKNOWN
    if hasattr(value, "strftime"):
        if getattr(value, "hour", 0) or getattr(value, "minute", 0):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        kind = column_kind(column)
        return number(int(value), kind if kind in ("year", "share") else "count")
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        return number(float(value), column_kind(column))
    return str(value)


def plain(value: Any) -> Any:
    """A cell for CSV: full precision but never scientific notation, ISO dates, lists joined by "; "."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set | frozenset) or type(value).__name__ == "ndarray":
        return "; ".join(str(plain(v)) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={plain(v)}" for k, v in value.items())
    if is_unknown(value):
        return ""
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        import numpy as np

        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, dt.datetime | dt.date) or hasattr(value, "isoformat"):
        return fmt(value)
    return value


# -- tables --------------------------------------------------------------------------------------------------
def _is_id(column: str) -> bool:
    return column == "id" or column.endswith(("_id", "_ids", "file", "sha256"))


def table(
    frame: pd.DataFrame, title: str = "", columns: Sequence[str] | None = None, limit: int | None = None
) -> Table:
    """A rich table of ``frame`` (only ``columns`` that exist, in that order; at most ``limit`` rows, the
    rest counted in the caption): numbers right-aligned and formatted by :func:`fmt`, ids never wrapped."""
    from rich.table import Table

    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    out = Table(title=title or None, title_justify="left", title_style="bold")
    for c in cols:
        numeric = str(frame[c].dtype).startswith(("int", "uint", "float", "Int", "Float"))
        out.add_column(
            str(c),
            justify="right" if numeric else "left",
            no_wrap=_is_id(str(c)),
            overflow="ellipsis" if _is_id(str(c)) else "fold",
        )
    shown = frame if limit is None else frame.head(limit)
    for row in shown[cols].itertuples(index=False, name=None):
        out.add_row(*(escape(fmt(v, c)) for v, c in zip(row, cols, strict=True)))
    if limit is not None and len(frame) > limit:
        out.caption = f"{len(frame) - limit:,} more rows: --format csv prints every row"
        out.caption_justify = "left"
    return out


def show(
    frame: pd.DataFrame, title: str = "", columns: Sequence[str] | None = None, limit: int | None = None
):
    """Print :func:`table` on the results console."""
    console.print(table(frame, title, columns, limit))


def say(text: str) -> None:
    """Print a line of a result (rich markup allowed)."""
    console.print(text)


def note(text: str) -> None:
    """A message beside the result (stderr), silenced by ``--quiet``."""
    if not settings.quiet:
        err.print(text)


def error(text: str) -> None:
    err.print(f"[bold red]error:[/] {escape(text)}")


# -- results ---------------------------------------------------------------------------------------------------
def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV (no index), each cell through :func:`plain`."""
    cells = frame.apply(lambda col: col.map(plain)) if len(frame.columns) else frame
    return cells.to_csv(index=False)


def json_text(payload: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``payload`` as JSON (valid JSON: no NaN; ``default`` turns what JSON cannot hold into a value)."""
    import json

    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False, default=default)


def write(text: str) -> None:
    """Raw text on stdout (JSON, CSV): no markup, no wrapping."""
    console.file.write(text if text.endswith("\n") else text + "\n")
    console.file.flush()


def emit(
    result: Any,
    fmt_: Format | str,
    render: Callable[[Any], None] | None = None,
    *,
    header: str | None = None,
) -> None:
    """Print ``result``: ``json`` → ``result.to_dict()``; ``csv`` → ``result.to_frame()``; ``table`` →
    ``header`` (the selection's scope and view) then ``render(result)`` (default: the main table)."""
    chosen = Format(fmt_)
    if chosen is Format.json:
        write(json_text(result.to_dict()))
    elif chosen is Format.csv:
        write(csv_text(result.to_frame()))
    else:
        if header:
            say(escape(header))
        (render or (lambda r: show(r.to_frame())))(result)


# -- progress ----------------------------------------------------------------------------------------------------
class Steps:
    """The steps of a long command on stderr, never on stdout: a spinner naming the current step on a
    terminal; when stderr is a pipe or a file, one plain line per step (``plain``), so that a piped command
    still says what it is doing; nothing with ``--quiet``; with ``--verbose`` one line per step with the
    seconds it took."""

    def __init__(self, status: Any, *, plain: bool = False) -> None:
        self._status = status
        self._plain = plain
        self._step: str | None = None
        self._started = time.perf_counter()

    def __call__(self, message: str) -> None:
        self._finish()
        self._step, self._started = message, time.perf_counter()
        if self._status is not None:
            self._status.update(message)
        elif self._plain:
            progress_line(message)

    def _finish(self) -> None:
        if self._step is not None and settings.verbose:
            err.print(f"[dim]{self._step} {time.perf_counter() - self._started:.1f} s[/]")


#: What a plain progress line looks like: "[  12 s] message" (the seconds since the command started).
PROGRESS_LINE = re.compile(r"^\[\s*\d+ s\] ")


def progress_line(message: str) -> None:
    """One line of progress on stderr when it is not a terminal (a pipe, a log file), unless ``--quiet``:
    "[  12 s] message"."""
    if progress_shown():
        err.print(f"[{time.perf_counter() - _started:4.0f} s] {message}", markup=False)


def progress_shown() -> bool:
    """Whether a command shows its progress (on stderr): always, unless ``--quiet``."""
    return not settings.quiet


@contextmanager
def working(message: str) -> Iterator[Steps]:
    """Progress of a long command, starting with step ``message``; call the yielded object with the next
    step's description.  A spinner on a terminal, plain lines otherwise, nothing with ``--quiet``."""
    if progress_shown() and err.is_terminal:
        with err.status(message) as status:
            steps = Steps(status)
            steps(message)
            yield steps
            steps._finish()
    else:
        steps = Steps(None, plain=progress_shown())
        steps(message)
        yield steps
        steps._finish()
