"""Run every analysis an assessment needs, once, and keep the results together with their parameters.

The report never computes a number of its own that an analysis function already returns: it calls the
public functions of :mod:`spillover.analysis` (selection, profile, tactics, expansion, opportunism,
targets, financing, autonomy, fragmentation) and the comparisons of :mod:`spillover.report.measures`, and
the templates and key judgments only read the :class:`Results`.  A test can therefore recompute every
number quoted in the report from the same public functions and the :class:`Parameters` kept here.

Which events: the group and its predecessors (``include``), attributed with a certainty in ``certainty``
(by default "certain" and "joint": events a source only *suspects* the group of are left out and
counted), in the selection's ``view`` (by default "fused": an attack several datasets, or several files
of one dataset, report counts once; "all" counts every stored row; a source name keeps that source).  The parent is the organisation the group (or a predecessor) is affiliated or pledged to in the
registry, unless given; its *peers* are the parent's other affiliates that have events in the store (not
the group's own family, nor the group's own affiliates).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from spillover.actors import default_registry, family
from spillover.analysis import context
from spillover.analysis.autonomy import AutonomyIndex, autonomy_index
from spillover.analysis.expansion import ExpansionResult, InsufficientData, measure_expansion
from spillover.analysis.financing import FinancingProfile, kidnapping_profile
from spillover.analysis.fragmentation import Fragmentation, theatres
from spillover.analysis.opportunism import (
    EventStudyResult,
    OpportunismResult,
    assess_opportunism,
    event_study,
)
from spillover.analysis.profile import Profile, summarise
from spillover.analysis.selection import (
    DEFAULT_VIEW,
    VIEW_ALL,
    GroupSelection,
    apply_view,
    check_view,
    resolve_group,
    select_group,
)
from spillover.analysis.tactics import TacticChanges, TacticProfile, tactic_changes, tactic_profile
from spillover.analysis.targets import TargetProfile, target_profile
from spillover.instability import load_onsets
from spillover.report import measures
from spillover.report.coverage import file_coverage
from spillover.store import Store

#: Relation types that make the target a group's parent organisation.
PARENT_RELATIONS: tuple[str, ...] = ("affiliate_of", "pledged_allegiance_to")
#: Onset kinds studied in the event study (exogenous instability; interventions are in "response").
STUDY_KINDS: tuple[str, ...] = (
    "coup",
    "war_onset",
    "war_restart",
    "regime_collapse",
    "uprising",
    "loss_of_territory",
)


@dataclass(frozen=True)
class Parameters:
    """Every parameter of an assessment, printed in the methods annex."""

    include: tuple[str, ...] = ("predecessors",)
    certainty: tuple[str, ...] = ("certain", "joint")
    #: which events (select_group's view): "fused" (each real event once), "all" (every stored row) or a source
    view: str = DEFAULT_VIEW
    # expansion: sustained presence
    min_events: int = 3
    window_months: int = 12
    # opportunism test
    windows: tuple[int, ...] = (6, 12, 24)
    primary_window: int = 12
    nulls: tuple[str, ...] = ("permute", "uniform", "neighbours")
    primary_null: str = "permute"
    n_draws: int = 10_000
    seed: int = 0
    event_study_months: int = 24
    # autonomy: a country is the parent's area only with this many parent events there (one stray
    # attribution, e.g. a single arrest coded "Al Qaeda", does not make a theatre)
    autonomy_min_events: int = 20
    parent_area_min_events: int = 5
    # fragmentation
    eps_km: float = 300.0
    min_samples: int = 5
    # response and outlook
    response_months: int = 12
    trend_years: int = 3
    # tactic tested around the group's identity change
    shift_tactic: str = "suicide_attack"


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
    shift: measures.TacticShift | None
    onsets: pd.DataFrame
    expansion: ExpansionResult | None
    expansion_note: str
    opportunism: OpportunismResult | None
    event_study: EventStudyResult | None
    event_study_note: str
    comparison: pd.DataFrame
    targets: TargetProfile
    western: measures.ShareComparison
    western_flags: pd.DataFrame
    financing: FinancingProfile
    kidnapping: measures.ShareComparison
    parent_id: str | None
    parent: GroupSelection | None
    parent_note: str
    peers: dict[str, pd.DataFrame]
    peer_ids: dict[str, str]
    autonomy: AutonomyIndex | None
    fragmentation: Fragmentation
    theatres: measures.TheatreSummary
    interventions: list[tuple[dict, measures.BeforeAfter]]
    trend: measures.BeforeAfter | None
    coverage: pd.DataFrame
    files: pd.DataFrame
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


def infer_parent(group_id: str, members: set[str]) -> str | None:
    """The organisation the group, or failing that one of its predecessors, is affiliated or pledged to
    (the latest such relation without an end), outside the group's own lineage."""
    reg = default_registry()
    for gid in [group_id, *sorted(members - {group_id})]:
        relations = [
            r
            for r in reg.group(gid).relations
            if r.type in PARENT_RELATIONS and r.target not in members and r.end is None
        ]
        if relations:
            latest = max(relations, key=lambda r: r.start.first if r.start else pd.Timestamp.min.date())
            return reg.canonical_id(latest.target)
    return None


