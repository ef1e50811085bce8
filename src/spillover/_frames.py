"""Small helpers on pandas frames shared by the vectorised rules (fusion, attribution)."""

from __future__ import annotations

import pandas as pd


def column_or_missing(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or missing values when the frame has no such column (as ``record.get(name)`` reads a
    row: a rule written for rows with or without the column reads both the same way)."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
