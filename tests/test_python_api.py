"""The Python API as a researcher uses it in a notebook: open, select, analyse, plot to a file."""

from __future__ import annotations

import doctest
import json
import warnings
from pathlib import Path

import pytest

import spillover as sp
import spillover.api

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")]


def test_every_docstring_example_runs(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    """The examples in the API's docstrings are the documentation: they must run as written."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = doctest.testmod(
            spillover.api,
            extraglobs={"store": loaded_store, "sp": sp, "tmp": str(tmp_path)},
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        )
    assert outcome.attempted >= 15 and outcome.failed == 0


def test_the_public_surface_is_small_and_documented() -> None:
    assert sorted(sp.__all__) == sorted(spillover.api.__all__)
    for name in sp.__all__:
        member = getattr(sp, name)
        assert member.__doc__, name
        if callable(member) and name != "GroupSelection":
            assert ">>>" in member.__doc__, f"{name} has no example"
    with pytest.raises(AttributeError):
        sp.no_such_function  # noqa: B018


def test_a_notebook_session(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    """Open the store, select a group, run every measure, plot the tactics and save the tables."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store = sp.open_store(loaded_store.path)
        try:
            g = sp.select(store, "Boko Haram", since="2012-01-01")
            assert g.view == "fused" and g.since == "2012-01-01"
            assert (g.events["date_end"] >= "2012-01-01").all()
            entries = sp.expansion(g).to_frame()
            assert {"country_iso3", "date", "first_contact", "evidence_event_ids"} <= set(entries.columns)
            tactics = sp.tactics(g)
            chart = tactics.totals.reset_index().plot.bar(x="tactic", y="share")  # pandas → matplotlib
            chart.figure.savefig(tmp_path / "tactics.png")
            assert (tmp_path / "tactics.png").stat().st_size > 1000
            opp = sp.opportunism(g)
            assert set(opp.entries["classification"]) <= {
                "opportunism",
                "retaliation",
                "own_conflict",
                "none",
            }
            json.dumps(sp.autonomy(g).to_dict())  # JSON as it is
            sp.theatres(g).to_frame().to_csv(tmp_path / "theatres.csv")
            assert (tmp_path / "theatres.csv").stat().st_size > 0
        finally:
            store.close()
