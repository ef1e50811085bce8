"""The report's sections as template contexts: text generated from the results, tables, and figures.

One function per section, each reading :class:`~spillover.report.analyses.Results` only; the describe_*
sentences of the analysis modules are reused as they are, so the report says what the CLI says.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from spillover._lazy import lazy_module
from spillover.analysis.financing import describe_financing
from spillover.analysis.opportunism import describe_opportunism
from spillover.analysis.tactics import describe_tactics
from spillover.analysis.targets import describe_targets
from spillover.countries import iso3_to_name
from spillover.formatting import date_at, number, relation_words
from spillover.fusion.files import sources_behind
from spillover.palette import source_name
from spillover.report.analyses import Results
from spillover.report.judgments import ESTIMATIVE_BANDS, KeyJudgment, percent
from spillover.report.key_judgments import fmt_p, tactic_label
from spillover.report.naming import dates_at, group_name, relation_date
from spillover.report.render import table

charts = lazy_module("spillover.report.charts")  # altair and vl-convert load when a figure is drawn

#: Events listed per evidence table (the JSON file keeps all).
EVIDENCE_LIMIT = 40


def org_event_date(org_events: pd.DataFrame, gid, kind, date) -> str:  # noqa: ANN001 - values of a row
    """The date of an organisational event at the precision the registry knows it."""
    if not isinstance(gid, str) or not isinstance(kind, str) or pd.isna(date):
        return "—"
    same = org_events[(org_events["group_id"] == gid) & (org_events["kind"] == kind)
                      & (pd.to_datetime(org_events["date"]) == pd.Timestamp(date))]  # fmt: skip
    other = same["other_group_id"].iloc[0] if len(same) else None
    return relation_date(gid, kind, other, date)


def country_names(codes) -> list[str]:  # noqa: ANN001 - iterable of ISO3 codes
    return [iso3_to_name(c) for c in codes if isinstance(c, str)]


def step_words(step) -> str:  # noqa: ANN001 - actors.lineage.Step
    """One hop of a family path in words: "Salafist Group … renamed to Al-Qaeda in the Islamic Maghreb (2007-01)"."""
    when = f" ({step.start})" if step.start else ""
    return f"{group_name(step.source)} {relation_words(step.type)} {group_name(step.target)}{when}"


#: set while an assessment whose analyses are kept (:func:`spillover.report.assess.analysed`) draws its
#: figures: each figure is kept under the same key (it depends on nothing else) and drawn once
FIGURES_KEY: ContextVar[tuple | None] = ContextVar("FIGURES_KEY", default=None)


def _figure(make: Callable[[], str], failures: list[str], what: str) -> str:
    """A figure, or an empty string and a note of why it could not be drawn (the report goes on)."""
    try:
        key = FIGURES_KEY.get()
        if key is not None:
            from spillover.memo import kept

            return kept("figure", (*key, what), make)
        return make()
    except Exception as exc:  # noqa: BLE001 - a failed figure must not sink the report
        failures.append(f"{what}: {type(exc).__name__}: {exc}")
        return ""


def _describe(fn: Callable[[], str]) -> str:
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the describe_* sentences assume data; say what is missing
        return f"(not available: {type(exc).__name__}: {exc})"


def scale_table() -> dict[str, Any]:
    rows = [{"term": t, "probability": f"{lo * 100:.0f}–{hi * 100:.0f}%"} for t, lo, hi in ESTIMATIVE_BANDS]
    return table(
        pd.DataFrame(rows), {"term": "Estimative term", "probability": "Probability"}, caption="ICD 203 scale"
    )


def judgment_view(j: KeyJudgment) -> dict[str, Any]:
    like = j.likelihood
    return {
        "key": j.key, "headline": j.headline, "sentence": j.sentence, "status": j.status, "method": j.method,
        "term": like.term if like else "", "band": like.band if like else "", "probability": like.probability if like else 0.0,
        "rule": like.rule if like else "", "confidence": j.confidence, "confidence_reason": j.confidence_reason,
        "sources": [source_name(x) for x in j.sources], "section_title": j.section.replace("-", " "), "n_evidence": len(j.evidence), "section": j.section,
    }  # fmt: skip


def matrix_view(m) -> dict[str, Any]:  # noqa: ANN001 - ach.Matrix
    hyps = list(m.hypotheses)
    inc, con = m.inconsistencies(), m.consistencies()
    return {
        "title": m.title, "hypotheses": list(m.hypotheses.items()), "verdict": m.verdict(), "note": m.note,
        "rows": [{"key": e.key, "finding": e.finding, "rule": e.rule, "marks": [e.marks.get(h, "N") for h in hyps], "sources": e.sources} for e in m.evidence],
        "inconsistencies": [inc[h] for h in hyps], "consistencies": [con[h] for h in hyps],
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------


def origins(r: Results, failures: list[str]) -> dict[str, Any]:
    sel = r.selection
    counts = sel.events.groupby("group_id").size().to_dict() if len(sel.events) else {}
    members = "; ".join(
        f"{group_name(gid)} ({number(counts.get(gid, 0), 'count')} events)"
        + (f": {', after '.join(step_words(st) for st in path)}" if path else "")
        for gid, path in sel.family.items()
    )
    summary = (
        f"{sel.name} is analysed with its {', '.join(r.params.include) or 'own events only'}: {members}. "
        f"{len(r.org_events)} dated relations in the actor registry touch the family; each is cited below."
    )
    return {
        "summary": summary,
        "lineage_svg": _figure(lambda: charts.lineage_svg(sel.group_id), failures, "lineage diagram"),
        "lineage_caption": "Lineage from the actor registry: each group a box with its years (the group assessed in bold), "
        "oldest groups on the left; each dated relation an arrow coloured by its kind (dates in the tables below).",
        "lineage": table(
            r.lineage.assign(
                start=[
                    date_at(d, p)
                    for d, p in zip(r.lineage["start"], r.lineage["start_precision"], strict=True)
                ],
                type=r.lineage["type"].map(relation_words),
            )
            if len(r.lineage)
            else r.lineage,
            {
                "start": "Date",
                "source_name": "Group",
                "type": "Relation",
                "target_name": "Other group",
                "direction": "Direction",
                "sources": "Sources",
                "note": "Note",
            },
            caption="Succession",
        ),  # fmt: skip
        "relations": table(
            r.org_events.assign(
                date=dates_at(r.org_events, "date"),
                group_id=r.org_events["group_id"].map(group_name),
                kind=r.org_events["kind"].map(relation_words),
                other_group_id=r.org_events["other_group_id"].map(group_name),
            )
            if len(r.org_events)
            else r.org_events,
            {
                "date": "Date",
                "group_id": "Group",
                "kind": "Relation",
                "other_group_id": "Other group",
                "source": "Sources",
            },
            caption="Every dated relation touching the family",
        ),  # fmt: skip
        "ties": _ties(sel.group_id),
        "leaders": table(
            r.leaders.assign(
                group_id=r.leaders["group_id"].map(group_name),
                start=dates_at(r.leaders, "start"),
                end=dates_at(r.leaders, "end"),
            )
            if len(r.leaders)
            else r.leaders,
            {"group_id": "Group", "name": "Leader", "start": "From", "end": "To", "kind": "Rose"},
            caption="Leaders in the registry (organic: rose from within; appointed: by the parent)",
        ),  # fmt: skip
        "names": table(
            sel.names.assign(
                source=sel.names["source"].map(source_name), group_id=sel.names["group_id"].map(group_name)
            )
            if len(sel.names)
            else sel.names,
            {"source": "Source", "name": "Name in the source", "group_id": "Group", "events": "Events"},
            caption="The raw actor names matched, per source",
        ),  # fmt: skip
    }


def _ties(group_id: str) -> dict[str, Any]:
    """The group's dated ties (alliances, rivalries, affiliations, splinters, mergers, pledges, components) from
    the curated registry and the relations datasets (Mapping Militants, BAAD1), each with its source."""
    from spillover.actors.relations import relations

    frame = relations(group_id).to_frame()
    if len(frame):
        frame = frame.assign(
            start=[date_at(d, p) for d, p in zip(frame["start"], frame["start_precision"], strict=True)],
            layer=frame["layer"]
            .map({"curated": "registry", "mmp": "Mapping Militants", "baad1": "BAAD1"})
            .fillna(frame["layer"]),
        )
    return table(
        frame,
        {
            "start": "Date",
            "group_name": "Group",
            "kind": "Tie",
            "other_name": "Other group",
            "layer": "From",
            "sources": "Sources",
        },  # fmt: skip
        caption="Ties in the registry and the relations datasets (alliances, rivalries, affiliations, splits)",
        print_rows=0,  # every tie with its citations: the dated relations above are the printed summary
    )


def uncovered_years(events: pd.DataFrame, coverage: pd.DataFrame | None) -> set[int]:
    """Years of the group's span in which no source covers any of its main countries (no data, not zero),
    by :func:`spillover.fusion.coverage.covered_years` of the store's source coverage."""
    from spillover.fusion.coverage import covered_years, main_countries

    if coverage is None or events.empty:
        return set()
    countries = main_countries(events) or sorted(events["country_iso3"].dropna().unique())
    cov = covered_years(coverage)
    covered = set(cov.loc[cov["country_iso3"].isin(countries), "year"].astype(int))
    years = events["year"].dropna().astype(int)
    return (
        {y for y in range(int(years.min()), int(years.max()) + 1) if y not in covered}
        if len(years)
        else set()
    )


