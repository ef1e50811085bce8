"""Did a group enter countries right after they became unstable, more often than chance would give?

The claim tested: "the group expands opportunistically into countries in turmoil".  For each entry
(first sustained presence in a country, :mod:`spillover.analysis.expansion`) we look for the most recent
instability onset in that country before it (:mod:`spillover.instability`).  The statistic is the share
of entries that follow an *exploitable* onset within ``W`` months.  Onsets are not all alike:

* a foreign intervention directed against the group itself (its id among the onset's ``target_groups``)
  in the country, or by the country, makes the entry **retaliation**, not opportunism;
* a war onset whose non-state side is the group itself is the group's **own conflict**, not an
  opportunity it exploited (UCDP codes a conflict once the group fights there);
* every other onset is **exploitable**.

How likely is the observed share by chance?  Three null models keep part of the group's behaviour and
break its link to instability:

* ``permute``: the group's entry dates are shuffled among its entry countries (exact over all orderings
  when there are few entries) — keeps when it expanded and where, not which date went with which place;
* ``uniform``: entry dates are drawn uniformly within the group's active period, countries kept;
* ``neighbours``: entry countries are drawn (without replacement) from the countries the group was active
  in and their neighbours (sharing a border or within ``neighbour_km``), dates kept.

p-values are the share of null draws with a statistic at least the observed one, with the +1
correction for Monte Carlo draws (:func:`scipy.stats.permutation_test`,
:func:`scipy.stats.monte_carlo_test`).  Every draw is seeded from ``seed`` and the cell it belongs to, so
results are reproducible and one cell does not depend on which others were run.

The origin country is left out by default: the date a group "enters" the country it was founded in is
set by where the data start, not by a choice to expand.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spillover.actors.text import slugify
from spillover.analysis import geo
from spillover.analysis.expansion import (
    MIN_EVENTS,
    WINDOW_MONTHS,
    ExpansionResult,
    measure_expansion,
)
from spillover.results import Result

#: Windows (months) of the sensitivity table.
WINDOWS: tuple[int, ...] = (6, 12, 24)
#: Null models, in the order they are reported.
NULLS: tuple[str, ...] = ("permute", "uniform", "neighbours")
#: Average month length used to turn lags into months.
DAYS_PER_MONTH = 365.25 / 12
#: Default distance that makes a country a neighbour for the ``neighbours`` null and the event study.
NEIGHBOUR_KM = 500.0
#: Date precisions precise enough for the robustness variant.
PRECISE_DATES = frozenset({"day", "week"})

_EPOCH = np.datetime64("1970-01-01", "D")


def _days(dates) -> np.ndarray:
    """Days since 1970 as floats (vectorised)."""
    return (pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[D]") - _EPOCH).astype(float)


def _cell_rng(seed: int, *labels: object) -> np.random.Generator:
    """A generator seeded by ``seed`` and the cell's labels, so each cell is reproducible on its own."""
    keys = [zlib.crc32(str(label).encode()) for label in labels]
    return np.random.default_rng([seed, *keys])


# ---------------------------------------------------------------------------------------------
# Which onsets are exploitable for this group
# ---------------------------------------------------------------------------------------------


def onset_relation(onsets: pd.DataFrame, group_ids: Iterable[str]) -> pd.Series:
    """Per onset: ``retaliation`` (intervention against the group), ``own_conflict`` (a conflict the
    group itself fights: one of its family is a side, the sides resolved through the actor registry),
    ``context`` (a foreign deployment against other groups: it changes the country, but is not the
    collapse of order an opportunist exploits) or ``exogenous``."""
    ids = {slugify(g) for g in group_ids}
    targets = (
        onsets["target_groups"]
        if "target_groups" in onsets
        else pd.Series([()] * len(onsets), index=onsets.index)
    )
    hits = pd.Series([bool(ids & set(t or ())) for t in targets], index=onsets.index)
    relation = pd.Series("exogenous", index=onsets.index)
    relation[~hits & (onsets["kind"] == "foreign_intervention")] = "context"
    relation[hits & (onsets["kind"] == "foreign_intervention")] = "retaliation"
    relation[hits & (onsets["kind"] != "foreign_intervention")] = "own_conflict"
    return relation


