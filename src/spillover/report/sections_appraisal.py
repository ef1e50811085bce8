"""The report's later sections as template contexts: autonomy, fragmentation, response and outlook, then the
annex (evidence, coverage, parameters).  Like :mod:`spillover.report.sections` (origins, activity, expansion,
targets, financing), one function per section, each reading :class:`~spillover.report.analyses.Results` only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from spillover._frames import concat_rows
from spillover._lazy import lazy_module
from spillover.analysis.autonomy import describe_autonomy
from spillover.analysis.fragmentation import describe_fragmentation
from spillover.countries import iso3_to_name
from spillover.fusion.files import sources_behind
from spillover.palette import source_name
from spillover.report.analyses import Results
from spillover.report.comparisons import data_end
from spillover.report.judgments import KeyJudgment
from spillover.report.key_judgments import main_intervention
from spillover.report.render import table
from spillover.report.sections import EVIDENCE_LIMIT, _describe, _figure

charts = lazy_module("spillover.report.charts")  # altair and vl-convert load when a figure is drawn


def autonomy(r: Results, failures: list[str]) -> dict[str, Any]:
    idx = r.autonomy
    if idx is None:
        return {"summary": f"Autonomy not assessed: {r.parent_note}.", "components": table([]), "peers": table([]), "peers_svg": "",
                "peers_caption": ""}  # fmt: skip
    rows = [
        {"component": c.name, "status": c.status, "value": c.value, "score": c.score, "n": c.n, "n_parent": c.n_parent,
         "rank": f"{c.peer_rank}/{c.n_compared}" if c.peer_rank else "", "how": c.how_to_read}
        for c in idx.components.values()
    ]  # fmt: skip
    peers = idx.peers.copy()
    peers.insert(0, "branch", peers.index)
    cols = {"branch": "Branch", **{c: c.replace("_", "-").capitalize() for c in ("geography", "tactics", "targets", "synchronisation", "leadership", "self_financing")},
            "composite": "Composite", "composite_common": "Composite (shared components)"}  # fmt: skip
    return {
        "summary": _describe(lambda: describe_autonomy(idx))
        + f" Peers: the other affiliates of {r.parent.name} in the registry "
        f"with events in the store ({', '.join(r.peers) or 'none'}).",
        "components": table(
            pd.DataFrame(rows),
            {
                "component": "Component",
                "status": "Status",
                "value": "Value",
                "score": "Score",
                "n": "n",
                "n_parent": "n parent",
                "rank": "Rank among peers",
                "how": "How to read",
            },
        ),  # fmt: skip
        "peers": table(peers, cols, caption="Scores of every branch (higher = more autonomous)"),
        "peers_svg": _figure(lambda: charts.peers_chart(idx.peers, idx.group), failures, "peers chart")
        if len(idx.peers) > 1
        else "",
        "peers_caption": "Composite autonomy of each branch over its own components; the group in orange.",
    }


def fragmentation(r: Results) -> dict[str, Any]:
    frag = r.fragmentation
    t = frag.theatres
    t = t[t["n_events"] > 0]
    return {
        "summary": _describe(lambda: describe_fragmentation(frag, periods_shown=list(t.index))),
        "theatres": table(
            t,
            {
                "period": "Year",
                "n_events": "Located events",
                "n_theatres": "Theatres",
                "n_noise": "Outside any theatre",
            },
            index=True,
            caption="Theatres per year",
        ),  # fmt: skip
        "clusters": table(
            frag.clusters.assign(
                countries=frag.clusters["countries"].map(
                    lambda d: {iso3_to_name(k): v for k, v in (d or {}).items()}
                )
            )
            if len(frag.clusters)
            else frag.clusters,
            {
                "period": "Year",
                "theatre": "#",
                "n_events": "Events",
                "countries": "Countries",
                "admin1": "Regions",
                "radius_km": "Radius (km)",
                "faction": "Faction",
            },
            caption="Theatres",
        ),  # fmt: skip
    }


def response(r: Results) -> dict[str, Any]:
    rows = []
    for row, ba in r.interventions:
        rows.append({
            "date": row["date"], "country": iso3_to_name(row["country_iso3"]), "detail": row["detail"],
            "against": row["against_group"], "interveners": ", ".join(row.get("interveners") or ()), "before": ba.before, "after": ba.after,
            "p": ba.p_value, "sources": ", ".join(map(source_name, ba.sources)), "left_out": ba.left_out,
        })  # fmt: skip
    chosen = main_intervention(r)
    if not rows:
        summary = "The instability registry records no foreign intervention in the group's countries during its activity."
    else:
        summary = (
            f"{len(rows)} foreign interventions in the group's countries during its activity ({sum(x['against'] for x in rows)} "
            f"directed against the group or its family). For each: the group's events in that country in the "
            f"{r.params.response_months} months before and after, counting only files that cover both windows; p is the exact "
            "conditional binomial test that the rate fell."
        )
        if chosen is not None:
            summary += f" The key judgment uses {chosen[1].label} (most events in its windows)."
    return {
        "summary": summary,
        "interventions": table(
            pd.DataFrame(rows),
            {
                "date": "Date",
                "country": "Country",
                "detail": "Intervention",
                "against": "Against the group",
                "interveners": "By",
                "before": "Before",
                "after": "After",
                "p": "p (fell)",
                "sources": "Sources",
                "left_out": "Left out",
            },
        ),  # fmt: skip
    }


def outlook(r: Results, judgments: list[KeyJudgment]) -> dict[str, Any]:
    ev = r.events
    if ev.empty:
        return {"summary": "No events: no outlook.", "latest": table([]), "indicators": []}
    last = pd.to_datetime(ev["date_start"]).max()
    recent = ev[pd.to_datetime(ev["date_start"]) > last - pd.DateOffset(months=12)]
    latest = recent.groupby("country_iso3").agg(
        events=("event_id", "size"), deaths=("fatalities", "sum"), last=("date_start", "max")
    )
    trend = next((j for j in judgments if j.key == "trend"), None)
    end = data_end(r.coverage, ev)
    text = (
        f"The group's last event in the data is dated {last:%Y-%m-%d}; the files that hold its events end on "
        f"{(end if end is not None else last):%Y-%m-%d} in its countries, and nothing later is known to this report. "
        "In the last 12 months of its events the group was "
        f"active in {len(latest)} countr{'y' if len(latest) == 1 else 'ies'} ({', '.join(iso3_to_name(c) for c in latest.index)})."
    )
    if trend is not None:
        text += " " + trend.sentence
    indicators = []
    for j in judgments:
        if j.status != "judgment":
            indicators.append(f"{j.topic}: not assessable now — {j.sentence.split(': ', 1)[-1]}")
        elif j.confidence == "low":
            indicators.append(f"{j.topic}: low confidence ({j.confidence_reason}); more {j.method.split(' (')[0]} evidence — more entries, "
                              "sources or years — would firm it up or overturn it.")  # fmt: skip
    if r.opportunism is not None and r.opportunism.ok:
        indicators.append(
            "A new sustained presence in a country within 12 months of a coup, war onset or regime collapse there would count for opportunism (H3); one after an intervention against the group, for retaliation (H4)."
        )
    if r.parent is not None:
        indicators.append(
            f"Activity moving into {r.parent.name}'s theatres, a tactic mix converging on its parent's, or leaders appointed from outside would weaken the autonomy judgment."
        )
    return {
        "summary": text,
        "latest": table(
            latest.reset_index().assign(country_iso3=lambda d: d["country_iso3"].map(iso3_to_name)),
            {"country_iso3": "Country", "events": "Events", "deaths": "Deaths", "last": "Last event"},
            caption="Activity in the last 12 months of data",
        ),  # fmt: skip
        "indicators": indicators,
    }


def evidence_events(r: Results) -> pd.DataFrame:
    """The events an evidence id can name: the group's and, for autonomy, the parent's."""
    frames = [r.events] + ([r.parent.events] if r.parent is not None and len(r.parent.events) else [])
    return concat_rows(frames).drop_duplicates("event_id") if len(frames) > 1 else r.events


def evidence(r: Results, judgments: list[KeyJudgment]) -> dict[str, Any]:
    """The evidence annex: a summary row per judgment (what the PDF prints) and the evidence tables of the
    HTML (the CSV annex has the same rows, all of them)."""
    from spillover.report.annex import EVIDENCE_COLUMNS, evidence_frame, evidence_summary

    frame = evidence_frame(evidence_events(r), judgments)
    summary = evidence_summary(frame, judgments)
    summary["sources"] = summary["sources"].map(lambda s: ", ".join(source_name(x) for x in s))
    return {
        "summary": table(
            summary,
            {"topic": "Judgment", "events": "Events", "sources": "Sources", "first": "First", "last": "Last",
             "examples": "Example events (CSV rows)"},
            kinds={"events": "count"},
        ) | {"keys": list(summary["judgment"])},
        "tables": [
            {
                "key": j.key,
                "title": f"{j.topic} ({len(j.evidence)} events)",
                "table": table(frame[frame["judgment"] == j.key], EVIDENCE_COLUMNS, limit=EVIDENCE_LIMIT),
            }
            for j in judgments
        ],
    }  # fmt: skip


def coverage(r: Results, failures: list[str], source_cov: pd.DataFrame | None) -> dict[str, Any]:
    """The coverage chart of ``spillover sources``: per main country, source and year, the group's events,
    a zero where the source covers the year, a gap where it does not."""
    from spillover.fusion.coverage import coverage_table, main_countries

    ev = r.events
    if source_cov is None or ev.empty:
        return {"svg": "", "caption": ""}
    per_source = ev.assign(source=sources_behind(ev)).explode("source")
    countries = main_countries(ev) or sorted(ev["country_iso3"].dropna().unique())
    grid = coverage_table(per_source, source_cov, countries=countries)
    return {
        "svg": _figure(
            lambda: charts.coverage_svg(grid, f"{r.selection.name}: events by source (– = no data)"),
            failures,
            "coverage chart",
        ),
        "caption": "Which source covers which year in the group's main countries: a number is the group's events "
        "in that source, a white 0 a covered year without events, a grey – a year the source does not cover "
        "(no data, not zero). An event several sources report counts for each.",
    }


def parameters_table(r: Results) -> dict[str, Any]:
    rows = [{"parameter": f.name, "value": getattr(r.params, f.name)} for f in dataclasses.fields(r.params)]
    return table(pd.DataFrame(rows), {"parameter": "Parameter", "value": "Value"})
