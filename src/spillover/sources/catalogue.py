"""Getting data: the dataset catalogue, hash-checked fetching with pooch, and local mirrors.

The full GED and GTD are too large to ship, and GTD/ACLED/RAND may not be redistributed at all.  So
spillover pins, for every dataset it knows, the sha256 of the file and (for openly licensed data) a stable
download address.  ``fetch`` uses a local mirror folder when ``SPILLOVER_DATA_DIR`` names one (CI points it
at ``../shared/data``), otherwise downloads with a progress bar into the cache; either way the file must
match its pinned hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pooch
import yaml

from spillover.config import cache_dir, local_data_dir


class FetchError(RuntimeError):
    """A dataset that cannot be fetched here, with the reason and the fix."""


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    sha256: str
    what: str
    licence: str
    kind: str  # 'events' (loadable into the store) or 'context' (instability, actors, maps)
    homepage: str
    open: bool
    url: str | None = None
    url_sha256: str | None = None
    load_options: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Dataset]:
    """Every dataset spillover knows, by name."""
    text = resources.files("spillover.sources").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    return {d["name"]: Dataset(**d) for d in yaml.safe_load(text)["datasets"]}


def dataset(name: str) -> Dataset:
    datasets = catalogue()
    if name not in datasets:
        from rapidfuzz import process

        close = [m[0] for m in process.extract(name, list(datasets), limit=3)]
        raise FetchError(
            f"unknown dataset {name!r}. Did you mean: {', '.join(close)}? (`spillover data list`)"
        )
    return datasets[name]


def _check_hash(path: Path, expected: str) -> None:
    actual = pooch.file_hash(str(path), alg="sha256")
    if actual != expected:
        raise FetchError(
            f"{path}: sha256 {actual} does not match the pinned {expected}. The file is not the release spillover "
            f"knows; re-download it, or load it anyway with `spillover data add {path}`."
        )


def fetch(name: str, *, progress: bool = True) -> Path:
    """Path to a verified copy of the dataset: from the local mirror, else downloaded into the cache."""
    ds = dataset(name)
    mirror = local_data_dir()
    if mirror is not None and (mirror / ds.file).is_file():
        local = mirror / ds.file
        _check_hash(local, ds.sha256)
        return local
    if ds.url and ds.url_sha256:
        return Path(
            pooch.retrieve(
                ds.url,
                known_hash=f"sha256:{ds.url_sha256}",
                fname=Path(ds.file).name.removesuffix(".gz"),
                path=cache_dir() / "downloads",
                progressbar=progress,
            )
        )
    where = f" (looked in {mirror})" if mirror else " (SPILLOVER_DATA_DIR is not set)"
    if not ds.open:
        raise FetchError(
            f"{name} may not be redistributed, so spillover cannot download it{where}. Fix: register and download "
            f"it from {ds.homepage}, then `spillover data add PATH`, or set SPILLOVER_DATA_DIR to a folder holding "
            f"{ds.file}."
        )
    raise FetchError(
        f"{name} has no pinned download address yet{where}. Fix: download it from {ds.homepage}, then "
        f"`spillover data add PATH`, or set SPILLOVER_DATA_DIR to a folder holding {ds.file}."
    )
