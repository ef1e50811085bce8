"""The explorer in a real headless Chromium: search → group page → map → report download, offline.

Chromium is Debian's (``apt-get install chromium``), driven by Playwright's Python package; no browser is
downloaded.  Every request the pages make is checked to stay on 127.0.0.1 (anything else is aborted and
recorded), and the screenshots are checked not to be blank.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn
from PIL import Image, ImageStat

from spillover.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
GROUP = "aqim"
GROUP_NAME = "Al-Qaeda in the Islamic Maghreb"
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="module")
def server(loaded_store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: ANN001
    """uvicorn serving the app on a free loopback port, in a background thread."""
    app = create_app(loaded_store.path, report_dir=tmp_path_factory.mktemp("browser-reports"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True, name="uvicorn-test")
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=15)
    sock.close()
    app.state.reports.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: install Debian's browser with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflineGuard:
    """Route handler: lets requests to 127.0.0.1 through, aborts and records every other one."""

    def __init__(self) -> None:
        self.left: list[str] = []
        self.seen: list[str] = []

    def __call__(self, route) -> None:  # noqa: ANN001 - playwright Route
        url = route.request.url
        self.seen.append(url)
        if urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.left.append(url)
            route.abort()


@pytest.fixture
def page(browser, tmp_path: Path):  # noqa: ANN001, ANN201 - playwright Page
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    guard = OfflineGuard()
    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.guard = guard
    pg.errors = errors
    yield pg
    context.close()


def assert_not_blank(path: Path, min_stddev: float = 12.0, min_colours: int = 16) -> None:
    """A screenshot with real content: pixel values vary and more than a handful of colours appear."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        stddev = max(ImageStat.Stat(rgb).stddev)
        colours = len(rgb.getcolors(maxcolors=1 << 20) or [])
    assert stddev > min_stddev, f"{path.name} looks blank (pixel stddev {stddev:.1f})"
    assert colours >= min_colours, f"{path.name} has only {colours} colours"


def test_search_group_map_and_report_offline(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # Search: type part of a dataset's name and pick the group from the type-ahead.
    page.goto(f"{server}/")
    page.fill("#search", "Islamic Magh")
    suggestion = page.locator(f'#home-suggestions li[data-group="{GROUP}"]')
    suggestion.wait_for(state="visible", timeout=30_000)
    page.screenshot(path=shots / "search.png")
    suggestion.click()
    page.wait_for_url(f"{server}/groups/{GROUP}", timeout=60_000)
    assert page.locator("h1").inner_text() == GROUP_NAME

    # Group page: the charts are drawn by the app's own vega-embed bundle.
    page.locator("#timeline .vega.drawn svg").wait_for(timeout=60_000)
    page.locator("#tactics .vega.drawn svg").wait_for(timeout=60_000)
    page.locator("#lineage img.lineage").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const img = document.querySelector('#lineage img.lineage'); return img.complete && img.naturalWidth > 0; }",
        timeout=60_000,
    )

    # Map: drawn with the app's country outlines; the slider replays the spread.
    page.locator("#expansion .vega.drawn svg").wait_for(timeout=120_000)
    slider = page.locator("#expansion input[type=range]")
    slider.wait_for(timeout=10_000)
    dots_now = page.locator("#expansion svg .mark-symbol path").count()
    map_figure = page.locator("#expansion figure.chart")
    map_figure.screenshot(path=shots / "map-latest.png")
    slider.fill(slider.get_attribute("min") or "1993")
    page.wait_for_timeout(500)
    dots_then = page.locator("#expansion svg .mark-symbol path").count()
    map_figure.screenshot(path=shots / "map-earliest.png")
    assert dots_now > dots_then, "moving the time slider back should hide later events"
    page.screenshot(path=shots / "group.png", full_page=True)

    # Report: made off the request loop, then downloaded.
    page.click(f'[data-report="{GROUP}"][data-format="html"]')
    link = page.locator('[data-report-download="html"]')
    link.wait_for(state="visible", timeout=240_000)
    with page.expect_download(timeout=60_000) as download_info:
        link.click()
    report = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(report)
    assert report.name == f"{GROUP}-assessment.html"
    assert GROUP_NAME in report.read_text(encoding="utf-8")

    for shot in ["search.png", "map-latest.png", "map-earliest.png", "group.png"]:
        assert_not_blank(shots / shot)
    assert page.guard.left == [], f"requests left 127.0.0.1: {page.guard.left}"
    assert any("/static/vega-bundle.js" in url for url in page.guard.seen)
    assert any("/geo/countries.geojson" in url for url in page.guard.seen)
    assert page.errors == [], page.errors


def test_view_switcher_changes_what_is_counted(server: str, page) -> None:  # noqa: ANN001
    """The group page opens in the fused view and says so; the switcher reloads it in another view, with its
    charts and lazily loaded sections in that view too."""
    page.goto(f"{server}/groups/{GROUP}")
    sentence = page.locator("#view-sentence")
    assert sentence.get_attribute("data-view") == "fused"
    assert sentence.inner_text().startswith("view: fused")
    fused_events = page.locator("#figures .big").first.inner_text()
    page.click('#views a[data-view="all"]')
    page.wait_for_url(f"{server}/groups/{GROUP}?view=all", timeout=60_000)
    assert page.locator("#view-sentence").inner_text().startswith("view: all sources")
    assert page.locator('#views a[aria-current="page"]').get_attribute("data-view") == "all"
    all_events = page.locator("#figures .big").first.inner_text()
    assert int(all_events.replace(",", "")) > int(fused_events.replace(",", ""))
    page.locator("#timeline .vega.drawn svg").wait_for(timeout=60_000)
    page.locator("#expansion .vega.drawn svg").wait_for(timeout=120_000)
    assert page.guard.left == [], f"requests left 127.0.0.1: {page.guard.left}"
    assert any("view=all" in url and "/charts/map" in url for url in page.guard.seen)
    assert page.errors == [], page.errors


def test_country_and_compare_pages_offline(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001
    page.goto(f"{server}/countries/MLI")
    page.locator(".vega.drawn svg").first.wait_for(timeout=60_000)
    page.screenshot(path=tmp_path / "country.png", full_page=True)
    assert_not_blank(tmp_path / "country.png")
    assert page.locator(f'a[href="/groups/{GROUP}"]').count() >= 1

    page.goto(f"{server}/compare?groups={GROUP},jnim")
    page.locator(".vega.drawn svg").nth(1).wait_for(timeout=60_000)
    page.screenshot(path=tmp_path / "compare.png", full_page=True)
    assert_not_blank(tmp_path / "compare.png")
    assert page.locator(".side-by-side .column").count() == 2
    assert page.guard.left == [], f"requests left 127.0.0.1: {page.guard.left}"
    assert page.errors == [], page.errors


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/api/reports/..%2f..%2fetc%2fpasswd/download",
    ],
)
def test_traversal_over_a_real_socket(server: str, path: str) -> None:
    """Paths sent byte for byte (http.client does not normalise ``..``) to the running server."""
    host = urlparse(server)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status in (400, 404, 422)
    assert b"root:" not in body
