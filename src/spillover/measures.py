"""One function per headline measure, with one set of defaults: the core every surface calls.

The command line (``spillover expansion … --format json``), the assessment (its JSON and its pages), the
web app (its sections and API) and the Python API (``spillover.expansion(g)``) all call these functions on
a :class:`~spillover.selection.GroupSelection` and serialise the typed result they return with its
``to_dict()``: one question, one computation, one answer.

* :func:`profile` — events and fatalities by year, country, source and tactic;
* :func:`expansion` — countries entered (sustained presence) and spread;
* :func:`opportunism` — did the entries follow instability onsets more often than chance;
* :func:`tactics` — the tactic mix over time (primary tactic shares), with coverage warnings;
* :func:`autonomy` — autonomy from the parent (taken from the registry when not given) among its branches;
* :func:`theatres` — distinct theatres per year.

The parameters (:class:`Parameters`) are the methods annex's: a surface may change one (``--draws``), and
the result records what it used.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from spillover._lazy import lazy_attributes
from spillover.parameters import DEFAULTS, Parameters
from spillover.results import INTERNAL, Result

if TYPE_CHECKING:
    from spillover.analysis.autonomy import AutonomyIndex
    from spillover.analysis.expansion import ExpansionResult
    from spillover.analysis.fragmentation import Fragmentation
    from spillover.analysis.opportunism import OpportunismResult
    from spillover.analysis.profile import Profile
    from spillover.analysis.tactics import TacticProfile
    from spillover.analysis.ties import ParentWindow, TiesContext
    from spillover.selection import GroupSelection


def _kept(name: str) -> Any:
    """Decorator: the measure of a selection made from a store with the default registry (one with a
    ``memo_key``) is kept between runs (:mod:`spillover.memo`), keyed by the selection, the data folder's
    files and the arguments —
    the command line, the assessment and the web app compute each measure once per store content.
    ``measured`` (opportunism's expansion of the same selection and parameters) is not part of the key."""
    import functools

    def wrap(fn: Any) -> Any:
        @functools.wraps(fn)
        def run(sel: GroupSelection, *args: Any, **kwargs: Any) -> Any:
            from spillover.config import local_data_dir
            from spillover.memo import folder_fingerprint, kept, reattach

            if getattr(sel, "memo_key", None) is None:
                return fn(sel, *args, **kwargs)
            key = (
                sel.memo_key,
                folder_fingerprint(local_data_dir()),  # onsets, leaders and relations are read from it
                repr(args),
                repr(sorted((k, v) for k, v in kwargs.items() if k != "measured")),
            )
            result = kept(f"measure-{name}", key, lambda: fn(sel, *args, **kwargs))
            reattach(
                result, sel.source
            )  # a selection kept inside the result (the parent's) gets its store back
            return result

        return run

    return wrap


# Each measure imports its analysis module when it runs (a command computes one or two measures: loading
# every analysis — scipy, shapely, scikit-learn — to print a profile cost more than the profile).
_RESULT_TYPES = {
    "AutonomyIndex": "spillover.analysis.autonomy",
    "ExpansionResult": "spillover.analysis.expansion",
    "Fragmentation": "spillover.analysis.fragmentation",
    "OpportunismResult": "spillover.analysis.opportunism",
    "Profile": "spillover.analysis.profile",
    "TacticProfile": "spillover.analysis.tactics",
}


__getattr__ = lazy_attributes(__name__, _RESULT_TYPES)


OK = "ok"
INSUFFICIENT = "insufficient data"


@dataclass
class Unmeasured(Result):
    """A measure the data could not support, and why (every surface says the same)."""

    measure: str
    status: str
    message: str

    @property
    def ok(self) -> bool:
        return False


# -- profile -----------------------------------------------------------------------------------------------
@_kept("profile")
def profile(sel: GroupSelection) -> Profile:
    """Events and fatalities by year, country, source and primary tactic, counted in the selection's view."""
    from spillover.analysis.profile import profile_of

    return profile_of(sel)


# -- expansion and opportunism -----------------------------------------------------------------------------
@_kept("expansion")
def expansion(sel: GroupSelection, params: Parameters = DEFAULTS) -> ExpansionResult | Unmeasured:
    """Countries entered (sustained presence: ``min_events`` within ``window_months``), their dates and the
    yearly spread, with the coverage warnings of the selection's sources."""
    from spillover.analysis.expansion import InsufficientData, measure_expansion

    try:
        result = measure_expansion(
            sel.events, min_events=params.min_events, window_months=params.window_months,
            gap_months=params.gap_months, continue_quarters=params.continue_quarters, group=sel.name,
        )  # fmt: skip
    except InsufficientData as exc:
        return Unmeasured("expansion", INSUFFICIENT, str(exc))
    result.view = sel.view
    result.coverage_warnings = coverage_warnings(sel)
    return result


_ONSETS: dict[str, pd.DataFrame] = {}


def onsets() -> pd.DataFrame:
    """The instability registry (read once per data folder); datasets it could not find are listed in
    ``attrs['warnings']``."""
    from spillover.instability import load_onsets

    key = os.environ.get("SPILLOVER_DATA_DIR", "")
    if key not in _ONSETS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = load_onsets()
        table.attrs["warnings"] = [str(w.message) for w in caught]
        _ONSETS[key] = table
    return _ONSETS[key]


@_kept("opportunism")
def opportunism(
    sel: GroupSelection,
    params: Parameters = DEFAULTS,
    *,
    measured: ExpansionResult | Unmeasured | None = None,
) -> OpportunismResult | Unmeasured:
    """Whether the group's entries followed instability onsets more often than the null models expect
    (``measured``: the selection's :func:`expansion`, when already computed)."""
    from spillover.analysis.opportunism import assess_opportunism

    measured = measured if measured is not None else expansion(sel, params)
    if isinstance(measured, Unmeasured):
        return Unmeasured("opportunism", measured.status, measured.message)
    return assess_opportunism(
        measured, onsets(), group_ids=sorted(sel.family.ids), windows=params.windows,
        primary_window=params.primary_window, nulls=params.nulls, primary_null=params.primary_null,
        n_draws=params.n_draws, seed=params.seed,
    )  # fmt: skip


def entry_classes(
    sel: GroupSelection,
    params: Parameters = DEFAULTS,
    *,
    measured: ExpansionResult | Unmeasured | None = None,
) -> pd.DataFrame | Unmeasured:
    """The class of each of the group's entries, the origin included (the classes :func:`opportunism`
    tests, without its null models)."""
    from spillover.analysis.opportunism import classify_entries

    measured = measured if measured is not None else expansion(sel, params)
    if isinstance(measured, Unmeasured):
        return Unmeasured("entry classes", measured.status, measured.message)
    return classify_entries(
        measured,
        onsets(),
        group_ids=sorted(sel.family.ids),
        window=params.primary_window,
        include_origin=True,
    )


# -- tactics -------------------------------------------------------------------------------------------------
@_kept("tactics")
def tactics(sel: GroupSelection) -> TacticProfile:
    """The monthly tactic mix (primary tactic) and each tactic's share, with coverage warnings."""
    from spillover.analysis.tactics import tactic_profile

    result = tactic_profile(sel.events)
    result.view = sel.view
    result.coverage_warnings = coverage_warnings(sel)
    return result


def coverage_warnings(sel: GroupSelection) -> list:
    """Year-on-year changes that coincide with a source starting or stopping its coverage of a country
    where it reports the group, over the years the group has events in any source; none without a store."""
    from spillover.fusion.coverage import coverage_warnings as warnings_for
    from spillover.store import Store

    if not isinstance(sel.source, Store):
        return []
    every = sel.source_events if sel.source_events is not None else sel.events
    years = every["year"].dropna().astype(int)
    span = range(int(years.min()), int(years.max()) + 1) if len(years) else None
    return warnings_for(sel.events, sel.source, years=span)


# -- autonomy -------------------------------------------------------------------------------------------------
#: The columns the autonomy components read (the index is computed on these only: same numbers, less copying).
AUTONOMY_COLUMNS: tuple[str, ...] = (
    "event_id", "source", "date_start", "date_end", "date_precision", "year", "country_iso3", "admin1",
    "tactic", "tactics", "suicide", "target_type",
)  # fmt: skip


def autonomy_columns(events: pd.DataFrame) -> pd.DataFrame:
    """The events narrowed to :data:`AUTONOMY_COLUMNS` (the monthly series copy whole frames per month)."""
    return events[[c for c in AUTONOMY_COLUMNS if c in events]]


@dataclass
class AutonomyResult(Result):
    """Autonomy of a group from its parent, with who the parent and the peers were and why."""

    group_id: str
    group: str
    status: str
    message: str
    parent_id: str | None
    parent: str | None
    #: "given" (asked for) or "registry" (the group's parent organisation in the actor registry)
    parent_from: str | None
    parent_candidates: list[str]
    parent_events: int
    #: the parent's other branches with events, by name → registry id
    peers: dict[str, str]
    index: AutonomyIndex | None
    parent_selection: GroupSelection | None = field(default=None, repr=False, metadata=INTERNAL)
    peer_events: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, metadata=INTERNAL)
    #: the date the ties are read on and the events end (None: ties not ended, every event)
    as_of: Any = None
    #: the period the group is compared with its parent over (the parent tie, cut at a rivalry)
    window: ParentWindow | None = None
    #: alliances and rivalries in force as of the date, with co-location and events naming both
    ties: TiesContext | None = None

    @property
    def composite(self) -> float | None:
        return self.index.composite if self.index else None

    def to_frame(self) -> pd.DataFrame:
        """One row per component: value, score, events it rests on, rank among the branches."""
        if self.index is None:
            return pd.DataFrame(columns=["component", "status", "value", "score", "n", "peer_rank"])
        return pd.DataFrame(
            [
                {
                    "component": c.name,
                    "status": c.status,
                    "value": c.value,
                    "score": c.score,
                    "n": c.n,
                    "n_parent": c.n_parent,
                    "peer_rank": c.peer_rank,
                    "n_compared": c.n_compared,
                    "how_to_read": c.how_to_read,
                }  # fmt: skip
                for c in self.index.components.values()
            ]
        )


