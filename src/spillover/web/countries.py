"""A country's page: the armed groups active there (and, apart, the other actors), with the onsets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from spillover.actors import NON_ARMED_KINDS
from spillover.instability import onsets_within
from spillover.period import period_bounds
from spillover.query.events_table import EventFilter, where_clause
from spillover.results import jsonable, number, records
from spillover.web.cache import NOT_AVAILABLE, OK
from spillover.web.sections import country_name as _country_name


class UnknownCountryError(LookupError):
    """An ISO3 code with neither events in the store nor a known country name."""


class CountryMixin:
    """The Explorer's country pages (all stored reports of the country: a page names every source's actors)."""

    def country(self, iso3: str, since: Any = None, until: Any = None) -> dict[str, Any]:
        """The country's events, groups and onsets, over the period ``since``–``until`` (every date by default)."""
        since, until = period_bounds(since, until)
        return self._cache.get(("country", iso3, since, until), lambda: self._country(iso3, since, until))

    def _country(self, iso3: str, since: str | None, until: str | None) -> dict[str, Any]:
        where, params = where_clause(
            EventFilter(countries=(iso3,), since=_day(since), until=_day(until))
        )  # the events table's filter: the period as a selection keeps it
        per_name = self.query(
            "SELECT e.source, a.name, e.year, count(DISTINCT e.event_id) AS events "
            f"FROM (SELECT event_id, source, year FROM events{where}) e "
            "JOIN event_actors a USING (event_id) GROUP BY ALL",
            params,
        )
        totals = self.query(
            "SELECT count(*) AS events, min(date_start) AS first, max(date_start) AS last, "
            f"sum(fatalities) AS fatalities FROM events{where}",
            params,
        ).iloc[0]
        name = _country_name(iso3)
        if int(totals["events"]) == 0 and name == iso3:
            raise UnknownCountryError(
                f"no events in the store for {iso3!r} and no country has that ISO3 code"
            )
        groups, others = self._groups_in_country(per_name)
        onsets = self.onsets()
        country_onsets = (
            records(
                onsets_within(onsets[onsets["country_iso3"] == iso3], since, until),
                ["date", "kind", "detail", "source"],
            )
            if onsets is not None
            else None
        )
        return {
            "iso3": iso3,
            "name": name,
            "since": since,
            "until": until,
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


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None
