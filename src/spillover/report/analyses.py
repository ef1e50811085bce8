"""Run every analysis an assessment needs, once, and keep the results together with their parameters.

The report never computes a number of its own: the headline measures come from :mod:`spillover.measures`
(the functions the command line, the web app and the Python API call), the rest from the public functions
of :mod:`spillover.analysis` and the comparisons of :mod:`spillover.report.comparisons`; the templates and
key judgments only read the :class:`Results`.  A test can therefore recompute every number quoted in the
report from the same public functions and the :class:`~spillover.measures.Parameters` kept here.

Which events: :func:`spillover.selection.select` with the parameters' ``include``, ``certainty`` and
``view`` (the same defaults everywhere).  The parent is :func:`spillover.actors.parents`' first unless
given; its *peers* are :func:`spillover.actors.branches`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from spillover import measures
from spillover.analysis import context
from spillover.analysis.autonomy import AutonomyIndex
from spillover.analysis.event_study import EventStudyResult, event_study
from spillover.analysis.expansion import ExpansionResult, InsufficientData
from spillover.analysis.financing import FinancingProfile, kidnapping_profile
from spillover.analysis.fragmentation import Fragmentation
from spillover.analysis.opportunism import OpportunismResult, onset_relation
from spillover.analysis.profile import Profile
from spillover.analysis.tactics import TacticChanges, TacticProfile, tactic_changes
from spillover.analysis.targets import TargetProfile, target_profile
from spillover.fusion.files import file_coverage
from spillover.measures import Parameters, Unmeasured
from spillover.report import comparisons
from spillover.selection import DEFAULT_VIEW, VIEW_ALL, GroupSelection, select
from spillover.selection.group import normalise_flags
from spillover.store import Store

#: Onset kinds studied in the event study (exogenous instability; interventions are in "response").
STUDY_KINDS: tuple[str, ...] = (
    "coup",
    "war_onset",
    "war_restart",
    "regime_collapse",
    "uprising",
    "loss_of_territory",
)


@dataclass
class Results:
    """Everything the report shows, as returned by the analysis functions."""

    params: Parameters
    selection: GroupSelection
    n_uncertain_left_out: int
    profile: Profile
    lineage: pd.DataFrame
    org_events: pd.DataFrame
    leaders: pd.DataFrame
    tactics: TacticProfile
    changes: TacticChanges | None
    pivot: dict | None
    shift: comparisons.TacticShift | None
    onsets: pd.DataFrame
    expansion: ExpansionResult | None
    expansion_note: str
    opportunism: OpportunismResult | None
    event_study: EventStudyResult | None
    event_study_note: str
    comparison: pd.DataFrame
    targets: TargetProfile
    western: comparisons.ShareComparison
    western_flags: pd.DataFrame
    financing: FinancingProfile
    kidnapping: comparisons.ShareComparison
    parent_id: str | None
    parent: GroupSelection | None
    parent_note: str
    peers: dict[str, pd.DataFrame]
    peer_ids: dict[str, str]
    autonomy: AutonomyIndex | None
    fragmentation: Fragmentation
    theatres: comparisons.TheatreSummary
    interventions: list[tuple[dict, comparisons.BeforeAfter]]
    trend: comparisons.BeforeAfter | None
    coverage: pd.DataFrame
    files: pd.DataFrame
    autonomy_result: measures.AutonomyResult | None = None
    #: the headline measures as :mod:`spillover.measures` returned them (what the JSON carries)
    headline: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def events(self) -> pd.DataFrame:
        return self.selection.events


def view_counts(sel: GroupSelection) -> dict[str, int]:
    """How the view counts: its events, the stored reports behind them, the reports merged into another and
    the events several sources report."""
    ev = sel.events
    behind = len(sel.stored_event_ids)
    multi = int((ev["n_sources"] > 1).sum()) if "n_sources" in ev and len(ev) else 0
    return {"events": len(ev), "stored": behind, "merged": behind - len(ev), "multi_source": multi}


def view_sentence(sel: GroupSelection) -> str:
    """One sentence saying which view the report counts in and what it merged (for the bottom line and the
    methods annex)."""
    c = view_counts(sel)
    if sel.view == VIEW_ALL:
        return (
            f"Every stored report is counted ({c['events']:,}; all view): an event that several sources, or several "
            "files of one source, report is counted once per report."
        )
    if sel.view == DEFAULT_VIEW:
        sources = (
            f"{c['multi_source']:,} events reported by two or more sources"
            if c["multi_source"]
            else "no event reported by two sources"
        )
        return (
            f"Each real event is counted once: {c['events']:,} events after merging {c['merged']:,} reports of "
            f"the same event from two sources or two files ({sources}; fused view; {c['stored']:,} stored reports)."
        )
    merged = f" after merging {c['merged']:,} duplicate reports of its files" if c["merged"] else ""
    return f"Only {sel.view}'s events are counted: {c['events']:,}{merged} ({sel.view} view; other sources left out)."


def run_analyses(
    store: Store,
    group: str,
    *,
    parent: str | None = None,
    since: Any = None,
    until: Any = None,
    params: Parameters | None = None,
    step: Callable[[str], None] | None = None,
) -> Results:
    """Every analysis of the assessment, in the order the report tells them."""
    import time

    params = params or Parameters()
    say = step or (lambda _msg: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:  # added up: a step may run in two parts (the autonomy between the tactics')
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    say("selecting the group's events")
    sel = select(
        store,
        group,
        include=params.include,
        certainty=params.certainty,
        view=params.view,
        since=since,
        until=until,
    )
    prof = measures.profile(sel)
    lineage_table = _lineage(sel.group_id)
    orgs = context.org_events(sel.family.ids)
    leaders = context.leaders(sel.family.ids)
    lap("selection")

    say("tactics and change points")
    coverage = file_coverage(store)
    tac = measures.tactics(sel)
    changes = tactic_changes(sel.events, orgs, signal="counts") if len(sel.events) >= 12 else None
    lap("tactics")
    autonomy = measures.autonomy(sel, params, parent=parent)  # its parent dates the identity pivot below
    lap("autonomy")
    parent_id = autonomy.parent_id
    pivot = comparisons.identity_pivot(orgs, sel.group_id, parent_id)
    shift = (
        comparisons.tactic_shift(
            sel.events,
            pivot,
            params.shift_tactic,
            coded=comparisons.coded_files(store, params.shift_tactic),
            coverage=coverage,
        )
        if pivot is not None and len(sel.events)
        else None
    )
    lap("tactics")

    say("expansion and the opportunism test")
    onsets = measures.onsets()
    measured = measures.expansion(sel, params)
    expansion = None if isinstance(measured, Unmeasured) else measured
    expansion_note = measured.message
    tested = measures.opportunism(sel, params, measured=measured)
    opportunism = None if isinstance(tested, Unmeasured) else tested
    study, study_note = _event_study(sel, onsets, params)
    lap("expansion")

    say("targets, Western interests and financing")
    comparison = normalise_flags(comparisons.comparison_events(store, sel.events))
    targets = target_profile(sel.events)
    western, flags = comparisons.western_targets(sel.events, sel.names["name"], comparison)
    financing = kidnapping_profile(sel.events)
    kidnapping = comparisons.kidnapping_share(sel.events, comparison)
    lap("targets")

    say("autonomy from the parent and its peers")
    parent_note = (
        f"{autonomy.parent} ({autonomy.parent_events} events), {len(autonomy.peers)} peers with events"
        if autonomy.parent_id
        else autonomy.message
    )
    lap("autonomy")

    say("theatres, response and trend")
    frag = measures.theatres(sel, params)
    effects = comparisons.intervention_effects(
        sel.events, onsets, coverage, sel.family.ids, params.response_months
    )
    trend = comparisons.recent_trend(sel.events, coverage, params.trend_years)
    files = store.query(
        "SELECT file_id, name, source, layout, layout_description, rows, events_added, bytes, ingested_at FROM files ORDER BY source, name"
    )
    lap("theatres and response")
    return Results(
        params=params, selection=sel, n_uncertain_left_out=sel.n_left_out, profile=prof, lineage=lineage_table,
        org_events=orgs, leaders=leaders, tactics=tac, changes=changes, pivot=pivot, shift=shift, onsets=onsets,
        expansion=expansion, expansion_note=expansion_note, opportunism=opportunism, event_study=study,
        event_study_note=study_note, comparison=comparison, targets=targets, western=western, western_flags=flags,
        financing=financing, kidnapping=kidnapping, parent_id=parent_id, parent=autonomy.parent_selection,
        parent_note=parent_note, peers=autonomy.peer_events, peer_ids=autonomy.peers, autonomy=autonomy.index,
        autonomy_result=autonomy, fragmentation=frag,
        headline={"profile": prof, "expansion": measured, "opportunism": tested, "tactics": tac, "autonomy": autonomy,
                  "theatres": frag}, theatres=comparisons.theatre_summary(frag),
        interventions=effects, trend=trend, coverage=coverage, files=files, timings=timings,
    )  # fmt: skip


def _lineage(group_id: str) -> pd.DataFrame:
    from spillover.actors import lineage

    return lineage(group_id)


def _event_study(
    sel: GroupSelection, onsets: pd.DataFrame, params: Parameters
) -> tuple[EventStudyResult | None, str]:
    """The group's activity around exogenous onsets in the countries it was active in, during its activity."""
    ev = sel.events
    if ev.empty:
        return None, "no events"
    start, end = pd.to_datetime(ev["date_start"]).min(), pd.to_datetime(ev["date_start"]).max()

    studied = onsets[
        onsets["kind"].isin(STUDY_KINDS)
        & onsets["country_iso3"].isin(set(ev["country_iso3"].dropna()))
        & (onsets["date"] >= start)
        & (onsets["date"] <= end)
    ]
    studied = studied[onset_relation(studied, sel.family.ids) == "exogenous"] if len(studied) else studied
    if studied.empty:
        return None, "no exogenous onset in the group's countries during its activity"
    try:
        return event_study(
            ev, studied, registry=onsets, months=params.event_study_months
        ), f"{len(studied)} onsets studied"
    except InsufficientData as exc:
        return None, str(exc)
