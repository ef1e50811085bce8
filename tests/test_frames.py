"""Row concatenation whose column types do not depend on a frame's all-missing columns."""

from __future__ import annotations

import warnings

import pandas as pd

from spillover._frames import concat_rows


def test_an_all_missing_column_takes_the_type_the_other_frames_give() -> None:
    """Events with figures and dates, then a frame where every figure is missing (object): the figures stay
    float and the dates datetime, as pandas 2 decides, without the warning that pandas 3 will decide
    otherwise; a bool column with a missing value becomes object, never a bool that reads NaN as True."""
    a = pd.DataFrame(
        {
            "fatalities": [1.0, 2.0],
            "date": pd.to_datetime(["2012-01-16", "2012-03-30"]),
            "suicide": [True, False],
        }
    )
    b = pd.DataFrame({"fatalities": [None], "date": [None], "suicide": [None]}, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = concat_rows([a, b])
    assert out["fatalities"].dtype == "float64" and out["date"].dtype == "datetime64[ns]"
    assert out["suicide"].dtype == object and out["suicide"].tolist()[:2] == [True, False]
    assert (
        pd.isna(out["suicide"].iloc[2])
        and pd.isna(out["fatalities"].iloc[2])
        and pd.isna(out["date"].iloc[2])
    )
    assert list(out.index) == [0, 1, 2]
