"""The relations audit on the real MMP and BAAD1 files, and the CLI commands that print it and relations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillover.actors.audit import OUTCOMES, audit


@pytest.fixture(scope="module")
def result(registry, actor_data: Path):  # noqa: ANN001, ANN201
    return audit(registry, str(actor_data))


def test_every_curated_relation_gets_one_outcome(result) -> None:  # noqa: ANN001
    curated = result.curated
    assert set(curated["outcome"]) <= set(OUTCOMES)
    assert sum(result.counts[o] for o in OUTCOMES) == len(curated)
    assert result.counts["confirmed"] >= 25 and result.counts["not covered"] > 0
    assert result.counts["dataset relations lacking"] == len(result.missing) > 0


def test_outcomes_on_known_relations(result) -> None:  # noqa: ANN001
    c = result.curated.set_index(["group_id", "type", "target"])
    gspc_split = c.loc[("gspc", "split_from", "gia")]
    assert gspc_split["outcome"] == "confirmed" and "mmp:253" in gspc_split["dataset_ids"]
    # MMP dates the GSPC's merger into al-Qaeda at Zawahiri's announcement (2006-09-11); the renaming is 2007-01
    renamed = c.loc[("gspc", "renamed_to", "aqim")]
    assert renamed["outcome"] == "date disagrees" and "2006-09-11" in renamed["dataset_dates"]
    assert "Filiu" in renamed["curated_sources"]
    # the corrected AQIM-MUJAO tie: an alliance from April 2012, as MMP records it
    assert c.loc[("aqim", "allied_with", "mujao")]["outcome"] == "confirmed"
    assert c.loc[("al-shabaab", "pledged_allegiance_to", "aq-core")]["outcome"] == "confirmed"
    # the PWG's 2004 merger into the CPI (Maoist): BAAD records only an alliance in 1998-2005
    assert c.loc[("pwg", "merged_into", "cpi-maoist")]["outcome"] == "type disagrees"


def test_the_curated_layer_cites_the_datasets_where_they_agree(result) -> None:  # noqa: ANN001
    confirmed = result.curated[result.curated["outcome"] == "confirmed"]
    assert len(confirmed) >= 25 and (confirmed["cited"] != "").all()
    for row in result.curated.itertuples():
        cited = {x for x in row.cited.split(", ") if x}
        assert cited <= set(row.evidence_ids.split(", ")), (row.group_id, row.type, row.target, cited)


def test_unsupported_facts_are_marked(result) -> None:  # noqa: ANN001
    marked = result.curated[result.curated["unsupported"].notna()]
    assert {("pflp-gc", "split_from", "pflp"), ("pwg", "merged_into", "cpi-maoist")} <= {
        (r.group_id, r.type, r.target) for r in marked.itertuples()
    }
    assert all("source" in text or "date" in text for text in marked["unsupported"])


def test_cli_relations_and_audit(actor_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spillover.cli import app

    monkeypatch.setenv("SPILLOVER_DATA_DIR", str(actor_data))
    runner = CliRunner()
    out = runner.invoke(
        app, ["relations", "AQIM", "--as-of", "2007-06", "--type", "splinter", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["group_id"] == "aqim" and data["as_of"] == "2007-06-01"
    refs = {r["dataset_id"] for r in data["relations"]}
    assert "mmp:253" in refs and "mmp:1739" not in refs  # MUJAO's split (2011) came later
    csv = runner.invoke(app, ["relations", "gspc", "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.splitlines()[0].startswith("group_id,group_name,kind")
    bad = runner.invoke(app, ["relations", "AQIM", "--type", "friendship"])
    assert bad.exit_code == 1 and "unknown relation kinds" in bad.output
    audited = runner.invoke(app, ["actors", "audit", "--format", "json"])
    assert audited.exit_code == 0
    assert json.loads(audited.output)["counts"]["confirmed"] >= 25
