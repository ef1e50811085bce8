"""What the pages and the API show, computed once per store content and kept: a cache over the analyses.

The Explorer adds no rule of its own: a group's events are :func:`spillover.selection.select`'s (the same
defaults as every surface), its profile is :func:`spillover.measures.profile`'s and each section is a
:mod:`spillover.measures` result serialised with ``to_dict()`` (:mod:`spillover.web.sections`).  Why a
class with caches and a lock: a DuckDB connection must not be used by two threads at once, and FastAPI
runs every (sync) endpoint in a thread pool.  All store access goes through ``_store_lock``; results are
kept per group, view and parameters, so a page seen once is served from memory after.  Search lives in
:mod:`spillover.web.search`, country pages in :mod:`spillover.web.countries`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas as pd

from spillover import measures
from spillover.actors import Resolver, default_registry, default_resolver, lineage
from spillover.actors.graph import render_lineage_diagram
from spillover.actors.lineage import LINEAGE_COLUMNS
from spillover.actors.registry import Registry
from spillover.formatting import dates_at
from spillover.period import period_bounds
from spillover.results import records
from spillover.selection import (
    DEFAULT_VIEW,
    GroupSelection,
    UnknownGroup,
    resolve_group,
    select,
    view_choices,
)
from spillover.store import Store
from spillover.web.cache import LRUCache, Section
from spillover.web.countries import CountryMixin, UnknownCountryError
from spillover.web.search import SearchMixin
from spillover.web.sections import SECTIONS, SectionsMixin

__all__ = ["SECTIONS", "Explorer", "Section", "UnknownCountryError", "UnknownGroupError", "UnknownViewError"]

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
_RENDER_LOCK = threading.Lock()


class UnknownGroupError(LookupError):
    """A group name or id the registry does not know; carries "did you mean" suggestions."""

    def __init__(self, message: str, suggestions: list[dict[str, Any]]):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions


class UnknownViewError(ValueError):
    """A ``view`` that is neither ``all``, ``fused`` nor a source of the store; carries the choices."""

    def __init__(self, message: str, choices: list[str]):
        super().__init__(message)
        self.message = message
        self.choices = choices


class Explorer(SearchMixin, SectionsMixin, CountryMixin):
    """Read-only access to one store for the web layer, with per-group caches."""

    def __init__(self, store_path: str | Path, *, registry: Registry | None = None) -> None:
        self.store_path = Path(store_path)
        self.store = Store(self.store_path, read_only=True)
        self.registry = registry if registry is not None else default_registry()
        self.resolver = Resolver(registry) if registry is not None else default_resolver()
        self._store_lock = threading.RLock()
        self._cache = LRUCache(size=512)
        self._searches = LRUCache(size=4096)  # type-ahead asks the same prefixes again and again
        self._frames = LRUCache(size=32)  # event frames are large: keep only the groups seen last

    def close(self) -> None:
        with self._store_lock:
            self.store.close()

    def query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        with self._store_lock:
            return self.store.query(sql, params)

    # -- one group ------------------------------------------------------------------------------
    def group_id(self, name_or_id: str) -> str:
        """Canonical registry id of an id, name or alias; :class:`UnknownGroupError` with suggestions."""
        text = name_or_id.strip()
        if text in self.registry:
            return self.registry.canonical_id(text)
        try:
            # with the store: the groups pattern rules make of its names (ethnic-militia-fulani-NGA)
            with self._store_lock:
                return resolve_group(text, self.resolver, self.store)
        except (UnknownGroup, ValueError) as exc:
            suggestions = [
                {"group_id": s.group_id, "name": s.group_name, "alias": s.alias, "score": round(s.score, 1)}
                for s in self.resolver.suggest(text[:200])
            ]
            message = str(exc.args[0]) if exc.args else f"unknown group {text!r}"
            raise UnknownGroupError(message, suggestions) from exc

    # -- views ----------------------------------------------------------------------------------
    def view_choices(self) -> list[str]:
        """Every view of the store: ``all``, ``fused`` and each source (see :mod:`spillover.selection`)."""

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

    def selection(
        self, gid: str, view: str = DEFAULT_VIEW, *, since: Any = None, until: Any = None
    ) -> GroupSelection:
        """The group's selection in ``view`` over the period ``since``–``until`` (either may be None):
        :func:`spillover.selection.select` with every other default, so that a page filtered by dates counts
        exactly what an analysis of the same dates counts."""
        since, until = period_bounds(since, until)

        def compute() -> GroupSelection:
            with self._store_lock:
                return select(self.store, gid, view=view, since=since, until=until, resolver=self.resolver)

        return self._frames.get(("selection", gid, self.check_view(view), since, until), compute)

    def describe_view(
        self, gid: str, view: str = DEFAULT_VIEW, *, since: Any = None, until: Any = None
    ) -> dict[str, Any]:
        """The view's sentence and counts, for pages and the API."""
        sel = self.selection(gid, view, since=since, until=until)
        return {
            "view": view,
            "view_description": sel.describe_view(),
            "stored_events": len(sel.stored_event_ids),
            "merged_duplicates": sel.merged_duplicates,
        }

    def summary(
        self, gid: str, view: str = DEFAULT_VIEW, *, since: Any = None, until: Any = None
    ) -> dict[str, Any]:
        """Who the group is (registry) and what the store holds about it (counts by year, source, country),
        counted in ``view`` over the period ``since``–``until``."""
        since, until = period_bounds(since, until)
        return self._cache.get(
            ("summary", gid, view, since, until), lambda: self._summary(gid, view, since, until)
        )

    def _summary(self, gid: str, view: str, since: str | None, until: str | None) -> dict[str, Any]:
        group = self.registry.group(gid)
        sel = self.selection(gid, view, since=since, until=until)
        ev = sel.events
        with self._store_lock:  # kept results are keyed by the store's content, read on its connection
            prof = measures.profile(sel).to_dict()
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
            "scope": sel.describe_scope(),
            "selection": sel.parameters(),
            "matched_names": records(sel.names, ["source", "name", "group_id", "events"]),
            "events": prof["events"],
            "fatalities": prof["fatalities"],
            "first_event": min((y["first"] for y in prof["by_source"]), default=None),
            "last_event": max((y["last"] for y in prof["by_source"]), default=None),
            "by_year": prof["by_year"],
            "by_source": prof["by_source"],
            "by_country": prof["by_country"],
            "by_certainty": {str(k): int(v) for k, v in ev["certainty"].value_counts().items()}
            if len(ev)
            else {},
            "tactics": prof["tactics"],
            **self.describe_view(gid, view, since=since, until=until),
            "since": since,
            "until": until,
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
        ev = self.selection(gid, view, since=since, until=until).events
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
            **self.describe_view(gid, view, since=since, until=until),
            "total": len(ev),
            "offset": offset,
            "limit": limit,
            "next_offset": next_offset,
            "events": records(page, EVENT_COLUMNS + FUSED_COLUMNS),
        }

    def located_events(
        self, gid: str, view: str = DEFAULT_VIEW, *, since: Any = None, until: Any = None
    ) -> pd.DataFrame:
        """Events placed more precisely than a country, thinned to :data:`MAP_POINT_LIMIT` for the map."""
        ev = self.selection(gid, view, since=since, until=until).events
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
        columns = [c for c in LINEAGE_COLUMNS if not c.endswith("_precision")]
        rows = records(frame, columns)
        printed = {key: dates_at(frame, key) for key in ("start", "end")}  # at the registry's precision
        for i, row in enumerate(rows):
            for key in ("start", "end"):
                row[key] = printed[key][i] or None
            for key in ("sources", "note"):
                row[key] = None if row.get(key) is None else str(row[key])
        return {"group_id": gid, "name": self.registry.group(gid).name, "relations": rows}

    def ties(self, gid: str) -> dict[str, Any]:
        """The group's dated ties from the registry and the relations datasets
        (:func:`spillover.actors.relations.relations`, serialised as the command line's JSON)."""
        from spillover.actors.relations import relations

        return self._cache.get(("ties", gid), lambda: relations(gid, registry=self.registry).to_dict())

    def lineage_svg(self, gid: str, cache_dir: Path) -> Path:
        """The lineage diagram the report prints (:func:`spillover.actors.graph.render_lineage_diagram`: a
        networkx layout, one box per group, an arrow per dated relation), cached as SVG under ``cache_dir``."""

        def compute() -> Path:
            target = cache_dir / "lineage" / f"{gid}-diagram.svg"
            if not target.is_file():
                with _RENDER_LOCK:  # matplotlib is not thread-safe
                    written = render_lineage_diagram(gid, target, registry=self.registry)
                if written != target:
                    written.replace(target)
            return target

        return self._cache.get(("lineage-svg", gid, str(cache_dir)), compute)


def _fuzzy(value: Any) -> str | None:
    return str(value) if value is not None else None