@dataclass(frozen=True)
class OnsetIndex:
    """Sorted onset days per country, by relation to the group (fast look-ups for the null draws)."""

    exploitable: dict[str, np.ndarray]
    retaliation: dict[str, np.ndarray]
    own_conflict: dict[str, np.ndarray]

    @staticmethod
    def build(
        onsets: pd.DataFrame, group_ids: Iterable[str], kinds: Iterable[str] | None = None
    ) -> OnsetIndex:
        onsets = onsets.dropna(subset=["country_iso3", "date"])
        relation = onset_relation(onsets, group_ids)
        exploitable = onsets[relation == "exogenous"]
        if kinds is not None:
            exploitable = exploitable[exploitable["kind"].isin(list(kinds))]
        own = onsets[relation == "own_conflict"]
        targeted = onsets[relation == "retaliation"]
        # An intervention against the group counts where it happened and in every intervening country.
        interveners = targeted.get("interveners", pd.Series([()] * len(targeted), index=targeted.index))
        by_intervener = [
            (code, when)
            for when, codes in zip(targeted["date"], interveners, strict=True)
            for code in (codes or ())
        ]
        retaliation = pd.concat(
            [
                targeted[["country_iso3", "date"]],
                pd.DataFrame(by_intervener, columns=["country_iso3", "date"]),
            ],
            ignore_index=True,
        )
        return OnsetIndex(_by_country(exploitable), _by_country(retaliation), _by_country(own))


def _by_country(onsets: pd.DataFrame) -> dict[str, np.ndarray]:
    if onsets.empty:
        return {}
    days = _days(onsets["date"])
    return {code: np.sort(days[mask]) for code, mask in _country_masks(onsets["country_iso3"].to_numpy())}


def _country_masks(codes: np.ndarray):
    for code in pd.unique(codes):
        yield code, codes == code


def _followed_within(onset_days: np.ndarray | None, days: np.ndarray, window_days: float) -> np.ndarray:
    """For each day: is there an onset on or before it, at most ``window_days`` earlier?"""
    if onset_days is None or onset_days.size == 0:
        return np.zeros(np.shape(days), dtype=bool)
    position = np.searchsorted(onset_days, days, side="right") - 1
    found = position >= 0
    lag = days - onset_days[np.clip(position, 0, None)]
    return found & (lag <= window_days)


def opportunistic(index: OnsetIndex, country: str, days: np.ndarray, window_months: float) -> np.ndarray:
    """Entries into ``country`` on ``days`` that follow an exploitable onset within the window and no
    intervention against the group (vectorised over ``days`` of any shape)."""
    window = window_months * DAYS_PER_MONTH
    follows = _followed_within(index.exploitable.get(country), days, window)
    retaliates = _followed_within(index.retaliation.get(country), days, window)
    return follows & ~retaliates


# ---------------------------------------------------------------------------------------------
# Null models
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NullOutcome:
    observed: float
    expected: float
    p_value: float
    n_draws: int
    exact: bool
    note: str = ""


def _permute_null(index, countries, days, window, n_draws, rng) -> NullOutcome:
    from scipy import stats

    n = len(countries)
    # matrix[i, j]: would an entry into country i on entry date j be opportunistic?
    matrix = np.vstack([opportunistic(index, c, days, window) for c in countries]).astype(float)
    rows = np.arange(n)
    if n == 1:  # one entry has one ordering: the null is the observation itself
        observed = float(matrix[0, 0])
        return NullOutcome(observed, observed, 1.0, 1, True)

    def statistic(order, axis=-1):
        return matrix[rows, np.asarray(order, dtype=int)].mean(axis=-1)

    test = stats.permutation_test(
        (np.arange(n),),
        statistic,
        permutation_type="pairings",
        vectorized=True,
        n_resamples=n_draws,
        alternative="greater",
        rng=rng,
    )
    exact = math.factorial(n) <= n_draws  # scipy enumerates every ordering then
    return NullOutcome(
        float(test.statistic),
        float(np.mean(test.null_distribution)),
        float(test.pvalue),
        len(test.null_distribution),
        bool(exact),
    )


