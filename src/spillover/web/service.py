"""What the pages and the API show, computed once per group and kept: the bridge from the web layer to the
store, the actor registry and the analysis modules.

Why a class with caches and a lock: a DuckDB connection must not be used by two threads at once, and
FastAPI runs every (sync) endpoint in a thread pool.  All store access goes through ``_store_lock``; the
results of each analysis are cached per group (selecting a group's events takes ~0.5 s, every analysis after
it much less), so a page seen once is served from memory after.  Analyses that another engineer is still
finishing are imported lazily: when a module or function is missing its section says "not available"
instead of failing the page.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pandas as pd
from rapidfuzz import fuzz, process, utils

from spillover.actors import Resolver, default_registry, lineage, render_lineage
from spillover.actors.registry import Registry
from spillover.analysis.selection import (
    DEFAULT_VIEW,
    VIEW_ALL,
    GroupSelection,
    apply_view,
    select_group,
    store_names,
    view_choices,
)
from spillover.analysis.tactics import primary_tactics
from spillover.countries import iso3_to_name
from spillover.store import Store
from spillover.web.convert import jsonable, number, records
from spillover.web.similarity import similar

log = logging.getLogger(__name__)
T = TypeVar("T")

OK = "ok"
INSUFFICIENT = "insufficient data"
NOT_AVAILABLE = "not available"
FAILED = "error"

#: Family members whose events count as the group's on the pages (the group's earlier names and roots).
DEFAULT_INCLUDE: tuple[str, ...] = ("predecessors",)
#: Relation types that make the target a parent organisation, most telling first.
PARENT_RELATIONS: tuple[str, ...] = ("affiliate_of", "pledged_allegiance_to", "component_of")
#: Event columns the API returns (the full schema stays in the store and in the report).
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "source", "date_start", "date_end", "date_precision", "country_iso3", "country", "admin1",
    "location", "latitude", "longitude", "geo_precision", "side_a", "side_b", "tactic", "target_type",
    "fatalities", "group_id", "certainty", "org_name_as_of",
)  # fmt: skip
#: What a fused (or single-source) view adds to each event: the stored rows behind it and how they agreed.
FUSED_COLUMNS: tuple[str, ...] = (
    "event_ids", "sources", "n_sources", "reconciled_by", "fatalities_by_source", "disagreements",
)  # fmt: skip
#: Most located events a map carries (evenly thinned beyond): keeps a page light whatever the group.
MAP_POINT_LIMIT = 4000
#: Peers (other branches of the parent) used to rank an autonomy score.
MAX_PEERS = 6
#: Sections of the group page that take long enough the first time to be filled in after the page loads.
SECTIONS: tuple[str, ...] = ("expansion", "onsets", "opportunism", "autonomy", "theatres")
#: Columns the organisation-level comparisons need (narrow frames keep the autonomy index fast).
COMPARISON_COLUMNS: tuple[str, ...] = (
    "event_id", "date_start", "date_end", "date_precision", "country_iso3", "admin1", "latitude", "longitude",
    "geo_precision", "tactic", "tactics", "suicide", "target_type", "fatalities",
)  # fmt: skip
#: Registry kinds that are actors but not armed groups: listed apart on a country page.
NON_ARMED_KINDS = frozenset(
    ("state", "social-group", "identity-group", "civilians", "international", "supporters", "political", "state-faction")
)  # fmt: skip
#: Years before a group's first event from which onsets in its countries are shown.
ONSET_LEAD_YEARS = 2
#: Analysis modules imported up front: importing them for the first time from several request threads at
#: once can trip Python's import-lock deadlock detection.
ANALYSIS_MODULES: tuple[str, ...] = (
    "spillover.analysis.expansion", "spillover.analysis.opportunism", "spillover.analysis.autonomy",
    "spillover.analysis.fragmentation", "spillover.analysis.tactics", "spillover.instability",
)  # fmt: skip
#: Permutation draws for the opportunism test on a page (the report may run more).
OPPORTUNISM_DRAWS = 2000


class UnknownGroupError(LookupError):
    """A group name or id the registry does not know; carries "did you mean" suggestions."""

    def __init__(self, message: str, suggestions: list[dict[str, Any]]):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions


class UnknownCountryError(LookupError):
    """An ISO3 code with neither events in the store nor a known country name."""


class UnknownViewError(ValueError):
    """A ``view`` that is neither ``all``, ``fused`` nor a source of the store; carries the choices."""

    def __init__(self, message: str, choices: list[str]):
        super().__init__(message)
        self.message = message
        self.choices = choices


@dataclass
class Section:
    """One analysis on a page: its status, a sentence saying what it found (or why not), and its data."""

    status: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK


def optional_module(name: str) -> ModuleType | None:
    """The module if it can be imported (analyses still being written may not be there yet)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        log.info("optional module %s unavailable: %s", name, exc)
        return None


def optional_function(module: str, name: str) -> Callable[..., Any] | None:
    mod = optional_module(module)
    return getattr(mod, name, None) if mod is not None else None


def not_available(what: str) -> Section:
    return Section(NOT_AVAILABLE, f"{what} is not available in this installation of spillover.")


