"""Shared fixtures: where the real data lives, and a store loaded with every real event file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from realdata import event_datasets, load_kwargs

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The folder of real data: $SPILLOVER_DATA_DIR, else ../shared/data beside the repository."""
    return Path(os.environ.get("SPILLOVER_DATA_DIR", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    folder = data_dir()
    if not (folder / "MANIFEST.md").is_file():
        pytest.skip(f"real data not found in {folder} (set SPILLOVER_DATA_DIR)")
    return folder


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's real store or cache, and read data from the mirror."""
    base = tmp_path_factory.mktemp("user")
    os.environ.setdefault("SPILLOVER_STORE", str(base / "default.duckdb"))
    os.environ.setdefault("SPILLOVER_CACHE", str(base / "cache"))
    os.environ.setdefault("SPILLOVER_DATA_DIR", str(data_dir()))
    # an empty configuration file, so that a spillover.toml in the working folder (the quick start writes
    # one) or in the user's config folder does not change the defaults under test
    (base / "spillover.toml").write_text("", encoding="utf-8")
    os.environ.setdefault("SPILLOVER_CONFIG", str(base / "spillover.toml"))


@pytest.fixture(scope="session")
def loaded_store(real_data: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A store holding every real event file of the catalogue (built once per test session)."""
    from spillover.store import Store

    path = tmp_path_factory.mktemp("store") / "all.duckdb"
    with Store(path) as store:
        for ds in event_datasets():
            store.ingest(real_data / ds.file, **load_kwargs(ds))
    store = Store(path, read_only=True)
    yield store
    store.close()


def _spark_unavailable() -> str | None:
    """Why a local Spark session cannot start here (None when it can)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (optional extra: pip install 'spillover[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and (Path(java_home) / "bin" / "java").is_file()):
        return "Java is not installed (Spark needs a JRE 17+: apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark():  # noqa: ANN201 - a pyspark SparkSession
    """One local Spark session for the whole test run (``local[2]``, UI off, UTC), stopped at the end."""
    reason = _spark_unavailable()
    if reason:
        pytest.skip(reason)
    from spillover.query import local_spark_session

    session = local_spark_session(2, shuffle_partitions=4, memory="1g", app_name="spillover-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
