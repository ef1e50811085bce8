"""The report's figures, as SVG text that goes inline into the HTML (no script, no network, no file).

Vega-Lite charts (Altair) are rendered to SVG by ``vl-convert``; the map is the expansion module's
``mark_geoshape`` chart with the Natural Earth outlines inlined; the lineage diagram is the actor
registry's matplotlib timeline.  Every SVG's element ids are prefixed with the figure's name, so that
several figures inlined in one page cannot capture each other's clip paths or gradients.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd

from spillover._lazy import lazy_module
from spillover.analysis.tactics import TacticChanges, TacticProfile, tactic_chart
from spillover.countries import iso3_to_name
from spillover.palette import SOURCE_COLOURS, source_name, source_scale  # noqa: F401 - SOURCE_COLOURS re-exported

# imported when a figure is drawn: an assessment whose figures were kept draws none
alt = lazy_module("altair")
vl_convert = lazy_module("vl_convert")

_ID = re.compile(r'\bid="([^"]+)"')
_XML_HEAD = re.compile(r"^\s*<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)
#: Colour of a year no source covers (a gap, not a zero).
NO_DATA_COLOUR = "#e6e6e6"


def namespaced(svg: str, prefix: str) -> str:
    """The SVG without its XML header, with every id (and reference to it) prefixed by ``prefix``."""
    svg = _XML_HEAD.sub("", svg)
    for old in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg


def to_svg(chart: alt.TopLevelMixin, name: str) -> str:
    """An Altair chart as inline SVG text (data inlined, no row limit)."""
    with alt.data_transformers.enable("default", max_rows=None):
        spec = chart.to_dict(validate=False)  # the schema check costs more than drawing; the spec is the same
    # room on both sides: the PDF's fallback font can be wider than the one the layout was measured with,
    # and a legend title on the right edge, or a long axis label on the left, would be cut
    spec.setdefault("padding", {"left": 30, "top": 5, "bottom": 5, "right": 30})
    return _rendered(spec, name)


def _rendered(spec: dict, name: str) -> str:
    """The SVG of a Vega-Lite spec, drawn once per spec and kept between runs (:mod:`spillover.memo`)."""
    import hashlib
    import json

    from spillover.memo import kept

    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return kept(
        "svg", (digest, name), lambda: namespaced(solid_gradients(vl_convert.vegalite_to_svg(spec)), name)
    )


_GRADIENT = re.compile(r'<linearGradient id="([^"]+)"([^>]*)>(.*?)</linearGradient>', re.DOTALL)
_STOP = re.compile(r'<stop offset="([0-9.eE+-]+)" stop-color="([^"]+)"\s*/>')
_GRADIENT_BOX = re.compile(r'<path d="M0,0h([0-9.]+)v([0-9.]+)h-[0-9.]+Z" fill="url\(#([^)]+)\)"([^>]*)/>')
#: Solid stripes that stand for one gradient (a legend bar of 200 px: 2.5 px a stripe).
GRADIENT_STRIPES = 80


def _rgb(colour: str) -> tuple[float, float, float]:
    if colour.startswith("#") and len(colour) == 7:
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    values = re.findall(r"[0-9.]+", colour)
    return (float(values[0]), float(values[1]), float(values[2]))


def solid_gradients(svg: str, stripes: int = GRADIENT_STRIPES) -> str:
    """The SVG with each rectangle filled by an axis-aligned linear gradient (Vega's colour-scale legends)
    drawn as solid stripes instead.  WeasyPrint leaves such gradients out of the PDF; stripes print the same
    everywhere.  Anything else is left as it is."""
    gradients = {}
    for gid, attrs, body in _GRADIENT.findall(svg):
        coords = dict(re.findall(r'(x1|x2|y1|y2)="([0-9.]+)"', attrs))
        stops = [(float(o), _rgb(c)) for o, c in _STOP.findall(body)]
        if len(stops) >= 2:
            x1, x2 = float(coords.get("x1", 0)), float(coords.get("x2", 1))
            y1, y2 = float(coords.get("y1", 0)), float(coords.get("y2", 0))
            if x1 == x2 or y1 == y2:  # axis-aligned only
                gradients[gid] = (x1, x2, y1, y2, stops)

    def colour_at(stops: list, t: float) -> str:
        for (o1, c1), (o2, c2) in zip(stops, stops[1:], strict=False):
            if t <= o2 or (o2, c2) == stops[-1]:
                f = 0.0 if o2 == o1 else min(max((t - o1) / (o2 - o1), 0.0), 1.0)
                r, g, b = (round(a + (b_ - a) * f) for a, b_ in zip(c1, c2, strict=True))
                return f"rgb({r},{g},{b})"
        r, g, b = (round(v) for v in stops[-1][1])
        return f"rgb({r},{g},{b})"

    def stripes_for(match: re.Match[str]) -> str:
        width, height, gid, rest = float(match[1]), float(match[2]), match[3], match[4]
        if gid not in gradients:
            return match[0]
        x1, x2, y1, y2, stops = gradients[gid]
        opacity = re.search(r'opacity="([0-9.]+)"', rest)
        common = f' opacity="{opacity[1]}"' if opacity else ""
        vertical = x1 == x2
        start, end = (y1, y2) if vertical else (x1, x2)
        length = height if vertical else width
        parts = []
        for i in range(stripes):
            a, b = i / stripes, (i + 1) / stripes  # positions along the box, 0 = top/left
            t = start + (end - start) * (a + b) / 2  # gradient offset at the middle of the stripe
            # stripes overlap by a hair so that no seam shows between them
            pos, size = a * length, (b - a) * length + 0.3
            box = (f'x="0" y="{pos:.2f}" width="{width}" height="{size:.2f}"' if vertical
                   else f'x="{pos:.2f}" y="0" width="{size:.2f}" height="{height}"')  # fmt: skip
            parts.append(f'<rect {box} fill="{colour_at(stops, t)}"{common}/>')
        return "<g>" + "".join(parts) + "</g>"

    return _GRADIENT_BOX.sub(stripes_for, svg) if gradients else svg


def _values(frame: pd.DataFrame) -> dict:
    """Inline data values with dates as ISO strings (JSON-safe).  A plain ``{"values": …}`` rather than
    ``alt.Data``: Altair moves it to the spec's ``datasets`` as it is, without validating it or walking
    each value (the same drawing; the charts' specs are checked once, in ``tests/test_report.py``)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return {"values": out.to_dict(orient="records")}


def year_axis(years: list[int], title: str = "Year") -> alt.X:
    """An ordinal year axis that shows every year of ``years`` (empty years included, labels upright)."""
    return alt.X("year:O", title=title, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=-90))


#: Width of a character of a 9-pixel rule label, in pixels (measured ~3.6 on the printed page; kept generous).
RULE_LABEL_PX_PER_CHAR = 4.6
#: The organisational changes an activity chart marks, in the fewest words (the caption says what they are).
RULE_WORDS = {
    "renamed_to": "renamed",
    "merged_into": "merger",
    "pledged_allegiance_to": "pledge",
    "split_from": "split",
}


def span_years(events: pd.DataFrame) -> list[int]:
    """Every year from the first to the last event (no year skipped)."""
    years = events["year"].dropna().astype(int)
    return list(range(int(years.min()), int(years.max()) + 1)) if len(years) else []


def activity_chart(
    events: pd.DataFrame,
    org_events: pd.DataFrame | None = None,
    title: str = "",
    uncovered: set[int] | frozenset[int] = frozenset(),
) -> str:
    """Events per year, stacked by source, every year of the span on the axis (a year without events is a
    zero); years in ``uncovered`` (no source covers the group's countries) are grey bands — no data, not
    zero; the organisational changes of the lineage are rules."""
    from spillover.fusion.files import source_label

    label_room = 0
    counts = (
        events.assign(source=source_label(events))
        .groupby(["year", "source"])
        .size()
        .reset_index(name="events")
    )
    years = span_years(events)
    domain, colours = source_scale(sorted(counts["source"].unique()), names=True)
    counts["source"] = counts["source"].map(source_name)
    x = year_axis(years)
    layers: list[alt.Chart] = []
    gaps = sorted(y for y in uncovered if y in set(years))
    if gaps:
        layers.append(
            alt.Chart(_values(pd.DataFrame({"year": gaps, "what": "no data"})))
            .mark_bar(color=NO_DATA_COLOUR)
            .encode(x=x, y=alt.value(0), y2=alt.value(200), tooltip=["year:O", "what:N"])
        )
    layers.append(
        alt.Chart(_values(counts))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("events:Q", title="Events"),
            color=alt.Color("source:N", title="Source", scale=alt.Scale(domain=domain, range=colours)),
            tooltip=["year:O", "source:N", "events:Q"],
        )
    )
    if org_events is not None and len(org_events):
        orgs = org_events.assign(year=pd.to_datetime(org_events["date"]).dt.year)
        orgs = orgs[orgs["year"].isin(years) & orgs["kind"].isin(list(RULE_WORDS))]
        orgs = orgs.drop_duplicates("year").assign(
            label=lambda d: d["kind"].map(RULE_WORDS) + " " + d["year"].astype(str)
        )
        if len(orgs):
            data = _values(orgs[["year", "label"]])
            layers.append(alt.Chart(data).mark_rule(color="#444444", strokeDash=[3, 3]).encode(x=x))
            layers.append(
                alt.Chart(data)
                .mark_text(angle=270, align="left", dx=4, dy=-4, fontSize=9, color="#444444")
                .encode(x=x, y=alt.value(4), text="label:N")
            )
            # the labels stand above the plot: the title moves up by their length, so they never cross it
            label_room = int(orgs["label"].str.len().max() * RULE_LABEL_PX_PER_CHAR) + 8
    heading = alt.TitleParams(title or "Events per year by source", offset=label_room)
    chart = alt.layer(*layers).properties(width=600, height=200, title=heading)
    return to_svg(chart, "activity")


