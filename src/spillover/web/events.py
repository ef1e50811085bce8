"""The events table: a group's events or a country's stored events, with filters (date range, country,
source, tactic), sorting and pagination, and downloads of every matching row as CSV or JSON (streamed).

A group's table lists the events its analyses count: its selection (:func:`spillover.selection.select`
through the Explorer, for the dates asked) in the view asked — by default the fused view, one row per
real-world event with the sources and stored reports behind it, so that its count is the profile's; the
``all`` view lists every stored report instead.  Pages and downloads read one query
(:mod:`spillover.query.events_table`), so the table, its count and its downloads always agree.  Countries
are accepted by name in any common form (:func:`spillover.countries.resolve_country`); a name several
countries share is answered with the choice.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import duckdb
import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from spillover.countries import AmbiguousCountry, CountryNotFound, countries, iso3_to_name, resolve_country
from spillover.palette import source_name, tactic_label
from spillover.query.events_table import (
    SORTABLE,
    EventFilter,
    columns,
    events_page,
    facets,
    iter_events,
    register_view,
)
from spillover.schema import TACTICS
from spillover.selection import DEFAULT_VIEW, VIEW_ALL
from spillover.web.api import ExplorerDep, GroupParam, View
from spillover.web.pages import country_choice, render, view_links
from spillover.web.service import Explorer

router = APIRouter(include_in_schema=False)

#: Rows per page of the table (the downloads have every row).
PAGE_SIZES = (25, 50, 100, 200)
Since = Annotated[dt.date | None, Query(description="events ending on or after this day")]
Until = Annotated[dt.date | None, Query(description="events starting on or before this day")]
Texts = Annotated[list[str], Query(max_length=20)]
Sort = Annotated[Literal[tuple(SORTABLE)], Query()]  # type: ignore[valid-type]
Order = Annotated[Literal["asc", "desc"], Query()]
Page = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=max(PAGE_SIZES))]


class CountryChoice(Exception):
    """A country name that names several countries (or none): the page asks which one."""

    def __init__(self, text: str, candidates: list[tuple[str, str]]) -> None:
        super().__init__(text)
        self.text = text
        self.candidates = candidates


def country_codes(texts: list[str]) -> tuple[str, ...]:
    """ISO3 codes of countries given by code or by name; :class:`CountryChoice` when one is ambiguous or
    unknown."""
    codes = []
    for text in (t for item in texts for t in item.split(",") if t.strip()):
        try:
            codes.append(resolve_country(text))
        except AmbiguousCountry as exc:
            raise CountryChoice(text, exc.candidates) from exc
        except CountryNotFound as exc:
            raise CountryChoice(text, []) from exc
    return tuple(dict.fromkeys(codes))


def cursor(ex: Explorer, scope: Scope | None = None) -> duckdb.DuckDBPyConnection:
    """A connection of its own to the explorer's store, for a query that outlives the request's lock (a
    streamed download); DuckDB cursors of one database can run in parallel threads.  A scope's selected
    events are registered on it for the query to read."""
    with ex._store_lock:  # noqa: SLF001 - the explorer's connection may not be shared while another thread uses it
        con = ex.store.con.cursor()
    if scope is not None and scope.frame is not None:
        register_view(con, scope.frame)
    return con


@dataclass(frozen=True)
class Scope:
    """Whose events a table lists: a group's selection (its events in a view: ``frame``; or, in the
    ``all`` view, its stored reports: ``event_ids``), dated by the selection; or a country's stored events."""

    event_ids: list[str] | None = None
    countries: tuple[str, ...] = ()
    frame: pd.DataFrame | None = None
    #: the selection already kept the dates asked for: the query must not filter them again
    dated: bool = False


def group_scope(ex: Explorer, gid: str, view: str, since: dt.date | None, until: dt.date | None) -> Scope:
    """The group's events for the table: its selection for the dates, in ``view`` (``all``: stored reports)."""
    sel = ex.selection(gid, view, since=since, until=until)
    if view == VIEW_ALL:
        return Scope(event_ids=list(sel.stored_event_ids), dated=True)
    return Scope(frame=sel.events, dated=True)


