"""The store's actor names resolved at load time (spillover.selection.resolutions): what a command reads back
is what the resolver answers, and a resolution of another registry or source tree is never read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from realdata import event_datasets, load_kwargs

from spillover.actors import default_resolver
from spillover.actors.resolver import Resolver
from spillover.loading.files import load_files
from spillover.selection import group
from spillover.selection.group import store_names
from spillover.selection.resolutions import TABLE, keep_resolutions, resolve_store_names, resolver_key
from spillover.store import Store

MALI = "events/acled_hdx_mali_1997_2020.csv.gz"
SOMALIA = "events/gtd_somalia_1975_2018_renamed.csv.gz"


def _resolved_afresh(store: Store) -> pd.DataFrame:
    """The store's names through a new resolver over the same registry (nothing kept, nothing shared)."""
    return Resolver(default_resolver().registry).resolve_names(
        store_names(store), name_col="name", source_col="source"
    )


@pytest.fixture
def loaded(real_data: Path, tmp_path: Path) -> Path:
    """A store that `spillover data add` loaded with an ACLED file of Mali."""
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        summary = load_files(store, [real_data / MALI])
        assert summary.ok
    return path


def test_a_load_keeps_every_name_resolved_as_the_resolver_resolves_it(loaded: Path) -> None:
    with Store(loaded, read_only=True) as store:
        names = store_names(store)
        kept = store.query(
            f"SELECT source, name FROM {TABLE} WHERE resolver_key = ?", [resolver_key(default_resolver())]
        )
        assert len(names) > 300 and len(kept) == len(names)
        pd.testing.assert_frame_equal(
            resolve_store_names(store, names, default_resolver()), _resolved_afresh(store)
        )


def test_names_the_store_does_not_keep_are_resolved(loaded: Path) -> None:
    with Store(loaded) as store:
        store.con.execute(f"DELETE FROM {TABLE} WHERE name LIKE 'M%' OR name LIKE 'JNIM%'")
    with Store(loaded, read_only=True) as store:
        left = store.query(f"SELECT count(*) AS n FROM {TABLE}")["n"].iloc[0]
        assert 0 < left < len(store_names(store))
        got = resolve_store_names(store, store_names(store), default_resolver())
        pd.testing.assert_frame_equal(got, _resolved_afresh(store))
        assert (
            got["name"].str.startswith("Military Forces of Mali")
            & (got["via"] == "pattern:acled-state-forces")
        ).any()


def test_resolutions_of_another_registry_or_source_tree_are_not_read_and_are_replaced(loaded: Path) -> None:
    with Store(loaded) as store:
        # what an older source tree or another UCDP actor list left: a wrong answer under another key
        store.con.execute(
            f"UPDATE {TABLE} SET resolver_key = 'older', group_ids = ['someone-else'], status = 'resolved'"
        )
    with Store(loaded, read_only=True) as store:
        pd.testing.assert_frame_equal(
            resolve_store_names(store, store_names(store), default_resolver()), _resolved_afresh(store)
        )
    with Store(loaded) as store:
        assert keep_resolutions(store) == len(store_names(store))  # the next load resolves them again
        keys = store.query(f"SELECT DISTINCT resolver_key FROM {TABLE}")["resolver_key"].tolist()
        assert keys == [resolver_key(default_resolver())]


def test_a_later_load_resolves_the_store_names_under_its_source(loaded: Path, real_data: Path) -> None:
    with Store(loaded) as store:
        before = store.query(f"SELECT source, name FROM {TABLE}")
        (somalia,) = [d for d in event_datasets() if d.file == SOMALIA]
        assert load_files(store, [real_data / SOMALIA], **load_kwargs(somalia)).ok
        after = store.query(f"SELECT source, name FROM {TABLE}")
        names = store.query("SELECT DISTINCT name FROM event_actors")
        # the ACLED rows stay, every name of the store is there under GTD, and every pair the store holds
        assert set(after[after["source"] == "acled"]["name"]) == set(before["name"])
        assert set(after[after["source"] == "gtd"]["name"]) == set(names["name"])
        pairs = store_names(store)
        assert set(zip(pairs["source"], pairs["name"], strict=True)) <= set(
            zip(after["source"], after["name"], strict=True)
        )
        assert keep_resolutions(store, sources=["gtd"]) == 0  # nothing left to resolve under GTD
    with Store(loaded, read_only=True) as store:
        pd.testing.assert_frame_equal(
            resolve_store_names(store, store_names(store), default_resolver()), _resolved_afresh(store)
        )


