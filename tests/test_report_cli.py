"""``spillover check`` and ``spillover assess`` from the top-level command line, on the store loaded with every
real event file: the commands pass their arguments through and print what the API returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillover.cli import app
from spillover.report.claims import check_claims

pytestmark = pytest.mark.slow

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "aqim-assessment.txt"


@pytest.fixture(scope="module")
def reference(real_data: Path) -> Path:
    path = REFERENCE if REFERENCE.is_file() else real_data.parent / "reference" / "aqim-assessment.txt"
    if not path.is_file():
        pytest.skip(f"reference article not found at {path}")
    return path


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_check_prints_the_verdicts_of_the_api(loaded_store, reference: Path) -> None:  # noqa: ANN001
    printed = json.loads(
        invoke("check", str(reference), "--group", "AQIM", "--store", str(loaded_store.path), "--json")
    )
    expected = check_claims(reference.read_text(encoding="utf-8"), loaded_store, "AQIM")
    assert printed == json.loads(json.dumps([v.as_dict() for v in expected], default=str))
    for words in (
        ("April, 2007", "Algiers"),
        ("December of the same year", "Algiers"),
        ("January 2013", "gas"),
    ):
        found = [v for v in printed if v["kind"] == "event" and all(w in v["text"] for w in words)]
        assert len(found) == 1, words
        assert found[0]["event_ids"], words  # the events consulted are named


def test_check_table(loaded_store, reference: Path) -> None:  # noqa: ANN001
    out = invoke("check", str(reference), "--group", "AQIM", "--store", str(loaded_store.path))
    assert f"Claims in {reference.name}" in out
    assert "supported" in out and "contradicted" in out
    result = runner.invoke(app, ["check", str(reference), "--group", "Al-Qaida in the Islamc Magreb",
                                 "--store", str(loaded_store.path)])  # fmt: skip
    assert result.exit_code == 1 and "did you mean" in result.output.lower()


def test_assess_a_small_group_without_pdf(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    from test_report import few_event_group

    group = few_event_group(loaded_store)
    out = invoke("assess", group, "--no-pdf", "--out", str(tmp_path), "--store", str(loaded_store.path))
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [f"{group}-assessment.html", f"{group}-assessment.json"]
    doc = json.loads((tmp_path / f"{group}-assessment.json").read_text(encoding="utf-8"))
    assert doc["group_id"] == group and doc["files"]["pdf"] is None
    assert "Key judgments" in out and "cannot assess" in out
    insufficient = [j for j in doc["key_judgments"] if j["status"] == "insufficient"]
    assert insufficient and all(f"{j['topic']} · cannot assess" in out for j in insufficient)
    assert f"wrote {tmp_path / f'{group}-assessment.html'}" in out.replace("\n", "")


def test_assess_in_the_all_view(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    from test_report import few_event_group

    from spillover.selection import select

    group = few_event_group(loaded_store)
    invoke(
        "assess",
        group,
        "--no-pdf",
        "--view",
        "all",
        "--out",
        str(tmp_path),
        "--store",
        str(loaded_store.path),
    )
    doc = json.loads((tmp_path / f"{group}-assessment.json").read_text(encoding="utf-8"))
    assert doc["parameters"]["view"] == "all"
    html = (tmp_path / f"{group}-assessment.html").read_text(encoding="utf-8")
    assert "all view" in html
    stored = select(loaded_store, group, certainty=("certain", "joint"), view="all").events
    assert f"Every stored report is counted ({len(stored):,}; all view)" in html
    result = runner.invoke(
        app,
        [
            "assess",
            group,
            "--no-pdf",
            "--view",
            "nosuch",
            "--out",
            str(tmp_path),
            "--store",
            str(loaded_store.path),
        ],
    )
    assert result.exit_code == 1 and "unknown view" in result.output