def activity(r: Results, failures: list[str], coverage: pd.DataFrame | None = None) -> dict[str, Any]:
    """Activity and tactics; ``coverage`` (:func:`spillover.fusion.coverage.source_coverage`) tells the years
    no source covers (drawn as gaps)."""
    prof, ev = r.profile, r.events
    if ev.empty:
        return dict.fromkeys(("activity_svg", "tactic_svg", "changes_text", "shift_text", "tactic_caption"), "") | {
            "summary": "No events attributed to the group: no activity, tactic or change-point analysis.",
            "activity_caption": "", "by_country": table([]), "tactics": table([]), "changes": table([])}  # fmt: skip
    totals = r.tactics.totals.reset_index()
    if len(totals):
        totals["tactic"] = totals["tactic"].map(tactic_label)
    changes = r.changes.changes if r.changes is not None else pd.DataFrame()
    if r.changes is None:
        changes_text = f"Too few events ({len(ev)}) to look for change points in the tactic mix."
    elif changes.empty:
        changes_text = f"No change point in the monthly tactic counts (PELT, {r.changes.penalty_rule})."
    else:
        changes_text = (
            f"{len(changes)} change point(s) in the monthly tactic counts (ruptures PELT, {r.changes.penalty_rule}), each "
            "aligned to the nearest organisational event of the family:"
        )
    shift = r.shift
    shift_text = ""
    if shift is not None:
        shift_text = (
            f"Around {shift.pivot['description']} ({pd.Timestamp(shift.pivot['date']):%Y-%m}): {tactic_label(shift.tactic)} in "
            f"{shift.k_before} of {shift.n_before} events with a known tactic before and {shift.k_after} of {shift.n_after} after "
            f"({fmt_p(shift.p_value)}, Fisher exact, one-sided). Events of files that do not code the tactic (UCDP GED, the GTD subset "
            "without attack types), and of sources that see only one side of the change, are not counted."
        )
    undated = r.tactics.n_undated
    monthly = (
        f" The monthly series counts the {r.tactics.n_events:,} events dated to the month; {undated:,} more are "
        f"dated only to a coarser period and count in the totals, not in the monthly series."
        if undated
        else ""
    )
    return {
        "summary": _describe(lambda: describe_tactics(r.tactics, r.changes))
        + monthly
        + f" In all {prof.events:,} events, "
        f"{prof.fatalities:,.0f} deaths where the source counts them.",
        "activity_svg": _figure(
            lambda: charts.activity_chart(
                ev, r.org_events, f"{r.selection.name}: events per year", uncovered_years(ev, coverage)
            ),
            failures,
            "activity chart",
        ),
        "activity_caption": activity_caption(ev)
        + (
            " Grey columns: years no source covers the group's main countries (no data, not zero)."
            if coverage is not None
            else ""
        ),
        "by_country": table(
            prof.by_country.assign(country=prof.by_country["country_iso3"].map(iso3_to_name)),
            {
                "country": "Country",
                "events": "Events",
                "fatalities": "Deaths",
                "first_event": "First",
                "last_event": "Last",
            },
            caption="Where",
        ),  # fmt: skip
        "tactics": table(
            totals,
            {
                "tactic": "Tactic",
                "events": "Events",
                "share": "Share",
                "fatalities": "Deaths",
                "first_date": "First",
                "first_event_id": "First event",
            },
            caption="Tactics (primary tactic)",
        ),  # fmt: skip
        "tactic_svg": _figure(
            lambda: charts.tactics_svg(
                r.tactics, r.changes, f"{r.selection.name}: tactic shares by year", charts.span_years(ev)
            ),
            failures,
            "tactic chart",
        ),
        "tactic_caption": "Share of each tactic among the year's events dated to the month (an empty column: no such event that "
        "year); dashed rules mark the years of change points.",
        "changes_text": changes_text,
        "changes": table(
            changes.assign(
                tactic_up=changes["tactic_up"].map(tactic_label),
                tactic_down=changes["tactic_down"].map(tactic_label),
                org_kind=changes["org_kind"].map(lambda k: relation_words(k) if isinstance(k, str) else k),
                org_group_id=changes["org_group_id"].map(
                    lambda g: group_name(g) if isinstance(g, str) else g
                ),
                month=pd.to_datetime(changes["month"]).dt.strftime("%Y-%m"),
                org_date=[
                    org_event_date(r.org_events, g, k, d)
                    for g, k, d in zip(
                        changes["org_group_id"], changes["org_kind"], changes["org_date"], strict=True
                    )
                ],
            )
            if len(changes)
            else changes,
            {
                "month": "From",
                "tactic_up": "Rose",
                "delta_up": "By",
                "tactic_down": "Fell",
                "delta_down": "By",
                "org_date": "Nearest org event",
                "org_kind": "Kind",
                "org_group_id": "Group",
                "lag_months": "Lag (months)",
            },
        ),  # fmt: skip
        "shift_text": shift_text,
    }


