"""The events table of the web app on the real store: its filters keep exactly the events the store
holds for them (checked against a plain query of the store), sorting orders them, pages cover them once,
the downloads stream every matching row (CSV as text/csv, JSON), countries are found by name with
ambiguity asked, and search does not list unrelated groups."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from spillover.query.events_table import EventFilter, count_events, events_page, iter_events
from spillover.selection import select
from spillover.web.app import create_app


@pytest.fixture(scope="module")
def client(loaded_store, tmp_path_factory):  # noqa: ANN001, ANN201
    # TestClient sends Host: testserver
    app = create_app(
        loaded_store.path, report_dir=tmp_path_factory.mktemp("events-reports"), extra_hosts=("testserver",)
    )
    with TestClient(app) as test_client:
        yield test_client
    app.state.reports.shutdown()
    app.state.explorer.close()


@pytest.fixture(scope="module")
def aqim_ids(loaded_store) -> list[str]:  # noqa: ANN001
    return list(select(loaded_store, "AQIM", view="all").stored_event_ids)


def expected(store, ids: list[str], **where) -> set[str]:  # noqa: ANN001, ANN003
    """The same filter written independently, in pandas over the stored rows."""
    ev = store.query("SELECT * FROM events WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    if "country" in where:
        ev = ev[ev["country_iso3"] == where["country"]]
    if "source" in where:
        ev = ev[ev["source"] == where["source"]]
    if "tactic" in where:
        ev = ev[ev["tactic"] == where["tactic"]]
    start, end = (
        pd.to_datetime(ev["date_start"]),
        pd.to_datetime(ev["date_end"]).fillna(pd.to_datetime(ev["date_start"])),
    )
    keep = pd.Series(True, index=ev.index)
    if "since" in where:
        keep &= end >= pd.Timestamp(where["since"])
    if "until" in where:
        keep &= start <= pd.Timestamp(where["until"])
    ev = ev[keep]
    return set(ev["event_id"])


def test_the_query_keeps_what_each_filter_asks(loaded_store, aqim_ids) -> None:  # noqa: ANN001
    con = loaded_store.con
    since, until = dt.date(2008, 1, 1), dt.date(2013, 12, 31)
    cases = [
        ({}, {}),
        ({"countries": ("MLI",)}, {"country": "MLI"}),
        ({"sources": ("gtd",)}, {"source": "gtd"}),
        ({"tactics": ("kidnapping",)}, {"tactic": "kidnapping"}),
        (
            {"since": since, "until": until, "countries": ("DZA",)},
            {"since": since, "until": until, "country": "DZA"},
        ),
    ]
    for given, same in cases:
        f = EventFilter(event_ids=tuple(aqim_ids), **given)
        want = expected(loaded_store, aqim_ids, **same)
        assert want, given  # every case keeps something on the real data
        got = {i for chunk in iter_events(con, f, chunk_rows=50) for i in chunk["event_id"]}
        assert got == want, given
        assert count_events(con, f) == len(want)


def test_sorting_and_pages_cover_every_event_once(loaded_store, aqim_ids) -> None:  # noqa: ANN001
    f = EventFilter(event_ids=tuple(aqim_ids), sort="fatalities", descending=True)
    total, first = events_page(loaded_store.con, f, offset=0, limit=40)
    seen = []
    for offset in range(0, total, 40):
        seen += list(events_page(loaded_store.con, f, offset=offset, limit=40)[1]["event_id"])
    assert len(seen) == len(set(seen)) == total == len(aqim_ids)
    deaths = first["fatalities"].dropna().tolist()
    assert deaths == sorted(deaths, reverse=True) and deaths[0] > 50
    with pytest.raises(ValueError, match="cannot sort"):
        EventFilter(sort="description; DROP TABLE events")


def test_csv_download_streams_every_matching_row(client, loaded_store, aqim_ids) -> None:  # noqa: ANN001
    params = {"country": "Algeria", "since": "1995-01-01", "view": "all"}  # every stored report
    response = client.get("/groups/AQIM/events.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="aqim-events-all.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    want = expected(loaded_store, aqim_ids, country="DZA", since=dt.date(1995, 1, 1))
    assert {r["event_id"] for r in rows} == want and len(rows) == len(want)
    dates = [r["date_start"] for r in rows]
    assert dates == sorted(dates)

    data = client.get("/groups/aqim/events.json", params={"source": "rand", "view": "all"}).json()
    assert {r["event_id"] for r in data} == expected(loaded_store, aqim_ids, source="rand")


def test_the_table_page_counts_filters_and_sorts(client, loaded_store, aqim_ids) -> None:  # noqa: ANN001
    params = {"country": "Mali", "source": "acled", "sort": "fatalities", "order": "desc", "per_page": 25,
              "view": "all"}  # fmt: skip
    page = client.get("/groups/aqim/events", params=params)
    assert page.status_code == 200
    n = len(expected(loaded_store, aqim_ids, country="MLI", source="acled"))
    assert f'id="event-total">{n:,}<' in page.text
    assert page.text.count('<tr><td class="id">') == min(25, n)
    assert "Mali" in page.text and "ACLED" in page.text
    ambiguous = client.get("/groups/aqim/events", params={"country": "Congo"})
    assert (
        ambiguous.status_code == 422
        and "DR Congo (COD)" in ambiguous.text
        and "Congo Republic (COG)" in ambiguous.text
    )


PERIOD = {"since": "2010-01-01", "until": "2012-12-31"}


def _total(html: str) -> int:
    return int(html.split('id="event-total">', 1)[1].split("<", 1)[0].replace(",", ""))


def test_the_group_table_lists_the_events_the_analyses_count(client, loaded_store) -> None:  # noqa: ANN001
    """By default one row per fused event, as many as the profile counts for the same group and dates; each
    row names its sources and the stored reports behind it; ``view=all`` lists every stored report."""
    from spillover import measures

    for dates in ({}, PERIOD):
        sel = select(loaded_store, "aqim", **dates)
        profile = measures.profile(sel)
        page = client.get("/groups/aqim/events", params=dates)
        assert page.status_code == 200 and "each real-world event once" in page.text
        assert _total(page.text) == profile.events == len(sel.events)
        rows = list(csv.DictReader(io.StringIO(client.get("/groups/aqim/events.csv", params=dates).text)))
        assert len(rows) == profile.events
        assert {r["event_id"] for r in rows} == set(sel.events["event_id"])
        behind = {i for r in rows for i in r["event_ids"].split()}
        assert behind == set(sel.stored_event_ids)  # every stored report, under the event it belongs to
        assert any(int(r["n_sources"]) > 1 and " + " in r["sources"] for r in rows) or not dates
        reports = client.get("/groups/aqim/events", params={**dates, "view": "all"})
        assert _total(reports.text) == len(select(loaded_store, "aqim", view="all", **dates).events)
        assert _total(reports.text) > profile.events  # the duplicates the fused view merged
    # a source keeps the fused events it reports, as the API's fused view does
    acled = client.get("/groups/aqim/events", params={"source": "acled", **PERIOD})
    api = client.get("/api/groups/aqim/events", params={"source": "acled", "limit": 1, **PERIOD}).json()
    assert _total(acled.text) == api["total"] > 0


def test_the_group_page_date_filter_reaches_every_section(client, loaded_store) -> None:  # noqa: ANN001
    """since/until on the group page and its API: the counts, each section and each chart are those of the
    selection of those dates (select(..., since, until)), never of the whole history."""
    from spillover import measures

    whole = client.get("/api/groups/aqim").json()
    dated = client.get("/api/groups/aqim", params=PERIOD).json()
    sel = select(loaded_store, "aqim", **PERIOD)
    assert dated["events"] == measures.profile(sel).events < whole["events"]
    assert (dated["since"], dated["until"]) == ("2010-01-01", "2012-12-31")
    assert {r["year"] for r in dated["by_year"]} <= {2010, 2011, 2012}
    theatres = client.get("/api/groups/aqim/theatres", params=PERIOD).json()["data"]
    assert {t["start"][:4] for t in theatres["theatres"]} == {"2010", "2011", "2012"}
    assert theatres["n_used"] == measures.theatres(sel).n_used
    expansion = client.get("/api/groups/aqim/expansion", params=PERIOD).json()
    assert expansion["message"] == measures.expansion(sel).message
    assert expansion["message"] != client.get("/api/groups/aqim/expansion").json()["message"]
    chart = client.get("/api/groups/aqim/charts/timeline", params=PERIOD).json()
    years = {int(v["year"]) for v in chart["layer"][0]["data"]["values"]}
    assert years == {2010, 2011, 2012}
    shown = {v["source"] for v in chart["layer"][0]["data"]["values"]}  # sources by name, not code
    assert "ACLED" in shown and not shown & {"acled", "gtd", "ged", "rand"}
    page = client.get("/groups/aqim", params=PERIOD)
    assert page.status_code == 200 and 'value="2010-01-01"' in page.text
    assert "since=2010-01-01" in page.text.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    section = client.get("/groups/aqim/sections/theatres", params=PERIOD)
    assert "2010: " in section.text and "2005: " not in section.text
    assert (
        client.get("/api/groups/aqim", params={"since": "2013-01-01", "until": "2012-01-01"}).status_code
        == 422
    )


def test_the_compare_page_and_api_count_the_dates_asked(client, loaded_store) -> None:  # noqa: ANN001
    """since/until on the compare page, its API and its charts: each group counted as its group page counts it
    over those dates (the one selection), the links keep the dates, and a period with nothing says so."""
    from spillover import measures

    groups = {"groups": "aqim,jnim"}
    dated = client.get("/api/compare", params={**groups, **PERIOD}).json()["groups"]
    for summary in dated:
        sel = select(loaded_store, summary["id"], **PERIOD)
        assert summary["events"] == measures.profile(sel).events
        assert {r["year"] for r in summary["by_year"]} <= {2010, 2011, 2012}
    whole = client.get("/api/compare", params=groups).json()["groups"]
    assert dated[0]["events"] < whole[0]["events"]
    chart = client.get("/api/compare/charts/activity", params={**groups, **PERIOD}).json()
    assert {int(v["year"]) for v in chart["data"]["values"]} <= {2010, 2011, 2012}
    page = client.get("/compare", params={**groups, **PERIOD})
    assert page.status_code == 200 and 'value="2010-01-01"' in page.text and 'id="clear-dates"' in page.text
    assert "since=2010-01-01" in page.text.split('class="side-by-side"', 1)[1]  # group links, charts
    assert "only events from 2010-01-01 to 2012-12-31" in page.text
    assert (
        client.get("/compare", params={**groups, "since": "2013-01-01", "until": "2012-01-01"}).status_code
        == 422
    )


def test_countries_by_name_and_the_index(client) -> None:  # noqa: ANN001
    ivory = client.get("/countries/Ivory Coast")
    assert ivory.status_code == 200 and str(ivory.url).endswith("/countries/CIV")
    assert client.get("/countries/DRC").url.path == "/countries/COD"
    congo = client.get("/countries/Congo")
    assert congo.status_code == 300 and "/countries/COD" in congo.text and "/countries/COG" in congo.text
    assert client.get("/countries/Atlantis").status_code == 404
    index = client.get("/countries")
    assert index.status_code == 200 and ">Mali</a>" in index.text and ">Algeria</a>" in index.text
    events = client.get("/countries/Mali/events", params={"per_page": 25})
    assert events.status_code == 200 and events.url.path == "/countries/MLI/events"


def test_search_does_not_list_unrelated_groups(client) -> None:  # noqa: ANN001
    wagner = client.get("/api/groups", params={"q": "Wagner"}).json()["results"]
    assert all("Nuer" not in r["name"] for r in wagner)
    typo = client.get("/api/groups", params={"q": "Al-Qaida in the Islamc Magreb"}).json()["results"]
    assert typo and typo[0]["group_id"] == "aqim"
    assert json.dumps(typo)  # plain JSON


def test_the_lineage_picture_is_the_reports_diagram(client) -> None:  # noqa: ANN001
    """One lineage drawing for both surfaces: the web serves the networkx-laid diagram the report prints
    (a box per family member, ``node-<id>``), not a second picture of its own."""
    import re

    from spillover.actors.graph import lineage_members
    from spillover.report.charts import lineage_svg

    for group in ("aqim", "jnim"):
        svg = client.get(f"/api/groups/{group}/lineage.svg")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
        nodes = set(re.findall(r'id="node-([^"]+)"', svg.text))
        assert nodes == set(lineage_members(group))
        assert nodes == set(re.findall(r'id="lineage-node-([^"]+)"', lineage_svg(group)))
    # the lineage table's dates at the registry's precision: the GSPC's split is known to the year
    relations = client.get("/api/groups/aqim/lineage").json()["relations"]
    split = next(
        r for r in relations if (r["source"], r["type"], r["target"]) == ("gspc", "split_from", "gia")
    )
    renamed = next(r for r in relations if (r["source"], r["type"]) == ("gspc", "renamed_to"))
    assert (split["start"], renamed["start"]) == ("1998", "2007-01")
