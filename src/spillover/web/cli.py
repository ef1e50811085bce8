"""``spillover serve``: the web app on this machine.

Bound to the loopback address by default, so the store is visible only from this machine unless the user
asks for another address; the store is opened read-only, so serving it never changes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spillover.cli_options import StoreOpt
from spillover.config import default_store_path

app = typer.Typer(
    help="Explore groups in a browser.", no_args_is_help=True, pretty_exceptions_show_locals=False
)

LOOPBACK = "127.0.0.1"


@app.command("serve")
def serve(
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback by default: this machine only)")
    ] = LOOPBACK,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    store: StoreOpt = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            "--report-dir",
            help="where generated reports are cached [default: <cache>/web]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the group explorer (pages and JSON API) over a read-only store."""
    import uvicorn

    from spillover.web.app import create_app

    store_path = store if store is not None else default_store_path()
    if not store_path.is_file():
        typer.echo(
            f"error: {store_path}: no store here. Load data first with `spillover data add FILE`.", err=True
        )
        raise typer.Exit(code=1)
    if host != LOOPBACK and host not in ("localhost", "::1"):
        typer.echo(f"warning: listening on {host}: anyone who can reach it can read the store.", err=True)
    typer.echo(f"spillover: serving {store_path} on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(
        create_app(store_path, report_dir=report_dir, host=host), host=host, port=port, log_level="info"
    )
