"""The JSON API behind the pages, documented by the app's OpenAPI schema (``/docs``, ``/openapi.json``).

Endpoints are plain (sync) functions: FastAPI runs them in its thread pool, so a slow first computation
for one group never blocks the event loop.  Every parameter is typed and bounded (dates are dates, codes
match their pattern, pages hold at most :data:`MAX_PAGE` events), so a bad request is a 422 with the reason
before any work is done.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from spillover.period import InvalidPeriod, period_bounds
from spillover.selection import DEFAULT_VIEW
from spillover.web import charts
from spillover.web.assets import country_shapes
from spillover.web.models import (
    CompareOut,
    CountryOut,
    ErrorBody,
    EventPage,
    GroupOut,
    LineageOut,
    ReportStatus,
    SearchResult,
    SectionOut,
)
from spillover.web.reports import (
    MEDIA_TYPES,
    InvalidReportId,
    ReportJobs,
    ReportKey,
    ReportState,
    parse_report_id,
)
from spillover.web.service import Explorer, Section

#: Hard limit of events per page.
MAX_PAGE = 500
#: Most groups on one compare page.
MAX_COMPARE = 6
SOURCES = Literal["ged", "gtd", "acled", "rand"]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown group (with suggestions), country or report"},
    422: {"model": ErrorBody, "description": "Invalid parameter"},
}

router = APIRouter(prefix="/api", responses=ERRORS)

GroupParam = Annotated[str, Path(min_length=1, max_length=200, description="registry id, name or alias")]
Iso3Param = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code")]
FormatParam = Annotated[Literal["html", "pdf"], Query(description="report format")]
#: The view query parameter of every group endpoint (its choices depend on the store: the app's OpenAPI
#: schema lists them as an enum, see :func:`spillover.web.app.create_app`).
VIEW_PATTERN = r"^[a-z0-9_-]{1,40}$"
ViewQuery = Annotated[
    str,
    Query(
        pattern=VIEW_PATTERN,
        description=(
            'which events are counted: "fused" (default: each real-world event once, the reports of several '
            'sources merged), "all" (every stored report: an attack two datasets report counts twice) or a '
            "source name (that dataset alone)"
        ),
    ),
]


def explorer(request: Request) -> Explorer:
    return request.app.state.explorer


def report_jobs(request: Request) -> ReportJobs:
    return request.app.state.reports


ExplorerDep = Annotated[Explorer, Depends(explorer)]
ReportsDep = Annotated[ReportJobs, Depends(report_jobs)]


def group_id(group: GroupParam, ex: ExplorerDep) -> str:
    """The canonical id of the group in the path (404 with suggestions when unknown)."""
    return ex.group_id(group)


GroupId = Annotated[str, Depends(group_id)]


def view(ex: ExplorerDep, view: ViewQuery = DEFAULT_VIEW) -> str:
    """The view asked for (422 naming the choices when the store has no such view)."""
    return ex.check_view(view)


View = Annotated[str, Depends(view)]

SinceQuery = Annotated[
    dt.date | None, Query(description="first day (YYYY-MM-DD): events ending on or after it")
]
UntilQuery = Annotated[
    dt.date | None, Query(description="last day (YYYY-MM-DD): events starting on or before it")
]


def period(since: SinceQuery = None, until: UntilQuery = None) -> dict[str, str | None]:
    """The period asked for, as the ``since``/``until`` keywords of the Explorer (422 when inverted): every
    count and section of the group is then measured on the events of those dates only."""
    try:
        first, last = period_bounds(since, until)
    except InvalidPeriod as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"since": first, "until": last}


Period = Annotated[dict[str, str | None], Depends(period)]


def section_out(gid: str, section: Section) -> SectionOut:
    return SectionOut(group_id=gid, status=section.status, message=section.message, data=section.data)


# -- groups -----------------------------------------------------------------------------------------------


@router.get("/groups", response_model=SearchResult, summary="Search groups by name or alias of any dataset")
def search_groups(
    ex: ExplorerDep,
    q: Annotated[str, Query(max_length=200, description="part of a name, alias or id")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResult:
    return SearchResult(query=q, results=ex.search(q, limit))


@router.get("/groups/{group}", response_model=GroupOut, summary="A group: registry facts and event counts")
def get_group(gid: GroupId, ex: ExplorerDep, view: View, dates: Period) -> dict[str, Any]:
    return ex.summary(gid, view, **dates)


@router.get(
    "/groups/{group}/events", response_model=EventPage, summary="The group's events, filtered and paginated"
)
def get_events(
    gid: GroupId,
    ex: ExplorerDep,
    view: View,
    dates: Period,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$", description="ISO3 code")] = None,
    source: Annotated[SOURCES | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> dict[str, Any]:
    return ex.events(gid, **dates, country=country, source=source, offset=offset, limit=limit, view=view)


@router.get(
    "/groups/{group}/lineage", response_model=LineageOut, summary="Predecessors and successors, dated"
)
def get_lineage(gid: GroupId, ex: ExplorerDep) -> dict[str, Any]:
    return {**ex.lineage(gid), "diagram_url": f"/api/groups/{gid}/lineage.svg"}


@router.get(
    "/groups/{group}/relations", summary="Dated ties: registry, Mapping Militants, BAAD1, with sources"
)
def get_relations(gid: GroupId, ex: ExplorerDep) -> dict[str, Any]:
    return ex.ties(gid)


@router.get(
    "/groups/{group}/lineage.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "Lineage timeline (SVG)"}},
    summary="The lineage timeline as SVG",
)
def get_lineage_svg(gid: GroupId, ex: ExplorerDep, request: Request) -> Response:
    path = ex.lineage_svg(gid, request.app.state.report_dir)
    return Response(path.read_bytes(), media_type="image/svg+xml")


@router.get(
    "/groups/{group}/expansion",
    response_model=SectionOut,
    summary="Countries entered, when, and yearly spread",
)
def get_expansion(gid: GroupId, ex: ExplorerDep, view: View, dates: Period) -> SectionOut:
    return section_out(gid, ex.section("expansion", gid, None, view, **dates))


@router.get(
    "/groups/{group}/onsets", response_model=SectionOut, summary="Instability onsets in the group's countries"
)
def get_onsets(gid: GroupId, ex: ExplorerDep, view: View, dates: Period) -> SectionOut:
    return section_out(gid, ex.section("onsets", gid, None, view, **dates))


@router.get(
    "/groups/{group}/opportunism", response_model=SectionOut, summary="Did entries follow instability?"
)
def get_opportunism(gid: GroupId, ex: ExplorerDep, view: View, dates: Period) -> SectionOut:
    return section_out(gid, ex.section("opportunism", gid, None, view, **dates))


@router.get(
    "/groups/{group}/autonomy", response_model=SectionOut, summary="Autonomy components against a parent"
)
def get_autonomy(
    gid: GroupId,
    ex: ExplorerDep,
    view: View,
    dates: Period,
    parent: Annotated[
        str | None, Query(min_length=1, max_length=200, description="parent id or name")
    ] = None,
) -> SectionOut:
    parent_id = ex.group_id(parent) if parent else None
    return section_out(gid, ex.section("autonomy", gid, parent_id, view, **dates))


@router.get("/groups/{group}/theatres", response_model=SectionOut, summary="Distinct theatres per year")
def get_theatres(gid: GroupId, ex: ExplorerDep, view: View, dates: Period) -> SectionOut:
    return section_out(gid, ex.section("theatres", gid, None, view, **dates))


@router.get("/groups/{group}/charts/{chart}", summary="A Vega-Lite chart of the group page")
def get_group_chart(
    gid: GroupId, chart: Literal["timeline", "tactics", "map"], ex: ExplorerDep, view: View, dates: Period
) -> dict[str, Any]:
    return group_chart(ex, gid, chart, view, **dates)


def group_chart(
    ex: Explorer, gid: str, chart: str, view: str = DEFAULT_VIEW, *, since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    dates = {"since": since, "until": until}
    name = ex.summary(gid, view, **dates)["name"]
    events = ex.selection(gid, view, **dates).events
    onsets_section = ex.section("onsets", gid, None, view, **dates)
    onsets = onsets_section.data.get("onsets", []) if onsets_section.ok else []
    if chart == "timeline":
        return charts.timeline(events, onsets, f"Events per year: {name}")
    if chart == "tactics":
        return charts.tactics(events, f"Tactics per year: {name}")
    expansion = ex.section("expansion", gid, None, view, **dates)
    entries = expansion.data.get("entries", [])
    countries = [c["country_iso3"] for c in expansion.data.get("countries", [])] or list(
        {c for c in events["country_iso3"].dropna()}
    )
    return charts.expansion_map(
        entries,
        ex.located_events(gid, view, **dates),
        onsets,
        countries,
        country_shapes(),
        f"Expansion: {name}",
    )


# -- reports ----------------------------------------------------------------------------------------------


def report_status(state: ReportState) -> ReportStatus:
    ready = state.status == "ready"
    return ReportStatus(
        report_id=state.report_id,
        group_id=state.group_id,
        view=state.view,
        since=state.since,
        until=state.until,
        format=state.format,  # type: ignore[arg-type]
        status=state.status,  # type: ignore[arg-type]
        message=state.message,
        status_url=f"/api/reports/{state.report_id}",
        download_url=f"/api/reports/{state.report_id}/download" if ready else None,
    )


@router.post(
    "/groups/{group}/report",
    response_model=ReportStatus,
    status_code=202,
    summary="Start the group's assessment report",
)
def start_report(
    gid: GroupId, jobs: ReportsDep, view: View, dates: Period, format: FormatParam = "html"
) -> ReportStatus:
    """Queue the assessment of the group counted in ``view`` over ``since``–``until`` (every date by default)."""
    return report_status(jobs.start(ReportKey(gid, format, view, **dates)))


@router.get("/groups/{group}/report", response_model=ReportStatus, summary="Where the group's report stands")
def get_report(
    gid: GroupId, jobs: ReportsDep, view: View, dates: Period, format: FormatParam = "html"
) -> ReportStatus:
    return report_status(jobs.state(ReportKey(gid, format, view, **dates)))


@router.get(
    "/groups/{group}/report/download",
    response_class=FileResponse,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "The report file"}},
    summary="Download the group's report once ready",
)
def download_group_report(
    gid: GroupId, jobs: ReportsDep, view: View, dates: Period, format: FormatParam = "html"
) -> FileResponse:
    return report_file(jobs.state(ReportKey(gid, format, view, **dates)))


ReportIdParam = Annotated[
    str,
    Path(
        max_length=220,
        description="'<group id>.<html|pdf>' (fused view, every date), with the view and the period when "
        "they are not the defaults: '<group id>.<view>.<since>_<until>.<html|pdf>' (either date may be empty)",
    ),
]


def checked_report(report_id: str, ex: Explorer, jobs: ReportJobs) -> ReportState:
    """The state of a report named by id, after checking the id's shape and its group."""
    try:
        key = parse_report_id(report_id)
    except InvalidReportId as exc:
        raise HTTPException(422, str(exc)) from exc
    return jobs.state(key._replace(group_id=ex.group_id(key.group_id), view=ex.check_view(key.view)))


