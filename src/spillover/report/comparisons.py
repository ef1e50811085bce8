"""Report-level measurements built on the analysis functions: comparisons that turn a description into a
testable statement (the group against other actors in the same places, before against after a date).

Each function returns plain numbers with the event ids behind them; :mod:`spillover.report.key_judgments`
turns them into sentences and probabilities.  The rules, in short:

* **Whose side** — in battle data (ACLED, UCDP) a group's event may be an attack *on* the group.  The group
  is on side A when its matched raw name is ``side_a``, otherwise on side B; its *opponent* is the other
  side.  Terrorism data (GTD, RAND) always put the perpetrator on side A.
* **Western interests** (:func:`western_targets`) — an event hits Western interests when (1) the target
  nationality is in the "western" country group of ``analysis/data/country_groups.yaml``, or (2) the
  group's opponent is named after a Western state (e.g. ACLED "Military Forces of France (2012-2017)",
  "Civilians (France)"), or (3) for GTD and RAND, whose description tells the attack of the perpetrator,
  the description names a Western state or nationality ("French", "U.S.", "Italian" …; one matcher,
  :func:`spillover.countries.western_words`, with the claim checker: whole words with their capitals).  ACLED and UCDP
  descriptions are not read: they tell clashes from either side ("French forces killed …").  It is
  *foreign or international* when it hits Western interests, a target of another nationality than the
  event's country, "International"/"Multinational" targets, or a UN or multinational force.
* **Comparison set** (:func:`comparison_events`) — other actors' events in the same (source, country,
  year) cells as the group's, so that wording, place and time are held equal.  A fused event of the group
  opens a cell for every source behind it, and none of its stored rows counts as another actor's.  The
  comparison set itself is other actors' stored rows (not fused): an attack two sources report counts in
  both sources' cells, which weighs both shares alike.
* **Which source's wording** — a fused event carries the descriptive columns (description, tactic, sides)
  of one representative row; ``row_source`` (added by :func:`spillover.selection.select`)
  names that row's source, and the description rule and the within-source strata read it.
* **Pivot** (:func:`identity_pivot`) — the date the group took its present identity (renaming or merger
  into it), else its first pledge or affiliation to its parent: the organisational change a tactic shift
  is tested around.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spillover.analysis._common import ids, uses_tactic, with_dates
from spillover.analysis.fragmentation import Fragmentation
from spillover.analysis.tactics import primary_tactics
from spillover.analysis.targets import classify_targets, load_country_groups
from spillover.countries import iso3_to_name, western_words
from spillover.fusion.files import covering_files, files_behind, sources_behind
from spillover.report.judgments import (
    Posterior,
    p_rate_lower,
    p_share_greater,
    posterior_rate_lower,
    posterior_share_greater,
)
from spillover.selection.group import stored_ids
from spillover.store import Store

#: Opponents that are international but not one Western state (counted as foreign, not Western).
INTERNATIONAL_ACTORS = re.compile(
    r"\b(MINUSMA|MINURSO|UN\b|United Nations|Multinational|International|AFISMA|MNJTF|G5 Sahel|AMISOM|ECOWAS)",
    re.IGNORECASE,
)
#: Sources whose description tells the perpetrator's attack (so a nationality in it is the target's).
ATTACK_DESCRIPTION_SOURCES = frozenset({"gtd", "rand"})


def group_side(events: pd.DataFrame, names: Iterable[str]) -> pd.Series:
    """'a' when the group is side A of the event (its matched raw name is ``side_a``), else 'b'."""
    matched = set(names)
    side_a = events["side_a"] if "side_a" in events else pd.Series(None, index=events.index)
    return pd.Series(np.where(side_a.isin(matched), "a", "b"), index=events.index)


def opponents(events: pd.DataFrame, side: pd.Series) -> pd.Series:
    """The actor on the other side from the group (side B when the group is side A, and vice versa)."""
    a = events["side_a"] if "side_a" in events else pd.Series(None, index=events.index)
    b = events["side_b"] if "side_b" in events else pd.Series(None, index=events.index)
    return pd.Series(np.where(side == "a", b, a), index=events.index, dtype=object)


@dataclass
class TargetFlags:
    """Per event: Western / foreign-or-international flags and the rule that set them."""

    frame: pd.DataFrame  # event_id, western (bool), foreign (bool), rule (str)


def western_flags(
    events: pd.DataFrame, opponent: pd.Series, western: frozenset[str] | None = None
) -> pd.DataFrame:
    """``western``, ``foreign`` and ``rule`` for each event (see the module docstring for the rules)."""
    codes = western if western is not None else load_country_groups()["western"]
    pattern = western_words(frozenset(codes))
    by_nationality = classify_targets(events, codes)
    nat_western = by_nationality["western"].eq(True)
    nat_foreign = by_nationality["foreign"].eq(True)
    opp = opponent.fillna("").astype(str)
    opp_western = opp.map(lambda s: bool(pattern.search(s))).astype(bool)
    opp_international = opp.map(lambda s: bool(INTERNATIONAL_ACTORS.search(s))).astype(bool)
    description = events["description"].fillna("").astype(str) if "description" in events else opp * 0
    wording = wording_source(events)
    readable = wording.isin(ATTACK_DESCRIPTION_SOURCES) if wording is not None else opp_western & False
    text_western = readable & description.map(lambda s: bool(pattern.search(s))).astype(bool)
    # an empty frame maps to object dtype, which np.select refuses: the conditions as boolean arrays
    conditions = [
        np.asarray(c, dtype=bool)
        for c in (nat_western, opp_western, text_western, nat_foreign, opp_international)
    ]
    rule = np.select(
        conditions,
        ["target nationality", "opponent named after a Western state", "description names a Western state or people",
         "foreign target nationality", "international opponent"],
        default="",
    )  # fmt: skip
    is_western = nat_western | opp_western | text_western
    return pd.DataFrame(
        {
            "event_id": events["event_id"].to_numpy(),
            "western": is_western.to_numpy(),
            "foreign": (is_western | nat_foreign | opp_international).to_numpy(),
            "rule": rule,
        },
        index=events.index,
    )


def wording_source(events: pd.DataFrame) -> pd.Series | None:
    """Per event, the source whose wording its descriptive columns are in: ``row_source`` for a fused
    event (its representative row), else ``source``; None without either column."""
    for column in ("row_source", "source"):
        if column in events:
            return events[column]
    return None


def source_counts(events: pd.DataFrame) -> dict[str, int]:
    """Events per source behind them (a fused event counts for each source that reports it)."""
    if events.empty:
        return {}
    return sources_behind(events).explode().value_counts().to_dict()


def comparison_events(
    store: Store, group_events: pd.DataFrame, exclude_ids: Iterable[str] = ()
) -> pd.DataFrame:
    """Other actors' events in the same (source, country, year) cells as the group's events (a fused event
    opens a cell for each of its sources; none of the stored rows behind the group's events is kept)."""
    if group_events.empty:
        return store.query("SELECT * FROM events LIMIT 0")
    cells = (
        group_events[["country_iso3", "year"]]
        .assign(source=sources_behind(group_events))
        .explode("source")[["source", "country_iso3", "year"]]
        .dropna()
        .drop_duplicates()
    )
    skip = pd.DataFrame({"event_id": list(dict.fromkeys([*stored_ids(group_events), *exclude_ids]))})
    with store.registered(_cmp_cells=cells, _cmp_skip=skip):
        return store.query(
            """
            SELECT e.* FROM events e
            JOIN _cmp_cells c ON c.source = e.source AND c.country_iso3 = e.country_iso3 AND c.year = e.year
            WHERE e.event_id NOT IN (SELECT event_id FROM _cmp_skip)
            """
        )


@dataclass
class ShareComparison:
    """A share of the group's events against the same share among comparison events."""

    what: str
    k: int
    n: int
    k_other: int
    n_other: int
    posterior: Posterior | None  # that the group's share is greater (None without events on either side)
    p_value: float  # one-sided Fisher exact test: evidence, not likelihood
    evidence: list[str] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    other_by_source: dict[str, int] = field(default_factory=dict)
    #: per source: (k, n, k_other, n_other), the comparison held within one source's wording
    strata: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    @property
    def robust(self) -> bool | None:
        """Does the group's share stay at least the others' within every source with 10+ events on each
        side (None when no source has that many)?  Guards against a difference made by mixing sources."""
        usable = [(k, n, k2, n2) for k, n, k2, n2 in self.strata.values() if n >= 10 and n2 >= 10]
        if not usable:
            return None
        direction = self.share >= self.share_other
        return all((k / n >= k2 / n2) == direction for k, n, k2, n2 in usable)

    @property
    def share(self) -> float:
        return self.k / self.n if self.n else float("nan")

    @property
    def share_other(self) -> float:
        return self.k_other / self.n_other if self.n_other else float("nan")


def compare_shares(
    what: str, mask: pd.Series, events: pd.DataFrame, other_mask: pd.Series, others: pd.DataFrame
) -> ShareComparison:
    """Share of ``events`` where ``mask`` holds against the share among ``others``, with the Fisher test."""
    k, n = int(mask.sum()), len(mask)
    k2, n2 = int(other_mask.sum()), len(other_mask)
    post = posterior_share_greater(k, n, k2, n2) if n and n2 else None
    p = p_share_greater(k, n, k2, n2) if n and n2 else float("nan")
    # within one source's wording: a fused event in the stratum of the source its columns come from
    wording = wording_source(events)
    strata = {
        str(src): (
            int(mask[wording == src].sum()), int((wording == src).sum()),
            int(other_mask[others["source"] == src].sum()), int((others["source"] == src).sum()),
        )
        for src in sorted(set(wording))
    } if len(events) else {}  # fmt: skip
    return ShareComparison(
        what, k, n, k2, n2, post, p,
        evidence=ids(events[mask], limit=None),
        by_source=source_counts(events),
        other_by_source=others["source"].value_counts().to_dict() if len(others) else {},
        strata=strata,
    )  # fmt: skip


def western_targets(
    group_events: pd.DataFrame, names: Iterable[str], others: pd.DataFrame
) -> tuple[ShareComparison, pd.DataFrame]:
    """Share of the group's events that hit Western interests, against other actors in the same cells."""
    names = list(names)
    flags = western_flags(group_events, opponents(group_events, group_side(group_events, names)))
    other_flags = western_flags(others, opponents(others, pd.Series("a", index=others.index)))
    result = compare_shares(
        "Western interests", flags["western"], group_events, other_flags["western"], others
    )
    result.by_rule = flags.loc[flags["western"], "rule"].value_counts().to_dict()
    return result, flags


def kidnapping_share(group_events: pd.DataFrame, others: pd.DataFrame) -> ShareComparison:
    """Share of events with a known tactic that are kidnappings, group against other actors (same cells)."""
    known = group_events[primary_tactics(group_events) != "unknown"]
    other_known = others[primary_tactics(others) != "unknown"]
    return compare_shares(
        "kidnapping",
        uses_tactic(known, "kidnapping"),
        known,
        uses_tactic(other_known, "kidnapping"),
        other_known,
    )


# ---------------------------------------------------------------------------------------------
# Tactic shift around the group's identity change
# ---------------------------------------------------------------------------------------------


def identity_pivot(org_events: pd.DataFrame, group_id: str, parent_id: str | None) -> dict | None:
    """The organisational change a tactic shift is tested around (see the module docstring).  Without a
    parent in force, the group's own first pledge or affiliation to any organisation, even one that has
    ended (the registry records it, so the report must not say it records none)."""
    if org_events is None or org_events.empty:
        return None
    org = org_events.assign(date=pd.to_datetime(org_events["date"])).sort_values("date")
    into_group = org[(org["other_group_id"] == group_id) & org["kind"].isin(["renamed_to", "merged_into"])]
    if len(into_group):
        return into_group.iloc[0].to_dict()
    ties = org[org["kind"].isin(["pledged_allegiance_to", "affiliate_of"])]
    to_parent = ties[ties["other_group_id"] == parent_id] if parent_id else ties[ties["group_id"] == group_id]
    if len(to_parent):
        return to_parent.iloc[0].to_dict()
    return None


def coded_files(store: Store, tactic: str) -> frozenset[str]:
    """The files whose rows can show ``tactic``: for suicide attacks, files whose loader sets the
    ``suicide`` flag (UCDP GED and the GTD subset without attack types leave it unknown); for another
    tactic, files with a row naming it.  A share of a tactic is read only from these files."""
    if tactic == "suicide_attack":
        sql = "SELECT DISTINCT file_id FROM events WHERE suicide IS NOT NULL"
        frame = store.query(sql)
    else:
        sql = "SELECT DISTINCT file_id FROM events WHERE tactic = ? OR list_contains(tactics, ?)"
        frame = store.query(sql, [tactic, tactic])
    return frozenset(frame["file_id"].astype(str))


@dataclass
class TacticShift:
    """Share of a tactic among events with a known tactic, before and after a pivot date."""

    tactic: str
    pivot: dict
    k_before: int
    n_before: int
    k_after: int
    n_after: int
    posterior: Posterior | None  # that the share after is greater (None without events on either side)
    p_value: float  # one-sided Fisher exact test: evidence, not likelihood
    sources: dict[str, int]
    evidence: list[str]
    #: events left out, by reason ("not coded", "one window only"), then window and source
    left_out: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    before_sources: dict[str, int] = field(default_factory=dict)
    after_sources: dict[str, int] = field(default_factory=dict)

    @property
    def share_before(self) -> float:
        return self.k_before / self.n_before if self.n_before else float("nan")

    @property
    def share_after(self) -> float:
        return self.k_after / self.n_after if self.n_after else float("nan")


def tactic_shift(
    events: pd.DataFrame,
    pivot: dict,
    tactic: str = "suicide_attack",
    coded: Iterable[str] | None = None,
    coverage: pd.DataFrame | None = None,
) -> TacticShift:
    """Did ``tactic`` become more frequent after the pivot?  Events dated across the pivot are left out;
    with ``coded`` (:func:`coded_files`) so are events none of whose files code the tactic (a source that
    cannot record a suicide attack adds only 'no' to the share); with ``coverage``, so are events whose
    sources have no file covering the other side of the pivot in the group's countries (one window would
    be seen through a source the other is not)."""
    ev = with_dates(events)
    ev = ev[primary_tactics(ev) != "unknown"]
    when = pd.Timestamp(pivot["date"])
    ev = ev[(ev["date_end"] < when) | (ev["date_start"] >= when)]
    side = pd.Series(np.where(ev["date_end"] < when, "before", "after"), index=ev.index)
    left_out: dict[str, dict[str, dict[str, int]]] = {}
    if coded is not None:
        coded = frozenset(map(str, coded))
        ok = files_behind(ev).map(lambda files: bool(set(map(str, files)) & coded)).astype(bool)
        left_out["not coded"] = _by_side(ev[~ok], side[~ok])
        ev, side = ev[ok], side[ok]
    if coverage is not None and len(ev):
        windows = ((ev["date_start"].min(), when - pd.Timedelta(days=1)), (when, ev["date_end"].max()))
        changed = changed_sources(coverage, set(ev["country_iso3"].dropna()), *windows, files=coded)
        one_sided = set(changed["only_first"]) | set(changed["only_second"])
        ok = sources_behind(ev).map(lambda ss: not set(ss) <= one_sided).astype(bool)
        left_out["one window only"] = _by_side(ev[~ok], side[~ok])
        ev, side = ev[ok], side[ok]
    before, after = ev[side == "before"], ev[side == "after"]
    used_before, used_after = uses_tactic(before, tactic), uses_tactic(after, tactic)
    k1, n1, k2, n2 = int(used_after.sum()), len(after), int(used_before.sum()), len(before)
    post = posterior_share_greater(k1, n1, k2, n2) if n1 and n2 else None
    p = p_share_greater(k1, n1, k2, n2) if n1 and n2 else float("nan")
    return TacticShift(
        tactic, pivot, k2, n2, k1, n1, post, p,
        sources=source_counts(pd.concat([before, after])),
        evidence=ids(pd.concat([before[used_before], after[used_after]]), limit=None),
        left_out={why: counts for why, counts in left_out.items() if any(counts.values())},
        before_sources=source_counts(before), after_sources=source_counts(after),
    )  # fmt: skip


def _by_side(events: pd.DataFrame, side: pd.Series) -> dict[str, dict[str, int]]:
    return {w: source_counts(events[side == w]) for w in ("before", "after")}


def changed_sources(
    coverage: pd.DataFrame,
    countries: Iterable[str],
    first: tuple[pd.Timestamp, pd.Timestamp],
    second: tuple[pd.Timestamp, pd.Timestamp],
    files: Iterable[str] | None = None,
) -> dict[str, list[str]]:
    """Sources with events of any actor in ``countries`` during only one of two windows (a file counts
    for a window its span in the country overlaps; ``files`` restricts to some files).  Two windows seen
    through different sources cannot be compared: a change of data would read as a change of behaviour.
    Returns {"only_first": [...], "only_second": [...]} (both empty when the windows match)."""
    rows = coverage[coverage["country_iso3"].isin(set(countries))]
    if files is not None:
        rows = rows[rows["file_id"].astype(str).isin(set(map(str, files)))]

    def seen(start: pd.Timestamp, end: pd.Timestamp) -> set[str]:
        hit = rows[(rows["first"] <= pd.Timestamp(end)) & (rows["last"] >= pd.Timestamp(start))]
        return set(hit["source"].astype(str))

    a, b = seen(*first), seen(*second)
    return {"only_first": sorted(a - b), "only_second": sorted(b - a)}


def data_end(coverage: pd.DataFrame, events: pd.DataFrame) -> pd.Timestamp | None:
    """The last date the data cover for a group: the latest event date, of any actor, of the files that
    hold the group's ``events``, each in the countries where it holds them.  Judgments about the present
    hold 'as of' this date."""
    if events.empty:
        return None
    cells = (
        events[["country_iso3"]]
        .assign(file_id=files_behind(events))
        .explode("file_id")
        .dropna()
        .drop_duplicates()
    )
    rows = coverage.merge(cells.astype({"file_id": str}), on=["file_id", "country_iso3"])
    last = rows["last"].max() if len(rows) else pd.NaT
    return None if pd.isna(last) else pd.Timestamp(last)


# ---------------------------------------------------------------------------------------------
# Before and after a date: interventions and the recent trend
# ---------------------------------------------------------------------------------------------


@dataclass
class BeforeAfter:
    """Group events in two equal windows around a date, counted only from files covering both."""

    label: str
    country: str | None
    date: pd.Timestamp
    months: int
    before: int
    after: int
    posterior: Posterior  # that the rate after is lower (Gamma–Poisson, see judgments.MODELS)
    p_value: float  # exact conditional binomial test: evidence, not likelihood
    sources: list[str]
    evidence_before: list[str]
    evidence_after: list[str]
    left_out: int  # group events in the windows from files that do not cover both
    #: sources with events of any actor in the countries during only one window (see changed_sources)
    changed: dict[str, list[str]] = field(default_factory=dict)
    #: the files counted (those covering both windows), for the 'as of' date
    files: list[str] = field(default_factory=list)

    @property
    def same_sources(self) -> bool:
        """Were both windows seen through the same sources?"""
        return not (self.changed.get("only_first") or self.changed.get("only_second"))


def before_after(
    events: pd.DataFrame,
    coverage: pd.DataFrame,
    date: pd.Timestamp,
    months: int,
    *,
    country: str | None = None,
    label: str = "",
) -> BeforeAfter:
    """Events in [date − months, date) against [date, date + months), in ``country`` or anywhere."""
    ev = with_dates(events)
    if country is not None:
        ev = ev[ev["country_iso3"] == country]
    date = pd.Timestamp(date)
    start, end = date - pd.DateOffset(months=months), date + pd.DateOffset(months=months)
    window = ev[(ev["date_start"] >= start) & (ev["date_end"] < end)]
    covering = covering_files(window, coverage, start, end - pd.Timedelta(days=1))
    ok = covering.map(bool).astype(bool) if len(window) else pd.Series(False, index=window.index)
    kept = window[ok]
    file_source = dict(zip(coverage["file_id"], coverage["source"], strict=True))
    before, after = kept[kept["date_end"] < date], kept[kept["date_start"] >= date]
    countries = [country] if country is not None else sorted(set(window["country_iso3"].dropna()))
    changed = changed_sources(
        coverage, countries, (start, date - pd.Timedelta(days=1)), (date, end - pd.Timedelta(days=1))
    )
    return BeforeAfter(
        label=label,
        country=country,
        date=date,
        months=months,
        before=len(before),
        after=len(after),
        posterior=posterior_rate_lower(len(before), len(after)),
        p_value=p_rate_lower(len(before), len(after)),
        sources=sorted({str(file_source[f]) for files in covering[ok] for f in files}),
        evidence_before=ids(before, limit=None),
        evidence_after=ids(after, limit=None),
        left_out=int((~ok).sum()),
        changed=changed,
        files=sorted({str(f) for files in covering[ok] for f in files}),
    )


def interventions(
    onsets: pd.DataFrame, events: pd.DataFrame, group_ids: Iterable[str], months: int
) -> pd.DataFrame:
    """Foreign interventions in the group's countries during its active period (± ``months``), with
    ``against_group`` when the onset names a family member among its targets."""
    if events.empty or onsets.empty:
        return onsets.iloc[0:0].assign(against_group=pd.Series(dtype=bool))
    ev = with_dates(events)
    lo = ev["date_start"].min() - pd.DateOffset(months=months)
    hi = ev["date_end"].max() + pd.DateOffset(months=months)
    countries = set(ev["country_iso3"].dropna())
    sel = onsets[
        (onsets["kind"] == "foreign_intervention")
        & onsets["country_iso3"].isin(countries)
        & (onsets["date"] >= lo)
        & (onsets["date"] <= hi)
    ].copy()
    members = set(group_ids)
    sel["against_group"] = [bool(members & set(t or ())) for t in sel["target_groups"]]
    return sel.reset_index(drop=True)


def intervention_effects(
    events: pd.DataFrame, onsets: pd.DataFrame, coverage: pd.DataFrame, group_ids: Iterable[str], months: int
) -> list[tuple[dict, BeforeAfter]]:
    """Before/after counts of the group's events in the country of each intervention."""
    out = []
    for row in interventions(onsets, events, group_ids, months).to_dict("records"):
        label = f"{row['detail']} ({iso3_to_name(row['country_iso3'])}, {pd.Timestamp(row['date']):%Y-%m-%d})"
        out.append(
            (
                row,
                before_after(events, coverage, row["date"], months, country=row["country_iso3"], label=label),
            )
        )
    return out


def recent_trend(
    events: pd.DataFrame, coverage: pd.DataFrame, years: int, min_events: int = 10
) -> BeforeAfter | None:
    """The last ``years`` years of data against the ``years`` before, counting only files that cover both.

    Files end on different days, so "the last years of data" needs an end date: the end dates of the files
    holding the group's events are tried from the latest, and the first whose two windows hold at least
    ``min_events`` covered events wins (failing that, the one with most).  The choice looks at how many
    events are usable, never at the direction of the trend.
    """
    if events.empty:
        return None
    cells = (
        events[["country_iso3"]]
        .assign(file_id=files_behind(events))
        .explode("file_id")[["file_id", "country_iso3"]]
        .drop_duplicates()
    )
    ends = coverage.merge(cells, on=["file_id", "country_iso3"])["last"].dropna().unique()
    best: BeforeAfter | None = None
    for end in sorted(pd.to_datetime(ends), reverse=True):
        pivot = pd.Timestamp(end).normalize() + pd.Timedelta(days=1) - pd.DateOffset(years=years)
        label = f"{pivot:%Y-%m}–{pd.Timestamp(end):%Y-%m}"
        trial = before_after(events, coverage, pivot, 12 * years, label=label)
        if trial.before + trial.after >= min_events:
            return trial
        if best is None or trial.before + trial.after > best.before + best.after:
            best = trial
    return best


# ---------------------------------------------------------------------------------------------
# Theatres
# ---------------------------------------------------------------------------------------------


@dataclass
class TheatreSummary:
    """Periods with located activity, how many of them had several theatres, and the peak."""

    active_periods: list[str]
    split_periods: list[str]
    peak_period: str | None
    peak_theatres: int
    latest_period: str | None
    latest_theatres: int


def theatre_summary(frag: Fragmentation) -> TheatreSummary:
    """Which periods had at least one theatre, which had two or more, the peak and the latest."""
    t = frag.theatres
    active = t[t["n_theatres"] >= 1]
    split = active[active["n_theatres"] >= 2]
    peak = active["n_theatres"].idxmax() if len(active) else None
    latest = active.index[-1] if len(active) else None
    return TheatreSummary(
        active_periods=[str(p) for p in active.index],
        split_periods=[str(p) for p in split.index],
        peak_period=str(peak) if peak is not None else None,
        peak_theatres=int(active["n_theatres"].max()) if len(active) else 0,
        latest_period=str(latest) if latest is not None else None,
        latest_theatres=int(active["n_theatres"].iloc[-1]) if len(active) else 0,
    )
