"""What the report and the web app print for people: one palette with a distinct colour for every tactic,
one number formatter, countries by any common name (ambiguity asked, never guessed), search that does
not match unrelated names, file names that carry the run's parameters, and a lineage diagram whose labels
are legible and never overlap."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from spillover.actors.graph import DIAGRAM_FONT_PT, DIAGRAM_WIDTH_IN, lineage_diagram, lineage_members
from spillover.countries import AmbiguousCountry, CountryNotFound, resolve_country
from spillover.formatting import date_at, number, relation_words
from spillover.palette import SOURCE_COLOURS, TACTIC_COLOURS, source_name, tactic_scale
from spillover.report.analyses import Parameters
from spillover.report.annex import report_stem
from spillover.schema import TACTICS
from spillover.web.similarity import name_similarity, similar


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _distance(a: str, b: str) -> float:
    """Redmean colour distance (0–~765): a cheap approximation of perceived difference."""
    (r1, g1, b1), (r2, g2, b2) = _rgb(a), _rgb(b)
    r = (r1 + r2) / 2
    return (
        (2 + r / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2 + (2 + (255 - r) / 256) * (b1 - b2) ** 2
    ) ** 0.5


def test_every_tactic_has_its_own_colour() -> None:
    assert set(TACTIC_COLOURS) == set(TACTICS)
    for (t1, c1), (t2, c2) in itertools.combinations(TACTIC_COLOURS.items(), 2):
        assert _distance(c1, c2) > 60, f"{t1} and {t2} look alike ({c1}, {c2})"
    # the two pairs the issue found sharing a colour
    assert TACTIC_COLOURS["bombing"] != TACTIC_COLOURS["unknown"]
    assert TACTIC_COLOURS["suicide_attack"] != TACTIC_COLOURS["non_violent"]
    assert len(set(SOURCE_COLOURS.values())) == len(SOURCE_COLOURS)


def test_a_chart_shows_a_tactic_in_the_same_colour_whatever_else_it_shows() -> None:
    domain_a, range_a = tactic_scale(["bombing", "kidnapping"])
    domain_b, range_b = tactic_scale(["unknown", "bombing", "battle", "suicide_attack"])
    assert (
        dict(zip(domain_a, range_a, strict=True))["bombing"]
        == dict(zip(domain_b, range_b, strict=True))["bombing"]
    )
    assert domain_b == ["suicide_attack", "bombing", "battle", "unknown"]  # display order of the schema


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (4.23e-14, "auto", "0"),  # a cluster radius of floating-point noise
        (68.5, "count", "68"),  # a fused toll (median of two sources) is still a count
        (1636.0, "count", "1,636"),
        (0.0612, "share", "6.1%"),
        (0.00002, "p", "< 0.001"),
        (0.0426, "p", "0.043"),
        (2.34567, "auto", "2.346"),
        (112.54, "auto", "112.5"),
        (None, "auto", "—"),
        (float("nan"), "count", "—"),
    ],
)
def test_numbers_print_without_scientific_notation(value, kind, text) -> None:  # noqa: ANN001
    assert number(value, kind) == text


def test_dates_print_at_their_precision_and_codes_in_words() -> None:
    assert date_at("2011-01-01", "year") == "2011"
    assert date_at("2007-01-01", "month") == "2007-01"
    assert date_at("2007-04-11", "day") == "2007-04-11"
    assert relation_words("split_from") == "split from" and relation_words("renamed_to") == "renamed to"
    assert [source_name(s) for s in ("acled", "ged", "gtd", "rand", "acled+gtd")] == [
        "ACLED", "UCDP GED", "GTD", "RAND", "ACLED + GTD"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "iso3"),
    [("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("DRC", "COD"), ("DR Congo", "COD"), ("Mali", "MLI"),
     ("mali", "MLI"), ("MLI", "MLI"), ("ML", "MLI"), ("Niger", "NER"), ("Nigeria", "NGA"), ("Burkina", "BFA"),
     ("Congo-Brazzaville", "COG"), ("Guinea", "GIN")],
)  # fmt: skip
def test_countries_by_any_common_name(text: str, iso3: str) -> None:
    assert resolve_country(text) == iso3


def test_a_name_several_countries_share_is_asked_not_guessed() -> None:
    with pytest.raises(AmbiguousCountry) as congo:
        resolve_country("Congo")
    assert {c for c, _ in congo.value.candidates} == {"COD", "COG"}
    assert "which one" in str(congo.value)
    with pytest.raises(CountryNotFound):
        resolve_country("Atlantis")


def test_search_similarity_keeps_typos_and_drops_unrelated_names() -> None:
    assert not similar("wagner", "nuer")  # WRatio gave 77
    assert similar("hezbolah", "hezbollah")
    assert similar("islamc magreb", "al-qaeda in the islamic maghreb")
    assert name_similarity("boko haram", "boko haram (jama'atu ahlis sunna)") == 100


def test_file_names_carry_every_parameter_that_differs_from_the_defaults() -> None:
    defaults = Parameters()
    assert report_stem("aqim", {"since": None, "until": None}, Parameters(), defaults) == "aqim-assessment"
    assert report_stem("aqim", {"since": "2012"}, Parameters(), defaults) == "aqim-assessment-since-2012"
    changed = Parameters(view="all", seed=3)
    assert report_stem("aqim", {"since": "2012-06-01"}, changed, defaults) == (
        "aqim-assessment-since-2012-06-01-view-all-seed-3"
    )


def _label_boxes(group: str) -> tuple[list, object]:
    fig = lineage_diagram(group)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    texts = [t for t in fig.axes[0].texts if t.get_gid() and t.get_gid().startswith("node-")]
    return [
        (t.get_gid(), t.get_bbox_patch().get_window_extent(renderer), t.get_fontsize()) for t in texts
    ], fig


@pytest.mark.parametrize("group", ["aqim", "isis", "jnim"])
def test_lineage_labels_are_legible_and_do_not_overlap(group: str) -> None:
    boxes, fig = _label_boxes(group)
    assert len(boxes) == len(lineage_members(group))
    assert (
        fig.get_figwidth() <= DIAGRAM_WIDTH_IN
    )  # printed unscaled on an A4 page: the size is the point size
    assert all(size >= 8 for _, _, size in boxes) and DIAGRAM_FONT_PT >= 8
    for (a, box_a, _), (b, box_b, _) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a} and {b} overlap"
    width, height = fig.bbox.width, fig.bbox.height
    for name, box, _ in boxes:  # nothing cut at the figure's edge
        assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height, name


def test_leader_dates_print_at_the_precision_the_registry_gives() -> None:
    """GSPC's leaders are known to the year or the month: the report's leaders table and the autonomy
    evidence print "1998" and "2004-06", never an invented first day ("1998-01-01")."""
    from spillover.actors import default_registry, family
    from spillover.analysis import context
    from spillover.analysis.autonomy import leadership_component
    from spillover.report.naming import dates_at

    gspc = default_registry().group("gspc")
    hattab = next(le for le in gspc.leaders if le.name == "Hassan Hattab")
    assert (hattab.start.precision, str(hattab.start)) == ("year", "1998")
    leaders = context.leaders(family("aqim", include=("predecessors",)).ids)
    printed = dict(zip(leaders["name"], dates_at(leaders, "start"), strict=True))
    assert printed["Hassan Hattab"] == "1998" and printed["Cherif Gousmi"] == "1994-03"
    ends = dict(zip(leaders["name"], dates_at(leaders, "end"), strict=True))
    assert (
        ends["Abdelmalek Droukdel"] in ("2020-06-03", "2007-01") and ends["Abu Ubaydah Yusuf al-Annabi"] == ""
    )
    relations = context.org_events(family("aqim", include=("predecessors",)).ids)
    dated = dict(
        zip(
            zip(relations["group_id"], relations["kind"], strict=True),
            dates_at(relations, "date"),
            strict=True,
        )
    )
    assert dated[("gspc", "split_from")] == "1998" and dated[("gspc", "renamed_to")] == "2007-01"
    evidence = leadership_component(leaders.assign(group_id="gspc"), "gspc").evidence
    assert "Hassan Hattab (organic, 1998–2003)" in evidence
    assert not any("-01-01" in e for e in evidence)
