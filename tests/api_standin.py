"""Local stand-ins for ACLED's and UCDP's APIs, serving records built from the real files.

One ``http.server`` on 127.0.0.1 (a free port, a daemon thread) answers like the documented APIs:

* ``POST /oauth/token`` (password and refresh-token grants), ``GET /api/acled/read`` (``country`` with
  ``|``, ``event_date`` + ``BETWEEN``, ``timestamp`` ≥, ``limit``, ``page``; ``{status, success, count,
  total_count, data}``), ``GET /api/deleted/read`` (``deleted_timestamp`` ≥): ACLED records are the rows of
  ``events/acled_hdx_mali_1997_2020.csv.gz`` under the field names of ACLED's current API;
* ``GET /gedevents/<version>`` (``pagesize``, ``page`` from 0, ``Country`` = GW codes; header
  ``x-ucdp-access-token``; envelope ``TotalCount, TotalPages, PreviousPageUrl, NextPageUrl, Result``): GED
  records are the rows of ``ucdp_ged_v23_1_random_sample_1000.csv.gz`` with JSON numbers as UCDP sends them.

Faults to script: ``fail`` maps ``(path, page)`` to a list of statuses answered before the real answer
(429 with ``Retry-After: 0``, 500, …); ``down_from`` makes every page from a number on answer 500 (an
outage: the pull stops and must resume); ``rename`` renames fields of every record; ``edit`` and ``delete``
change the data as ACLED does (a new ``timestamp``; a deleted id with its time).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

from spillover.sources.acled import COLUMNS_2023
from spillover.sources.ged import COLUMNS_49

EMAIL = "analyst@example.org"
PASSWORD = "pw-Secret-7f3a9c"
UCDP_TOKEN = "ucdp-tok-91d2e8b4c7"


def acled_records(path: Path) -> list[dict[str, object]]:
    """The file's rows as ACLED API records: the current field names (``disorder_type``,
    ``civilian_targeting``, ``tags``; no ``data_id``, ``event_id_no_cnty``, ``iso3``), values as text."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    violent = {"Battles", "Violence against civilians", "Explosions/Remote violence"}
    records = []
    for row in frame.to_dict("records"):
        record = {c: row.get(c, "") for c in COLUMNS_2023}
        record["disorder_type"] = (
            "Political violence"
            if row["event_type"] in violent
            else "Demonstrations"
            if row["event_type"] in ("Protests", "Riots")
            else "Strategic developments"
        )
        record["civilian_targeting"] = "Civilian targeting" if row["inter2"] == "7" else ""
        record["tags"] = ""
        records.append(record)
    return records


def _typed(value: str) -> object:
    """A CSV cell as UCDP's JSON writes it: numbers as numbers, empty as null."""
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." in value or value.isdigit() else number


