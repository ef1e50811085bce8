"""The command line, end to end on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from spillover.cli import app

runner = CliRunner()


def test_add_profile_and_files(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "cli.duckdb")
    mali = real_data / "events/acled_hdx_mali_1997_2020.csv.gz"
    result = runner.invoke(app, ["data", "add", str(mali), "--store", store, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "3,990 rows" in result.output
    # piped (CliRunner's streams are no terminal): the steps still show on stderr; stdout is the JSON alone
    assert json.loads(result.stdout)[0]["status"] == "ingested"
    from spillover.cli.output import PROGRESS_LINE

    steps = [line for line in result.stderr.splitlines() if PROGRESS_LINE.match(line)]
    assert any(line.endswith(f"{mali.name}: reading and normalising") for line in steps), result.stderr
    again = runner.invoke(app, ["data", "add", str(mali), "--store", store])
    assert "already ingested" in again.output
    prof = runner.invoke(app, ["profile", "AQIM", "--store", store, "--format", "json"])
    assert prof.exit_code == 0, prof.output
    payload = json.loads(prof.stdout)  # stdout is the JSON; progress goes to stderr
    assert prof.stderr.strip() and all(PROGRESS_LINE.match(line) for line in prof.stderr.strip().splitlines())
    quiet = runner.invoke(app, ["profile", "AQIM", "--store", store, "--format", "json", "--quiet"])
    assert json.loads(quiet.stdout) == payload and quiet.stderr == ""
    assert payload["events"] > 100 and {r["country_iso3"] for r in payload["by_country"]} == {"MLI"}
    files = runner.invoke(app, ["data", "files", "--store", store])
    assert "3,990" in files.output and "bf0c117" in files.output


def test_unknown_group_exits_with_suggestion(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "cli.duckdb")
    runner.invoke(
        app, ["data", "add", str(real_data / "events/acled_hdx_niger_1997_2020.csv.gz"), "--store", store]
    )
    result = runner.invoke(app, ["profile", "Islamic Stat (Greater Sahar)", "--store", store])
    assert result.exit_code == 2
    assert "Did you mean" in result.output


def test_bad_file_exits_with_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["data", "add", str(bad), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "bad.csv" in result.output


def test_profile_without_store_tells_the_fix(tmp_path: Path) -> None:
    result = runner.invoke(app, ["profile", "AQIM", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "spillover data add" in result.output


def test_fetch_uses_verified_mirror_and_loads(real_data: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "f.duckdb")
    result = runner.invoke(app, ["data", "fetch", "gtd1993_0615dist", "--store", store])
    assert result.exit_code == 0, result.output
    assert "sha256 verified" in result.output and "748 rows" in result.output


def test_schema_and_cite() -> None:
    assert "date_precision" in runner.invoke(app, ["schema"]).output
    assert "Journal of Peace Research" in runner.invoke(app, ["cite"]).output


# --- exit codes: 2 for a usage or input error, and a missing file creates nothing ---------------------------


def test_data_add_of_a_missing_file_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "new" / "s.duckdb"
    result = runner.invoke(app, ["data", "add", str(tmp_path / "missing.csv"), "--store", str(store)])
    assert result.exit_code == 2 and "missing.csv: no such file" in result.output
    assert not store.exists() and not store.parent.exists()
    pattern = runner.invoke(app, ["data", "add", str(tmp_path / "*.nothing"), "--store", str(store)])
    assert pattern.exit_code == 2 and "no file matches" in pattern.output and not store.exists()


def test_unknown_group_view_country_and_missing_files_exit_2(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    store = str(loaded_store.path)
    cases = {
        "unknown group": (["tactics", "Al-Qaida in the Islamc Magreb", "--store", store], "did you mean"),
        "unknown view": (["profile", "AQIM", "--view", "guesswork", "--store", store], "unknown view"),
        "unknown country": (["instability", "Narnia"], "unknown country"),
        "missing store": (["expansion", "AQIM", "--store", str(tmp_path / "none.duckdb")], "no store here"),
        "missing claims file": (["check", str(tmp_path / "none.txt"), "--group", "AQIM", "--store", store], "no such file"),
        "bad option value": (["tactics", "AQIM", "--format", "xml", "--store", store], "xml"),
    }  # fmt: skip
    for what, (args, words) in cases.items():
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (what, result.output)
        assert words in result.output.lower(), (what, result.output)
        assert "Traceback" not in result.output, what
    assert not (tmp_path / "none.duckdb").exists()


def test_help_documents_exit_codes_and_shows_defaults_without_markup() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    flat = " ".join(top.output.split())
    assert "Exit codes: 0 done; 1 a finding" in flat and "2 a usage or input error" in flat
    assert "spillover.toml" in flat
    for command in (
        "profile",
        "expansion",
        "opportunism",
        "tactics",
        "autonomy",
        "theatres",
        "assess",
        "check",
    ):
        text = runner.invoke(app, [command, "--help"]).output
        assert "``" not in text and ":mod:" not in text and ":func:" not in text, command
        assert "--format" in text or command == "assess", command
        assert "--store" in text and "[default:" in text, command
        options = typer.main.get_command(app).commands[command].params  # type: ignore[attr-defined]
        assert all(name in text.split() for p in options for name in p.opts if name.startswith("--")), command
    draws = " ".join(runner.invoke(app, ["expansion", "--help"]).output.split())
    assert "[default: 10000]" in draws  # from spillover.parameters.Parameters, not restated


# --- configuration: option > environment variable > spillover.toml > default -------------------------------


def test_config_file_names_the_store_and_defaults(real_data: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from spillover import config

    monkeypatch.delenv("SPILLOVER_STORE", raising=False)
    monkeypatch.delenv("SPILLOVER_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spillover.toml").write_text('store = "out/spillover.duckdb"\n[defaults]\nformat = "json"\n')
    assert config.default_store_path() == tmp_path / "out" / "spillover.duckdb"
    mali = real_data / "events/acled_hdx_mali_1997_2020.csv.gz"
    loaded = runner.invoke(app, ["data", "add", str(mali)])
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "out" / "spillover.duckdb").is_file()
    as_json = runner.invoke(app, ["profile", "AQIM", "--view", "all"])  # the file's store, the file's format
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["events"] > 100
    table = runner.invoke(app, ["profile", "AQIM", "--view", "all", "--format", "table"])  # option over file
    assert table.stdout.startswith("Al-Qaeda in the Islamic Maghreb")
    monkeypatch.setenv("SPILLOVER_STORE", str(tmp_path / "elsewhere.duckdb"))  # environment over file
    assert runner.invoke(app, ["profile", "AQIM"]).exit_code == 2
    (tmp_path / "spillover.toml").write_text('stor = "x.duckdb"\n')
    typo = runner.invoke(app, ["profile", "AQIM"])
    assert typo.exit_code == 2 and "unknown setting(s) stor" in typo.output


# --- serve -------------------------------------------------------------------------------------------------


def test_serve_binds_loopback_by_default(loaded_store, monkeypatch) -> None:  # noqa: ANN001
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    result = runner.invoke(app, ["serve", "--store", str(loaded_store.path), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    calls[0]["app"].state.explorer.close()
    missing = runner.invoke(app, ["serve", "--store", "/nonexistent/store.duckdb"])
    assert missing.exit_code == 2 and len(calls) == 1


# --- the number formatter -----------------------------------------------------------------------------------


def test_one_formatter_for_every_number() -> None:
    import numpy as np
    import pandas as pd

    from spillover.cli.output import fmt, plain

    assert fmt(1234567) == "1,234,567" and fmt(np.int64(3990), "rows") == "3,990"
    assert fmt(68.6, "fatalities") == "69" and fmt(12.0) == "12"  # a count is an integer
    assert fmt(0.4567, "share") == "45.7%" and fmt(0.25, "observed_share") == "25.0%"
    assert fmt(4.23e-14, "radius_km") == "0" and "e" not in fmt(1.5e-7) and "e" not in fmt(3.2e12)
    assert fmt(3.2e12) == "3,200,000,000,000" and fmt(1234.5678) == "1,235"
    assert fmt(0.00042, "p_value") == "< 0.001" and fmt(0.0421, "p_value") == "0.042"
    assert fmt(2013, "year") == "2013" and fmt(np.int64(2013), "year") == "2013"
    assert fmt(None) == fmt(float("nan")) == fmt(pd.NaT) == fmt(pd.NA) == "—"
    assert fmt(pd.Timestamp("2007-04-11")) == "2007-04-11"
    assert plain(4.23e-14) == "0.0000000000000423" and plain(2.5) == "2.5" and plain(float("nan")) == ""


def test_fetch_all_events_loads_what_it_can_and_lists_the_rest(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realdata import event_datasets

    events = event_datasets()
    small = next(d for d in events if d.name == "gtd1993_0615dist")
    mirror = tmp_path / "mirror"
    (mirror / small.file).parent.mkdir(parents=True)
    (mirror / small.file).symlink_to(real_data / small.file)  # a mirror holding one event file only
    monkeypatch.setenv("SPILLOVER_DATA_DIR", str(mirror))
    store = tmp_path / "f.duckdb"
    result = runner.invoke(app, ["data", "fetch", "--all-events", "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert "gtd1993_0615dist" in result.output and "748 rows" in result.output  # fetched and loaded
    flat = " ".join(result.output.split())
    assert f"{len(events) - 1} of {len(events)} datasets need to be got by hand" in flat
    for ds in events:
        if ds is not small:
            assert f"{ds.name} " in flat, ds.name  # each one listed, not only the first