def activity_caption(events: pd.DataFrame) -> str:
    """The caption of the activity chart, with the years each source covers for the group."""
    spans = source_spans(events)
    covered = ", ".join(f"{source_name(s)} {int(a)}–{int(b)}" for s, (a, b) in spans.iterrows())
    text = "Events per year, by source; dashed rules mark organisational changes in the lineage (a renaming, a merger, a pledge of allegiance, a split)."
    if "sources" in events and (events["sources"].map(len) > 1).any():
        text += " An event several sources report is counted once, as 'several sources'."
    if len(spans) > 1:
        text += (
            f" The sources cover different years for the group ({covered}): a change of source coverage shows as a "
            "change of colour, not of behaviour."
        )
    return text


def source_spans(events: pd.DataFrame) -> pd.DataFrame:
    """First and last year of the group's events in each source (a fused event counts for each of its
    sources)."""
    behind = events[["year"]].assign(source=sources_behind(events)).explode("source")
    return behind.groupby("source")["year"].agg(["min", "max"]).dropna()


def comparison_text(what: str, c, unit: str = "events") -> str:  # noqa: ANN001 - measures.ShareComparison
    """The group's share against other actors' in the same cells, or why there is nothing to compare."""
    if c.n == 0:
        return f"{what}: not compared — the group has no {unit}."
    if c.n_other == 0:
        return (
            f"{what}: {c.k} of {c.n} of the group's {unit} ({percent(c.share)}); not compared — no other actor has events "
            "in the same source, country and year."
        )
    return (
        f"{what}: {c.k} of {c.n} of the group's {unit} ({percent(c.share)}) against {c.k_other} of {c.n_other} of other "
        f"actors' in the same source, country and year ({percent(c.share_other, 1)}; Fisher exact, {fmt_p(c.p_value)})."
    )


