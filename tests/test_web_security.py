"""The web app against a hostile browser page, on a real server on 127.0.0.1: only its own host names are
accepted (DNS rebinding), changes only from its own pages (cross-site POST), a bounded report queue
(429 with Retry-After; identical pending jobs merged) and 405 with Allow."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from spillover.store import Store
from spillover.web.app import create_app
from spillover.web.reports import QueueFull, ReportJobs, ReportKey, current_client

NIGER = "events/acled_hdx_niger_1997_2020.csv.gz"


@pytest.fixture(scope="module")
def store_path(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("websec") / "niger.duckdb"
    with Store(path) as store:
        store.ingest(real_data / NIGER)
    return path


@pytest.fixture(scope="module")
def held_reports() -> Iterator[threading.Event]:
    """Report jobs that wait until the test lets them go (no report is really made): the queue fills."""
    release = threading.Event()
    original = ReportJobs._run_child

    def waiting(self: ReportJobs, key: ReportKey, target: Path) -> str:
        release.wait(60)
        raise RuntimeError("held by the test")

    ReportJobs._run_child = waiting  # type: ignore[method-assign]
    yield release
    release.set()
    ReportJobs._run_child = original  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def server(
    store_path: Path, held_reports: threading.Event, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    app = create_app(store_path, report_dir=tmp_path_factory.mktemp("websec-reports"), host="127.0.0.1")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True, name="uvicorn-websec")
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    held_reports.set()
    uv.should_exit = True
    thread.join(timeout=15)
    sock.close()
    app.state.reports.shutdown()


@pytest.fixture(scope="module")
def groups(server: str) -> list[str]:
    """Ids of groups of the store (report targets)."""
    found = httpx.get(f"{server}/api/groups", params={"q": "Islamic State"}, timeout=30).json()
    ids = [g["group_id"] for g in found["results"] if g["group_id"]]
    assert len(ids) >= 1
    return ids


def test_only_the_bound_host_names_are_accepted(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    assert httpx.get(f"{server}/api/groups?q=boko", timeout=30).status_code == 200
    assert httpx.get(f"{server}/api/groups?q=boko", headers={"Host": f"localhost:{port}"}).status_code == 200
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        response = httpx.get(f"{server}/api/groups?q=boko", headers={"Host": host})
        assert response.status_code == 400, host  # a DNS-rebinding page cannot read the API


def test_a_cross_site_post_is_refused_and_starts_nothing(server: str, groups: list[str]) -> None:
    url = f"{server}/api/groups/{groups[0]}/report"
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        response = httpx.post(url, params={"format": "pdf"}, headers=headers)
        assert response.status_code == 403, headers
        assert "cross-origin" in response.json()["detail"]
    assert httpx.get(url, params={"format": "pdf"}).json()["status"] == "missing"


def test_report_queue_is_bounded_and_identical_jobs_merge(server: str, groups: list[str]) -> None:
    own_origin = {"Origin": server}
    first = httpx.post(f"{server}/api/groups/{groups[0]}/report", headers=own_origin)
    again = httpx.post(f"{server}/api/groups/{groups[0]}/report", headers=own_origin)
    assert first.status_code == again.status_code == 202
    assert first.json()["status"] in ("queued", "running") and again.json()["status"] in ("queued", "running")
    second = httpx.post(f"{server}/api/groups/{groups[0]}/report", params={"view": "all"})
    assert second.status_code == 202  # the client's second pending report
    refused = [
        httpx.post(f"{server}/api/groups/{groups[0]}/report", params={"format": "pdf", "view": v})
        for v in ("all", "fused")
    ]
    assert [r.status_code for r in refused] == [429, 429]
    assert all(int(r.headers["Retry-After"]) > 0 for r in refused)
    assert "reports being made" in refused[0].json()["detail"]


def test_method_not_allowed_names_the_allowed_ones(server: str, groups: list[str]) -> None:
    response = httpx.delete(f"{server}/api/groups/{groups[0]}/report")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    response = httpx.put(f"{server}/api/groups")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_total_queue_bound_across_clients(
    store_path: Path, held_reports: threading.Event, tmp_path: Path
) -> None:
    jobs = ReportJobs(store_path, tmp_path, max_pending=3, max_pending_per_client=2)
    try:
        for i, client in enumerate(("10.0.0.1", "10.0.0.2", "10.0.0.3")):
            token = current_client.set(client)
            jobs.start(ReportKey(f"group-{i}", "html"))
            current_client.reset(token)
        assert jobs.pending() == 3
        token = current_client.set("10.0.0.4")
        with pytest.raises(QueueFull, match="3 reports are already being made"):
            jobs.start(ReportKey("group-9", "html"))
        current_client.reset(token)
    finally:
        jobs.shutdown()
