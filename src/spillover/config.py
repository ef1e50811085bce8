"""Where things live: the store, the local data folder, the download cache, and the defaults of commands.

Each setting has a documented default and can be overridden, in this order of precedence: a command-line
option, then an environment variable, then the configuration file ``spillover.toml`` (in the working
folder, else in the user's configuration folder), then the default.  So CI, a laptop and a shared server
can each point spillover at their own copies, and the quick start's store is found by later commands.

``spillover.toml``::

    store = "out/spillover.duckdb"     # paths are relative to the file's folder
    data_dir = "../shared/data"
    cache_dir = "~/.cache/spillover"

    [defaults]                         # defaults of command options
    view = "fused"
    include = ["predecessors"]
    format = "table"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

#: Environment variable naming the DuckDB store file.
STORE_ENV = "SPILLOVER_STORE"
#: Environment variable naming a local folder that holds copies of the datasets (see MANIFEST.md there).
DATA_DIR_ENV = "SPILLOVER_DATA_DIR"
#: Environment variable naming the download cache.
CACHE_ENV = "SPILLOVER_CACHE"
#: Environment variable naming the configuration file (instead of looking for one).
CONFIG_ENV = "SPILLOVER_CONFIG"
#: The configuration file's name, looked for in the working folder, then in the user's config folder.
CONFIG_NAME = "spillover.toml"
#: The keys of the file's top level (paths) and of its ``[defaults]`` table.
PATH_KEYS = ("store", "data_dir", "cache_dir")
DEFAULT_KEYS = ("view", "include", "format")


class ConfigError(ValueError):
    """A configuration file that cannot be read (the message names the file and what is wrong)."""


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("spillover", appauthor=False))


def config_file() -> Path | None:
    """The configuration file in use: ``$SPILLOVER_CONFIG``, else ``./spillover.toml``, else
    ``spillover.toml`` in the user's configuration folder; None when there is none."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    for folder in (Path.cwd(), Path(platformdirs.user_config_dir("spillover", appauthor=False))):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The configuration file's settings (empty without a file); :class:`ConfigError` when it is not
    valid TOML or names an unknown setting (a typo would otherwise be silently ignored)."""
    path = path if path is not None else config_file()
    if path is None:
        return {}
    try:
        with path.open("rb") as handle:
            settings = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file (named by ${CONFIG_ENV})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(settings) - {*PATH_KEYS, "defaults"}
    unknown |= {f"defaults.{k}" for k in set(settings.get("defaults", {})) - set(DEFAULT_KEYS)}
    if unknown:
        known = ", ".join([*PATH_KEYS, *(f"defaults.{k}" for k in DEFAULT_KEYS)])
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; known: {known}")
    for key in PATH_KEYS:
        if key in settings:
            settings[key] = (path.parent / Path(str(settings[key])).expanduser()).resolve()
    return settings


def configured_path(key: str) -> Path | None:
    """A path setting (``store``, ``data_dir``, ``cache_dir``) of the configuration file, resolved
    against the file's folder; None when the file does not set it."""
    value = load_config().get(key)
    return Path(value) if value is not None else None


def configured_default(option: str) -> Any:
    """The ``[defaults]`` value of a command option in the configuration file, or None."""
    return load_config().get("defaults", {}).get(option)


def default_store_path() -> Path:
    """The store file: ``$SPILLOVER_STORE``, else the configuration file's ``store``, else
    ``<user data dir>/spillover.duckdb``."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    return configured_path("store") or user_data_dir() / "spillover.duckdb"


def local_data_dir() -> Path | None:
    """The folder of local dataset copies (``$SPILLOVER_DATA_DIR``, else the configuration file's
    ``data_dir``), if it exists."""
    env = os.environ.get(DATA_DIR_ENV)
    folder = Path(env).expanduser() if env else configured_path("data_dir")
    return folder if folder is not None and folder.is_dir() else None


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return configured_path("cache_dir") or Path(platformdirs.user_cache_dir("spillover", appauthor=False))


def export_to_environment() -> None:
    """Make the configuration file's folders visible to the modules that read the environment variables
    (the actor registry's UCDP layer, the instability registry), without overriding a variable already
    set: the environment still takes precedence over the file."""
    for key, env in (("data_dir", DATA_DIR_ENV), ("cache_dir", CACHE_ENV)):
        if not os.environ.get(env):
            value = configured_path(key)
            if value is not None:
                os.environ[env] = str(value)