def ged_records(path: Path) -> list[dict[str, object]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    text_fields = {
        "relid",
        "conflict_dset_id",
        "dyad_dset_id",
        "side_a_dset_id",
        "side_b_dset_id",
        "gwnoa",
        "gwnob",
    }
    out = []
    for row in frame.to_dict("records"):
        record: dict[str, object] = {}
        for c in COLUMNS_49:
            value = row[c]
            if c in ("date_start", "date_end") and value:
                record[c] = value[:10] + "T00:00:00"
            elif c in text_fields or c in ("side_a", "side_b", "country", "region", "code_status"):
                record[c] = value or None
            else:
                record[c] = _typed(value)
        out.append(record)
    return out


@dataclass
class StandIn:
    acled: list[dict[str, object]]
    ged: list[dict[str, object]]
    base: str = ""
    fail: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    down_from: int | None = None
    rename: dict[str, str] = field(default_factory=dict)
    deleted: list[dict[str, object]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    tokens_issued: list[str] = field(default_factory=list)
    refresh_tokens: list[str] = field(default_factory=list)
    #: Access tokens the server no longer accepts (an expired or revoked token).
    revoked: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- changes, as ACLED makes them ------------------------------------------------------------------
    def edit(self, event_id: str, **changes: str) -> None:
        with self.lock:
            record = next(r for r in self.acled if r["event_id_cnty"] == event_id)
            record.update(changes)
            record["timestamp"] = str(int(time.time()) + 1)

    def delete(self, event_id: str) -> None:
        with self.lock:
            self.acled = [r for r in self.acled if r["event_id_cnty"] != event_id]
            self.deleted.append({"event_id_cnty": event_id, "deleted_timestamp": str(int(time.time()) + 1)})

    def pages_requested(self, path: str) -> list[int]:
        return [int(q.get("page", "-1")) for p, _, q in self.requests if p == path]


def _acled_filter(records: list[dict[str, object]], q: dict[str, str]) -> list[dict[str, object]]:
    out = records
    if "country" in q:
        wanted = set(q["country"].split("|"))
        out = [r for r in out if r["country"] in wanted]
    if "event_date" in q and q.get("event_date_where") == "BETWEEN":
        start, end = q["event_date"].split("|")
        out = [r for r in out if start <= str(r["event_date"]) <= end]
    if "timestamp" in q:
        out = [r for r in out if int(str(r["timestamp"])) >= int(q["timestamp"])]
    # ACLED sorts by date, latest first
    return sorted(out, key=lambda r: (str(r["event_date"]), str(r["event_id_cnty"])), reverse=True)


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

        def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _fault(self, path: str, page: int) -> bool:
            with state.lock:
                queued = state.fail.get((path, page))
                status = queued.pop(0) if queued else None
            if status is None and state.down_from is not None and page >= state.down_from:
                status = 500
            if status is None:
                return False
            self._send(status, {"error": "stand-in fault"}, {"Retry-After": "0"} if status == 429 else None)
            return True

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            state.requests.append((self.path, "POST", {k: v for k, v in form.items() if k == "grant_type"}))
            if self.path != "/oauth/token":
                return self._send(404, {"message": "not found"})
            grant = form.get("grant_type")
            ok = (
                grant == "password"
                and form.get("username") == EMAIL
                and form.get("password") == PASSWORD
                and form.get("client_id") == "acled"
            ) or (grant == "refresh_token" and form.get("refresh_token") in state.refresh_tokens)
            if not ok:
                return self._send(
                    400,
                    {"error": "invalid_grant", "error_description": "The user credentials were incorrect."},
                )
            n = len(state.tokens_issued) + 1
            access, refresh = f"acc-{n}-e1f0c3a5b7d9", f"ref-{n}-0b2d4f6a8c1e"
            state.tokens_issued.append(access)
            state.refresh_tokens.append(refresh)
            self._send(
                200,
                {
                    "token_type": "Bearer",
                    "expires_in": 86400,
                    "access_token": access,
                    "refresh_token": refresh,
                },
            )

        def do_GET(self) -> None:  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(url.query))
            state.requests.append((url.path, "GET", q))
            if url.path.startswith("/gedevents/"):
                return self._ged(url.path, q)
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ")
            if token not in state.tokens_issued or token in state.revoked:
                return self._send(401, {"message": "Unauthorized: invalid or expired token"})
            page = int(q.get("page", "1"))
            if self._fault(url.path, page):
                return None
            limit = int(q.get("limit", "5000"))
            with state.lock:
                if url.path == "/api/acled/read":
                    rows = _acled_filter(state.acled, q)
                    rows = [{state.rename.get(k, k): v for k, v in r.items()} for r in rows]
                elif url.path == "/api/deleted/read":
                    since = int(q.get("deleted_timestamp", "0"))
                    rows = [r for r in state.deleted if int(str(r["deleted_timestamp"])) >= since]
                else:
                    return self._send(404, {"message": "not found"})
            chunk = rows[(page - 1) * limit : page * limit]
            self._send(
                200,
                {
                    "status": 200,
                    "success": True,
                    "count": len(chunk),
                    "total_count": len(rows),
                    "data": chunk,
                },
            )
            return None

        def _ged(self, path: str, q: dict[str, str]) -> None:
            if self.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
                return self._send(401, {"message": "A valid access token is required"})
            page = int(q.get("page", "0"))
            if self._fault(path, page):
                return None
            size = int(q.get("pagesize", "100"))
            rows = state.ged
            if "Country" in q:
                wanted = {int(c) for c in q["Country"].split(",")}
                rows = [r for r in rows if r["country_id"] in wanted]
            pages = -(-len(rows) // size)
            base = f"{state.base}{path}?pagesize={size}"
            self._send(
                200,
                {
                    "TotalCount": len(rows),
                    "TotalPages": pages,
                    "PreviousPageUrl": f"{base}&page={page - 1}" if page > 0 else "",
                    "NextPageUrl": f"{base}&page={page + 1}" if page + 1 < pages else "",
                    "Result": rows[page * size : (page + 1) * size],
                },
            )
            return None

    return Handler


def serve(state: StandIn) -> ThreadingHTTPServer:
    """Start the stand-in on 127.0.0.1 (a free port) in a daemon thread; ``state.base`` is its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