def guarded(what: str, compute: Callable[[], Section]) -> Section:
    """Run one analysis; a failure becomes an "error" section so that the rest of the page still shows."""
    try:
        return compute()
    except Exception as exc:  # noqa: BLE001 - one failing analysis must not take the page down
        log.exception("%s failed", what)
        return Section(FAILED, f"{what} failed: {type(exc).__name__}: {exc}")


MISSING = object()
_RENDER_LOCK = threading.Lock()


class LRUCache:
    """A bounded, thread-safe memo: each key is computed once even when many threads ask at the same time."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)

    def peek(self, key: Hashable) -> Any:
        """The cached value, or :data:`MISSING` (never computes)."""
        with self._lock:
            return self._values.get(key, MISSING)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._values[key] = value
                self._key_locks.pop(key, None)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
            return value


def _normalise(text: str) -> str:
    return " ".join(utils.default_process(text).split())


@dataclass(frozen=True)
class SearchEntry:
    """One searchable label: a canonical name, an id, a dataset alias or an actor name of the store."""

    label: str
    dataset: str  # "name", "id", a dataset of the registry's aliases, or "store:<source>"
    group_id: str | None  # None for a store name the registry does not resolve


class Explorer:
    """Read-only access to one store for the web layer, with per-group caches."""

    def __init__(self, store_path: str | Path, *, registry: Registry | None = None) -> None:
        self.store_path = Path(store_path)
        self.store = Store(self.store_path, read_only=True)
        self.registry = registry if registry is not None else default_registry()
        self.resolver = Resolver(self.registry)
        self._store_lock = threading.RLock()
        self._cache = LRUCache(size=512)
        self._searches = LRUCache(size=4096)  # type-ahead asks the same prefixes again and again
        self._frames = LRUCache(size=32)  # event frames are large: keep only the groups seen last
        for module in ANALYSIS_MODULES:
            optional_module(module)

    def close(self) -> None:
        with self._store_lock:
            self.store.close()

    def query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        with self._store_lock:
            return self.store.query(sql, params)

    # -- names and search -------------------------------------------------------------------------
    def resolved_store_names(self) -> pd.DataFrame:
        """Every (source, actor name) of the store with its events and registry group (None if unresolved)."""

        def compute() -> pd.DataFrame:
            with self._store_lock:
                names = store_names(self.store)
            resolved = self.resolver.resolve_names(names, name_col="name", source_col="source")
            resolved["group_id"] = resolved["group_id"].where(resolved["status"] == "resolved", None)
            return resolved[["source", "name", "events", "group_id", "status"]]

        return self._cache.get("store-names", compute)

    def group_event_counts(self) -> dict[str, int]:
        """Distinct events per registry group (its own names only, no family), for ranking search hits."""

        def compute() -> dict[str, int]:
            names = self.resolved_store_names().dropna(subset=["group_id"])
            if names.empty:
                return {}
            with self._store_lock:
                self.store.con.register("_web_names", names[["source", "name", "group_id"]])
                try:
                    counts = self.store.query(
                        "SELECT n.group_id, count(DISTINCT a.event_id) AS events FROM event_actors a "
                        "JOIN events e USING (event_id) JOIN _web_names n ON n.name = a.name AND n.source = e.source "
                        "GROUP BY 1"
                    )
                finally:
                    self.store.con.unregister("_web_names")
            return {str(g): int(n) for g, n in zip(counts["group_id"], counts["events"], strict=True)}

        return self._cache.get("group-counts", compute)

    def search_entries(self) -> tuple[list[SearchEntry], list[str]]:
        """The labels search runs over, and their normalised forms (built once)."""

        def compute() -> tuple[list[SearchEntry], list[str]]:
            seen: set[tuple[str, str | None]] = set()
            entries: list[SearchEntry] = []

            def add(label: str, dataset: str, gid: str | None) -> None:
                key = (_normalise(label), gid)
                if key[0] and key not in seen:
                    seen.add(key)
                    entries.append(SearchEntry(label, dataset, gid))

            for gid, group in self.registry.groups.items():
                add(group.name, "name", gid)
                add(gid, "id", gid)
                for dataset, alias in group.aliases.items():
                    add(alias.name, dataset, gid)
            for row in self.resolved_store_names().itertuples(index=False):
                add(str(row.name), f"store:{row.source}", row.group_id)
            return entries, [_normalise(e.label) for e in entries]

        return self._cache.get("search-entries", compute)

    def raw_name_events(self) -> dict[str, int]:
        frame = self._cache.get(
            "raw-name-events", lambda: self.resolved_store_names().groupby("name")["events"].sum()
        )
        return {str(k): int(v) for k, v in frame.items()}

    def search(self, q: str, limit: int = 10) -> list[dict[str, Any]]:
        """Groups whose name, id or any alias (or any store actor name) matches ``q``: exact, prefix and
        substring matches first, then fuzzy ones; one hit per group, busier groups first among equals."""
        key = (_normalise(q), limit)
        return self._searches.get(key, lambda: self._search(*key))

    def _search(self, q: str, limit: int) -> list[dict[str, Any]]:
        counts = self.group_event_counts()
        if not q:
            return self.top_groups(limit)
        entries, norms = self.search_entries()
        scores = _match_scores(q, norms, limit)
        raw_events = self.raw_name_events()
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for index, score in scores.items():
            entry = entries[index]
            key = ("group", entry.group_id) if entry.group_id else ("raw", entry.label)
            events = counts.get(entry.group_id, 0) if entry.group_id else raw_events.get(entry.label, 0)
            hit = self._hit(entry, score, events)
            if key not in best or (hit["score"], hit["events"]) > (best[key]["score"], best[key]["events"]):
                best[key] = hit
        ranked = sorted(best.values(), key=lambda h: (-h["score"], -h["events"], h["name"]))
        return ranked[:limit]

    def _hit(self, entry: SearchEntry, score: float, events: int) -> dict[str, Any]:
        group = self.registry.groups.get(entry.group_id) if entry.group_id else None
        return {
            "group_id": entry.group_id,
            "name": group.name if group else entry.label,
            "matched": entry.label,
            "dataset": entry.dataset,
            "kind": group.kind if group else None,
            "events": events,
            "score": round(float(score), 1),
        }

    def top_groups(
        self, limit: int = 20, kinds_excluded: Iterable[str] = NON_ARMED_KINDS
    ) -> list[dict[str, Any]]:
        """The armed groups with most events in the store (state forces, civilians … left out)."""
        excluded = set(kinds_excluded)
        out = []
        for gid, events in sorted(self.group_event_counts().items(), key=lambda kv: -kv[1]):
            group = self.registry.groups.get(gid)
            if group is None or group.kind in excluded:
                continue
            out.append(self._hit(SearchEntry(group.name, "name", gid), 100.0, events))
            if len(out) == limit:
                break
        return out

    # -- one group ------------------------------------------------------------------------------
    def group_id(self, name_or_id: str) -> str:
        """Canonical registry id of an id, name or alias; :class:`UnknownGroupError` with suggestions."""
        text = name_or_id.strip()
        if text in self.registry:
            return self.registry.canonical_id(text)
        try:
            return self.resolver.lookup(text)
        except (KeyError, ValueError) as exc:
            suggestions = [
                {"group_id": s.group_id, "name": s.group_name, "alias": s.alias, "score": round(s.score, 1)}
                for s in self.resolver.suggest(text[:200])
            ]
            message = str(exc.args[0]) if exc.args else f"unknown group {text!r}"
            raise UnknownGroupError(message, suggestions) from exc

    # -- views ----------------------------------------------------------------------------------
    def view_choices(self) -> list[str]:
        """Every view of the store: ``all``, ``fused`` and each source (see :mod:`spillover.analysis.selection`)."""

        def compute() -> list[str]:
            with self._store_lock:
                return view_choices(self.store)

        return self._cache.get("view-choices", compute)

    def check_view(self, view: str) -> str:
        """``view`` when the store has it; :class:`UnknownViewError` naming the choices otherwise."""
        choices = self.view_choices()
        if view not in choices:
            raise UnknownViewError(f"unknown view {view[:40]!r}: choose one of {', '.join(choices)}", choices)
        return view

    def selection(self, gid: str, view: str = DEFAULT_VIEW) -> GroupSelection:
        """The group's events (with its predecessors) across every source of the store, in ``view``.

        Each view is derived from the group's "all" selection (kept) exactly as :func:`select_group` derives
        it, so that a second view of a group costs only the fusion, not a second selection."""

        def compute() -> GroupSelection:
            if view == VIEW_ALL:
                with self._store_lock:
                    return select_group(
                        self.store, gid, include=DEFAULT_INCLUDE, resolver=self.resolver, view=VIEW_ALL
                    )
            return self._in_view(self.selection(gid, VIEW_ALL), view)

        return self._frames.get(("selection", gid, self.check_view(view)), compute)

    def _in_view(self, everything: GroupSelection, view: str) -> GroupSelection:
        with self._store_lock:
            shown, links = apply_view(self.store, everything.events, view, resolver=self.resolver)
        return dataclasses.replace(
            everything, events=shown, view=view, source_events=everything.events, links=links
        )

    def describe_view(self, gid: str, view: str = DEFAULT_VIEW) -> dict[str, Any]:
        """The view's sentence and counts, for pages and the API."""
        sel = self.selection(gid, view)
        return {
            "view": view,
            "view_description": sel.describe_view(),
            "stored_events": len(sel.stored_event_ids),
            "merged_duplicates": sel.merged_duplicates,
        }

    def summary(self, gid: str, view: str = DEFAULT_VIEW) -> dict[str, Any]:
        """Who the group is (registry) and what the store holds about it (counts by year, source, country),
        counted in ``view``."""
        return self._cache.get(("summary", gid, view), lambda: self._summary(gid, view))

    def _summary(self, gid: str, view: str) -> dict[str, Any]:
        group = self.registry.group(gid)
        sel = self.selection(gid, view)
        ev = sel.events
        fat = pd.to_numeric(ev["fatalities"], errors="coerce") if len(ev) else pd.Series(dtype=float)
        ev = ev.assign(fatalities=fat)
        return {
            "id": gid,
            "name": group.name,
            "kind": group.kind,
            "country": group.country,
            "countries": list(group.countries),
            "region": group.region,
            "founded": str(group.founded) if group.founded else None,
            "dissolved": str(group.dissolved) if group.dissolved else None,
            "note": group.note,
            "aliases": [
                {"dataset": ds, "name": a.name, "start": _fuzzy(a.start), "end": _fuzzy(a.end)}
                for ds, a in group.aliases.items()
            ],
            "relations": [
                {
                    "type": r.type,
                    "target": r.target,
                    "target_name": self._group_name(r.target),
                    "start": _fuzzy(r.start),
                    "end": _fuzzy(r.end),
                }
                for r in group.relations
            ],
            "leaders": [
                {"name": le.name, "kind": le.kind, "start": _fuzzy(le.start), "end": _fuzzy(le.end)}
                for le in group.leaders
            ],
            "family": [
                {"id": member, "name": self._group_name(member), "path": path}
                for member, path in sel.family.paths().items()
            ],
            "matched_names": records(sel.names, ["source", "name", "group_id", "events"]),
            "events": len(ev),
            "fatalities": float(fat.sum()) if len(ev) else 0.0,
            "first_event": jsonable(ev["date_start"].min()) if len(ev) else None,
            "last_event": jsonable(ev["date_start"].max()) if len(ev) else None,
            "by_year": _by_year(ev),
            "by_source": _by_source(ev),
            "by_country": _by_country(ev),
            "by_certainty": {str(k): int(v) for k, v in ev["certainty"].value_counts().items()}
            if len(ev)
            else {},
            "tactics": _tactic_totals(ev),
            **self.describe_view(gid, view),
            "view_choices": self.view_choices(),
        }

    def _group_name(self, gid: str) -> str:
        group = self.registry.groups.get(self.registry.canonical_id(gid)) if gid in self.registry else None
        return group.name if group else gid

    def events(
        self,
        gid: str,
        *,
        since: Any = None,
        until: Any = None,
        country: str | None = None,
        source: str | None = None,
        offset: int = 0,
        limit: int = 100,
        view: str = DEFAULT_VIEW,
    ) -> dict[str, Any]:
        """One page of the group's events in ``view``, filtered; ``total`` counts every event the filter
        keeps.  In a fused view an event is kept by ``source`` when that source is one of those reporting it,
        and carries the stored ``event_ids`` behind it."""
        ev = self.selection(gid, view).events
        if since is not None:
            ev = ev[pd.to_datetime(ev["date_end"]) >= pd.Timestamp(since)]
        if until is not None:
            ev = ev[pd.to_datetime(ev["date_start"]) <= pd.Timestamp(until)]
        if country:
            ev = ev[ev["country_iso3"] == country]
        if source:
            if "sources" in ev.columns:
                ev = ev[ev["sources"].map(lambda sources: source in sources)]
            else:
                ev = ev[ev["source"] == source]
        page = ev.iloc[offset : offset + limit]
        next_offset = offset + limit if offset + limit < len(ev) else None
        return {
            "group_id": gid,
            **self.describe_view(gid, view),
            "total": len(ev),
            "offset": offset,
            "limit": limit,
            "next_offset": next_offset,
            "events": records(page, EVENT_COLUMNS + FUSED_COLUMNS),
        }

    def located_events(self, gid: str, view: str = DEFAULT_VIEW) -> pd.DataFrame:
        """Events placed more precisely than a country, thinned to :data:`MAP_POINT_LIMIT` for the map."""
        ev = self.selection(gid, view).events
        lat = pd.to_numeric(ev["latitude"], errors="coerce")
        lon = pd.to_numeric(ev["longitude"], errors="coerce")
        keep = lat.notna() & lon.notna() & ~ev["geo_precision"].isin(["country", "none"])
        placed = ev[keep]
        if len(placed) > MAP_POINT_LIMIT:
            step = len(placed) / MAP_POINT_LIMIT
            placed = placed.iloc[[int(i * step) for i in range(MAP_POINT_LIMIT)]]
        return placed

    # -- lineage ----------------------------------------------------------------------------------
    def lineage(self, gid: str) -> dict[str, Any]:
        """Every succession relation among the group's predecessors and successors, dated."""
        return self._cache.get(("lineage", gid), lambda: self._lineage(gid))

    def _lineage(self, gid: str) -> dict[str, Any]:
        frame = lineage(gid, registry=self.registry)
        columns = [
            "source",
            "source_name",
            "type",
            "target",
            "target_name",
            "start",
            "end",
            "direction",
            "sources",
            "note",
        ]
        rows = records(frame, columns)
        for row in rows:
            for key in ("start", "end", "sources", "note"):
                row[key] = None if row.get(key) is None else str(row[key])
        return {"group_id": gid, "name": self.registry.group(gid).name, "relations": rows}

    def lineage_svg(self, gid: str, cache_dir: Path) -> Path:
        """The lineage timeline drawn by the actor registry, cached as SVG under ``cache_dir``."""

        def compute() -> Path:
            target = cache_dir / "lineage" / f"{gid}.svg"
            if not target.is_file():
                with _RENDER_LOCK:  # matplotlib is not thread-safe
                    written = render_lineage(gid, target.with_suffix(""), registry=self.registry)
                svg = next(p for p in written if p.suffix == ".svg")
                if svg != target:
                    svg.replace(target)
            return target

        return self._cache.get(("lineage-svg", gid, str(cache_dir)), compute)

    # -- analyses ---------------------------------------------------------------------------------
    def _section(self, key: Hashable, what: str, compute: Callable[[], Section]) -> Section:
        """A cached section; one that failed is not kept, so the next request tries again."""
        section = self._cache.get(key, lambda: guarded(what, compute))
        if section.status == FAILED:
            self._cache.discard(key)
        return section

    def section(self, name: str, gid: str, parent: str | None = None, view: str = DEFAULT_VIEW) -> Section:
        """One of :data:`SECTIONS` of the group page in ``view`` (computed and cached on first use)."""
        if name not in SECTIONS:
            raise KeyError(f"unknown section {name!r}; one of {SECTIONS}")
        if name == "autonomy":
            return self.autonomy(gid, parent, view)
        return {"expansion": self.expansion, "onsets": self.group_onsets, "opportunism": self.opportunism,
                "theatres": self.theatres}[name](gid, view)  # fmt: skip

    def cached_section(
        self, name: str, gid: str, parent: str | None = None, view: str = DEFAULT_VIEW
    ) -> Section | None:
        """The section if it has been computed already, else None (the page then loads it afterwards)."""
        key = {"onsets": ("group-onsets", gid, view), "autonomy": ("autonomy", gid, parent, view)}.get(
            name, (name, gid, view)
        )
        value = self._cache.peek(key)
        return None if value is MISSING else value

    def expansion(self, gid: str, view: str = DEFAULT_VIEW) -> Section:
        return self._section(("expansion", gid, view), "Expansion", lambda: self._expansion(gid, view))

    def _expansion(self, gid: str, view: str) -> Section:
        module = optional_module("spillover.analysis.expansion")
        if module is None or not hasattr(module, "measure_expansion"):
            return not_available("The expansion analysis")
        sel = self.selection(gid, view)
        try:
            result = module.measure_expansion(sel.events, group=sel.name)
        except getattr(module, "InsufficientData", ValueError) as exc:
            return Section(INSUFFICIENT, f"Expansion not measured: {exc}.")
        countries = result.countries.assign(name=result.countries["country_iso3"].map(_country_name))
        entries = result.expansions.assign(
            name=result.expansions["country_iso3"].map(_country_name),
            evidence_stored_event_ids=result.expansions["evidence_event_ids"].map(
                lambda ids: stored_ids(sel.events, ids)
            )
            if "evidence_event_ids" in result.expansions.columns
            else None,
        )
        data = {
            "origin_iso3": result.origin_iso3,
            "rule": result.rule.describe(),
            "n_events": result.n_events,
            "n_dropped": result.n_dropped,
            "countries": records(
                countries,
                [
                    "country_iso3",
                    "name",
                    "first_event",
                    "last_event",
                    "events",
                    "fatalities",
                    "admin1_units",
                    "entered",
                    "is_origin",
                ],
            ),
            "entries": records(
                entries,
                [
                    "country_iso3",
                    "name",
                    "date",
                    "window_end",
                    "window_events",
                    "is_origin",
                    "order",
                    "evidence_event_ids",
                    "evidence_stored_event_ids",
                ],
            ),
            "spread": records(result.spread),
            "view": view,
        }
        return Section(OK if result.ok else INSUFFICIENT, result.message, data)

    def onsets(self) -> pd.DataFrame | None:
        """Every instability onset (coups, war onsets, collapses, interventions), or None if unavailable."""

        def compute() -> pd.DataFrame | None:
            load = optional_function("spillover.instability", "load_onsets")
            if load is None:
                return None
            try:
                return load()
            except Exception:  # noqa: BLE001 - onsets enrich pages; their absence must not break them
                log.exception("loading instability onsets failed")
                return None

        return self._cache.get("onsets", compute)

    def group_onsets(self, gid: str, view: str = DEFAULT_VIEW) -> Section:
        """Onsets in the countries the group was active in, from five years before its first event on."""
        return self._section(("group-onsets", gid, view), "Onsets", lambda: self._group_onsets(gid, view))

    def _group_onsets(self, gid: str, view: str) -> Section:
        onsets = self.onsets()
        if onsets is None:
            return not_available("The instability onset registry")
        ev = self.selection(gid, view).events
        if ev.empty:
            return Section(INSUFFICIENT, "The group has no events in the store.", {"onsets": []})
        countries = self.main_countries(gid, view)
        start = pd.to_datetime(ev["date_start"]).min() - pd.DateOffset(years=ONSET_LEAD_YEARS)
        end = pd.to_datetime(ev["date_start"]).max()
        mine = onsets[onsets["country_iso3"].isin(countries) & onsets["date"].between(start, end)]
        rows = records(mine, ["country_iso3", "country", "date", "kind", "detail", "source"])
        message = (
            f"{len(rows)} instability onsets from {start.year} to {end.year} in the {len(countries)} countries where "
            f"the group had sustained presence ({', '.join(sorted(countries))})."
        )
        return Section(OK, message, {"countries": sorted(countries), "onsets": rows})

    def main_countries(self, gid: str, view: str = DEFAULT_VIEW) -> set[str]:
        """Countries the group entered (sustained presence), else those with at least 3 of its events:
        the places whose instability matters for it, without the noise of one stray attack abroad."""
        expansion = self.expansion(gid, view)
        entered = {e["country_iso3"] for e in expansion.data.get("entries", [])} if expansion.ok else set()
        if entered:
            return entered
        counts = self.selection(gid, view).events["country_iso3"].value_counts()
        return set(counts[counts >= 3].index)

    def opportunism(self, gid: str, view: str = DEFAULT_VIEW) -> Section:
        return self._section(("opportunism", gid, view), "Opportunism", lambda: self._opportunism(gid, view))

    def _opportunism(self, gid: str, view: str) -> Section:
        module = optional_module("spillover.analysis.opportunism")
        onsets = self.onsets()
        if module is None or not hasattr(module, "assess_opportunism"):
            return not_available("The opportunism test")
        if onsets is None:
            return not_available("The instability onset registry (needed by the opportunism test)")
        sel = self.selection(gid, view)
        expansion = optional_module("spillover.analysis.expansion")
        try:
            measured = expansion.measure_expansion(sel.events, group=sel.name) if expansion else sel.events
        except ValueError as exc:
            return Section(INSUFFICIENT, f"Opportunism not assessed: {exc}.")
        result = module.assess_opportunism(
            measured, onsets, group_ids=sorted(sel.family.ids), n_draws=OPPORTUNISM_DRAWS, by_kind=False
        )
        describe = getattr(module, "describe_opportunism", None)
        message = describe(result) if describe else result.message
        entries = result.entries.assign(
            name=result.entries.get("country_iso3", pd.Series(dtype=str)).map(_country_name)
        )
        data = {
            "primary_window": result.primary_window,
            "primary_null": result.primary_null,
            "n_draws": result.n_draws,
            "n_expansions": result.n_expansions,
            "entries": records(
                entries,
                [
                    "country_iso3",
                    "name",
                    "date",
                    "classification",
                    "last_onset_kind",
                    "last_onset_date",
                    "lag_months",
                    "last_onset_detail",
                ],
            ),
            "sensitivity": records(result.sensitivity),
        }
        return Section(OK if result.ok else INSUFFICIENT, message, data)

    def parent_candidates(self, gid: str) -> list[str]:
        """Organisations the group is (or was) a branch, affiliate or component of, most telling first."""
        group = self.registry.group(gid)
        ordered = sorted(
            (r for r in group.relations if r.type in PARENT_RELATIONS),
            key=lambda r: PARENT_RELATIONS.index(r.type),
        )
        out: list[str] = []
        for r in ordered:
            target = self.registry.canonical_id(r.target) if r.target in self.registry else None
            if target and target not in out and target != gid:
                out.append(target)
        return out

    def peers(self, gid: str, parent: str) -> list[str]:
        """Other branches of ``parent`` (groups with a parent relation to it), at most :data:`MAX_PEERS`."""
        out = []
        for other, group in self.registry.groups.items():
            if other in (gid, parent):
                continue
            if any(r.type in PARENT_RELATIONS and r.target == parent for r in group.relations):
                out.append(other)
        return sorted(out)[:MAX_PEERS]

    def autonomy(self, gid: str, parent: str | None = None, view: str = DEFAULT_VIEW) -> Section:
        return self._section(
            ("autonomy", gid, parent, view), "Autonomy", lambda: self._autonomy(gid, parent, view)
        )

    def _autonomy(self, gid: str, parent: str | None, view: str) -> Section:
        module = optional_module("spillover.analysis.autonomy")
        if module is None or not hasattr(module, "autonomy_index"):
            return not_available("The autonomy index")
        candidates = self.parent_candidates(gid)
        parent_id = self.group_id(parent) if parent else (candidates[0] if candidates else None)
        if parent_id is None:
            return Section(
                INSUFFICIENT,
                "The registry names no parent organisation for this group (pass ?parent= to compare with one).",
                {"parent": None, "parent_candidates": candidates, "components": []},
            )
        own = self._own_events(gid, view)
        parent_events = self._own_events(parent_id, view)
        peers = {p: self._own_events(p, view) for p in self.peers(gid, parent_id)}
        index = module.autonomy_index(
            own, parent_events, group=gid, parent=parent_id, peers=peers, leaders=self.leaders_frame()
        )
        describe = getattr(module, "describe_autonomy", None)
        components = [
            {
                "name": c.name,
                "status": c.status,
                "value": number(c.value),
                "score": number(c.score),
                "n": int(c.n),
                "n_parent": None if c.n_parent is None else int(c.n_parent),
                "how_to_read": c.how_to_read,
                "direction": c.direction,
                "peer_rank": c.peer_rank,
                "n_compared": c.n_compared,
                "reason": str(c.details.get("reason")) if c.details.get("reason") else None,
            }
            for c in index.components.values()
        ]
        data = {
            "parent": parent_id,
            "parent_name": self._group_name(parent_id),
            "parent_candidates": candidates,
            "peers": list(peers),
            "composite": number(index.composite),
            "composite_rank": index.composite_rank,
            "weights_used": jsonable(index.weights_used),
            "components": components,
            "view": view,
        }
        message = describe(index) if describe else f"Autonomy of {gid} from {parent_id}."
        status = OK if any(c["status"] == "ok" for c in components) else INSUFFICIENT
        return Section(status, message, data)

    def _own_events(self, gid: str, view: str = DEFAULT_VIEW) -> pd.DataFrame:
        """The group's own events (no family members) in ``view``, for comparisons between organisations."""

        def compute() -> pd.DataFrame:
            with self._store_lock:
                everything = select_group(self.store, gid, include=(), resolver=self.resolver, view=VIEW_ALL)
            events = self._in_view(everything, view).events if view != VIEW_ALL else everything.events
            return events[[c for c in COMPARISON_COLUMNS if c in events.columns]].copy()

        return self._frames.get(("own-events", gid, view), compute)

    def leaders_frame(self) -> pd.DataFrame:
        """Every leader in the registry, as the autonomy index's leadership component reads them."""

        def compute() -> pd.DataFrame:
            rows = [
                {
                    "group_id": gid,
                    "name": le.name,
                    "kind": le.kind,
                    "start": le.start.first if le.start else None,
                    "end": le.end.first if le.end else None,
                }
                for gid, group in self.registry.groups.items()
                for le in group.leaders
            ]
            return pd.DataFrame(rows, columns=["group_id", "name", "kind", "start", "end"])

        return self._cache.get("leaders", compute)

    def theatres(self, gid: str, view: str = DEFAULT_VIEW) -> Section:
        return self._section(("theatres", gid, view), "Theatres", lambda: self._theatres(gid, view))

    def _theatres(self, gid: str, view: str) -> Section:
        module = optional_module("spillover.analysis.fragmentation")
        if module is None or not hasattr(module, "theatres"):
            return not_available("The theatre analysis")
        ev = self.selection(gid, view).events
        if ev.empty:
            return Section(INSUFFICIENT, "The group has no events in the store.")
        frag = module.theatres(ev)
        periods = frag.theatres.reset_index()
        periods = periods[periods["n_events"] > 0]
        clusters = frag.clusters.assign(
            countries=frag.clusters["countries"].map(_short_counts),
            admin1=frag.clusters["admin1"].map(_short_counts),
        )
        split = (
            f"; split into several theatres in {frag.split_period}"
            if frag.split_period
            else "; no split found"
        )
        message = (
            f"{frag.n_used} located events clustered (DBSCAN, {frag.eps_km:.0f} km, at least {frag.min_samples} events), "
            f"{frag.n_excluded} left out for coarse location{split}."
        )
        data = {
            "split_period": frag.split_period,
            "periods": records(periods, ["period", "n_events", "n_theatres", "n_noise"]),
            "clusters": records(
                clusters,
                [
                    "period",
                    "theatre",
                    "n_events",
                    "centroid_lat",
                    "centroid_lon",
                    "radius_km",
                    "countries",
                    "admin1",
                ],
            ),
        }
        status = OK if frag.n_used else INSUFFICIENT
        return Section(status, message, data)

    # -- countries --------------------------------------------------------------------------------
    def country(self, iso3: str) -> dict[str, Any]:
        return self._cache.get(("country", iso3), lambda: self._country(iso3))

    def _country(self, iso3: str) -> dict[str, Any]:
        per_name = self.query(
            "SELECT e.source, a.name, e.year, count(DISTINCT e.event_id) AS events FROM events e "
            "JOIN event_actors a USING (event_id) WHERE e.country_iso3 = ? GROUP BY ALL",
            [iso3],
        )
        totals = self.query(
            "SELECT count(*) AS events, min(date_start) AS first, max(date_start) AS last, "
            "sum(fatalities) AS fatalities FROM events WHERE country_iso3 = ?",
            [iso3],
        ).iloc[0]
        name = _country_name(iso3)
        if int(totals["events"]) == 0 and name == iso3:
            raise UnknownCountryError(
                f"no events in the store for {iso3!r} and no country has that ISO3 code"
            )
        groups, others = self._groups_in_country(per_name)
        onsets = self.onsets()
        country_onsets = (
            records(onsets[onsets["country_iso3"] == iso3], ["date", "kind", "detail", "source"])
            if onsets is not None
            else None
        )
        return {
            "iso3": iso3,
            "name": name,
            "events": int(totals["events"]),
            "fatalities": number(totals["fatalities"]) or 0.0,
            "first_event": jsonable(totals["first"]),
            "last_event": jsonable(totals["last"]),
            "groups": groups,
            "other_actors": others,
            "onsets": country_onsets,
            "onsets_status": OK if onsets is not None else NOT_AVAILABLE,
        }

    def _groups_in_country(
        self, per_name: pd.DataFrame, top: int = 20
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Registry groups active in the country with their events per year, busiest first: armed groups,
        and apart from them the other actors (state forces, civilians, protesters, peacekeepers)."""
        if per_name.empty:
            return [], []
        names = self.resolved_store_names()[["source", "name", "group_id"]]
        tagged = per_name.merge(names, on=["source", "name"], how="left").dropna(subset=["group_id"])
        by_year = tagged.groupby(["group_id", "year"], as_index=False)["events"].sum()
        totals = by_year.groupby("group_id")["events"].sum().sort_values(ascending=False)
        armed: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for gid, events in totals.items():
            group = self.registry.groups.get(str(gid))
            kind = group.kind if group else None
            bucket = others if kind in NON_ARMED_KINDS else armed
            if len(bucket) >= top:
                continue
            years = by_year[by_year["group_id"] == gid].sort_values("year")
            bucket.append(
                {
                    "group_id": str(gid),
                    "name": group.name if group else str(gid),
                    "kind": kind,
                    "events": int(events),
                    "first_year": int(years["year"].min()),
                    "last_year": int(years["year"].max()),
                    "by_year": [
                        {"year": int(y), "events": int(n)}
                        for y, n in zip(years["year"], years["events"], strict=True)
                    ],
                }
            )
            if len(armed) >= top and len(others) >= top:
                break
        return armed, others


# -- small helpers ------------------------------------------------------------------------------------


def _match_scores(q: str, norms: list[str], limit: int) -> dict[int, float]:
    """Score of each matching label: exact 100, prefix 97, word prefix 94, every query word starting a word
    of the label 92 ('al qaida maghreb'), substring 90, fuzzy below.

    Fuzzy matches (typos) fill in only when few labels contain the query, and skip labels much shorter
    than it: 'SLA' is no answer to 'islamic magh'."""
    scores: dict[int, float] = {}
    word = re.compile(r"\b" + re.escape(q))
    tokens = q.split()
    words = [re.compile(r"\b" + re.escape(t)) for t in tokens] if len(tokens) > 1 else []
    for i, label in enumerate(norms):
        if q in label:
            if label == q:
                scores[i] = 100.0
            elif label.startswith(q):
                scores[i] = 97.0
            else:
                scores[i] = 94.0 if word.search(label) else 90.0
        elif words and all(t in label for t in tokens) and all(w.search(label) for w in words):
            scores[i] = 92.0
    if len(scores) < limit and len(q) >= 3:
        hits = process.extract(q, norms, scorer=fuzz.WRatio, limit=limit * 8, score_cutoff=75)
        for _, score, i in hits:
            if len(norms[i]) >= min(len(q), 4) and similar(q, norms[i]):
                scores.setdefault(i, min(float(score), 89.0))
    return scores


def stored_ids(events: pd.DataFrame, ids: Iterable[str]) -> list[str]:
    """The stored event ids behind ``ids`` (events of a view): a fused event stands for every row it merged;
    in the "all" view an id is its own stored row."""
    wanted = [str(i) for i in ids]
    if "event_ids" not in events.columns:
        return wanted
    behind = dict(zip(events["event_id"].astype(str), events["event_ids"], strict=True))
    return [stored for i in wanted for stored in behind.get(i, [i])]


def _fuzzy(value: Any) -> str | None:
    return str(value) if value is not None else None


def _country_name(iso3: Any) -> str:
    if not isinstance(iso3, str) or not iso3:
        return "unknown"
    try:
        return iso3_to_name(iso3)
    except Exception:  # noqa: BLE001 - a name is decoration; the code is the fact
        return iso3


def _short_counts(value: Any, top: int = 3) -> str:
    """A cluster's ``{name: events}`` as 'Mali (40), Niger (12)'."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: -kv[1])[:top]
        return ", ".join(f"{k} ({v})" for k, v in items)
    return "" if value is None else str(value)


def _by_year(ev: pd.DataFrame) -> list[dict[str, Any]]:
    if ev.empty:
        return []
    table = ev.groupby("year", as_index=False).agg(
        events=("event_id", "size"), fatalities=("fatalities", "sum")
    )
    return records(table)


def _by_source(ev: pd.DataFrame) -> list[dict[str, Any]]:
    """Events per source; in a fused view an event counts for every source that reports it."""
    if ev.empty:
        return []
    if "sources" in ev.columns:
        ev = ev.drop(columns="source").explode("sources").rename(columns={"sources": "source"})
    table = ev.groupby("source", as_index=False).agg(
        events=("event_id", "size"), first=("date_start", "min"), last=("date_start", "max")
    )
    return records(table)


def _by_country(ev: pd.DataFrame) -> list[dict[str, Any]]:
    if ev.empty:
        return []
    table = (
        ev.assign(country_iso3=ev["country_iso3"].fillna(""))
        .groupby("country_iso3", as_index=False)
        .agg(
            country=("country", "first"),
            events=("event_id", "size"),
            fatalities=("fatalities", "sum"),
            first=("date_start", "min"),
            last=("date_start", "max"),
        )
        .sort_values("events", ascending=False)
    )
    return records(table)


def _tactic_totals(ev: pd.DataFrame) -> list[dict[str, Any]]:
    if ev.empty:
        return []
    counts = primary_tactics(ev).value_counts()
    return [{"tactic": str(t), "events": int(n), "share": float(n) / len(ev)} for t, n in counts.items()]
