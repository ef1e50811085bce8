"""Explore groups in a browser: a FastAPI app (pages and a JSON API) over a read-only event store.

    from spillover.web import create_app          # create_app(store_path, report_dir=None) -> FastAPI
    spillover serve                               # the command line (spillover.cli.web)

Everything a page needs (the vega-embed bundle, country outlines) is served by the app itself, so the
explorer works offline.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Import the app lazily: ``import spillover.web`` stays light until the app is asked for."""
    if name == "create_app":
        from spillover.web.app import create_app

        return create_app
    raise AttributeError(name)
