"""Fusion: one picture from several datasets, each real event counted once.

* :mod:`~spillover.fusion.matching` finds pairs of events of different sources that are one real event
  (DuckDB blocking on country and month, vectorised scoring, a documented merge rule) and keeps the links
  in the store table ``event_links``;
* :mod:`~spillover.fusion.fused` builds the fused view: one row per real event, every source's figure where
  they disagree, and a reconciled value with the rule that chose it;
* :mod:`~spillover.fusion.coverage` tells which source covers which years and countries, what each adds,
  where they disagree, and warns when a trend coincides with a source starting or stopping.

    from spillover.fusion import fused_events, sources_report
    from spillover.selection import select

    events = select(store, "AQIM", view="all").events
    fused = fused_events(store, events)       # each real event once; fused.attrs["view"] == "fused"
"""

from __future__ import annotations

from spillover.fusion.coverage import (
    CoverageWarning,
    SourcesReport,
    coverage_chart,
    coverage_table,
    coverage_warnings,
    dense_coverage,
    fused_timeline,
    largest_disagreements,
    source_coverage,
    sources_report,
    unique_contributions,
)
from spillover.fusion.fused import (
    TOLL_RULES,
    VIEW_FUSED,
    events_view,
    fused_clusters,
    fused_events,
    source_view,
    view_of,
)
from spillover.fusion.matching import (
    RULE_VERSION,
    MatchRule,
    candidate_pairs,
    decide_merges,
    ensure_links_table,
    link_store,
    load_links,
    match_events,
    save_links,
    score_pairs,
)

__all__ = [
    "RULE_VERSION",
    "TOLL_RULES",
    "VIEW_FUSED",
    "CoverageWarning",
    "MatchRule",
    "SourcesReport",
    "candidate_pairs",
    "coverage_chart",
    "coverage_table",
    "coverage_warnings",
    "decide_merges",
    "ensure_links_table",
    "events_view",
    "dense_coverage",
    "fused_clusters",
    "fused_events",
    "fused_timeline",
    "largest_disagreements",
    "link_store",
    "load_links",
    "match_events",
    "save_links",
    "score_pairs",
    "source_coverage",
    "source_view",
    "sources_report",
    "unique_contributions",
    "view_of",
]
