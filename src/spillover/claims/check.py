"""Check a written assessment against the data: :func:`check_claims` finds the checkable factual claims of a
text (plain or Markdown) and judges each as **supported**, **contradicted** (with the data's figure) or
**not checkable**, listing the event ids it consulted.

What is extracted (:mod:`spillover.claims.extract`; dates with dateparser, everything else with regular
expressions — no network, no language model): dated attacks with a place, a tactic and/or tolls; entries
into a country; instability onsets; lineage facts (renamings, pledges, mergers, splits, foundings, checked
against the actor registry: the verdict says so); absences of a tactic; counts event data cannot check.

How each is judged: events in :mod:`spillover.claims.events`; the others below.  Three rules apply to all:

* **Coverage** — a claim about a country and period the store's files do not cover
  (:meth:`Evidence.covered`) is not checkable, never contradicted: silence of data that were not
  looking is not evidence.
* **Causes** — a date does not show a cause.  When the claim's dated fact is the cause the sentence names
  ("The U.S. invasion of Iraq in 2003 strengthened ties …"), a supported date makes the claim "not
  checkable (causal)"; when the dated fact is the outcome ("France intervened in 2013 in response to …"), it
  stays supported "for its dated part only", and says so.  The causal link itself is an aspect never
  checked.
* **Evidence** — the summary keeps "supported by events" apart from "consistent with the registry"
  (lineage claims: :mod:`spillover.claims.verdicts`).
"""

from __future__ import annotations

import pandas as pd

from spillover.claims.events import check_event, group_name
from spillover.claims.evidence import Evidence
from spillover.claims.extract import Claim, extract_claims
from spillover.claims.verdicts import (
    NOT_CHECKABLE,
    SUPPORTED,
    CheckResult,
    ClaimVerdict,
    contradicted,
    not_checkable,
    supported,
)
from spillover.store import Store

__all__ = ["check_claims"]


def check_claims(text: str, store: Store, group: str) -> CheckResult:
    """Extract the checkable claims of ``text`` and judge each against the store (see the module docstring).
    The store is queried a fixed number of times whatever the length of the text."""
    from spillover.selection import resolve_group

    gid = resolve_group(group, store=store)
    claims = extract_claims(text, store, gid)
    evidence = Evidence.load(store, gid, claims)
    judges = {"event": check_event, "entry": check_entry, "onset": check_onset, "relation": check_relation,
              "founding": check_founding, "absence": check_absence, "count": check_count}  # fmt: skip
    verdicts = [with_causal_link(judges[c.kind](c, evidence), c) for c in claims]
    return CheckResult(group_id=gid, group=group_name(gid), verdicts=_deduplicate(verdicts))


def _deduplicate(verdicts: list[ClaimVerdict]) -> list[ClaimVerdict]:
    seen, out = set(), []
    for v in verdicts:
        key = (v.text, v.kind, v.data_figure)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def with_causal_link(verdict: ClaimVerdict, claim: Claim) -> ClaimVerdict:
    """The rule on causes (module docstring): a supported date does not support the cause it is said to be."""
    link = claim.causal
    if link is None:
        return verdict
    words = f"'{link['words']}'"
    verdict.aspects = {"dated part": verdict.verdict, **verdict.aspects, "causal link": NOT_CHECKABLE}
    if verdict.verdict != SUPPORTED:
        return verdict
    if link["dated_part"] == "cause":
        verdict.verdict, verdict.reason = NOT_CHECKABLE, "causal"
        verdict.explanation = (
            f"a causal claim ({words}): the data support its dated part ({verdict.explanation}), but a date "
            "does not show what it caused"
        )
    else:
        verdict.reason = "dated part only"
        verdict.explanation += (
            f"; supported for its dated part only: the causal link ({words}) is not checked"
        )
    return verdict


