"""Results worth keeping between runs, on disk in the user cache folder, keyed by everything they depend on.

Why: every command runs in a fresh process, and most of what it computes depends on inputs that change
rarely: the actor registry (shipped YAML + the UCDP actor list), the onset registry and dataset relations
(files of the data folder), the store's distinct actor names resolved through the registry, a group's
selection and its fusion links, the measures of a selection, an assessment's analyses and figures.  Each is
computed by its one function and kept here as a pickle whose file name is a hash of:

* the *kind* of result and its own key parts (a store's content fingerprint, arguments);
* the content of the input files (hashed, not their dates: a copied file is the same input);
* the source code of the package (every ``.py`` and data file of ``spillover``): a changed rule or registry
  entry gives a new key, so a result is never read back from an older rule.

A write goes to a temporary file renamed into place (an interrupted write leaves no half file), a file that
cannot be read back is recomputed, and a folder that cannot be written is not an error (the result is simply
not kept).  ``SPILLOVER_CACHE`` (or the configuration's ``cache_dir``) says where; ``SPILLOVER_NO_MEMO=1``
turns it off.  The files are the user's own (created readable by the user only); like any pickle, they must
not come from anyone else.

Why not a table in the store: the analysis commands and the web app open the store read-only (several
readers at once; DuckDB allows one writer), so they could not write one; keyed by the store's content
fingerprint, a kept result is as safe as a stored one and never stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from spillover._alloc import collector_paused

log = logging.getLogger(__name__)
T = TypeVar("T")
H = TypeVar("H")

#: bump to drop every kept result (e.g. when the pickled classes change shape in a way the source hash misses)
MEMO_VERSION = 1
#: results of one kind kept at most, and bytes of the whole folder (the least recently used go first)
KEEP_PER_KIND = 512
MAX_BYTES = 1_000_000_000
_PACKAGE = Path(__file__).resolve().parent


#: libraries whose version a kept result depends on (pickled frames, parsed files, segmentations)
LIBRARIES = ("pandas", "numpy", "pyarrow", "duckdb", "ruptures", "country_converter", "rapidfuzz")


def _library_versions() -> list[str]:
    """The installed distributions of :data:`LIBRARIES` (their ``*.dist-info`` folder names hold the
    version; listing the folder is cheaper than asking ``importlib.metadata``)."""
    import sysconfig

    wanted = {name.replace("-", "_").lower() for name in LIBRARIES}
    found = []
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found += [n for n in names if n.endswith(".dist-info") and n.split("-")[0].lower() in wanted]
    return sorted(found)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the package's source and data files (its rules and shipped registries) and of the versions
    of the libraries results depend on."""
    digest = hashlib.sha256(f"{MEMO_VERSION}|{_library_versions()}".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in {".py", ".yaml", ".yml", ".csv", ".json", ".toml"} and path.is_file():
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=64)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]


def file_fingerprint(path: str | os.PathLike[str] | None) -> str:
    """A hash of a file's content ("-" for no file, "missing" for a path that is not a file)."""
    if path is None:
        return "-"
    p = Path(path)
    if not p.is_file():
        return f"missing:{p}"
    stat = p.stat()
    return _file_hash(str(p.resolve()), stat.st_size, stat.st_mtime_ns)


def folder_fingerprint(folder: str | os.PathLike[str] | None) -> str:
    """A hash of the content of every file under ``folder`` (the data folder: onsets, leaders, relations,
    maps), "-" without one."""
    if folder is None or not Path(folder).is_dir():
        return "-"
    root = Path(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return hashlib.sha256(
        repr([(str(p.relative_to(root)), file_fingerprint(p)) for p in files]).encode()
    ).hexdigest()[:16]


def reattach(value: Any, source: Any, depth: int = 3) -> None:
    """Give every selection kept inside ``value`` (a result read back from disk, whose selections were
    pickled without their store) the store ``source`` again, looking ``depth`` levels into attributes,
    lists and dicts."""
    if depth < 0 or value is None or isinstance(value, (str, bytes, int, float)):
        return
    if type(value).__name__ == "GroupSelection":
        if value.source is None:
            value.source = source
        return
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif (
        hasattr(value, "__dict__")
        and not isinstance(value, type)
        and type(value).__module__.startswith("spillover")
    ):
        items = list(vars(value).values())
    else:
        return
    for item in items:
        reattach(item, source, depth - 1)


def store_content(store: Any) -> str:
    """What a store holds now, as a key: its files (:meth:`~spillover.store.Store.fingerprint`), the rows
    visible, the versions archived (an API pull that revised or deleted events) and, in a reading as of an
    API pull (:func:`spillover.versions.as_of_pull`: temporary views over the tables), the views' text."""
    from spillover._duck import has_table  # here: the memo is imported where DuckDB is not

    con = store.con
    visible = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_actors)"
    ).fetchone()
    versions = (
        con.execute("SELECT count(*), max(valid_to) FROM event_versions").fetchone()
        if has_table(con, "event_versions")
        else None
    )
    views = con.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE temporary AND view_name IN ('events', 'event_actors') "
        "ORDER BY view_name"
    ).fetchall()
    detail = repr((visible, versions, views))
    return f"{store.fingerprint()}:{hashlib.sha256(detail.encode()).hexdigest()[:16]}"


