"""Events to groups: uncertain and joint attribution stay visible, umbrellas get their components' events."""

from __future__ import annotations

import pandas as pd

from spillover.actors import Resolver, attribute_events


def _event_actors(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["event_id", "source", "role", "name", "ordinal", "uncertain", "date"])


def test_and_or_attribution_counts_for_every_candidate_as_uncertain(resolver: Resolver) -> None:
    actors = _event_actors(
        [
            (
                "acled:BFA1",
                "acled",
                "side_a",
                "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)",
                1,
                False,
                "2019-05-01",
            ),
            (
                "acled:BFA1",
                "acled",
                "side_b",
                "Military Forces of Burkina Faso (2015-)",
                1,
                False,
                "2019-05-01",
            ),
        ]
    )
    out = attribute_events(actors, resolver, roles=("side_a",), with_rollup=False)
    assert set(out["group_id"]) == {"jnim", "isgs"}
    assert set(out["certainty"]) == {"uncertain"}
    assert all(v.startswith("alias:") for v in out["via"])


def test_joint_and_certain_attribution(resolver: Resolver) -> None:
    actors = _event_actors(
        [
            ("gtd:1", "gtd", "perpetrator", "Ansar al-Dine (Mali)", 1, False, "2012-06-01"),
            (
                "gtd:1",
                "gtd",
                "perpetrator",
                "Movement for Oneness and Jihad in West Africa (MUJAO)",
                2,
                False,
                "2012-06-01",
            ),
            ("gtd:2", "gtd", "perpetrator", "Boko Haram", 1, False, "2014-04-14"),
            ("gtd:3", "gtd", "perpetrator", "Boko Haram", 1, True, "2014-05-01"),  # guncertain1 = 1
            ("gtd:4", "gtd", "perpetrator", "Unknown", 1, False, "2014-05-01"),
        ]
    )
    out = attribute_events(actors, resolver, with_rollup=False).set_index(["event_id", "group_id"])
    assert out.loc[("gtd:1", "ansar-dine"), "certainty"] == "joint"
    assert out.loc[("gtd:1", "mujao"), "certainty"] == "joint"
    assert out.loc[("gtd:2", "boko-haram"), "certainty"] == "certain"
    assert out.loc[("gtd:3", "boko-haram"), "certainty"] == "uncertain"
    assert "gtd:4" not in out.index.get_level_values(0)  # unknown perpetrators are never attributed


def test_ambiguous_names_are_uncertain_for_each_claimant(resolver: Resolver) -> None:
    out = attribute_events(
        _event_actors([("ged:9", "ged", "side_b", "ELN", 1, False, "2015-01-01")]),
        resolver,
        with_rollup=False,
    )
    assert len(out) == 3 and set(out["certainty"]) == {"uncertain"}


def test_components_roll_up_to_their_umbrella_of_the_day(resolver: Resolver) -> None:
    actors = _event_actors(
        [
            ("acled:MLI1", "acled", "side_a", "Katiba Macina", 1, False, "2018-03-01"),
            ("acled:MLI2", "acled", "side_a", "Katiba Macina", 1, False, "2016-03-01"),
        ]
    )
    out = attribute_events(actors, resolver).set_index(["event_id", "group_id"])
    assert out.loc[("acled:MLI1", "jnim"), "via"] == "rollup:katiba-macina"
    assert out.loc[("acled:MLI1", "katiba-macina"), "via"] == "alias:Katiba Macina"
    assert ("acled:MLI1", "ansar-dine") not in out.index
    assert out.loc[("acled:MLI2", "ansar-dine"), "via"] == "rollup:katiba-macina"  # before JNIM existed
    assert ("acled:MLI2", "jnim") not in out.index
    assert len(out.reset_index().drop_duplicates(["event_id", "group_id"])) == len(out)
