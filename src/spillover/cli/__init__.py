"""The ``spillover`` command line: one module per area, each a thin layer over the package's functions.

* :mod:`spillover.cli.data` — ``data add/fetch/list/files/quarantine/export``, ``schema``, ``cite``;
* :mod:`spillover.cli.actors` — ``actors coverage/show/resolve/check``, ``lineage``;
* :mod:`spillover.cli.analysis` — ``profile``, ``expansion``, ``opportunism``, ``tactics``, ``autonomy``,
  ``theatres``, ``instability``, ``sources``;
* :mod:`spillover.cli.report` — ``assess``, ``check``;
* :mod:`spillover.cli.web` — ``serve``.

Shared options and the error boundary are in :mod:`spillover.cli.options`, the consoles and the number
formatter in :mod:`spillover.cli.output`.  A command is one function decorated with ``@app.command()`` in
the module of its area.  Nothing heavy (pandas, DuckDB, the registry, the report) is imported before a
command runs, so that ``spillover --help`` answers at once.
"""

from __future__ import annotations

import sys

import typer

from spillover.cli import actors, analysis, data, report, web

EXIT_CODES = (
    "Exit codes: 0 done; 1 a finding or a validation failure (check found a contradicted claim, actors check "
    "refused a registry file); 2 a usage or input error (unknown group, view or country, a missing or "
    "unreadable file, a bad option); 3 the store cannot be used (locked by another process, read-only, disk "
    "full); 70 an unexpected failure (its traceback is written to a log file whose path is printed)."
)
CONFIGURATION = (
    "Settings: an option, else its environment variable (SPILLOVER_STORE, SPILLOVER_DATA_DIR, SPILLOVER_CACHE, "
    "SPILLOVER_VIEW), else spillover.toml (in the working folder, else the user's config folder: store, "
    "data_dir, cache_dir and a [defaults] table of view, include, format), else the default."
)

#: Help is wrapped at 120 columns, and read at that width when it is piped or captured (not a terminal).
HELP_WIDTH = 120
app = typer.Typer(
    help="spillover: evidence-backed assessments of armed groups from public conflict-event data.",
    epilog=f"{EXIT_CODES}\n\n{CONFIGURATION}",
    no_args_is_help=True,
    rich_markup_mode=None,  # click's plain help: never cuts an option name, and needs no markdown parser
    pretty_exceptions_show_locals=False,
    context_settings={
        "max_content_width": HELP_WIDTH,
        "terminal_width": None if sys.stdout.isatty() else HELP_WIDTH,
        "help_option_names": ["-h", "--help"],
    },
)
app.add_typer(data.app, name="data", help="Get data and load it into the store.")
app.add_typer(actors.app, name="actors", help="The actor registry: aliases, lineage, resolution coverage.")
for _module in (analysis, report, web, actors, data):
    app.add_typer(_module.top)


def main() -> None:  # pragma: no cover - console script entry
    """The console script: the app inside the error boundary of :mod:`spillover.errors` (a store fault is
    one line and exit 3, a crash one line naming the log file with its traceback and exit 70), with Ctrl-C
    ending quietly (exit 130)."""
    from spillover.errors import main_guarded

    main_guarded(app)


__all__ = ["app", "main"]
