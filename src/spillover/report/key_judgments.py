"""Key judgments, generated from the results: each a sentence with its numbers, the method, an ICD 203
likelihood and a confidence level — or, when the evidence is too thin, a statement of what cannot be
assessed.  No sentence is fixed text: every clause is chosen and filled from :class:`Results`.

Each builder returns one :class:`~spillover.report.judgments.KeyJudgment` whose ``numbers`` hold every
figure quoted, exactly as the analysis or measurement returned it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spillover.analysis._common import ids
from spillover.analysis.autonomy import OK
from spillover.countries import iso3_to_name
from spillover.fusion.files import all_sources
from spillover.palette import source_name
from spillover.report.ach import Matrix
from spillover.report.analyses import Results, view_sentence
from spillover.report.comparisons import BeforeAfter, data_end
from spillover.report.judgments import (
    ENTRIES,
    EVENTS,
    PERIODS,
    KeyJudgment,
    Likelihood,
    confidence_level,
    confidence_reason,
    insufficient,
    judgment_sentence,
    percent,
    posterior_above_null,
    posterior_share_above,
    posterior_share_below,
    share_interval,
)
from spillover.report.naming import group_names

#: How tactics read in a sentence.
TACTIC_LABELS = {
    "suicide_attack": "suicide attacks", "bombing": "bombings", "armed_assault": "armed assaults",
    "assassination": "assassinations", "kidnapping": "kidnappings", "hijacking": "hijackings",
    "facility_attack": "attacks on facilities", "battle": "battles", "remote_violence": "remote violence",
}  # fmt: skip


def tactic_label(tactic: str) -> str:
    return TACTIC_LABELS.get(tactic, tactic.replace("_", " "))


def fmt_p(p: float) -> str:
    """A p-value as the report writes it."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci(k: int, n: int) -> str:
    low, high = share_interval(k, n)
    return f"95% CI {percent(low)}–{percent(high)}"