def check_entry(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Entry into a country in a period: the group's first event or sustained presence there
    (spillover.analysis.expansion) falls in it.  Contradicted only where the store covers the country then
    (:meth:`Evidence.covered`) or shows the group there earlier."""
    place = claim.places[0]
    named = [a for a in claim.actors if a in ev.lineage or a in ev.members]
    if not named:
        subject = claim.details.get("subject", "")
        return not_checkable(claim, figure=f"{place.name}: the claim names no armed group the data attribute events to",
                             how=f"the subject is '{subject}', not {group_name(ev.group_id)} or its family; event data "
                             "record groups, not movements of individuals", reason="not a group")  # fmt: skip
    if claim.when is None:
        return not_checkable(claim, figure="no date given", how=f"entry into {place.name} without a date")
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    note, sources = ev.coverage_note(place.iso3, lo, hi)
    covered = ev.covered(place.iso3, lo, hi)
    coverage = (
        f"{note}; {ev.coverage_rule()}: {place.name} in {claim.when} is {'' if covered else 'not '}covered"
    )
    there = ev.lineage_events[ev.lineage_events["country_iso3"] == place.iso3].sort_values("date_start")
    if there.empty:
        figure = f"no event of the group's lineage in {place.name} at any date"
        if covered:
            return contradicted(claim, figure=figure, how=coverage, sources=sources)
        return not_checkable(claim, figure=figure, how=coverage, sources=sources, reason="no coverage")
    result = ev.expansion
    entered = result.countries.set_index("country_iso3").loc[place.iso3, "entered"]
    first = pd.Timestamp(there["date_start"].iloc[0])
    dates = pd.to_datetime(there["date_start"])
    in_window = there[(dates >= lo) & (dates <= hi)]
    sustained = (
        f"sustained presence ({result.rule.describe()}) from {pd.Timestamp(entered):%Y-%m-%d}" if pd.notna(entered)
        else f"never sustained ({result.rule.describe()}): {len(there)} event(s) in all"
    )  # fmt: skip
    figure = (
        f"first event in {place.name} {first:%Y-%m-%d} ({there['event_id'].iloc[0]}); {sustained}; "
        f"{len(in_window)} event(s) in {claim.when}"
    )
    how = (
        f"the group's lineage events in {place.name}; an entry is supported when its first event or its "
        f"sustained presence falls in {claim.when}; {coverage}"
    )
    ids = there["event_id"].head(10).tolist()
    if lo <= first <= hi or (pd.notna(entered) and lo <= pd.Timestamp(entered) <= hi):
        return supported(claim, figure=figure, how=how, event_ids=ids, sources=sources)
    if first < lo or covered:  # the data show the group there before, or were looking then and saw nothing
        return contradicted(claim, figure=figure, how=how, event_ids=ids, sources=sources)
    return not_checkable(claim, figure=figure, how=how, event_ids=ids, sources=sources, reason="no coverage")


def check_onset(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """An instability onset against the onset registry (coup lists, UCDP, curated interventions)."""
    place = claim.places[0]
    kinds = claim.details["kinds"]
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    o = ev.onsets_in(place.iso3)
    here = o[(o["date"] >= lo) & (o["date"] <= hi)]
    match = here[here["kind"].isin(kinds)]
    interveners = claim.details.get("interveners") or []
    if interveners and len(match):
        by = match[match["interveners"].map(lambda xs: bool(set(xs or ()) & set(interveners)))]
        match = by if len(by) else match
    how = f"onset registry (Powell & Thyne, Cline Center, UCDP/PRIO ACD, curated file) for {place.name}, {claim.when}"
    if len(match):
        listed = "; ".join(
            f"{r.kind} {pd.Timestamp(r.date):%Y-%m-%d} ({r.detail}, {r.source})" for r in match.itertuples()
        )
        return supported(claim, figure=listed, how=how)
    others = "; ".join(f"{r.kind} {pd.Timestamp(r.date):%Y-%m-%d}" for r in here.itertuples()) or "none"
    figure = f"no {'/'.join(kinds)} in {place.name} in {claim.when}; the registry has: {others}"
    if claim.details["complete"]:
        return contradicted(claim, figure=figure, how=f"{how}; these datasets list every such onset")
    return not_checkable(claim, figure=figure, how=f"{how}; the curated list may be incomplete")


def check_relation(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """A renaming, pledge, merger or split against the actor registry (curated and cited)."""
    types = claim.details["types"]
    actors = set(claim.actors) | ({ev.group_id} if not set(claim.actors) & ev.lineage else set())
    pool = actors | ev.lineage
    rels = ev.relations
    rels = rels[rels["type"].isin(types) & (rels["group_id"].isin(pool) | rels["target"].isin(pool))]
    named = rels[rels["group_id"].isin(actors) | rels["target"].isin(actors)]
    rels = named if len(named) else rels
    if rels.empty:
        return not_checkable(claim, figure=f"the registry records no {'/'.join(types)} for these groups",
                             how="actor registry (curated, cited)")  # fmt: skip
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    starts = pd.to_datetime(rels["start"].astype(str), errors="coerce")
    inside = rels[(starts >= lo - pd.Timedelta(days=31)) & (starts <= hi + pd.Timedelta(days=31))]
    listed = "; ".join(
        f"{r.group_id} {r.type.replace('_', ' ')} {r.target} {r.when.rstrip(' –')} ({r.sources})"
        for r in (inside if len(inside) else rels).itertuples()
    )
    how = (
        f"actor registry (curated and cited, not event data); claimed {claim.details['word']!r} in "
        f"{claim.when}, a month's tolerance"
    )
    judge = supported if len(inside) else contradicted
    return judge(claim, figure=f"registry: {listed}", how=how)


def check_founding(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """A founding year against the registry's founding date."""
    from spillover.actors import default_registry

    g = default_registry().group(claim.actors[0])
    if g.founded is None:
        return not_checkable(
            claim, figure=f"the registry gives no founding date for {g.name}", how="actor registry"
        )
    w = claim.when
    ok = w.start <= g.founded.first <= w.end or w.start <= g.founded.last <= w.end
    judge = supported if ok else contradicted
    return judge(
        claim, figure=f"registry: {g.name} founded {g.founded}", how="actor registry (curated, cited)"
    )


def check_absence(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """'X had not used TACTIC during PERIOD': the group's events with that tactic in the period."""
    from spillover.analysis._common import uses_tactic

    gid = claim.actors[0]
    lo, hi = pd.Timestamp(claim.when.start), pd.Timestamp(claim.when.end)
    events = ev.group_events(gid)
    if "suicide" in events:
        events = events.assign(suicide=events["suicide"].astype("boolean").fillna(False))
    dates = pd.to_datetime(events["date_start"])
    period = events[(dates >= lo) & (dates <= hi)]
    used = period[uses_tactic(period, claim.tactic)] if len(period) else period
    name = group_name(gid)
    if period.empty:
        return not_checkable(claim, figure=f"no event of {name} in {claim.when} in the data",
                             how="events of the group in the period", reason="not in the data")  # fmt: skip
    figure = f"{len(used)} of {len(period)} events of {name} in {claim.when} are {claim.tactic}"
    ids = (used if len(used) else period)["event_id"].head(10).tolist()
    how = f"{name}'s events in the period with the tactic (sources: {', '.join(sorted(period['source'].unique()))})"
    judge = supported if used.empty else contradicted
    return judge(claim, figure=figure, how=how, event_ids=ids)


def check_count(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Members, money, a whole war's toll: not in event data, said so."""
    what = claim.details["what"]
    why = {
        "membership": "event data record events, not the number of members or fighters",
        "money": "event data do not record ransom totals or budgets" + _ransom_note(ev),
        "war toll": "the store holds extracts of the sources, not a complete count of the war's dead",
    }[what]
    return not_checkable(
        claim, figure=f"{what}: {claim.details['text']}", how=why, reason="not in event data"
    )


def _ransom_note(ev: Evidence) -> str:
    known = ev.family_events["ransom_paid"].notna().sum() if "ransom_paid" in ev.family_events else 0
    return f" (ransom paid is known for {int(known)} of the family's events)"