def _uniform_null(index, countries, days, window, n_draws, rng, period) -> NullOutcome:
    from scipy import stats

    n = len(countries)
    low, high = period

    def statistic(sample, axis=-1):
        sample = np.asarray(sample)
        hits = np.stack(
            [opportunistic(index, countries[i], sample[..., i], window) for i in range(n)], axis=-1
        )
        return hits.mean(axis=-1)

    def draw(size):
        return rng.uniform(low, high, size=size)

    test = stats.monte_carlo_test(
        days, draw, statistic, vectorized=True, n_resamples=n_draws, alternative="greater"
    )
    return NullOutcome(
        float(test.statistic), float(np.mean(test.null_distribution)), float(test.pvalue), n_draws, False
    )


def _neighbour_null(index, countries, days, window, n_draws, rng, pool) -> NullOutcome:
    from scipy import stats

    n = len(countries)
    pool = list(dict.fromkeys([*countries, *sorted(pool)]))
    if len(pool) < n:
        return NullOutcome(np.nan, np.nan, np.nan, 0, False, "fewer candidate countries than entries")
    matrix = np.vstack([opportunistic(index, c, days, window) for c in pool]).astype(float)
    columns = np.arange(n)
    observed = np.array([pool.index(c) for c in countries], dtype=float)

    def statistic(sample, axis=-1):
        return matrix[np.asarray(sample, dtype=int), columns].mean(axis=-1)

    def draw(size):
        batch = size[0] if len(size) > 1 else 1
        picks = rng.random((batch, len(pool))).argsort(axis=1)[:, :n]
        return picks.reshape(size)

    test = stats.monte_carlo_test(
        observed, draw, statistic, vectorized=True, n_resamples=n_draws, alternative="greater"
    )
    note = f"{len(pool)} candidate countries"
    return NullOutcome(
        float(test.statistic),
        float(np.mean(test.null_distribution)),
        float(test.pvalue),
        n_draws,
        False,
        note,
    )


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------


@dataclass
class OpportunismResult(Result):
    """Outcome of :func:`assess_opportunism`.

    ``entries``: one row per tested entry with the most recent onset before it (kind, date, detail,
    source, relation, lag in months), the kinds of exploitable onsets within the primary window and the
    entry's ``classification`` (opportunism / retaliation / own_conflict / none).
    ``sensitivity``: one row per window × null model.  ``by_kind``: the ``permute`` test with only one
    kind of onset counted as exploitable, per kind and window.
    """

    _frame = "entries"

    status: str
    message: str
    group_ids: tuple[str, ...]
    origin_iso3: str | None
    include_origin: bool
    primary_window: int
    primary_null: str
    n_draws: int
    seed: int
    rule: str
    n_events: int
    n_expansions: int
    entries: pd.DataFrame
    sensitivity: pd.DataFrame
    by_kind: pd.DataFrame
    expansion: ExpansionResult | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def primary(self) -> pd.Series | None:
        """The sensitivity row of the primary window and null model."""
        table = self.sensitivity
        if table.empty:
            return None
        row = table[(table["window_months"] == self.primary_window) & (table["null"] == self.primary_null)]
        return None if row.empty else row.iloc[0]


SENSITIVITY_COLUMNS = [
    "window_months",
    "null",
    "n_expansions",
    "observed_count",
    "observed_share",
    "expected_share",
    "effect",
    "p_value",
    "n_draws",
    "exact",
    "note",
]


def _effect(observed: float, expected: float) -> float:
    if not np.isfinite(expected) or expected == 0:
        return np.inf if observed > 0 else np.nan
    return observed / expected


def _sensitivity_row(window, null, n, outcome: NullOutcome) -> dict:
    return {
        "window_months": window,
        "null": null,
        "n_expansions": n,
        "observed_count": int(round(outcome.observed * n)) if np.isfinite(outcome.observed) else 0,
        "observed_share": outcome.observed,
        "expected_share": outcome.expected,
        "effect": _effect(outcome.observed, outcome.expected),
        "p_value": outcome.p_value,
        "n_draws": outcome.n_draws,
        "exact": outcome.exact,
        "note": outcome.note,
    }


