"""Instability registry: coups, UCDP onsets and the curated YAML, checked against the raw files."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from spillover.cli import app
from spillover.instability import (
    CITATIONS,
    ONSET_COLUMNS,
    ONSET_KINDS,
    UnknownCountry,
    load_onsets,
    onsets_for,
    read_onsets_yaml,
)
from spillover.instability.registry import merge_coup_lists, state_code_to_iso3

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    return Path(os.environ.get("SPILLOVER_DATA_DIR", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="module")
def data_dir() -> Path:
    path = shared_data_dir()
    if not (path / "powell_thyne_coups_v2022_11_29.csv.gz").is_file():
        pytest.skip(f"shared data not found in {path}")
    return path


@pytest.fixture(scope="module")
def registry(data_dir: Path) -> pd.DataFrame:
    return load_onsets(data_dir)


# --- curated file --------------------------------------------------------------------------------


def test_curated_file_has_at_least_25_cited_entries():
    curated = read_onsets_yaml()
    assert len(curated) >= 25
    assert list(curated.columns) == list(ONSET_COLUMNS)
    assert curated["citation"].str.len().gt(10).all()
    assert set(curated["kind"]) <= set(ONSET_KINDS)
    assert curated["country_iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert curated["date_precision"].isin(["day", "week", "month", "year"]).all()


def test_curated_interventions_name_their_targets():
    curated = read_onsets_yaml()
    serval = curated[(curated["country_iso3"] == "MLI") & (curated["date"] == "2013-01-11")].iloc[0]
    assert serval["kind"] == "foreign_intervention"
    assert set(serval["target_groups"]) == {"aqim", "ansar-dine", "mujao"}
    assert serval["interveners"] == ("FRA",)
    linda_nchi = curated[(curated["country_iso3"] == "SOM") & (curated["date"] == "2011-10-16")].iloc[0]
    assert linda_nchi["interveners"] == ("KEN",) and "al-shabaab" in linda_nchi["target_groups"]


@pytest.mark.parametrize(
    ("iso3", "day", "kind"),
    [
        ("IRQ", "2003-03-20", "foreign_intervention"),
        ("LBY", "2011-03-19", "foreign_intervention"),
        ("LBY", "2011-02-17", "uprising"),
        ("TUN", "2011-01-14", "regime_collapse"),
        ("YEM", "2015-03-26", "foreign_intervention"),
        ("AFG", "2001-10-07", "foreign_intervention"),
        ("MLI", "2014-08-01", "foreign_intervention"),
        ("MLI", "2012-01-17", "war_onset"),
        ("DZA", "1992-01-12", "constitutional_breakdown"),
    ],
)
def test_curated_onsets_present(iso3, day, kind):
    curated = read_onsets_yaml()
    hit = curated[(curated["country_iso3"] == iso3) & (curated["date"] == pd.Timestamp(day))]
    assert kind in set(hit["kind"])


def test_user_yaml_extends_the_registry(tmp_path: Path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "onsets": [
                    {
                        "country": "Niger",
                        "date": "2023-07",
                        "precision": "month",
                        "kind": "coup",
                        "detail": "test entry",
                        "citation": "a test citation",
                        "target_group": "Some Group",
                    }
                ]
            }
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onsets = load_onsets(tmp_path, extra=[extra])
    mine = onsets[onsets["source"] == "user:mine.yaml"].iloc[0]
    assert mine["country_iso3"] == "NER"
    assert mine["date"] == pd.Timestamp("2023-07-01")
    assert mine["target_groups"] == ("some-group",)


def test_yaml_entry_without_citation_is_rejected(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("onsets:\n  - {country: MLI, date: 2012-03-22, kind: coup, detail: x}\n")
    with pytest.raises(ValueError, match="entry 1"):
        read_onsets_yaml(bad)


def test_yaml_entry_with_unknown_kind_is_rejected(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "onsets:\n  - {country: MLI, date: 2012-03-22, kind: earthquake, detail: x, citation: somebody}\n"
    )
    with pytest.raises(ValueError, match="unknown kind"):
        read_onsets_yaml(bad)


def test_missing_datasets_are_reported_not_hidden(tmp_path: Path):
    with pytest.warns(UserWarning, match="not found"):
        onsets = load_onsets(tmp_path)
    assert set(onsets.attrs["missing_sources"]) == {"powell_thyne", "cline", "ucdp_acd"}
    assert set(onsets["source"]) == {"curated"}


# --- codes ---------------------------------------------------------------------------------------


def test_state_codes_map_to_iso3():
    assert state_code_to_iso3(432) == "MLI"
    assert state_code_to_iso3(615) == "DZA"
    assert state_code_to_iso3(340) == "SRB"
    assert state_code_to_iso3(345) == "SRB"
    assert state_code_to_iso3(678) == "YEM"
    assert state_code_to_iso3(816) == "VNM"
    assert state_code_to_iso3(99999) is None


def test_unknown_country_is_a_clear_error(registry):
    with pytest.raises(UnknownCountry, match="Narnia"):
        onsets_for("Narnia", registry)
    assert issubclass(UnknownCountry, ValueError)


def test_country_without_onsets_gives_an_empty_frame(registry):
    iceland = onsets_for("Iceland", registry)
    assert iceland.empty and list(iceland.columns) == list(ONSET_COLUMNS)


def test_name_and_code_give_the_same_onsets(registry):
    pd.testing.assert_frame_equal(onsets_for("Mali", registry), onsets_for("MLI", registry))


# --- real data ------------------------------------------------------------------------------------


def test_mali_2012_coup_comes_from_powell_thyne(registry, data_dir):
    raw = pd.read_csv(data_dir / "powell_thyne_coups_v2022_11_29.csv.gz")
    row = raw[(raw["country"] == "Mali") & (raw["year"] == 2012) & (raw["month"] == 3)].iloc[0]
    assert (row["day"], row["coup"]) == (22, 2)
    mali = onsets_for("MLI", registry)
    coup = mali[(mali["date"] == "2012-03-22") & (mali["kind"] == "coup")]
    assert len(coup) == 1, "reported by both lists, kept once"
    assert coup.iloc[0]["source"] == "powell_thyne; cline"
    assert "Powell" in coup.iloc[0]["citation"] and "Cline" in coup.iloc[0]["citation"]


def test_libya_2011_nato_intervention_comes_from_yaml(registry):
    libya = onsets_for("Libya", registry, since="2011-01-01", until="2011-12-31")
    nato = libya[libya["date"] == "2011-03-19"]
    assert list(nato["kind"]) == ["foreign_intervention"]
    assert nato.iloc[0]["source"] == "curated"
    assert "1973" in nato.iloc[0]["citation"]
    assert {"regime_collapse", "uprising", "war_onset"} <= set(libya["kind"])


def test_algeria_1991_1992_onsets_present(registry):
    algeria = onsets_for("DZA", registry, since="1991-01-01", until="1992-12-31")
    war = algeria[algeria["kind"] == "war_onset"].iloc[0]
    assert war["date"] == pd.Timestamp("1991-12-09") and war["source"] == "ucdp_acd"
    coup = algeria[(algeria["kind"] == "coup") & (algeria["date"] == "1992-01-11")]
    assert coup.iloc[0]["source"] == "powell_thyne; cline"
    assert "constitutional_breakdown" in set(algeria["kind"])


def test_every_powell_thyne_coup_is_in_the_registry_once(registry, data_dir):
    raw = pd.read_csv(data_dir / "powell_thyne_coups_v2022_11_29.csv.gz")
    from_pt = registry[registry["source"].str.contains("powell_thyne")]
    assert len(from_pt) == len(raw)
    assert (from_pt["kind"] == "coup").sum() == (raw["coup"] == 2).sum()


def test_cline_rows_are_merged_or_kept(registry, data_dir):
    raw = pd.read_csv(data_dir / "cline_coup_data_v2_0_0.csv.gz")
    kept = raw[raw["event_type"] != "conspiracy"]
    from_cline = registry[registry["source"].str.contains("cline")]
    assert len(from_cline) == len(kept)
    # Nothing merged is more than a week apart: the folded Cline date is named in the detail.
    merged = from_cline[from_cline["source"] == "powell_thyne; cline"]
    cline_dates = pd.to_datetime(merged["detail"].str.extract(r"on (\d{4}-\d{2}-\d{2})$")[0])
    assert ((cline_dates - merged["date"]).abs() <= pd.Timedelta(days=7)).all()


def test_merge_keeps_one_match_per_coup():
    day = pd.Timestamp("2000-01-10")
    first = pd.DataFrame([{"country_iso3": "AAA", "date": day, "kind": "coup", "detail": "a", "source": "p"}])
    second = pd.DataFrame(
        [
            {
                "country_iso3": "AAA",
                "date": day + pd.Timedelta(days=3),
                "kind": "coup",
                "detail": "b",
                "source": "c",
            },
            {
                "country_iso3": "AAA",
                "date": day + pd.Timedelta(days=1),
                "kind": "coup",
                "detail": "c",
                "source": "c",
            },
            {"country_iso3": "BBB", "date": day, "kind": "coup", "detail": "d", "source": "c"},
        ]
    )
    merged = merge_coup_lists(first, second, max_gap_days=7)
    assert len(merged) == 3
    assert merged.iloc[0]["source"] == "p; c" and "c on 2000-01-11" in merged.iloc[0]["detail"]


def test_ucdp_onsets_and_restarts(registry, data_dir):
    acd = pd.read_csv(data_dir / "ucdp_prio_acd_v25_1.csv.gz")
    conflict = acd[acd["conflict_id"] == 11347]
    episodes = sorted(conflict["start_date2"].unique())
    mali = onsets_for("MLI", registry)
    from_conflict = mali[mali["detail"].str.startswith("UCDP conflict 11347:")]
    assert list(from_conflict["date"].dt.strftime("%Y-%m-%d")) == episodes
    assert list(from_conflict["kind"]) == ["war_onset"] + ["war_restart"] * (len(episodes) - 1)
    assert "aqim" in from_conflict.iloc[0]["target_groups"]


def test_conflicts_in_several_countries_give_one_onset_each(registry):
    suez = registry[registry["detail"].str.startswith("UCDP conflict 11343:")]
    assert {"EGY", "ISR"} <= set(suez["country_iso3"])


def test_citations_cover_every_source():
    assert {"powell_thyne", "cline", "ucdp_acd", "curated"} <= set(CITATIONS)
    assert "48(2)" in CITATIONS["powell_thyne"]
    assert "Gleditsch" in CITATIONS["ucdp_acd"] and "Davies" in CITATIONS["ucdp_acd"]


def test_cli_lists_onsets_and_rejects_unknown_country(data_dir):
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "instability",
            "Mali",
            "--since",
            "2012-01-01",
            "--until",
            "2012-12-31",
            "--data-dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2012-03-22" in result.output and "coup" in result.output
    unknown = runner.invoke(app, ["instability", "Narnia", "--data-dir", str(data_dir)])
    assert unknown.exit_code == 2 and "unknown country" in unknown.output
