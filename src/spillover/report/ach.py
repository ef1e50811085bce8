"""Analysis of competing hypotheses (Heuer): each piece of evidence against each hypothesis.

Two sets of mutually exclusive hypotheses are weighed, each in its own matrix:

* **Relation to the parent** — H1 *autonomous regional group* (its own command, a nominal tie);
  H1b *cooperating affiliate* (its own command, working with the parent or allies); H2 *directed branch of
  the parent*.
* **Why it expanded** — H3 *opportunistic expansion into unstable countries*; H4 *expansion driven by
  retaliation against interventions*; H5 *expansion driven by the parent's strategy*.

Every row is a computed result (an autonomy component, a test, a count), marked **C** consistent,
**I** inconsistent or **N** neutral with each hypothesis by the rules below, and — as Heuer prescribes —
the hypothesis with the *fewest inconsistencies* prevails (consistent evidence proves little: much of it
fits several hypotheses).  A tie is reported as a tie.

Rules (thresholds are fixed in advance, not fitted to any group):

==========================  ===================================================================
geography                   share of events in the parent's countries ≤ 1/3: H1 C, H2 I;
                            ≥ 2/3: H1 I, H2 C; else N (H1b N: an affiliate may have its own theatre)
tactics, targets            Jensen–Shannon distance ≥ 0.3: H1 C, H2 I; ≤ 0.1: H1 I, H2 C; else N
synchronisation             max |r| below the Bonferroni critical value over all lags
                            (z₀.₀₂₅/(2L+1) / √months): H1 C, H2 I; above: H1 N, H1b C, H2 C
leadership                  organic share ≥ 2/3: H1 C, H1b C, H2 I; ≤ 1/3: H1 I, H1b I, H2 C
self-financing              group's kidnapping/looting share above the parent's: H1 C, H2 N
tactic transfer             the tested tactic very likely (posterior ≥ 80%) rose after the pivot and the
                            parent used it first: H1 N, H1b C, H2 C
parent tie                  an affiliation, pledge or membership to the parent in force on the date
                            (dated relation): H1 N, H1b C, H2 C
rivalry with the parent     a rivalry with the parent (or a former parent) begun by the date: H1 C,
                            H1b I, H2 I
alliance with the parent    an alliance with the parent in force on the date: H1 I, H1b C, H2 N
alliances                   alliances with other groups in force within the compared period: H1b C
joint with the parent       events naming the group and the parent on one side: H1 I, H1b C, H2 C
fighting the parent         events naming them on opposite sides: H1 C, H1b I, H2 I
opportunism test            primary p < 0.05 with observed > expected: H3 C; observed ≤ expected: H3 I
sensitivity                 ≥ 2/3 of window × null cells p < 0.05: H3 C; none: H3 I
retaliation                 ≥ half the entries follow an intervention against the group: H4 C; none: H4 I
no parent                   no parent organisation in force (spillover.actors.parents): H5 I — the
                            parent's strategy cannot drive a group that has none
entries after the tie       most entries before the first pledge/affiliation to the parent: H5 I;
                            ≥ half after it: H5 C; the registry gives the tie no date: H5 N
parent already there        of the entries after the tie, ≥ half into countries where the parent had
                            events before: H5 C (an entry before the tie is no evidence for H5)
==========================  ===================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spillover._lazy import lazy_module
from spillover.actors import default_registry
from spillover.actors.hierarchy import PARENT_RELATIONS
from spillover.analysis.autonomy import OK
from spillover.analysis.ties import Tie, TieActivity
from spillover.measures import AutonomyResult
from spillover.report.analyses import Results

stats = lazy_module("scipy.stats")  # imported when a lead-lag test runs

C, I, N = "C", "I", "N"  # noqa: E741 - Heuer's own letters
MARK_WORDS = {C: "consistent", I: "inconsistent", N: "neutral"}


@dataclass
class Evidence:
    """One row of the matrix: what was found (with its numbers), the rule applied, and the marks."""

    key: str
    finding: str
    rule: str
    marks: dict[str, str]
    section: str = ""
    #: the relations a row rests on: layer, dataset id, type and date, and the works cited
    sources: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    """A set of competing hypotheses, the evidence rows, and which hypothesis prevails."""

    key: str
    title: str
    hypotheses: dict[str, str]
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""

    def inconsistencies(self) -> dict[str, int]:
        return {h: sum(e.marks.get(h) == I for e in self.evidence) for h in self.hypotheses}

    def consistencies(self) -> dict[str, int]:
        return {h: sum(e.marks.get(h) == C for e in self.evidence) for h in self.hypotheses}

    @property
    def diagnostic(self) -> bool:
        """Does any row tell the hypotheses apart?"""
        return any(len(set(e.marks.values())) > 1 for e in self.evidence)

    @property
    def leaders(self) -> list[str]:
        """The hypotheses with the fewest inconsistencies (one unless tied)."""
        counts = self.inconsistencies()
        if not counts or not self.evidence:
            return []
        low = min(counts.values())
        return [h for h, n in counts.items() if n == low]

    @property
    def winner(self) -> str | None:
        """The single hypothesis with the fewest inconsistencies (None on a tie or without diagnostic rows)."""
        return self.leaders[0] if len(self.leaders) == 1 and self.diagnostic else None

    def verdict(self) -> str:
        """One sentence: which hypothesis prevails and by how many inconsistencies."""
        counts = self.inconsistencies()
        if not self.evidence:
            return f"No evidence could be computed for {self.title.lower()}."
        if not self.diagnostic:
            return "No computed evidence tells the hypotheses apart."
        tally = ", ".join(f"{h} {counts[h]}" for h in self.hypotheses)
        if self.winner is None:
            tied = " and ".join(f"{h} ({self.hypotheses[h]})" for h in self.leaders)
            return f"Undecided: {tied} have equally few inconsistencies (inconsistencies: {tally})."
        w = self.winner
        text = (
            f"{w} ({self.hypotheses[w]}) prevails with the fewest inconsistencies (inconsistencies: {tally})"
        )
        if self.consistencies()[w] == 0:
            text += f"; no row is consistent with {w} either, so it prevails only by default"
        return text + "."


def three_way(
    value: float, low: float, high: float, at_low: dict[str, str], at_high: dict[str, str], hyps
) -> dict[str, str]:
    """``at_low`` marks when ``value ≤ low``, ``at_high`` when ``value ≥ high``, neutral in between."""
    if value <= low:
        return at_low
    if value >= high:
        return at_high
    return dict.fromkeys(hyps, N)


def sync_critical_value(months: int, max_lag: int, alpha: float = 0.05) -> float:
    """Largest |r| chance alone would give at ``alpha`` over 2·max_lag+1 lags (Bonferroni, normal approx.)."""
    z = stats.norm.ppf(1 - alpha / (2 * (2 * max_lag + 1)))
    return float(z / np.sqrt(max(months, 1)))


def autonomy_matrix(r: Results) -> Matrix:
    """H1 autonomous regional group vs H1b cooperating affiliate vs H2 directed branch of the parent."""
    parent = r.parent.name if r.parent is not None else "the parent"
    m = Matrix(
        "autonomy",
        "Relation to the parent",
        {"H1": "autonomous regional group", "H1b": f"cooperating affiliate of {parent}",
         "H2": f"directed branch of {parent}"},
    )  # fmt: skip
    hyps = m.hypotheses
    if r.autonomy is None:
        m.note = f"Not assessed: {r.parent_note}."
        m.evidence.extend(tie_evidence(r.autonomy_result, hyps))  # a former parent now a rival still tells
        return m
    comps = r.autonomy.components
    g = comps["geography"]
    if g.status == OK:
        m.evidence.append(Evidence(
            "geography", f"{g.value:.0%} of {g.n} located events in countries where {parent} has ≥ "
            f"{g.details.get('parent_area_min_events', 1)} events",
            "≤ 1/3: H1 C, H2 I; ≥ 2/3: H1 I, H2 C", _marks(hyps, three_way(g.value, 1 / 3, 2 / 3, {"H1": C, "H2": I}, {"H1": I, "H2": C}, hyps)),
            "autonomy",
        ))  # fmt: skip
    for name in ("tactics", "targets"):
        c = comps[name]
        if c.status == OK:
            m.evidence.append(Evidence(
                name, f"{name} mix differs from {parent}'s by a Jensen–Shannon distance of {c.value:.2f} "
                f"(n = {c.n} and {c.n_parent})",
                "≥ 0.3: H1 C, H2 I; ≤ 0.1: H1 I, H2 C", _marks(hyps, three_way(c.value, 0.1, 0.3, {"H1": I, "H2": C}, {"H1": C, "H2": I}, hyps)),
                "autonomy",
            ))  # fmt: skip
    s = comps["synchronisation"]
    if s.status == OK:
        months = int(s.details.get("months", 0))
        lags = max(abs(int(k)) for k in s.details.get("correlations", {0: 0}))
        crit = sync_critical_value(months, lags)
        marks = {"H1": C, "H2": I} if s.value < crit else {"H1": N, "H1b": C, "H2": C}
        m.evidence.append(Evidence(
            "synchronisation", f"monthly activity correlates with {parent}'s at most |r| = {s.value:.2f} "
            f"(lag {s.details.get('lag_months_at_max')} months, {months} months; chance level {crit:.2f})",
            "below the chance level: H1 C, H2 I; above: H1 N, H1b C, H2 C", _marks(hyps, marks), "autonomy",
        ))  # fmt: skip
    lead = comps["leadership"]
    if lead.status == OK:
        m.evidence.append(Evidence(
            "leadership", f"{lead.details['organic']} of {lead.n} recorded leaders rose from within",
            "≥ 2/3 organic: H1 C, H1b C, H2 I; ≤ 1/3: H1 I, H1b I, H2 C",
            _marks(hyps, three_way(lead.value, 1 / 3, 2 / 3, {"H1": I, "H1b": I, "H2": C}, {"H1": C, "H1b": C, "H2": I}, hyps)),
            "autonomy",
        ))  # fmt: skip
    f = comps["self_financing"]
    parent_share = f.details.get("parent_share") if f.status == OK else None
    if f.status == OK and parent_share is not None:
        marks = {"H1": C, "H2": N} if f.value > parent_share else {}
        m.evidence.append(Evidence(
            "self-financing", f"kidnapping/looting in {f.value:.0%} of its events against {parent_share:.0%} of {parent}'s",
            "above the parent's share: H1 C, H2 N", _marks(hyps, marks), "financing",
        ))  # fmt: skip
    transfer = _tactic_transfer(r)
    if transfer is not None:
        m.evidence.append(transfer)
    m.evidence.extend(tie_evidence(r.autonomy_result, hyps))
    return m


def _marks(hyps: dict[str, str], marks: dict[str, str]) -> dict[str, str]:
    """Every hypothesis marked: neutral unless the rule says otherwise."""
    return {h: marks.get(h, N) for h in hyps}


def _tie_words(t: Tie, other: str) -> str:
    return f"{t.words} {other} from {t.start or 'an undated time'}"


def _when(t: TieActivity) -> str:
    return f"{t.ties[0].start or 'an undated time'}"


def tie_evidence(result: AutonomyResult | None, hyps: dict[str, str] | None = None) -> list[Evidence]:
    """The rows the dated ties give (parent tie, rivalry, alliances, events naming the group and its parent),
    each citing its relations (layer, dataset id, date) in ``sources``; as of the autonomy's date."""
    hyps = hyps or {"H1": "", "H1b": "", "H2": ""}
    ties = result.ties if result is not None else None
    if ties is None:
        return []
    as_of = f"as of {ties.as_of}" if ties.as_of else "at the end of the data"
    parent, pid = result.parent or "the parent", result.parent_id
    out: list[Evidence] = []
    w = ties.parent_window
    if w is not None and w.ties:
        held = [t for t in w.ties if t.holds_on(ties.as_of)]
        if held:
            out.append(Evidence(
                "parent tie", f"{'; '.join(_tie_words(t, parent) for t in held)} ({as_of})",
                "a dated tie to the parent in force: H1 N, H1b C, H2 C", _marks(hyps, {"H1b": C, "H2": C}), "autonomy",
                sources=[t.citation for t in held],
            ))  # fmt: skip
    former = set(ties.former_parents) | ({pid} if pid else set())
    for t in ties.rivals:
        if t.other_id in former:
            role = "its parent" if t.other_id == pid else "its former parent"
            out.append(Evidence(
                "rivalry with the parent", f"a rival of {role} {t.other} since {_when(t)} ({as_of}; {t.n_opposite} "
                f"events name them on opposite sides)",
                "a rivalry with the (former) parent: H1 C, H1b I, H2 I", _marks(hyps, {"H1": C, "H1b": I, "H2": I}),
                "autonomy", sources=t.citations,
            ))  # fmt: skip
    allies = [t for t in ties.allies if t.other_id != pid]
    for t in ties.allies:
        if t.other_id == pid:
            out.append(Evidence(
                "alliance with the parent", f"allied with {t.other} since {_when(t)} ({as_of}; {t.n_same_side} events "
                f"name them on one side)",
                "an alliance with the parent in force: H1 I, H1b C, H2 N", _marks(hyps, {"H1": I, "H1b": C}),
                "autonomy", sources=t.citations,
            ))  # fmt: skip
    if allies:
        listed = sorted(allies, key=lambda t: (-t.n_same_side, -t.n_other, t.other))
        shown = "; ".join(f"{t.other} since {_when(t)} ({t.n_same_side} joint events)" for t in listed[:5])
        out.append(Evidence(
            "alliances", f"{len(allies)} alliance{'s' if len(allies) != 1 else ''} in force {as_of}: {shown}"
            + (f"; {len(allies) - 5} more" if len(allies) > 5 else ""),
            "alliances in force: H1b C", _marks(hyps, {"H1b": C}), "autonomy",
            sources=[c for t in listed for c in t.citations],
        ))  # fmt: skip
    beside = ties.parent
    if beside is not None and beside.n_same_side:
        out.append(Evidence(
            "joint with the parent", f"{beside.n_same_side} events name it and {parent} on one side while the tie holds",
            "events on one side with the parent: H1 I, H1b C, H2 C", _marks(hyps, {"H1": I, "H1b": C, "H2": C}),
            "autonomy", sources=beside.citations,
        ))  # fmt: skip
    if beside is not None and beside.n_opposite:
        out.append(Evidence(
            "fighting the parent", f"{beside.n_opposite} events name it and {parent} on opposite sides while the tie holds",
            "events on opposite sides: H1 C, H1b I, H2 I", _marks(hyps, {"H1": C, "H1b": I, "H2": I}),
            "autonomy", sources=beside.citations,
        ))  # fmt: skip
    return out


