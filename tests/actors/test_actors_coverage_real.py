"""The registry against the real event files: coverage of named perpetrators, and exact aliases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from actors_real_data import EVENT_FILES, EventFile

from spillover.actors import coverage
from spillover.actors.models import DATASETS

TARGET = 0.90


@pytest.fixture(scope="module")
def coverage_by_file(all_actor_names: pd.DataFrame, resolver) -> pd.DataFrame:  # noqa: ANN001
    table = coverage(all_actor_names, resolver, by="file", top=5)
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print("\nregistry coverage of named perpetrators, per real event file:")
        print(
            table[
                [
                    "file",
                    "events_named",
                    "events_unknown",
                    "events_generic",
                    "events_resolved",
                    "share_events_resolved",
                    "share_fatalities_resolved",
                ]
            ].to_string(index=False)
        )
    return table.set_index("file")


@pytest.mark.parametrize("spec", EVENT_FILES, ids=lambda s: Path(s.path).name)
def test_named_perpetrators_resolved_in_every_file(spec: EventFile, coverage_by_file: pd.DataFrame) -> None:
    row = coverage_by_file.loc[Path(spec.path).name]
    print(
        f"{spec.path}: {row.events_resolved:.0f}/{row.events_named:.0f} named-perpetrator events resolved "
        f"({row.share_events_resolved:.3f}); fatalities {row.share_fatalities_resolved:.3f}; "
        f"largest unresolved: {row.top_unresolved}"
    )
    assert row.events_named > 0
    assert row.share_events_resolved >= TARGET, row.top_unresolved


def test_unknown_and_generic_names_are_counted_apart(coverage_by_file: pd.DataFrame) -> None:
    gtd = coverage_by_file.loc["gtd_lgcpspde_2010_2017_subset.csv.gz"]
    # GTD 2010-2017: about half the events have perpetrator "Unknown"
    assert gtd.events_unknown > 0.4 * gtd.events_total
    assert gtd.events_generic > 0  # "Muslim extremists", "Fulani extremists", ...
    assert gtd.events_named + gtd.events_unknown + gtd.events_generic == gtd.events_total


def _dataset_strings(folder: Path) -> dict[str, set[str]]:
    """Every actor string each dataset family writes (all actor columns, '; '-joined lists split)."""
    columns = {
        "gtd": ["gname", "gname2", "gname3", "gsubname", "Group Name"],
        "rand": ["Perpetrator"],
        "acled": [
            "actor1",
            "actor2",
            "assoc_actor_1",
            "assoc_actor_2",
            "ACTOR1",
            "ACTOR2",
            "ALLY_ACTOR_1",
            "ALLY_ACTOR_2",
        ],
        "ged": ["side_a", "side_b"],
    }
    found: dict[str, set[str]] = {k: set() for k in columns}
    for spec in EVENT_FILES:
        head = pd.read_csv(folder / spec.path, nrows=0).columns
        usecols = [c for c in columns[spec.source] if c in head]
        frame = pd.read_csv(folder / spec.path, dtype=str, keep_default_na=False, usecols=usecols)
        for col in usecols:
            for value in frame[col].unique():
                sep = ";" if spec.source == "acled" else ("," if spec.source == "ged" else None)
                found[spec.source].update(p.strip() for p in ([value] + (value.split(sep) if sep else [])))
    actors = pd.read_csv(
        folder / "ucdp_actor_v22_1.csv.gz", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    found["ged"].update(actors["NameData"].str.strip())
    from spillover.actors.layers import baad, mmp

    return {
        "gtd": found["gtd"],
        "rand": found["rand"],
        "acled": found["acled"],
        "ucdp": found["ged"],
        "mmp": set(mmp.load(folder).names()),  # names as the loaders read them (stray spaces removed)
        "baad": set(baad.load(folder).names()),
    }


def test_curated_dataset_aliases_are_exact_strings_of_the_data(actor_data: Path, registry) -> None:  # noqa: ANN001
    strings = _dataset_strings(actor_data)
    missing = []
    for g in registry.groups.values():
        if g.origin != "curated":
            continue
        for dataset, alias in g.aliases.items():
            # no GDELT file among the real data: its aliases (CAMEO codes) are checked in test_gdelt
            if dataset in ("other", "gdelt") or alias.note in {"ucdp", "ucdp-descriptive"}:
                continue
            if alias.name not in strings[dataset]:
                missing.append((g.id, dataset, alias.name))
    checked = sum(
        1
        for g in registry.groups.values()
        if g.origin == "curated"
        for ds, a in g.aliases.items()
        if ds not in ("other", "gdelt")
    )
    print(f"{checked} dataset aliases checked against the real files")
    assert checked > 500
    assert not missing, missing
    assert set(DATASETS) == {"gtd", "ucdp", "acled", "rand", "gdelt", "mmp", "baad", "other"}