def _judgment(key: str, topic: str, headline: str, proposition: str, details: str, method: str, likelihood: Likelihood,
              n: int, rule, n_sources: int, robust: bool | None, numbers: dict, evidence: list[str],
              sources: list[str], section: str) -> KeyJudgment:  # fmt: skip
    """A judgment whose sentence is "It is <term> (<range>) that <proposition>: <details>"."""
    sentence = f"{judgment_sentence(likelihood, proposition)}: {details}"
    if likelihood.p_difference is not None:
        sentence += (
            f" Under the model, the probability that there is no difference at all is "
            f"{percent(1 - likelihood.p_difference)}."
        )
    return KeyJudgment(
        key=key, topic=topic, headline=headline, sentence=sentence, method=method, likelihood=likelihood,
        proposition=proposition,
        confidence=confidence_level(n, rule, n_sources=n_sources, robust=robust),
        confidence_reason=confidence_reason(n, rule, n_sources=n_sources, robust=robust),
        numbers=numbers, evidence=evidence, sources=sources, section=section,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Autonomy (H1 / H2)
# ---------------------------------------------------------------------------------------------


def autonomy_judgment(r: Results, matrix: Matrix) -> KeyJudgment:
    """Does the group fight apart from its parent?  Probability: posterior that the share of its events in
    the parent's countries is below one half (Beta–binomial, Jeffreys prior); the ACH matrix says which
    hypothesis prevails."""
    topic, name = "Autonomy from the parent", r.selection.name
    if r.autonomy is None:
        return insufficient(
            "autonomy", topic, f"{name}'s autonomy", 0, EVENTS, why=r.parent_note, section="autonomy"
        )
    geo = r.autonomy.components["geography"]
    if geo.status != OK:
        return insufficient("autonomy", topic, f"{name}'s autonomy from {r.parent.name}", geo.n, EVENTS,
                            why=geo.details.get("reason", ""), section="autonomy")  # fmt: skip
    n, k = geo.n, int(round(geo.value * geo.n))
    like = Likelihood.of_posterior(posterior_share_below(k, n, 0.5))
    parent = r.parent.name
    others = []
    for cname in ("tactics", "synchronisation", "leadership"):
        c = r.autonomy.components[cname]
        if c.status == OK:
            others.append(_component_clause(c))
    verdict = matrix.verdict()
    proposition = f"{name} fights mostly outside {parent}'s theatres"
    details = (
        f"{k} of {n} of its located events ({percent(geo.value)}, {_ci(k, n)}) fall in countries where {parent} "
        f"has at least {r.params.parent_area_min_events} events"
        + (f"; {'; '.join(others)}" if others else "")
        + f". Competing hypotheses: {verdict}"
    )
    numbers = {"k": k, "n": n, "share": geo.value, "probability": like.probability}
    for cname in ("tactics", "synchronisation", "leadership"):
        c = r.autonomy.components[cname]
        if c.status == OK:
            numbers[f"{cname}_value"] = c.value
    sources = all_sources(r.events)
    return _judgment(
        "autonomy", topic, _headline(matrix, f"{name} and {parent}"), proposition, details,
        "autonomy index (spillover.analysis.autonomy) + ACH", like, n, EVENTS, len(sources), None,
        numbers, _geography_evidence(r, geo), sources, "autonomy",
    )  # fmt: skip


def _geography_evidence(r: Results, geo) -> list[str]:  # noqa: ANN001 - autonomy.Component
    """Every event the geography share counts: those inside the parent's areas first (the exceptions to a
    judgment that the group fights apart), then those outside."""
    level = geo.details.get("level", "country_iso3")
    ev = r.events
    window = r.autonomy_result.window if r.autonomy_result is not None else None
    if window is not None:  # the share is computed over the period the parent tie holds
        ev = ev[window.holds(ev["date_start"])]
    if level not in ev:
        return list(geo.evidence)
    placed = ev[ev[level].notna()]
    inside = placed[level].astype(str).isin(set(geo.details.get("parent_areas", ())))
    return list(dict.fromkeys([*ids(placed[inside], limit=None), *ids(placed[~inside], limit=None)]))


def _component_clause(c) -> str:
    if c.name == "tactics":
        return f"its tactic mix differs from the parent's by a Jensen–Shannon distance of {c.value:.2f}"
    if c.name == "synchronisation":
        return f"its monthly activity moves with the parent's at most |r| = {c.value:.2f}"
    if c.name == "leadership":
        return f"{c.details['organic']} of {c.n} recorded leaders rose from within"
    return f"{c.name} {c.value:.2f}"


def _a(noun: str) -> str:
    """The noun phrase with its indefinite article."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _headline(matrix: Matrix, fallback: str) -> str:
    if matrix.winner is not None:
        return f"{matrix.title}: {matrix.hypotheses[matrix.winner]} ({matrix.winner})"
    return f"{matrix.title}: undecided ({fallback})"


# ---------------------------------------------------------------------------------------------
# Expansion (H3 / H4 / H5)
# ---------------------------------------------------------------------------------------------


def sensitivity_agrees(r: Results) -> bool | None:
    """Does every window × null cell point the same way as the primary test (observed above or not above
    what the null expects)?  None when there is nothing to compare."""
    op = r.opportunism
    if op is None or not op.ok or op.primary() is None:
        return None
    table = op.sensitivity.dropna(subset=["expected_share"])
    primary = op.primary()
    up = primary["observed_share"] > primary["expected_share"]
    return bool(((table["observed_share"] > table["expected_share"]) == up).all())


def expansion_judgment(r: Results, matrix: Matrix) -> KeyJudgment:
    """Were the group's entries into new countries timed to instability?  Probability: posterior that the
    group's share of entries after an onset exceeds the primary null model's expected share, with prior
    mass on the null itself (judgments.MODELS['null']); the permutation p-value is quoted as evidence."""
    topic, name = "Opportunistic expansion", r.selection.name
    op = r.opportunism
    if op is None or not op.ok:
        n = 0 if op is None else op.n_expansions
        why = op.message if op is not None else r.expansion_note
        return insufficient(
            "expansion",
            topic,
            f"whether {name} expanded opportunistically",
            n,
            ENTRIES,
            why=why,
            section="expansion",
        )
    row = op.primary()
    n = int(row["n_expansions"])
    if n < ENTRIES.minimum:
        return insufficient(
            "expansion", topic, f"whether {name} expanded opportunistically", n, ENTRIES, section="expansion"
        )
    k, p = int(row["observed_count"]), float(row["p_value"])
    like = Likelihood.of_posterior(posterior_above_null(k, n, float(row["expected_share"])))
    how = (
        f"exact over all {int(row['n_draws'])} orderings"
        if bool(row["exact"])
        else f"{int(row['n_draws']):,} draws"
    )
    entries = op.entries
    retaliation = int((entries["classification"] == "retaliation").sum())
    timed = entries[entries["classification"] == "opportunism"]
    which = ", ".join(
        f"{iso3_to_name(c)} {pd.Timestamp(d):%Y-%m}"
        for c, d in zip(timed["country_iso3"], timed["date"], strict=True)
    )
    robust = sensitivity_agrees(r)
    proposition = f"{name}'s entries into new countries were timed to instability"
    details = (
        f"{k} of {n} entries ({percent(row['observed_share'])}){' — ' + which + ' —' if which else ''} followed an "
        f"exploitable onset within {op.primary_window} months, against {percent(row['expected_share'])} expected when "
        f"entry dates are permuted among its countries ({fmt_p(p)}, {how}); {retaliation} of {n} followed an "
        f"intervention against the group. "
        + ("The other windows and null models point the same way. " if robust else "The other windows and null models do not all point the same way. " if robust is False else "")
        + f"Competing hypotheses: {matrix.verdict()}"
    )  # fmt: skip
    numbers = {
        "k": k, "n": n, "observed_share": float(row["observed_share"]), "expected_share": float(row["expected_share"]),
        "p_value": p, "n_draws": int(row["n_draws"]), "retaliation": retaliation, "probability": like.probability,
        "p_difference": like.p_difference,
    }  # fmt: skip
    evidence = [e for ids in entries["evidence_event_ids"] for e in ids]
    sources = all_sources(op.expansion.events) if op.expansion is not None else []
    return _judgment(
        "expansion", topic, _headline(matrix, name), proposition, details,
        "opportunism test (spillover.analysis.opportunism) + ACH", like, n, ENTRIES, len(sources), robust,
        numbers, evidence, sources, "expansion",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Tactics, targets, financing
# ---------------------------------------------------------------------------------------------


def tactic_judgment(r: Results) -> KeyJudgment:
    """Did the tactic of interest become more frequent after the group's identity change?  Probability:
    posterior that the share after exceeds the share before (Beta–binomial with a no-difference
    hypothesis), read only from files that code the tactic and sources that see both sides of the pivot."""
    topic, name = "Tactics", r.selection.name
    shift = r.shift
    tactic = tactic_label(r.params.shift_tactic)
    if shift is None:
        return insufficient("tactics", topic, f"whether {name}'s use of {tactic} changed", 0, EVENTS,
                            why="the registry records no dated renaming, merger, pledge or affiliation of the group to test around", section="activity")  # fmt: skip
    when = f"{pd.Timestamp(shift.pivot['date']):%Y-%m}"
    if min(shift.n_before, shift.n_after) < EVENTS.minimum:
        n = min(shift.n_before, shift.n_after)
        why = (f"{shift.n_before} events with a known tactic before and {shift.n_after} after {when} come from files that "
               f"code {tactic} and sources that cover both sides (need {EVENTS.minimum} on each side)")  # fmt: skip
        gaps = _left_out_clause(shift.left_out, tactic)
        return insufficient("tactics", topic, f"whether {name}'s use of {tactic} changed after {shift.pivot['description']}",
                            n, EVENTS, why=why + (f"; {gaps}" if gaps else ""), section="activity")  # fmt: skip
    like = Likelihood.of_posterior(shift.posterior)
    totals = r.tactics.totals
    first = ""
    if r.params.shift_tactic in totals.index and pd.notna(totals.loc[r.params.shift_tactic, "first_date"]):
        row = totals.loc[r.params.shift_tactic]
        first = (
            f"; the first in the data is {pd.Timestamp(row['first_date']):%Y-%m-%d} "
            f"(reported by {source_name(str(row['first_event_id']).split(':')[0])})"
        )
    pivot = f"{shift.pivot['description']} ({when})"
    proposition = f"{tactic} became more frequent in {name}'s repertoire after {pivot}"
    gaps = _left_out_clause(shift.left_out, tactic)
    details = (
        f"{shift.k_before} of {shift.n_before} events with a known tactic before ({percent(shift.share_before)}) against "
        f"{shift.k_after} of {shift.n_after} after ({percent(shift.share_after)}; {fmt_p(shift.p_value)}){first}"
        + (f"; left out: {gaps}" if gaps else "") + "."
    )  # fmt: skip
    numbers = {
        "k_before": shift.k_before, "n_before": shift.n_before, "k_after": shift.k_after, "n_after": shift.n_after,
        "p_value": shift.p_value, "probability": like.probability, "p_difference": like.p_difference,
    }  # fmt: skip
    n = shift.n_before + shift.n_after
    return _judgment("tactics", topic, f"Tactics: {tactic} after {pd.Timestamp(shift.pivot['date']):%Y}", proposition, details,
                     "tactic shares before/after the pivot", like, n, EVENTS, len(shift.sources), None,
                     numbers, shift.evidence, sorted(shift.sources), "activity")  # fmt: skip


def _left_out_clause(left_out: dict[str, dict[str, dict[str, int]]], tactic: str) -> str:
    """The events a tactic comparison left out and why, e.g. '120 events after from ged, which does not code
    suicide attacks'."""
    parts = []
    for why, sides in left_out.items():
        for side in ("before", "after"):
            counts = sides.get(side) or {}
            if not counts:
                continue
            what = ", ".join(f"{src} {n}" for src, n in sorted(counts.items()))
            reason = (f"files that do not code {tactic}" if why == "not coded"
                      else "sources with no file covering the other side of the pivot in these countries")  # fmt: skip
            parts.append(f"{sum(counts.values())} events {side} from {reason} ({what})")
    return "; ".join(parts)


def _comparison_judgment(
    key: str, topic: str, what: str, r: Results, comparison, section: str, extra: str = ""
) -> KeyJudgment:
    name = r.selection.name
    if comparison.n < EVENTS.minimum or comparison.n_other < EVENTS.minimum:
        return insufficient(key, topic, "whether " + what.format(name=name), comparison.n, EVENTS,
                            why=f"{comparison.n} of the group's events and {comparison.n_other} comparison events (need {EVENTS.minimum} each)",
                            section=section)  # fmt: skip
    like = Likelihood.of_posterior(comparison.posterior)
    robust = comparison.robust
    proposition = what.format(name=name)
    details = (
        f"{comparison.k} of {comparison.n} of its events "
        f"({percent(comparison.share)}, {_ci(comparison.k, comparison.n)}) against {comparison.k_other} of "
        f"{comparison.n_other} events of other actors in the same source, country and year "
        f"({percent(comparison.share_other, 1)}; {fmt_p(comparison.p_value)}){extra}."
        + (" Within each source the difference holds." if robust else " Within some source the difference reverses." if robust is False else "")
    )  # fmt: skip
    numbers = {
        "k": comparison.k, "n": comparison.n, "k_other": comparison.k_other, "n_other": comparison.n_other,
        "p_value": comparison.p_value, "probability": like.probability, "p_difference": like.p_difference,
    }  # fmt: skip
    sources = sorted(comparison.by_source)
    return _judgment(key, topic, topic, proposition, details, "share against other actors in the same cells, Fisher exact", like,
                     comparison.n, EVENTS, len(sources), robust, numbers, comparison.evidence, sources, section)  # fmt: skip


def western_judgment(r: Results) -> KeyJudgment:
    """Does the group single out Western interests?"""
    rules = r.western.by_rule
    extra = ""
    if rules:
        extra = "; by rule: " + ", ".join(f"{v} {k}" for k, v in sorted(rules.items(), key=lambda kv: -kv[1]))
    return _comparison_judgment(
        "western",
        "Western interests",
        "{name} singles out Western interests more than other armed actors where it operates",
        r,
        r.western,
        "targets",
        extra,
    )


def financing_judgment(r: Results) -> KeyJudgment:
    """Is kidnapping a hallmark of the group?"""
    fin = r.financing.by_period
    hostages = int(fin["hostages_known"].sum()) if len(fin) else 0
    extra = (
        f"; hostage numbers are known for {hostages} events"
        if hostages
        else "; no source gives hostage numbers"
    )
    return _comparison_judgment(
        "financing",
        "Kidnapping and financing",
        "kidnapping is a larger part of {name}'s activity than of other armed actors' where it operates",
        r,
        r.kidnapping,
        "financing",
        extra,
    )


# ---------------------------------------------------------------------------------------------
# Theatres, response, trend
# ---------------------------------------------------------------------------------------------


def fragmentation_judgment(r: Results) -> KeyJudgment:
    """Is the group's activity split into separate theatres?  Probability: the share of years with located
    activity that show two or more theatres exceeds one half (Beta–binomial posterior, Jeffreys prior)."""
    topic, name = "Fragmentation", r.selection.name
    t = r.theatres
    n, k = len(t.active_periods), len(t.split_periods)
    if n < PERIODS.minimum:
        return insufficient(
            "fragmentation",
            topic,
            f"whether {name} split into separate theatres",
            n,
            PERIODS,
            section="fragmentation",
        )
    like = Likelihood.of_posterior(posterior_share_above(k, n, 0.5))
    series = ", ".join(f"{p}: {int(r.fragmentation.theatres.loc[p, 'n_theatres'])}" for p in t.active_periods)
    split = (
        f"; one theatre became several in {r.fragmentation.split_period}"
        if r.fragmentation.split_period
        else ""
    )
    proposition = f"{name}'s activity is split into separate theatres"
    details = (
        f"{k} of {n} years with "
        f"located activity show two or more (DBSCAN, {r.params.eps_km:.0f} km, {r.params.min_samples} events; {series}){split}; "
        f"the latest, {t.latest_period}, shows {t.latest_theatres}."
    )
    numbers = {
        "k": k, "n": n, "latest_theatres": t.latest_theatres, "located_events": r.fragmentation.n_used,
        "probability": like.probability,
    }  # fmt: skip
    sources = all_sources(r.events)
    clusters = r.fragmentation.clusters
    split_years = list(t.split_periods) or [t.latest_period]
    chosen = clusters[clusters["period"].astype(str).isin(split_years)]
    evidence = [e for ids_ in chosen["evidence"] for e in list(ids_)[:5]]
    return _judgment("fragmentation", topic, f"Fragmentation: {k} of {n} years split", proposition, details,
                     "density clustering of located events per year (spillover.analysis.fragmentation)", like, n, PERIODS,
                     len(sources), None, numbers, evidence, sources, "fragmentation")  # fmt: skip


def main_intervention(r: Results):  # noqa: ANN201 - (row, BeforeAfter) | None
    """The intervention tested in the key judgment: among interventions against the group (all, when none
    is), the one with most of the group's events in its two windows — a rule that looks at the amount of
    evidence, never at the direction of the change."""
    effects = [(row, ba) for row, ba in r.interventions if ba.before + ba.after > 0]
    against = [e for e in effects if e[0]["against_group"]]
    pool = against or effects
    if not pool:
        return None
    return max(pool, key=lambda e: (e[1].before + e[1].after, -pd.Timestamp(e[1].date).value))


def _sources_differ(ba: BeforeAfter) -> str:
    """Why two windows cannot be compared when different sources see them, or ''."""
    if ba.same_sources:
        return ""
    parts = []
    for key, which in (("only_first", "before"), ("only_second", "after")):
        if ba.changed.get(key):
            parts.append(f"{', '.join(ba.changed[key])} ha{'s' if len(ba.changed[key]) == 1 else 've'} events of any actor "
                         f"in {'the country' if ba.country else 'its countries'} only in the window {which} {pd.Timestamp(ba.date):%Y-%m}")  # fmt: skip
    return (
        "the two windows are seen through different sources — "
        + "; ".join(parts)
        + " — so a change of data would read as a change of activity"
    )


def as_of(r: Results) -> pd.Timestamp | None:
    """The last date the data cover for the group (:func:`~spillover.report.comparisons.data_end`)."""
    return data_end(r.coverage, r.events)


def response_judgment(r: Results) -> KeyJudgment:
    """Did the group's activity fall after the main foreign intervention in its countries?  Probability:
    Gamma–Poisson posterior with a no-change hypothesis; windows seen through different sources cannot
    be assessed."""
    topic, name = "Response", r.selection.name
    chosen = main_intervention(r)
    if chosen is None:
        return insufficient("response", topic, f"how {name} responded to foreign interventions", 0, EVENTS,
                            why="no foreign intervention in the registry falls in a country and period with the group's events", section="response")  # fmt: skip
    row, ba = chosen
    n = ba.before + ba.after
    what = f"the effect of {row['detail']}"
    if n < EVENTS.minimum:
        return insufficient("response", topic, what, n, EVENTS, section="response")
    differ = _sources_differ(ba)
    if differ:
        return insufficient("response", topic, what, n, EVENTS, why=differ, section="response")
    like = Likelihood.of_posterior(ba.posterior)
    against = "against the group" if row["against_group"] else "in its area of operations"
    proposition = (
        f"{name}'s activity in {iso3_to_name(row['country_iso3'])} fell after the intervention {against} — {row['detail']} "
        f"({pd.Timestamp(row['date']):%Y-%m-%d})"
    )
    details = (
        f"{ba.before} events in the {ba.months} months "
        f"before against {ba.after} in the {ba.months} months after ({fmt_p(ba.p_value)}), counting only files that cover "
        f"both windows ({', '.join(map(source_name, ba.sources))})."
    )
    numbers = {"before": ba.before, "after": ba.after, "p_value": ba.p_value, "probability": like.probability,
               "p_difference": like.p_difference}  # fmt: skip
    return _judgment("response", topic, f"Response: {iso3_to_name(row['country_iso3'])} {pd.Timestamp(row['date']):%Y}", proposition, details,
                     "before/after counts in equal windows", like, n, EVENTS, len(ba.sources),
                     None, numbers, ba.evidence_before + ba.evidence_after, ba.sources, "response")  # fmt: skip


def trend_judgment(r: Results) -> KeyJudgment:
    """Is the group's activity declining in the latest years of data?  A judgment about the present: it
    holds as of the last date the counted files cover in the group's countries."""
    topic, name = "Trend", r.selection.name
    ba = r.trend
    n = 0 if ba is None else ba.before + ba.after
    if ba is None or n < EVENTS.minimum:
        return insufficient("trend", topic, f"the recent trend of {name}'s activity", n, EVENTS,
                            why=None if ba is None else f"only {n} of its events come from files covering both "
                            f"{r.params.trend_years}-year windows (need {EVENTS.minimum}; {ba.left_out} left out)", section="outlook")  # fmt: skip
    differ = _sources_differ(ba)
    if differ:
        return insufficient("trend", topic, f"the recent trend of {name}'s activity ({ba.label})", n, EVENTS,
                            why=differ, section="outlook")  # fmt: skip
    like = Likelihood.of_posterior(ba.posterior)
    end = pd.Timestamp(ba.date) + pd.DateOffset(months=ba.months) - pd.Timedelta(days=1)
    proposition = f"{name}'s activity was declining as of {end:%Y-%m-%d}"
    details = (
        f"{ba.after} events in {ba.label} "
        f"against {ba.before} in the {r.params.trend_years} years before ({fmt_p(ba.p_value)}), counting only files that cover "
        f"both windows ({', '.join(map(source_name, ba.sources))}; {ba.left_out} events from other files left out); "
        "the data end there, and nothing later is known."
    )
    numbers = {"before": ba.before, "after": ba.after, "p_value": ba.p_value, "probability": like.probability,
               "p_difference": like.p_difference, "as_of": f"{end:%Y-%m-%d}"}  # fmt: skip
    return _judgment("trend", topic, "Trend of activity", proposition, details, "counts in equal windows",
                     like, n, EVENTS, len(ba.sources), None, numbers, ba.evidence_after, ba.sources, "outlook")  # fmt: skip


def key_judgments(r: Results, autonomy: Matrix, expansion: Matrix) -> list[KeyJudgment]:
    """Every key judgment, in the order the report puts them: the two contested questions first."""
    return [
        autonomy_judgment(r, autonomy),
        expansion_judgment(r, expansion),
        western_judgment(r),
        tactic_judgment(r),
        financing_judgment(r),
        fragmentation_judgment(r),
        response_judgment(r),
        trend_judgment(r),
    ]


#: A report made this long after the data end says so in its bottom line.
STALE_AFTER = pd.Timedelta(days=365)


def data_age_sentence(r: Results, today: pd.Timestamp | None = None) -> str:
    """'The data end in 2020-12; this assessment describes the group as of then.' when the report is made
    more than a year after the last date the data cover in the group's countries, else ''."""
    end = as_of(r)
    today = pd.Timestamp.now(tz="UTC").tz_localize(None) if today is None else pd.Timestamp(today)
    if end is None or today - end <= STALE_AFTER:
        return ""
    return (
        f"The data end in {end:%Y-%m} ({end:%Y-%m-%d}, the latest event of any actor in the files covering its "
        f"countries); this assessment describes the group as of then, {(today - end).days / 365.25:.1f} years before "
        f"this report ({today:%Y-%m-%d})."
    )


def bottom_line(
    r: Results,
    judgments: list[KeyJudgment],
    autonomy: Matrix,
    expansion: Matrix,
    today: pd.Timestamp | None = None,
) -> str:
    """The opening paragraph: what the data are, how old they are, and what the judgments add up to."""
    sel, prof = r.selection, r.profile
    if sel.events.empty:
        return (
            f"The store holds no event attributed to {sel.name} or its predecessors: nothing can be assessed."
        )
    ev = sel.events
    first, last = pd.to_datetime(ev["date_start"]).min(), pd.to_datetime(ev["date_start"]).max()
    others = sorted(set(ev["group_id"]) - {sel.group_id})
    sources = [source_name(s) for s in all_sources(ev)]
    parts = [
        f"{sel.name}{f' with {group_names(others)}' if others else ''}: {prof.events:,} events from {first:%Y} to {last:%Y} in "
        f"{ev['country_iso3'].nunique()} countries, {prof.fatalities:,.0f} deaths where counted, from "
        f"{len(sources)} source{'s' if len(sources) != 1 else ''} ({', '.join(sources)}).",
        view_sentence(sel),
    ]
    age = data_age_sentence(r, today)
    if age:
        parts.append(age)
    made = [j for j in judgments if j.is_judgment]
    if autonomy.winner:
        others = " or ".join(v for k, v in autonomy.hypotheses.items() if k != autonomy.winner)
        parts.append(
            f"On the evidence it behaves as {_a(autonomy.hypotheses[autonomy.winner])} rather than {_a(others)}."
        )
    if expansion.winner:
        parts.append(
            f"Of the explanations of its expansion, {expansion.hypotheses[expansion.winner]} fits the data best."
        )
    firm = [j for j in made if j.likelihood and not 0.2 < j.likelihood.probability < 0.8]
    if firm:
        parts.append(
            "Firmest judgments — "
            + "; ".join(f"{j.likelihood.term}: {_about_it(j.proposition, sel.name)}" for j in firm)
            + "."
        )
    missing = [j.topic for j in judgments if not j.is_judgment]
    if missing:
        parts.append("Not assessable from these data: " + ", ".join(missing).lower() + ".")
    return " ".join(parts)


def _about_it(proposition: str, name: str) -> str:
    """The proposition with the group's name replaced by 'it'/'its' (for the bottom line)."""
    return proposition.replace(f"{name}'s", "its").replace(name, "it")


def probability_rows(judgments: list[KeyJudgment]) -> list[dict]:
    """The key judgments as rows (for the summary table and JSON export)."""
    rows = []
    for j in judgments:
        rows.append({
            "key": j.key, "topic": j.topic, "status": j.status,
            "probability": j.likelihood.probability if j.likelihood else np.nan,
            "term": j.likelihood.term if j.likelihood else "", "confidence": j.confidence or "",
        })  # fmt: skip
    return rows
