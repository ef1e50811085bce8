"""Check the casebook against what the analyses make of the store: agreed, disagreed or not checkable.

Each fact is put to the analysis that answers it — entries to :func:`~spillover.analysis.expansion.
measure_expansion` (through :func:`spillover.measures.expansion`), first uses of a tactic to :func:`~spillover.analysis.tactics.first_use`, the class of an
entry to :func:`spillover.measures.entry_classes`, lineage to the actor registry — on the
group's events as every analysis selects them (:func:`group_selection`, the one place that selects).

A fact is *not checkable* when the data cannot show it, never counted as agreement or disagreement: no loaded
file covers the country at the documented time (coverage read from the data, :func:`spillover.fusion.
dense_coverage`: a file covers a country from its first to its last event there, if dense enough), or, for a
tactic, no covering file codes that tactic at all (UCDP GED and the GTD subset without attack types never
code a suicide attack).  A disagreement names the data's answer and the events behind it.

``agreement`` is agreed / (agreed + disagreed).  The Brier score needs a probability that a proposition is
true; the analyses give none today (the opportunism test gives p-values, which are not such probabilities),
so it is reported as null with the reason.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from spillover import measures
from spillover.actors import Registry, default_registry
from spillover.analysis.expansion import ExpansionResult
from spillover.analysis.tactics import first_use
from spillover.fusion import dense_coverage
from spillover.measures import Parameters
from spillover.selection import GroupSelection
from spillover.store import Store
from spillover.validation.casebook import Casebook, CaseGroup, Fact

AGREED, DISAGREED, NOT_CHECKABLE = "agreed", "disagreed", "not_checkable"

#: Events listed behind a disagreement about a country (the earliest ones).
MAX_EVIDENCE = 10

#: Why there is no Brier score while no analysis gives the probability of a casebook proposition.
NO_PROBABILITY = (
    "no analysis gives the probability that a casebook proposition is true: the opportunism test reports "
    "p-values, which are not such probabilities"
)


@dataclass
class FactResult:
    """The verdict on one fact, with the data's answer and the evidence behind it."""

    fact: str
    group: str
    kind: str
    checkable_from: str
    statement: str
    documented: str
    status: str
    data_answer: str | None = None
    event_ids: list[str] = field(default_factory=list)
    reason: str | None = None
    sources: list[dict[str, str | None]] = field(default_factory=list)
    #: the analysis' probability that the documented proposition holds, when it gives one (for the Brier score)
    probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ValidationResult:
    """The casebook's verdicts.  ``to_dict()`` is the JSON of ``spillover validate --format json``."""

    groups: int
    results: list[FactResult]
    brier: float | None
    brier_reason: str | None

    @property
    def facts(self) -> int:
        return len(self.results)

    def _count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def agreed(self) -> int:
        return self._count(AGREED)

    @property
    def disagreed(self) -> int:
        return self._count(DISAGREED)

    @property
    def not_checkable(self) -> int:
        return self._count(NOT_CHECKABLE)

    @property
    def agreement(self) -> float | None:
        """Agreed share of the checkable facts (None when no fact is checkable)."""
        checked = self.agreed + self.disagreed
        return self.agreed / checked if checked else None

    def tally(self, checkable_from: str) -> tuple[int, int]:
        """(agreed, checked) among the facts checked from ``events`` or from the ``registry``: lineage facts
        only show that the registry agrees with the casebook, entries and tactics test the analyses."""
        rows = [r for r in self.results if r.checkable_from == checkable_from and r.status != NOT_CHECKABLE]
        return sum(r.status == AGREED for r in rows), len(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": self.groups,
            "facts": self.facts,
            "agreed": self.agreed,
            "disagreed": self.disagreed,
            "not_checkable": self.not_checkable,
            "agreement": self.agreement,
            "brier": self.brier,
            "brier_reason": self.brier_reason,
            "results": [r.to_dict() for r in self.results],
        }


# --- the group's events: the one call into selection ----------------------------------------------------------


def group_selection(store: Store, group_id: str, params: Parameters) -> GroupSelection:
    """The group's selection as every analysis makes it (:func:`spillover.selection.select` with the
    parameters' family, view and certainty).  The only call into the selection layer."""
    from spillover.selection import select

    return select(store, group_id, include=params.include, view=params.view, certainty=params.certainty)