def ids_key(ids: Iterable[Any]) -> str:
    """A hash of a set of ids (order and repeats do not matter)."""
    return hashlib.sha256("\n".join(sorted({str(i) for i in ids})).encode()).hexdigest()[:24]


def memo_dir() -> Path:
    from spillover.config import cache_dir

    return cache_dir() / "memo"


def enabled() -> bool:
    return os.environ.get("SPILLOVER_NO_MEMO", "") not in {"1", "true", "yes"}


def kept(kind: str, parts: Iterable[Any], compute: Callable[[], T]) -> T:
    """``compute()``, read back from the cache when it was already computed for ``kind`` and ``parts``
    with this source code; otherwise computed and written there."""
    if not enabled():
        return compute()
    path = _path(kind, parts)
    found, value = _read(path)
    if found:
        return value
    value = compute()
    _write(path.parent, path, kind, value)
    return value


def _path(kind: str, parts: Iterable[Any]) -> Path:
    key = hashlib.sha256(repr((kind, code_fingerprint(), *parts)).encode()).hexdigest()[:24]
    return memo_dir() / f"{kind}-{key}.pickle"


def _read(path: Path) -> tuple[bool, Any]:
    """(True, the value kept at ``path``), or (False, None) when there is none or it cannot be read back."""
    if not path.is_file():
        return False, None
    try:
        with open(path, "rb") as handle, collector_paused():
            value = pickle.load(handle)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file is recomputed, never fatal
        log.info("memo %s unreadable (%s): recomputed", path, exc)
        return False, None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: pruning removes the least recently used first
    return True, value


def kept_each(
    kind: str, parts: Iterable[Any], items: Iterable[H], compute: Callable[[list[H]], dict[H, T]]
) -> dict[H, T]:
    """The result of each of ``items`` (e.g. groups) under ``kind`` and ``parts``, each kept under its own key:
    those not kept yet are computed together by ``compute(missing)`` (one call for all of them, returning a
    dict by item) and written one by one, so a later call for an overlapping set computes only the new ones."""
    wanted = list(dict.fromkeys(items))
    if not enabled():
        return compute(wanted) if wanted else {}
    parts = tuple(parts)
    paths = {item: _path(kind, (*parts, item)) for item in wanted}
    out: dict[H, T] = {}
    for item, path in paths.items():
        found, value = _read(path)
        if found:
            out[item] = value
    missing = [item for item in wanted if item not in out]
    if missing:
        computed = compute(missing)
        for item in missing:
            out[item] = computed[item]
            _write(paths[item].parent, paths[item], kind, computed[item])
    return {item: out[item] for item in wanted}


def _write(folder: Path, path: Path, kind: str, value: Any) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
        if kind not in _PRUNED:  # once per kind and process: a run writes a bounded number of results
            _PRUNED.add(kind)
            _prune(folder, kind)
    except Exception as exc:  # noqa: BLE001 - not keeping a result is never an error
        log.info("memo %s not written: %s", path, exc)


#: object arrays up to this length are pickled as lists (see :class:`_Pickler`); longer ones (a column's values)
#: as numpy does, whose reading fills them faster
_CELL_ITEMS = 64


class _Pickler(pickle.Pickler):
    """A pickler that writes a short one-dimensional object array (a frame cell holding a list: an event's
    tactics, its flags) as the list of its items, rebuilt by :func:`_object_vector`.

    Why: numpy pickles each such array with its dtype and buffer state, ~4 µs apiece; a branch's selection
    holds ~20,000 of them, a third of the time its pickle took."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if (
            kind.__name__ == "ndarray"
            and kind.__module__ == "numpy"
            and obj.dtype.kind == "O"
            and obj.ndim == 1
            and len(obj) <= _CELL_ITEMS
        ):
            return _object_vector, (obj.tolist(),)
        return NotImplemented


def _object_vector(items: list[Any]) -> Any:
    """The one-dimensional object array of ``items`` (each item in its cell as it is, a list or array too)."""
    import numpy as np

    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


_PRUNED: set[str] = set()


def _prune(folder: Path, kind: str) -> None:
    """Keep the :data:`KEEP_PER_KIND` results of ``kind`` used last, and the folder under :data:`MAX_BYTES`
    (results of an older source or store content are never read again: they age out)."""
    files = []
    for path in folder.glob("*.pickle"):
        try:
            stat = path.stat()
        except OSError:  # removed by another process meanwhile
            continue
        files.append((stat.st_mtime, stat.st_size, path))
    files.sort(reverse=True)
    mine = [p for _, _, p in files if p.name.startswith(f"{kind}-")]
    for old in mine[KEEP_PER_KIND:]:
        old.unlink(missing_ok=True)
    total = 0
    for _, size, path in files:
        total += size
        if total > MAX_BYTES:
            path.unlink(missing_ok=True)