@router.get("/reports/{report_id}", response_model=ReportStatus, summary="Where a report stands, by id")
def get_report_by_id(report_id: ReportIdParam, ex: ExplorerDep, jobs: ReportsDep) -> ReportStatus:
    return report_status(checked_report(report_id, ex, jobs))


@router.get(
    "/reports/{report_id}/download",
    response_class=FileResponse,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "The report file"}},
    summary="Download a report by id",
)
def download_report_by_id(report_id: ReportIdParam, ex: ExplorerDep, jobs: ReportsDep) -> FileResponse:
    return report_file(checked_report(report_id, ex, jobs))


def report_file(state: ReportState) -> FileResponse:
    if state.status != "ready" or state.path is None:
        raise HTTPException(404, f"report {state.report_id} is not ready ({state.status}): {state.message}")
    return FileResponse(
        state.path,
        media_type=MEDIA_TYPES[state.format],
        filename=report_filename(state),
    )


def report_filename(state: ReportState) -> str:
    """``<group>-assessment.<format>``, with the view and the period named when they are not the defaults."""
    view = "" if state.view == DEFAULT_VIEW else f"-{state.view}"
    period = f"-{state.since or ''}_{state.until or ''}" if state.since or state.until else ""
    return f"{state.group_id}{view}{period}-assessment.{state.format}"


