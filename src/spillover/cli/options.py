"""The options every command shares, declared once so that they read the same everywhere, and
:class:`Commands`, the ``typer.Typer`` of every command module: it gives each command the error boundary
(exit codes) and ``--quiet`` / ``--verbose``.

Defaults are not restated here: they come from :mod:`spillover.selection` (view, family members) and
:class:`spillover.parameters.Parameters` (the measures'), which import nothing heavy.  Precedence of a
setting: the option, then its environment variable, then ``spillover.toml`` (:mod:`spillover.config`),
then the default.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any

import typer

from spillover import config
from spillover.cli import output
from spillover.cli.output import Format
from spillover.parameters import DEFAULTS, Parameters
from spillover.selection import DEFAULT_INCLUDE, DEFAULT_VIEW

# -- exit codes ------------------------------------------------------------------------------------------------
#: The command did what was asked.
EXIT_DONE = 0
#: A finding or a validation failure: e.g. ``check`` found a contradicted claim, ``actors check`` refused a file.
EXIT_FINDING = 1
#: A usage or input error: unknown group, view or country, a missing or unreadable file, a bad option.
EXIT_INPUT = 2

#: Errors of spillover's that mean "the input is wrong" (exit 2, one line, no traceback), matched by class
#: name along the exception's classes so that recognising one does not import the module defining it.
INPUT_ERRORS = frozenset(
    {
        "UnknownGroup", "UnknownView", "UnknownCountry", "LayoutError", "FetchError", "ConfigError",
        "RegistryError", "InputError", "InsufficientData", "CasebookError",
    }
)  # fmt: skip
#: Standard errors that mean the same when they reach a command (a missing file, a bad value, a missing extra).
INPUT_BUILTINS = (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError)


class InputError(Exception):
    """A usage or input error found by a command itself (exit code 2)."""


def exit_code(exc: BaseException) -> int | None:
    """The exit code of an error that reached a command: 2 for bad input, None for a bug (re-raised)."""
    if any(cls.__name__ in INPUT_ERRORS for cls in type(exc).__mro__):
        return EXIT_INPUT
    if isinstance(
        exc, ImportError
    ):  # an optional extra not installed (pyspark), never a module of spillover's
        return EXIT_INPUT if exc.name and not exc.name.startswith("spillover") else None
    return EXIT_INPUT if isinstance(exc, INPUT_BUILTINS) and not isinstance(exc, KeyError) else None


# -- shared options ------------------------------------------------------------------------------------------
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no notes on stderr")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="The time of each step, and the traceback of an error")
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file",
        show_default="$SPILLOVER_STORE, else spillover.toml's store, else spillover.duckdb in the user data folder",
    ),
]
ViewOpt = Annotated[
    str | None,
    typer.Option(
        "--view",
        envvar="SPILLOVER_VIEW",
        help="Which events: fused (each real-world event once, tolls reconciled across sources), all (every "
        "source's rows, an event several sources report counted once per source) or one source (acled, gtd, "
        "ged, rand …)",
        show_default=DEFAULT_VIEW,
    ),
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        help="Family members counted with the group: identity (its earlier names, each for the dates it was "
        "the group), predecessors, successors, affiliates, splinters, components (repeat the option or "
        "separate by commas), or none for the group alone",
        show_default=", ".join(DEFAULT_INCLUDE),
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Only events on or after this day, month or year (YYYY[-MM[-DD]])"),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        help="Only events up to the end of this day, month or year (YYYY[-MM[-DD]]: 2012 = all of 2012)",
    ),
]
AsOfPullOpt = Annotated[
    int | None,
    typer.Option(
        "--as-of-pull",
        help="Count the events as they were when this API pull finished (spillover data pulls lists them)",
        show_default="the store as it is",
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table (for reading), csv (the main table, every row) or json (the whole result)",
        show_default="table, or spillover.toml's format",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", help="Folder for charts and maps (none are written without it)", show_default=False
    ),
]
EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="Run the heavy queries on duckdb (the store, or --parquet) or spark (--parquet)",
        show_default="the store, without the query layer",
    ),
]
ParquetOpt = Annotated[
    Path | None,
    typer.Option(
        "--parquet",
        help="Folder of Parquet tables (events, event_actors) to query instead of the store: "
        "spillover data export DIR, a GDELT export or a synthetic set",
        show_default=False,
    ),
]
SparkMasterOpt = Annotated[
    str,
    typer.Option("--spark-master", help="Spark master URL for --engine spark (local[N], spark://…, yarn)"),
]
DrawsOpt = Annotated[int, typer.Option("--draws", help="Draws of each Monte Carlo null model")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (results are reproducible)")]


# -- resolving them ------------------------------------------------------------------------------------------
def store_path(store: Path | None) -> Path:
    """The store a command reads: ``--store``, else ``$SPILLOVER_STORE``, else spillover.toml, else the default."""
    return store if store is not None else config.default_store_path()


def view_of(view: str | None) -> str:
    return view or config.configured_default("view") or DEFAULT_VIEW


def include_of(include: list[str] | None) -> tuple[str, ...]:
    """``--include`` as family parts: repeated or comma-separated; ``none`` for the group alone."""
    given = include if include is not None else config.configured_default("include")
    if given is None:
        return DEFAULT_INCLUDE
    parts = [
        p.strip() for item in ([given] if isinstance(given, str) else given) for p in str(item).split(",")
    ]
    return tuple(p for p in parts if p and p != "none")


def format_of(chosen: Format | None) -> Format:
    return chosen or Format(config.configured_default("format") or Format.table.value)


def parameters(**given: Any) -> Parameters:
    """The measures' parameters with the options a command was given (None: the default)."""
    from dataclasses import replace

    return replace(DEFAULTS, **{k: v for k, v in given.items() if v is not None})