def _describe_entries(
    entries: pd.DataFrame, onsets: pd.DataFrame, index: OnsetIndex, group_ids, window: int
) -> pd.DataFrame:
    """Each entry with the most recent onset before it and its classification."""
    onsets = onsets.dropna(subset=["country_iso3", "date"]).assign(relation=onset_relation(onsets, group_ids))
    rows = []
    for entry in entries.itertuples(index=False):
        prior = onsets[(onsets["country_iso3"] == entry.country_iso3) & (onsets["date"] <= entry.date)]
        latest = prior.iloc[-1] if not prior.empty else None
        days = _days([entry.date])
        window_days = window * DAYS_PER_MONTH
        recent = prior[(entry.date - prior["date"]).dt.days <= window_days]
        if _followed_within(index.retaliation.get(entry.country_iso3), days, window_days)[0]:
            classification = "retaliation"
        elif opportunistic(index, entry.country_iso3, days, window)[0]:
            classification = "opportunism"
        elif _followed_within(index.own_conflict.get(entry.country_iso3), days, window_days)[0]:
            classification = "own_conflict"
        else:
            classification = "none"
        rows.append(
            {
                "country_iso3": entry.country_iso3,
                "date": entry.date,
                "evidence_event_ids": entry.evidence_event_ids,
                "onsets_in_country": int((onsets["country_iso3"] == entry.country_iso3).sum()),
                "last_onset_date": None if latest is None else latest["date"],
                "last_onset_kind": None if latest is None else latest["kind"],
                "last_onset_relation": None if latest is None else latest["relation"],
                "last_onset_detail": None if latest is None else latest["detail"],
                "last_onset_source": None if latest is None else latest["source"],
                "lag_months": np.nan
                if latest is None
                else (entry.date - latest["date"]).days / DAYS_PER_MONTH,
                "exploitable_kinds_in_window": tuple(
                    sorted(set(recent.loc[recent["relation"] == "exogenous", "kind"]))
                ),
                "classification": classification,
            }
        )
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["last_onset_date"] = pd.to_datetime(frame["last_onset_date"])
    return frame


def _kept_nulls(*args: object) -> list[dict]:
    """:func:`_run_nulls`, kept between runs for the same arguments (:mod:`spillover.memo`): the draws are
    seeded, so the rows depend on the arguments only, and computing them costs scipy's import and the draws."""
    import hashlib
    import pickle

    from spillover.memo import kept

    *exact, pool, pool_note, label = (*args, "") if len(args) == 10 else args
    digest = hashlib.sha256(pickle.dumps(tuple(exact), protocol=5)).hexdigest()
    key = (
        digest,
        None if pool is None else sorted(pool),
        pool_note,
        label,
    )  # a set pickles in no fixed order
    return kept("nulls", key, lambda: _run_nulls(*args))


def _run_nulls(
    index: OnsetIndex,
    countries: list[str],
    days: np.ndarray,
    window: int,
    nulls: Sequence[str],
    n_draws: int,
    seed: int,
    period: tuple[float, float],
    pool: set[str] | None,
    pool_note: str,
    label: str = "",
) -> list[dict]:
    rows = []
    for null in nulls:
        rng = _cell_rng(seed, window, null, label)
        if null == "permute":
            outcome = _permute_null(index, countries, days, window, n_draws, rng)
        elif null == "uniform":
            outcome = _uniform_null(index, countries, days, window, n_draws, rng, period)
        elif null == "neighbours":
            if pool is None:
                observed = float(
                    np.mean(
                        [opportunistic(index, c, days[i : i + 1], window)[0] for i, c in enumerate(countries)]
                    )
                )
                outcome = NullOutcome(observed, np.nan, np.nan, 0, False, pool_note)
            else:
                outcome = _neighbour_null(index, countries, days, window, n_draws, rng, pool)
        else:
            raise ValueError(f"unknown null model {null!r}; one of {NULLS}")
        rows.append(_sensitivity_row(window, null, len(countries), outcome))
    return rows


