"""The web app over the real store: the API fuzzed from its own OpenAPI schema, errors that say what went
wrong, requests that cannot reach files outside the store and the report cache, and pages that render.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
import schemathesis
import vl_convert
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from spillover.selection import select, view_choices
from spillover.web.app import create_app
from spillover.web.reports import InvalidReportId, ReportKey, parse_report_id

GROUP = "aqim"
SECRET = "spillover-test-secret-do-not-serve"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-reports")


@pytest.fixture(scope="module")
def app(loaded_store, report_dir: Path):  # noqa: ANN001, ANN201 - FastAPI app
    # the in-process test clients (TestClient, schemathesis) send Host: testserver
    application = create_app(loaded_store.path, report_dir=report_dir, extra_hosts=("testserver",))
    yield application
    application.state.reports.shutdown()
    application.state.explorer.close()


@pytest.fixture(scope="module")
def client(app) -> TestClient:  # noqa: ANN001
    with TestClient(app) as test_client:
        yield test_client


# -- fuzzing the API from its OpenAPI schema --------------------------------------------------------------


@pytest.fixture(scope="module")
def web_schema(app):  # noqa: ANN001, ANN201 - schemathesis schema
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Report generation is exercised by its own tests; fuzzing it would start reports in worker processes.
    return schema.exclude(method="POST")


def operations(schema):  # noqa: ANN001, ANN201 - schemathesis APIOperation list
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation, mode: GenerationMode, max_examples: int, **fixed) -> None:  # noqa: ANN001, ANN003
    """Send ``max_examples`` generated requests to one operation; any 5xx fails with the request."""

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # noqa: ANN001
        case.call_and_validate(checks=[not_a_server_error], timeout=120)  # a first autonomy index takes ~15 s

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_never_answers_with_a_server_error(web_schema, mode: GenerationMode) -> None:  # noqa: ANN001
    """Whatever the parameters (schema-valid or not), every GET of the API answers 2xx/4xx, never 5xx."""
    ops = operations(web_schema)
    assert 12 <= len(ops) <= 30  # the budget below is per operation: keep the count known
    for operation in ops:
        fuzz(operation, mode, max_examples=8)


def test_api_fuzzed_on_a_real_group(web_schema) -> None:  # noqa: ANN001
    """The group endpoints again, with the path fixed to a real group so the query parameters reach the
    analyses instead of stopping at "unknown group"."""
    for operation in operations(web_schema):
        if "{group}" in operation.path:
            fuzz(operation, GenerationMode.POSITIVE, max_examples=6, path_parameters={"group": GROUP})


# -- errors ---------------------------------------------------------------------------------------------


def test_unknown_group_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/groups/Al-Qaeda in the Islamic Magreb")
    assert response.status_code == 404
    body = response.json()
    assert "unknown group" in body["detail"]
    assert GROUP in [s["group_id"] for s in body["suggestions"]]


def test_unknown_group_page_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/groups/Boko Harram")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert 'href="/groups/boko-haram"' in response.text


@pytest.mark.parametrize(
    "query",
    [
        "since=2020-13-01",
        "until=yesterday",
        "since=2010-02-30",
        "since=2015-01-01&until=2014-01-01",
        "limit=501",
        "limit=0",
        "offset=-1",
        "country=mali",
        "source=twitter",
    ],
)
def test_bad_parameters_are_422_with_a_message(client: TestClient, query: str) -> None:
    response = client.get(f"/api/groups/{GROUP}/events?{query}")
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] and isinstance(body["detail"], str)


def test_bad_country_code_and_compare_size_are_422(client: TestClient) -> None:
    assert client.get("/api/countries/MALI").status_code == 422
    assert client.get("/api/countries/ZZZ").status_code == 404
    assert client.get(f"/api/compare?groups={GROUP}").status_code == 422
    many = ",".join(["aqim", "jnim", "boko-haram", "iswap", "isgs", "al-shabaab", "aqap"])
    assert client.get(f"/api/compare?groups={many}").status_code == 422


def test_oversized_requests_are_refused(client: TestClient) -> None:
    assert client.get("/api/groups?q=" + "a" * 5000).status_code == 414
    response = client.post(f"/api/groups/{GROUP}/report", content=b"x" * 100_000)
    assert response.status_code == 413


# -- path traversal ----------------------------------------------------------------------------------------


def raw_get(app, raw_path: str) -> tuple[int, bytes]:  # noqa: ANN001
    """GET with the path exactly as a client could send it (no client-side normalisation of ``..``)."""
    path, _, query = raw_path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body


@pytest.fixture(scope="module")
def secret_file(report_dir: Path) -> Path:
    """A file just outside the report cache that a traversal would try to reach."""
    path = report_dir.parent / "secret.html"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/....//....//etc/passwd",
        "/static/%252e%252e/%252e%252e/etc/passwd",
        "/static/..\\..\\etc\\passwd",
        "/geo/../../etc/passwd",
        "/api/reports/../../etc/passwd",
        "/api/reports/..%2f..%2fetc%2fpasswd/download",
        "/api/reports/..%2fsecret.html/download",
        "/api/reports/%2e%2e.html/download",
        "/api/reports/...html/download",
        "/api/reports/aqim..html/download",
        "/api/reports/aqim.html%00.pdf/download",
        "/api/groups/..%2f..%2fetc%2fpasswd/lineage.svg",
        "/api/groups/../../etc/passwd/report/download?format=html",
        "/groups/..%2f..%2fetc%2fpasswd",
    ],
)
def test_path_traversal_is_rejected(app, secret_file: Path, path: str) -> None:  # noqa: ANN001
    status, body = raw_get(app, path)
    assert status in (400, 404, 422), (status, body[:200])
    assert b"root:" not in body
    assert SECRET.encode() not in body


def test_report_ids_are_checked_before_any_path_is_built() -> None:
    assert parse_report_id("aqim.html") == ReportKey("aqim", "html", "fused")
    assert parse_report_id("state-MLI.pdf") == ReportKey("state-MLI", "pdf", "fused")
    assert parse_report_id("aqim.all.html") == ReportKey("aqim", "html", "all")
    assert parse_report_id("aqim.2010-01-01_2012-12-31.pdf") == ReportKey(
        "aqim", "pdf", "fused", "2010-01-01", "2012-12-31"
    )
    assert parse_report_id("aqim.all._2012-12-31.html") == ReportKey(
        "aqim", "html", "all", None, "2012-12-31"
    )
    for key in (
        ReportKey("aqim", "pdf", "acled", "2010-01-01"),
        ReportKey("aqim", "html", until="2009-06-30"),
    ):
        assert parse_report_id(key.report_id) == key
    for bad in [
        "../aqim.html",
        "aqim/../x.html",
        "..html",
        "aqim.html/..",
        "aqim.exe",
        "%2e%2e.html",
        "a qim.pdf",
        ".aqim.pdf",
        "aqim..pdf",
        "aqim.../x.pdf",
        "aqim._.pdf",
        "aqim.2012-02-30_.pdf",
        "aqim.2013-01-01_2012-01-01.pdf",
        "aqim.2012-1-1_.pdf",
    ]:
        with pytest.raises(InvalidReportId):
            parse_report_id(bad)


def test_encoded_traversal_through_an_http_client(app) -> None:  # noqa: ANN001
    """The same attempts through httpx, which decodes %2e before routing as a server would."""

    async def fetch(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return await http.get(path)

    for path in [
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/api/reports/%2e%2e%2fx.html",
    ]:
        response = asyncio.run(fetch(path))
        assert response.status_code in (404, 422)
        assert "root:" not in response.text


# -- the API's answers -----------------------------------------------------------------------------------


def test_search_finds_every_datasets_alias(client: TestClient) -> None:
    for q in [
        "AQIM: Al Qaeda in the Islamic Maghreb",
        "Al-Qaida in the Islamic Maghreb (AQIM)",
        "islamic maghreb",
        "AQIM",
    ]:
        results = client.get("/api/groups", params={"q": q, "limit": 5}).json()["results"]
        assert GROUP in [r["group_id"] for r in results], q


def test_group_summary_and_events_page(client: TestClient) -> None:
    group = client.get(f"/api/groups/{GROUP}").json()
    assert group["id"] == GROUP and group["events"] > 100
    assert {a["dataset"] for a in group["aliases"]} >= {"gtd", "acled"}
    page = client.get(f"/api/groups/{GROUP}/events", params={"limit": 500}).json()
    assert page["total"] == group["events"]
    assert len(page["events"]) == min(500, group["events"])
    filtered = client.get(
        f"/api/groups/{GROUP}/events",
        params={"country": "MLI", "since": "2012-01-01", "until": "2013-12-31", "limit": 5},
    ).json()
    assert filtered["total"] > 0 and len(filtered["events"]) <= 5
    assert all(
        e["country_iso3"] == "MLI" and "2012" <= e["date_start"][:4] <= "2013" for e in filtered["events"]
    )
    if filtered["next_offset"] is not None:
        nxt = client.get(
            f"/api/groups/{GROUP}/events",
            params={"country": "MLI", "since": "2012-01-01", "until": "2013-12-31", "limit": 5, "offset": 5},
        ).json()
        assert {e["event_id"] for e in nxt["events"]}.isdisjoint({e["event_id"] for e in filtered["events"]})


# -- views: every stored report, or each real event once ------------------------------------------------


@pytest.mark.parametrize("view", ["fused", "all"])
def test_event_counts_follow_the_view(client: TestClient, loaded_store, view: str) -> None:  # noqa: ANN001
    """The API counts what select counts in the same view: fused (the default, as the CLI and the
    report) once per real event, all once per stored report."""
    sel = select(loaded_store, "AQIM", view=view)
    page = client.get(f"/api/groups/{GROUP}/events", params={"view": view, "limit": 5}).json()
    assert page["total"] == len(sel.events)
    assert page["view"] == view and page["merged_duplicates"] == sel.merged_duplicates
    assert page["view_description"] == sel.describe_view()
    summary = client.get(f"/api/groups/{GROUP}", params={"view": view}).json()
    assert summary["events"] == len(sel.events) and summary["stored_events"] == len(sel.stored_event_ids)


def test_fused_is_the_default_view_and_merges_duplicates(client: TestClient, loaded_store) -> None:  # noqa: ANN001
    fused = select(loaded_store, "AQIM", view="fused")
    everything = select(loaded_store, "AQIM", view="all")
    default = client.get(f"/api/groups/{GROUP}/events", params={"limit": 500}).json()
    assert default["view"] == "fused" and default["total"] == len(fused.events)
    assert default["merged_duplicates"] == len(everything.events) - len(fused.events)
    # Every fused event names the stored rows behind it, and they are the stored rows of the group.
    stored = set(everything.event_ids)
    for event in default["events"]:
        assert event["event_ids"] and set(event["event_ids"]) <= stored
        assert event["event_id"] in event["event_ids"] and event["n_sources"] == len(event["sources"])
    # A single source: its events only.
    gtd = client.get(f"/api/groups/{GROUP}/events", params={"view": "gtd", "limit": 500}).json()
    assert gtd["total"] == len(select(loaded_store, "AQIM", view="gtd").events)
    assert {e["source"] for e in gtd["events"]} <= {"gtd"}


def test_expansion_evidence_names_the_stored_events(client: TestClient, loaded_store) -> None:  # noqa: ANN001
    stored = set(select(loaded_store, "AQIM", view="all").event_ids)
    body = client.get(f"/api/groups/{GROUP}/expansion", params={"view": "fused"}).json()
    for entry in body["data"]["entries"]:
        behind = entry["evidence_stored_event_ids"]
        assert len(behind) >= len(entry["evidence_event_ids"]) and set(behind) <= stored


def test_unknown_view_is_rejected_with_the_choices(client: TestClient, loaded_store) -> None:  # noqa: ANN001
    choices = view_choices(loaded_store)
    for url in [f"/api/groups/{GROUP}", f"/api/groups/{GROUP}/events", f"/api/groups/{GROUP}/expansion"]:
        response = client.get(url, params={"view": "twitter"})
        assert response.status_code == 422, (url, response.text)
        body = response.json()
        assert "unknown view" in body["detail"] and body["choices"] == choices
    assert client.get(f"/api/groups/{GROUP}", params={"view": "../etc"}).status_code == 422
    page = client.get(f"/groups/{GROUP}", params={"view": "twitter"})
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert client.get("/api/reports/aqim.twitter.html").status_code == 422
    schema = client.get("/openapi.json").json()
    (param,) = [
        p for p in schema["paths"]["/api/groups/{group}/events"]["get"]["parameters"] if p["name"] == "view"
    ]
    assert param["schema"]["enum"] == choices and param["schema"]["default"] == "fused"


@pytest.mark.parametrize("view", ["fused", "all"])
def test_group_page_says_which_view_it_counts(client: TestClient, loaded_store, view: str) -> None:  # noqa: ANN001
    sel = select(loaded_store, "AQIM", view=view)
    page = client.get(f"/groups/{GROUP}", params={"view": view} if view != "fused" else None)
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    assert sel.describe_view() in text
    assert f'class="big">{len(sel.events):,}</span> events' in text
    # The switcher links every view; the current one is marked; charts and sections follow the view.
    for choice in view_choices(loaded_store):
        assert f'href="/groups/{GROUP}?view={choice}"' in text
    assert f'data-view="{view}" class="current"' in text
    assert f"/charts/timeline?view={view}" in text and f"view={view}" in text.split('id="expansion"')[1]
    redirect = client.get("/groups/AQIM", params={"view": view}, follow_redirects=False)
    assert redirect.headers["location"] == f"/groups/{GROUP}?view={view}"


def test_report_jobs_follow_the_view(client: TestClient) -> None:
    status = client.get(f"/api/groups/{GROUP}/report", params={"format": "pdf", "view": "all"}).json()
    assert status["view"] == "all" and status["report_id"] == f"{GROUP}.all.pdf"
    assert client.get(status["status_url"]).json()["view"] == "all"
    default = client.get(f"/api/groups/{GROUP}/report", params={"format": "pdf"}).json()
    assert default["view"] == "fused" and default["report_id"] == f"{GROUP}.pdf"


def test_analysis_endpoints_answer_with_a_status(client: TestClient) -> None:
    for name in ["expansion", "onsets", "opportunism", "theatres"]:
        body = client.get(f"/api/groups/{GROUP}/{name}").json()
        assert body["status"] in ("ok", "insufficient data", "not available", "error")
        assert body["status"] != "error", body["message"]
        assert body["message"]
    lineage = client.get(f"/api/groups/{GROUP}/lineage").json()
    assert "gspc" in {r["source"] for r in lineage["relations"]} | {r["target"] for r in lineage["relations"]}
    svg = client.get(lineage["diagram_url"])
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")


def test_country_lists_groups_and_onsets(client: TestClient) -> None:
    mali = client.get("/api/countries/MLI").json()
    assert mali["name"] and mali["events"] > 0
    assert any(g["group_id"] == GROUP for g in mali["groups"])
    if mali["onsets_status"] == "ok":
        assert any(o["kind"].startswith("coup") for o in mali["onsets"])


def test_country_counts_the_period_it_is_asked_for(client: TestClient) -> None:
    every = client.get("/api/countries/MLI").json()
    dated = client.get("/api/countries/MLI", params={"since": "2012-01-01", "until": "2013-12-31"}).json()
    assert (dated["since"], dated["until"]) == ("2012-01-01", "2013-12-31")
    assert 0 < dated["events"] < every["events"]
    assert "2012-01-01" <= dated["first_event"] <= dated["last_event"] <= "2013-12-31"
    assert all(g["first_year"] >= 2012 and g["last_year"] <= 2013 for g in dated["groups"])
    if dated["onsets_status"] == "ok":  # the March 2012 coup, and nothing of other years
        assert dated["onsets"] and all(
            "2012-01-01" <= str(o["date"])[:10] <= "2013-12-31" for o in dated["onsets"]
        )
    table = client.get(
        "/countries/MLI/events.json", params={"since": "2012-01-01", "until": "2013-12-31"}
    ).json()
    assert len(table) == dated["events"]  # the same period on the page and in its events table
    page = client.get("/countries/Mali", params={"since": "2012-01-01", "until": "2013-12-31"})
    assert page.status_code == 200 and "/countries/MLI?since=2012-01-01" in str(page.url)
    assert (
        "from 2012-01-01 to 2013-12-31" in page.text
        and "/events?since=2012-01-01&amp;until=2013-12-31" in page.text
    )
    assert (
        client.get("/api/countries/MLI", params={"since": "2014-01-01", "until": "2013-01-01"}).status_code
        == 422
    )


@pytest.mark.parametrize("chart", ["timeline", "tactics", "map"])
def test_charts_are_vega_lite_that_compiles(client: TestClient, chart: str) -> None:
    spec = client.get(f"/api/groups/{GROUP}/charts/{chart}").json()
    vega = vl_convert.vegalite_to_vega(spec)
    assert vega["$schema"].startswith("https://vega.github.io/schema/vega/")
    if chart == "map":
        assert spec["params"][0]["bind"]["input"] == "range"
        assert any(layer.get("data", {}).get("url") == "/geo/countries.geojson" for layer in spec["layer"])


def test_everything_a_page_needs_is_served_by_the_app(client: TestClient) -> None:
    bundle = client.get("/static/vega-bundle.js")
    assert bundle.status_code == 200 and b"vegaEmbed" in bundle.content
    geo = client.get("/geo/countries.geojson").json()
    assert len(geo["features"]) > 150 and {"iso3", "bbox"} <= set(geo["features"][0]["properties"])
    for url in [f"/groups/{GROUP}", "/", "/docs", "/countries/MLI", f"/compare?groups={GROUP},jnim"]:
        page = client.get(url)
        assert page.status_code == 200
        assert "default-src 'self'" in page.headers["content-security-policy"]
        for external in ('src="http', "src='http", 'href="http', "//cdn", "url(http"):
            assert external not in page.text, (url, external)


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        ("/", "Explore armed groups"),
        ("/?q=boko", "boko-haram"),
        (f"/groups/{GROUP}", "Al-Qaeda in the Islamic Maghreb"),
        (f"/groups/{GROUP}/sections/expansion", "countries entered"),
        ("/countries/MLI", "Mali"),
        (f"/compare?groups={GROUP},jnim", "tactic mix of each group"),
        ("/compare", "Choose at least two groups"),
        ("/docs", "/api/groups/{group}/events"),
    ],
)
def test_pages_render(client: TestClient, url: str, expect: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert expect in response.text or expect in response.text.replace("&#39;", "'")


def test_page_names_redirect_to_the_canonical_id(client: TestClient) -> None:
    response = client.get("/groups/AQIM", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == f"/groups/{GROUP}"


# -- reports -----------------------------------------------------------------------------------------------


def test_report_is_made_off_the_request_loop_and_downloaded(client: TestClient, report_dir: Path) -> None:
    assert client.get("/api/groups", params={"q": "boko"}).status_code == 200  # the search index, built once
    start = client.post(f"/api/groups/{GROUP}/report", params={"format": "html"})
    assert start.status_code == 202
    status = start.json()
    assert status["report_id"] == f"{GROUP}.html"
    # While the report is being made the server keeps answering, quickly.
    while status["status"] in ("queued", "running"):
        began = time.perf_counter()
        assert client.get("/api/groups", params={"q": "boko"}).status_code == 200
        assert time.perf_counter() - began < 2.0
        time.sleep(0.5)
        status = client.get(status["status_url"]).json()
    assert status["status"] == "ready", status["message"]
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/html")
    assert "Al-Qaeda in the Islamic Maghreb" in download.text
    assert "fused view" in download.text  # the report counts in the view the page asked for (the default)
    assert 'filename="aqim-assessment.html"' in download.headers["content-disposition"]
    cached = list(report_dir.rglob(f"{GROUP}.html"))
    assert len(cached) == 1 and cached[0].resolve().is_relative_to(report_dir.resolve())
    # Asked again, the cached report is ready at once.
    assert client.post(f"/api/groups/{GROUP}/report", params={"format": "html"}).json()["status"] == "ready"


def test_a_report_counts_the_dates_of_the_page(client: TestClient, report_dir: Path) -> None:
    """The group page's since/until reach its report buttons and the report made: its own id, file and
    download name, and the report's period line; the all-dates report is another report."""
    period = {"since": "2010-01-01", "until": "2012-12-31"}
    page = client.get(f"/groups/{GROUP}", params=period).text
    assert 'data-since="2010-01-01" data-until="2012-12-31"' in page
    assert f"spillover assess {GROUP} --since 2010-01-01 --until 2012-12-31" in page
    status = client.post(f"/api/groups/{GROUP}/report", params={"format": "html", **period}).json()
    assert status["report_id"] == f"{GROUP}.2010-01-01_2012-12-31.html"
    assert (status["since"], status["until"]) == ("2010-01-01", "2012-12-31")
    deadline = time.monotonic() + 600
    while status["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        status = client.get(status["status_url"]).json()
    assert status["status"] == "ready", status["message"]
    download = client.get(status["download_url"])
    assert "period 2010-01-01 to 2012-12-31" in download.text
    assert 'filename="aqim-2010-01-01_2012-12-31-assessment.html"' in download.headers["content-disposition"]
    assert [p.parent.name for p in report_dir.rglob(f"{GROUP}.html")].count("2010-01-01_2012-12-31") == 1
    other = client.get(f"/api/groups/{GROUP}/report", params={"format": "html", "until": "2012-12-31"}).json()
    assert other["report_id"] == f"{GROUP}._2012-12-31.html" and other["status"] == "missing"
    assert client.get(f"/api/reports/{GROUP}.2013-01-01_2012-01-01.html").status_code == 422


def test_report_requests_are_checked(client: TestClient) -> None:
    assert client.post("/api/groups/not-a-group-at-all/report").status_code == 404
    assert client.get("/api/reports/not-a-group-at-all.pdf").status_code == 404
    assert client.post(f"/api/groups/{GROUP}/report", params={"format": "exe"}).status_code == 422
    missing = client.get(f"/api/groups/{GROUP}/report/download", params={"format": "pdf"})
    assert missing.status_code in (404, 200)  # 200 only if a PDF was made earlier in this session


def test_a_group_pages_sections_computed_at_once_share_the_store(
    loaded_store, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    """The page loads its sections in parallel requests (threads of one server): computed at once from an
    empty cache, none fails on the shared store connection and each equals the measure computed alone."""
    from concurrent.futures import ThreadPoolExecutor

    from spillover.web.cache import FAILED
    from spillover.web.sections import SECTIONS
    from spillover.web.service import Explorer

    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    explorer = Explorer(loaded_store.path)
    try:
        with ThreadPoolExecutor(max_workers=len(SECTIONS) + 1) as pool:
            summary = pool.submit(explorer.summary, "boko-haram")
            sections = dict(
                zip(SECTIONS, pool.map(lambda s: explorer.section(s, "boko-haram"), SECTIONS), strict=True)
            )
        failed = {name: s.message for name, s in sections.items() if s.status == FAILED}
        assert not failed
        assert summary.result()["events"] == len(explorer.selection("boko-haram").events)
        assert sections["theatres"].data["periods"]
    finally:
        explorer.close()
