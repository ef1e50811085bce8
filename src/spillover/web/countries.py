"""A country's page: the armed groups active there (and, apart, the other actors), with the onsets."""

from __future__ import annotations

from typing import Any

import pandas as pd

from spillover.actors import NON_ARMED_KINDS
from spillover.results import jsonable, number, records
from spillover.web.cache import NOT_AVAILABLE, OK
from spillover.web.sections import country_name as _country_name


class UnknownCountryError(LookupError):
    """An ISO3 code with neither events in the store nor a known country name."""


class CountryMixin:
    """The Explorer's country pages (all stored reports of the country: a page names every source's actors)."""

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
