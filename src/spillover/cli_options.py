"""Command-line options every sub-command shares, declared once so that they read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

#: ``--store PATH``: the DuckDB store a command reads (None → :func:`spillover.config.default_store_path`).
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file [default: $SPILLOVER_STORE or the user data dir]",
        show_default=False,
    ),
]
