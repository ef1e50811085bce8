"""The Python API: what a researcher types in a notebook.  Every function here is the one the command line,
the report and the web app call (:mod:`spillover.selection`, :mod:`spillover.measures`), with the same
defaults, so a number found here is the number every other surface shows.

>>> import spillover as sp
>>> g = sp.select(store, "AQIM")              # the group and its predecessors, each real event once
>>> g.view, g.group_id
('fused', 'aqim')
>>> sp.profile(g).events == len(g.events)
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import spillover.measures as measures
from spillover._public import NAMES
from spillover.selection import GroupSelection as GroupSelection  # re-exported
from spillover.selection import select as select  # re-exported

if TYPE_CHECKING:
    from spillover.analysis.expansion import ExpansionResult
    from spillover.analysis.fragmentation import Fragmentation
    from spillover.analysis.opportunism import OpportunismResult
    from spillover.analysis.profile import Profile
    from spillover.analysis.tactics import TacticProfile
    from spillover.claims import CheckResult
    from spillover.store import Store


#: The public surface, named once (`spillover._public`, which the package face reads too).
__all__ = list(NAMES)


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = True) -> Store:
    """The event store at ``path`` (default: the one the command line uses, ``$SPILLOVER_STORE`` or the
    user data folder), read-only unless asked.

    >>> s = sp.open_store(store.path)
    >>> s.counts()["events"] > 0
    True
    >>> s.close()
    """
    from spillover.config import default_store_path
    from spillover.store import Store

    return Store(Path(path) if path is not None else default_store_path(), read_only=read_only)


def profile(g: GroupSelection) -> Profile:
    """Events and fatalities by year, country, source and tactic.

    >>> p = sp.profile(sp.select(store, "AQIM"))
    >>> int(p.by_year["events"].sum()) == p.events
    True
    """
    return measures.profile(g)


def expansion(g: GroupSelection, params: measures.Parameters = measures.DEFAULTS) -> ExpansionResult | Any:
    """Countries entered (sustained presence) with their dates, and the yearly spread.

    >>> e = sp.expansion(sp.select(store, "AQIM"))
    >>> e.origin_iso3
    'DZA'
    >>> e.to_frame()[["country_iso3", "date"]].iloc[0]["country_iso3"]
    'DZA'
    """
    return measures.expansion(g, params)


def opportunism(
    g: GroupSelection, params: measures.Parameters = measures.DEFAULTS
) -> OpportunismResult | Any:
    """Whether the group's entries followed instability onsets more often than chance.

    >>> o = sp.opportunism(sp.select(store, "AQIM"))
    >>> o.primary_window
    12
    """
    return measures.opportunism(g, params)


def tactics(g: GroupSelection) -> TacticProfile:
    """The tactic mix over time (primary tactic) and each tactic's share.

    >>> t = sp.tactics(sp.select(store, "AQIM"))
    >>> round(float(t.totals["share"].sum()), 6)
    1.0
    """
    return measures.tactics(g)


def autonomy(
    g: GroupSelection, parent: str | None = None, params: measures.Parameters = measures.DEFAULTS
) -> measures.AutonomyResult:
    """Autonomy from the parent (the registry's when not given), ranked among the parent's branches.

    >>> a = sp.autonomy(sp.select(store, "AQIM"))
    >>> a.parent_id, a.parent_from
    ('aq-core', 'registry')
    """
    return measures.autonomy(g, params, parent=parent)


def theatres(g: GroupSelection, params: measures.Parameters = measures.DEFAULTS) -> Fragmentation:
    """Distinct theatres of operation per year (density clustering).

    >>> f = sp.theatres(sp.select(store, "AQIM"))
    >>> f.n_used > 0
    True
    """
    return measures.theatres(g, params)


def assess(
    g: GroupSelection, out: str | os.PathLike[str] = "reports", *, parent: str | None = None, pdf: bool = True
) -> Any:
    """The assessment of the selection's group, written to ``out`` (HTML, JSON and, unless ``pdf=False``,
    PDF), counted with the selection's view, family and period.

    >>> a = sp.assess(sp.select(store, "AQIM"), out=tmp, pdf=False)    # doctest: +SKIP
    >>> a.html.name                                                     # doctest: +SKIP
    'aqim-assessment.html'
    """
    from spillover.report import assess as run_assessment

    params = measures.Parameters(include=g.include, certainty=g.certainty, view=g.view)
    return run_assessment(
        g.source, g.group_id, parent=parent, since=g.since, until=g.until, out_dir=out,
        formats=("html", "pdf") if pdf else ("html",), params=params, show_progress=False,
    )  # fmt: skip


def check(text: str, g: GroupSelection) -> CheckResult:
    """The factual claims of a written assessment, each judged against the selection's store (a
    :class:`spillover.claims.CheckResult`: iterate it for the verdicts; ``summary_line()``, ``to_dict()``).

    >>> verdicts = sp.check("In 2007 AQIM carried out suicide bombings in Algiers.", sp.select(store, "AQIM"))
    >>> len(verdicts) >= 1
    True
    """
    from spillover.claims import check_claims

    return check_claims(text, g.source, g.group_id)