def _tactic_transfer(r: Results) -> Evidence | None:
    shift = r.shift
    if shift is None or shift.n_before == 0 or shift.n_after == 0 or r.parent is None:
        return None
    from spillover.analysis._common import uses_tactic

    parent_used = r.parent.events[uses_tactic(r.parent.events, shift.tactic)]
    group_used = r.events[uses_tactic(r.events, shift.tactic)]
    parent_first = pd.to_datetime(parent_used["date_start"]).min() if len(parent_used) else pd.NaT
    group_first = pd.to_datetime(group_used["date_start"]).min() if len(group_used) else pd.NaT
    parent_first_used = pd.notna(parent_first) and (pd.isna(group_first) or parent_first < group_first)
    rose = shift.posterior is not None and shift.posterior.probability >= 0.8
    marks = {"H1": N, "H1b": C, "H2": C} if rose and parent_first_used else {"H1": N, "H1b": N, "H2": N}
    tactic = shift.tactic.replace("_", " ")
    first = f"{parent_first:%Y-%m-%d}" if pd.notna(parent_first) else "never"
    return Evidence(
        "tactic transfer",
        f"{tactic} share {shift.share_before:.0%} before and {shift.share_after:.0%} after "
        f"{pd.Timestamp(shift.pivot['date']):%Y-%m} (posterior probability that it rose "
        f"{shift.posterior.probability if shift.posterior is not None else float('nan'):.2f}); the parent's first {tactic} in the data: {first}",
        "rose (posterior ≥ 80%) after the pivot and the parent used it first: H1b C, H2 C",
        marks,
        "activity",
    )


