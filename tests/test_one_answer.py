"""One answer per question: every surface serialises the same result object.

For groups large and small, each headline measure — events counted, countries entered with their dates,
the opportunism statistic, the autonomy composite and each component, tactic shares, theatres per year —
is computed through the Python API and compared with what the assessment's JSON and the web API carry for
it (and, in ``test_cli_surface``, with the command line's ``--format json``).
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from fastapi.testclient import TestClient

import spillover as sp
from spillover.report import assess
from spillover.web.app import create_app

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")]

#: Groups with documented histories across regions, and two small ones (a few events each in the store).
GROUPS = ("AQIM", "Boko Haram", "al-Shabaab", "Islamic State", "JNIM", "ansaru", "aq-saudi")
MEASURES = ("profile", "expansion", "opportunism", "tactics", "autonomy", "theatres")


def roundtrip(value: Any) -> Any:
    """The value as it reaches a reader of JSON."""
    return json.loads(json.dumps(value))


def assert_carries(found: Any, expected: Any, where: str = "") -> None:
    """``found`` holds every value of ``expected`` (a surface may add display fields, e.g. names, but it
    may not change or drop one)."""
    if isinstance(expected, dict):
        assert isinstance(found, dict), where
        for key, value in expected.items():
            assert key in found, f"{where}.{key} missing"
            assert_carries(found[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), f"{where}: {found!r} != {expected!r}"
        for i, (a, b) in enumerate(zip(found, expected, strict=True)):
            assert_carries(a, b, f"{where}[{i}]")
    else:
        assert found == expected, f"{where}: {found!r} != {expected!r}"


def python_answers(store, group: str) -> dict[str, Any]:  # noqa: ANN001 - Store
    g = sp.select(store, group)
    return {
        "selection": roundtrip(g.parameters()),
        **{name: roundtrip(getattr(sp, name)(g).to_dict()) for name in MEASURES},
    }


@pytest.fixture(scope="module")
def answers(loaded_store) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {group: python_answers(loaded_store, group) for group in GROUPS}


@pytest.fixture(scope="module")
def client(loaded_store, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    # TestClient sends Host: testserver
    app = create_app(
        loaded_store.path, report_dir=tmp_path_factory.mktemp("reports"), extra_hosts=("testserver",)
    )
    with TestClient(app) as test_client:
        yield test_client


def test_the_groups_have_answers_worth_comparing(answers: dict[str, dict[str, Any]]) -> None:
    """The set covers groups with expansions, a parent and theatres, and groups with a handful of events."""
    events = {g: a["profile"]["events"] for g, a in answers.items()}
    assert all(n > 0 for n in events.values()), events
    assert sum(n < 20 for n in events.values()) >= 2 and sum(n > 1000 for n in events.values()) >= 2
    assert sum(a["expansion"].get("status") == "ok" for a in answers.values()) >= 4
    assert sum(a["autonomy"]["parent_id"] is not None for a in answers.values()) >= 3


@pytest.mark.parametrize("group", GROUPS)
def test_the_report_json_carries_the_python_answers(
    loaded_store,
    group: str,
    answers: dict[str, dict[str, Any]],
    tmp_path,  # noqa: ANN001
) -> None:
    made = assess(loaded_store, group, out_dir=tmp_path, formats=(), show_progress=False)
    doc = json.loads(made.json.read_text(encoding="utf-8"))
    expected = answers[group]
    assert_carries(doc["selection"], expected["selection"], "selection")
    for name in MEASURES:
        assert_carries(doc["measures"][name], expected[name], name)


@pytest.mark.parametrize("group", GROUPS)
def test_the_web_api_carries_the_python_answers(
    client: TestClient, group: str, answers: dict[str, dict[str, Any]]
) -> None:
    expected = answers[group]
    gid = expected["selection"]["group_id"]
    summary = client.get(f"/api/groups/{gid}").json()
    assert summary["events"] == expected["profile"]["events"]
    for part in ("by_year", "by_country", "by_source", "tactics"):
        assert_carries(summary[part], expected["profile"][part], f"profile.{part}")
    assert_carries(summary["selection"], expected["selection"], "selection")
    for name in ("expansion", "opportunism", "autonomy", "theatres"):
        section = client.get(f"/api/groups/{gid}/{name}").json()
        assert_carries(section["data"], expected[name], name)


@pytest.mark.parametrize("group", GROUPS)
def test_cli_surface(loaded_store, group: str, answers: dict[str, dict[str, Any]]) -> None:  # noqa: ANN001
    """``spillover MEASURE GROUP --format json`` prints exactly the Python API's result."""
    from typer.testing import CliRunner

    from spillover.cli import app

    for name in MEASURES:
        done = CliRunner().invoke(app, [name, group, "--store", str(loaded_store.path), "--format", "json"])
        assert done.exit_code == 0, (name, done.output[-2000:])
        assert json.loads(done.stdout) == answers[group][name], name
