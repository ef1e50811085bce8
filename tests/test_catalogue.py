"""Fetching checks pinned hashes, uses local mirrors, and says how to get what cannot be downloaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spillover.sources.catalogue import FetchError, catalogue, fetch


def test_every_mirror_file_matches_its_pinned_hash(real_data: Path) -> None:
    present = [d for d in catalogue().values() if (real_data / d.file).is_file()]
    assert len(present) >= 25
    for ds in present:
        assert fetch(ds.name) == real_data / ds.file


def test_tampered_mirror_is_refused(real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = catalogue()["gtd1993_0615dist"]
    (tmp_path / "events").mkdir()
    copy = tmp_path / ds.file
    shutil.copy(real_data / ds.file, copy)
    with copy.open("ab") as fh:
        fh.write(b"\0")
    monkeypatch.setenv("SPILLOVER_DATA_DIR", str(tmp_path))
    with pytest.raises(FetchError, match="does not match the pinned"):
        fetch(ds.name)


def test_restricted_dataset_without_mirror_explains_registration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPILLOVER_DATA_DIR", str(tmp_path))
    with pytest.raises(FetchError, match=r"may not be redistributed.*start\.umd\.edu"):
        fetch("gtd1993_0615dist")


def test_unknown_dataset_suggests_names() -> None:
    with pytest.raises(FetchError, match="Did you mean.*gtd1993_0615dist"):
        fetch("gtd1993")


def test_open_datasets_have_a_pinned_download() -> None:
    for ds in catalogue().values():
        if ds.url:
            assert ds.open and ds.url_sha256 and len(ds.url_sha256) == 64 and "/" in ds.url
