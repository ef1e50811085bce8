"""The MMP and BAAD1 loaders on the real files: every row accounted for, each date form with its precision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from spillover.actors.layers import baad, clean_name, mmp


@pytest.fixture(scope="module")
def mmp_layer(actor_data: Path) -> mmp.MmpLayer:
    return mmp.load(actor_data)


@pytest.fixture(scope="module")
def baad_layer(actor_data: Path) -> baad.BaadLayer:
    return baad.load(actor_data)


def test_mmp_every_row_is_a_relation_or_a_reasoned_skip(mmp_layer: mmp.MmpLayer, actor_data: Path) -> None:
    raw = pd.read_csv(actor_data / mmp.RELATIONS_FILE, dtype=str, keep_default_na=False)
    assert len(mmp_layer.relations) + len(
        [s for s in mmp_layer.skipped if s.file == mmp.RELATIONS_FILE]
    ) == len(raw)
    assert len(mmp_layer.relations) == 638  # the file is clean: no row needs skipping
    assert {r.dataset_id for r in mmp_layer.relations} == set(raw["unique_id"])
    counts = pd.Series([r.type_dataset for r in mmp_layer.relations]).value_counts().to_dict()
    assert counts == {"all": 193, "riv": 169, "aff": 124, "spl": 90, "mer": 62}
    # the key: 258 numbered groups (relations use 228 of them) and five names without an id
    assert len(mmp_layer.groups) + len(mmp_layer.unnumbered) == mmp_layer.rows[mmp.KEY_FILE] == 263
    assert len(mmp_layer.names()) == 228
    assert "Islamic State in the Greater Sahara" in mmp_layer.unnumbered


def test_mmp_date_forms_keep_their_precision(mmp_layer: mmp.MmpLayer) -> None:
    by_id = {r.dataset_id: r for r in mmp_layer.relations}
    gia_gspc = by_id["253"]  # 9/14/98: month/day/two-digit year
    assert (gia_gspc.start.date, gia_gspc.start.precision) == (dt.date(1998, 9, 14), "day")
    assert gia_gspc.date_raw == "9/14/98"
    assert (by_id["797"].start.date, by_id["797"].start.precision) == (
        dt.date(2006, 9, 1),
        "month",
    )  # 2006-09-00
    assert (by_id["647"].start.date, by_id["647"].start.precision) == (
        dt.date(2006, 1, 1),
        "year",
    )  # 2006-00-00
    assert by_id["255"].start.date == dt.date(2006, 9, 11)  # 9/11/06: two-digit 06 is 2006
    precisions = pd.Series([r.start.precision for r in mmp_layer.relations]).value_counts().to_dict()
    assert precisions == {"month": 305, "year": 203, "day": 130}
    years = [r.start.date.year for r in mmp_layer.relations]
    assert min(years) == 1959 and max(years) == 2017  # '68' is 1968, not 2068


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [("2012-00-00", dt.date(2012, 1, 1), "year"), ("2006-09-00", dt.date(2006, 9, 1), "month"),
     ("9/14/98", dt.date(1998, 9, 14), "day"), ("1/5/68", dt.date(1968, 1, 5), "day"),
     ("12/4/15", dt.date(2015, 12, 4), "day"), ("2/1/00", dt.date(2000, 2, 1), "day")],
)  # fmt: skip
def test_mmp_parse_date(text: str, expected: dt.date, precision: str) -> None:
    parsed = mmp.parse_date(text)
    assert (parsed.date, parsed.precision) == (expected, precision)


def test_mmp_bad_date_names_the_forms() -> None:
    with pytest.raises(ValueError, match="M/D/YY"):
        mmp.parse_date("sometime in 2006")


def test_mmp_names_are_cleaned_of_spaces_and_cp1252_quotes(mmp_layer: mmp.MmpLayer) -> None:
    names = mmp_layer.names()
    assert "Hizbul Islam" in names and not any(n != n.strip() for n in names)
    assert "Kata’ib Sayyid al-Shuhada" in names
    assert not any("\x80" <= c <= "\x9f" for n in names for c in n)
    assert clean_name("Kata\x92ib  Hezbollah ") == "Kata’ib Hezbollah"


def test_baad_every_row_accounted_for(baad_layer: baad.BaadLayer) -> None:
    assert baad_layer.rows == {baad.EDGES_FILE: 487, baad.ATTRS_FILE: 395, baad.COUNTRY_FILE: 394}
    assert len(baad_layer.relations) == 487 and len(baad_layer.groups) == 395
    assert baad_layer.skipped == []
    with_country = [g for g in baad_layer.groups.values() if g.countries]
    assert len(with_country) == 394  # every row of the group × country file found its group ('313' has none)
    counts = pd.Series([r.type_dataset for r in baad_layer.relations]).value_counts().to_dict()
    assert counts["alliance - familial"] == 319 and counts["negative-competitive relationship"] == 32
    assert all(
        r.start.precision == "year" and str(r.start) == "1998" and str(r.end) == "2005"
        for r in baad_layer.relations
    )


def test_baad_repairs_names_a_spreadsheet_turned_into_dates(baad_layer: baad.BaadLayer) -> None:
    assert {"15 May", "May 98", "21 June"} <= set(baad_layer.groups)
    assert baad.repair_name("15-May") == baad.repair_name("5/15/08") == "15 May"
    assert baad.repair_name("May-98") == baad.repair_name("5/1/98") == "May 98"
    assert baad.repair_name("Abu_Sayyaf_Group(ASG)") == "Abu Sayyaf Group(ASG)"
    ties = {(r.source_name, r.target_name) for r in baad_layer.relations}
    assert ("May 98", "Fighting Guerillas of May") in ties
    assert baad_layer.groups["Salafist Group for Call and Combat (GSPC)"].home_country == "DZA"


def test_generated_layer_is_up_to_date_and_accounts_for_every_name(
    actor_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regenerating groups_relations.yaml from the real files gives the shipped file: no MMP or BAAD name is
    left out, and a change of the registry or the hints that would change the layer is caught here."""
    from importlib import resources

    import yaml

    from spillover.actors import Resolver
    from spillover.actors.layers import generate

    monkeypatch.setenv("SPILLOVER_DATA_DIR", str(actor_data))
    data = resources.files("spillover.actors").joinpath("data")
    hints = yaml.safe_load(data.joinpath(generate.HINTS).read_text("utf-8"))
    curated = generate._curated_registry()
    plan = generate.plan(actor_data, curated, hints)
    out = tmp_path / "layer.yaml"
    generate.write(plan, out)
    assert out.read_text("utf-8") == data.joinpath(generate.OUT).read_text("utf-8")
    assert plan.ambiguous == []
    generated = {n for g in plan.groups.values() for names in g["aliases"].values() for n in names}
    assigned = {a["name"] for a in plan.aliases}
    mmp_names, baad_names = set(mmp.load(actor_data).names()), set(baad.load(actor_data).names())
    # every name is a new group's, assigned to a registry group, a generic label, or already an exact alias
    rest = (mmp_names | baad_names) - generated - assigned - set(plan.generic)
    resolver = Resolver(curated)
    assert rest and all(resolver.resolve(n).via == "alias" for n in rest)
    assert {"Independent Islamist Groups", "Small Groups in Iraq"} == set(plan.generic)
    assert all(g["sources"] and set(g["sources"]) <= {"mmp-relations", "baad1"} for g in plan.groups.values())