def expansion(r: Results, failures: list[str], basemap) -> dict[str, Any]:  # noqa: ANN001 - Path | None
    ex, op = r.expansion, r.opportunism
    out: dict[str, Any] = {
        "summary": r.expansion_note if ex is None else f"{ex.message}. A country counts as entered at the first of "
        f"{ex.rule.describe()}; the entry's window events are its evidence.",
        "map_svg": "", "map_caption": "", "countries_svg": "", "countries_caption": "", "entries": table([]),
        "opportunism_text": f"Not run: {r.expansion_note}." if ex is None else "",
        "sensitivity": table([]), "by_kind": table([]), "study_text": f"Not run: {r.event_study_note}.", "study_svg": "", "study_caption": "",
    }  # fmt: skip
    if ex is None:
        out["map_caption"] = "No map: no event has both a date and a country."
        return out
    if basemap is None:
        out["map_caption"] = (
            "No map: the Natural Earth countries file is neither in $SPILLOVER_DATA_DIR nor obtainable from the catalogue."
        )
    else:
        out["map_svg"] = _figure(lambda: charts.expansion_map_svg(ex, basemap), failures, "expansion map")
        out["map_caption"] = (
            "Countries shaded by the year the group entered them (sustained presence: "
            f"{ex.rule.describe()}); points are located events coloured by year."
        )
    out["countries_svg"] = _figure(lambda: charts.countries_chart(r.events), failures, "countries chart")
    out["countries_caption"] = "Events per country and year."
    entries = op.entries if op is not None and len(op.entries) else ex.expansions
    out["entries"] = table(
        entries.assign(
            country_iso3=entries["country_iso3"].map(iso3_to_name),
            last_onset_kind=entries["last_onset_kind"].map(lambda k: k.replace("_", " ") if isinstance(k, str) else k),
        ) if len(entries) and "last_onset_kind" in entries else entries,
        {"order": "#", "country_iso3": "Country", "date": "Entered", "window_events": "Window events",
         "last_onset_date": "Last onset before", "last_onset_kind": "Kind", "last_onset_detail": "Onset",
         "lag_months": "Lag (months)", "classification": "Reading", "evidence_event_ids": "Evidence"},
        caption="Entries (first sustained presence) and the instability onset before each",
    )  # fmt: skip
    if op is not None:
        out["opportunism_text"] = describe_opportunism(op)
        out["sensitivity"] = table(op.sensitivity, {"window_months": "Window (months)", "null": "Null model", "n_expansions": "Entries",
                                                    "observed_share": "Observed", "expected_share": "Expected", "effect": "Effect",
                                                    "p_value": "p", "n_draws": "Draws", "exact": "Exact", "note": "Note"},
                                   caption="Sensitivity: window × null model")  # fmt: skip
        kinds = op.by_kind
        if len(kinds):
            kinds = kinds[(kinds["observed_count"] > 0) | (kinds["expected_share"] > 0)]
        kinds = kinds.assign(kind=kinds["kind"].str.replace("_", " ")) if len(kinds) else kinds
        out["by_kind"] = table(kinds, {"kind": "Onset kind", "window_months": "Window", "observed_count": "Entries after",
                                       "observed_share": "Observed", "expected_share": "Expected", "p_value": "p"},
                               caption="Per kind of onset (permutation null; kinds that never precede an entry left out)")  # fmt: skip
    study = r.event_study
    if study is not None:
        t = study.table
        before = t[(t["relative_month"] < 0) & (t["relative_month"] >= -12)]
        after = t[(t["relative_month"] >= 0) & (t["relative_month"] < 12)]
        compared = bool(t["n_controls"].fillna(0).max() > 0)
        controls = (
            f"each against comparable countries without an onset within {study.months} months (on average "
            f"{t['n_controls'].iloc[0]:.1f})"
            if compared
            else f"with no comparable country free of onsets within {study.months} months to compare against"
        )

        def versus(frame: pd.DataFrame) -> str:
            return f" (comparison countries {frame['control_mean'].mean():.2f})" if compared else ""

        out["study_text"] = (
            f"{int(t['n_onsets'].iloc[0])} exogenous onsets (coups, war onsets and restarts, regime collapses, uprisings) in "
            f"the group's countries during its activity, {controls}. In the 12 months after an onset the group "
            f"had {after['treated_mean'].mean():.2f} events a month in the country{versus(after)}, against "
            f"{before['treated_mean'].mean():.2f}{versus(before)} in the 12 months before."
        )
        out["study_svg"] = _figure(lambda: charts.event_study_svg(study), failures, "event study chart")
        out["study_caption"] = (
            "Mean monthly events of the group in the country of each onset and in comparison countries, by month relative to the onset."
        )
    return out


