"""Which files of the store cover a country and a period: the guard against trends made by coverage.

Most event files in a store are regional or time-bounded extracts (RAND ends in 2009, a GTD subset starts in
2010, ACLED country files start in 1997).  Counting a group's events before and after a date across files
that start or stop in between would turn a change of coverage into a change of behaviour.  So every
before/after comparison of the report counts only events from files whose own events in that country span
the whole comparison window, and every "not in the data" verdict names the files that do cover the date.

A fused event (the ``fused`` view of :func:`spillover.selection.select`) stands for the stored
rows of every source that reports it: it counts once, and it is covered when *any* file behind it covers its
country (:func:`files_behind`, from the ``file_ids`` the report adds in
:func:`spillover.selection.select`); its sources are the ``sources`` behind it
(:func:`sources_behind`), never the joined label ``"acled+gtd"`` of its ``source`` column.
"""

from __future__ import annotations

import pandas as pd

from spillover.store import Store

#: Label of events reported by several sources where a chart or table shows one source per event.
SEVERAL_SOURCES = "several sources"


def sources_behind(events: pd.DataFrame) -> pd.Series:
    """Per event, the list of sources that report it (``sources`` of a fused view, else ``[source]``)."""
    if "sources" in events:
        return events["sources"].map(lambda ss: [str(s) for s in ss])
    return events["source"].map(lambda s: [str(s)])


def all_sources(events: pd.DataFrame) -> list[str]:
    """Every source behind ``events``, sorted (a fused event contributes each of its sources)."""
    return sorted({s for ss in sources_behind(events) for s in ss}) if len(events) else []


def source_label(events: pd.DataFrame) -> pd.Series:
    """Per event, its source, or :data:`SEVERAL_SOURCES` for a fused event several sources report."""
    behind = sources_behind(events)
    return behind.map(lambda ss: ss[0] if len(ss) == 1 else SEVERAL_SOURCES)


def files_behind(events: pd.DataFrame) -> pd.Series:
    """Per event, the files of the stored rows behind it (``file_ids`` when present, else ``[file_id]``)."""
    if "file_ids" in events:
        return events["file_ids"].map(list)
    return events["file_id"].map(lambda f: [f])


def file_coverage(store: Store) -> pd.DataFrame:
    """Per file and country: the file's source, name, first and last event date and number of events
    (:meth:`spillover.store.Store.coverage_by_file`)."""
    return store.coverage_by_file()


def _file_spans(coverage: pd.DataFrame, country: str | None) -> pd.DataFrame:
    """Per file: its first and last event date and its events in ``country`` (every country when None)."""
    rows = coverage if country is None else coverage[coverage["country_iso3"] == country]
    return rows.groupby(["file_id", "file", "source"], as_index=False).agg(
        first=("first", "min"), last=("last", "max"), events=("events", "sum")
    )


def covering(
    coverage: pd.DataFrame, country: str | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Files whose events in ``country`` (any country when None) span ``start`` … ``end``."""
    spans = _file_spans(coverage, country)
    return spans[(spans["first"] <= pd.Timestamp(start)) & (spans["last"] >= pd.Timestamp(end))].reset_index(
        drop=True
    )


def overlapping(
    coverage: pd.DataFrame, country: str | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Files with events in ``country`` whose span overlaps ``start`` … ``end`` (they could have seen an
    event then; used to say where to look, not to compare counts)."""
    spans = _file_spans(coverage, country)
    return spans[(spans["first"] <= pd.Timestamp(end)) & (spans["last"] >= pd.Timestamp(start))].reset_index(
        drop=True
    )


def covered_mask(
    events: pd.DataFrame, coverage: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """Events whose file (for a fused event: any file behind it) covers their country over the whole of
    ``start`` … ``end``."""
    return covering_files(events, coverage, start, end).map(bool)


def covering_files(
    events: pd.DataFrame, coverage: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """Per event, the files behind it that cover its country over the whole of ``start`` … ``end``."""
    if events.empty:
        return pd.Series([], index=events.index, dtype=object)
    keys = coverage[(coverage["first"] <= pd.Timestamp(start)) & (coverage["last"] >= pd.Timestamp(end))]
    ok = set(zip(keys["file_id"], keys["country_iso3"], strict=True))
    return pd.Series(
        [
            [f for f in files if (f, c) in ok]
            for files, c in zip(files_behind(events), events["country_iso3"], strict=True)
        ],
        index=events.index,
        dtype=object,
    )
