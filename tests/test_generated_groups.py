"""A group that a pattern rule of the registry makes of the store's actor names (``ethnic-militia-fulani-NGA``,
from ACLED's 'Fulani Ethnic Militia (Nigeria)') is known by its id on every surface in a fresh process, which
reads the names' resolutions that the load kept instead of resolving them (and so made no group)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spillover.loading.after import keep_after_load
from spillover.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")

GENERATED = "ethnic-militia-fulani-NGA"

WEB = """
import sys
from fastapi.testclient import TestClient
from spillover.web.app import create_app

app = create_app(sys.argv[1], report_dir=sys.argv[2], extra_hosts=("testserver",))
client = TestClient(app, raise_server_exceptions=False)
nigeria = client.get("/api/countries/NGA").json()
print(" ".join(sorted(g["group_id"] for g in nigeria["groups"] if g["name"] == g["group_id"])) or "-")
print(next(g["name"] for g in nigeria["other_actors"] if g["group_id"] == "civilians-NGA"))
for url in (f"/api/groups/{sys.argv[3]}", f"/groups/{sys.argv[3]}"):
    print(url, client.get(url).status_code)
"""


@pytest.fixture(scope="module")
def kept_store(loaded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the loaded store with what a load keeps (the names' resolutions among them)."""
    path = tmp_path_factory.mktemp("kept") / "kept.duckdb"
    shutil.copy(loaded_store.path, path)
    with Store(path) as store:
        keep_after_load(store)
    return path


def _fresh(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    """``python args`` in a new process (a registry that has resolved nothing yet), with its own cache."""
    env = {**os.environ, "SPILLOVER_CACHE": str(cache)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, check=False)


def test_a_generated_group_is_known_by_id_in_a_fresh_process(kept_store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = ["--store", str(kept_store), "-f", "json"]
    profile = _fresh(["-m", "spillover.cli", "profile", GENERATED, *store], cache)
    assert profile.returncode == 0, profile.stderr
    assert json.loads(profile.stdout)["events"] > 500
    # a second process reads the selection the first kept: the registry still knows the group
    autonomy = _fresh(["-m", "spillover.cli", "autonomy", GENERATED, *store], cache)
    assert autonomy.returncode == 0, autonomy.stderr
    assert "no parent organisation" in json.loads(autonomy.stdout)["message"]
    lineage = _fresh(
        ["-m", "spillover.cli", "lineage", GENERATED, "--store", str(kept_store)], tmp_path / "c2"
    )
    assert lineage.returncode == 0, lineage.stderr
    assert "Fulani Ethnic Militia (Nigeria)" in lineage.stdout
    engine = _fresh(
        ["-m", "spillover.cli", "profile", GENERATED, "--engine", "duckdb", *store], tmp_path / "c3"
    )
    assert engine.returncode == 0, engine.stderr
    assert json.loads(engine.stdout)["group"] == "Fulani Ethnic Militia (Nigeria)"
    web = _fresh(["-c", WEB, str(kept_store), str(tmp_path / "web"), GENERATED], tmp_path / "web-cache")
    assert web.returncode == 0, web.stderr
    # Nigeria's page names its generated groups and keeps civilians apart from the armed groups
    unnamed, civilians, *pages = web.stdout.splitlines()
    assert unnamed == "-" and civilians == "Civilians (Nigeria)"
    assert pages == [f"/api/groups/{GENERATED} 200", f"/groups/{GENERATED} 200"]
