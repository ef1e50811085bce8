"""Load test of the web explorer on loopback: how many group pages per second, at what latency.

Starts ``uvicorn`` with :func:`spillover.web.app.create_app` in a separate process on a free port of
127.0.0.1 (so the clients do not share the server's interpreter), warms the page once (its first view
computes the group's analyses; that cold time is reported apart), then runs ``--clients`` concurrent
``httpx.AsyncClient`` loops of ``--requests`` GETs each, stopping early at ``--time-limit`` seconds.
Every request goes to 127.0.0.1 only; the run is bounded in count and time and stops by itself.

Usage::

    /work/venv/bin/python benchmarks/web_load.py                     # 20 clients × 25 GET /groups/aqim
    /work/venv/bin/python benchmarks/web_load.py --store /tmp/s1.duckdb --path /api/groups?q=boko
    /work/venv/bin/python benchmarks/web_load.py --json -           # JSON only

Without ``--store`` a store of every event file of the shared data folder is built (once) in
``benchmarks/_work/web_store.duckdb``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import build_store, data_dir, machine_info, work_dir  # noqa: E402

SERVER_CODE = """
import sys, uvicorn
from spillover.web.app import create_app
store, port, reports = sys.argv[1], int(sys.argv[2]), sys.argv[3]
uvicorn.run(create_app(store, report_dir=reports), host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""
HOST = "127.0.0.1"


@dataclass
class LoadResult:
    path: str
    clients: int
    requests_per_client: int
    time_limit_s: float
    cold_first_request_s: float
    warm_up_requests: int
    warm_up_s: float
    requests: int
    errors: int
    error_examples: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    requests_per_s: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    stopped_by_time_limit: bool = False
    response_bytes: int = 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(store: Path, port: int, report_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SPILLOVER_DATA_DIR": str(data_dir())}
    return subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, str(store), str(port), str(report_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"server exited: {server.stderr.read().decode()[-2000:] if server.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/api/groups?q=a&limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server not up after {timeout:.0f} s")


def warm_up(base: str, path: str) -> tuple[float, int, float]:
    """First view of the page (cold: the group's analyses are computed), then its lazily loaded parts, so
    the measured page is the steady state a second visitor sees."""
    with httpx.Client(base_url=base, timeout=300) as client:
        began = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - began
        response.raise_for_status()
        extra = []
        if path.startswith("/groups/"):
            group = path.split("/")[2].split("?")[0]
            extra = [
                f"/groups/{group}/sections/{name}"
                for name in ("expansion", "onsets", "opportunism", "autonomy", "theatres")
            ]
            extra += [f"/api/groups/{group}/charts/{name}" for name in ("timeline", "tactics", "map")]
        for url in extra:
            client.get(url).raise_for_status()
        client.get(path).raise_for_status()
    return cold, 2 + len(extra), time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: every reported latency is one that happened)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


async def run_load(
    base: str, path: str, clients: int, requests: int, time_limit: float
) -> tuple[list[float], list[str], int, float, bool]:
    latencies: list[float] = []
    errors: list[str] = []
    received = 0
    deadline = time.monotonic() + time_limit
    stopped = False
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=time_limit) as client:

        async def one_client() -> None:
            nonlocal received, stopped
            for _ in range(requests):
                if time.monotonic() >= deadline:
                    stopped = True
                    return
                began = time.perf_counter()
                try:
                    response = await client.get(path)
                    elapsed = time.perf_counter() - began
                    if response.status_code != 200:
                        errors.append(f"HTTP {response.status_code}")
                    else:
                        latencies.append(elapsed)
                        received += len(response.content)
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        duration = time.perf_counter() - began
    return latencies, errors, received, duration, stopped


def measure(store: Path, path: str, clients: int, requests: int, time_limit: float) -> LoadResult:
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="spillover-web-load-") as reports:
        server = start_server(store, port, Path(reports))
        try:
            wait_until_up(base, server)
            cold, warm_requests, warm_seconds = warm_up(base, path)
            latencies, errors, received, duration, stopped = asyncio.run(
                run_load(base, path, clients, requests, time_limit)
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    done = len(latencies) + len(errors)
    ms = [1000 * v for v in latencies]
    return LoadResult(
        path=path,
        clients=clients,
        requests_per_client=requests,
        time_limit_s=time_limit,
        cold_first_request_s=round(cold, 3),
        warm_up_requests=warm_requests,
        warm_up_s=round(warm_seconds, 2),
        requests=done,
        errors=len(errors),
        error_examples=sorted(set(errors))[:5],
        duration_s=round(duration, 3),
        requests_per_s=round(done / duration, 1) if duration else 0.0,
        latency_ms={
            "p50": round(percentile(ms, 50), 1),
            "p95": round(percentile(ms, 95), 1),
            "p99": round(percentile(ms, 99), 1),
            "max": round(max(ms), 1),
            "mean": round(statistics.fmean(ms), 1),
        }
        if ms
        else {},
        stopped_by_time_limit=stopped,
        response_bytes=received // max(len(latencies), 1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="store to serve (default: build one from the shared data)")
    parser.add_argument(
        "--path", default="/groups/aqim", help="page or API path to load (default /groups/aqim)"
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--requests", type=int, default=25, help="requests per client (default 25)")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="stop after this many seconds (default 60)"
    )
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON ('-': print only JSON)")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 200 and 1 <= args.requests <= 1000 and 0 < args.time_limit <= 600):
        parser.error("keep the load bounded: 1-200 clients, 1-1000 requests each, at most 600 s")

    store = args.store or build_store(work_dir() / "web_store.duckdb")
    result = measure(store, args.path, args.clients, args.requests, args.time_limit)
    payload = {"result": asdict(result), "store": str(store), "machine": machine_info()}
    if args.json:
        text = json.dumps(payload, indent=2, default=str)
        if args.json == "-":
            print(text)
            return 1 if result.errors else 0
        Path(args.json).write_text(text)
    r = result
    print(
        f"GET {r.path}: {r.clients} clients × {r.requests_per_client} requests on {HOST} (limit {r.time_limit_s:.0f} s)"
    )
    print(
        f"  cold first request   {r.cold_first_request_s:.2f} s (the page's summary); warm-up {r.warm_up_s:.1f} s over {r.warm_up_requests} requests (every section and chart)"
    )
    print(
        f"  requests             {r.requests} in {r.duration_s:.2f} s{'  (stopped by the time limit)' if r.stopped_by_time_limit else ''}"
    )
    print(
        f"  throughput           {r.requests_per_s:.1f} requests/s ({r.response_bytes / 1024:.1f} KiB per response)"
    )
    if r.latency_ms:
        lat = r.latency_ms
        print(
            f"  latency (ms)         p50 {lat['p50']:.1f}   p95 {lat['p95']:.1f}   p99 {lat['p99']:.1f}   max {lat['max']:.1f}"
        )
    print(f"  errors               {r.errors}{'  e.g. ' + '; '.join(r.error_examples) if r.errors else ''}")
    m = payload["machine"]
    print(f"  machine              {m['cpu']}, {m['cores_usable']} cores, Python {m['python']}")
    return 1 if r.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