def _filter(
    scope: Scope, countries_: tuple[str, ...], since: dt.date | None, until: dt.date | None,
    sources: list[str], tactics: list[str], sort: str, order: str,
) -> EventFilter:  # fmt: skip
    return EventFilter(
        event_ids=tuple(scope.event_ids) if scope.event_ids is not None else None,
        countries=countries_, since=None if scope.dated else since, until=None if scope.dated else until,
        sources=tuple(s for item in sources for s in item.split(",") if s),
        tactics=tuple(t for item in tactics for t in item.split(",") if t),
        sort=sort, descending=order == "desc", fused=scope.frame is not None,
    )  # fmt: skip


def _cells(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for the HTML table: names, not codes; unknown as a dash."""
    rows = []
    for rec in frame.to_dict("records"):
        fat = rec.get("fatalities")
        rows.append(
            {
                "event_id": rec["event_id"],
                "date": _date(rec.get("date_start"), rec.get("date_precision")),
                "source": " + ".join(source_name(x) for x in str(rec["sources"]).split(" + "))
                if _present(rec.get("sources"))
                else source_name(rec["source"]),
                "reports": str(rec["event_ids"]).split() if _present(rec.get("event_ids")) else [],
                "country": iso3_to_name(rec["country_iso3"]) if rec.get("country_iso3") else "—",
                "place": ", ".join(str(x) for x in (rec.get("location"), rec.get("admin1")) if _present(x))
                or "—",
                "tactic": tactic_label(rec["tactic"]) if _present(rec.get("tactic")) else "—",
                "fatalities": "—" if not _present(fat) else f"{round(float(fat)):,}",
                "actors": " / ".join(str(x) for x in (rec.get("side_a"), rec.get("side_b")) if _present(x)),
            }
        )
    return rows


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NaT


def _date(value: Any, precision: Any) -> str:
    from spillover.formatting import date_at

    return date_at(value, precision if isinstance(precision, str) else "day")


def _countries(scope: Scope, chosen: tuple[str, ...]) -> tuple[str, ...]:
    """The countries a table keeps: those chosen, within the scope's (a country page filtered by another
    country keeps nothing)."""
    if scope.countries and chosen:
        return tuple(set(scope.countries) & set(chosen)) or ("-",)
    return scope.countries or chosen


def _table_page(
    request: Request, ex: Explorer, *, title: str, kind: dict[str, Any], scope: Scope, country: list[str],
    since: dt.date | None, until: dt.date | None, source: list[str], tactic: list[str], sort: str, order: str,
    page: int, per_page: int, view: str | None = None,
) -> Response:  # fmt: skip
    try:
        chosen = country_codes(country)
    except CountryChoice as exc:
        return render(request, "events.html", status_code=422, title=title, scope=kind, choice=exc, rows=[],
                      total=0, facets={}, query={}, links={}, pages={}, sort=sort, order=order)  # fmt: skip
    f = _filter(scope, _countries(scope, chosen), since, until, source, tactic, sort, order)
    con = cursor(ex, scope)
    try:
        total, frame = events_page(con, f, offset=(page - 1) * per_page, limit=per_page)
        choices = facets(con, scope.event_ids, scope.countries, fused=f.fused)
    finally:
        con.close()
    query = {
        "since": since.isoformat() if since else "", "until": until.isoformat() if until else "",
        "country": ", ".join(map(iso3_to_name, chosen)) if not scope.countries else "", "source": ",".join(f.sources),
        "tactic": ",".join(f.tactics), "sort": sort, "order": order, "per_page": str(per_page),
    }  # fmt: skip
    kept = {k: v for k, v in query.items() if v}
    if view is not None and view != DEFAULT_VIEW:
        kept["view"] = view
    base = request.url.path
    n_pages = max(1, math.ceil(total / per_page))

    def href(**change: Any) -> str:
        return f"{base}?{urlencode({**kept, **{k: v for k, v in change.items() if v not in (None, '')}})}"

    links = {
        "csv": f"{base}.csv?{urlencode({k: v for k, v in kept.items() if k != 'per_page'})}",
        "json": f"{base}.json?{urlencode({k: v for k, v in kept.items() if k != 'per_page'})}",
        "sort": {
            key: href(sort=key, order="desc" if sort == key and order == "asc" else "asc", page=None)
            for key in SORTABLE
        },
        "prev": href(page=page - 1) if page > 1 else None,
        "next": href(page=page + 1) if page < n_pages else None,
    }
    views = (
        view_links(ex, base, view, **{k: v for k, v in kept.items() if k != "view"})
        if view is not None
        else []
    )
    return render(
        request, "events.html", title=title, scope=kind, choice=None, rows=_cells(frame), total=total,
        facets={
            "source": [(s, source_name(s)) for s in choices["source"]],
            "country": [(c, iso3_to_name(c)) for c in choices["country_iso3"]],
            "tactic": [(t, tactic_label(t)) for t in TACTICS if t in choices["tactic"]],
        },
        query=query, links=links, pages={"page": page, "of": n_pages, "per_page": per_page, "sizes": PAGE_SIZES},
        sort=sort, order=order, selected={"source": set(f.sources), "tactic": set(f.tactics)}, view=view,
        views=views, fused=f.fused,
    )  # fmt: skip


def _download(
    ex: Explorer, fmt: str, filename: str, scope: Scope, country: list[str], since: dt.date | None,
    until: dt.date | None, source: list[str], tactic: list[str], sort: str, order: str,
) -> Response:  # fmt: skip
    try:
        chosen = country_codes(country)
    except CountryChoice as exc:
        return Response(
            json.dumps({"detail": _choice_text(exc)}), status_code=422, media_type="application/json"
        )
    f = _filter(scope, _countries(scope, chosen), since, until, source, tactic, sort, order)
    con = cursor(ex, scope)
    body = _csv_stream(con, f) if fmt == "csv" else _json_stream(con, f)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return StreamingResponse(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{filename}.{fmt}"'}
    )


def _choice_text(exc: CountryChoice) -> str:
    if not exc.candidates:
        return f"no country is called {exc.text!r}"
    return f"{exc.text!r} could be several countries: " + ", ".join(f"{c} ({n})" for c, n in exc.candidates)


def _csv_stream(con: duckdb.DuckDBPyConnection, f: EventFilter) -> Iterator[str]:
    try:
        yield ",".join(columns(f)) + "\n"
        for chunk in iter_events(con, f):
            yield chunk.to_csv(index=False, header=False, date_format="%Y-%m-%d")
    finally:
        con.close()


def _json_stream(con: duckdb.DuckDBPyConnection, f: EventFilter) -> Iterator[str]:
    try:
        yield "["
        first = True
        for chunk in iter_events(con, f):
            text = chunk.to_json(orient="records", date_format="iso", date_unit="s")[1:-1]
            if text:
                yield ("" if first else ",") + text
                first = False
        yield "]"
    finally:
        con.close()


# -- routes ------------------------------------------------------------------------------------------------


@router.get("/groups/{group}/events", response_class=HTMLResponse)
def group_events_page(
    request: Request, group: GroupParam, ex: ExplorerDep, view: View, since: Since = None, until: Until = None,
    country: Texts = [], source: Texts = [], tactic: Texts = [],  # noqa: B006 - FastAPI copies defaults
    sort: Sort = "date", order: Order = "asc", page: Page = 1, per_page: PerPage = 50,
) -> Response:  # fmt: skip
    """The group's events as its analyses count them (``view``, default fused), for the dates asked."""
    gid = ex.group_id(group)
    if gid != group:
        return RedirectResponse(f"/groups/{gid}/events?{request.url.query}", status_code=307)
    name = ex.registry.groups[gid].name if gid in ex.registry.groups else gid
    return _table_page(
        request, ex, title=f"Events: {name}", kind={"kind": "group", "id": gid, "name": name},
        scope=group_scope(ex, gid, view, since, until), country=country, since=since, until=until,
        source=source, tactic=tactic, sort=sort, order=order, page=page, per_page=per_page, view=view,
    )  # fmt: skip


