"""The analysis commands, end to end on the store loaded with every real event file: what they print, that
they say which view they used and warn about coverage, and that ``--format json`` is the measure's result."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from spillover import measures
from spillover.cli import app
from spillover.fusion import coverage_warnings
from spillover.selection import DEFAULT_VIEW, VIEW_FUSED, GroupSelection, select
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")

runner = CliRunner()


@pytest.fixture(scope="module")
def aqim_fused(loaded_store: Store) -> GroupSelection:
    """AQIM as every command selects it by default (fused view, suspected-only reports left out)."""
    return select(loaded_store, "AQIM")


def _run(*args: str) -> str:
    """What the command prints as its result: stdout (progress and notes go to stderr)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_expansion_prints_the_test_sentence_and_writes_the_map(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    out = _run(
        "expansion", "AQIM", "--draws", "500", "--out", str(tmp_path), "--store", str(loaded_store.path)
    )
    sentence = re.search(
        r"(\d+) of (\d+) expansions \((\d+)%\) followed an instability onset within 12 months", out
    )
    assert sentence, out
    # the sentence's counts are the opportunism measure's (the same draws, the same selection)
    from spillover import measures
    from spillover.selection import select

    row = measures.opportunism(select(loaded_store, "AQIM"), measures.Parameters(n_draws=500)).primary()
    assert (int(sentence.group(1)), int(sentence.group(2))) == (row["observed_count"], row["n_expansions"])
    assert int(sentence.group(2)) >= 2  # Mali and Niger beside the origin, under the sustained-activity rule
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


def test_lineage_prints_names_not_markup() -> None:
    """The tree is rich markup with the names escaped: no '[bold]' tag printed as text (every group's lineage
    showed them), and a name in brackets (UCDP's 'IZL [Etzel]') printed whole."""
    aqim = _run("lineage", "AQIM")
    assert "Salafist Group for Preaching and Combat (gspc)" in aqim and "[bold]" not in aqim
    assert _run("lineage", "ucdp-166").startswith("IZL [Etzel] (ucdp-166)\n")


def test_unknown_group_suggests_names(loaded_store) -> None:  # noqa: ANN001
    result = runner.invoke(
        app, ["expansion", "Al-Qaida in the Islamc Magreb", "--store", str(loaded_store.path)]
    )
    assert result.exit_code == 2
    assert "did you mean" in result.output.lower()


# --- the commands say which view they used and warn about coverage ---------------------------------------------


@pytest.fixture(scope="module")
def raw_coverage(real_data: Path) -> dict[str, int]:
    """From the raw files: the last year RAND reports anything in Algeria, the first the GTD subset does."""
    events = real_data / "events"
    rand = pd.read_csv(events / "rand_rdwti_1968_2009_exdex.csv.gz", encoding_errors="replace")
    rand_dates = pd.to_datetime(rand.loc[rand["Country"].str.strip() == "Algeria", "Date"], errors="coerce")
    gtd = pd.read_csv(events / "gtd_lgcpspde_2010_2017_subset.csv.gz", low_memory=False)
    return {
        "rand_last": int(rand_dates.dt.year.max()),
        "gtd_first": int(gtd.loc[gtd["country"] == "Algeria", "iyear"].min()),
    }


def _warning_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("warning:")]


def test_tactics_prints_its_view_and_the_coverage_warnings(
    loaded_store: Store, aqim_fused: GroupSelection, raw_coverage: dict[str, int], tmp_path: Path
) -> None:
    out = _run("tactics", "AQIM", "--out", str(tmp_path), "--store", str(loaded_store.path))
    assert f"view: fused — {len(aqim_fused.events):,} real-world events" in out
    assert f"({aqim_fused.merged_duplicates:,} duplicates merged" in out
    lines = _warning_lines(out)
    # RAND stops and the GTD subset starts in Algeria where the raw files say, and the AQIM count jumps there
    rand_stops = re.compile(
        rf"rand stops covering [A-Z, ]*\bDZA\b[A-Z, ]* after {raw_coverage['rand_last']}\b"
    )
    gtd_starts = re.compile(rf"gtd starts covering [A-Z, ]*\bDZA\b[A-Z, ]* in {raw_coverage['gtd_first']}\b")
    assert any(rand_stops.search(line) for line in lines), out
    assert any(gtd_starts.search(line) for line in lines), out
    # the counts a warning cites are the fused view's yearly counts
    per_year = aqim_fused.events["year"].value_counts()
    for line in lines:
        y0, y1, n0, n1 = map(int, re.search(r"events (\d+)→(\d+): (\d+)→(\d+)", line).groups())
        assert (n0, n1) == (per_year.get(y0, 0), per_year.get(y1, 0)), line
    years = aqim_fused.source_events["year"]
    expected = coverage_warnings(aqim_fused.events, loaded_store, years=range(years.min(), years.max() + 1))
    assert len(lines) == len(expected) and f"Coverage warnings ({len(expected)}; view: fused)" in out


