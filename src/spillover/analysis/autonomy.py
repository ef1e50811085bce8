"""How autonomous is a branch from its parent organisation?  Separate, explained components plus a stated
composite, each read relative to the parent's other branches.

Autonomy is not observed directly; each component below is one observable trace of it, and each is kept
separate so a reader can disagree with one without losing the others:

==================  ==========================================================  =========================
component           value                                                       score (higher = autonomous)
==================  ==========================================================  =========================
geography           share of the group's events in areas where the parent acts  1 − value
tactics             Jensen–Shannon distance (base 2) of tactic distributions    value
targets             Jensen–Shannon distance (base 2) of target-type mixes       value
synchronisation     max |cross-correlation| of monthly activity, lags −6..+6     1 − value
leadership          share of the group's leaders who rose organically           value
self_financing      share of the group's events that are kidnapping/looting     value
==================  ==========================================================  =========================

A component resting on fewer than ``min_events`` events (group or parent) is reported as "insufficient
data" with the count, never as a number.  The composite is the weighted mean of the available scores, with
the weights stated; ``peers`` (the parent's other branches) turn each score into a rank and a percentile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from spillover.analysis._common import assign_periods, distribution, ids, uses_any_tactic
from spillover.analysis.tactics import primary_tactics
from spillover.results import Result

OK = "ok"
INSUFFICIENT = "insufficient data"
COMPONENTS: tuple[str, ...] = (
    "geography", "tactics", "targets", "synchronisation", "leadership", "self_financing",
)  # fmt: skip
FINANCING_TACTICS: tuple[str, ...] = ("kidnapping", "looting")


@dataclass
class Component(Result):
    """One observable trace of autonomy, with what it rests on and how to read it."""

    name: str
    status: str  # "ok" or "insufficient data"
    value: float | None  # the measurement in its own terms (a share, a distance, a correlation)
    score: float | None  # the value oriented so that higher = more autonomous, in [0, 1]
    n: int  # group events (leaders for leadership) the value rests on
    n_parent: int | None  # parent events it rests on (None when the parent is not used)
    how_to_read: str
    direction: str
    evidence: list[str] = field(default_factory=list)  # event ids, or registry entries for leadership
    details: dict[str, Any] = field(default_factory=dict)
    peer_rank: int | None = None  # 1 = most autonomous among the group and its peers
    peer_percentile: float | None = None  # share of compared branches scoring at most the group's score
    n_compared: int | None = None  # branches with an "ok" score, the group included


@dataclass
class AutonomyIndex(Result):
    _frame = "peers"

    group: str
    parent: str
    components: dict[str, Component]
    weights: dict[str, float]  # as requested
    weights_used: dict[str, float]  # renormalised over the components with data
    composite: float | None
    composite_rank: int | None  # rank of composite_common among branches (1 = most autonomous)
    composite_percentile: float | None
    peers: pd.DataFrame  # one row per branch (the group first): score and n per component, composites
    common_components: list[str]  # components with data for every branch; composite_common uses only these
    min_events: int


def _insufficient(name: str, n: int, n_parent: int | None, why: str, how: str, direction: str) -> Component:
    return Component(name, INSUFFICIENT, None, None, n, n_parent, how, direction, details={"reason": why})


def _area(events: pd.DataFrame, level: str) -> pd.Series:
    return events[level].dropna().astype(str) if level in events else pd.Series(dtype=str)


def geography_component(
    group: pd.DataFrame, parent: pd.DataFrame, *, level: str, min_events: int, parent_area_min_events: int = 1
) -> Component:
    """Share of the group's events in areas (countries by default) where the parent is active, i.e. has at
    least ``parent_area_min_events`` events (raise it to ignore a parent's stray events)."""
    from scipy.spatial.distance import jensenshannon

    how = (
        f"Share of the group's events located in a {level} where the parent also has events; a branch "
        "fighting in its own theatre scores low."
    )
    direction = "lower value = more autonomous (score = 1 − value)"
    g_area, p_area = _area(group, level), _area(parent, level)
    if len(g_area) < min_events or len(p_area) < min_events:
        why = f"{len(g_area)} group and {len(p_area)} parent events with a known {level} (need {min_events})"
        return _insufficient("geography", len(g_area), len(p_area), why, how, direction)
    per_area = p_area.value_counts()
    parent_areas = set(per_area[per_area >= parent_area_min_events].index)
    inside = g_area.isin(parent_areas)
    value = float(inside.mean())
    cats = sorted(set(g_area) | parent_areas)
    return Component(
        "geography", OK, value, 1.0 - value, len(g_area), len(p_area), how, direction,
        evidence=ids(group.loc[inside[inside].index]),
        details={
            "level": level,
            "parent_area_min_events": parent_area_min_events,
            "parent_areas": sorted(parent_areas),
            "group_areas": distribution(g_area).to_dict(),
            "js_distance_of_area_distributions": float(
                jensenshannon(distribution(g_area, cats), distribution(p_area, cats), base=2)
            ),
        },
    )  # fmt: skip


def profile_divergence(
    name: str, group_values: pd.Series, parent_values: pd.Series, group: pd.DataFrame, *, min_events: int
) -> Component:
    """Jensen–Shannon distance (base 2, so in [0, 1]) between two category distributions."""
    from scipy.spatial.distance import jensenshannon

    what = {"tactics": "tactic", "targets": "target-type"}[name]
    how = (
        f"Jensen–Shannon distance between the group's and the parent's {what} distributions: 0 = identical "
        "mix, 1 = no category in common; a branch that fights its own way scores high."
    )
    direction = "higher value = more autonomous (score = value)"
    g, p = group_values.dropna().astype(str), parent_values.dropna().astype(str)
    if len(g) < min_events or len(p) < min_events:
        why = f"{len(g)} group and {len(p)} parent events with a known {what} (need {min_events})"
        return _insufficient(name, len(g), len(p), why, how, direction)
    cats = sorted(set(g) | set(p))
    gd, pd_ = distribution(g, cats), distribution(p, cats)
    value = float(jensenshannon(gd.to_numpy(), pd_.to_numpy(), base=2))
    diff = (gd - pd_).sort_values()
    over = diff.index[-1]
    return Component(
        name, OK, value, value, len(g), len(p), how, direction,
        evidence=ids(group.loc[g[g == over].index]),
        details={
            "group_distribution": gd.to_dict(),
            "parent_distribution": pd_.to_dict(),
            "most_over_represented": over,
            "most_under_represented": diff.index[0],
        },
    )  # fmt: skip


def _known(values: pd.Series, unknown: Sequence[str] = ("unknown", "")) -> pd.Series:
    return values.where(~values.astype(str).str.strip().str.lower().isin(unknown))


def monthly_counts(events: pd.DataFrame) -> pd.Series:
    """Events per calendar month (events dated only to the year or longer are left out)."""
    tagged, _ = assign_periods(events, "month")
    if tagged.empty:
        return pd.Series(dtype=float)
    counts = tagged.groupby("period_start").size()
    full = pd.date_range(counts.index.min(), counts.index.max(), freq="MS")
    return counts.reindex(full, fill_value=0).astype(float)


def cross_correlations(a: pd.Series, b: pd.Series, max_lag: int) -> pd.Series:
    """Pearson correlation of ``a[t]`` with ``b[t + lag]`` for lag in −max_lag..max_lag (pandas)."""
    return pd.Series({lag: a.corr(b.shift(-lag)) for lag in range(-max_lag, max_lag + 1)})


def synchronisation_component(
    group: pd.DataFrame,
    parent: pd.DataFrame,
    *,
    max_lag: int,
    difference: bool,
    min_events: int,
    min_months: int,
) -> Component:
    """Max absolute cross-correlation of monthly activity over the months both series cover."""
    how = (
        f"Largest absolute correlation between the group's and the parent's monthly event counts at lags "
        f"−{max_lag}..+{max_lag} months{' (month-to-month changes, so shared trends do not count)' if difference else ''}"
        "; a branch that moves with its parent scores low."
    )
    direction = "lower value = more autonomous (score = 1 − value)"
    g, p = monthly_counts(group), monthly_counts(parent)
    if g.empty or p.empty:
        return _insufficient("synchronisation", 0, 0, "no month-dated events", how, direction)
    start, end = max(g.index.min(), p.index.min()), min(g.index.max(), p.index.max())
    g, p = g.loc[start:end], p.loc[start:end]
    n_g, n_p, months = int(g.sum()), int(p.sum()), len(g)
    if n_g < min_events or n_p < min_events or months < min_months:
        why = (
            f"{n_g} group and {n_p} parent events over {months} common months "
            f"(need {min_events} events each and {min_months} months)"
        )
        return _insufficient("synchronisation", n_g, n_p, why, how, direction)
    a, b = (g.diff().iloc[1:], p.diff().iloc[1:]) if difference else (g, p)
    r = cross_correlations(a, b, max_lag).dropna()
    if r.empty:
        return _insufficient("synchronisation", n_g, n_p, "a series is constant", how, direction)
    lag = int(r.abs().idxmax())
    value = float(abs(r[lag]))
    peak = pd.concat([g, p], axis=1).min(axis=1).idxmax()
    tagged, _ = assign_periods(group, "month")
    return Component(
        "synchronisation", OK, value, 1.0 - value, n_g, n_p, how, direction,
        evidence=ids(tagged[tagged["period_start"] == peak]),
        details={
            "lag_months_at_max": lag,
            "correlation_at_max": float(r[lag]),
            "correlations": r.to_dict(),
            "months": months,
            "window": (start, end),
            "differenced": difference,
            "evidence_month": peak,
        },
    )  # fmt: skip


def leadership_component(leaders: pd.DataFrame | None, group_id: str) -> Component:
    """Share of the group's recorded leaders who are organic (rose within) rather than appointed."""
    how = (
        "Share of the group's leaders in the registry who rose from within (organic) rather than being "
        "appointed by the parent; every leader counts once, whatever the length of tenure."
    )
    direction = "higher value = more autonomous (score = value)"
    if leaders is None or leaders.empty:
        return _insufficient("leadership", 0, None, "no leadership registry passed", how, direction)
    own = leaders[(leaders["group_id"] == group_id) & leaders["kind"].isin(["organic", "appointed"])]
    if own.empty:
        return _insufficient(
            "leadership", 0, None, f"no leader of {group_id!r} with a known kind", how, direction
        )
    value = float((own["kind"] == "organic").mean())
    entries = [
        f"{r.name} ({r.kind}, {_fmt(r.start, getattr(r, 'start_precision', None))}–"
        f"{_fmt(r.end, getattr(r, 'end_precision', None))})"
        for r in own.sort_values("start").itertuples(index=False)
    ]
    return Component(
        "leadership", OK, value, value, len(own), None, how, direction, evidence=entries,
        details={"organic": int((own["kind"] == "organic").sum()), "appointed": int((own["kind"] == "appointed").sum())},
    )  # fmt: skip


def _fmt(value: Any, precision: str | None = None) -> str:
    """A leader's date at the precision the registry gives it ("2007", "2007-01", "2007-01-24")."""
    from spillover.formatting import date_at

    return "" if value is None or pd.isna(value) else date_at(value, precision or "day")


def self_financing_component(
    group: pd.DataFrame, parent: pd.DataFrame, *, tactics: Sequence[str], min_events: int
) -> Component:
    """Share of the group's events (with a known tactic) that are kidnapping or looting."""
    how = (
        f"Share of the group's events that are {' or '.join(tactics)} — the predation that funds a group "
        "without money from its parent; event data see no transfers, so this is a floor, not a budget."
    )
    direction = "higher value = more autonomous (score = value)"
    known = group[primary_tactics(group) != "unknown"]
    if len(known) < min_events:
        why = f"{len(known)} group events with a known tactic (need {min_events})"
        return _insufficient("self_financing", len(known), None, why, how, direction)
    mask = uses_any_tactic(known, tactics)
    p_known = parent[primary_tactics(parent) != "unknown"]
    p_share = float(uses_any_tactic(p_known, tactics).mean()) if len(p_known) else None
    value = float(mask.mean())
    return Component(
        "self_financing", OK, value, value, len(known), None, how, direction,
        evidence=ids(known[mask]),
        details={"n_financing_events": int(mask.sum()), "parent_share": p_share, "tactics": list(tactics)},
    )  # fmt: skip


def components(
    group: pd.DataFrame,
    parent: pd.DataFrame,
    *,
    group_id: str,
    leaders: pd.DataFrame | None = None,
    min_events: int = 20,
    geo_level: str = "country_iso3",
    parent_area_min_events: int = 1,
    max_lag: int = 6,
    difference: bool = True,
    min_months: int = 24,
    financing_tactics: Sequence[str] = FINANCING_TACTICS,
) -> dict[str, Component]:
    """Every component of the group against the parent (no peer comparison)."""
    g_tac, p_tac = _known(primary_tactics(group)), _known(primary_tactics(parent))
    g_tgt = _known(group["target_type"]) if "target_type" in group else pd.Series(dtype=str)
    p_tgt = _known(parent["target_type"]) if "target_type" in parent else pd.Series(dtype=str)
    return {
        "geography": geography_component(
            group,
            parent,
            level=geo_level,
            min_events=min_events,
            parent_area_min_events=parent_area_min_events,
        ),
        "tactics": profile_divergence("tactics", g_tac, p_tac, group, min_events=min_events),
        "targets": profile_divergence("targets", g_tgt, p_tgt, group, min_events=min_events),
        "synchronisation": synchronisation_component(
            group,
            parent,
            max_lag=max_lag,
            difference=difference,
            min_events=min_events,
            min_months=min_months,
        ),
        "leadership": leadership_component(leaders, group_id),
        "self_financing": self_financing_component(
            group, parent, tactics=financing_tactics, min_events=min_events
        ),
    }


def composite_score(
    comps: Mapping[str, Component], weights: Mapping[str, float]
) -> tuple[float | None, dict]:
    """Weighted mean of the available scores; the weights actually used are renormalised and returned."""
    usable = {k: w for k, w in weights.items() if w > 0 and k in comps and comps[k].status == OK}
    total = sum(usable.values())
    if not usable or total == 0:
        return None, {}
    used = {k: w / total for k, w in usable.items()}
    return float(sum(comps[k].score * w for k, w in used.items())), used


def autonomy_index(
    group_events: pd.DataFrame,
    parent_events: pd.DataFrame,
    *,
    group: str,
    parent: str,
    peers: Mapping[str, pd.DataFrame] | None = None,
    leaders: pd.DataFrame | None = None,
    weights: Mapping[str, float] | None = None,
    min_events: int = 20,
    geo_level: str = "country_iso3",
    parent_area_min_events: int = 1,
    max_lag: int = 6,
    difference: bool = True,
    min_months: int = 24,
    financing_tactics: Sequence[str] = FINANCING_TACTICS,
) -> AutonomyIndex:
    """Autonomy of ``group`` from ``parent``: six components, a weighted composite, and ranks among peers.

    ``group`` (and each key of ``peers``) is also the ``group_id`` looked up in ``leaders``.  ``weights``
    defaults to equal weights over :data:`COMPONENTS`.  ``geo_level`` may be "admin1" for branches that
    share a country with their parent.  Peer ranks: 1 = most autonomous (ties share a rank); the percentile
    is the share of branches (group included) whose score is at most the group's.  The composite is ranked
    on ``composite_common``, built only from components every branch with data has.
    """
    weights = dict(weights) if weights is not None else dict.fromkeys(COMPONENTS, 1.0)
    opts = dict(
        leaders=leaders, min_events=min_events, geo_level=geo_level, parent_area_min_events=parent_area_min_events,
        max_lag=max_lag, difference=difference,
        min_months=min_months, financing_tactics=financing_tactics,
    )  # fmt: skip
    branches = {group: group_events, **dict(peers or {})}
    comps_by_branch = {
        name: components(ev, parent_events, group_id=name, **opts) for name, ev in branches.items()
    }
    table, common = _peer_table(comps_by_branch, weights)
    comps = comps_by_branch[group]
    for name, comp in comps.items():
        comp.peer_rank, comp.peer_percentile, comp.n_compared = _rank(table[name], group)
    composite, used = composite_score(comps, weights)
    rank, pct, _ = _rank(table["composite_common"], group)
    return AutonomyIndex(group, parent, comps, weights, used, composite, rank, pct, table, common, min_events)


def _peer_table(
    comps_by_branch: Mapping[str, Mapping[str, Component]], weights: Mapping[str, float]
) -> tuple[pd.DataFrame, list[str]]:
    """Scores of every branch, its own composite, and a composite over the components every branch with
    data has ("composite_common"): ranking composites built from different components would be unfair."""
    with_data = [b for b, comps in comps_by_branch.items() if any(c.status == OK for c in comps.values())]
    common = [
        name
        for name in COMPONENTS
        if with_data and all(comps_by_branch[b][name].status == OK for b in with_data)
    ]
    common_weights = {k: w for k, w in weights.items() if k in common}
    rows = {}
    for branch, comps in comps_by_branch.items():
        row: dict[str, Any] = {}
        for name, c in comps.items():
            row[name] = c.score
            row[f"{name}_n"] = c.n
        row["composite"] = composite_score(comps, weights)[0]
        row["composite_common"] = composite_score(comps, common_weights)[0] if branch in with_data else None
        rows[branch] = row
    cols = [*COMPONENTS, "composite", "composite_common"]
    return pd.DataFrame.from_dict(rows, orient="index").astype(dict.fromkeys(cols, float)), common


def _rank(scores: pd.Series, group: str) -> tuple[int | None, float | None, int | None]:
    from scipy.stats import percentileofscore

    valid = scores.dropna()
    if group not in valid.index:
        return None, None, len(valid)
    mine = valid[group]
    rank = int((valid > mine).sum()) + 1
    return rank, float(percentileofscore(valid.to_numpy(), mine, kind="weak") / 100), len(valid)


def describe_autonomy(index: AutonomyIndex) -> str:
    """One sentence: composite with its weights and rank, then each component's value or its gap."""
    parts = []
    for c in index.components.values():
        if c.status == OK:
            rank = f", rank {c.peer_rank}/{c.n_compared}" if c.n_compared and c.n_compared > 1 else ""
            parts.append(f"{c.name} {c.value:.2f} (score {c.score:.2f}, n={c.n}{rank})")
        else:
            parent = f", parent n={c.n_parent}" if c.n_parent is not None else ""
            parts.append(f"{c.name} insufficient data (n={c.n}{parent})")
    if index.composite is None:
        head = f"{index.group} vs {index.parent}: no composite (no component has enough data)"
    else:
        w = "equal weights" if len(set(index.weights.values())) == 1 else "weights " + str(index.weights)
        rank = (
            f", rank {index.composite_rank} of {index.peers['composite_common'].notna().sum()} branches on "
            f"{'/'.join(index.common_components)}"
            if len(index.peers) > 1 and index.composite_rank is not None
            else ""
        )
        head = (
            f"{index.group} vs {index.parent}: composite autonomy {index.composite:.2f} "
            f"({w} over {len(index.weights_used)} of {len(index.components)} components{rank})"
        )
    return head + "; " + "; ".join(parts) + "."
