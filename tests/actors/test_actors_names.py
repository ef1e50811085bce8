"""Names as people write them: safe variants, ambiguity reported, no false merge on the labelled pairs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spillover.actors.layers import baad, mmp
from spillover.actors.names import country_qualifier, skeleton, variants

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from resolution import read_pairs, score  # noqa: E402


@pytest.mark.parametrize(
    ("name", "group"),
    [("The Islamic State", "islamic-state"), ("Armed Islamic Group of Algeria", "gia"),
     ("Groupe Islamique Armé", "gia"), ("Jaish-e-Mohammad", "jaish-e-mohammed"),
     ("Jaish-e-Mohammed ", "jaish-e-mohammed"), ("Al Ittihad Al Islamiya", "aiai"),
     ("Fatah al-Islam", "fatah-al-islam"), ("Salafist Group for Call and Combat (GSPC)", "gspc"),
     ("Liberation Tigers of Tamil Elam", "ltte"), ("Hay'at Tahrir al-Sham (Formerly Jabhat al-Nusra)", "hts")],
)  # fmt: skip
def test_names_as_people_write_them(resolver, name: str, group: str) -> None:  # noqa: ANN001
    assert resolver.resolve(name).group_id == group


def test_variants_never_merge_real_groups(resolver) -> None:  # noqa: ANN001
    # a country qualifier must fit the group: Algeria's GIA is not 'Armed Islamic Group of Egypt'
    assert resolver.resolve("Armed Islamic Group of Egypt").group_id != "gia"
    assert (
        resolver.resolve("Ansar al-Shariah (Libya)").group_id
        != resolver.resolve("Ansar al-Shariah (Tunisia)").group_id
    )
    assert (
        resolver.resolve("Kuki Liberation Army (KLA)").group_id
        != resolver.resolve("Kosovo Liberation Army").group_id
    )
    assert resolver.resolve("Corsican Revolutionary Armed Forces (FARC)").group_id != "farc"
    assert resolver.resolve("Jaysh al-Islam").group_id != resolver.resolve("Jaish-e-Islam").group_id
    assert skeleton("Jund al-Sham") != skeleton("Ajnad al-Sham")
    assert resolver.resolve("Ansar").group_id != "ansaru"  # a word of many names, not Nigeria's Ansaru
    assert resolver.resolve("Towhid").group_id == "tawhid"


def test_ambiguity_is_reported_not_guessed(resolver) -> None:  # noqa: ANN001
    result = resolver.resolve("ELN")
    assert result.status == "ambiguous" and len(result.group_ids) > 1 and result.group_id is None
    assert resolver.resolve("Small Groups in Iraq").status == "ambiguous"  # an MMP label, not a group


def test_variant_helpers() -> None:
    assert country_qualifier("Armed Islamic Group of Algeria") == ("Armed Islamic Group", "DZA")
    assert country_qualifier("Al Qaeda in Yemen") is None  # 'in <country>' names a branch, not a qualifier
    assert country_qualifier("Liberation Tigers of Tamil Elam") is None
    steps = [v.step for v in variants("The Abu Sayyaf Group (ASG)")]
    assert steps == ["article", "body", "acronym"]


def test_mmp_and_baad_names_resolve(resolver, actor_data: Path) -> None:  # noqa: ANN001
    for names, floor in ((mmp.load(actor_data).names(), 0.95), (baad.load(actor_data).names(), 0.95)):
        resolved = [n for n in names if resolver.resolve(n).status == "resolved"]
        assert len(resolved) / len(names) >= floor


def test_labelled_pairs_precision_recall_and_no_false_merge(resolver) -> None:  # noqa: ANN001
    pairs = read_pairs()
    assert len(pairs) >= 200
    assert {p["label"] for p in pairs} == {"same", "different"} and all(p["justification"] for p in pairs)
    assert {p["source_a"] for p in pairs} | {p["source_b"] for p in pairs} >= {"mmp", "baad", "gtd", "ucdp"}
    s = score(resolver, pairs)
    assert s.false_merges == () and s.precision == 1.0
    assert s.recall >= 0.95
