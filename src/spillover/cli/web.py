"""``spillover serve``: the web app on this machine.

Bound to the loopback address by default, so the store is visible only from this machine unless the user
asks for another address; the store is opened read-only, so serving it never changes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spillover.cli import output
from spillover.cli.options import InputError, StoreOpt, commands, store_path

top = commands()

LOOPBACK = "127.0.0.1"


@top.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback: this machine only)")] = LOOPBACK,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    store: StoreOpt = None,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report-dir", help="Where generated reports are cached", show_default="<cache>/web"),
    ] = None,
) -> None:
    """Serve the group explorer (pages and JSON API) over a read-only store."""
    path = store_path(store)
    if not path.is_file():
        raise InputError(f"{path}: no store here. Load data first with spillover data add FILE.")
    import uvicorn

    from spillover.web.app import create_app

    if host != LOOPBACK and host not in ("localhost", "::1"):
        output.err.print(f"warning: listening on {host}: anyone who can reach it can read the store.")
    output.note(f"spillover: serving {path} on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(path, report_dir=report_dir, host=host), host=host, port=port, log_level="info")
