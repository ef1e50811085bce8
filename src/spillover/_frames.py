"""Small helpers on pandas frames shared by the vectorised rules (fusion, attribution)."""

from __future__ import annotations

import pandas as pd


def column_or_missing(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or missing values when the frame has no such column (as ``record.get(name)`` reads a
    row: a rule written for rows with or without the column reads both the same way)."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def concat_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames' rows in one frame (a new index), each column's type decided by the frames where it has
    values: a column that is all missing in one frame (object, say) takes the type the others give it.

    Why: that is what pandas 2 does, with a FutureWarning that a later pandas will let the all-missing column
    decide (an event's figures would turn to object the day one selection has none); an explicit cast keeps
    the answer the same on both.  Only types that can hold a missing value are given (never bool or int)."""
    typed = [_typed_like(frame, frames) for frame in frames]
    return pd.concat(typed, ignore_index=True)


def _typed_like(frame: pd.DataFrame, frames: list[pd.DataFrame]) -> pd.DataFrame:
    casts = {}
    for name in frame.columns[frame.isna().all().to_numpy()]:
        dtype = next((o[name].dtype for o in frames if name in o and o[name].notna().any()), None)
        if dtype is not None and dtype != frame[name].dtype and _holds_missing(dtype):
            casts[name] = dtype
    return frame.astype(casts) if casts else frame


def _holds_missing(dtype: object) -> bool:
    kind = getattr(dtype, "kind", "O")
    return kind in "fMmOU" or isinstance(dtype, pd.api.extensions.ExtensionDtype)