def peer_group_ids(parent_id: str, group_family: set[str]) -> list[str]:
    """The parent's other affiliates: not the group's family, nor groups affiliated through the group."""
    fam = family(parent_id, include=("affiliates",))
    peers = []
    for gid, path in fam.items():
        if gid == parent_id or gid in group_family:
            continue
        if any(step.target in group_family or step.source in group_family for step in path):
            continue
        peers.append(gid)
    return sorted(peers)


def normalise_flags(events: pd.DataFrame) -> pd.DataFrame:
    """Events with an unknown ``suicide`` flag set to False (the source does not code suicide attacks).

    Why: :func:`spillover.analysis.tactics.primary_tactics` masks with ``suicide.eq(True)``, and on the
    store's nullable boolean column an unknown flag (every ACLED and UCDP event) then counts as a suicide
    attack.  Filling the flag keeps every analysis of the report on the intended reading: only an event a
    source flags as suicide is one.
    """
    if "suicide" not in events or not events["suicide"].isna().any():
        return events
    return events.assign(suicide=events["suicide"].astype("boolean").fillna(False))


def with_rows_behind(events: pd.DataFrame, stored: pd.DataFrame | None) -> pd.DataFrame:
    """A fused view's events with ``file_ids`` (the files of the stored rows behind each event) and
    ``row_source`` (the source of the representative row whose descriptive columns the event carries), read
    from the ``stored`` rows; the "all" view (no ``event_ids``) is returned as it is."""
    if "event_ids" not in events or stored is None:
        return events
    file_of = dict(zip(stored["event_id"].astype(str), stored["file_id"], strict=True))
    source_of = dict(zip(stored["event_id"].astype(str), stored["source"].astype(str), strict=True))
    return events.assign(
        file_ids=[
            list(dict.fromkeys(file_of[str(e)] for e in ids_ if str(e) in file_of))
            for ids_ in events["event_ids"]
        ],
        row_source=[
            source_of.get(str(e), str(s)) for e, s in zip(events["event_id"], events["source"], strict=True)
        ],
    )


def analysis_events(selection: GroupSelection, certainty: tuple[str, ...] | None = None) -> GroupSelection:
    """The selection the analyses run on: the certainty filter applied, the flags normalised and, in a
    fused view, the files and representative source of each event added (:func:`with_rows_behind`)."""
    events = selection.events
    if certainty is not None:
        events = events[events["certainty"].isin(certainty)].reset_index(drop=True)
    events = with_rows_behind(events, selection.source_events)
    return dataclasses.replace(selection, events=normalise_flags(events))


def _select(
    store: Store, group: str, params: Parameters, include: tuple[str, ...], since: Any, until: Any
) -> GroupSelection:
    sel = select_group(
        store, group, include=include, certainty=params.certainty, since=since, until=until, view=params.view
    )
    return analysis_events(sel)