def tactics_svg(
    profile: TacticProfile, changes: TacticChanges | None, title: str, years: list[int] | None = None
) -> str:
    """The tactics module's yearly share chart, with the years of the detected change points as rules."""
    base = tactic_chart(profile, title=title, years=years)
    if changes is None or changes.changes.empty:
        return to_svg(base, "tactics")
    marks = pd.DataFrame({"year": sorted(set(pd.to_datetime(changes.changes["month"]).dt.year.astype(int)))})
    rules = (
        alt.Chart(_values(marks))
        .mark_rule(color="black", strokeWidth=1.5, strokeDash=[5, 3])
        .encode(x=alt.X("year:O"))
    )
    return to_svg(alt.layer(base, rules), "tactics")


def countries_chart(events: pd.DataFrame) -> str:
    """Events per year in each country (the spread over time, for the expansion section), countries by
    name, every year of the span on the axis."""
    names = events["country_iso3"].map(lambda c: iso3_to_name(c) if isinstance(c, str) else "unknown")
    frame = events.assign(country=names).groupby(["year", "country"]).size().reset_index(name="events")
    chart = (
        alt.Chart(_values(frame))
        .mark_rect()
        .encode(
            x=year_axis(span_years(events)),
            y=alt.Y("country:N", title="Country", sort="-x"),
            color=alt.Color("events:Q", title="Events", scale=alt.Scale(scheme="orangered")),
            tooltip=["year:O", "country:N", "events:Q"],
        )
        .properties(width=600, title="Events per country and year")
    )
    return to_svg(chart, "countries")


