"""One documented normalisation of query results, so that DuckDB and Spark give equal DataFrames.

Engines hand back the same values in different pandas dtypes (DuckDB ``int32`` years, Spark ``int64``;
dates as ``datetime64`` or ``datetime.date`` objects; lists as NumPy arrays or Python lists).  Every query
function passes its result through :func:`normalise`, which fixes, from the Ibis schema of the query:

=================  ==============================================================
Ibis type          pandas dtype after normalisation
=================  ==============================================================
integer            ``Int64`` (nullable)
floating/decimal   ``float64`` (missing = NaN)
boolean            ``boolean`` (nullable)
date/timestamp     ``datetime64[ns]`` (time-zone naive, missing = NaT)
string             ``object`` holding ``str`` or ``None``
array              ``object`` holding a Python ``list`` or ``None``
=================  ==============================================================

and sorts the rows by the given key columns (missing values first), with a fresh ``RangeIndex``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis.expr.datatypes as dt
import numpy as np
import pandas as pd
from ibis.expr.schema import Schema


def _is_missing(value: Any) -> bool:
    return (
        value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT
    )


def _as_list(value: Any) -> list[Any] | None:
    if _is_missing(value):
        return None
    return [None if _is_missing(v) else v for v in list(value)]


def normalise_column(values: pd.Series, dtype: dt.DataType) -> pd.Series:
    """One column in the documented pandas dtype for its Ibis type."""
    if dtype.is_integer():
        return pd.to_numeric(values, errors="raise").astype("Int64")
    if dtype.is_floating() or dtype.is_decimal():
        return pd.to_numeric(values, errors="raise").astype("float64")
    if dtype.is_boolean():
        return values.astype("boolean")
    if dtype.is_date() or dtype.is_timestamp():
        stamps = pd.to_datetime(values)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        return stamps.astype("datetime64[ns]")
    if dtype.is_string():
        text = values.astype(object)
        return text.where(text.notna(), None)
    if dtype.is_array():
        return pd.Series([_as_list(v) for v in values], index=values.index, dtype=object)
    return values


def normalise(frame: pd.DataFrame, schema: Schema, sort_by: Sequence[str]) -> pd.DataFrame:
    """``frame`` with the documented dtypes, sorted by ``sort_by`` (missing first), index 0…n-1."""
    out = pd.DataFrame(
        {name: normalise_column(frame[name].reset_index(drop=True), dtype) for name, dtype in schema.items()}
    )
    if sort_by and len(out):
        out = out.sort_values(list(sort_by), na_position="first", kind="mergesort")
    return out.reset_index(drop=True)
