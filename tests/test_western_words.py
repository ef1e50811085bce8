"""One matcher of the words naming Western states (countries.western_words), read by the report's
Western-target test and by the claim checker: checked on real RAND descriptions and on realistic prose."""

from __future__ import annotations

import re

import pandas as pd
from analysis_fixtures import rand_file_events

from spillover.analysis.targets import load_country_groups
from spillover.claims.extract import _onset_claims, read_sentences
from spillover.countries import WESTERN_TERMS, western_states_named, western_words
from spillover.report.comparisons import western_flags

RAND = "events/rand_rdwti_1968_2009_exdex.csv.gz"
#: RAND opens each description with the event's country in capitals, then two spaces.
HEADING = re.compile(r"^[A-Z][A-Z .,'()-]*?\.\s\s")


def _description_flags(events: pd.DataFrame) -> pd.DataFrame:
    """The report's flags where only the description can decide (no nationality, no opponent)."""
    events = events.assign(target_nationality=None)
    return western_flags(events, pd.Series("", index=events.index)).set_index("event_id")


def test_rand_country_heading_is_where_not_whom() -> None:
    events = rand_file_events(RAND)
    flags = _description_flags(events)
    text = events.set_index("event_id")["description"].fillna("")
    headed = text.str.match(HEADING)
    assert headed.sum() > 5000  # RAND's convention for its older rows, not an accident of a few
    words = western_words(frozenset(load_country_groups()["western"]))
    body = text.str.replace(HEADING, "", regex=True)
    # a description whose body names no Western state is not Western, whatever its heading says
    body_names = body.map(lambda s: bool(words.search(s)))
    in_west_heading = text.str.extract(r"^([A-Z][A-Z ]+)\.", expand=False).isin(
        [w.upper() for ws in WESTERN_TERMS.values() for w in ws]
    )
    assert in_west_heading.sum() > 100
    assert not flags.loc[in_west_heading & ~body_names, "western"].any()
    assert flags["western"].eq(body_names).all()
    # 'U.S.' followed by a space was missed by the old report rule (a \b after a full stop)
    embassy = text.str.contains("the U.S. embassy", regex=False)
    assert embassy.sum() > 20 and flags.loc[embassy, "western"].all()
    assert set(flags.loc[embassy, "rule"]) == {"description names a Western state or people"}


def test_capitals_decide_a_word() -> None:
    words = western_words(frozenset(WESTERN_TERMS))
    named = ["Poles", "French", "U.S.", "US", "UK", "Frenchmen", "New Zealanders"]
    assert all(words.search(f"an attack on {w} workers") for w in named)
    unnamed = [
        "Protesters prevented poles from going ahead in the election",
        "let us go",
        "a french fries stand",
        "Kansas City, Missouri, U.S.A. contained an unknown agent",
        "USAID convoy",
        "Francesca was kidnapped",
    ]
    assert not any(words.search(t) for t in unnamed)
    assert western_words(frozenset()).search("French") is None


def test_claim_checker_reads_interveners_by_the_same_words() -> None:
    text = (
        "French and U.S. forces intervened in Mali in January 2013 against AQIM. "
        "An intervention by us in Niger in March 2014 was rumoured."
    )
    onsets = [claim for s in read_sentences(text) for _, claim in _onset_claims(s)]
    interveners = [c.details["interveners"] for c in onsets]
    assert interveners == [["FRA", "USA"], []]
    assert western_states_named("French and U.S. forces") == ["FRA", "USA"]
    assert western_states_named("an intervention by us, then by the Poles") == ["POL"]
