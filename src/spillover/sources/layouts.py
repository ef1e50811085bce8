"""Pinned file layouts and the detection of which one a file is in.

Datasets change their columns between releases (UCDP adds, renames and drops columns; GTD's
distributions differ from year to year; ACLED has had upper-case, dyadic and monadic exports).  Each
loader pins the layouts it knows, column by column.  A file is accepted when its header is a known layout
or a subset of one that still holds the layout's required minimum; otherwise it is refused with a message
that lists what differs from the closest known layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spillover.errors import InputError


class LayoutError(InputError):
    """A file whose columns match no pinned layout, or lack the required minimum."""


@dataclass(frozen=True)
class Layout:
    source: str
    name: str
    #: What releases this layout describes.
    description: str
    #: Every column of the layout, in the official order (after ``rename``).
    columns: tuple[str, ...]
    #: Each inner tuple is a requirement met by any one of its columns (e.g. a date: iyear OR Date).
    required: tuple[tuple[str, ...], ...]
    #: File column → canonical column, for layouts that rename official columns.
    rename: dict[str, str] = field(default_factory=dict)
    #: One row per actor per event (ACLED "monadic" exports): rows are grouped by the id column.
    monadic: bool = False

    def canonical(self, header: Sequence[str]) -> list[str]:
        return [self.rename.get(c, c) for c in header]


@dataclass(frozen=True)
class Match:
    layout: Layout
    #: Columns of the layout that the file does not have (recorded as unknown).
    absent: tuple[str, ...]
    #: Columns of the file that the layout does not know (kept in the raw row only).
    extra: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return not self.absent and not self.extra


def _missing_requirements(layout: Layout, cols: set[str]) -> list[str]:
    return [" or ".join(req) for req in layout.required if not cols.intersection(req)]


def match_layout(
    header: Sequence[str],
    layouts: Sequence[Layout],
    *,
    filename: str,
    allow_extra: bool = False,
    provided: Sequence[str] = (),
) -> Match:
    """Pick the layout a header belongs to, or raise :class:`LayoutError` saying what differs.

    ``provided`` names canonical columns the caller supplies for the whole file (``--country``).
    """
    scored: list[tuple[tuple[bool, int, int], Match, list[str]]] = []
    for layout in layouts:
        cols = set(layout.canonical(header)) | set(provided)
        known = set(layout.columns)
        match = Match(
            layout=layout,
            absent=tuple(c for c in layout.columns if c not in cols),
            extra=tuple(c for c in layout.canonical(header) if c not in known),
        )
        # prefer an exact layout, then the one sharing most columns, then the one missing fewest
        score = (match.exact, len(cols & known) - len(match.extra), -len(match.absent))
        scored.append((score, match, _missing_requirements(layout, cols)))
    scored.sort(key=lambda t: t[0], reverse=True)
    for _, match, missing in scored:
        if not missing and (allow_extra or not match.extra):
            return match
    _, best, missing = scored[0]
    problems = []
    if missing:
        problems.append("missing required column(s): " + "; ".join(missing))
    if best.extra and not allow_extra:
        problems.append(
            "column(s) unknown to every pinned layout: "
            + ", ".join(repr(c) for c in best.extra[:20])
            + (f" (+{len(best.extra) - 20} more)" if len(best.extra) > 20 else "")
        )
    hint = []
    if best.extra and not missing:
        hint.append(
            "if the extra columns were added by whoever exported the file, pass --allow-extra-columns "
            "to keep them in the raw row only"
        )
    if any("country" in m for m in missing):
        hint.append("if the whole file is about one country, pass --country NAME")
    raise LayoutError(
        f"{filename}: not a known {best.layout.source} layout (closest: {best.layout.name}, "
        f"{best.layout.description}): " + "; ".join(problems) + (". Fix: " + "; ".join(hint) if hint else "")
    )