def test_a_resolver_over_a_registry_not_built_from_files_keeps_nothing(loaded: Path) -> None:
    class Careful(Resolver):
        """A resolver that may answer otherwise than the registry's (its answers are not kept)."""

    careful = Careful(default_resolver().registry)
    assert resolver_key(careful) is None
    with Store(loaded) as store:
        assert keep_resolutions(store, careful) == 0


def test_a_table_another_version_wrote_otherwise_is_resolved_afresh(loaded: Path) -> None:
    with Store(loaded) as store:
        store.con.execute(f"ALTER TABLE {TABLE} DROP COLUMN joint")
    with Store(loaded, read_only=True) as store:
        pd.testing.assert_frame_equal(
            resolve_store_names(store, store_names(store), default_resolver()), _resolved_afresh(store)
        )


def _load_with_cache(real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`spillover data add` of the Mali file by a user whose cache is ``tmp_path/cache``."""
    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "cached.duckdb"
    with Store(path) as store:
        assert load_files(store, [real_data / MALI]).ok
    return path


def _a_new_command_reads_the_kept_names(
    path: Path, expected: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new command (nothing in the process) gets ``expected`` for the store's names without counting them."""
    monkeypatch.setattr(group, "_RESOLVED_NAMES", {})
    monkeypatch.setattr(group, "store_names", lambda store: pytest.fail("the names were counted again"))
    with Store(path, read_only=True) as store:
        pd.testing.assert_frame_equal(group.resolved_store_names(store, default_resolver()), expected)


def test_the_loading_users_first_command_reads_the_store_names_the_load_counted(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    path = _load_with_cache(real_data, tmp_path, monkeypatch)
    assert len(list((tmp_path / "cache" / "memo").glob("store-names-*.pickle"))) == 1
    with Store(path, read_only=True) as store:
        expected = _resolved_afresh(store)
    _a_new_command_reads_the_kept_names(path, expected, monkeypatch)


def test_a_load_keeps_nothing_in_the_cache_when_results_are_not_kept(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPILLOVER_NO_MEMO", "1")
    _load_with_cache(real_data, tmp_path, monkeypatch)
    assert not list((tmp_path / "cache").rglob("store-names-*"))


def test_a_fetch_of_several_datasets_keeps_once_for_all_of_them(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`spillover data fetch` loads its datasets one by one (each with its own options) and keeps what a load
    keeps once, at the end: one kept count of the store's names, for the store as the fetch left it, and the
    resolutions of every source it loaded."""
    from typer.testing import CliRunner

    from spillover.cli import app

    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "fetched.duckdb"
    names = ["gtd_somalia_1975_2018_renamed", "acled_hdx_niger_1997_2020"]
    result = CliRunner().invoke(app, ["data", "fetch", *names, "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "cache" / "memo").glob("store-names-*.pickle"))) == 1
    with Store(path, read_only=True) as store:
        expected = _resolved_afresh(store)
        kept = store.con.execute(f"SELECT DISTINCT source FROM {TABLE} ORDER BY 1").fetchall()
        loaded = store.con.execute("SELECT DISTINCT source FROM events ORDER BY 1").fetchall()
        assert len(loaded) == 2 and kept == loaded
    _a_new_command_reads_the_kept_names(path, expected, monkeypatch)


def test_the_first_analysis_after_a_load_reads_the_onsets_the_load_kept(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load reads the data folder's instability onsets into the loading user's cache; the first analysis
    reads them back (nothing parsed again) and they are the onsets a fresh read gives."""
    from spillover.instability import registry
    from spillover.instability.registry import load_onsets

    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    registry._load_cached.cache_clear()
    _load_with_cache(real_data, tmp_path, monkeypatch)
    assert len(list((tmp_path / "cache" / "memo").glob("onsets-*.pickle"))) == 1
    monkeypatch.setenv("SPILLOVER_NO_MEMO", "1")
    registry._load_cached.cache_clear()
    expected = load_onsets()
    # a new command: nothing in the process, and the onsets are not read from the data folder again
    monkeypatch.delenv("SPILLOVER_NO_MEMO")
    registry._load_cached.cache_clear()
    monkeypatch.setattr(registry, "_read_onsets", lambda *a, **k: pytest.fail("the onsets were read again"))
    pd.testing.assert_frame_equal(load_onsets(), expected)
    assert len(expected) > 100