def targets(r: Results) -> dict[str, Any]:
    w = r.western
    types = (
        r.targets.by_type.sum().sort_values(ascending=False)
        if len(r.targets.by_type.columns)
        else pd.Series(dtype=float)
    )
    strata = pd.DataFrame(
        [{"source": source_name(s), "group": f"{k} of {n}", "group_share": k / n if n else np.nan, "others": f"{k2} of {n2}",
          "others_share": k2 / n2 if n2 else np.nan} for s, (k, n, k2, n2) in w.strata.items()]
    )  # fmt: skip
    return {
        "summary": _describe(lambda: describe_targets(r.targets, event_ids=False)),
        "western_text": comparison_text(
            "Western interests (nationality, opponent or description rules; see the methods annex)", w
        ),
        "strata": table(
            strata,
            {
                "source": "Source",
                "group": "Group",
                "group_share": "Share",
                "others": "Other actors",
                "others_share": "Share",
            },
            caption="Western interests, within each source",
        ),  # fmt: skip
        "rules": table(
            pd.DataFrame({"rule": list(w.by_rule), "events": list(w.by_rule.values())}),
            {"rule": "Rule", "events": "Events"},
            caption="Which rule flagged the group's events",
        ),  # fmt: skip
        "types": table(
            types.rename("events").reset_index().rename(columns={"index": "target_type"}),
            {"target_type": "Target type", "events": "Events"},
            caption="Target types (where the source codes them)",
        ),
        "largest": table(
            r.targets.largest.assign(
                country_iso3=r.targets.largest["country_iso3"].map(iso3_to_name),
                tactic=r.targets.largest["tactic"].map(
                    lambda t: tactic_label(t) if isinstance(t, str) else t
                ),
            )
            if len(r.targets.largest)
            else r.targets.largest,
            {
                "event_id": "Event",
                "date_start": "Date",
                "country_iso3": "Country",
                "location": "Place",
                "tactic": "Tactic",
                "fatalities": "Deaths",
                "wounded": "Wounded",
            },
            caption="Deadliest events",
        ),  # fmt: skip
    }