@_kept("autonomy")
def autonomy(
    sel: GroupSelection, params: Parameters = DEFAULTS, *, parent: str | None = None, as_of: Any = None
) -> AutonomyResult:
    """Autonomy of the group from ``parent`` (default: its parent organisation in the registry on
    ``as_of``, :func:`spillover.actors.parents`), ranked among the parent's other branches
    (:func:`spillover.actors.branches`); every selection in the group's view, period and certainty.
    ``as_of``: ties in force that day and events up to it (default: the selection's ``until``, else the
    ties not ended and every event); each
    branch is compared with the parent only over the period its tie holds (:func:`parent_window`)."""
    from spillover.actors import branches, default_registry, parents
    from spillover.actors.dates import to_date
    from spillover.actors.hierarchy import no_parent_reason
    from spillover.analysis import context
    from spillover.analysis.autonomy import autonomy_index, describe_autonomy
    from spillover.analysis.ties import describe_ties, parent_window, tie_context, up_to
    from spillover.selection.group import resolve_group

    reg = default_registry()
    as_of = as_of if as_of is not None else sel.until  # a selection ending on a date is read as of it
    day = to_date(as_of) if as_of is not None else None
    candidates = parents(reg, sel.group_id, sel.family.ids, at=day)
    parent_from = "given" if parent else "registry"
    chosen = parent or (candidates[0] if candidates else None)
    # the parent and its branches (the peers) are selected together, in one pass over the store
    branch_ids = branches(reg, resolve_group(chosen), sel.family.ids, at=day) if chosen else []
    selected = sel.reselect_each([chosen, *branch_ids]) if chosen else {}
    parent_sel = selected.get(chosen)
    base = {"group_id": sel.group_id, "group": sel.name, "parent_candidates": candidates}
    if parent_sel is None:
        why = no_parent_reason(reg, sel.group_id, sel.family.ids)
        ties = tie_context(sel, None, day)
        return AutonomyResult(**base, status=INSUFFICIENT, message=". ".join(filter(None, [why, describe_ties(ties)])),
                              parent_id=None, parent=None, parent_from=None, parent_events=0, peers={}, index=None,
                              as_of=day, ties=ties)  # fmt: skip
    window = parent_window(sel.group_id, parent_sel.group_id, day)
    peer_events, peer_ids = {}, {}
    for pid in branch_ids:
        events = up_to(selected[pid].events, day)
        events = events[parent_window(pid, parent_sel.group_id, day).holds(events["date_start"])]
        if len(events):
            name = reg.group(pid).name
            peer_events[name], peer_ids[name] = events, pid
    group_events = up_to(sel.events, day)
    group_events = group_events[window.holds(group_events["date_start"])]
    parent_events = up_to(parent_sel.events, day)
    parent_events = parent_events[window.holds(parent_events["date_start"])]
    common = {"parent_id": parent_sel.group_id, "parent": parent_sel.name, "parent_from": parent_from,
              "parent_events": len(parent_events), "peers": peer_ids, "parent_selection": parent_sel,
              "peer_events": peer_events, "as_of": day, "window": window,
              "ties": tie_context(sel, parent_sel.group_id, day)}  # fmt: skip
    if group_events.empty:
        return AutonomyResult(
            **base,
            **common,
            status=INSUFFICIENT,
            index=None,
            message=f"the group has no events in the period compared ({window.note})",
        )
    # the index names branches by display name: the family's leaders count for the group
    family_leaders = context.leaders(sel.family.ids).assign(group_id=sel.name)
    peer_leaders = context.leaders(list(peer_ids.values()))
    peer_leaders["group_id"] = peer_leaders["group_id"].map({v: k for k, v in peer_ids.items()})
    index = autonomy_index(
        autonomy_columns(group_events), autonomy_columns(parent_events), group=sel.name, parent=parent_sel.name,
        peers={k: autonomy_columns(v) for k, v in peer_events.items()},
        leaders=pd.concat([family_leaders, peer_leaders], ignore_index=True), min_events=params.autonomy_min_events,
        parent_area_min_events=params.parent_area_min_events,
    )  # fmt: skip
    status = OK if any(c.status == OK for c in index.components.values()) else INSUFFICIENT
    message = ". ".join(
        filter(None, [describe_autonomy(index).rstrip("."), window.note, describe_ties(common["ties"])])
    )
    return AutonomyResult(**base, **common, status=status, message=message + ".", index=index)


