"""HTML from jinja2 templates (package data), PDF from that HTML with WeasyPrint.

The HTML is self-contained: the stylesheet is inlined from ``templates/report.css``, figures are inline SVG,
there is no script and no font or image fetched from anywhere, so the file opens offline and WeasyPrint
never touches the network (its URL fetcher is replaced by one that refuses every non-data URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from spillover.formatting import UNKNOWN, Kind, date_at, is_missing, number


def environment() -> jinja2.Environment:
    """The template environment: templates from the package, HTML autoescaping, the report's filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("spillover.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = cell
    env.filters["pct"] = lambda v, d=0: number(v, "share", d)
    env.filters["num"] = lambda v, d=2: number(v, "decimal", d)
    return env


def cell(value: Any, kind: Kind = "auto") -> str:
    """One table cell as text: dates as days, numbers by :func:`spillover.formatting.number` (``kind``
    says whether a count, a share or a p-value), lists joined, unknown as "—"."""
    if isinstance(value, list | tuple | np.ndarray | set | frozenset):
        items = [cell(v, kind) for v in value]
        return ", ".join(items[:8]) + (f" … (+{len(items) - 8})" if len(items) > 8 else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {cell(v, kind)}" for k, v in list(value.items())[:8])
    if is_missing(value):
        return UNKNOWN
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "strftime"):
        return date_at(value)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer | float | np.floating):
        return number(value, kind)
    return str(value)


#: Tables of at most this many rows are not split across printed pages.
KEEP_TOGETHER_ROWS = 15
#: Columns whose cells average more characters than this (citations, notes) print smaller.
LONG_TEXT = 60
#: Characters of a sha256 the report prints (the JSON and CSV keep the whole value).
SHORT_HASH = 12
#: How the report prints a column, by its name: counts as integers, shares as percentages, p-values.
COUNT_COLUMNS = frozenset(
    {"events", "fatalities", "deaths", "wounded", "hostages", "rows", "group_events", "parent_events",
     "n_events", "n_kidnapping", "n_theatres", "n_noise", "window_events", "before", "after", "observed_count",
     "n_expansions", "n_draws", "hostages_known", "n", "n_parent", "left_out"}
)  # fmt: skip
SHARE_COLUMNS = frozenset(
    {"share", "group_share", "others_share", "kidnapping_share", "observed_share", "expected_share"}
)
P_COLUMNS = frozenset({"p", "p_value"})
HASH_COLUMNS = frozenset({"sha256", "file_id"})
#: Columns of identifiers, which wrap anywhere rather than run off the page.
ID_COLUMNS = frozenset({"event_id", "first_event_id", "evidence_event_ids", "merged_ids", "file"})


def column_kind(name: str) -> Kind:
    if name in COUNT_COLUMNS:
        return "count"
    if name in SHARE_COLUMNS:
        return "share"
    if name in P_COLUMNS:
        return "p"
    return "auto"


def short_hash(value: Any) -> str:
    text = "" if is_missing(value) else str(value)
    return text[:SHORT_HASH] + "…" if len(text) > SHORT_HASH else text or UNKNOWN


def table(
    frame: pd.DataFrame | Sequence[Mapping[str, Any]],
    columns: Mapping[str, str] | Iterable[str] | None = None,
    *,
    limit: int | None = None,
    caption: str = "",
    index: bool = False,
    kinds: Mapping[str, Kind] | None = None,
) -> dict[str, Any]:
    """A table for the ``table`` macro: labels, rows of cells, and how many rows were left out.

    Each column prints by its ``kinds`` entry, else by its name (:func:`column_kind`); sha256 columns are
    shortened; identifier columns are marked to wrap.  With ``index`` the frame's index is a column (keep it
    in ``columns``: it is the table's key, e.g. the year)."""
    df = frame.reset_index() if index and isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    cols = dict(columns) if isinstance(columns, Mapping) else {c: c for c in (columns or df.columns)}
    cols = {k: v for k, v in cols.items() if k in df.columns}
    kinds = {c: (kinds or {}).get(c) or column_kind(c) for c in cols}
    shown = df if limit is None else df.head(limit)
    rows = [
        [short_hash(row[c]) if c in HASH_COLUMNS else cell(row[c], kinds[c]) for c in cols]
        for _, row in shown.iterrows()
    ]
    lengths = [sum(len(r[i]) for r in rows) / max(len(rows), 1) for i in range(len(cols))]
    return {
        "columns": list(cols.values()),
        "classes": [
            "id" if c in ID_COLUMNS or c in HASH_COLUMNS else "long" if length > LONG_TEXT else ""
            for c, length in zip(cols, lengths, strict=True)
        ],
        "rows": rows,
        "more": max(len(df) - len(shown), 0),
        "caption": caption,
        # a short table prints on one page: split, its last rows could be alone on a page of their own
        "keep": len(rows) <= KEEP_TOGETHER_ROWS,
    }


def render_html(context: Mapping[str, Any], template: str = "report.html.j2") -> str:
    """The report as one self-contained HTML string."""
    env = environment()
    css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
    return env.get_template(template).render(css=css, **context)


def _offline_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint URL fetcher that serves data: URLs and refuses everything else (no network, no files)."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"the report refers to an external resource: {url}")


def write_pdf(html: str, path: Path) -> Path:
    """The HTML as a PDF (WeasyPrint, print stylesheet of the template)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, url_fetcher=_offline_fetcher, base_url=None).write_pdf(str(path))
    return path
