"""Claim check on the reference article: the Algiers bombings of April and December 2007 and the January
2013 gas-facility hostage seizure are found, and each verdict agrees with the figures this test reads itself
from the raw dataset files (pandas on the CSVs, not the store)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from spillover.claims import CONTRADICTED, NOT_CHECKABLE, SUPPORTED, ClaimVerdict, check_claims
from spillover.claims.dates import find_dates
from spillover.claims.events import TOLL_ABS, TOLL_REL, toll_agrees
from spillover.claims.evidence import MIN_EVENTS_PER_YEAR
from spillover.claims.mentions import find_tolls
from spillover.claims.text import MAX_SENTENCE_CHARS, sentences

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "aqim-assessment.txt"
RAND_FILE = "events/rand_rdwti_1968_2009_exdex.csv.gz"
GTD_SUBSET = "events/gtd_lgcpspde_2010_2017_subset.csv.gz"


def within_tolerance(claimed: int, data: float, at_least: bool = False) -> bool:
    """The documented tolerance, written out again here: max(2, 10%); 'more than N' needs N − tolerance."""
    tol = max(TOLL_ABS, TOLL_REL * claimed)
    return data >= claimed - tol if at_least else abs(data - claimed) <= tol


@pytest.fixture(scope="module")
def reference_text(real_data: Path) -> str:
    path = REFERENCE if REFERENCE.is_file() else real_data.parent / "reference" / "aqim-assessment.txt"
    if not path.is_file():
        pytest.skip(f"reference article not found at {path}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def verdicts(loaded_store, reference_text: str) -> list[ClaimVerdict]:
    return check_claims(reference_text, loaded_store, "AQIM")


@pytest.fixture(scope="module")
def rand(real_data: Path) -> pd.DataFrame:
    return pd.read_csv(real_data / RAND_FILE, low_memory=False)


def one(verdicts: list[ClaimVerdict], *words: str, kind: str = "event") -> ClaimVerdict:
    found = [v for v in verdicts if v.kind == kind and all(w in v.text for w in words)]
    assert len(found) == 1, f"expected one {kind} claim with {words}, found {[v.text[:80] for v in found]}"
    return found[0]


def rand_day(rand: pd.DataFrame, day: str) -> pd.DataFrame:
    rows = rand[(rand["Date"] == day) & (rand["City"] == "Algiers")]
    return rows[rows["Perpetrator"].str.contains("Islamic Maghreb", na=False)]


def test_april_2007_algiers_bombing(verdicts, rand, loaded_store) -> None:
    v = one(verdicts, "April, 2007", "Algiers")
    rows = rand_day(rand, "2007-04-11")
    killed, wounded = rows["Fatalities"].sum(), rows["Injuries"].sum()
    assert (killed, wounded) == (31, 212)  # two RAND rows: the Prime Minister's office and a police station
    expected = (
        SUPPORTED
        if within_tolerance(33, killed) and within_tolerance(200, wounded, at_least=True)
        else CONTRADICTED
    )
    assert v.verdict == expected == SUPPORTED
    assert f"{killed:.0f} killed" in v.data_figure and f"{wounded:.0f} wounded" in v.data_figure
    assert v.aspects["killed"] == SUPPORTED and v.aspects["wounded"] == SUPPORTED
    consulted = {
        tuple(loaded_store.raw_row(e)[0][c] for c in ("Date", "Fatalities", "Injuries")) for e in v.event_ids
    }
    assert consulted == {(r.Date, str(r.Fatalities), str(r.Injuries)) for r in rows.itertuples()}


def test_december_2007_algiers_bombing(verdicts, rand) -> None:
    v = one(verdicts, "December of the same year", "Algiers")
    assert v.claim["when"] == "2007-12"  # "of the same year" takes the year of the claim before
    rows = rand_day(rand, "2007-12-11")
    killed = rows["Fatalities"].sum()
    assert killed == 67
    assert v.verdict == (SUPPORTED if within_tolerance(41, killed) else CONTRADICTED) == CONTRADICTED
    assert f"{killed:.0f} killed" in v.data_figure and v.aspects["killed"] == CONTRADICTED
    assert v.aspects["killed (UN employees)"] == NOT_CHECKABLE  # a subset cannot be checked against a total


def test_in_amenas_hostage_seizure(verdicts, real_data: Path) -> None:
    v = one(verdicts, "hostage seizure", "January 2013")
    gtd = pd.read_csv(real_data / GTD_SUBSET, low_memory=False)
    rows = gtd[(gtd["country"] == "Algeria") & (gtd["iyear"] == 2013) & (gtd["imonth"] == 1)]
    southeast = rows[(rows["latitude"] < 30) & (rows["longitude"] > 5)]  # In Amenas, 28.1 N 9.6 E
    assert len(southeast) == 1
    row = southeast.iloc[0]
    # the data have the attack, but not under AQIM: the verdict must say so, with the data's figure and name
    assert "Islamic Maghreb" not in row["gname"]
    assert (
        v.verdict == CONTRADICTED
        and v.aspects["perpetrator"] == CONTRADICTED
        and v.aspects["event"] == SUPPORTED
    )
    assert row["gname"] in v.data_figure and f"{row['nkill']:.0f} killed" in v.data_figure
    assert "split from Al-Qaeda in the Islamic Maghreb" in v.data_figure
    assert any(k.startswith("killed (Americans") and s == NOT_CHECKABLE for k, s in v.aspects.items())
    assert len(v.event_ids) == 1 and v.event_ids[0].startswith("gtd:")


def test_other_claims_are_judged_too(verdicts) -> None:
    kinds = {v.kind for v in verdicts}
    assert {"event", "entry", "onset", "relation", "count"} <= kinds
    libya = one(verdicts, "expanded operations into Libya", kind="entry")
    # first AQIM event in Libya: 2013; but the only file covering Libya in 2011 holds one event there, so the
    # data could not have seen an entry in 2011: not checkable, not contradicted (issue 14)
    assert (
        libya.verdict == NOT_CHECKABLE and "2013" in libya.data_figure and "not covered" in libya.explanation
    )
    serval = one(verdicts, "France intervened", kind="onset")
    assert serval.verdict == SUPPORTED and "2013-01-11" in serval.data_figure
    radicals = [v for v in verdicts if v.kind == "entry" and "radicals" in v.text]
    assert radicals and all(v.verdict == NOT_CHECKABLE for v in radicals)  # individuals, not a group
    assert all(v.verdict == NOT_CHECKABLE for v in verdicts if v.kind == "count")
    assert all(v.verdict in (SUPPORTED, CONTRADICTED, NOT_CHECKABLE) for v in verdicts)


def test_not_in_the_data_names_the_covering_files(loaded_store) -> None:
    text = "In March 2019, AQIM carried out a bombing in Paris that killed 12 people."
    (v,) = [x for x in check_claims(text, loaded_store, "AQIM") if x.kind == "event"]
    assert v.verdict == NOT_CHECKABLE
    assert "covers" in v.explanation or "covering" in v.explanation


def test_sentence_split_keeps_abbreviations() -> None:
    parts = sentences("The U.S. consulate was hit. Gen. Ham spoke in July, 2013. Then it ended.")
    assert parts == ["The U.S. consulate was hit.", "Gen. Ham spoke in July, 2013.", "Then it ended."]


def test_a_text_without_sentence_ends_is_cut_into_bounded_parts() -> None:
    claim = "AQIM bombed Algiers in April 2007, killing 33."
    text = " ".join(["casualty figures disputed"] * 2000) + " " + claim  # a pasted table: no full stop
    parts = sentences(text)
    assert max(map(len, parts)) <= MAX_SENTENCE_CHARS and len(parts) == -(-len(text) // MAX_SENTENCE_CHARS)
    assert " ".join(parts) == text and parts[-1].endswith(claim)  # nothing lost, words never cut


def test_dates_have_the_precision_of_their_text() -> None:
    got = {
        w.text: (w.precision, str(w))
        for w in find_dates("on September 11, 2012, in April, 2007, in 2011 and the 1990s")
    }
    assert got["on September 11, 2012"] == ("day", "2012-09-11")
    assert ("month", "2007-04") in got.values() and ("year", "2011") in got.values()
    assert got["the 1990s"][0] == "decade"
    (dec,) = find_dates("another bombing during December of the same year", context_year=2007)
    assert (dec.precision, str(dec)) == ("month", "2007-12")
    assert find_dates("killing 41, 17 being UN employees") == []


def test_tolls_and_tolerance() -> None:
    tolls = {
        (t.what, t.value, t.qualifier, t.subset) for t in find_tolls("left 33 dead and injured more than 200")
    }
    assert tolls == {("killed", 33, "exact", None), ("wounded", 200, "at_least", None)}
    (t,) = find_tolls("which killed four U.S. citizens")
    assert (t.value, t.subset) == (4, "U.S. citizens")
    assert toll_agrees(33, "exact", 31) and not toll_agrees(41, "exact", 67)
    assert (
        toll_agrees(200, "at_least", 212)
        and toll_agrees(200, "at_least", 181)
        and not toll_agrees(200, "at_least", 150)
    )
    assert toll_agrees(100, "about", 119) and not toll_agrees(100, "exact", 119)
    assert toll_agrees(10, "at_most", 11) and not toll_agrees(10, "at_most", 20)


def test_an_entry_where_no_file_covers_the_country_then_is_not_checkable(loaded_store) -> None:
    """Issue 14: "expanded into Libya in 2011" is not contradicted when the store's only file covering
    Libya in 2011 holds a single event there; the same claim about a covered country-year is."""
    per_file = loaded_store.query(
        "SELECT file_id, count(*) AS n FROM events WHERE country_iso3 = ? AND date_start >= ? AND date_start <= ? GROUP BY 1",
        ["LBY", date(2011, 1, 1), date(2011, 12, 31)],
    )
    assert per_file["n"].max() < MIN_EVENTS_PER_YEAR  # the data were not following Libya in 2011
    iraq = loaded_store.query(
        "SELECT max(n) AS n FROM (SELECT file_id, count(*) AS n FROM events WHERE country_iso3 = 'IRQ' "
        "AND year(date_start) = 2011 GROUP BY 1)"
    )["n"].iloc[0]
    assert iraq >= MIN_EVENTS_PER_YEAR  # … but were following Iraq
    result = check_claims(
        "AQIM expanded operations into Libya in 2011. AQIM expanded operations into Iraq in 2011.",
        loaded_store,
        "AQIM",
    )
    libya, iraq_claim = (v for v in result if v.kind == "entry")
    assert (libya.verdict, libya.reason) == (NOT_CHECKABLE, "no coverage")
    assert "first event in Libya 2013" in libya.data_figure and "not covered" in libya.explanation
    assert (
        iraq_claim.verdict == CONTRADICTED
        and "no event of the group's lineage in Iraq" in iraq_claim.data_figure
    )


def test_a_date_alone_does_not_support_a_cause(loaded_store) -> None:
    plain, causal, outcome = (
        check_claims(text, loaded_store, "AQIM")
        for text in (
            "The U.S. invaded Iraq in 2003.",
            "The U.S. invasion of Iraq in 2003 strengthened ties between the GSPC and AQ.",
            "Responding to terrorist gains, France intervened in northern Mali in January, 2013.",
        )
    )
    (dated,) = [v for v in plain if v.kind == "onset"]
    assert dated.verdict == SUPPORTED and "2003-03-20" in dated.data_figure
    (cause,) = [
        v for v in causal if v.kind == "onset"
    ]  # the dated fact is the cause: the claim is its effect
    assert (cause.verdict, cause.label) == (NOT_CHECKABLE, "not checkable (causal)")
    assert cause.data_figure == dated.data_figure  # the date is still shown to agree …
    assert cause.aspects["dated part"] == SUPPORTED and cause.aspects["causal link"] == NOT_CHECKABLE
    assert "'strengthened'" in cause.explanation and "does not show what it caused" in cause.explanation
    (effect,) = [v for v in outcome if v.kind == "onset"]  # the dated fact is the outcome: supported as such
    assert (effect.verdict, effect.reason) == (SUPPORTED, "dated part only")
    assert effect.aspects["causal link"] == NOT_CHECKABLE and "dated part only" in effect.explanation
    counts = causal.counts()
    assert counts["not_checkable"] == 1 and counts["supported_by_events"] == 0


def test_summary_separates_events_from_the_registry(verdicts) -> None:
    by_kind = {}
    for v in verdicts:
        by_kind.setdefault((v.verdict, v.kind in ("relation", "founding")), []).append(v)
    counts = verdicts.counts()
    assert counts == {
        "supported_by_events": len(by_kind.get((SUPPORTED, False), [])),
        "consistent_with_registry": len(by_kind.get((SUPPORTED, True), [])),
        "contradicted": sum(v.verdict == CONTRADICTED for v in verdicts),
        "not_checkable": sum(v.verdict == NOT_CHECKABLE for v in verdicts),
    }
    assert counts["supported_by_events"] and counts["consistent_with_registry"]  # the article has both
    assert sum(counts.values()) == len(verdicts) == verdicts.to_dict()["claims"]
    assert verdicts.summary_line() == (
        f"{counts['supported_by_events']} supported by events, {counts['consistent_with_registry']} consistent "
        f"with the registry, {counts['contradicted']} contradicted, {counts['not_checkable']} not checkable"
    )
    assert all(
        v.as_dict()["basis"] == ("registry" if v.kind in ("relation", "founding") else "events")
        for v in verdicts
    )


EVENT_SENTENCES = (
    "In April, 2007, AQIM conducted a suicide bombing in Algiers that left 33 dead and injured more than 200.",
    "In December 2007, AQIM bombed the UN offices in Algiers, killing 41.",
    "In January 2013, AQIM seized hostages at a gas facility in southeastern Algeria, killing 37.",
    "In March 2019, AQIM carried out a bombing in Paris that killed 12 people.",
    "In 2012, AQIM attacked soldiers in Gao, killing 10.",
    "In June 2009, AQIM ambushed a convoy in Algeria, killing 18 soldiers.",
)


def test_store_queries_do_not_grow_with_the_number_of_event_claims(loaded_store, monkeypatch) -> None:
    from spillover.store import Store

    calls: list[str] = []
    original = Store.query

    def counting(self, sql, params=None):  # noqa: ANN001, ANN202
        calls.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(Store, "query", counting)
    queries, events = [], []
    for text in (EVENT_SENTENCES[0], " ".join(EVENT_SENTENCES), " ".join(EVENT_SENTENCES * 3)):
        calls.clear()
        result = check_claims(text, loaded_store, "AQIM")
        queries.append(len(calls))
        events.append(sum(v.kind == "event" for v in result))
    assert events[0] == 1 and events[1] >= 5  # distinct claims (repeats of a sentence give the same verdict)
    assert queries[0] == queries[1] == queries[2]
    # no look-up per event: attribution comes with the events, in the one batched query
    assert not [sql for sql in calls if "event_id = ?" in sql]


def test_the_report_states_the_same_summary(verdicts) -> None:
    from spillover.report.assess import claims_view

    view = claims_view(verdicts)
    assert view["summary"] == f"{len(verdicts)} checkable claims found: {verdicts.summary_line()}."
    assert "not checkable (causal)" in str(view["table"])  # the report shows why a claim is not checkable