def financing(r: Results) -> dict[str, Any]:
    k = r.kidnapping
    periods = r.financing.by_period
    periods = periods[periods["n_kidnapping"] > 0] if len(periods) else periods
    strata = pd.DataFrame(
        [
            {"source": source_name(s), "group": f"{a} of {b}", "others": f"{c} of {d}"}
            for s, (a, b, c, d) in k.strata.items()
        ]
    )
    return {
        "summary": _describe(lambda: describe_financing(r.financing)),
        "comparison_text": comparison_text("Kidnapping", k, "events with a known tactic")
        + " Event data see the violent side of financing only: transfers, smuggling and extortion leave no event.",
        "strata": table(
            strata,
            {"source": "Source", "group": "Group", "others": "Other actors"},
            caption="Kidnapping, within each source",
        ),
        "periods": table(
            periods,
            {
                "period": "Year",
                "n_events": "Events",
                "n_kidnapping": "Kidnappings",
                "kidnapping_share": "Share",
                "hostages": "Hostages",
                "hostages_known": "Known for",
                "ransom_demanded": "Ransom demanded",
            },
            caption="Years with kidnappings",
            index=True,
        ),  # fmt: skip
        "nationalities": table(
            r.financing.hostages_by_nationality,
            {
                "period": "Year",
                "nationality": "Nationality",
                "kidnappings": "Kidnappings",
                "hostages": "Hostages",
                "hostages_known": "Hostages known for",
            },
            kinds={"kidnappings": "count"},
            caption="Hostages by nationality (where the source says)",
        ),
        "kidnappings": table(
            r.financing.kidnappings.assign(
                country_iso3=r.financing.kidnappings["country_iso3"].map(iso3_to_name)
            )
            if len(r.financing.kidnappings)
            else r.financing.kidnappings,
            {
                "event_id": "Event",
                "date_start": "Date",
                "country_iso3": "Country",
                "location": "Place",
                "target_nationality": "Nationality",
                "hostages": "Hostages",
            },
            limit=30,
            caption="Kidnappings",
        ),  # fmt: skip
    }
