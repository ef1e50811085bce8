"""The HTML pages: server-rendered with Jinja2 from the same service the API uses; charts are drawn in the
browser by vega-embed from the API's Vega-Lite specs, so every page works offline and without a CDN.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from spillover.countries import iso3_to_name
from spillover.palette import source_name
from spillover.web.api import (
    MAX_COMPARE,
    ExplorerDep,
    GroupParam,
    Period,
    ReportsDep,
    View,
    compare_ids,
    report_status,
)
from spillover.web.reports import ReportKey
from spillover.web.service import SECTIONS, Explorer

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def _number(value: Any, digits: int = 0) -> str:
    """Thousands separators; a dash for missing values."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _percent(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{100 * value:.{digits}f} %"


templates.env.filters["num"] = _number
templates.env.filters["pct"] = _percent
templates.env.filters["country_name"] = lambda code: iso3_to_name(code) if code else ""
templates.env.filters["source_name"] = source_name

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def country_choice(request: Request, text: str, exc: Exception, suffix: str = "") -> Response:
    """The answer to a country name that names several countries (which one?) or none (404)."""
    candidates = getattr(exc, "candidates", [])
    return render(
        request, "country_choice.html", status_code=300 if candidates else 404, text=text,
        candidates=[{"iso3": c, "name": n, "href": f"/countries/{c}{suffix}"} for c, n in candidates],
    )  # fmt: skip


#: What each view is called on the switcher.
VIEW_LABELS = {"fused": "each event once (fused)", "all": "every stored report (all)"}


def view_links(ex: Explorer, path: str, view: str, **query: str | None) -> list[dict[str, Any]]:
    """The view switcher: one link per view of the store, keeping the page's other query parameters."""
    kept = {k: v for k, v in query.items() if v}
    return [
        {
            "view": choice,
            "label": VIEW_LABELS.get(choice, f"{source_name(choice)} only"),
            "href": f"{path}?{urlencode({**kept, 'view': choice})}",
            "current": choice == view,
        }
        for choice in ex.view_choices()
    ]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ex: ExplorerDep, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    hits = ex.search(q, 25) if q.strip() else []
    return render(request, "home.html", q=q, hits=hits, top=ex.top_groups(24))


