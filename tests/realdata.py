"""Helpers for tests on the real data files (importable from any test module)."""

from __future__ import annotations

from spillover.sources.catalogue import Dataset, catalogue


def event_datasets() -> list[Dataset]:
    """Every event dataset of the catalogue (the files tests load end to end)."""
    return [d for d in catalogue().values() if d.kind == "events"]


def load_kwargs(ds: Dataset) -> dict:
    """How the catalogue says a file must be loaded (e.g. a file with no country column)."""
    opts = ds.load_options
    return {"allow_extra": bool(opts.get("allow_extra", False)), "provided": dict(opts.get("provided", {}))}