def test_a_single_source_view_is_printed_and_its_warnings_name_only_that_source(
    loaded_store: Store, raw_coverage: dict[str, int], tmp_path: Path
) -> None:
    out = _run("tactics", "AQIM", "--view", "rand", "--out", str(tmp_path), "--store", str(loaded_store.path))
    assert "view: rand only" in out
    lines = _warning_lines(out)
    assert lines and all(re.search(r"while rand (starts|stops) covering", line) for line in lines), out
    # RAND's series of the group ends with RAND's coverage: the drop to nothing is flagged, not read as the end
    stop = raw_coverage["rand_last"]
    assert any(f"events {stop}→{stop + 1}:" in line and f"after {stop}" in line for line in lines), out


def test_expansion_prints_its_view_and_the_coverage_warnings(
    loaded_store: Store, raw_coverage: dict[str, int], tmp_path: Path
) -> None:
    out = _run(
        "expansion", "AQIM", "--view", "all", "--draws", "200", "--out", str(tmp_path),
        "--store", str(loaded_store.path),
    )  # fmt: skip
    assert "view: all sources" in out and "counted once per source" in out
    assert any(
        "gtd starts covering" in line and f"in {raw_coverage['gtd_first']}" in line
        for line in _warning_lines(out)
    )


def test_an_unknown_view_fails_with_the_choices(loaded_store: Store) -> None:
    result = runner.invoke(app, ["theatres", "AQIM", "--view", "nope", "--store", str(loaded_store.path)])
    assert result.exit_code == 2
    assert "unknown view 'nope'" in result.output and "fused" in result.output


def test_the_command_line_default_is_the_selection_default(loaded_store: Store) -> None:
    assert DEFAULT_VIEW == VIEW_FUSED
    assert f"default: ({DEFAULT_VIEW})]" in runner.invoke(app, ["tactics", "--help"]).output
    out = _run("theatres", "AQIM", "--store", str(loaded_store.path))
    assert out.splitlines()[0].split(". view: ")[1].startswith(f"{DEFAULT_VIEW} —")


# --- --format json is the measure's result; --format csv its main table; no scientific notation ----------------

#: a number in scientific notation (1e-05, 4.23e-14, 1e+20), not a hex id that happens to hold an "e"
SCIENTIFIC = re.compile(r"(?<![\w:])\d+(\.\d+)?[eE][+-]\d+")
DRAWS = 200

#: command → the measure of spillover.measures it prints (on AQIM's default selection)
MEASURED = {
    "profile": lambda sel: measures.profile(sel),
    "expansion": lambda sel: measures.expansion(sel),
    "opportunism": lambda sel: measures.opportunism(sel, measures.Parameters(n_draws=DRAWS)),
    "tactics": lambda sel: measures.tactics(sel),
    "autonomy": lambda sel: measures.autonomy(sel),
    "theatres": lambda sel: measures.theatres(sel),
}


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("command", list(MEASURED))
def test_every_output_format_of_an_analysis_command(command: str, loaded_store: Store, aqim_fused) -> None:  # noqa: ANN001
    store = ["--store", str(loaded_store.path)]
    draws = ["--draws", str(DRAWS)] if command == "opportunism" else []
    expected = MEASURED[command](aqim_fused)
    printed = json.loads(_run(command, "AQIM", *draws, *store, "--format", "json"))
    assert printed == _as_json(expected.to_dict())
    csv = _run(command, "AQIM", *draws, *store, "--format", "csv")
    frame = pd.read_csv(io.StringIO(csv))
    main = expected.to_frame()
    assert list(frame.columns) == [str(c) for c in main.columns] and len(frame) == len(main)
    table = _run(command, "AQIM", *draws, *store)
    first = table.splitlines()[0]
    assert first == f"{aqim_fused.describe_scope()}. {aqim_fused.describe_view()}"
    for text in (table, csv):
        assert not SCIENTIFIC.search(text), SCIENTIFIC.search(text)


def test_tables_use_thousands_separators_and_percentages(loaded_store: Store, aqim_fused) -> None:  # noqa: ANN001
    out = _run("profile", "AQIM", "--store", str(loaded_store.path))
    fatalities = float(aqim_fused.events["fatalities"].fillna(0).sum())
    assert f"{len(aqim_fused.events):,} events, {fatalities:,.0f} fatalities" in out and fatalities >= 1000
    shares = re.findall(r"│\s+(\d+\.\d)%\s+│", out)
    assert shares and abs(sum(map(float, shares)) - 100) < 1  # the tactic shares, as percentages


def test_autonomy_without_parent_says_which_it_used(loaded_store: Store, aqim_fused) -> None:  # noqa: ANN001
    out = _run("autonomy", "AQIM", "--store", str(loaded_store.path))
    result = measures.autonomy(aqim_fused)
    assert result.parent_from == "registry" and result.parent
    assert (
        f"parent {result.parent} (the registry's parent organisation): {result.parent_events:,} events" in out
    )