def expansion_matrix(r: Results) -> Matrix:
    """H3 opportunistic expansion vs H4 retaliation vs H5 the parent's strategy."""
    parent = r.parent.name if r.parent is not None else "the parent"
    m = Matrix(
        "expansion",
        "Why it expanded",
        {"H3": "opportunistic expansion into unstable countries", "H4": "expansion driven by retaliation",
         "H5": f"expansion driven by {parent}'s strategy"},
    )  # fmt: skip
    op = r.opportunism
    if op is None or not op.ok:
        m.note = f"Not assessed: {op.message if op is not None else r.expansion_note}."
        return m
    hyps = m.hypotheses
    neutral = dict.fromkeys(hyps, N)
    row = op.primary()
    if row is not None:
        observed, expected, p = (
            float(row["observed_share"]),
            float(row["expected_share"]),
            float(row["p_value"]),
        )
        h3 = C if (p < 0.05 and observed > expected) else I if observed <= expected else N
        m.evidence.append(Evidence(
            "opportunism test", f"{int(row['observed_count'])} of {int(row['n_expansions'])} entries followed an onset within "
            f"{op.primary_window} months ({observed:.0%}) against {expected:.0%} expected ({op.primary_null} null, p = {p:.3f})",
            "p < 0.05 and observed > expected: H3 C; observed ≤ expected: H3 I", {**neutral, "H3": h3}, "expansion",
        ))  # fmt: skip
    table = op.sensitivity.dropna(subset=["p_value"])
    if len(table):
        hits = int((table["p_value"] < 0.05).sum())
        h3 = C if hits >= 2 * len(table) / 3 else I if hits == 0 else N
        m.evidence.append(Evidence(
            "sensitivity", f"{hits} of {len(table)} window × null-model cells give p < 0.05",
            "≥ 2/3 of cells: H3 C; none: H3 I", {**neutral, "H3": h3}, "expansion",
        ))  # fmt: skip
    entries = op.entries
    n = len(entries)
    if n:
        retaliation = int((entries["classification"] == "retaliation").sum())
        h4 = C if retaliation >= n / 2 else I if retaliation == 0 else N
        m.evidence.append(Evidence(
            "retaliation", f"{retaliation} of {n} entries followed an intervention against the group within {op.primary_window} months",
            "≥ half: H4 C; none: H4 I", {**neutral, "H4": h4}, "expansion",
        ))  # fmt: skip
    if r.parent_id is None:
        m.evidence.append(Evidence(
            "no parent", r.parent_note[0].upper() + r.parent_note[1:],
            "no parent: H5 I", {**neutral, "H5": I}, "expansion",
        ))  # fmt: skip
    elif n:
        tie = _first_tie_to_parent(r)
        dates = pd.to_datetime(entries["date"])
        if tie is not None:
            after = int((dates >= tie).sum())
            h5 = C if after >= n / 2 else I
            m.evidence.append(Evidence(
                "entries after the tie", f"{after} of {n} entries came after the first pledge or affiliation to {parent} ({tie:%Y-%m})",
                "≥ half after: H5 C; most before (the parent cannot have directed them): H5 I", {**neutral, "H5": h5}, "expansion",
            ))  # fmt: skip
        else:
            m.evidence.append(Evidence(
                "entries after the tie", f"the registry gives no date for the tie to {parent}: no entry can be placed after it",
                "undated tie: H5 N", dict(neutral), "expansion",
            ))  # fmt: skip
        tied = entries[dates >= tie] if tie is not None else entries.iloc[0:0]
        there = _parent_already_there(r, tied)
        m.evidence.append(Evidence(
            "parent already there", f"{there} of the {len(tied)} entries after the tie were into countries where {parent} had "
            f"events before ({n - len(tied)} entries before the tie or undated are no evidence for H5)",
            "≥ half of the entries after the tie: H5 C", {**neutral, "H5": C if len(tied) and there >= len(tied) / 2 else N},
            "expansion",
        ))  # fmt: skip
    return m


def _first_tie_to_parent(r: Results) -> pd.Timestamp | None:
    """The start of the family's first affiliation, pledge or membership to the parent, from the registry's
    relations (None when none is dated)."""
    if r.parent_id is None:
        return None
    reg = default_registry()
    starts = [
        pd.Timestamp(rel.start.first)
        for gid in r.selection.family.ids if gid in reg
        for rel in reg.group(gid).relations
        if rel.type in PARENT_RELATIONS and rel.target in reg and reg.canonical_id(rel.target) == r.parent_id
        and rel.start is not None
    ]  # fmt: skip
    return min(starts) if starts else None


def _parent_already_there(r: Results, entries: pd.DataFrame) -> int:
    parent_events = r.parent.events
    count = 0
    for entry in entries.itertuples(index=False):
        before = parent_events[
            (parent_events["country_iso3"] == entry.country_iso3)
            & (pd.to_datetime(parent_events["date_start"]) < entry.date)
        ]
        count += int(len(before) > 0)
    return count


def matrices(r: Results) -> list[Matrix]:
    """Both matrices of the report."""
    return [autonomy_matrix(r), expansion_matrix(r)]
