"""The store's actor names as the registry resolves them, kept in the store when files are loaded.

Why: every selection starts from the store's distinct (source, actor name) pairs resolved through the
registry (:func:`spillover.selection.group.resolved_store_names`: ~5,600 names, ~0.3 CPU s).  Kept between
runs in the user's cache (:mod:`spillover.memo`), that was still paid by the first command after every load,
by each user and after each upgrade.  A load (:func:`spillover.loading.files.load_files`) resolves the names
it added and writes their resolutions into a table of the store, so that the first command reads them.

What a row holds is the resolver's answer for one (source, name) — :meth:`Resolver.resolve_names`'s columns —
keyed by what that answer depends on: the registry's inputs (content hashes of the UCDP actor list and the
user registries, :func:`~spillover.actors.registry.registry_inputs`) and the package's source (the shipped
registry and the resolution rules, :func:`spillover.memo.code_fingerprint`).  A row of another key is never
read (the next load replaces them); a name without a row is resolved as before.  Plain columns, not pickles:
a store file may come from someone else.  What a load keeps, and when: :mod:`spillover.loading.after`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from spillover._duck import has_table, scalar, transaction

if TYPE_CHECKING:
    from spillover.actors.resolver import Resolver
    from spillover.store import Store

log = logging.getLogger(__name__)

TABLE = "actor_resolutions"
#: the columns :meth:`~spillover.actors.resolver.Resolver.resolve_names` adds, in its order
COLUMNS = (
    "status",
    "group_ids",
    "candidate_ids",
    "group_id",
    "matched_alias",
    "via",
    "category",
    "uncertain",
    "joint",
)
_DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    resolver_key VARCHAR, source VARCHAR, name VARCHAR, status VARCHAR, group_ids VARCHAR[],
    candidate_ids VARCHAR[], group_id VARCHAR, matched_alias VARCHAR, via VARCHAR, category VARCHAR,
    uncertain BOOLEAN, joint BOOLEAN)"""


def resolver_key(resolver: Resolver) -> str | None:
    """What a resolver's answers depend on, as a key; None for a resolver whose answers are not kept (a
    subclass, or a registry not built from files)."""
    from spillover.actors.resolver import resolver_inputs
    from spillover.memo import code_fingerprint

    built_from = resolver_inputs(resolver)
    if built_from is None:
        return None
    return hashlib.sha256(f"{code_fingerprint()}|{built_from}".encode()).hexdigest()[:24]


def keep_resolutions(
    store: Store, resolver: Resolver | None = None, *, sources: Iterable[str] | None = None
) -> int:
    """Resolve the store's actor names under each of ``sources`` (default: every source of the store) for
    the pairs without a row for the resolver's key, and write them (rows of another key are dropped, and then
    every source is done); the number of (source, name) pairs resolved.  Called after a load, on a store open for writing.

    Every distinct name is paired with each source, whether or not that source wrote it: listing the
    distinct names is ~50 times cheaper than joining the actor rows to their events (0.02 against 0.9 s for
    two million ACLED events), and a pair that never occurs is simply never read."""
    from spillover.actors.resolver import default_resolver

    resolver = resolver or default_resolver()
    key = resolver_key(resolver)
    if key is None:
        return 0
    con = store.con
    con.execute(_DDL)
    stale = scalar(con, f"SELECT count(*) FROM {TABLE} WHERE resolver_key <> ?", [key])
    if sources is None or stale:
        sources = [r[0] for r in con.execute("SELECT DISTINCT source FROM events").fetchall()]
    names = [r[0] for r in con.execute("SELECT DISTINCT name FROM event_actors ORDER BY name").fetchall()]
    done = set(con.execute(f"SELECT source, name FROM {TABLE} WHERE resolver_key = ?", [key]).fetchall())
    pairs = [(s, n) for s in sorted(set(sources), key=str) for n in names if (s, n) not in done]
    if not pairs and not stale:
        return 0
    missing = pd.DataFrame(pairs, columns=["source", "name"], dtype=object)
    resolved = resolver.resolve_names(missing, name_col="name", source_col="source")
    rows = resolved[["source", "name", *COLUMNS]].assign(resolver_key=key)
    with transaction(con):
        con.execute(f"DELETE FROM {TABLE} WHERE resolver_key <> ?", [key])
        with store.registered(_resolutions_rows=rows):
            con.execute(
                f"INSERT INTO {TABLE} SELECT resolver_key, source, name, {', '.join(COLUMNS)} FROM _resolutions_rows"
            )
    return len(missing)


def resolve_store_names(store: Store, names: pd.DataFrame, resolver: Resolver) -> pd.DataFrame:
    """``resolver.resolve_names(names)`` (``names``: :func:`~spillover.selection.group.store_names`), with
    the resolutions the store keeps for the resolver's key read instead of computed; the names it does not
    keep are resolved."""
    kept = _kept(store, names, resolver)
    if not kept:
        return resolver.resolve_names(names, name_col="name", source_col="source")
    keys = list(zip(names["name"].astype("string").fillna(""), names["source"].astype("object"), strict=True))
    missing = [i for i, k in enumerate(keys) if k not in kept]
    if missing:
        rest = resolver.resolve_names(names.iloc[missing], name_col="name", source_col="source")
        for k, values in zip(
            (keys[i] for i in missing), rest[list(COLUMNS)].itertuples(index=False, name=None), strict=True
        ):
            kept[k] = values
    out = names.copy()
    columns = list(zip(*(kept[k] for k in keys), strict=True)) if keys else [[] for _ in COLUMNS]
    for column, values in zip(COLUMNS, columns, strict=True):
        out[column] = list(values)
    return out


def _kept(store: Store, names: pd.DataFrame, resolver: Resolver) -> dict[tuple[str, Any], tuple]:
    """The store's resolutions of ``names``' (source, name) pairs for the resolver's key, by (name, source) as
    resolve_names keys them."""
    key = resolver_key(resolver)
    if key is None or not has_table(store.con, TABLE):
        return {}
    try:
        with store.registered(_resolutions_names=names[["source", "name"]]):
            rows = store.con.execute(
                f"""SELECT k.source, k.name, {", ".join(f"k.{c}" for c in COLUMNS)} FROM {TABLE} k
                SEMI JOIN _resolutions_names n
                    ON k.source IS NOT DISTINCT FROM n.source AND k.name IS NOT DISTINCT FROM n.name
                WHERE k.resolver_key = ?""",
                [key],
            ).fetchall()
    except duckdb.Error as exc:  # a table another version of the code wrote otherwise: resolved afresh
        log.info("the store's kept actor resolutions are not readable (%s): resolved afresh", exc)
        return {}
    return {(name if name is not None else "", source): tuple(row) for source, name, *row in rows}