def _neighbour_pool(
    expansion: ExpansionResult, neighbour_km: float, basemap, include_origin: bool
) -> tuple[set[str] | None, str]:
    active = set(expansion.countries["country_iso3"])
    try:
        pool = active | geo.neighbours(active, within_km=neighbour_km, basemap=basemap)
    except geo.MissingDataFile as exc:
        return None, f"skipped: {exc}"
    if not include_origin and expansion.origin_iso3:
        pool.discard(expansion.origin_iso3)
    return pool, ""


def normalise_onsets(onsets: pd.DataFrame) -> pd.DataFrame:
    """Onsets with parsed dates and every registry column (so a hand-made frame with just
    ``country_iso3``, ``date`` and ``kind`` works too)."""
    missing = {"country_iso3", "date", "kind"} - set(onsets.columns)
    if missing:
        raise ValueError(f"onsets lack required columns: {sorted(missing)}")
    frame = onsets.copy()
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    for column in ("detail", "source", "date_precision"):
        if column not in frame:
            frame[column] = None
    for column in ("target_groups", "interveners"):
        values = frame[column] if column in frame else pd.Series([()] * len(frame), index=frame.index)
        frame[column] = [tuple(v) if isinstance(v, list | tuple) else () for v in values]
    return (
        frame.dropna(subset=["country_iso3", "date"])
        .sort_values("date", kind="stable")
        .reset_index(drop=True)
    )


def _tested_entries(expansion: ExpansionResult, include_origin: bool) -> pd.DataFrame:
    """The entries the test classes: every sustained entry, the origin only when asked for."""
    entries = expansion.expansions
    if not include_origin:
        entries = entries[~entries["is_origin"]]
    return entries.reset_index(drop=True)


def classify_entries(
    expansion: ExpansionResult,
    onsets: pd.DataFrame,
    *,
    group_ids: Iterable[str] = (),
    window: int = 12,
    include_origin: bool = False,
) -> pd.DataFrame:
    """Each entry with the most recent onset before it and its class (retaliation / opportunism /
    own_conflict / none) — the ``entries`` table of :func:`assess_opportunism`, without the null models,
    for questions about one entry (the casebook's) that need no test."""
    group_ids = tuple(slugify(g) for g in group_ids)
    onsets = normalise_onsets(onsets)
    entries = _tested_entries(expansion, include_origin)
    return _describe_entries(entries, onsets, OnsetIndex.build(onsets, group_ids), group_ids, window)


