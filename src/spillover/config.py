"""Where things live: the store, the local data folder, the download cache.

Each location has a documented default and can be overridden by an environment variable or a CLI option,
so that CI, a laptop and a shared server can each point spillover at their own copies.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable naming the DuckDB store file.
STORE_ENV = "SPILLOVER_STORE"
#: Environment variable naming a local folder that holds copies of the datasets (see MANIFEST.md there).
DATA_DIR_ENV = "SPILLOVER_DATA_DIR"
#: Environment variable naming the download cache.
CACHE_ENV = "SPILLOVER_CACHE"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("spillover", appauthor=False))


def default_store_path() -> Path:
    """The store file: ``$SPILLOVER_STORE`` or ``<user data dir>/spillover.duckdb``."""
    env = os.environ.get(STORE_ENV)
    return Path(env).expanduser() if env else user_data_dir() / "spillover.duckdb"


def local_data_dir() -> Path | None:
    """The folder of local dataset copies named by ``$SPILLOVER_DATA_DIR``, if it exists."""
    env = os.environ.get(DATA_DIR_ENV)
    if env and Path(env).expanduser().is_dir():
        return Path(env).expanduser()
    return None


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("spillover", appauthor=False))
