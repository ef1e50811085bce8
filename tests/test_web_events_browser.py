"""The events table and the country pages in a real headless Chromium (Debian's, driven by Playwright, as
in test_web_browser): filter by date range, country name and source, sort by deaths, go to the next page,
download the matching rows as CSV; open a country by its name; a name several countries share asks which."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from test_web_browser import GROUP, assert_not_blank, browser, page, server  # noqa: F401 - shared fixtures


def _rows(pg) -> int:  # noqa: ANN001
    return pg.locator("#events-table tbody tr").count()


def _total(pg) -> int:  # noqa: ANN001
    return int(pg.locator("#event-total").inner_text().replace(",", ""))


def test_events_table_filters_sorts_pages_and_downloads_csv(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001, F811
    # from the group page's date filter to the events table
    page.goto(f"{server}/groups/{GROUP}")
    page.fill("#group-dates input[name=since]", "2005-01-01")
    page.fill("#group-dates input[name=until]", "2015-12-31")
    with page.expect_navigation(timeout=180_000):  # the group page's own sections may still be computing
        page.click("#group-dates button[type=submit]", no_wait_after=True)
    assert page.url == f"{server}/groups/{GROUP}/events?since=2005-01-01&until=2015-12-31"
    dated = _total(page)
    assert dated > 50 and _rows(page) == 50
    dates = page.locator("#events-table tbody tr td:nth-child(2)").all_inner_texts()
    assert dates == sorted(dates) and dates[0][:4] >= "2005" and dates[-1][:4] <= "2015"

    # a country by name, and a source
    page.fill("#event-filters input[name=country]", "Mali")
    page.select_option("#event-filters select[name=source]", "acled")
    page.click("#event-filters button[type=submit]")
    page.wait_for_load_state()
    in_mali = _total(page)
    assert 0 < in_mali < dated
    assert set(page.locator("#events-table tbody tr td:nth-child(4)").all_inner_texts()) == {"Mali"}
    assert set(page.locator("#events-table tbody tr td:nth-child(3)").all_inner_texts()) == {"ACLED"}

    # sort by deaths, most first
    page.click('#events-table th a[data-sort="fatalities"]')
    page.wait_for_load_state()
    page.click('#events-table th a[data-sort="fatalities"]')  # a second click turns the order
    page.wait_for_load_state()
    deaths = [
        int(d.replace(",", "")) for d in page.locator("#events-table td.n").all_inner_texts() if d != "—"
    ]
    assert deaths == sorted(deaths, reverse=True) and _total(page) == in_mali
    page.screenshot(path=tmp_path / "events.png", full_page=True)
    assert_not_blank(tmp_path / "events.png")

    # the next page continues the order
    if in_mali > 50:
        page.click("nav.pager a[rel=next]")
        page.wait_for_load_state()
        more = [
            int(d.replace(",", "")) for d in page.locator("#events-table td.n").all_inner_texts() if d != "—"
        ]
        assert more and max(more) <= min(deaths)

    # the CSV has every matching row, not the page
    with page.expect_download(timeout=60_000) as info:
        page.click("#download-csv")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == f"{GROUP}-events.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == in_mali
    assert {r["country_iso3"] for r in rows} == {"MLI"} and {r["source"] for r in rows} == {"acled"}
    assert all(
        (r["date_end"] or r["date_start"]) >= "2005-01-01" and r["date_start"] <= "2015-12-31" for r in rows
    )
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
