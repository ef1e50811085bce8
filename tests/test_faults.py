"""Store faults and crashes on the command line: one clear line, never a traceback; partial files removed;
a folder loads every good file and names each bad one."""

from __future__ import annotations

import errno
import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spillover.cli import app
from spillover.errors import EXIT_CRASH, EXIT_FAULT, EXIT_INPUT, run_guarded
from spillover.store import Store

MALI = "events/acled_hdx_mali_1997_2020.csv.gz"
NIGER = "events/acled_hdx_niger_1997_2020.csv.gz"
RAND = "events/rand_rdwti_1968_2009_exdex.csv.gz"
SRC = str(Path(__file__).resolve().parents[1] / "src")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``spillover ARGS`` as a user runs it (the console script's entry point, in a fresh interpreter)."""
    return subprocess.run(
        [sys.executable, "-m", "spillover.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": SRC, **(env or {})},
        check=False,
    )


def one_line(stderr: str) -> str:
    """The error: one line of stderr besides the progress lines ("[  0 s] …") a piped command prints."""
    from spillover.cli.output import PROGRESS_LINE

    lines = [line for line in stderr.splitlines() if line.strip() and not PROGRESS_LINE.match(line)]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def snapshot(path: Path) -> tuple[dict[str, int], list[str]]:
    with Store(path, read_only=True) as store:
        raw = sorted(p.name for p in store.raw_dir.glob("*")) if store.raw_dir.is_dir() else []
        return store.counts(), raw


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A store held open for writing by another process (as a running ingest holds it)."""
    path = tmp_path / "held.duckdb"
    Store(path).close()
    script = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield path, proc
    proc.kill()
    proc.wait()


def test_locked_store_names_the_holder_and_the_fix(real_data: Path, holder) -> None:  # noqa: ANN001
    path, proc = holder
    done = cli("data", "add", str(real_data / NIGER), "--store", str(path))
    assert done.returncode == EXIT_FAULT
    line = one_line(done.stderr)
    assert f"in use by another process, PID {proc.pid}" in line and f"kill {proc.pid}" in line, line
    assert str(path) in line and "--store" in line


def test_store_held_by_spillover_serve_says_so(real_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "served.duckdb"
    with Store(path) as store:
        store.ingest(real_data / NIGER)
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = subprocess.Popen(
        [sys.executable, "-m", "spillover.cli", "serve", "--store", str(path), "--port", str(port)],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # wait until the server answers a request over the store
            assert serve.poll() is None and time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/groups", params={"q": "boko"}).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        done = cli("data", "add", str(real_data / MALI), "--store", str(path))
        assert done.returncode == EXIT_FAULT
        line = one_line(done.stderr)
        assert f"PID {serve.pid}" in line and "spillover serve" in line, line
    finally:
        serve.kill()
        serve.wait()


def _read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes through permissions: a read-only mount instead
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], check=False
        )
        if mounted.returncode != 0:
            pytest.skip("root, and no read-only mount permitted here")
        yield folder
        subprocess.run(["umount", str(folder)], check=False)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    yield from _read_only_folder(tmp_path)


def test_read_only_store_folder_is_one_line(real_data: Path, read_only_folder: Path) -> None:
    done = cli("data", "add", str(real_data / NIGER), "--store", str(read_only_folder / "s.duckdb"))
    assert done.returncode == EXIT_FAULT
    line = one_line(done.stderr)
    assert ("read-only" in line or "permission denied" in line) and "--store" in line, line


def test_disk_full_while_writing_raw_rows_removes_the_partial_file(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    store_path = tmp_path / "s.duckdb"
    with Store(store_path) as store:
        store.ingest(real_data / NIGER)
    before = snapshot(store_path)
    real_write = pq.ParquetWriter.write_table  # the raw rows are written block by block as the file is read

    def full_disk(writer, table, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        # a partial file is on disk when the device fills
        real_write(writer, table.slice(0, 10), *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device", str(writer.where))

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full_disk)
    code = run_guarded(app, ["data", "add", str(real_data / MALI), "--store", str(store_path)])
    assert code == EXIT_FAULT
    line = one_line(capsys.readouterr().err)
    assert "no space left" in line and "free some space" in line
    assert snapshot(store_path) == before  # no partial Parquet file, no row


def test_disk_full_on_a_small_file_system(real_data: Path, tmp_path: Path) -> None:
    """A real full disk: a 2 MB tmpfs (needs permission to mount)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=False, capture_output=True
    ).returncode:
        pytest.skip("cannot mount a small file system here")
    try:
        done = cli("data", "add", str(real_data / RAND), "--store", str(folder / "s.duckdb"))
        assert done.returncode == EXIT_FAULT, done.stderr
        line = one_line(done.stderr)
        assert "no space left" in line, line
        leftovers = [p.name for p in (folder / "s.raw").glob("*")] if (folder / "s.raw").is_dir() else []
        assert leftovers == [], leftovers  # the partial raw Parquet does not keep the disk full
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_unexpected_crash_is_one_line_and_a_log_file(
    real_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPILLOVER_LOG_DIR", str(tmp_path / "logs"))

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Store, "_commit_staged", broken)
    code = run_guarded(app, ["data", "add", str(real_data / NIGER), "--store", str(tmp_path / "s.duckdb")])
    assert code == EXIT_CRASH
    line = one_line(capsys.readouterr().err)
    assert "unexpected failure (ZeroDivisionError: a bug)" in line
    log = Path(line.split("the traceback is in ")[1].split(". Please")[0])
    assert (
        log.parent == tmp_path / "logs"
        and "Traceback" in log.read_text()
        and "_commit_staged" in log.read_text()
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "article.txt"], "Missing option '--group'"),
        (["assess"], "Missing argument 'group'"),
        (["profile", "AQIM", "--bogus"], "No such option: --bogus"),
        (["profile", "AQIM", "--draws", "x"], "No such option: --draws"),
        (["assess", "AQIM", "--draws", "many"], "Invalid value for '--draws'"),
    ],
)
def test_usage_errors_are_usage_errors_not_crashes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    said: str,
) -> None:
    # Typer 0.2x raises its vendored click's errors: once read as crashes (exit 70 and a crash log)
    monkeypatch.setenv("SPILLOVER_LOG_DIR", str(tmp_path / "logs"))
    code = run_guarded(app, args)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT, err
    assert said in err and "unexpected failure" not in err
    assert not (tmp_path / "logs").exists()


