"""The command line, end to end on real files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spillover.cli import app

runner = CliRunner()


def test_add_profile_and_files(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "cli.duckdb")
    mali = real_data / "events/acled_hdx_mali_1997_2020.csv.gz"
    result = runner.invoke(app, ["data", "add", str(mali), "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    assert "3,990 rows" in result.output
    again = runner.invoke(app, ["data", "add", str(mali), "--store", store])
    assert "already ingested" in again.output
    prof = runner.invoke(app, ["profile", "AQIM", "--store", store, "--json"])
    assert prof.exit_code == 0, prof.output
    payload = json.loads(prof.output)
    assert payload["events"] > 100 and {r["country_iso3"] for r in payload["by_country"]} == {"MLI"}
    files = runner.invoke(app, ["data", "files", "--store", store])
    assert "3990" in files.output and "bf0c117" in files.output


def test_unknown_group_exits_with_suggestion(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "cli.duckdb")
    runner.invoke(
        app, ["data", "add", str(real_data / "events/acled_hdx_niger_1997_2020.csv.gz"), "--store", store]
    )
    result = runner.invoke(app, ["profile", "Islamic Stat (Greater Sahar)", "--store", store])
    assert result.exit_code == 1
    assert "Did you mean" in result.output


def test_bad_file_exits_with_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["data", "add", str(bad), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and "bad.csv" in result.output


def test_profile_without_store_tells_the_fix(tmp_path: Path) -> None:
    result = runner.invoke(app, ["profile", "AQIM", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "spillover data add" in result.output


def test_fetch_uses_verified_mirror_and_loads(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "f.duckdb")
    result = runner.invoke(app, ["data", "fetch", "gtd1993_0615dist", "--store", store])
    assert result.exit_code == 0, result.output
    assert "sha256 verified" in result.output and "748 rows" in result.output


def test_schema_and_cite() -> None:
    assert "date_precision" in runner.invoke(app, ["schema"]).output
    assert "Journal of Peace Research" in runner.invoke(app, ["cite"]).output