# -- countries and comparisons ----------------------------------------------------------------------------


@router.get(
    "/countries/{iso3}", response_model=CountryOut, summary="Groups active in a country and its onsets"
)
def get_country(iso3: Iso3Param, ex: ExplorerDep, dates: Period) -> dict[str, Any]:
    """The country's events, groups and onsets over ``since``–``until`` (every date by default)."""
    return ex.country(iso3.upper(), **dates)


@router.get("/countries/{iso3}/chart", summary="Vega-Lite chart: groups per year in the country, with onsets")
def get_country_chart(iso3: Iso3Param, ex: ExplorerDep, dates: Period) -> dict[str, Any]:
    info = ex.country(iso3.upper(), **dates)
    first_year = min((g["first_year"] for g in info["groups"]), default=None)
    onsets = [
        {**o, "country_iso3": info["iso3"]}
        for o in info["onsets"] or []
        if first_year is None or int(str(o["date"])[:4]) >= first_year - 2
    ]
    return charts.country_activity(info["groups"], onsets, f"Groups active in {info['name']}")


def compare_ids(ex: Explorer, groups: list[str]) -> list[str]:
    """Distinct canonical ids of the groups to compare (comma-separated or repeated); 2 to 6 of them."""
    names = [n.strip() for item in groups for n in item.split(",") if n.strip()]
    ids = list(dict.fromkeys(ex.group_id(n) for n in names[: MAX_COMPARE * 2]))
    if not 2 <= len(ids) <= MAX_COMPARE:
        raise HTTPException(422, f"compare takes 2 to {MAX_COMPARE} distinct groups, got {len(ids)}")
    return ids