# --- context shared by the checks ---------------------------------------------------------------------------


@dataclass
class _Context:
    store: Store
    book: Casebook
    registry: Registry
    coverage: pd.DataFrame
    tactic_files: dict[str, set[str]] = field(default_factory=dict)
    selections: dict[str, GroupSelection] = field(default_factory=dict)
    expansions: dict[str, ExpansionResult | None] = field(default_factory=dict)
    classes: dict[str, pd.DataFrame | str] = field(default_factory=dict)
    params: Parameters = field(default_factory=Parameters)

    def selection(self, gid: str) -> GroupSelection:
        if gid not in self.selections:
            self.selections[gid] = group_selection(self.store, gid, self.params)
        return self.selections[gid]

    def events(self, gid: str) -> pd.DataFrame:
        return self.selection(gid).events

    def expansion(self, gid: str) -> ExpansionResult | None:
        """The entries as :func:`spillover.measures.expansion` measures them (the same rule and parameters as
        every surface)."""
        if gid not in self.expansions:
            measured = measures.expansion(self.selection(gid), self.params) if len(self.events(gid)) else None
            self.expansions[gid] = measured if isinstance(measured, ExpansionResult) else None
        return self.expansions[gid]

    def files_coding(self, tactic: str) -> set[str]:
        """Files with at least one event of ``tactic``: the files that code it at all."""
        if tactic not in self.tactic_files:
            frame = self.store.query(
                """
                SELECT DISTINCT f.name AS file FROM events e JOIN files f USING (file_id)
                WHERE e.tactic = ? OR list_contains(e.tactics, ?) OR (? = 'suicide_attack' AND e.suicide)
                """,
                [tactic, tactic, tactic],
            )
            self.tactic_files[tactic] = set(frame["file"])
        return self.tactic_files[tactic]


