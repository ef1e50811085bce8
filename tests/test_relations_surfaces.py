"""The relations layers on the report and the web app: the same ties as ``spillover relations`` (one answer)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from spillover.actors.relations import relations
from spillover.report.sections import _ties
from spillover.web.app import create_app

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


@pytest.fixture(scope="module")
def client(loaded_store, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    app = create_app(loaded_store.path, report_dir=tmp_path_factory.mktemp("reports"))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def test_the_web_api_carries_the_relations_result(client: TestClient, real_data) -> None:  # noqa: ANN001
    served = client.get("/api/groups/gspc/relations").json()
    expected = json.loads(json.dumps(relations("gspc").to_dict(), default=str))
    assert served == expected
    assert {"mmp", "baad1"} <= set(served["layers"])
    page = client.get("/groups/gspc")
    assert page.status_code == 200 and 'id="ties"' in page.text and "Mapping Militants" in page.text


def test_the_reports_origins_list_the_dataset_ties(real_data) -> None:  # noqa: ANN001
    table = _ties("gspc")
    text = json.dumps(table, default=str)
    assert "Mapping Militants" in text and "Armed Islamic Group" in text  # GSPC's split from the GIA, sourced