@router.get("/groups/{group}/events.{fmt}")
def group_events_download(
    group: GroupParam, fmt: Literal["csv", "json"], ex: ExplorerDep, view: View, since: Since = None,
    until: Until = None, country: Texts = [], source: Texts = [], tactic: Texts = [],  # noqa: B006
    sort: Sort = "date", order: Order = "asc",
) -> Response:  # fmt: skip
    gid = ex.group_id(group)
    suffix = "" if view == DEFAULT_VIEW else f"-{view}"
    return _download(ex, fmt, f"{gid}-events{suffix}", group_scope(ex, gid, view, since, until), country, since,
                     until, source, tactic, sort, order)  # fmt: skip


@router.get("/countries", response_class=HTMLResponse)
def countries_index(request: Request, ex: ExplorerDep) -> Response:
    """Every country with events in the store, by name, with its events."""
    counts = ex.query(
        "SELECT country_iso3, count(*) AS events, min(year) AS first, max(year) AS last FROM events "
        "WHERE country_iso3 IS NOT NULL GROUP BY 1"
    )
    known = dict(countries())
    rows = sorted(
        (
            {"iso3": r.country_iso3, "name": known.get(r.country_iso3) or iso3_to_name(r.country_iso3),
             "events": int(r.events), "first": r.first, "last": r.last}
            for r in counts.itertuples(index=False)
        ),
        key=lambda r: r["name"],
    )  # fmt: skip
    return render(request, "countries.html", countries=rows)


