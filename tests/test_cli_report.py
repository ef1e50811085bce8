"""``spillover check`` and ``spillover assess`` from the top-level command line, on the store loaded with every
real event file: the commands pass their arguments through and print what the API returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillover.claims import check_claims, read_claims_text
from spillover.cli import app

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
    result = runner.invoke(
        app,
        ["check", str(reference), "--group", "AQIM", "--store", str(loaded_store.path), "--format", "json"],
    )
    expected = check_claims(read_claims_text(reference), loaded_store, "AQIM")
    assert expected.any_contradicted and result.exit_code == 1  # a contradicted claim is a finding: exit 1
    printed = json.loads(result.stdout)
    assert printed == json.loads(json.dumps(expected.to_dict(), default=str))
    assert printed["verdicts"] == json.loads(json.dumps([v.as_dict() for v in expected], default=str))
    assert result.stderr.strip().splitlines()[-1] == expected.summary_line()
    for words in (
        ("April, 2007", "Algiers"),
        ("December of the same year", "Algiers"),
        ("January 2013", "gas"),
    ):
        found = [
            v for v in printed["verdicts"] if v["kind"] == "event" and all(w in v["text"] for w in words)
        ]
        assert len(found) == 1, words
        assert found[0]["event_ids"], words  # the events consulted are named


def test_check_table(loaded_store, reference: Path) -> None:  # noqa: ANN001
    out = invoke("check", str(reference), "--group", "AQIM", "--store", str(loaded_store.path), "--no-fail")
    assert f"Claims in {reference.name}" in out
    assert "supported" in out and "contradicted" in out
    result = runner.invoke(app, ["check", str(reference), "--group", "Al-Qaida in the Islamc Magreb",
                                 "--store", str(loaded_store.path)])  # fmt: skip
    assert result.exit_code == 2 and "did you mean" in result.output.lower()  # an input error (README)


def test_assess_a_small_group_without_pdf(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    from test_report import few_event_group

    group = few_event_group(loaded_store)
    out = invoke("assess", group, "--no-pdf", "--out", str(tmp_path), "--store", str(loaded_store.path))
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        f"{group}-assessment-evidence.csv",
        f"{group}-assessment.html",
        f"{group}-assessment.json",
    ]
    doc = json.loads((tmp_path / f"{group}-assessment.json").read_text(encoding="utf-8"))
    assert doc["group_id"] == group and doc["files"]["pdf"] is None
    assert "Key judgments" in out and "cannot assess" in out
    insufficient = [j for j in doc["key_judgments"] if j["status"] == "insufficient"]
    assert insufficient and all(f"{j['topic']} · cannot assess" in out for j in insufficient)
    assert f"wrote {tmp_path / f'{group}-assessment.html'}" in out.replace("\n", "")


def test_assess_formats_and_progress_when_piped(loaded_store, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """``assess --format json`` prints the assessment's to_dict() and csv its judgments table, nothing else
    on stdout; piped (CliRunner's stderr is no terminal) the progress still shows on stderr as plain lines,
    and ``--quiet`` silences it.  An empty cache: every step runs (none is read back from an earlier test)."""
    import io

    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))

    import pandas as pd
    from test_report import few_event_group

    group = few_event_group(loaded_store)
    base = ["assess", group, "--no-pdf", "--store", str(loaded_store.path)]
    piped = runner.invoke(app, [*base, "--out", str(tmp_path / "j"), "--format", "json"])
    assert piped.exit_code == 0, piped.output
    doc = json.loads(piped.stdout)  # stdout is the JSON and nothing else
    written = json.loads((tmp_path / "j" / f"{group}-assessment.json").read_text(encoding="utf-8"))
    assert doc["group_id"] == group and doc["key_judgments"] == written["key_judgments"]
    assert doc["selection"] == written["selection"]
    progress = [line for line in piped.stderr.splitlines() if line.startswith("[")]
    assert len(progress) >= 5 and any("rendering HTML" in line for line in progress)
    assert f"wrote {tmp_path / 'j' / f'{group}-assessment.html'}" in piped.stderr.replace("\n", "")

    as_csv = runner.invoke(app, [*base, "--out", str(tmp_path / "c"), "--format", "csv"])
    frame = pd.read_csv(io.StringIO(as_csv.stdout))
    assert list(frame["key"]) == [j["key"] for j in written["key_judgments"]]
    assert list(frame["sentence"]) == [j["sentence"] for j in written["key_judgments"]]
    assert (frame["status"] == "insufficient").sum() == sum(
        j["status"] == "insufficient" for j in written["key_judgments"]
    )

    quiet = runner.invoke(app, [*base, "--quiet", "--out", str(tmp_path / "q"), "--format", "json"])
    assert quiet.exit_code == 0 and json.loads(quiet.stdout)["group_id"] == group
    assert not [line for line in quiet.stderr.splitlines() if line.startswith("[")]


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
    # a run with another view never overwrites the default report: the view is in the file names
    doc = json.loads((tmp_path / f"{group}-assessment-view-all.json").read_text(encoding="utf-8"))
    assert doc["parameters"]["view"] == "all"
    html = (tmp_path / f"{group}-assessment-view-all.html").read_text(encoding="utf-8")
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
    assert result.exit_code == 2 and "unknown view" in result.output


def test_check_exit_code_says_whether_a_claim_is_contradicted(
    loaded_store, reference: Path, tmp_path: Path
) -> None:  # noqa: ANN001
    clean = tmp_path / "clean.md"
    clean.write_text(
        "# Note\n\nIn April, 2007, AQIM conducted a suicide bombing in Algiers that left 33 dead and injured "
        "more than 200.\n",
        encoding="utf-8",
    )
    store = ["--group", "AQIM", "--store", str(loaded_store.path)]
    passed = runner.invoke(app, ["check", str(clean), *store])
    assert passed.exit_code == 0, passed.output
    assert passed.stdout.strip().splitlines()[-1] == (
        "1 supported by events, 0 consistent with the registry, 0 contradicted, 0 not checkable"
    )
    failed = runner.invoke(app, ["check", str(reference), *store])
    expected = check_claims(read_claims_text(reference), loaded_store, "AQIM")
    assert failed.exit_code == 1 and expected.counts()["contradicted"] > 0
    assert failed.stdout.strip().splitlines()[-1] == expected.summary_line()
    assert runner.invoke(app, ["check", str(reference), *store, "--no-fail"]).exit_code == 0


def test_check_as_csv(loaded_store, reference: Path) -> None:  # noqa: ANN001
    import io

    import pandas as pd

    result = runner.invoke(
        app,
        ["check", str(reference), "--group", "AQIM", "--store", str(loaded_store.path), "--format", "csv"],
    )
    expected = check_claims(read_claims_text(reference), loaded_store, "AQIM")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame["claim"]) == [v.text for v in expected]
    assert list(frame["verdict"]) == [v.verdict for v in expected]
    assert list(frame["reason"].fillna("")) == [v.reason or "" for v in expected]
    assert {"causal", "no coverage"} <= set(frame["reason"].dropna())
    *progress, summary = result.stderr.strip().splitlines()  # piped: progress lines, then the summary
    assert summary == expected.summary_line() and result.exit_code == 1
    assert progress and all(line.startswith("[") and line.endswith("…") for line in progress)
