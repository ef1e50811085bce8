"""Result objects and their one serialisation.

Every analysis returns a typed result (a dataclass).  :class:`Result` gives each the same ``to_dict()``
(JSON-safe: DataFrames as lists of records, dates ISO, NaN/NaT as None) and ``to_frame()`` (its main
table), so that the report's JSON, the web API, the command line's ``--format json`` and the Python API
serialise the same object the same way — one answer per question, whatever the surface.

The analysis modules return DataFrames whose cells hold numpy scalars, ``NaN``, ``NaT``, timestamps and
tuples; none of these serialise as JSON, and a ``NaN`` that slipped through would make a browser's
``JSON.parse`` fail.  Every value that leaves a result goes through :func:`jsonable` once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd


def jsonable(value: Any) -> Any:
    """``value`` as JSON: NaN/NaT/NA become None, dates ISO strings, numpy scalars Python numbers."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str | bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return _iso_date(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _iso_date(pd.Timestamp(value))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return records(value)
    if hasattr(value, "to_dict") and dataclasses.is_dataclass(value):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump())
    return str(value)


def _iso_date(value: pd.Timestamp | dt.datetime) -> str:
    """A day when the time is midnight (event dates), else a full timestamp."""
    if value.hour == value.minute == value.second == value.microsecond == 0:
        return value.date().isoformat()
    return value.isoformat()


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Rows of ``frame`` (only ``columns`` that exist, in that order) as JSON-safe dicts."""
    if frame is None or frame.empty:
        return []
    keep = [c for c in columns if c in frame.columns] if columns is not None else list(frame.columns)
    return [
        {c: jsonable(v) for c, v in zip(keep, row, strict=True)}
        for row in frame[keep].itertuples(index=False, name=None)
    ]


def number(value: Any) -> float | None:
    """A finite float or None."""
    out = jsonable(value)
    return float(out) if isinstance(out, int | float) and not isinstance(out, bool) else None


#: Field metadata that keeps a field out of ``to_dict()`` (e.g. the event frame a result was computed on:
#: its evidence ids are serialised, not every event).
INTERNAL = {"serialise": False}


class Result:
    """Mixin of the analyses' result dataclasses: one JSON form and one main table for every surface.

    ``_frame`` names the field that ``to_frame()`` returns; a field with ``metadata=INTERNAL`` is left out
    of ``to_dict()``."""

    _frame: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-safe values (what the report's JSON, the web API and ``--format json`` carry)."""
        assert dataclasses.is_dataclass(self)
        return {
            f.name: jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.metadata.get("serialise", True)
        }

    def to_frame(self) -> pd.DataFrame:
        """The result's main table."""
        if not self._frame:
            return pd.DataFrame([{k: v for k, v in self.to_dict().items() if not isinstance(v, list | dict)}])
        return getattr(self, self._frame)
