"""relations(): a group's dated ties from the curated registry and the MMP/BAAD layers; parents and branches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spillover.actors import load_registry
from spillover.actors.dates import to_date
from spillover.actors.hierarchy import branches, is_armed_group, parents
from spillover.actors.lineage import identity_chain
from spillover.actors.relations import relations, relations_chart


@pytest.fixture(scope="module")
def aqim(registry, actor_data: Path):  # noqa: ANN001, ANN201
    return relations("AQIM", registry=registry, data_dir=actor_data)


def test_aqim_lists_mmp_gia_gspc_splinter_and_gspc_aqim_merger_with_sources(aqim) -> None:  # noqa: ANN001
    frame = aqim.to_frame()
    assert aqim.group_id == "aqim"
    splinter = frame[frame["dataset_id"] == "mmp:253"].iloc[0]
    assert (splinter["group_id"], splinter["other_id"], splinter["kind"]) == ("gspc", "gia", "splinter")
    assert splinter["start"] == "1998-09-14" and splinter["dataset_type"] == "spl"
    assert "Mapping Militant Organizations" in splinter["sources"]
    merger = frame[frame["dataset_id"] == "mmp:255"].iloc[0]
    assert (merger["group_id"], merger["other_id"], merger["kind"]) == ("gspc", "aqim", "merger")
    assert merger["start"] == "2006-09-11" and merger["dataset_type"] == "mer"
    renaming = frame[(frame["kind"] == "renaming") & (frame["other_id"] == "aqim")].iloc[0]
    assert renaming["layer"] == "curated" and renaming["start"] == "2007-01"
    # MMP's second name for the GIA (Groupe Islamique Armé, id 637) resolves to the same group
    assert frame[frame["dataset_id"] == "mmp:1737"].iloc[0]["other_id"] == "gia"


def test_aqim_includes_baads_gspc_ties(aqim) -> None:  # noqa: ANN001
    baad = aqim.to_frame().query("layer == 'baad1' and group_id == 'gspc'")
    assert set(baad["other_id"]) == {"aq-core", "gia"}
    assert set(baad["dataset_type"]) == {"alliance - familial", "alliance"}
    assert all(s == "1998" for s in baad["start"]) and "Asal" in baad.iloc[0]["sources"]


def test_as_of_before_and_after_a_split(registry, actor_data: Path) -> None:  # noqa: ANN001
    before = relations("aqim", as_of="2010-06-01", types=["splinter"], registry=registry, data_dir=actor_data)
    after = relations("aqim", as_of="2012-06-01", types=["splinter"], registry=registry, data_dir=actor_data)
    assert "mujao" not in set(before.to_frame()["other_id"])
    assert "mujao" in set(after.to_frame()["other_id"])  # MUJAO split from AQIM in 2011 (MMP 1739, curated)
    assert set(after.to_frame()["kind"]) == {"splinter"}
    # Belmokhtar's brigade split only in December 2012
    assert "signed-in-blood" not in set(after.to_frame()["other_id"])


def test_unknown_kind_and_outputs(aqim, registry, actor_data: Path) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="unknown relation kinds"):
        relations("aqim", types=["friendship"], registry=registry, data_dir=actor_data)
    data = aqim.to_dict()
    assert data["layers"] == ["curated", "mmp", "baad1"]
    assert relations("aqim", registry=registry, data_dir=Path("/nonexistent")).layers == ("curated",)
    assert data["group_name"] == "Al-Qaeda in the Islamic Maghreb" and len(data["relations"]) == len(aqim)
    json.dumps(data)
    spec = relations_chart(aqim).to_dict()
    values = spec["data"]["values"]  # inline data: the chart opens offline
    assert {v["other_name"] for v in values} >= {"Armed Islamic Group", "Al-Qaeda (core)"}
    assert not any(v["other_name"].startswith("ucdp-") for v in values)


RIVAL_PARENT = """
groups:
  - id: test-umbrella
    name: Test Umbrella
    kind: jihadist
    sources: [mmp]
  - id: test-loyal
    name: Test Loyal Branch
    kind: jihadist
    relations:
      - {type: affiliate_of, target: test-umbrella, start: 2010, sources: [mmp]}
  - id: test-rival
    name: Test Rival Branch
    kind: jihadist
    relations:
      - {type: affiliate_of, target: test-umbrella, start: 2010, sources: [mmp]}
      - {type: rival_of, target: test-umbrella, start: 2014, sources: [mmp]}
"""


def parents_on(reg, gid: str, at: str | None = None) -> list[str]:  # noqa: ANN001
    """The parents of ``gid`` with its earlier names as the members read when it has no relation of its own."""
    members = [link.group_id for link in identity_chain(gid, reg)]
    return parents(reg, gid, members, None if at is None else to_date(at))


def test_a_rival_is_never_a_parent_nor_a_branch(tmp_path: Path) -> None:
    """From the day the rivalry begins (2014) the rival is neither parent nor branch; before it, while the
    affiliation held and no rivalry had begun, it was (a broken tie changes the answer as of each date)."""
    path = tmp_path / "user.yaml"
    path.write_text(RIVAL_PARENT, encoding="utf-8")
    reg = load_registry(ucdp_actors=False, extra=[path])
    assert parents_on(reg, "test-loyal", at="2012-01-01") == ["test-umbrella"]
    assert parents_on(reg, "test-loyal", at="2009-01-01") == []  # not yet affiliated
    assert parents_on(reg, "test-rival", at="2015-01-01") == [] and parents_on(reg, "test-rival") == []
    assert parents_on(reg, "test-rival", at="2012-01-01") == ["test-umbrella"]  # the rivalry had not begun
    assert branches(reg, "test-umbrella", at="2015-01-01") == ["test-loyal"]
    assert branches(reg, "test-umbrella", at="2012-01-01") == ["test-loyal", "test-rival"]
    assert branches(reg, "test-umbrella", at="2009-01-01") == []


def test_parents_branches_and_armed_groups(registry) -> None:  # noqa: ANN001
    assert parents_on(registry, "aqim", at="2010") == ["aq-core"]
    assert parents_on(registry, "jnim", at="2016-06-01") == []  # JNIM was founded in March 2017
    assert "aqim" in parents_on(registry, "ansar-dine", at="2013")
    assert "gspc" not in parents_on(registry, "aqim")  # its own earlier name is not a parent
    peers = branches(registry, "aq-core", at="2015-01-01")
    assert {"aqim", "aqap", "al-shabaab"} <= set(peers) and "gspc" not in peers
    assert is_armed_group(registry, "aqim") and not is_armed_group(registry, "state-MLI")
