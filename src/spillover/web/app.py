"""The web app: explore groups in a browser, over a read-only store.

``create_app(store_path)`` wires the pages (:mod:`spillover.web.pages`), the JSON API
(:mod:`spillover.web.api`), the static files and the assets that make every page work offline (the
vega-embed bundle and the country outlines), and the guards every request passes:

* only the host names the server is bound to are accepted (``Host``: a DNS-rebinding page cannot read the
  API), and a state-changing request (POST …) from a page of another origin is refused (403);
* requests are bounded (query string, path and body sizes) before any route runs; the report queue is
  bounded per client and in total (429 with ``Retry-After``);
* a method a path does not take is answered 405 with ``Allow``;
* errors are JSON (``detail`` and, for an unknown group, ``suggestions``) on the API and a page on the site;
* responses carry a Content-Security-Policy that lets a page load nothing but this app's own files.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spillover.analysis.geo import MissingDataFile
from spillover.config import cache_dir
from spillover.web import api, assets, events, pages
from spillover.web.reports import InvalidReportId, QueueFull, ReportJobs, ReportUnavailable, current_client
from spillover.web.service import Explorer, UnknownCountryError, UnknownGroupError, UnknownViewError

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 16 * 1024
MAX_QUERY_BYTES = 4 * 1024
MAX_PATH_BYTES = 2 * 1024
#: Pages may load only this app's files; vega compiles its expressions with Function(), hence unsafe-eval.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def default_report_dir() -> Path:
    """Where reports (and lineage pictures) are cached unless told otherwise: ``<cache>/web``."""
    return cache_dir() / "web"


class RequestLimits:
    """Refuse oversized requests before routing: long paths (414), long query strings (414), bodies over
    :data:`MAX_BODY_BYTES` by their declared length (413) or as they stream in (413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._problem(scope)
        if problem is not None:
            status, detail = problem
            await JSONResponse({"detail": detail}, status_code=status)(scope, receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise StarletteHTTPException(413, f"request body over {MAX_BODY_BYTES} bytes")
            return message

        await self.app(scope, bounded_receive, send)

    @staticmethod
    def _problem(scope: Scope) -> tuple[int, str] | None:
        if len(scope.get("raw_path") or scope["path"].encode()) > MAX_PATH_BYTES:
            return 414, f"path over {MAX_PATH_BYTES} bytes"
        if len(scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            return 414, f"query string over {MAX_QUERY_BYTES} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > MAX_BODY_BYTES):
                return 413, f"request body over {MAX_BODY_BYTES} bytes"
        return None


class SecurityHeaders:
    """Add the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed_hosts(host: str) -> list[str]:
    """Host names a browser may use to reach a server bound to ``host``: that address, the loopback names,
    and, when bound to every interface, this machine's names."""
    names = [host, *LOOPBACK_NAMES]
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - naming the wildcard, not binding to it
        names += [socket.gethostname(), socket.getfqdn()]
    return list(dict.fromkeys(n for n in names if n))


class SameOriginWrites:
    """Refuse (403) a state-changing request sent by a page of another origin: its ``Origin`` (or, without
    one, ``Sec-Fetch-Site: cross-site``) must be this server's own.  Requests without either (curl, scripts)
    are not from a browser page and pass.  Also records the client address for the report queue."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = current_client.set(client[0] if client else None)
        try:
            if scope["method"] not in SAFE_METHODS and self._cross_origin(scope):
                await JSONResponse(
                    {
                        "detail": "cross-origin request refused: this server accepts changes only from its own pages"
                    },
                    status_code=403,
                )(scope, receive, send)
                return
            await self.app(scope, receive, send)
        finally:
            current_client.reset(token)

    @staticmethod
    def _cross_origin(scope: Scope) -> bool:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if origin is not None:
            scheme, _, rest = origin.partition("://")
            return origin == "null" or not rest or rest.rstrip("/") != headers.get("host", "")
        return headers.get("sec-fetch-site") == "cross-site"


def allowed_methods(request: Request) -> str:
    """Every method some route of this path takes (Starlette's own 405 names only the first route's)."""
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


def wants_json(request: Request) -> bool:
    """API, static and data paths answer errors in JSON; pages answer with a page."""
    return (
        request.url.path.startswith(("/api/", "/static/", "/geo/", "/openapi")) or request.url.path == "/api"
    )


def error(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    if wants_json(request):
        response: Response = api.error_response(status, detail, **extra)
    else:
        response = pages.render(
            request, "error.html", status_code=status, title=f"Error {status}", message=detail, **extra
        )
    response.headers.update(headers or {})
    return response


def validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    """One readable sentence for all invalid parameters, and the details per parameter."""
    problems = []
    details = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
        problems.append(f"{where or 'request'}: {item.get('msg', 'invalid')}")
        details.append(
            {"parameter": where, "message": str(item.get("msg", "")), "type": str(item.get("type", ""))}
        )
    return "invalid request: " + "; ".join(problems), details


#: How each error a request can meet is answered: the status, and the message and extra fields (or headers)
#: read from the error.  Looked up along the error's classes, so a subclass is answered as its parent.
_ANSWERS: dict[type[Exception], tuple[int, Callable[[Any], tuple[str, dict[str, Any]]]]] = {
    UnknownGroupError: (404, lambda e: (e.message, {"suggestions": e.suggestions})),
    UnknownCountryError: (404, lambda e: (str(e), {})),
    UnknownViewError: (422, lambda e: (e.message, {"choices": e.choices})),
    InvalidReportId: (422, lambda e: (str(e), {})),
    ReportUnavailable: (503, lambda e: (str(e), {})),
    QueueFull: (429, lambda e: (str(e), {"headers": {"Retry-After": str(e.retry_after)}})),
    MissingDataFile: (404, lambda e: (f"data file not found: {e}", {})),
}


async def _answer(request: Request, exc: Exception) -> Response:
    """The error page or JSON body of a known error (:data:`_ANSWERS`)."""
    status, describe = next(_ANSWERS[cls] for cls in type(exc).__mro__ if cls in _ANSWERS)
    detail, extra = describe(exc)
    return error(request, status, detail, **extra)


def install_error_handlers(app: FastAPI) -> None:
    for known in _ANSWERS:
        app.add_exception_handler(known, _answer)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        message, details = validation_message(exc)
        return error(request, 422, message, errors=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path[:200]}"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
            detail = (
                f"{request.method} is not allowed on {request.url.path[:200]}; allowed: {headers['Allow']}"
            )
        return error(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error(request, 500, f"internal error ({type(exc).__name__}); see the server log")


def install_assets(app: FastAPI) -> None:
    """The chart library and the basemap, served from memory (built once per process)."""

    @app.get("/static/vega-bundle.js", include_in_schema=False)
    def vega_bundle() -> Response:
        return Response(
            assets.vega_bundle(),
            media_type="text/javascript; charset=utf-8",
            headers={"cache-control": "public, max-age=86400"},
        )

    @app.get("/geo/countries.geojson", include_in_schema=False)
    def countries() -> Response:
        return Response(
            assets.countries_geojson(),
            media_type="application/geo+json",
            headers={"cache-control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def warm_up(explorer: Explorer) -> None:
    """Build what the first visitor would otherwise wait for: the chart bundle and the search index."""
    try:
        assets.vega_bundle()
        explorer.search_entries()
        explorer.group_event_counts()
    except Exception:  # noqa: BLE001 - warming is an optimisation; requests build the same on demand
        log.exception("warm-up failed")


def create_app(
    store_path: str | Path,
    report_dir: str | Path | None = None,
    *,
    host: str = "127.0.0.1",
    extra_hosts: Sequence[str] = (),
) -> FastAPI:
    """The web app over the store at ``store_path`` (opened read-only); reports and lineage pictures are
    cached under ``report_dir`` (default ``<cache>/web``).  ``host`` is the address the server is bound to:
    requests must name it (or a loopback name, or one of ``extra_hosts``) in their ``Host`` header."""
    explorer = Explorer(store_path)
    report_root = Path(report_dir) if report_dir is not None else default_report_dir()
    reports = ReportJobs(store_path, report_root)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=warm_up, args=(explorer,), daemon=True, name="spillover-warm-up").start()
        yield
        reports.shutdown()

    app = FastAPI(
        title="spillover",
        summary="Explore armed groups from public conflict-event data.",
        description=(
            "Read-only API over a spillover event store: group search across every dataset's names, a group's "
            "events, lineage, expansion, opportunism and autonomy, countries, and assessment reports."
        ),
        version=_version(),
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: /docs is rendered by the app instead
        redoc_url=None,
    )
    app.state.explorer = explorer
    app.state.reports = reports
    app.state.report_dir = reports.report_dir
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(events.router)  # before the pages: /countries/go is not a country
    app.include_router(pages.router)
    install_assets(app)
    describe_views(app, explorer)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLimits)
    app.add_middleware(SameOriginWrites)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*allowed_hosts(host), *extra_hosts])
    return app


def describe_views(app: FastAPI, explorer: Explorer) -> None:
    """List the store's views as the enum of every ``view`` query parameter in the OpenAPI schema (they
    depend on the store, so the routes declare only their pattern)."""
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = plain_openapi()
        choices = explorer.view_choices()
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("name") == "view" and parameter.get("in") == "query":
                        parameter.setdefault("schema", {})["enum"] = choices
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("spillover")
    except Exception:  # noqa: BLE001
        return "0"