CompareParam = Annotated[
    list[str],
    Query(
        min_length=1, max_length=MAX_COMPARE * 2, description="group ids or names (repeat, or comma-separate)"
    ),
]


@router.get("/compare", response_model=CompareOut, summary="Several groups side by side")
def compare(groups: CompareParam, ex: ExplorerDep, view: View, dates: Period) -> dict[str, Any]:
    """Each group's summary, counted over the same dates (``since``/``until``) and view."""
    return {"groups": [ex.summary(gid, view, **dates) for gid in compare_ids(ex, groups)]}


@router.get("/compare/charts/{chart}", summary="Vega-Lite chart comparing several groups")
def compare_chart(
    chart: Literal["activity", "tactics"], groups: CompareParam, ex: ExplorerDep, view: View, dates: Period
) -> dict[str, Any]:
    summaries = [ex.summary(gid, view, **dates) for gid in compare_ids(ex, groups)]
    if chart == "activity":
        rows = [
            {"group": s["name"], "year": r["year"], "events": r["events"]}
            for s in summaries
            for r in s["by_year"]
        ]
        return charts.compare_activity(rows, "Events per year")
    rows = [
        {"group": s["name"], "tactic": t["tactic"], "events": t["events"]}
        for s in summaries
        for t in s["tactics"]
    ]
    return charts.compare_tactics(rows, "Tactic mix")


def error_response(status: int, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(ErrorBody(detail=detail, **extra).model_dump(), status_code=status)
