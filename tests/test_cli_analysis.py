"""The analysis commands, end to end on the store loaded with every real event file."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from spillover.cli import app

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_expansion_prints_the_test_sentence_and_writes_the_map(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    out = _run(
        "expansion", "AQIM", "--draws", "500", "--out", str(tmp_path), "--store", str(loaded_store.path)
    )
    sentence = re.search(
        r"(\d+) of (\d+) expansions \((\d+)%\) followed an instability onset within 12 months", out
    )
    assert sentence, out
    assert int(sentence.group(2)) >= 3
    assert (tmp_path / "aqim-expansion.html").stat().st_size > 10_000


def test_tactics_finds_the_first_suicide_attack(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    out = _run("tactics", "AQIM", "--out", str(tmp_path), "--store", str(loaded_store.path))
    assert "suicide_attack" in out and "first suicide attack" in out
    assert (tmp_path / "aqim-tactics.html").is_file()


def test_autonomy_lists_every_component(loaded_store) -> None:  # noqa: ANN001
    out = _run("autonomy", "AQIM", "--parent", "al-Qaeda", "--store", str(loaded_store.path))
    for component in ("geography", "tactics", "targets", "synchronisation", "leadership", "self_financing"):
        assert component in out
    assert "composite autonomy" in out


def test_theatres_and_lineage_and_instability(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    assert "Theatres per period" in _run("theatres", "Boko Haram", "--store", str(loaded_store.path))
    lineage = _run("lineage", "AQIM", "--out", str(tmp_path))
    assert "Salafist Group" in lineage and (tmp_path / "lineage-aqim.png").is_file()
    assert "2012-03-22" in _run("instability", "Mali")


def test_unknown_group_suggests_names(loaded_store) -> None:  # noqa: ANN001
    result = runner.invoke(
        app, ["expansion", "Al-Qaida in the Islamc Magreb", "--store", str(loaded_store.path)]
    )
    assert result.exit_code == 1
    assert "did you mean" in result.output.lower()