def wants_engine(engine: str | None, parquet: Path | None) -> bool:
    """Did the user ask for the query layer (an engine or a Parquet folder)?"""
    return engine is not None or parquet is not None


# -- which events: the selection options, gathered once ------------------------------------------------------
@dataclass(frozen=True)
class Where:
    """Which events a command reads: the selection options it was given (see :func:`selection_options`),
    one object instead of the same nine parameters in every command."""

    include: list[str] | None = None
    view: str | None = None
    since: str | None = None
    until: str | None = None
    store: Path | None = None
    as_of_pull: int | None = None
    engine: str | None = None
    parquet: Path | None = None
    spark_master: str = "local[*]"

    @property
    def wants_engine(self) -> bool:
        return wants_engine(self.engine, self.parquet)

    def open_engine(self) -> Any:
        """The query layer's connection (DuckDB over the store or ``--parquet``, or Spark)."""
        from spillover.query import open_engine

        return open_engine(
            self.engine, store=store_path(self.store), parquet=self.parquet, spark_master=self.spark_master
        )


#: Each selection option's annotation, in the order ``--help`` lists them.
_WHERE_OPTIONS: dict[str, Any] = {
    "include": IncludeOpt, "view": ViewOpt, "since": SinceOpt, "until": UntilOpt, "store": StoreOpt,
    "as_of_pull": AsOfPullOpt, "engine": EngineOpt, "parquet": ParquetOpt, "spark_master": SparkMasterOpt,
}  # fmt: skip
#: The options of the query layer (commands that can run on DuckDB over Parquet or on Spark).
ENGINE_OPTIONS = ("engine", "parquet", "spark_master")


def selection_options(
    *, leave_out: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A command that takes ``where: Where`` gets the selection options on the command line instead
    (all of them but ``leave_out``), gathered into its ``where`` when it runs."""
    names = [name for name in _WHERE_OPTIONS if name not in leave_out]
    defaults = {f.name: f.default for f in fields(Where)}

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            where = Where(**{name: kwargs.pop(name) for name in names})
            return command(*args, where=where, **kwargs)

        own = inspect.signature(command, eval_str=True)
        kept = [p for p in own.parameters.values() if p.name != "where"]
        added = [
            inspect.Parameter(
                n, inspect.Parameter.KEYWORD_ONLY, default=defaults[n], annotation=_WHERE_OPTIONS[n]
            )
            for n in names
        ]
        arguments = [p for p in kept if p.default is inspect.Parameter.empty]
        options = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in kept if p not in arguments]
        listed = [*arguments, *added, *options]  # --help: the selection first, then the command's own
        run.__signature__ = own.replace(parameters=listed)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in listed}
        return run

    return decorate


# -- every command: the error boundary and --quiet/--verbose ------------------------------------------------
_SHARED = (
    inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=QuietOpt),
    inspect.Parameter("verbose", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=VerboseOpt),
)


def boundary(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` with ``--quiet``/``--verbose`` and the error boundary: an input error prints one line
    on stderr and exits 2 (with ``--verbose``, its traceback too); anything else is a bug and propagates."""

    @functools.wraps(command)
    def run(*args: Any, quiet: bool = False, verbose: bool = False, **kwargs: Any) -> Any:
        output.configure(quiet=quiet, verbose=verbose)
        try:
            config.export_to_environment()
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            code = exit_code(exc)
            if (
                code is None or getattr(exc, "exit_code", None) is not None
            ):  # a bug, or click's own usage error
                raise
            if output.settings.verbose:
                output.err.print_exception()
            output.error(str(exc.args[0]) if len(exc.args) == 1 else str(exc))
            raise typer.Exit(code) from exc

    own = inspect.signature(command, eval_str=True)
    run.__signature__ = own.replace(parameters=[*own.parameters.values(), *_SHARED])  # type: ignore[attr-defined]
    return run


class Commands(typer.Typer):
    """A ``typer.Typer`` whose commands all go through :func:`boundary`: adding a command to the command
    line is writing one function, decorated with ``@app.command()``, in the module of its area."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            register(boundary(function))
            return function

        return decorator


def commands(help: str | None = None, **kwargs: Any) -> Commands:
    """A command group of the ``spillover`` command line (no markup in help: plain text)."""
    return Commands(
        help=help, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_show_locals=False, **kwargs
    )


__all__ = [
    "ENGINE_OPTIONS", "EXIT_DONE", "EXIT_FINDING", "EXIT_INPUT", "Commands", "Where", "DrawsOpt", "EngineOpt", "FormatOpt", "IncludeOpt",
    "InputError", "OutOpt", "ParquetOpt", "QuietOpt", "SeedOpt", "SinceOpt", "SparkMasterOpt", "StoreOpt",
    "UntilOpt", "VerboseOpt", "ViewOpt", "commands", "format_of", "include_of", "parameters", "selection_options",
    "store_path", "view_of", "wants_engine",
]  # fmt: skip