def coverage_svg(table: pd.DataFrame, title: str) -> str:
    """The coverage chart of ``spillover sources`` (:func:`spillover.fusion.coverage.coverage_chart`), with
    countries and sources by name."""
    from spillover.fusion.coverage import coverage_chart

    named = table.assign(
        country_iso3=table["country_iso3"].map(iso3_to_name), source=table["source"].map(source_name)
    )
    chart = coverage_chart(named, title=title).configure_view(strokeWidth=0)
    return to_svg(chart, "coverage")


#: Width of a printed figure's whole drawing, labels included, in pixels (what the page's text width holds).
FIGURE_PX = 620
#: Room for the branch names of the peers chart (longer names end in "…" inside it).
PEER_LABEL_PX = 230


def peers_chart(peers: pd.DataFrame, group: str) -> str:
    """Composite autonomy of the group and the parent's other branches (components with data everywhere)."""
    frame = peers.reset_index(names="branch")[["branch", "composite"]].dropna()
    frame["is_group"] = frame["branch"] == group
    chart = (
        alt.Chart(_values(frame))
        .mark_bar()
        .encode(
            x=alt.X(
                "composite:Q",
                title="Composite autonomy score (own components)",
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("branch:N", sort="-x", title=None, axis=alt.Axis(labelLimit=PEER_LABEL_PX)),
            color=alt.Color(
                "is_group:N", scale=alt.Scale(domain=[True, False], range=["#d95f02", "#9e9e9e"]), legend=None
            ),
            tooltip=["branch:N", alt.Tooltip("composite:Q", format=".2f")],
        )
        .properties(width=FIGURE_PX - PEER_LABEL_PX, title="Autonomy of the parent's branches")
    )
    return to_svg(chart, "peers")


def map_title(expansion) -> str:  # noqa: ANN001 - ExpansionResult
    """The printed map's title: short enough for one line over a 600-pixel map (the entry rule, which
    made the default title run past the page's edge, is in the caption)."""
    return f"Expansion of {expansion.group or 'the group'}"


def expansion_map_svg(expansion, basemap: Path) -> str:  # noqa: ANN001 - ExpansionResult
    """The expansion module's map (countries by year of entry, events by year) as SVG."""
    from spillover.analysis.expansion import expansion_map

    chart = expansion_map(
        expansion, basemap=basemap, width=600, height=440, title=map_title(expansion)
    ).configure_legend(titleLimit=0, labelLimit=0)
    return to_svg(chart, "map")


def event_study_svg(study) -> str:  # noqa: ANN001 - EventStudyResult
    from spillover.analysis.event_study import event_study_chart

    return to_svg(event_study_chart(study, title="Group events around instability onsets"), "study")


def lineage_svg(group_id: str) -> str:
    """The registry's lineage diagram of the group (a layered networkx layout drawn by matplotlib, labels
    as text), as inline SVG."""
    from spillover.actors import default_registry
    from spillover.actors.graph import render_lineage_diagram
    from spillover.actors.registry import registry_inputs
    from spillover.memo import kept

    def draw() -> str:
        with tempfile.TemporaryDirectory() as tmp:
            svg = render_lineage_diagram(group_id, Path(tmp) / "lineage").read_text(encoding="utf-8")
        return namespaced(svg, "lineage")

    built_from = registry_inputs(default_registry())
    return draw() if built_from is None else kept("lineage-svg", (group_id, built_from), draw)


def find_basemap() -> Path | None:
    """The Natural Earth countries file: ``$SPILLOVER_DATA_DIR``, else the dataset catalogue (verified copy)."""
    from spillover.analysis import geo

    try:
        return geo.basemap_path()
    except geo.MissingDataFile:
        pass
    try:
        from spillover.sources.catalogue import fetch

        return fetch("ne_110m_admin_0_countries", progress=False)
    except Exception:  # noqa: BLE001 - any failure means: no map, and the report says so
        return None
