"""What the checks read from the store, loaded once per text in a fixed number of queries.

:meth:`Evidence.load` selects the group's family once, reads the file coverage once, then fetches in ONE
query every event of every window the claims ask about (a country over a claimed period), each with the
names the sources give its perpetrators, and in ONE more the events per file in each of those windows.  A
check then only filters frames: the number of store queries does not grow with the number of claims, and
the time of a check is linear in the text.

**Coverage rule** (:meth:`Evidence.covered`).  A claim that a group was, or was not, somewhere at some time
can only be contradicted where the data could have seen it.  A country and period are *covered* when at
least one file of the store holds at least :data:`MIN_EVENTS_PER_YEAR` events of any actor in that country
per calendar year of the period (the years the claimed period touches).  A file with a handful of events in
a country-year (e.g. the only file covering Libya in 2011 holds one event there) is an extract that did not
follow that country then; its silence about a group says nothing.  Where nothing covers the claim, the
verdict is "not checkable", naming the files and their counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import pandas as pd

from spillover.claims.dates import When
from spillover.claims.extract import Claim
from spillover.countries import iso3_to_name
from spillover.fusion.files import file_coverage, overlapping
from spillover.store import Store

#: Events of any actor per country-year a file must hold for the country-year to count as covered.
MIN_EVENTS_PER_YEAR = 10
#: Whose events a claim about the group may be about: its lineage (predecessors, including the groups it
#: split from, and successors: an assessment of a group retells its predecessors' history, and "The GIA
#: hijacked a plane in 1994" is checked against the GIA's events) …
LINEAGE = ("predecessors", "successors")
#: … and the wider family, whose events are reported as a different attribution ("the data attribute it to
#: al-Mourabitoun, split from AQIM").  Not the family rule of the analyses (identity only by default): a
#: check must be able to name who else did it.
CHECKED_FAMILY = (*LINEAGE, "affiliates", "splinters", "components")
#: The actor roles that name who did an event.
PERPETRATOR_ROLES = ("perpetrator", "side_a")

Window = tuple[str, pd.Timestamp, pd.Timestamp]  # country, first day, last day
#: ISO3 → short English name, remembered (country_converter takes milliseconds per call).
country_name = cache(iso3_to_name)


def window(w: When) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days an event claimed at ``w`` may fall on (a day ±1: sources differ by a day)."""
    start, end = pd.Timestamp(w.start), pd.Timestamp(w.end)
    if w.precision == "day":
        return start - pd.Timedelta(days=1), end + pd.Timedelta(days=1)
    return start, end


