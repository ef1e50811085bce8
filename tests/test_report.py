"""The AQIM report on the real data: every section is there, every number of the key judgments is the value
the analysis functions return (recomputed here through the public functions), the PDF prints to pages
that are not blank, the HTML needs no network, and a group with very few events still gets a valid,
shorter report that says what it cannot assess."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spillover.actors import Resolver, branches, default_registry, family
from spillover.analysis.autonomy import autonomy_index
from spillover.analysis.context import leaders, org_events
from spillover.analysis.expansion import measure_expansion
from spillover.analysis.fragmentation import theatres
from spillover.analysis.opportunism import assess_opportunism
from spillover.analysis.tactics import primary_tactics
from spillover.instability import load_onsets
from spillover.measures import autonomy_columns
from spillover.report import assess
from spillover.report import comparisons as measures
from spillover.report.assess import SECTIONS
from spillover.report.coverage import file_coverage
from spillover.report.judgments import (
    estimative_term,
    judgment_sentence,
    percent,
    probability_not_chance,
    probability_share_below,
)
from spillover.report.key_judgments import fmt_p, main_intervention
from spillover.selection import select
from spillover.selection.group import family_names, normalise_flags, store_names

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def aqim(loaded_store, tmp_path_factory):  # noqa: ANN201 - Assessment
    return assess(loaded_store, "AQIM", out_dir=tmp_path_factory.mktemp("aqim"), show_progress=False)


@pytest.fixture(scope="module")
def selection(loaded_store, aqim):  # noqa: ANN201 - the group's events, selected again through the public API
    p = aqim.params
    return select(loaded_store, "AQIM", include=p.include, certainty=p.certainty, view=p.view)


class _Collector(HTMLParser):
    """Section ids, and every URL an element would load."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.urls: list[tuple[str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.sections.append(a["id"])
        if tag in ("script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "image"):
            for key in ("src", "href", "data", "xlink:href"):
                if a.get(key):
                    self.urls.append((tag, a[key]))


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


# --- structure ---------------------------------------------------------------------------------------


def test_every_section_is_present(aqim) -> None:
    html = aqim.html.read_text(encoding="utf-8")
    found = parse(html).sections
    assert found == [s for s, _ in SECTIONS]
    for _, title in SECTIONS:
        assert f">{title}</h2>" in html
    assert aqim.pdf.stat().st_size > 50_000 and aqim.json.is_file()
    assert html.count("<svg") >= 6  # lineage, activity, tactics, map, countries, event study, peers
    assert aqim.figure_failures == []


def test_key_judgments_are_generated_with_icd203_terms(aqim) -> None:
    judged = [j for j in aqim.key_judgments if j.is_judgment]
    assert len(judged) >= 6
    for j in judged:
        # the sentence opens with the ICD 203 term and range, in idiomatic form ("It is almost certain (95–99%) that …")
        assert j.sentence.startswith(judgment_sentence(j.likelihood, j.proposition))
        assert j.likelihood.term.removesuffix("ly") in j.sentence and f"({j.likelihood.band})" in j.sentence
        assert j.likelihood.term == estimative_term(j.likelihood.probability)
        assert j.confidence in ("low", "moderate", "high") and j.evidence and j.method
    assert {m.key for m in aqim.matrices} == {"autonomy", "expansion"}
    assert aqim.matrices[0].winner == "H1"  # autonomous regional group, by the fewest inconsistencies


def text_of(html: str) -> str:
    """The report's visible text, whitespace collapsed."""
    import html as html_lib
    import re

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_report_counts_each_real_event_once_and_says_so(aqim, selection, loaded_store) -> None:
    p = aqim.params
    assert p.view == "fused" and aqim.results.selection.view == "fused"
    stored = select(loaded_store, "AQIM", include=p.include, certainty=p.certainty, view="all").events
    fused = select(loaded_store, "AQIM", include=p.include, certainty=p.certainty, view="fused").events
    assert len(fused) < len(stored)  # AQIM has events that two sources report
    assert len(aqim.results.events) == len(fused) == len(selection.events)
    merged = len(stored) - len(fused)
    text = text_of(aqim.html.read_text(encoding="utf-8"))
    says = f"{len(fused):,} events after merging {merged:,} reports of the same event"
    assert says in text and f"fused view; {len(stored):,} stored reports" in text
    # in the bottom line and in the methods annex
    assert text.count(says) >= 2 and aqim.results.profile.events == len(fused)
    # the evidence tables name every stored report behind a merged event
    multi = fused[fused["n_sources"] > 1]
    evidence = {e for j in aqim.key_judgments for e in j.evidence}
    shown = multi[multi["event_id"].isin(evidence)]
    assert len(shown), "no merged event among the evidence"
    row = shown.iloc[0]
    assert ", ".join(row["event_ids"]) in text
    # a merged event counts for every source behind it, never as a joined label
    for j in aqim.key_judgments:
        assert all("+" not in s for s in j.sources), j.sources


def test_activity_and_bottom_line_counts_agree(aqim) -> None:
    text = text_of(aqim.html.read_text(encoding="utf-8"))
    r = aqim.results
    assert f"In all {r.profile.events:,} events" in text and f": {r.profile.events:,} events from" in text
    assert r.tactics.n_events + r.tactics.n_undated == r.profile.events
    if r.tactics.n_undated:
        assert f"the {r.tactics.n_events:,} events dated to the month; {r.tactics.n_undated:,} more" in text


# --- every number of the key judgments, recomputed -------------------------------------------------------


def test_expansion_numbers(aqim, selection) -> None:
    p = aqim.params
    expansion = measure_expansion(selection.events, min_events=p.min_events, window_months=p.window_months)
    test = assess_opportunism(
        expansion, load_onsets(), group_ids=selection.family.ids, windows=p.windows, primary_window=p.primary_window,
        nulls=p.nulls, primary_null=p.primary_null, n_draws=p.n_draws, seed=p.seed,
    )  # fmt: skip
    row = test.primary()
    kj = aqim.judgment("expansion")
    n = kj.numbers
    assert (n["k"], n["n"]) == (int(row["observed_count"]), int(row["n_expansions"]))
    assert n["observed_share"] == row["observed_share"] and n["expected_share"] == row["expected_share"]
    assert n["p_value"] == row["p_value"] and n["n_draws"] == row["n_draws"]
    assert n["retaliation"] == int((test.entries["classification"] == "retaliation").sum())
    assert kj.likelihood.probability == probability_not_chance(row["p_value"])
    for text in (
        f"{n['k']} of {n['n']} entries",
        percent(row["observed_share"]),
        percent(row["expected_share"]),
        fmt_p(row["p_value"]),
    ):
        assert text in kj.sentence


def test_autonomy_numbers(aqim, selection, loaded_store) -> None:
    p = aqim.params
    parent = select(loaded_store, "aq-core", include=(), certainty=p.certainty, view=p.view)
    peers = {}
    for pid in branches(default_registry(), "aq-core", selection.family.ids):
        events = select(loaded_store, pid, include=(), certainty=p.certainty, view=p.view).events
        if len(events):
            peers[default_registry().group(pid).name] = autonomy_columns(events)
    index = autonomy_index(
        selection.events, parent.events, group=selection.name, parent=parent.name, peers=peers,
        leaders=leaders(selection.family.ids).assign(group_id=selection.name), min_events=p.autonomy_min_events,
        parent_area_min_events=p.parent_area_min_events,
    )  # fmt: skip
    geo = index.components["geography"]
    kj = aqim.judgment("autonomy")
    n = kj.numbers
    assert n["share"] == geo.value and n["n"] == geo.n and n["k"] == round(geo.value * geo.n)
    assert kj.likelihood.probability == probability_share_below(n["k"], n["n"], 0.5)
    assert f"{n['k']} of {n['n']} of its located events" in kj.sentence
    for name in ("tactics", "synchronisation", "leadership"):
        assert n[f"{name}_value"] == pytest.approx(index.components[name].value, abs=1e-12)
    assert f"{index.components['tactics'].value:.2f}" in kj.sentence
    assert f"|r| = {index.components['synchronisation'].value:.2f}" in kj.sentence


def test_tactic_numbers(aqim, selection) -> None:
    kj = aqim.judgment("tactics")
    orgs = org_events(selection.family.ids)
    pivot = measures.identity_pivot(orgs, selection.group_id, "aq-core")
    assert pivot["kind"] == "renamed_to" and str(pd.Timestamp(pivot["date"]).date()) == "2007-01-01"
    ev = selection.events
    known = ev[primary_tactics(ev) != "unknown"]
    when = pd.Timestamp(pivot["date"])
    start, end = (
        pd.to_datetime(known["date_start"]),
        pd.to_datetime(known["date_end"]).fillna(pd.to_datetime(known["date_start"])),
    )
    suicide = known["suicide"].eq(True) | known["tactics"].map(
        lambda ts: "suicide_attack" in list(ts) if ts is not None else False
    )
    before, after = end < when, start >= when
    expected = {
        "k_before": int((suicide & before).sum()), "n_before": int(before.sum()),
        "k_after": int((suicide & after).sum()), "n_after": int(after.sum()),
    }  # fmt: skip
    assert {k: kj.numbers[k] for k in expected} == expected
    assert f"{expected['k_before']} of {expected['n_before']}" in kj.sentence
    assert f"{expected['k_after']} of {expected['n_after']}" in kj.sentence


def test_target_and_financing_numbers(aqim, selection, loaded_store) -> None:
    others = normalise_flags(measures.comparison_events(loaded_store, selection.events))
    western, _ = measures.western_targets(selection.events, selection.names["name"], others)
    kidnapping = measures.kidnapping_share(selection.events, others)
    for key, cmp in (("western", western), ("financing", kidnapping)):
        kj = aqim.judgment(key)
        assert (kj.numbers["k"], kj.numbers["n"], kj.numbers["k_other"], kj.numbers["n_other"]) == (
            cmp.k,
            cmp.n,
            cmp.k_other,
            cmp.n_other,
        )
        assert kj.numbers["p_value"] == cmp.p_value
        assert (
            f"{cmp.k} of {cmp.n} of its events" in kj.sentence
            and f"{cmp.k_other} of {cmp.n_other}" in kj.sentence
        )


def test_fragmentation_response_and_trend_numbers(aqim, selection, loaded_store) -> None:
    p = aqim.params
    frag = theatres(selection.events, eps_km=p.eps_km, min_samples=p.min_samples)
    per_year = frag.theatres["n_theatres"]
    kj = aqim.judgment("fragmentation")
    assert (kj.numbers["k"], kj.numbers["n"]) == (int((per_year >= 2).sum()), int((per_year >= 1).sum()))
    assert f"{kj.numbers['k']} of {kj.numbers['n']} years" in kj.sentence

    coverage = file_coverage(loaded_store)
    effects = measures.intervention_effects(
        selection.events, load_onsets(), coverage, selection.family.ids, p.response_months
    )
    chosen = main_intervention(type("R", (), {"interventions": effects})())
    kj = aqim.judgment("response")
    assert (kj.numbers["before"], kj.numbers["after"], kj.numbers["p_value"]) == (
        chosen[1].before,
        chosen[1].after,
        chosen[1].p_value,
    )
    assert f"{chosen[1].before} events" in kj.sentence and f"{chosen[1].after} in the" in kj.sentence

    trend = measures.recent_trend(selection.events, coverage, p.trend_years)
    kj = aqim.judgment("trend")
    assert (kj.numbers["before"], kj.numbers["after"]) == (trend.before, trend.after)


def test_json_companion_has_every_evidence_id(aqim) -> None:
    import json

    doc = json.loads(aqim.json.read_text(encoding="utf-8"))
    by_key = {j["key"]: j for j in doc["key_judgments"]}
    for j in aqim.key_judgments:
        assert by_key[j.key]["evidence"] == j.evidence
        assert by_key[j.key]["numbers"]["probability" if j.is_judgment else "n"] is not None


# --- PDF and offline HTML -------------------------------------------------------------------------------


def test_pdf_pages_are_not_blank(aqim, tmp_path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: apt-get install -y poppler-utils")
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "50", "-png", str(aqim.pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 15
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
        # the body of the page, without the running header and the page number in the margins
        height = pixels.shape[0]
        body = pixels[int(height * 0.08) : int(height * 0.92)]
        assert body.std() > 3, f"{page.name} looks blank"
        assert (body < 200).mean() > 0.002, f"{page.name} has no ink"


def test_html_needs_no_network(aqim) -> None:
    html = aqim.html.read_text(encoding="utf-8")
    parsed = parse(html)
    assert "script" not in parsed.tags
    remote = [(t, u) for t, u in parsed.urls if u.strip().lower().startswith(("http:", "https:", "//"))]
    assert remote == []
    assert "@import" not in html and "url(http" not in html.replace(" ", "")
    assert "@font-face" not in html


def test_html_loads_in_chromium_without_requests(aqim) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("no /usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    requests: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(chromium),
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    requests.append(route.request.url),
                    route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort(),
                ),
            )
            page.goto(aqim.html.resolve().as_uri(), wait_until="load")
            title = page.title()
            figures = page.locator("figure svg").count()
            browser.close()
    except Exception as exc:  # noqa: BLE001 - a browser that cannot start here is not a report failure
        pytest.skip(f"headless chromium unavailable: {exc}")
    assert title.startswith("Assessment:")
    assert figures >= 6
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


# --- a group with very few events -----------------------------------------------------------------------


def few_event_group(store) -> str:  # noqa: ANN001 - Store
    """A curated registry group with between 1 and 9 events in the store (jihadist groups first)."""
    reg = default_registry()
    curated = {g for g, grp in reg.groups.items() if grp.origin == "curated"}
    resolved = Resolver(reg).resolve_names(store_names(store), name_col="name", source_col="source")
    names = family_names(resolved, curated)
    totals = names.groupby("group_id")["events"].sum()
    small = totals[(totals >= 1) & (totals < 10)]
    assert len(small), "no registry group with fewer than 10 events in the store"
    ranked = sorted(small.index, key=lambda g: (reg.group(g).kind != "jihadist", -small[g], g))
    return ranked[0]


def test_a_group_with_few_events_gets_a_shorter_report(loaded_store, aqim, tmp_path) -> None:
    group = few_event_group(loaded_store)
    small = assess(loaded_store, group, out_dir=tmp_path, show_progress=False)
    assert len(small.results.events) < 10
    html = small.html.read_text(encoding="utf-8")
    assert parse(html).sections == [s for s, _ in SECTIONS]
    assert len(html) < len(aqim.html.read_text(encoding="utf-8")) / 2
    assert small.pdf.is_file() and small.pdf.stat().st_size > 10_000
    cannot = [j for j in small.key_judgments if not j.is_judgment]
    assert len(cannot) >= 5
    for j in cannot:
        assert j.sentence.startswith("Cannot assess") and j.likelihood is None
        assert j.sentence in html.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    assert "cannot assess" in html


def zero_event_group(store) -> str:  # noqa: ANN001 - Store
    """A curated registry group none of whose family (it and its predecessors) any store name resolves to."""
    reg = default_registry()
    resolved = Resolver(reg).resolve_names(store_names(store), name_col="name", source_col="source")
    with_events = {g for ids in resolved.loc[resolved["events"] > 0, "group_ids"] for g in ids}
    curated = sorted(g for g, grp in reg.groups.items() if grp.origin == "curated")
    empty = [g for g in curated if not family(g, include=("predecessors",)).ids & with_events]
    assert empty, "every registry group has events in the store"
    return sorted(empty, key=lambda g: (reg.group(g).kind != "jihadist", g))[0]


def test_a_group_with_no_events_gets_a_valid_report(loaded_store, tmp_path) -> None:
    import json

    group = zero_event_group(loaded_store)
    empty = assess(loaded_store, group, out_dir=tmp_path, show_progress=False)
    assert empty.results.events.empty
    html = empty.html.read_text(encoding="utf-8")
    assert parse(html).sections == [s for s, _ in SECTIONS]
    assert "nan%" not in html and "= nan" not in html  # nothing to compare is said, not computed
    assert len(empty.key_judgments) >= 8
    assert all(not j.is_judgment and j.sentence.startswith("Cannot assess") for j in empty.key_judgments)
    for j in empty.key_judgments:
        assert j.sentence in html.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    assert "nothing can be assessed" in html
    doc = json.loads(empty.json.read_text(encoding="utf-8"))
    assert [j["status"] for j in doc["key_judgments"]] == ["insufficient"] * len(empty.key_judgments)
    assert empty.pdf.is_file() and empty.pdf.read_bytes().startswith(b"%PDF")