def assess_opportunism(
    expansion: ExpansionResult | pd.DataFrame,
    onsets: pd.DataFrame,
    *,
    group_ids: Iterable[str] = (),
    windows: Sequence[int] = WINDOWS,
    primary_window: int = 12,
    nulls: Sequence[str] = NULLS,
    primary_null: str = "permute",
    n_draws: int = 10_000,
    seed: int = 0,
    include_origin: bool = False,
    neighbour_km: float = NEIGHBOUR_KM,
    basemap: str | os.PathLike[str] | None = None,
    by_kind: bool = True,
    min_events: int = MIN_EVENTS,
    window_months: int = WINDOW_MONTHS,
) -> OpportunismResult:
    """Test whether a group's entries followed instability onsets more often than chance.

    ``expansion`` is a :class:`ExpansionResult` or the group's events (then measured with
    ``min_events``/``window_months``).  ``group_ids`` are the group's id and its family members' ids
    (slugs, e.g. ``["aqim", "gspc", "gia"]``), used to tell retaliation and the group's own wars from
    exploitable onsets.  Returns a result whose ``status`` is ``"insufficient_data"`` (with the counts in
    ``message``) when there is no entry to test.
    """
    if primary_window not in windows:
        windows = (*windows, primary_window)
    if isinstance(expansion, pd.DataFrame):
        expansion = measure_expansion(expansion, min_events=min_events, window_months=window_months)
    group_ids = tuple(slugify(g) for g in group_ids)
    onsets = normalise_onsets(onsets)
    entries = _tested_entries(expansion, include_origin)
    index = OnsetIndex.build(onsets, group_ids)
    described = _describe_entries(entries, onsets, index, group_ids, primary_window)
    base = dict(
        group_ids=group_ids,
        origin_iso3=expansion.origin_iso3,
        include_origin=include_origin,
        primary_window=primary_window,
        primary_null=primary_null,
        n_draws=n_draws,
        seed=seed,
        rule=expansion.rule.describe(),
        n_events=expansion.n_events,
        n_expansions=len(entries),
        entries=described,
        expansion=expansion,
    )
    if entries.empty:
        origin_note = "" if include_origin else f" besides the origin ({expansion.origin_iso3})"
        message = (
            f"insufficient data: {expansion.n_events} event(s), {len(expansion.expansions)} countries with "
            f"sustained presence ({expansion.rule.describe()}), no entry to test{origin_note}"
        )
        empty = pd.DataFrame(columns=SENSITIVITY_COLUMNS)
        return OpportunismResult(
            status="insufficient_data", message=message, sensitivity=empty, by_kind=empty, **base
        )

    countries = entries["country_iso3"].astype(str).tolist()
    days = _days(entries["date"])
    period = (
        float(_days([expansion.events["date_start"].min()])[0]),
        float(_days([expansion.events["date_start"].max()])[0]),
    )
    pool, pool_note = (None, "")
    if "neighbours" in nulls:
        pool, pool_note = _neighbour_pool(expansion, neighbour_km, basemap, include_origin)
    rows = []
    for window in windows:
        rows += _kept_nulls(index, countries, days, window, nulls, n_draws, seed, period, pool, pool_note)
    sensitivity = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)

    kind_rows = []
    if by_kind:
        for kind in sorted(onsets["kind"].dropna().unique()):
            kind_index = OnsetIndex.build(onsets, group_ids, kinds=[kind])
            for window in windows:
                for row in _kept_nulls(
                    kind_index, countries, days, window, ["permute"], n_draws, seed, period, None, "", kind
                ):
                    kind_rows.append({"kind": kind, **row})
    kinds_table = pd.DataFrame(kind_rows, columns=["kind", *SENSITIVITY_COLUMNS])
    message = f"{len(entries)} entries tested ({expansion.rule.describe()})"
    return OpportunismResult(
        status="ok", message=message, sensitivity=sensitivity, by_kind=kinds_table, **base
    )


# ---------------------------------------------------------------------------------------------
# Summary sentence
# ---------------------------------------------------------------------------------------------


def _format_p(p: float, exact: bool, n_draws: int) -> str:
    if not np.isfinite(p):
        return "p not computed"
    text = f"p = {p:.3f}" if p >= 0.001 else f"p = {p:.4f}"
    if exact:
        how = f"exact over all {n_draws:,} orderings" if n_draws > 1 else "a single entry has one ordering"
    else:
        how = f"{n_draws:,} null draws"
    return f"{text}, {how}"


def describe_opportunism(result: OpportunismResult) -> str:
    """One sentence with the primary numbers, or the reason there are none."""
    if not result.ok:
        return f"Opportunism not assessed: {result.message}."
    row = result.primary()
    if row is None:
        return f"Opportunism assessed, but no result for a {result.primary_window}-month window and the {result.primary_null} null."
    n = int(row["n_expansions"])
    share = row["observed_share"]
    expected = row["expected_share"]
    effect = row["effect"]
    effect_text = "n/a" if not np.isfinite(effect) else f"{effect:.1f}×"
    null_name = {"permute": "permutations", "uniform": "uniform-date draws", "neighbours": "neighbour draws"}
    how = _format_p(row["p_value"], bool(row["exact"]), int(row["n_draws"])).replace(
        "null draws", null_name.get(result.primary_null, "null draws")
    )
    sentence = (
        f"{int(row['observed_count'])} of {n} expansions ({share:.0%}) followed an instability onset within "
        f"{result.primary_window} months, against {expected:.0%} expected under the null "
        f"(effect {effect_text}, {how})"
    )
    retaliation = int((result.entries["classification"] == "retaliation").sum())
    if retaliation:
        sentence += f"; {retaliation} more followed an intervention against the group itself (retaliation)"
    if not result.include_origin and result.origin_iso3:
        sentence += f"; origin {result.origin_iso3} excluded"
    return sentence + "."