def whole_years(lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The calendar years ``lo`` … ``hi`` touch (the unit of the coverage rule)."""
    return pd.Timestamp(lo.year, 1, 1), pd.Timestamp(hi.year, 12, 31)


@dataclass
class Evidence:
    """Everything the checks of one text read: the group's family and its events, file coverage, onsets,
    and the events of every window the claims name (see the module docstring)."""

    store: Store
    group_id: str
    lineage: set[str]
    family_of: dict[str, str]  # event_id → family member
    family_events: pd.DataFrame
    coverage: pd.DataFrame
    onsets: pd.DataFrame
    window_events: dict[Window, pd.DataFrame] = field(default_factory=dict)
    file_counts: dict[Window, dict[str, int]] = field(default_factory=dict)
    _group_events: dict[str, pd.DataFrame] = field(default_factory=dict)
    _notes: dict[Window, tuple[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store, group_id: str, claims: list[Claim]) -> Evidence:
        from spillover.actors import family
        from spillover.instability import load_onsets
        from spillover.selection import CERTAINTIES, VIEW_ALL, select

        everyone = select(store, group_id, include=CHECKED_FAMILY, view=VIEW_ALL, certainty=CERTAINTIES)
        ev = cls(
            store=store,
            group_id=group_id,
            lineage=family(group_id, include=LINEAGE).ids,
            family_of=dict(zip(everyone.events["event_id"], everyone.events["group_id"], strict=True)),
            family_events=everyone.events,
            coverage=file_coverage(store),
            onsets=load_onsets(),
        )
        event_windows = {_key(c.places[0].iso3, *window(c.when)) for c in claims if c.kind == "event"}
        counted = set(event_windows)
        for c in claims:
            if c.kind in ("event", "entry") and c.when is not None and c.places:
                lo, hi = window(c.when)
                counted |= {_key(c.places[0].iso3, lo, hi), _key(c.places[0].iso3, *whole_years(lo, hi))}
        ev.window_events = ev._fetch_events(sorted(event_windows, key=str))
        ev.file_counts = ev._count_by_file(sorted(counted, key=str))
        return ev

    # -- the batched queries -------------------------------------------------------------------
    def _fetch_events(self, windows: list[Window]) -> dict[Window, pd.DataFrame]:
        """Every event of every window, with ``_perpetrators`` (the names of who did it): one query."""
        if not windows:
            return {}
        frame = self.store.query(
            f"""
            WITH w AS ({_WINDOWS_SQL}),
            hits AS (
                SELECT w.k AS _window, e.* FROM w JOIN events e
                ON e.country_iso3 = w.iso3 AND e.date_end >= w.lo AND e.date_start <= w.hi
            ),
            who AS (
                SELECT event_id, list(name ORDER BY ordinal) AS _perpetrators FROM event_actors
                WHERE role IN {PERPETRATOR_ROLES} AND event_id IN (SELECT event_id FROM hits) GROUP BY 1
            )
            SELECT hits.*, who._perpetrators FROM hits LEFT JOIN who USING (event_id)
            ORDER BY _window, date_start, event_id
            """,
            _window_params(windows),
        )
        parts = dict(tuple(frame.groupby("_window", sort=False))) if len(frame) else {}
        empty = frame.iloc[0:0]
        return {
            w: parts.get(i, empty).drop(columns="_window").reset_index(drop=True)
            for i, w in enumerate(windows)
        }

    def _count_by_file(self, windows: list[Window]) -> dict[Window, dict[str, int]]:
        """Events of any actor per file in every window: one query."""
        if not windows:
            return {}
        frame = self.store.query(
            f"""
            WITH w AS ({_WINDOWS_SQL})
            SELECT w.k, f.name, count(*) AS n FROM w
            JOIN events e ON e.country_iso3 = w.iso3 AND e.date_end >= w.lo AND e.date_start <= w.hi
            JOIN files f ON f.file_id = e.file_id
            GROUP BY ALL
            """,
            _window_params(windows),
        )
        out: dict[Window, dict[str, int]] = {w: {} for w in windows}
        for r in frame.itertuples():
            out[windows[r.k]][r.name] = int(r.n)
        return out

    # -- what the checks ask ---------------------------------------------------------------------
    def events_in(self, iso3: str | None, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
        """Every event (any actor) in a country over a window fetched by :meth:`load`."""
        return self.window_events[_key(iso3, lo, hi)].copy()

    def coverage_note(self, iso3: str | None, lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[str, list[str]]:
        """Which files cover a country over a window, with their events there in that window (worked out
        once per window: many claims of a long text share one)."""
        key = _key(iso3, lo, hi)
        if key not in self._notes:
            self._notes[key] = self._coverage_note(iso3, lo, hi)
        return self._notes[key]

    def _coverage_note(self, iso3: str | None, lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[str, list[str]]:
        files = overlapping(self.coverage, iso3, lo, hi)
        place = country_name(iso3) if iso3 else "that place"
        if files.empty:
            return f"no file of the store covers {place} from {lo:%Y-%m-%d} to {hi:%Y-%m-%d}", []
        n = self.file_counts.get(_key(iso3, lo, hi), {})
        listed = [
            f"{r.file} ({r.source}, {n.get(r.file, 0)} event(s) there then)" for r in files.itertuples()
        ]
        return f"files covering {place} then: " + "; ".join(listed), [str(s) for s in files["source"]]

    def covered(self, iso3: str | None, lo: pd.Timestamp, hi: pd.Timestamp) -> bool:
        """Could the store have seen the group in this country then? (the rule of the module docstring)"""
        first, last = whole_years(lo, hi)
        need = MIN_EVENTS_PER_YEAR * (last.year - first.year + 1)
        return any(n >= need for n in self.file_counts.get(_key(iso3, first, last), {}).values())

    @staticmethod
    def coverage_rule() -> str:
        return (
            f"a country and period are covered when a file of the store holds at least {MIN_EVENTS_PER_YEAR} "
            "events of any actor there per calendar year of the period"
        )

    @cached_property
    def relations(self) -> pd.DataFrame:
        """The actor registry's relations, one row each (built once per text, not once per claim)."""
        from spillover.actors import default_registry

        return default_registry().relations()

    def onsets_in(self, iso3: str | None) -> pd.DataFrame:
        """The onsets of one country."""
        return self._onsets_by_country.get(iso3 or "", self.onsets.iloc[0:0])

    @cached_property
    def _onsets_by_country(self) -> dict[str, pd.DataFrame]:
        return {str(c): g for c, g in self.onsets.groupby("country_iso3", sort=False)}

    @cached_property
    def members(self) -> set[str]:
        """The family members that have events."""
        return set(self.family_of.values())

    @cached_property
    def member_of(self) -> pd.Series:
        """``family_of`` as a Series (event id → family member), for fast mapping of event ids."""
        return pd.Series(self.family_of, dtype=object)

    @cached_property
    def lineage_events(self) -> pd.DataFrame:
        return self.family_events[self.family_events["group_id"].isin(self.lineage)]

    @cached_property
    def expansion(self) -> Any:
        """The lineage's entries into countries (spillover.analysis.expansion), measured once per text."""
        from spillover.analysis.expansion import measure_expansion

        return measure_expansion(self.lineage_events)

    def group_events(self, gid: str) -> pd.DataFrame:
        """Events of one group (from the family already selected, else selected once per group)."""
        if gid not in self._group_events:
            from spillover.selection import CERTAINTIES, VIEW_ALL, select

            ev = self.family_events[self.family_events["group_id"] == gid]
            self._group_events[gid] = (
                ev
                if len(ev)
                else select(self.store, gid, include=(), view=VIEW_ALL, certainty=CERTAINTIES).events
            )
        return self._group_events[gid]


_WINDOWS_SQL = (
    "SELECT unnest(?::INTEGER[]) AS k, unnest(?::VARCHAR[]) AS iso3, "
    "unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi"
)


def _key(iso3: str | None, lo: pd.Timestamp, hi: pd.Timestamp) -> Window:
    return (iso3 or "", pd.Timestamp(lo), pd.Timestamp(hi))


def _window_params(windows: list[Window]) -> list[Any]:
    """The four lists :data:`_WINDOWS_SQL` unnests: index, country, first and last day."""
    return [
        list(range(len(windows))),
        [w[0] for w in windows],
        [w[1].to_pydatetime() for w in windows],
        [w[2].to_pydatetime() for w in windows],
    ]
