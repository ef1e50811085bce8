"""Fixtures for the actor registry tests: the real data folder, perpetrator-name tables, the registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from actors_real_data import EVENT_FILES, actor_names, data_dir


@pytest.fixture(scope="session")
def actor_data() -> Path:
    folder = data_dir()
    if not (folder / "MANIFEST.md").is_file():
        pytest.skip(f"real data not found in {folder} (set SPILLOVER_DATA_DIR)")
    return folder


@pytest.fixture(scope="session")
def all_actor_names(actor_data: Path) -> pd.DataFrame:
    """Perpetrator-name tables of every real event file, stacked."""
    return pd.concat([actor_names(actor_data, spec) for spec in EVENT_FILES], ignore_index=True)


@pytest.fixture(scope="session")
def registry(actor_data: Path):  # noqa: ANN201 - spillover.actors.Registry
    from spillover.actors import load_registry

    return load_registry(ucdp_actors=actor_data / "ucdp_actor_v22_1.csv.gz")


@pytest.fixture(scope="session")
def resolver(registry):  # noqa: ANN001, ANN201
    from spillover.actors import Resolver

    return Resolver(registry)
