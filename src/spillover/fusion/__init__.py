"""Fusion: one picture from several datasets, each real event counted once.

* :mod:`~spillover.fusion.matching` finds pairs of events of different sources that are one real event
  (DuckDB blocking on country and month, vectorised scoring, a documented merge rule) and keeps the links
  in the store table ``event_links``;
* :mod:`~spillover.fusion.fused` builds the fused view: one row per real event, every source's figure where
  they disagree, and a reconciled value with the rule that chose it;
* :mod:`~spillover.fusion.coverage` tells which source covers which years and countries, what each adds,
  where they disagree, and warns when a trend coincides with a source starting or stopping;
* :mod:`~spillover.fusion.files` tells which files cover a country over a period, and which sources and
  files stand behind a fused event (the report's and the claim check's guard against coverage trends).

    from spillover.fusion import fused_events, sources_report
    from spillover.selection import select

    events = select(store, "AQIM", view="all").events
    fused = fused_events(store, events)       # each real event once; fused.attrs["view"] == "fused"
"""

from __future__ import annotations

from spillover._lazy import lazy_attributes

#: where each name lives, imported on first use (PEP 562): the claim check imports
#: :mod:`spillover.fusion.files` without the matching and the fused view.
_LAZY = {
    "CoverageWarning": "spillover.fusion.coverage",
    "MatchRule": "spillover.fusion.rule",
    "RULE_VERSION": "spillover.fusion.rule",
    "SourcesReport": "spillover.fusion.coverage",
    "TOLL_RULES": "spillover.fusion.fused",
    "VIEW_FUSED": "spillover.fusion.fused",
    "candidate_pairs": "spillover.fusion.matching",
    "coverage_chart": "spillover.fusion.coverage",
    "coverage_table": "spillover.fusion.coverage",
    "coverage_warnings": "spillover.fusion.coverage",
    "decide_merges": "spillover.fusion.matching",
    "dense_coverage": "spillover.fusion.coverage",
    "ensure_links_table": "spillover.fusion.matching",
    "events_view": "spillover.fusion.fused",
    "fused_clusters": "spillover.fusion.fused",
    "fused_events": "spillover.fusion.fused",
    "fused_timeline": "spillover.fusion.coverage",
    "largest_disagreements": "spillover.fusion.coverage",
    "link_store": "spillover.fusion.matching",
    "load_links": "spillover.fusion.matching",
    "match_events": "spillover.fusion.matching",
    "save_links": "spillover.fusion.matching",
    "score_pairs": "spillover.fusion.matching",
    "source_coverage": "spillover.fusion.coverage",
    "source_view": "spillover.fusion.fused",
    "sources_report": "spillover.fusion.coverage",
    "unique_contributions": "spillover.fusion.coverage",
    "view_of": "spillover.fusion.fused",
}

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

__getattr__ = lazy_attributes(__name__, _LAZY)
