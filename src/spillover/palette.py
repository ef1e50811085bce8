"""The one categorical palette of spillover: a fixed colour per tactic and per data source.

Every chart of the report, the web app and the analysis modules colours a tactic or a source from here,
so "bombing" is the same orange in every figure and no two tactics share a colour.  The colours come from
Tableau 10/20 and ColorBrewer (colour-blind-aware qualitative sets), picked so that neighbours in a stacked
chart stay apart; "unknown" and "other" are greys, so that missing information never looks like a tactic.
"""

from __future__ import annotations

from spillover.schema import TACTICS

#: One colour per tactic of :data:`spillover.schema.TACTICS` (all distinct).
TACTIC_COLOURS: dict[str, str] = {
    "suicide_attack": "#b2182b",  # deep red
    "bombing": "#f28e2b",  # orange
    "armed_assault": "#4e79a7",  # blue
    "assassination": "#9467bd",  # purple
    "kidnapping": "#edc948",  # yellow
    "hijacking": "#17becf",  # cyan
    "facility_attack": "#8c564b",  # brown
    "unarmed_assault": "#ff9da7",  # pink
    "battle": "#59a14f",  # green
    "remote_violence": "#bcbd22",  # olive
    "looting": "#1b6b68",  # dark teal
    "non_violent": "#a0cbe8",  # light blue
    "other": "#6f6f6f",  # dark grey
    "unknown": "#cfcfcf",  # light grey
}

#: Display names of the data sources (the store's ``source`` codes).
SOURCE_NAMES: dict[str, str] = {
    "acled": "ACLED",
    "ged": "UCDP GED",
    "gtd": "GTD",
    "rand": "RAND",
    "gdelt": "GDELT",
}
#: Label of an event several sources report, where a chart shows one source per event.
SEVERAL_SOURCES = "several sources"

#: One colour per source (distinct from each other; a fused event of several sources in dark grey).
SOURCE_COLOURS: dict[str, str] = {
    "acled": "#1b9e77",
    "ged": "#d95f02",
    "gtd": "#7570b3",
    "rand": "#e7298a",
    "gdelt": "#66a61e",
    SEVERAL_SOURCES: "#4d4d4d",
}
#: Colour of anything not in the mappings above.
OTHER_COLOUR = "#999999"

#: Tactics in display order (that of the schema), for legends and stacking.
TACTIC_ORDER: tuple[str, ...] = tuple(TACTICS)


def tactic_label(tactic: str) -> str:
    """A tactic code in words: ``suicide_attack`` → ``suicide attack``."""
    return str(tactic).replace("_", " ")


def source_name(source: str) -> str:
    """A source code by name (``ged`` → ``UCDP GED``); a fused ``acled+gtd`` → ``ACLED + GTD``."""
    text = str(source)
    if "+" in text:
        return " + ".join(source_name(s) for s in text.split("+"))
    return SOURCE_NAMES.get(text.lower(), text)


def tactic_colour(tactic: str) -> str:
    return TACTIC_COLOURS.get(str(tactic), OTHER_COLOUR)


def source_colour(source: str) -> str:
    """A source's colour; a fused event of several sources (``acled+gtd``) gets the several-sources one."""
    text = str(source)
    return SOURCE_COLOURS[SEVERAL_SOURCES] if "+" in text else SOURCE_COLOURS.get(text, OTHER_COLOUR)


def tactic_scale(tactics: list[str] | None = None, *, labels: bool = False) -> tuple[list[str], list[str]]:
    """Domain and range of a colour scale for ``tactics`` (default: all), in display order; with ``labels``
    the domain holds the tactics in words (as the chart's data must then)."""
    shown = [t for t in TACTIC_ORDER if tactics is None or t in tactics]
    shown += sorted(t for t in (tactics or []) if t not in TACTIC_COLOURS)
    domain = [tactic_label(t) for t in shown] if labels else shown
    return domain, [tactic_colour(t) for t in shown]


def source_scale(sources: list[str], *, names: bool = False) -> tuple[list[str], list[str]]:
    """Domain and range of a colour scale for ``sources`` (codes); with ``names`` the domain holds the
    sources by name (as the chart's data must then)."""
    shown = sorted(sources, key=lambda s: (s == SEVERAL_SOURCES, s))
    domain = [source_name(s) for s in shown] if names else shown
    return domain, [source_colour(s) for s in shown]
