"""The events table, the group page's dates and the country pages in a real headless Chromium (Debian's,
driven by Playwright, as in test_web_browser): the group page's date filter changes its figures and its
sections; the events table (one row per fused event, as the analyses count) filters by date range, country
name and source, sorts by deaths, goes to the next page, downloads the matching rows as CSV and toggles to
every stored report; a country opens by its name; a name several countries share asks which."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from test_web_browser import GROUP, assert_not_blank, browser, page, server  # noqa: F401 - shared fixtures


def _rows(pg) -> int:  # noqa: ANN001
    return pg.locator("#events-table tbody tr").count()


def _total(pg) -> int:  # noqa: ANN001
    return int(pg.locator("#event-total").inner_text().replace(",", ""))


def _figure(pg, label: str) -> str:  # noqa: ANN001
    """A headline figure of the group page (events, fatalities, first event …) by its label."""
    return pg.locator(f"#figures div:has-text('{label}') .big").first.inner_text()


def test_group_page_date_filter_changes_every_section(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001, F811
    page.set_default_timeout(180_000)  # the sections of a period are computed on its first visit
    page.goto(f"{server}/groups/{GROUP}")
    every_date = int(_figure(page, "events").replace(",", ""))
    page.locator("#theatres .fragment.loaded, #theatres .fragment:not([data-fragment])").first.wait_for()
    whole_theatres = page.locator("#theatres").inner_text()
    assert "2005: " in whole_theatres

    page.fill("#group-dates input[name=since]", "2010-01-01")
    page.fill("#group-dates input[name=until]", "2012-12-31")
    with page.expect_navigation():
        page.click("#group-dates button[type=submit]")
    assert "since=2010-01-01" in page.url and "until=2012-12-31" in page.url
    dated = int(_figure(page, "events").replace(",", ""))
    assert 0 < dated < every_date
    assert _figure(page, "first event") >= "2010-01-01" and _figure(page, "last event") <= "2012-12-31"
    assert "from 2010-01-01 to 2012-12-31" in page.locator("#period").inner_text()
    # a section loaded after the page: its figures are the period's
    page.locator("#theatres .fragment.loaded, #theatres .fragment:not([data-fragment])").first.wait_for()
    theatres = page.locator("#theatres").inner_text()
    assert "2010: " in theatres and "2005: " not in theatres and theatres != whole_theatres
    page.locator("#timeline .vega.drawn svg").wait_for()
    assert "since=2010-01-01" in page.locator("#timeline [data-chart]").get_attribute("data-chart")
    page.screenshot(path=tmp_path / "group-dated.png", full_page=False)
    assert_not_blank(tmp_path / "group-dated.png")

    # the events table opens on the same period and counts what the page counts (the fused view)
    page.click("#events-link")
    page.wait_for_url(f"{server}/groups/{GROUP}/events?**")
    assert _total(page) == dated
    assert page.locator("#views a.current").get_attribute("data-view") == "fused"
    assert page.guard.left == [] and page.errors == []


def test_events_table_filters_sorts_pages_and_downloads_csv(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001, F811
    page.set_default_timeout(120_000)
    page.goto(f"{server}/groups/{GROUP}/events?since=2005-01-01&until=2015-12-31")
    dated = _total(page)
    assert dated > 50 and _rows(page) == 50
    dates = page.locator("#events-table tbody tr td:nth-child(2)").all_inner_texts()
    assert dates == sorted(dates) and dates[0][:4] >= "2005" and dates[-1][:4] <= "2015"
    assert "each real-world event once" in page.locator("#events-scope").inner_text()

    # a country by name, and a source (an event is kept when that source is one of its reporters)
    page.fill("#event-filters input[name=country]", "Mali")
    page.select_option("#event-filters select[name=source]", "acled")
    page.click("#event-filters button[type=submit]")
    page.wait_for_load_state()
    in_mali = _total(page)
    assert 0 < in_mali < dated
    assert set(page.locator("#events-table tbody tr td:nth-child(4)").all_inner_texts()) == {"Mali"}
    assert all("ACLED" in s for s in page.locator("#events-table tbody tr td:nth-child(3)").all_inner_texts())

    # sort by deaths, most first
    page.click('#events-table th a[data-sort="fatalities"]')
    page.wait_for_load_state()
    page.click('#events-table th a[data-sort="fatalities"]')  # a second click turns the order
    page.wait_for_load_state()
    deaths = [
        int(d.replace(",", "")) for d in page.locator("#events-table td.deaths").all_inner_texts() if d != "—"
    ]
    assert deaths == sorted(deaths, reverse=True) and _total(page) == in_mali
    page.screenshot(path=tmp_path / "events.png", full_page=True)
    assert_not_blank(tmp_path / "events.png")

    # the next page continues the order
    if in_mali > 50:
        page.click("nav.pager a[rel=next]")
        page.wait_for_load_state()
        more = [
            int(d.replace(",", ""))
            for d in page.locator("#events-table td.deaths").all_inner_texts()
            if d != "—"
        ]
        assert more and max(more) <= min(deaths)

    # the CSV has every matching row, not the page: one per event, with its sources and stored reports
    with page.expect_download(timeout=60_000) as info:
        page.click("#download-csv")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == f"{GROUP}-events.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == in_mali
    assert {r["country_iso3"] for r in rows} == {"MLI"} and all("acled" in r["sources"] for r in rows)
    assert all(r["event_id"] in r["event_ids"].split() for r in rows)

    # the toggle lists every stored report instead: at least as many rows
    page.click('#views a[data-view="all"]')
    page.wait_for_load_state()
    assert "every stored report" in page.locator("#events-scope").inner_text()
    assert _total(page) >= in_mali
    assert page.guard.left == [] and page.errors == []


def test_country_page_by_name(server: str, page) -> None:  # noqa: ANN001, F811
    page.set_default_timeout(120_000)  # a country's page is computed on its first visit
    page.goto(f"{server}/countries/Ivory Coast")
    assert page.url == f"{server}/countries/CIV"
    assert (
        page.locator("h1").inner_text().startswith("Côte d'Ivoire")
        or "Ivory" in page.locator("h1").inner_text()
    )

    page.goto(f"{server}/countries")
    page.fill("form.inline input[name=q]", "DRC")
    page.click("form.inline button[type=submit]")
    page.wait_for_url(f"{server}/countries/COD", timeout=120_000)

    page.goto(f"{server}/countries/Congo")
    choice = page.locator("#country-choice")
    assert "several countries" in choice.inner_text()
    page.click('a[href="/countries/COG"]')
    page.wait_for_url(f"{server}/countries/COG", timeout=120_000)

    page.goto(f"{server}/countries/Mali")
    page.click("#events-link")
    page.wait_for_url(f"{server}/countries/MLI/events", timeout=120_000)
    assert _total(page) > 1000 and set(
        page.locator("#events-table tbody tr td:nth-child(4)").all_inner_texts()
    ) == {"Mali"}
    assert page.guard.left == [] and page.errors == []
