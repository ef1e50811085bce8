"""Finding a group by any name: the registry's names, ids and every dataset's aliases, and the store's actor
names, ranked exact > prefix > word prefix > substring > fuzzy, busier groups first among equals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process, utils

from spillover.actors import NON_ARMED_KINDS
from spillover.selection.group import resolved_store_names
from spillover.web.similarity import similar


def _normalise(text: str) -> str:
    return " ".join(utils.default_process(text).split())


@dataclass(frozen=True)
class SearchEntry:
    """One searchable label: a canonical name, an id, a dataset alias or an actor name of the store."""

    label: str
    dataset: str  # "name", "id", a dataset of the registry's aliases, or "store:<source>"
    group_id: str | None  # None for a store name the registry does not resolve


class SearchMixin:
    """The Explorer's search: built once per store from the resolved store names (kept in the memo)."""

    def resolved_store_names(self) -> pd.DataFrame:
        """Every (source, actor name) of the store with its events and registry group (None if unresolved)."""

        def compute() -> pd.DataFrame:
            with self._store_lock:
                resolved = resolved_store_names(self.store, self.resolver).copy()
                # the groups pattern rules make of the names, with their names and kinds (civilians-NGA is
                # not an armed group on Nigeria's page), however the resolutions were read
                self.resolver.hold_generated(resolved)
            resolved["group_id"] = resolved["group_id"].where(resolved["status"] == "resolved", None)
            return resolved[["source", "name", "events", "group_id", "status"]]

        return self._cache.get("store-names", compute)

    def group_event_counts(self) -> dict[str, int]:
        """Distinct events per registry group (its own names only, no family), for ranking search hits."""

        def compute() -> dict[str, int]:
            names = self.resolved_store_names().dropna(subset=["group_id"])
            if names.empty:
                return {}
            with self._store_lock, self.store.registered(_web_names=names[["source", "name", "group_id"]]):
                counts = self.store.query(
                    "SELECT n.group_id, count(DISTINCT a.event_id) AS events FROM event_actors a "
                    "JOIN events e USING (event_id) JOIN _web_names n ON n.name = a.name AND n.source = e.source "
                    "GROUP BY 1"
                )
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

            for gid, group in list(self.registry.groups.items()):
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