def _window(fact: Fact, tolerance: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The documented period widened by ``tolerance`` months on each side."""
    assert fact.date is not None
    offset = pd.DateOffset(months=tolerance)
    return pd.Timestamp(fact.date.first) - offset, pd.Timestamp(fact.date.last) + offset


def _covering(
    ctx: _Context,
    country: str | None,
    start: pd.Timestamp,
    end: pd.Timestamp,
    files: set[str] | None = None,
) -> list[str]:
    """Files dense enough to cover ``country`` (any when None) whose span there overlaps start … end."""
    cov = ctx.coverage[ctx.coverage["covers"]]
    if country is not None:
        cov = cov[cov["country_iso3"] == country]
    if files is not None:
        cov = cov[cov["file"].isin(files)]
    overlap = (pd.to_datetime(cov["first_date"]) <= end) & (pd.to_datetime(cov["last_date"]) >= start)
    return sorted(set(cov.loc[overlap, "file"]))


def _period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{start:%Y-%m}–{end:%Y-%m}"


def _in_country(events: pd.DataFrame, country: str) -> pd.DataFrame:
    rows = events[events["country_iso3"] == country]
    return rows.assign(_d=pd.to_datetime(rows["date_start"])).sort_values("_d")


# --- the checks -------------------------------------------------------------------------------------------------


def _check_entry(ctx: _Context, group: CaseGroup, fact: Fact, result: FactResult) -> None:
    start, end = _window(fact, ctx.book.tolerance(fact))
    country = str(fact.country)
    exp = ctx.expansion(group.id)
    row = None if exp is None else exp.expansions[exp.expansions["country_iso3"] == country]
    if row is not None and len(row):
        entered = pd.Timestamp(row["date"].iloc[0])
        result.event_ids = list(row["evidence_event_ids"].iloc[0])
        result.data_answer = f"entry into {country} on {entered:%Y-%m-%d}"
        if start <= entered <= end:
            result.status = AGREED
            return
        if entered < start:
            result.status = DISAGREED
            result.reason = f"the data date the entry before the documented period ({_period(start, end)})"
            return
    else:
        events = _in_country(ctx.events(group.id), country)
        result.data_answer = f"no entry into {country} ({len(events)} event(s) there)"
        result.event_ids = events["event_id"].astype(str).head(MAX_EVIDENCE).tolist()
    if not _covering(ctx, country, start, end):
        result.status = NOT_CHECKABLE
        result.reason = f"no loaded source covers {country} in {_period(start, end)}"
        return
    result.status = DISAGREED
    result.reason = f"covered sources show no entry into {country} in {_period(start, end)}"


def _check_first_tactic(ctx: _Context, group: CaseGroup, fact: Fact, result: FactResult) -> None:
    start, end = _window(fact, ctx.book.tolerance(fact))
    tactic = str(fact.tactic)
    table = first_use({group.id: ctx.events(group.id)}, tactic)
    first = table["first_date"].iloc[0] if len(table) else pd.NaT
    if pd.notna(first):
        first = pd.Timestamp(first)
        result.data_answer = f"first {tactic} on {first:%Y-%m-%d}"
        result.event_ids = [str(table["first_event_id"].iloc[0])]
        if start <= first <= end:
            result.status = AGREED
            return
        if first < start:
            result.status = DISAGREED
            result.reason = (
                f"the data show an earlier {tactic} than the documented period ({_period(start, end)})"
            )
            return
    else:
        result.data_answer = f"no {tactic} in the group's events"
    coding = _covering(ctx, fact.country, start, end, files=ctx.files_coding(tactic))
    if not coding:
        where = fact.country or "the group's countries"
        result.status = NOT_CHECKABLE
        result.reason = f"no loaded file that codes {tactic} covers {where} in {_period(start, end)}"
        return
    result.status = DISAGREED
    result.reason = f"files that code {tactic} cover the period ({', '.join(coding)}) but show none then"


def _group_period(ctx: _Context, gid: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The group's life as the registry dates it (open ends: any time)."""
    group = ctx.registry.group(gid)
    start = pd.Timestamp(group.founded.first) if group.founded else pd.Timestamp.min
    end = pd.Timestamp(group.dissolved.last) if group.dissolved else pd.Timestamp.max
    return start, end


def _check_never_entered(ctx: _Context, group: CaseGroup, fact: Fact, result: FactResult) -> None:
    country = str(fact.country)
    exp = ctx.expansion(group.id)
    row = None if exp is None else exp.expansions[exp.expansions["country_iso3"] == country]
    if row is not None and len(row):
        result.status = DISAGREED
        result.data_answer = f"entry into {country} on {pd.Timestamp(row['date'].iloc[0]):%Y-%m-%d}"
        result.event_ids = list(row["evidence_event_ids"].iloc[0])
        result.reason = "the analysis finds an entry into a country the group never entered"
        return
    n = len(_in_country(ctx.events(group.id), country))
    result.data_answer = f"no entry into {country} ({n} event(s) there)"
    start, end = _group_period(ctx, group.id)
    if not _covering(ctx, country, start, end):
        result.status = NOT_CHECKABLE
        result.reason = f"no loaded source covers {country} while the group existed"
        return
    result.status = AGREED


def _classes(ctx: _Context, gid: str) -> pd.DataFrame | str:
    """The opportunism analysis' class of each of the group's entries, or why there is none."""
    if gid not in ctx.classes:
        ctx.classes[gid] = _entry_classes(ctx, gid)
    return ctx.classes[gid]


def _entry_classes(ctx: _Context, gid: str) -> pd.DataFrame | str:
    exp = ctx.expansion(gid)
    if exp is None or exp.expansions.empty:
        return "the group has no entry to class"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onsets = measures.onsets()
    if onsets.empty:
        return "no instability onsets could be loaded (set $SPILLOVER_DATA_DIR)"
    classes = measures.entry_classes(ctx.selection(gid), ctx.params, measured=exp)
    return classes.message if isinstance(classes, measures.Unmeasured) else classes


def _check_retaliation(ctx: _Context, group: CaseGroup, fact: Fact, result: FactResult) -> None:
    country = str(fact.country)
    classes = _classes(ctx, group.id)
    if isinstance(classes, str):
        result.status, result.reason = NOT_CHECKABLE, classes
        return
    if "classification" not in classes.columns:
        result.status, result.reason = NOT_CHECKABLE, "the analysis does not class entries yet"
        return
    row = classes[classes["country_iso3"] == country]
    if row.empty:
        n = len(_in_country(ctx.events(group.id), country))
        result.status = NOT_CHECKABLE
        result.data_answer = f"no entry into {country} ({n} event(s) there)"
        result.reason = f"the data show no entry into {country} for the analysis to class"
        return
    entry = row.iloc[0]
    label = str(entry["classification"])
    result.data_answer = f"entry into {country} on {pd.Timestamp(entry['date']):%Y-%m-%d} classed {label}"
    result.event_ids = list(entry["evidence_event_ids"])
    result.status = AGREED if label == "retaliation" else DISAGREED
    if result.status == DISAGREED:
        onset = entry.get("last_onset_kind")
        result.reason = f"classed {label}" + (f" (last onset before it: {onset})" if onset else "")


def _registry_dates(ctx: _Context, gid: str, fact: Fact) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    """(first, last, text) of each registry date that answers a lineage fact."""
    if fact.relation in ("founded", "dissolved"):
        group = ctx.registry.group(gid)
        date = group.founded if fact.relation == "founded" else group.dissolved
        return [] if date is None else [(pd.Timestamp(date.first), pd.Timestamp(date.last), str(date))]
    target = ctx.registry.canonical_id(str(fact.target))
    rows = []
    for rel in ctx.registry.group(gid).relations:
        if rel.type == fact.relation and ctx.registry.canonical_id(rel.target) == target:
            if rel.start is None:
                rows.append((pd.Timestamp.min, pd.Timestamp.max, "undated"))
            else:
                rows.append((pd.Timestamp(rel.start.first), pd.Timestamp(rel.start.last), str(rel.start)))
    return rows


def _check_lineage(ctx: _Context, group: CaseGroup, fact: Fact, result: FactResult) -> None:
    start, end = _window(fact, ctx.book.tolerance(fact))
    what = fact.relation if fact.target is None else f"{fact.relation} {fact.target}"
    dates = _registry_dates(ctx, group.id, fact)
    if not dates:
        result.status = DISAGREED
        result.data_answer = f"the registry records no {what} for {group.id}"
        return
    result.data_answer = "registry: " + "; ".join(f"{what} {text}" for _, _, text in dates)
    agree = any(first <= end and last >= start for first, last, _ in dates)
    result.status = AGREED if agree else DISAGREED
    if not agree:
        result.reason = f"the registry dates it outside {_period(start, end)}"


_CHECKS = {
    "entry": _check_entry,
    "first_tactic": _check_first_tactic,
    "never_entered": _check_never_entered,
    "retaliation": _check_retaliation,
    "lineage": _check_lineage,
}


def _documented(fact: Fact) -> str:
    parts = {
        "entry": f"entry into {fact.country}",
        "first_tactic": f"first {fact.tactic}" + (f" in {fact.country}" if fact.country else ""),
        "never_entered": f"never entered {fact.country}",
        "retaliation": f"entry into {fact.country} was retaliation",
        "lineage": f"{fact.relation}" + (f" {fact.target}" if fact.target else ""),
    }[fact.kind]
    return f"{parts} {fact.date}" if fact.date is not None else parts


def brier_score(results: list[FactResult]) -> tuple[float | None, str | None]:
    """Mean squared error of the probabilities the analyses gave for checked propositions, or why none."""
    scored = [
        (r.probability, 1.0 if r.status == AGREED else 0.0)
        for r in results
        if r.probability is not None and r.status in (AGREED, DISAGREED)
    ]
    if not scored:
        return None, NO_PROBABILITY
    return sum((p - o) ** 2 for p, o in scored) / len(scored), None


def validate(
    store: Store, casebook: Casebook, registry: Registry | None = None, params: Parameters | None = None
) -> ValidationResult:
    """Every fact of ``casebook`` checked against the analyses of ``store`` (and the registry), with the
    measures' ``params`` (default: every surface's defaults; others to compare rules on the whole casebook)."""
    ctx = _Context(
        store=store, book=casebook, registry=registry or default_registry(), coverage=dense_coverage(store),
        params=params or Parameters(),
    )  # fmt: skip
    results = []
    for group, fact in casebook.pairs():
        result = FactResult(
            fact=fact.id,
            group=group.id,
            kind=fact.kind,
            checkable_from=str(fact.checkable_from),
            statement=fact.statement,
            documented=_documented(fact),
            status=NOT_CHECKABLE,
            sources=[s.model_dump() for s in fact.sources],
        )
        _CHECKS[fact.kind](ctx, group, fact, result)
        results.append(result)
    brier, reason = brier_score(results)
    return ValidationResult(groups=len(casebook.groups), results=results, brier=brier, brier_reason=reason)