def _select_in_view(
    store: Store, gid: str, params: Parameters, since: Any, until: Any
) -> tuple[GroupSelection, int]:
    """The group's selection in ``params.view`` with the certainty filter applied to the stored rows before
    they are fused (as ``select_group(..., certainty=params.certainty, view=params.view)`` does), and the
    number of stored rows left out as only suspected."""
    everything = select_group(store, gid, include=params.include, since=since, until=until, view=VIEW_ALL)
    stored = everything.events
    kept = stored[stored["certainty"].isin(params.certainty)].reset_index(drop=True)
    kept.attrs["view"] = VIEW_ALL
    shown, links = apply_view(store, kept, params.view)
    sel = dataclasses.replace(everything, events=shown, view=params.view, source_events=kept, links=links)
    return analysis_events(sel), len(stored) - len(kept)


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

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    say("selecting the group's events")
    check_view(store, params.view)
    gid = resolve_group(group)
    sel, n_uncertain = _select_in_view(store, gid, params, since, until)
    prof = summarise(sel.name, sel.names, sel.events)
    lineage_table = _lineage(gid)
    orgs = context.org_events(sel.family.ids)
    leaders = context.leaders(sel.family.ids)
    lap("selection")

    say("tactics and change points")
    tac = tactic_profile(sel.events)
    changes = tactic_changes(sel.events, orgs, signal="counts") if len(sel.events) >= 12 else None
    parent_id = resolve_group(parent) if parent else infer_parent(gid, sel.family.ids)
    pivot = measures.identity_pivot(orgs, gid, parent_id)
    shift = (
        measures.tactic_shift(sel.events, pivot, params.shift_tactic)
        if pivot is not None and len(sel.events)
        else None
    )
    lap("tactics")

    say("expansion and the opportunism test")
    onsets = _onsets()
    expansion, expansion_note = _expansion(sel, params)
    opportunism = (
        assess_opportunism(
            expansion,
            onsets,
            group_ids=sel.family.ids,
            windows=params.windows,
            primary_window=params.primary_window,
            nulls=params.nulls,
            primary_null=params.primary_null,
            n_draws=params.n_draws,
            seed=params.seed,
        )  # fmt: skip
        if expansion is not None
        else None
    )
    study, study_note = _event_study(sel, onsets, params)
    lap("expansion")

    say("targets, Western interests and financing")
    comparison = normalise_flags(measures.comparison_events(store, sel.events))
    targets = target_profile(sel.events)
    western, flags = measures.western_targets(sel.events, sel.names["name"], comparison)
    financing = kidnapping_profile(sel.events)
    kidnapping = measures.kidnapping_share(sel.events, comparison)
    lap("targets")

    say("autonomy from the parent and its peers")
    parent_sel, peers, peer_ids, autonomy, parent_note = _autonomy(
        store, sel, parent_id, leaders, params, since, until
    )
    lap("autonomy")

    say("theatres, response and trend")
    frag = theatres(
        sel.events,
        eps_km=params.eps_km,
        min_samples=params.min_samples,
        factions=context.factions(sel.family.ids),
    )
    coverage = file_coverage(store)
    effects = measures.intervention_effects(
        sel.events, onsets, coverage, sel.family.ids, params.response_months
    )
    trend = measures.recent_trend(sel.events, coverage, params.trend_years)
    files = store.query(
        "SELECT file_id, name, source, layout, layout_description, rows, events_added, bytes, ingested_at FROM files ORDER BY source, name"
    )
    lap("theatres and response")
    return Results(
        params=params, selection=sel, n_uncertain_left_out=n_uncertain, profile=prof, lineage=lineage_table,
        org_events=orgs, leaders=leaders, tactics=tac, changes=changes, pivot=pivot, shift=shift, onsets=onsets,
        expansion=expansion, expansion_note=expansion_note, opportunism=opportunism, event_study=study,
        event_study_note=study_note, comparison=comparison, targets=targets, western=western, western_flags=flags,
        financing=financing, kidnapping=kidnapping, parent_id=parent_id, parent=parent_sel, parent_note=parent_note,
        peers=peers, peer_ids=peer_ids, autonomy=autonomy, fragmentation=frag, theatres=measures.theatre_summary(frag),
        interventions=effects, trend=trend, coverage=coverage, files=files, timings=timings,
    )  # fmt: skip


