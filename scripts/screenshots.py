"""Refresh the pictures of docs/: pages of a printed assessment and two pages of the web app.

    python scripts/screenshots.py STORE REPORT.pdf [--out docs]

The report pages are found by their text (pdftotext) and drawn at 100 dpi (A4: 827 x 1170) by pdftoppm;
the web pages are served from STORE on a free loopback port and photographed in Debian's Chromium
(/usr/bin/chromium, driven by Playwright; no browser is downloaded).  Prints the PDF's page count.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

#: docs picture -> a phrase that only its page of the report prints (the first page matching is drawn)
REPORT_PAGES = {
    "report-page1.png": None,  # the first page
    "report-lineage.png": "Lineage from the actor registry",
    "report-activity.png": "Tactics (primary tactic)",
    "report-expansion.png": "Countries shaded by the year the group entered them",  # the map's caption
    "report-evidence.png": "Evidence behind each key judgment",
}
GROUP = "aqim"
WEB_PAGES = {
    "web-events.png": (
        f"/groups/{GROUP}/events?since=2005-01-01&until=2015-12-31&country=Mali&source=acled"
        "&sort=fatalities&order=desc",
        (1280, 860),
    ),
    "web-group-dates.png": (f"/groups/{GROUP}?since=2010-01-01&until=2012-12-31", (1280, 1300)),
}


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of the PDF."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1] or [text.stdout]


def report_pictures(pdf: Path, out: Path) -> int:
    """Draw the report's pages of :data:`REPORT_PAGES` into ``out``; the number of pages of the PDF."""
    pages = page_texts(pdf)
    for name, phrase in REPORT_PAGES.items():
        number = 1 if phrase is None else next(i for i, t in enumerate(pages, 1) if phrase in t)
        stem = out / Path(name).stem
        subprocess.run(
            ["pdftoppm", "-r", "100", "-f", str(number), "-l", str(number), "-png", "-singlefile", str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        print(f"{name}: page {number}")
    return len(pages)


def web_pictures(store: Path, out: Path) -> None:
    """Serve the app over ``store`` and photograph :data:`WEB_PAGES` into ``out``."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from spillover.web.app import create_app

    app = create_app(store, report_dir=Path(tempfile.mkdtemp(prefix="spillover-shots-")))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
            )
            for name, (path, (width, height)) in WEB_PAGES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.set_default_timeout(300_000)
                page.goto(f"http://127.0.0.1:{port}{path}")
                for chart in page.locator(".vega[data-chart]").all():
                    if chart.is_visible():
                        chart.locator("svg").first.wait_for()
                page.wait_for_function("() => !document.querySelector('[data-fragment]')")
                page.screenshot(path=out / name)
                page.close()
                print(f"{name}: {path}")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        app.state.reports.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs")
    args = parser.parse_args()
    print(f"{args.pdf.name}: {report_pictures(args.pdf, args.out)} pages")
    web_pictures(args.store, args.out)


if __name__ == "__main__":
    main()
