"""How much of each source's named-perpetrator activity the registry resolves.

The input is small: one row per distinct raw actor name per source, with its event and fatality counts
(the store aggregates them).  Names that identify no one ("Unknown") or only a type of perpetrator
("Muslim extremists") are counted apart and left out of the denominator: the question is how many of the
events a source *does* attribute to a named actor end up on a registry entry.
"""

from __future__ import annotations

import pandas as pd

from spillover.actors.resolver import Resolver

COVERAGE_COLUMNS = [
    "names",
    "events_total",
    "events_unknown",
    "events_generic",
    "events_named",
    "events_resolved",
    "events_ambiguous",
    "events_unresolved",
    "share_events_resolved",
    "fatalities_named",
    "fatalities_resolved",
    "share_fatalities_resolved",
    "top_unresolved",
]


def classify_names(actor_names: pd.DataFrame, resolver: Resolver) -> pd.DataFrame:
    """``actor_names`` (source, name, events, fatalities) with the resolution of each name and its
    ``outcome``: unknown, generic, resolved, ambiguous or unresolved."""
    frame = resolver.resolve_names(actor_names, name_col="name", source_col="source")
    frame["outcome"] = frame["status"].where(frame["category"] == "named", frame["category"])
    return frame


def coverage(
    actor_names: pd.DataFrame, resolver: Resolver | None = None, by: str | list[str] = "source", top: int = 10
) -> pd.DataFrame:
    """Per source: events and fatalities with a named perpetrator, and the share of them resolved, plus the
    largest unresolved names by events (``top_unresolved``: "name (events)" joined by " | ")."""
    resolver = resolver or Resolver()
    frame = classify_names(actor_names, resolver)
    frame["events"] = pd.to_numeric(frame["events"], errors="coerce").fillna(0)
    frame["fatalities"] = pd.to_numeric(frame.get("fatalities", 0), errors="coerce").fillna(0)
    keys = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, part in frame.groupby(keys, dropna=False, sort=True):
        rows.append(
            {**dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)), **_summary(part, top)}
        )
    return pd.DataFrame(rows, columns=keys + COVERAGE_COLUMNS)


def _summary(part: pd.DataFrame, top: int) -> dict[str, object]:
    def total(outcomes: set[str], column: str = "events") -> float:
        return float(part.loc[part["outcome"].isin(outcomes), column].sum())

    # a scoped name resolves to one group once the event's date and country are known
    named_outcomes = {"resolved", "scoped", "ambiguous", "unresolved"}
    named, resolved = total(named_outcomes), total({"resolved", "scoped"})
    fat_named, fat_resolved = total(named_outcomes, "fatalities"), total({"resolved", "scoped"}, "fatalities")
    missing = part[part["outcome"].isin({"unresolved", "ambiguous"})].nlargest(top, "events")
    return {
        "names": int(part["name"].nunique()),
        "events_total": float(part["events"].sum()),
        "events_unknown": total({"unknown"}),
        "events_generic": total({"generic"}),
        "events_named": named,
        "events_resolved": resolved,
        "events_ambiguous": total({"ambiguous"}),
        "events_unresolved": total({"unresolved"}),
        "share_events_resolved": resolved / named if named else float("nan"),
        "fatalities_named": fat_named,
        "fatalities_resolved": fat_resolved,
        "share_fatalities_resolved": fat_resolved / fat_named if fat_named else float("nan"),
        "top_unresolved": " | ".join(
            f"{n} ({e:.0f})" for n, e in zip(missing["name"], missing["events"], strict=True)
        ),
    }


def unresolved_names(
    actor_names: pd.DataFrame, resolver: Resolver | None = None, top: int = 20
) -> pd.DataFrame:
    """The largest names (by events) that resolve to no single group, per source, for curation."""
    frame = classify_names(actor_names, resolver or Resolver())
    missing = frame[frame["outcome"].isin({"unresolved", "ambiguous"})]
    return (
        missing.sort_values("events", ascending=False)
        .groupby("source", sort=True)
        .head(top)[["source", "name", "events", "fatalities", "outcome", "group_ids"]]
        .reset_index(drop=True)
    )