def _lineage(group_id: str) -> pd.DataFrame:
    from spillover.actors import lineage

    return lineage(group_id)


def _onsets() -> pd.DataFrame:
    """The instability registry (missing datasets are listed in ``attrs['missing_sources']``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        onsets = load_onsets()
    onsets.attrs["warnings"] = [str(w.message) for w in caught]
    return onsets


def _expansion(sel: GroupSelection, params: Parameters) -> tuple[ExpansionResult | None, str]:
    try:
        result = measure_expansion(
            sel.events, min_events=params.min_events, window_months=params.window_months, group=sel.name
        )
    except InsufficientData as exc:
        return None, str(exc)
    return result, result.message


def _event_study(
    sel: GroupSelection, onsets: pd.DataFrame, params: Parameters
) -> tuple[EventStudyResult | None, str]:
    """The group's activity around exogenous onsets in the countries it was active in, during its activity."""
    ev = sel.events
    if ev.empty:
        return None, "no events"
    start, end = pd.to_datetime(ev["date_start"]).min(), pd.to_datetime(ev["date_start"]).max()
    from spillover.analysis.opportunism import onset_relation

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


#: The columns the autonomy components read (the index is computed on these only: same numbers, less copying).
AUTONOMY_COLUMNS: tuple[str, ...] = (
    "event_id", "source", "date_start", "date_end", "date_precision", "year", "country_iso3", "admin1",
    "tactic", "tactics", "suicide", "target_type",
)  # fmt: skip


def autonomy_columns(events: pd.DataFrame) -> pd.DataFrame:
    """The events narrowed to :data:`AUTONOMY_COLUMNS` (the monthly series copy whole frames per month)."""
    return events[[c for c in AUTONOMY_COLUMNS if c in events]]


def _autonomy(
    store: Store,
    sel: GroupSelection,
    parent_id: str | None,
    leaders: pd.DataFrame,
    params: Parameters,
    since: Any,
    until: Any,
) -> tuple[GroupSelection | None, dict[str, pd.DataFrame], dict[str, str], AutonomyIndex | None, str]:
    if parent_id is None:
        return (
            None,
            {},
            {},
            None,
            "the registry records no parent organisation (affiliation or pledge) for the group",
        )
    parent_sel = _select(store, parent_id, params, (), since, until)
    peers, peer_ids = {}, {}
    for pid in peer_group_ids(parent_id, sel.family.ids):
        events = _select(store, pid, params, (), since, until).events
        if len(events):
            name = default_registry().group(pid).name
            peers[name], peer_ids[name] = events, pid
    if sel.events.empty:
        return parent_sel, peers, peer_ids, None, "the group has no events"
    # the autonomy index names branches by display name: the family's leaders count for the group
    family_leaders = leaders.assign(group_id=sel.name)
    peer_leaders = context.leaders(list(peer_ids.values()))
    peer_leaders["group_id"] = peer_leaders["group_id"].map({v: k for k, v in peer_ids.items()})
    index = autonomy_index(
        autonomy_columns(sel.events), autonomy_columns(parent_sel.events), group=sel.name, parent=parent_sel.name,
        peers={k: autonomy_columns(v) for k, v in peers.items()},
        leaders=pd.concat([family_leaders, peer_leaders], ignore_index=True), min_events=params.autonomy_min_events,
        parent_area_min_events=params.parent_area_min_events,
    )  # fmt: skip
    return (
        parent_sel,
        peers,
        peer_ids,
        index,
        f"{parent_sel.name} ({len(parent_sel.events)} events), {len(peers)} peers with events",
    )
