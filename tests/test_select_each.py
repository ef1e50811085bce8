"""Several groups selected in one pass (``select_each``, autonomy's parent and peers) are the selections each
group gets alone: the same events, stored rows, links, rows set aside and counts, in every view.

On the store loaded with every real event file, with nothing kept between runs (each side computes afresh)."""

from __future__ import annotations

import pandas as pd
import pytest

from spillover.actors import branches, default_registry
from spillover.fusion.matching import match_each, match_events
from spillover.selection import select
from spillover.selection.group import select_each
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")

#: al-Qaeda (core) and its branches: AQIM's parent and peers, from a few events (AQIS) to thousands (al-Shabaab)
PARENT = "aq-core"


@pytest.fixture(autouse=True)
def _computed_afresh(monkeypatch):
    monkeypatch.setenv("SPILLOVER_NO_MEMO", "1")


def _groups() -> list[str]:
    return [PARENT, *branches(default_registry(), PARENT)]


def _frames_equal(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.mark.parametrize("view", ["fused", "acled", "all"])
def test_groups_selected_together_are_those_selected_alone(loaded_store: Store, view: str):
    groups = _groups()
    assert len(groups) >= 6
    together = select_each(loaded_store, groups, include=(), view=view)
    assert list(together) == groups
    with_events = 0
    for group in groups:
        alone = select(loaded_store, group, include=(), view=view)
        both = together[group]
        assert (both.group_id, both.name, both.view, both.n_left_out) == (
            alone.group_id, alone.name, alone.view, alone.n_left_out,
        )  # fmt: skip
        for part in ("events", "source_events", "links", "names", "scoped_out"):
            _frames_equal(getattr(both, part), getattr(alone, part))
        with_events += len(alone.events) > 0
    assert with_events >= 4  # the comparison is not between empty frames


def test_links_matched_together_are_those_matched_alone(loaded_store: Store):
    """Each set's links among its own events only, even where the sets' events overlap in place and time."""
    shabaab = select(loaded_store, "al-Shabaab", view="all").events
    somalia = loaded_store.query(
        "SELECT event_id FROM events WHERE country_iso3 = 'SOM' AND year BETWEEN 2010 AND 2012"
    )
    sets = {"shabaab": shabaab, "somalia": somalia, "one": shabaab.head(1)}
    together = match_each(loaded_store, sets)
    for key, events in sets.items():
        _frames_equal(together[key], match_events(loaded_store, events))
    assert len(together["shabaab"]) > 100 and len(together["somalia"]) > 100
    assert together["one"].empty