@router.get("/groups/{group}", response_class=HTMLResponse)
def group_page(
    request: Request,
    group: GroupParam,
    ex: ExplorerDep,
    jobs: ReportsDep,
    view: View,
    dates: Period,
    parent: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    """The group page; ``since``/``until`` restrict every figure, chart and section of it to those dates."""
    gid = ex.group_id(group)
    if gid != group:
        query = {
            k: v
            for k, v in (("parent", parent), ("view", request.query_params.get("view")), *dates.items())
            if v
        }
        return RedirectResponse(f"/groups/{gid}{'?' + urlencode(query) if query else ''}", status_code=307)
    parent_id = ex.group_id(parent) if parent else None
    kept_dates = {k: v for k, v in dates.items() if v}
    return render(
        request,
        "group.html",
        g=ex.summary(gid, view, **dates),
        view=view,
        dates=dates,
        views=view_links(ex, f"/groups/{gid}", view, parent=parent_id, **kept_dates),
        view_query=urlencode({"view": view, **kept_dates}),
        dates_query=urlencode(kept_dates),
        lineage=ex.lineage(gid),
        ties=ex.ties(gid),
        sections={name: ex.cached_section(name, gid, parent_id, view, **dates) for name in SECTIONS},
        parent_query="?"
        + urlencode({k: v for k, v in (("parent", parent_id), ("view", view), *kept_dates.items()) if v}),
        reports={
            fmt: report_status(jobs.state(ReportKey(gid, fmt, view, **dates))) for fmt in ("html", "pdf")
        },
    )


@router.get("/groups/{group}/sections/{name}", response_class=HTMLResponse)
def group_section(
    request: Request,
    group: GroupParam,
    name: Literal["expansion", "onsets", "opportunism", "autonomy", "theatres"],
    ex: ExplorerDep,
    view: View,
    dates: Period,
    parent: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> HTMLResponse:
    """One section of the group page as an HTML fragment: the page loads the slow ones after it shows."""
    gid = ex.group_id(group)
    parent_id = ex.group_id(parent) if parent else None
    return render(
        request,
        f"sections/{name}.html",
        g=ex.summary(gid, view, **dates),
        view_query=urlencode({"view": view, **{k: v for k, v in dates.items() if v}}),
        section=ex.section(name, gid, parent_id, view, **dates),
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    ex: ExplorerDep,
    view: View,
    dates: Period,
    groups: Annotated[list[str], Query(max_length=MAX_COMPARE * 2)] = [],  # noqa: B006 - FastAPI copies defaults
) -> HTMLResponse:
    """Groups side by side; ``since``/``until`` restrict every figure, chart and section to those dates."""
    names = [n.strip() for item in groups for n in item.split(",") if n.strip()]
    kept_dates = {k: v for k, v in dates.items() if v}
    if len(names) < 2:
        given = [ex.summary(ex.group_id(n), view, **dates) for n in names]
        return render(
            request, "compare.html", groups=given, ids=[g["id"] for g in given], sections={}, query="",
            view=view, dates=dates,
        )  # fmt: skip
    try:
        ids = compare_ids(ex, groups)
    except HTTPException as exc:
        return render(
            request, "error.html", status_code=exc.status_code, title="Cannot compare", message=exc.detail
        )
    sections = {
        gid: {
            "expansion": ex.section("expansion", gid, None, view, **dates),
            "opportunism": ex.section("opportunism", gid, None, view, **dates),
            "theatres": ex.section("theatres", gid, None, view, **dates),
        }
        for gid in ids
    }
    query = urlencode([("groups", ",".join(ids)), ("view", view), *kept_dates.items()])
    return render(
        request,
        "compare.html",
        groups=[ex.summary(g, view, **dates) for g in ids],
        ids=ids,
        sections=sections,
        query=query,
        view=view,
        dates=dates,
        group_query=urlencode({"view": view, **kept_dates}),
        views=view_links(ex, "/compare", view, groups=",".join(ids), **kept_dates),
    )


@router.get("/countries/{country}", response_class=HTMLResponse)
def country_page(
    request: Request,
    country: Annotated[str, PathParam(min_length=1, max_length=200)],
    ex: ExplorerDep,
    dates: Period,
) -> Response:
    """A country by ISO3 code or by name in any common form ("Ivory Coast", "DRC"); a name several
    countries share ("Congo") asks which one.  ``since``/``until`` restrict its figures, groups, chart and
    onsets to those dates."""
    from spillover.countries import AmbiguousCountry, CountryNotFound, resolve_country

    try:
        code = resolve_country(country)
    except (AmbiguousCountry, CountryNotFound) as exc:
        return country_choice(request, country, exc)
    kept_dates = {k: v for k, v in dates.items() if v}
    query = f"?{urlencode(kept_dates)}" if kept_dates else ""
    if code != country:
        return RedirectResponse(f"/countries/{code}{query}", status_code=307)
    return render(request, "country.html", c=ex.country(code, **dates), dates=dates, dates_query=query)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema (Swagger UI would load from a CDN)."""
    schema = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "parameters": [_parameter_row(p) for p in op.get("parameters", [])],
            "responses": sorted(op.get("responses", {})),
        }
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(request, "api_docs.html", info=schema.get("info", {}), operations=operations)


def _parameter_row(parameter: dict[str, Any]) -> dict[str, Any]:
    """One parameter as a table row: name, where, type with its bounds, required, description."""
    schema = parameter.get("schema", {})
    variants = schema.get("anyOf", [schema])
    kinds = [
        v.get("format")
        or v.get("type")
        or ("one of " + ", ".join(map(str, v["enum"])) if "enum" in v else "")
        for v in variants
    ]
    bounds = []
    for variant in variants:
        for key, label in (
            ("minimum", "≥"),
            ("maximum", "≤"),
            ("maxLength", "length ≤"),
            ("pattern", "pattern"),
        ):
            if key in variant:
                bounds.append(f"{label} {variant[key]}")
        if "enum" in variant:
            bounds.append("one of " + ", ".join(map(str, variant["enum"])))
    return {
        "name": parameter.get("name"),
        "in": parameter.get("in"),
        "type": " or ".join(k for k in kinds if k and k != "null") or "string",
        "bounds": "; ".join(bounds),
        "required": parameter.get("required", False),
        "description": parameter.get("description") or schema.get("description", ""),
        "default": schema.get("default"),
    }
