"""HTML from jinja2 templates (package data), PDF from that HTML with WeasyPrint.

The HTML is self-contained: the stylesheet is inlined from ``templates/report.css``, figures are inline SVG,
there is no script and no font or image fetched from anywhere, so the file opens offline and WeasyPrint
never touches the network (its URL fetcher refuses every non-data URL).

The PDF is printed from the same template rendered for print (``printed=True``), which differs in three
ways, each measured on the AQIM report (WeasyPrint 70, 2 cores): figures are JPEG images
(:func:`figure_jpeg`, twice the figure's pixel size, ~190 dpi on the page) — WeasyPrint draws inline SVG
node by node, 2.7 of its 8.5 CPU s went to the eight charts (the coverage grid and the map hold thousands
of paths), the same charts as images cost 0.1 s; long tables print their first :data:`PRINT_ROWS` rows and say where the rest is; the
evidence tables are left out (the printed evidence summary names the HTML report and the CSV annex, which
hold every row).  Laying out text is what is left: about 0.2 CPU s a page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from spillover.formatting import UNKNOWN, Kind, date_at, is_missing, number


def environment() -> jinja2.Environment:
    """The template environment: templates from the package, HTML autoescaping, the report's filters
    (``image_uri``: a figure's SVG as the image the PDF prints)."""
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
    env.filters["image_uri"] = lambda svg: (
        "data:image/jpeg;base64," + base64.b64encode(figure_jpeg(svg)).decode()
    )
    env.filters["print_width"] = print_width
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


#: Tables of at most this many rows, without long texts, are not split across printed pages (a longer one
#: kept whole would leave much of a page empty before it).
KEEP_TOGETHER_ROWS = 10
#: Rows the PDF prints of a table longer than :data:`PRINT_WHOLE` rows; the rest are in the HTML report (and
#: the JSON and CSV files).  A table of at most PRINT_WHOLE rows prints whole (cut, it would save little).
PRINT_ROWS = 8
PRINT_WHOLE = 12
#: Pixels of a printed figure's image per CSS pixel of its SVG: 2 is ~190 dpi at the printed width.
PRINT_SCALE = 2
#: JPEG quality of a printed figure.
PRINT_QUALITY = 90
#: Height, in CSS pixels, a printed figure is at most (~93 mm: two figures and some text fit on a page).
PRINT_FIGURE_HEIGHT = 350
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
    print_rows: int | None = None,
) -> dict[str, Any]:
    """A table for the ``table`` macro: labels, rows of cells, and how many rows were left out.

    Each column prints by its ``kinds`` entry, else by its name (:func:`column_kind`); sha256 columns are
    shortened; identifier columns are marked to wrap.  With ``index`` the frame's index is a column (keep it
    in ``columns``: it is the table's key, e.g. the year).  The PDF prints ``print_rows`` rows (default: all
    of a short table, :data:`PRINT_ROWS` of a long one; 0: a detail table the HTML report alone holds)."""
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
    classes = [
        "id" if c in ID_COLUMNS or c in HASH_COLUMNS else "long" if length > LONG_TEXT else ""
        for c, length in zip(cols, lengths, strict=True)
    ]
    return {
        "columns": list(cols.values()),
        "classes": classes,
        "rows": rows,
        "more": max(len(df) - len(shown), 0),
        "caption": caption,
        # a short table prints on one page: split, its last rows could be alone on a page of their own; a
        # table of long texts (citations, notes) is tall whatever its rows, and kept whole it would leave the
        # rest of the page before it empty
        "keep": len(rows) <= KEEP_TOGETHER_ROWS and "long" not in classes,
        "print_rows": print_rows
        if print_rows is not None
        else len(rows)
        if len(rows) <= PRINT_WHOLE
        else PRINT_ROWS,
    }


def render_html(
    context: Mapping[str, Any], template: str = "report.html.j2", *, printed: bool = False
) -> str:
    """The report as one self-contained HTML string; ``printed``: the document the PDF prints (figures as
    images, tables cut to :data:`PRINT_ROWS` rows, evidence tables left to the HTML report and CSV annex)."""
    env = environment()
    css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
    return env.get_template(template).render(
        css=css, printed=printed, print_rows=PRINT_ROWS, print_whole=PRINT_WHOLE, **context
    )


_SIZE = re.compile(
    r'<svg\b[^>]*?\s(width|height)="([0-9.]+)(px|pt)?"[^>]*?\s(width|height)="([0-9.]+)(px|pt)?"'
)


def svg_size(svg: str) -> tuple[float, float]:
    """The SVG's width and height in CSS pixels (its attributes: Vega's pixels, matplotlib's points)."""
    found = _SIZE.search(svg)
    if found is None:
        return 600.0, 400.0
    size = {found[1]: float(found[2]) * (4 / 3 if found[3] == "pt" else 1),
            found[4]: float(found[5]) * (4 / 3 if found[6] == "pt" else 1)}  # fmt: skip
    return size.get("width", 600.0), size.get("height", 400.0)


def print_width(svg: str) -> float:
    """The width, in CSS pixels, a figure prints at: its own, less for a tall one, so that none is taller
    than :data:`PRINT_FIGURE_HEIGHT` (a tall figure would push what follows it to the next page)."""
    width, height = svg_size(svg)
    return round(min(width, width * PRINT_FIGURE_HEIGHT / height) if height > 0 else width, 1)


def figure_jpeg(svg: str) -> bytes:
    """The figure as the PDF prints it: a JPEG at :data:`PRINT_SCALE` times its size, on white, quality
    :data:`PRINT_QUALITY` without chroma subsampling (edges and labels as sharp as a PNG's on paper).
    WeasyPrint embeds a JPEG's bytes as they are; a PNG it decodes and compresses again (eight figures: 0.1
    CPU s as JPEG, 0.4 as RGB PNG, 0.6 as palette PNG).  Drawn by resvg (vl-convert), kept between runs
    by the SVG's digest (:mod:`spillover.memo`)."""
    from spillover.memo import kept

    def draw() -> bytes:
        import io

        import vl_convert
        from PIL import Image

        image = Image.open(io.BytesIO(vl_convert.svg_to_png(svg, scale=PRINT_SCALE)))
        paper = Image.new("RGB", image.size, "white")
        paper.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
        out = io.BytesIO()
        paper.save(out, "JPEG", quality=PRINT_QUALITY, subsampling=0)
        return out.getvalue()

    return kept("figure-jpeg", (hashlib.sha256(svg.encode()).hexdigest(), PRINT_SCALE, PRINT_QUALITY), draw)


def _offline_fetcher() -> Any:
    """WeasyPrint URL fetcher that serves data: URLs (the printed figures) and refuses everything else: no
    network, no files."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def write_pdf(html: str, path: Path) -> Path:
    """The HTML as a PDF (WeasyPrint, print stylesheet of the template)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, url_fetcher=_offline_fetcher(), base_url=None).write_pdf(str(path))
    return path
