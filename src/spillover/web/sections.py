"""The analysis sections of a group page: each is the result of one :mod:`spillover.measures` function,
serialised with its ``to_dict()`` (the same object the report's JSON and ``--format json`` carry), with
country and group names added for display.  Nothing here computes a measure of its own."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

from spillover import measures
from spillover._alloc import collector_paused
from spillover.countries import iso3_to_name
from spillover.measures import Unmeasured
from spillover.period import period_bounds
from spillover.results import records
from spillover.selection import DEFAULT_VIEW
from spillover.selection.group import stored_ids
from spillover.web.cache import FAILED, INSUFFICIENT, MISSING, OK, Section, guarded

#: Sections of the group page that take long enough the first time to be filled in after the page loads.
SECTIONS: tuple[str, ...] = ("expansion", "onsets", "opportunism", "autonomy", "theatres")
#: A period: its first and last day (ISO text), either None.
Period = tuple[str | None, str | None]
#: Years before a group's first event from which onsets in its countries are shown.
ONSET_LEAD_YEARS = 2


def country_name(iso3: Any) -> str:
    """A country's name for display ("unknown" when there is no code; the code when it has no name)."""
    if not isinstance(iso3, str) or not iso3:
        return "unknown"
    try:
        return iso3_to_name(iso3)
    except Exception:  # noqa: BLE001 - a name is decoration; the code is the fact
        return iso3


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with a ``name`` for their ``country_iso3``."""
    return [{**row, "name": country_name(row.get("country_iso3"))} for row in rows]


def _unmeasured(result: Unmeasured) -> Section:
    return Section(result.status, result.message, result.to_dict())


class SectionsMixin:
    """The Explorer's analysis sections, cached per group, view, period (and parent).

    A period (``since``/``until``) reaches :func:`spillover.selection.select` through the Explorer's
    ``selection``: every section of a page filtered by dates measures the same events."""

    def _section(self, key: Hashable, what: str, compute: Callable[[], Section]) -> Section:
        """A cached section; one that failed is not kept, so the next request tries again.  Computed with the
        cyclic collector paused (:mod:`spillover._alloc`: a section's selections and measures allocate
        millions of objects that live on in the cache)."""

        def computed() -> Section:
            with collector_paused():
                return guarded(what, compute)

        section = self._cache.get(key, computed)  # type: ignore[attr-defined]
        if section.status == FAILED:
            self._cache.discard(key)  # type: ignore[attr-defined]
        return section

    def _sel(self, gid: str, view: str, period: Period) -> Any:
        return self.selection(gid, view, since=period[0], until=period[1])  # type: ignore[attr-defined]

    def section(
        self, name: str, gid: str, parent: str | None = None, view: str = DEFAULT_VIEW, *,
        since: Any = None, until: Any = None,
    ) -> Section:  # fmt: skip
        """One of :data:`SECTIONS` of the group page in ``view`` over ``since``–``until`` (computed and
        cached on first use; ``parent`` matters to the autonomy section only)."""
        if name not in SECTIONS:
            raise KeyError(f"unknown section {name!r}; one of {SECTIONS}")
        period = period_bounds(since, until)
        compute: Callable[[], Section] = {
            "expansion": lambda: self._expansion(gid, view, period),
            "onsets": lambda: self._group_onsets(gid, view, period),
            "opportunism": lambda: self._opportunism(gid, view, period),
            "autonomy": lambda: self._autonomy(gid, parent, view, period),
            "theatres": lambda: self._theatres(gid, view, period),
        }[name]
        return self._section(_section_key(name, gid, parent, view, period), name.capitalize(), compute)

    def cached_section(
        self, name: str, gid: str, parent: str | None = None, view: str = DEFAULT_VIEW, *,
        since: Any = None, until: Any = None,
    ) -> Section | None:  # fmt: skip
        """The section if it has been computed already, else None (the page then loads it afterwards)."""
        key = _section_key(name, gid, parent, view, period_bounds(since, until))
        value = self._cache.peek(key)  # type: ignore[attr-defined]
        return None if value is MISSING else value

    # -- the measures, kept ------------------------------------------------------------------------------
    def measured_expansion(
        self, gid: str, view: str, *, since: Any = None, until: Any = None
    ) -> measures.ExpansionResult | Unmeasured:
        period = period_bounds(since, until)

        def compute() -> measures.ExpansionResult | Unmeasured:
            sel = self._sel(gid, view, period)
            with self._store_lock:  # type: ignore[attr-defined]
                return measures.expansion(sel)

        return self._cache.get(("measure-expansion", gid, view, period), compute)  # type: ignore[attr-defined]

    # -- sections ----------------------------------------------------------------------------------------
    def _expansion(self, gid: str, view: str, period: Period) -> Section:
        result = self.measured_expansion(gid, view, since=period[0], until=period[1])
        if isinstance(result, Unmeasured):
            return _unmeasured(result)
        sel = self._sel(gid, view, period)
        data = result.to_dict()
        data["countries"] = _named(data["countries"])
        data["entries"] = [
            {**row, "evidence_stored_event_ids": stored_ids(sel.events, row.get("evidence_event_ids") or [])}
            for row in _named(data["expansions"])
        ]
        data["rule_text"] = result.rule.describe()
        return Section(OK if result.ok else INSUFFICIENT, result.message, data)

    def onsets(self) -> pd.DataFrame:
        """Every instability onset (coups, war onsets, collapses, interventions)."""
        return measures.onsets()

    def _group_onsets(self, gid: str, view: str, period: Period) -> Section:
        """Onsets in the countries the group was active in, from a few years before its first event on."""
        onsets = self.onsets()
        ev = self._sel(gid, view, period).events
        if ev.empty:
            return Section(INSUFFICIENT, "The group has no events in the store.", {"onsets": []})
        countries = self.main_countries(gid, view, since=period[0], until=period[1])
        start = pd.to_datetime(ev["date_start"]).min() - pd.DateOffset(years=ONSET_LEAD_YEARS)
        end = pd.to_datetime(ev["date_start"]).max()
        mine = onsets[onsets["country_iso3"].isin(countries) & onsets["date"].between(start, end)]
        rows = records(mine, ["country_iso3", "country", "date", "kind", "detail", "source"])
        names = ", ".join(sorted(country_name(c) for c in countries))
        message = (
            f"{len(rows)} instability onsets from {start.year} to {end.year} in the {len(countries)} countries where "
            f"the group had sustained presence ({names})."
        )
        return Section(OK, message, {"countries": sorted(countries), "onsets": rows})

    def main_countries(
        self, gid: str, view: str = DEFAULT_VIEW, *, since: Any = None, until: Any = None
    ) -> set[str]:
        """Countries the group entered (sustained presence), else those with at least 3 of its events:
        the places whose instability matters for it, without the noise of one stray attack abroad."""
        result = self.measured_expansion(gid, view, since=since, until=until)
        if not isinstance(result, Unmeasured) and len(result.expansions):
            return set(result.expansions["country_iso3"])
        counts = self._sel(gid, view, period_bounds(since, until)).events["country_iso3"].value_counts()
        return set(counts[counts >= 3].index)

    def _opportunism(self, gid: str, view: str, period: Period) -> Section:
        from spillover.analysis.opportunism import describe_opportunism

        sel = self._sel(gid, view, period)
        measured = self.measured_expansion(gid, view, since=period[0], until=period[1])
        with self._store_lock:  # type: ignore[attr-defined]  # kept results are keyed by the store's content
            result = measures.opportunism(sel, measured=measured)
        if isinstance(result, Unmeasured):
            return _unmeasured(result)
        data = result.to_dict()
        data["entries"] = _named(data["entries"])
        return Section(OK if result.ok else INSUFFICIENT, describe_opportunism(result), data)

    def _autonomy(self, gid: str, parent: str | None, view: str, period: Period) -> Section:
        sel = self._sel(gid, view, period)
        parent_id = self.group_id(parent) if parent else None  # type: ignore[attr-defined]
        with self._store_lock:  # type: ignore[attr-defined]
            result = measures.autonomy(sel, parent=parent_id)
        data = result.to_dict()
        data["components"] = records(result.to_frame())
        data["composite"] = result.composite
        data["composite_rank"] = result.index.composite_rank if result.index else None
        return Section(result.status, result.message, data)

    def _theatres(self, gid: str, view: str, period: Period) -> Section:
        from spillover.analysis.fragmentation import describe_fragmentation

        sel = self._sel(gid, view, period)
        if sel.events.empty:
            return Section(INSUFFICIENT, "The group has no events in the store.")
        with self._store_lock:  # type: ignore[attr-defined]  # factions are read from the store's actor labels
            frag = measures.theatres(sel)
        data = frag.to_dict()
        data["periods"] = [row for row in records(frag.theatres.reset_index()) if row.get("n_events")]
        return Section(OK if frag.n_used else INSUFFICIENT, describe_fragmentation(frag), data)


def _section_key(name: str, gid: str, parent: str | None, view: str, period: Period) -> Hashable:
    """A section's cache key: what it is computed from (only the autonomy section depends on the parent)."""
    return (name, gid, parent if name == "autonomy" else None, view, period)