def test_folder_loads_every_good_file_and_names_each_bad_one(real_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(real_data / NIGER, folder / "a_niger.csv.gz")
    (folder / "b_shopping.csv").write_text("item,price\napples,3\n")
    data = (real_data / MALI).read_bytes()
    (folder / "c_cut.csv.gz").write_bytes(data[: len(data) // 2])
    shutil.copy(real_data / MALI, folder / "d_mali.csv.gz")
    done = cli("data", "add", str(folder), "--store", str(tmp_path / "s.duckdb"))
    assert done.returncode == EXIT_INPUT and "Traceback" not in done.stderr
    failed = [line for line in done.stderr.splitlines() if line.startswith("error: failed:")]
    assert len(failed) == 2
    assert "b_shopping.csv" in failed[0] and "match no known source" in failed[0]
    assert "c_cut.csv.gz" in failed[1] and "truncated" in failed[1]
    assert "2 file(s) loaded" in done.stderr and "2 failed" in done.stderr
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        assert sorted(store.files()["name"]) == ["a_niger.csv.gz", "d_mali.csv.gz"]
    # a glob does the same
    again = cli("data", "add", str(folder / "*.csv*"), "--store", str(tmp_path / "t.duckdb"))
    assert again.returncode == EXIT_INPUT and again.stderr.count("failed:") == 2


def test_remove_undoes_a_load(real_data: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "s.duckdb"
    with Store(store_path) as store:
        store.ingest(real_data / NIGER)
    before = snapshot(store_path)
    copy = tmp_path / "rand.csv.gz"
    with gzip.open(real_data / RAND, "rt", encoding="utf-8") as fh:
        head = [next(fh) for _ in range(200)]
    copy.write_bytes(gzip.compress("".join(head).encode()))
    assert cli("data", "add", str(copy), "--store", str(store_path)).returncode == 0
    assert snapshot(store_path) != before
    done = cli("data", "remove", "rand.csv.gz", "--store", str(store_path))
    assert done.returncode == 0, done.stderr
    assert "199 events" in done.stdout and "199 raw rows" in done.stdout
    assert snapshot(store_path) == before
    missing = cli("data", "remove", "rand.csv.gz", "--store", str(store_path))
    assert missing.returncode == EXIT_INPUT and "no loaded file" in one_line(missing.stderr)