@router.get("/countries/go", response_class=HTMLResponse)
def country_search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """The countries index's search box: to the country's page, or the choice when the name is ambiguous."""
    try:
        code = resolve_country(q)
    except (AmbiguousCountry, CountryNotFound) as exc:
        return country_choice(request, q, exc)
    return RedirectResponse(f"/countries/{code}", status_code=303)


@router.get("/countries/{country}/events", response_class=HTMLResponse)
def country_events_page(
    request: Request, country: str, ex: ExplorerDep, since: Since = None, until: Until = None,
    source: Texts = [], tactic: Texts = [],  # noqa: B006
    sort: Sort = "date", order: Order = "asc", page: Page = 1, per_page: PerPage = 50,
) -> Response:  # fmt: skip
    try:
        code = resolve_country(country)
    except (AmbiguousCountry, CountryNotFound) as exc:
        return country_choice(request, country, exc, "/events")
    if code != country:
        return RedirectResponse(f"/countries/{code}/events?{request.url.query}", status_code=307)
    name = iso3_to_name(code)
    return _table_page(
        request, ex, title=f"Events in {name}", kind={"kind": "country", "id": code, "name": name},
        scope=Scope(countries=(code,)), country=[], since=since, until=until, source=source,
        tactic=tactic, sort=sort, order=order, page=page, per_page=per_page,
    )  # fmt: skip


@router.get("/countries/{country}/events.{fmt}")
def country_events_download(
    country: str, fmt: Literal["csv", "json"], ex: ExplorerDep, since: Since = None, until: Until = None,
    source: Texts = [], tactic: Texts = [],  # noqa: B006
    sort: Sort = "date", order: Order = "asc",
) -> Response:  # fmt: skip
    try:
        code = country_codes([country])
    except CountryChoice as exc:
        return Response(
            json.dumps({"detail": _choice_text(exc)}), status_code=422, media_type="application/json"
        )
    return _download(
        ex,
        fmt,
        f"{code[0].lower()}-events",
        Scope(countries=code),
        [],
        since,
        until,
        source,
        tactic,
        sort,
        order,
    )
