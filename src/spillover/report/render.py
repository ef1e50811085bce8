"""HTML from jinja2 templates (package data), PDF from that HTML with WeasyPrint.

The HTML is self-contained: the stylesheet is inlined from ``templates/report.css``, figures are inline SVG,
there is no script and no font or image fetched from anywhere, so the file opens offline and WeasyPrint
never touches the network (its URL fetcher is replaced by one that refuses every non-data URL).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd


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
    env.filters["pct"] = lambda v, d=0: "" if _missing(v) else f"{float(v) * 100:.{d}f}%"
    env.filters["num"] = lambda v, d=2: "" if _missing(v) else f"{float(v):,.{d}f}"
    return env


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell(value: Any) -> str:
    """One table cell as text: dates as days, floats to 3 significant digits, lists joined."""
    if isinstance(value, list | tuple | np.ndarray | set | frozenset):
        items = [cell(v) for v in value]
        return ", ".join(items[:8]) + (f" … (+{len(items) - 8})" if len(items) > 8 else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {cell(v)}" for k, v in list(value.items())[:8])
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isinf(v):
            return "∞"
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(value)


#: Tables of at most this many rows are not split across printed pages.
KEEP_TOGETHER_ROWS = 15


def table(
    frame: pd.DataFrame | Sequence[Mapping[str, Any]],
    columns: Mapping[str, str] | Iterable[str] | None = None,
    *,
    limit: int | None = None,
    caption: str = "",
    index: bool = False,
) -> dict[str, Any]:
    """A table for the ``table`` macro: labels, rows of cells, and how many rows were left out."""
    df = frame.reset_index() if index and isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    cols = dict(columns) if isinstance(columns, Mapping) else {c: c for c in (columns or df.columns)}
    cols = {k: v for k, v in cols.items() if k in df.columns}
    shown = df if limit is None else df.head(limit)
    rows = [[cell(row[c]) for c in cols] for _, row in shown.iterrows()]
    return {
        "columns": list(cols.values()),
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
