"""One error boundary for the command line: every failure ends in one clear line, never a traceback.

Known faults (bad input, a store another process holds, a read-only folder, a full disk) are told in one
line that says what happened and what to do.  Anything else is a bug: one line names it and the path of a
log file (in the user log folder, :func:`platformdirs.user_log_dir`) that holds the traceback.

The command line's entry point runs the app inside :func:`run_guarded`; library code raises the classes
below (or the standard ones: ``FileNotFoundError``, ``ValueError``) and never prints.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

#: Exit code of a command the store failed (locked, read-only, disk full); bad input exits with 2 (the
#: command line's per-command boundary, :mod:`spillover.cli.options`); an unexpected crash exits with 70
#: (EX_SOFTWARE), so scripts can tell a bug from a bad file or a busy store.
EXIT_FAULT = 3
EXIT_INPUT = 2
EXIT_CRASH = 70


class InputError(ValueError):
    """A file that cannot be loaded as it is (the message names it and says why)."""


class CorruptFile(InputError):
    """A compressed file (.gz, .zip) that is truncated or damaged: refused whole, the store untouched."""


class NothingLoads(InputError):
    """A file none of whose rows loads: refused, not recorded in the store."""


class StoreFault(RuntimeError):
    """The store cannot be used right now (locked, read-only, disk full); the message says what to do."""


_LOCK = re.compile(
    r'Could not set lock on file "(?P<file>[^"]+)": Conflicting lock is held in (?P<prog>.*?) \(PID (?P<pid>\d+)\)'
)


def _command_of(pid: str) -> str:
    """The command line of a running process (Linux /proc), else ''."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)[:160]


def lock_message(text: str) -> str | None:
    """The one line for DuckDB's lock conflict: which process holds the store and what to do."""
    found = _LOCK.search(text)
    if found is None:
        return None
    pid = found["pid"]
    command = _command_of(pid) or found["prog"]
    serving = (
        " (a running `spillover serve`: stop it, or give it a copy of the store)"
        if " serve" in command
        else ""
    )
    return (
        f"{found['file']}: the store is in use by another process, PID {pid}: {command}{serving}. "
        f"Fix: wait for it to finish or stop it (kill {pid}), or use another store (--store PATH)."
    )


def _oserror_message(exc: OSError) -> str | None:
    where = exc.filename or ""
    where = f"{where}: " if where else ""
    if exc.errno == errno.ENOSPC:
        return (
            f"{where}no space left on the device; nothing was loaded and the partial files were removed. "
            "Fix: free some space (or put the store elsewhere with --store PATH) and run the command again."
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = "the file system is read-only" if exc.errno == errno.EROFS else "permission denied"
        return (
            f"{where}{what}: the store cannot be written there. "
            "Fix: use a folder you can write to (--store PATH or SPILLOVER_STORE)."
        )
    return None


def _duckdb_message(text: str) -> str | None:
    locked = lock_message(text)
    if locked:
        return locked
    if "No space left on device" in text:
        return (
            "no space left on the device while writing the store; the store is as it was. "
            "Fix: free some space (or use another --store) and run the command again."
        )
    if "Read-only file system" in text or "Permission denied" in text or "read-only" in text.lower():
        path = re.search(r'"([^"]+)"', text)
        where = f"{path.group(1)}: " if path else ""
        return (
            f"{where}the store cannot be written (read-only file system or permission denied). "
            "Fix: use a folder you can write to (--store PATH or SPILLOVER_STORE)."
        )
    return None


def describe(exc: BaseException) -> str | None:
    """The one line for a known fault or bad input, or None for an unexpected error (a bug)."""
    import duckdb

    if isinstance(exc, InputError | StoreFault):
        return str(exc)
    if isinstance(exc, duckdb.Error):
        return _duckdb_message(str(exc))
    if isinstance(exc, OSError):
        known = _oserror_message(exc)
        if known:
            return known
        if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):
            return str(exc) if not exc.filename else f"{exc.filename}: {exc.strerror}"
        return None
    return None


def log_dir() -> Path:
    """Where crash logs go: the user log folder of spillover (``SPILLOVER_LOG_DIR`` overrides it)."""
    import platformdirs

    override = os.environ.get("SPILLOVER_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir("spillover", appauthor=False))


def write_crash_log(exc: BaseException) -> Path:
    """Write the traceback of an unexpected error to a new log file and return its path."""
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path.write_text(f"spillover {' '.join(sys.argv[1:])}\n\n{text}", encoding="utf-8")
    return path


def report(exc: BaseException, *, stream: object = None) -> int:
    """Print the one line for ``exc`` on stderr and return the exit code (writing a crash log for a bug)."""
    out = stream if stream is not None else sys.stderr
    known = describe(exc)
    if known is not None:
        print(f"error: {known}", file=out)  # type: ignore[call-overload]
        return EXIT_INPUT if isinstance(exc, InputError | FileNotFoundError) else EXIT_FAULT
    try:
        where = f"the traceback is in {write_crash_log(exc)}"
    except OSError as log_error:
        where = f"the traceback could not be written ({log_error.strerror})"
    print(
        f"error: unexpected failure ({type(exc).__name__}: {str(exc)[:200]}); {where}. "
        "Please include that file when you report the problem.",
        file=out,  # type: ignore[call-overload]
    )
    return EXIT_CRASH


def _click_signals() -> tuple[tuple[type[BaseException], ...], ...]:
    """The usage-error, exit and abort exception classes of the click that Typer runs on, and of the click
    package: since Typer 0.2x Typer raises its own vendored click's classes (``typer._click``), which the
    click package's ``ClickException`` does not catch (a missing option then read as a crash).  Found from
    Typer's public ``BadParameter``, so whichever click Typer uses, a usage error stays a usage error."""
    import typer

    usage = [c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    exits: list[type[BaseException]] = [typer.Exit]
    aborts: list[type[BaseException]] = [typer.Abort, KeyboardInterrupt]
    vendored = sys.modules.get(usage[0].__module__) if usage else None
    for module in (vendored, _click_exceptions()):
        for name, kind in (("ClickException", usage), ("Exit", exits), ("Abort", aborts)):
            found = getattr(module, name, None)  # the vendored click raises Typer's own Exit and Abort
            if found is not None:
                kind.append(found)
    return tuple(usage), tuple(exits), tuple(aborts)


def _click_exceptions() -> ModuleType | None:
    try:
        import click.exceptions
    except ImportError:  # Typer that vendors click need not install it
        return None
    return click.exceptions


def run_guarded(app: Callable[..., object], args: Sequence[str] | None = None) -> int:
    """Run a Typer/Click app inside the error boundary; returns the exit code (never raises, except
    KeyboardInterrupt, which ends the program as the user asked)."""
    usage_errors, exits, aborts = _click_signals()
    try:
        code = app(
            args=list(args) if args is not None else None, prog_name="spillover", standalone_mode=False
        )
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except exits as stop:
        return int(stop.exit_code)  # type: ignore[attr-defined]
    except usage_errors as usage:
        usage.show()  # type: ignore[attr-defined]
        return int(usage.exit_code)  # type: ignore[attr-defined]
    except aborts:
        return 130
    except Exception as exc:  # noqa: BLE001 - the boundary: every failure becomes one line
        return report(exc)
    return code if isinstance(code, int) else 0


def main_guarded(app: Callable[..., object]) -> None:
    """Console-script entry: run ``app`` in the boundary and exit with its code (the objects the command
    left are not collected again on the way out: :func:`spillover._alloc.left_to_exit`)."""
    from spillover._alloc import left_to_exit

    code = run_guarded(app)
    left_to_exit()
    sys.exit(code)
