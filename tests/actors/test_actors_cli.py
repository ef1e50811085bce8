"""The ``actors`` command line, on a small store and on user registry files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from spillover.cli import app

runner = CliRunner()


def run(*args: str):  # noqa: ANN201 - click Result
    """``spillover actors ARGS`` (``spillover lineage`` for lineage, a top-level command)."""
    command = list(args) if args[0] == "lineage" else ["actors", *args]
    return runner.invoke(app, [*command, "--ucdp-actors", str(_ucdp_file())] if _ucdp_file() else command)


def _ucdp_file() -> Path | None:
    from actors_real_data import data_dir

    path = data_dir() / "ucdp_actor_v22_1.csv.gz"
    return path if path.is_file() else None


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE events (event_id VARCHAR, source VARCHAR, date_start DATE, fatalities DOUBLE)"
        )
        con.execute(
            "CREATE TABLE event_actors (event_id VARCHAR, role VARCHAR, ordinal INTEGER, name VARCHAR, "
            "uncertain BOOLEAN)"
        )
        events = [
            ("acled:1", "acled", "2018-01-01", 3),
            ("acled:2", "acled", "2018-02-01", 1),
            ("acled:3", "acled", "2018-03-01", 0),
            ("gtd:1", "gtd", "2008-01-01", 5),
            ("gtd:2", "gtd", "2009-01-01", 0),
            ("gtd:3", "gtd", "2009-01-01", 2),
        ]
        con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", events)
        actors = [
            ("acled:1", "side_a", 1, "JNIM: Group for Support of Islam and Muslims", False),
            ("acled:1", "side_b", 1, "Military Forces of Mali (2013-)", False),
            ("acled:2", "side_a", 1, "Unidentified Armed Group (Mali)", False),
            ("acled:3", "side_a", 1, "Nobody Known Here", False),
            ("gtd:1", "perpetrator", 1, "Al-Qaida in the Islamic Maghreb (AQIM)", False),
            ("gtd:2", "perpetrator", 1, "Unknown", False),
            ("gtd:3", "perpetrator", 1, "Muslim extremists", False),
        ]
        con.executemany("INSERT INTO event_actors VALUES (?, ?, ?, ?, ?)", actors)
    return path


def test_coverage_reads_the_store(store: Path) -> None:
    result = run("coverage", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "acled" in result.output and "Nobody Known Here" in result.output
    as_json = run("coverage", "--store", str(store), "--format", "json")
    assert as_json.exit_code == 0
    import json

    data = json.loads(as_json.stdout)
    rows = {r["source"]: r for r in data["coverage"]}
    assert rows["acled"]["events_named"] == 3 and rows["acled"]["events_resolved"] == 2  # JNIM and Mali
    assert rows["acled"]["events_unresolved"] == 1 and rows["acled"]["events_unknown"] == 1
    assert rows["gtd"]["share_events_resolved"] == 1.0 and rows["gtd"]["events_generic"] == 1


def test_coverage_without_store_fails_clearly(tmp_path: Path) -> None:
    result = run("coverage", "--store", str(tmp_path / "missing.duckdb"))
    assert result.exit_code == 2 and "no store" in result.output


def test_resolve_and_suggestions() -> None:
    ok = run("resolve", "AQIM: Al Qaeda in the Islamic Maghreb", "--source", "acled")
    assert ok.exit_code == 0 and "resolved" in ok.stdout and "aqim" in ok.stdout
    # a transliteration variant resolves (with the variant named); a name no group has gets suggestions
    variant = run("resolve", "Boko Harram")
    assert (
        variant.exit_code == 0
        and "via variant:transliteration" in variant.stdout
        and "boko-haram" in variant.stdout
    )
    miss = run("resolve", "Boko Haram Brigade of Lagos")
    assert miss.exit_code == 0 and "unresolved" in miss.stdout and "did you mean" in miss.stdout
    assert "boko-haram" in miss.stdout


def test_show_and_lineage(tmp_path: Path) -> None:
    show = run("show", "GSPC")
    assert show.exit_code == 0, show.output
    assert "Salafist Group for Preaching and Combat" in show.stdout and "renamed_to" in show.stdout
    assert "Hassan Hattab" in show.stdout
    lineage = run("lineage", "aqim", "--out", str(tmp_path / "lineage"))
    assert lineage.exit_code == 0, lineage.output
    assert "Armed Islamic Group" in lineage.stdout
    assert {p.suffix for p in (tmp_path / "lineage").iterdir()} == {".svg", ".png", ".graphml", ".json"}


def test_unknown_group_gets_did_you_mean() -> None:
    result = run("lineage", "Al Qaida in the Islamic Magrib")
    assert result.exit_code == 2
    assert "unknown group" in result.output and "did you mean" in result.output and "aqim" in result.output


def test_check_accepts_a_good_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        textwrap.dedent("""
        groups:
          - {id: aqim, name: AQIM (renamed by user)}
          - {id: new-militia, name: New Militia, kind: militia, country: MLI}
    """),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["actors", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout and "2 groups" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "groups:\n  - {id: bad-militia, name: Bad, kind: militia, dissolved: 1990, founded: 2000}\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["actors", "check", str(bad)])
    assert refused.exit_code == 1
    assert "bad-militia" in refused.output and "inverted" in refused.output and str(bad) in refused.output
