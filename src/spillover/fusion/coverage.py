"""Which source covers which years and countries, what each adds, and where they disagree.

A count of a group's events is only as good as the datasets behind it: RAND stops in 2009, the GTD subset
starts in 2010, ACLED covers the Sahel from 1997.  A year with no event from a source that covers the
country is a real zero; a year the source does not cover is *no data* — and a trend that coincides with a
source starting or stopping is not the group growing or shrinking (:func:`coverage_warnings`).

Coverage is read from the data itself, never from a list kept by hand: a file covers a country from its
first to its last event there (events of *any* actor), provided it has at least ``min_events_per_year``
events a year on average over that span — a 1,000-event global random sample of GED with 17 Algerian
events over 28 years does not cover Algeria.  A source covers what any of its files covers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from spillover.fusion.fused import fused_events
from spillover.fusion.matching import MatchRule, match_events, save_links
from spillover.store import Store

if TYPE_CHECKING:
    import altair as alt


#: Files with fewer events a year than this in a country are samples, not coverage of that country.
MIN_EVENTS_PER_YEAR = 2.0

NO_DATA = "no data"


# --- coverage from the data ------------------------------------------------------------------------------------


def dense_coverage(store: Store, min_events_per_year: float = MIN_EVENTS_PER_YEAR) -> pd.DataFrame:
    """One row per (source, file, country) (:meth:`spillover.store.Store.coverage_by_file`): first and last
    event date of any actor, events, events per year over that span and whether that is dense enough to
    count as coverage (``covers``)."""
    frame = store.coverage_by_file().dropna(subset=["country_iso3", "first"])
    frame = frame.rename(columns={"first": "first_date", "last": "last_date"}).reset_index(drop=True)
    first, last = frame["first_date"], frame["last_date"]
    years = (last.dt.year - first.dt.year + 1).clip(lower=1)
    frame["events_per_year"] = frame["events"] / years
    frame["covers"] = frame["events_per_year"] >= min_events_per_year
    return frame


def source_coverage(store: Store, min_events_per_year: float = MIN_EVENTS_PER_YEAR) -> pd.DataFrame:
    """Per source and country: the covered years (``first_year``..``last_year`` and the list ``years``,
    union of the dense files' spans) and the first/last event date of any actor.  Worked out once per store
    content and kept (:mod:`spillover.memo`)."""
    from spillover.memo import kept, store_content

    return kept(
        "source-coverage",
        (store_content(store), min_events_per_year),
        lambda: _source_coverage(store, min_events_per_year),
    )


def _source_coverage(store: Store, min_events_per_year: float) -> pd.DataFrame:
    """One groupby over the dense files (no loop over the source-country groups: ~260 of them)."""
    columns = ["source", "country_iso3", "first_date", "last_date", "first_year", "last_year", "years",
               "events", "files"]  # fmt: skip
    files = dense_coverage(store, min_events_per_year)
    dense = files[files["covers"]]
    if dense.empty:
        return pd.DataFrame(columns=columns)
    first_years = pd.to_datetime(dense["first_date"]).dt.year.tolist()
    last_years = pd.to_datetime(dense["last_date"]).dt.year.tolist()
    spans = dense.assign(_years=[set(range(a, b + 1)) for a, b in zip(first_years, last_years, strict=True)])
    grouped = spans.groupby(["source", "country_iso3"], sort=True)
    out = pd.DataFrame(
        {
            "first_date": grouped["first_date"].min().astype("datetime64[ns]"),
            "last_date": grouped["last_date"].max().astype("datetime64[ns]"),
            "years": grouped["_years"].agg(lambda spans_: sorted(set().union(*spans_))),
            "events": grouped["events"].sum().astype(int),
            "files": grouped["file"].agg(sorted),
        }
    ).reset_index()
    out["first_year"] = [years[0] for years in out["years"]]
    out["last_year"] = [years[-1] for years in out["years"]]
    return out[columns]


def covered_years(coverage: pd.DataFrame) -> pd.DataFrame:
    """(source, country_iso3, year) for every year a source covers a country."""
    long = coverage[["source", "country_iso3", "years"]].explode("years").rename(columns={"years": "year"})
    return long.dropna().astype({"year": int}).reset_index(drop=True)


# --- the coverage table of a group -------------------------------------------------------------------------------


def coverage_table(
    events: pd.DataFrame,
    coverage: pd.DataFrame,
    *,
    countries: list[str] | None = None,
    years: range | None = None,
) -> pd.DataFrame:
    """Per source, country and year: the group's events and a ``status`` — ``events``, ``zero`` (the source
    covers the country that year and reports none) or ``no data`` (it does not cover it).

    ``events`` is a per-source event frame (e.g. ``select(store, group, view="all").events``); ``coverage`` is
    :func:`source_coverage`.  Countries default to those of the events, years to their span."""
    ev = events.dropna(subset=["country_iso3", "year"])
    countries = countries or sorted(ev["country_iso3"].unique())
    if years is None:
        years = range(int(ev["year"].min()), int(ev["year"].max()) + 1) if len(ev) else range(0)
    sources = sorted(set(coverage["source"]) | set(ev["source"]))
    grid = pd.MultiIndex.from_product(
        [sources, countries, list(years)], names=["source", "country_iso3", "year"]
    )
    counts = ev.groupby(["source", "country_iso3", "year"]).size().reindex(grid, fill_value=0)
    covered = pd.MultiIndex.from_frame(covered_years(coverage)[["source", "country_iso3", "year"]])
    table = counts.rename("events").reset_index()
    is_covered = grid.isin(covered)
    table["status"] = [
        "events" if n > 0 else ("zero" if c else NO_DATA)
        for n, c in zip(table["events"], is_covered, strict=True)
    ]
    table["label"] = [
        str(n) if s != NO_DATA else "–" for n, s in zip(table["events"], table["status"], strict=True)
    ]
    return table


def main_countries(events: pd.DataFrame, min_events: int = 3) -> list[str]:
    """Countries with at least ``min_events`` of the events: where a group operates, not where it struck once."""
    counts = events["country_iso3"].value_counts()
    return sorted(counts[counts >= min_events].index)


def fused_timeline(
    fused: pd.DataFrame,
    coverage: pd.DataFrame,
    years: range | None = None,
    *,
    countries: list[str] | None = None,
) -> pd.DataFrame:
    """Per year of a fused view: fused events, events per source that reports them, the sources that
    report at least one, and the sources that cover at least one of ``countries`` that year (default: the
    group's :func:`main_countries`), with the countries each covers in ``coverage_detail``."""
    fused = fused.dropna(subset=["year"])
    if years is None:
        years = range(int(fused["year"].min()), int(fused["year"].max()) + 1) if len(fused) else range(0)
    countries = countries if countries is not None else main_countries(fused)
    cov = covered_years(coverage)
    cov = cov[cov["country_iso3"].isin(countries)]
    exploded = fused[["year", "sources"]].explode("sources")
    per_source = exploded.groupby(["year", "sources"]).size().unstack(fill_value=0)
    rows = []
    for year in years:
        reporting = sorted(per_source.columns[per_source.loc[year] > 0]) if year in per_source.index else []
        covering = (
            cov[cov["year"] == year].groupby("source")["country_iso3"].agg(lambda c: ",".join(sorted(c)))
        )
        rows.append(
            {
                "year": year,
                "fused_events": int((fused["year"] == year).sum()),
                "multi_source_events": int(((fused["year"] == year) & (fused["n_sources"] > 1)).sum()),
                "sources_reporting": reporting,
                "sources_covering": sorted(covering.index),
                "coverage_detail": "; ".join(f"{src}:{c}" for src, c in covering.items()),
                **{
                    f"events_{s}": int(per_source.loc[year, s]) if year in per_source.index else 0
                    for s in per_source.columns
                },
            }
        )
    return pd.DataFrame(rows)


def coverage_chart(table: pd.DataFrame, title: str = "Source coverage") -> alt.Chart:
    """Heat map year × source, one row per country: counts where a source covers the year, a grey "–" where
    it has no data (a gap is shown as a gap, never as a zero)."""
    import altair as alt  # here, not at import: the commands that only count must not load it

    base = alt.Chart(table).encode(
        x=alt.X("year:O", title="Year"),
        y=alt.Y("source:N", title=None),
        tooltip=["source:N", "country_iso3:N", "year:O", "events:Q", "status:N"],
    )
    covered = (
        base.transform_filter(alt.datum.status != NO_DATA)
        .mark_rect(stroke="#dddddd")
        .encode(
            color=alt.condition(
                alt.datum.events > 0,
                alt.Color("events:Q", title="Group events", scale=alt.Scale(scheme="orangered", domainMin=0)),
                alt.value("white"),
            )
        )
    )
    missing = base.transform_filter(alt.datum.status == NO_DATA).mark_rect(color="#e6e6e6", stroke="white")
    text = base.mark_text(fontSize=8).encode(
        text="label:N",
        color=alt.condition(alt.datum.events > 0, alt.value("black"), alt.value("#888888")),
    )
    return (
        alt.layer(covered, missing, text, data=table)
        .properties(
            width=max(300, 16 * table["year"].nunique()), height=16 * max(1, table["source"].nunique())
        )
        .facet(row=alt.Row("country_iso3:N", title="Country"), title=title)
    )


def save_chart(chart: Any, path: str | Path) -> Path:
    """Save an Altair chart by extension (.png/.svg via vl-convert, .html with the JavaScript inline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".html":
        chart.save(str(path), inline=True)
    else:
        chart.save(str(path))
    return path


# --- what each source adds, where sources disagree ----------------------------------------------------------------


def unique_contributions(fused: pd.DataFrame) -> pd.DataFrame:
    """Per source: its events in the view, the fused events it reports, how many only it reports (what
    would be lost without it) and how many it shares with another source."""
    exploded = fused[["event_ids", "sources", "n_sources"]].explode("sources")
    rows = []
    for source, group in exploded.groupby("sources", sort=True):
        own = sum(sum(1 for e in ids if e.startswith(f"{source}:")) for ids in group["event_ids"])
        rows.append(
            {
                "source": source,
                "events": own,
                "fused_events": len(group),
                "only_this_source": int((group["n_sources"] == 1).sum()),
                "shared": int((group["n_sources"] > 1).sum()),
            }
        )
    out = pd.DataFrame(rows, columns=["source", "events", "fused_events", "only_this_source", "shared"])
    out["share_unique"] = (out["only_this_source"] / out["fused_events"]).astype(float).round(3)
    return out


DISAGREEMENT_COLUMNS = [
    "date_start",
    "country_iso3",
    "location",
    "sources",
    "figures",
    "event_figures",
    "low",
    "high",
    "difference",
    "reconciled",
    "event_ids",
]


def _figures_text(figures: dict[str, float]) -> str:
    return "; ".join(f"{k}={v:g}" for k, v in sorted(figures.items()))


def largest_disagreements(fused: pd.DataFrame, column: str = "fatalities", n: int = 10) -> pd.DataFrame:
    """Fused events whose sources give different ``column`` figures (fatalities or wounded), the largest
    absolute difference first: ``figures`` per source (``acled=55; gtd=82``), ``event_figures`` per event id
    and the ``reconciled`` value of the fused view."""
    by_source = fused[f"{column}_by_source"]
    spread = by_source.map(lambda d: (max(d.values()) - min(d.values())) if len(d) > 1 else 0.0)
    hits = fused[spread > 0].assign(difference=spread[spread > 0])
    if hits.empty:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    hits = hits.sort_values(["difference", "date_start"], ascending=[False, True]).head(n)
    figures = hits[f"{column}_by_source"]
    out = pd.DataFrame(
        {
            "date_start": hits["date_start"],
            "country_iso3": hits["country_iso3"],
            "location": hits["location"],
            "sources": hits["sources"].map(", ".join),
            "figures": figures.map(_figures_text),
            "event_figures": hits[f"{column}_by_event"].map(_figures_text),
            "low": figures.map(lambda d: min(d.values())),
            "high": figures.map(lambda d: max(d.values())),
            "difference": hits["difference"],
            "reconciled": hits[column],
            "event_ids": hits["event_ids"],
        }
    )
    return out[DISAGREEMENT_COLUMNS].reset_index(drop=True)


# --- warnings for trends ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageWarning:
    """A year-on-year change in event counts that coincides with a source starting or stopping."""

    year: int
    previous_year: int
    events_before: int
    events_after: int
    change: float  # relative change (events_after - events_before) / events_before; inf from zero
    source: str
    countries: tuple[str, ...]
    coverage_change: str  # "starts" or "stops"
    coverage_year: int  # first covered year (starts) or last covered year (stops)
    text: str


def _reporting_pairs(events: pd.DataFrame) -> set[tuple[str, str]]:
    """(source, country) pairs in which a source reports some of the events."""
    sources = events["sources"] if "sources" in events else events["source"].map(lambda s: [s])
    pairs = (
        pd.DataFrame({"source": sources, "country_iso3": events["country_iso3"]}).explode("source").dropna()
    )
    return set(zip(pairs["source"], pairs["country_iso3"], strict=True))


def _coverage_changes(coverage: pd.DataFrame, pairs: set[tuple[str, str]]) -> pd.DataFrame:
    """Years in which a source starts or stops covering a country where it reports the group, with
    ``effect_year`` the first year whose count the change affects (the start year, or the year after the
    last one); countries changing together are one row."""
    rows = []
    for rec in coverage.itertuples(index=False):
        if (rec.source, rec.country_iso3) not in pairs:
            continue
        years = set(rec.years)
        for y in sorted(years):
            if y - 1 not in years:
                rows.append((rec.source, rec.country_iso3, "starts", y, y))
            if y + 1 not in years:
                rows.append((rec.source, rec.country_iso3, "stops", y, y + 1))
    changes = pd.DataFrame(
        rows, columns=["source", "country_iso3", "coverage_change", "coverage_year", "effect_year"]
    )
    # named aggregation: a frame even when no change is found (``[column].agg`` then gives a Series)
    return changes.groupby(["source", "coverage_change", "coverage_year", "effect_year"], as_index=False).agg(
        countries=("country_iso3", lambda c: tuple(sorted(c)))
    )


def coverage_warnings(
    events: pd.DataFrame,
    store: Store,
    *,
    threshold: float = 0.5,
    window: int = 1,
    min_events: int = 5,
    coverage: pd.DataFrame | None = None,
    years: range | None = None,
) -> list[CoverageWarning]:
    """Warnings for an analysis that counts ``events`` over time: each year-on-year change of more than
    ``threshold`` (50 %) in the yearly count (with at least ``min_events`` in one of the two years) that lies
    within ``window`` years of a source starting or stopping its coverage of a country.

    Only (source, country) pairs in which the source reports some of ``events`` count: a source that never
    names the group there cannot make its count jump.  ``events`` may be a per-source frame or a fused view
    (its ``sources`` column is used).  ``years`` are the years to count over (default: the span of the events'
    years); give the group's span in every source so that a one-source series that ends (or begins) with its
    source's coverage is warned about too."""
    if events.empty:
        return []
    coverage = coverage if coverage is not None else source_coverage(store)
    event_years = events["year"].dropna().astype(int)
    if years is None:
        years = range(event_years.min(), event_years.max() + 1)
    counts = event_years.value_counts().reindex(years, fill_value=0).sort_index()
    changes = _coverage_changes(coverage, _reporting_pairs(events))
    warnings: list[CoverageWarning] = []
    for year in counts.index[1:]:
        before, after = int(counts[year - 1]), int(counts[year])
        change = (after - before) / before if before else math.inf
        if max(before, after) < min_events or abs(change) <= threshold:
            continue
        near = changes[(changes["effect_year"] - year).abs() <= window]
        warnings += [_warning(int(year), before, after, change, rec) for rec in near.itertuples(index=False)]
    return warnings


def _warning(year: int, before: int, after: int, change: float, rec: Any) -> CoverageWarning:
    pct = "from none" if math.isinf(change) else f"{change:+.0%}"
    where = ", ".join(rec.countries)
    what = (
        f"{rec.source} starts covering {where} in {rec.coverage_year}"
        if rec.coverage_change == "starts"
        else f"{rec.source} stops covering {where} after {rec.coverage_year}"
    )
    text = (
        f"events {year - 1}→{year}: {before}→{after} ({pct}) while {what}: the change may be the "
        "source's coverage, not the group."
    )
    return CoverageWarning(
        year,
        year - 1,
        before,
        after,
        change,
        rec.source,
        tuple(rec.countries),
        rec.coverage_change,
        int(rec.coverage_year),
        text,
    )


# --- the report ----------------------------------------------------------------------------------------------------


@dataclass
class SourcesReport:
    """Everything ``spillover sources GROUP`` shows: coverage, what each source adds, disagreements."""

    group_id: str
    name: str
    rule: str
    events: int
    links: pd.DataFrame = field(repr=False)
    fused: pd.DataFrame = field(repr=False)
    coverage: pd.DataFrame = field(repr=False)
    timeline: pd.DataFrame = field(repr=False)
    unique: pd.DataFrame = field(repr=False)
    disagreements: pd.DataFrame = field(repr=False)
    wounded_disagreements: pd.DataFrame = field(repr=False)
    warnings: list[CoverageWarning] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def merged_links(self) -> int:
        return int(self.links["merged"].sum()) if len(self.links) else 0

    def summary(self) -> str:
        multi = int((self.fused["n_sources"] > 1).sum()) if len(self.fused) else 0
        return (
            f"{self.name} ({self.group_id}): {self.events} source events → {len(self.fused)} fused events "
            f"({multi} reported by several sources); {len(self.links)} candidate pairs, {self.merged_links} merged "
            f"[{self.rule}]"
        )


class Selected(Protocol):
    """What the coverage report needs of a group's selection (:class:`spillover.selection.GroupSelection`
    has it; fusion sits below the selection, so it names only these)."""

    group_id: str
    name: str
    events: pd.DataFrame


def sources_report(
    store: Store,
    selection: Selected,
    *,
    rule: MatchRule | None = None,
    out_dir: str | Path | None = None,
    top: int = 10,
    save: bool = False,
) -> SourcesReport:
    """The coverage and disagreement report of a group's selection (its stored rows, every source: the
    report's own matching fuses them, so pass the selection of view "all").  With ``out_dir`` the
    tables (CSV) and the coverage chart (PNG, SVG, HTML) are written there; with ``save`` the links are
    appended to the store's ``event_links`` (scope ``group:<id>``)."""
    rule = rule or MatchRule()
    links = match_events(store, selection.events, rule=rule)
    fused = fused_events(store, selection.events, links)
    coverage = source_coverage(store)
    table = coverage_table(selection.events, coverage)
    report = SourcesReport(
        group_id=selection.group_id,
        name=selection.name,
        rule=rule.describe(),
        events=len(selection.events),
        links=links,
        fused=fused,
        coverage=table,
        timeline=fused_timeline(fused, coverage),
        unique=unique_contributions(fused),
        disagreements=largest_disagreements(fused, "fatalities", top),
        wounded_disagreements=largest_disagreements(fused, "wounded", top),
        warnings=coverage_warnings(fused, store, coverage=coverage),
    )
    if save:
        save_links(store, links, scope=f"group:{selection.group_id}")
    if out_dir is not None:
        report.files = write_report(report, Path(out_dir))
    return report


def write_report(report: SourcesReport, out: Path) -> dict[str, Path]:
    """Write the report's tables and chart into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    stem = report.group_id
    files: dict[str, Path] = {}
    tables = {
        "coverage": report.coverage,
        "timeline": report.timeline,
        "unique": report.unique,
        "disagreements": report.disagreements,
        "links": report.links.drop(columns=["month"], errors="ignore"),
    }
    for name, frame in tables.items():
        files[name] = out / f"{stem}_{name}.csv"
        frame.to_csv(files[name], index=False)
    chart = coverage_chart(report.coverage, title=f"{report.name}: events by source (– = no data)")
    for ext in ("png", "svg", "html"):
        files[f"chart_{ext}"] = save_chart(chart, out / f"{stem}_coverage.{ext}")
    return files