# -- theatres -------------------------------------------------------------------------------------------------
@_kept("theatres")
def theatres(sel: GroupSelection, params: Parameters = DEFAULTS) -> Fragmentation:
    """Distinct theatres per year (density clustering), described by countries, provinces and factions, and
    named by the factions the datasets' actor labels and the relations layers identify there."""
    from spillover.analysis import context
    from spillover.analysis.factions import own_labels, related_activity
    from spillover.analysis.fragmentation import theatres as cluster_theatres
    from spillover.selection.labels import event_labels

    return cluster_theatres(
        sel.events, eps_km=params.eps_km, min_samples=params.min_samples,
        factions=context.factions(sel.family.ids),
        labels=own_labels(event_labels(sel.events, sel.source), set(sel.family.ids)), related=related_activity(sel),
    )  # fmt: skip


def headline(sel: GroupSelection, params: Parameters = DEFAULTS) -> dict[str, Any]:
    """Every headline measure of a selection as JSON values (what the cross-surface checks compare)."""
    measured = expansion(sel, params)
    return {
        "selection": sel.parameters(),
        "profile": profile(sel).to_dict(),
        "expansion": measured.to_dict(),
        "opportunism": opportunism(sel, params, measured=measured).to_dict(),
        "tactics": tactics(sel).to_dict(),
        "autonomy": autonomy(sel, params).to_dict(),
        "theatres": theatres(sel, params).to_dict(),
    }
