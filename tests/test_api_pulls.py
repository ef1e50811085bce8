"""Pulls from the ACLED and UCDP APIs, against local stand-ins serving the real files' rows (no network)."""

from __future__ import annotations

import json
import logging
import stat
import time
from pathlib import Path

import pytest
from api_standin import EMAIL, PASSWORD, UCDP_TOKEN, StandIn, acled_records, ged_records, serve
from typer.testing import CliRunner

from spillover.loading.pulls import EmptyResult, pull_acled, pull_ucdp
from spillover.sources.api.acled import ACLEDQuery
from spillover.sources.api.credentials import ACLEDTokens, TokenCache
from spillover.sources.api.http import APIError, CredentialsError
from spillover.sources.api.ucdp import UCDPQuery
from spillover.sources.layouts import LayoutError
from spillover.store import Store
from spillover.versions import as_of_pull, event_history, events_as_of_pull

MALI = "events/acled_hdx_mali_1997_2020.csv.gz"
GED = "ucdp_ged_v23_1_random_sample_1000.csv.gz"
COMPARED = "* EXCLUDE (file_id, row_number)"


@pytest.fixture(scope="module")
def records(real_data: Path) -> tuple[list, list]:
    return acled_records(real_data / MALI), ged_records(real_data / GED)


@pytest.fixture
def standin(records, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # noqa: ANN001, ANN201
    state = StandIn(acled=[dict(r) for r in records[0]], ged=[dict(r) for r in records[1]])
    server = serve(state)
    monkeypatch.setenv("SPILLOVER_ACLED_API", state.base)
    monkeypatch.setenv("SPILLOVER_UCDP_API", state.base)
    monkeypatch.setenv("ACLED_EMAIL", EMAIL)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    monkeypatch.setenv("UCDP_API_TOKEN", UCDP_TOKEN)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("SPILLOVER_API_BACKOFF", "0.01")
    monkeypatch.setenv("SPILLOVER_API_INTERVAL", "0")
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def file_store(real_data: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The Mali ACLED file and the GED sample loaded from the files, as the reference."""
    path = tmp_path_factory.mktemp("files") / "files.duckdb"
    with Store(path) as store:
        store.ingest(real_data / MALI)
        store.ingest(real_data / GED)
    store = Store(path, read_only=True)
    yield store
    store.close()


def _pull_mali(store: Store, **kw) -> object:  # noqa: ANN003
    return pull_acled(store, ACLEDQuery(countries=("Mali",)), page_size=500, **kw)


def _same_events(pulled: Store, reference: Store, source: str) -> None:
    """The pulled events are the file's events, column for column, with the same actor names."""
    pulled.con.execute(f"ATTACH '{reference.path}' AS ref (READ_ONLY)")
    try:
        for table, cols in (("events", COMPARED), ("event_actors", "*")):
            where = f"WHERE event_id LIKE '{source}:%'"
            a = f"SELECT {cols} FROM {table} {where}"
            b = f"SELECT {cols} FROM ref.{table} {where}"
            assert (
                pulled.con.execute(f"SELECT count(*) FROM ({a})").fetchone()[0]
                == (pulled.con.execute(f"SELECT count(*) FROM ({b})").fetchone()[0])
            )
            assert pulled.con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchone()[0] == 0
            assert pulled.con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchone()[0] == 0
    finally:
        pulled.con.execute("DETACH ref")


def test_complete_acled_pull_equals_the_files_events(standin, file_store, tmp_path) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        state = _pull_mali(store)
        assert state.status == "complete" and state.pages_done == 8  # 3,990 records, 500 a page
        assert standin.pages_requested("/api/acled/read") == list(range(1, 9))
        _same_events(store, file_store, "acled")
        # every record is accounted for: loaded, or quarantined as it is from the file
        n_file = file_store.con.execute("SELECT count(*) FROM events WHERE source = 'acled'").fetchone()[0]
        assert state.counts["rows"] == len(standin.acled) == n_file + state.counts["rows_quarantined"]
        # each page is kept like a file: its rows, their raw values, and where each event came from
        row = store.raw_row("acled:MLI4111")[0]
        assert row["event_id_cnty"] == "MLI4111" and row["timestamp"] == "1596481840"
        # the complete pull resolved the store's actor names as a load does (spillover.selection.resolutions)
        kept = store.query("SELECT DISTINCT name FROM actor_resolutions WHERE source = 'acled'")["name"]
        assert (
            set(kept) == set(store.query("SELECT DISTINCT name FROM event_actors")["name"])
            and len(kept) > 100
        )


def test_ged_pull_equals_the_files_events_and_filters_by_country(standin, file_store, tmp_path) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        state = pull_ucdp(store, "ucdp-ged", UCDPQuery("23.1"), page_size=300)
        assert state.status == "complete" and state.pages_done == 4
        _same_events(store, file_store, "ged")
    with Store(tmp_path / "syria.duckdb") as store:
        pull_ucdp(store, "ucdp-ged", UCDPQuery("23.1", ("Syria",)), page_size=300)
        countries = store.query("SELECT DISTINCT country FROM events")["country"].tolist()
        expected = sum(1 for r in standin.ged if r["country_id"] == 652)
        assert countries == ["Syria"] and store.counts()["events"] == expected > 0
    assert {q.get("Country") for p, _, q in standin.requests if p.startswith("/gedevents/")} >= {"652"}


def test_429_and_5xx_are_retried_and_the_pull_completes(standin, tmp_path) -> None:  # noqa: ANN001
    standin.fail[("/api/acled/read", 2)] = [429, 503]
    standin.fail[("/gedevents/23.1", 1)] = [500]
    with Store(tmp_path / "s.duckdb") as store:
        assert _pull_mali(store).status == "complete"
        assert pull_ucdp(store, "ucdp-ged", UCDPQuery("23.1"), page_size=300).status == "complete"
    assert standin.pages_requested("/api/acled/read").count(2) == 3  # 429, 503, then the page
    assert standin.pages_requested("/gedevents/23.1").count(1) == 2


def test_an_interrupted_pull_resumes_without_duplicates(standin, file_store, tmp_path) -> None:  # noqa: ANN001
    standin.down_from = 4  # an outage from page 4 on: the retries give up
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(APIError, match="HTTP 500.*resumes where it stopped"):
            _pull_mali(store)
        first = store.query("SELECT pull_id, status, next_page, pages_done FROM pulls").to_dict("records")
        assert first == [{"pull_id": 1, "status": "running", "next_page": 4, "pages_done": 3}]
        partial = store.counts()["events"]
        assert 0 < partial < 3990
        standin.down_from = None
        state = _pull_mali(store)
        assert state.resumed and state.pull_id == 1 and state.status == "complete"
        # pages 1-3 were not asked for again
        assert standin.pages_requested("/api/acled/read").count(1) == 1
        dupes = store.query("SELECT event_id FROM events GROUP BY 1 HAVING count(*) > 1")
        assert dupes.empty
        _same_events(store, file_store, "acled")


def test_ctrl_c_during_a_pull_keeps_the_pages_done(standin, file_store, tmp_path) -> None:  # noqa: ANN001
    from spillover.loading.pulls import PullProgress

    def stop_after_page_2(phase: str, page: int, records: int) -> None:
        if page == 2:
            raise KeyboardInterrupt

    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            _pull_mali(store, progress=PullProgress(on_page=stop_after_page_2))
        assert store.query("SELECT next_page, status FROM pulls").to_dict("records") == [
            {"next_page": 3, "status": "running"}
        ]
        assert store.counts()["events"] == 1000
        assert _pull_mali(store).resumed
        _same_events(store, file_store, "acled")


def test_a_second_pull_adds_nothing_when_nothing_changed(standin, tmp_path) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        first = _pull_mali(store)
        before = store.counts()
        second = _pull_mali(store)
        assert second.pull_id == 2 and second.changed_since == first.max_stamp
        assert (second.counts["events_added"], second.counts["events_updated"]) == (0, 0)
        assert second.counts["events_known"] == second.counts["rows"] > 0  # every record accounted for
        assert store.counts() == before
        assert store.query("SELECT count(*) AS n FROM event_versions")["n"][0] == 0
    # the second pull asked only for what changed since the newest change the first one saw
    last = [q for p, _, q in standin.requests if p == "/api/acled/read"][-1]
    assert last["timestamp"] == str(first.max_stamp)
    assert second.counts["rows"] < 500


def test_an_edit_makes_a_version_and_as_of_pull_shows_the_old_one(standin, tmp_path) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        _pull_mali(store)
        standin.edit("MLI4111", fatalities="3", notes="Revised: three killed.")
        second = _pull_mali(store)
        assert second.counts["events_updated"] == 1 and second.counts["events_added"] == 0
        now = store.query("SELECT fatalities, description FROM events WHERE event_id = 'acled:MLI4111'")
        assert now.to_dict("records") == [{"fatalities": 3.0, "description": "Revised: three killed."}]
        history = event_history(store.con, "acled:MLI4111")
        assert history["version"].tolist() == [1, 2]
        assert history["status"].tolist() == ["edited", "current"]
        assert history["fatalities"].tolist() == [1.0, 3.0]
        assert history["source_time"].iloc[0] < history["source_time"].iloc[1]
        old = events_as_of_pull(store.con, 1).filter("event_id = 'acled:MLI4111'")
        [(fatalities, description)] = old.project("fatalities, description").fetchall()
        assert fatalities == 1.0 and description.startswith("On 31 July 2020, suspected JNIM militants")
        assert events_as_of_pull(store.con, 1).count("*").fetchall()[0][0] == store.counts()["events"]


def test_a_deletion_leaves_the_analyses_and_stays_for_audit(standin, tmp_path) -> None:  # noqa: ANN001
    from spillover.measures import profile
    from spillover.selection import select

    def jnim(store: Store):  # noqa: ANN202 - the JNIM profile, every stored row counted
        return profile(select(store, "JNIM", view="all"))

    with Store(tmp_path / "s.duckdb") as store:
        _pull_mali(store)
        before = jnim(store)
        assert "acled:MLI4109" in before.event_ids  # a JNIM attack on Petaka, July 2020
        standin.delete("MLI4109")
        second = _pull_mali(store)
        assert second.counts["events_deleted"] == 1
        after = jnim(store)
        assert after.events == before.events - 1 and "acled:MLI4109" not in after.event_ids
        audit = store.query("SELECT event_id, deleted_at, pull_id, was_current FROM deleted_events")
        assert audit[["event_id", "pull_id", "was_current"]].to_dict("records") == [
            {"event_id": "acled:MLI4109", "pull_id": 2, "was_current": True}
        ]
        assert event_history(store.con, "acled:MLI4109")["status"].tolist() == ["deleted"]
        then = events_as_of_pull(store, 1).filter("event_id = 'acled:MLI4109'")
        assert then.count("*").fetchall()[0][0] == 1
        # any analysis can be run as of the first pull: the deleted event is back, the counts as they were
        with as_of_pull(store, 1):
            as_then = jnim(store)
        assert as_then.events == before.events and as_then.event_ids == before.event_ids
        assert jnim(store).events == after.events  # and the store reads as now again
    # the deletions were asked for since the previous pull started
    assert [p for p, _, _ in standin.requests].count("/api/deleted/read") == 1
    # the command line reproduces an analysis as of the first pull (--as-of-pull), and as now without it
    from typer.testing import CliRunner

    from spillover.cli import app

    runner = CliRunner()
    common = ["JNIM", "--view", "all", "--store", str(tmp_path / "s.duckdb"), "--format", "json"]
    then_cli = runner.invoke(app, ["profile", *common, "--as-of-pull", "1"])
    now_cli = runner.invoke(app, ["profile", *common])
    assert then_cli.exit_code == 0 and now_cli.exit_code == 0, then_cli.output + now_cli.output
    assert json.loads(then_cli.stdout)["events"] == before.events
    assert json.loads(now_cli.stdout)["events"] == after.events


def test_a_renamed_field_is_refused_with_the_difference(standin, tmp_path) -> None:  # noqa: ANN001
    standin.rename = {"event_id_cnty": "data_id"}
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(LayoutError) as refused:
            _pull_mali(store)
        message = str(refused.value)
        assert "missing event_id_cnty" in message and "unknown data_id" in message and "acled-2023" in message
        assert store.counts()["events"] == 0 and store.counts()["files"] == 0


def test_empty_result_and_credentials_give_one_clear_line(standin, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(EmptyResult, match="country=Atlantis"):
            pull_acled(store, ACLEDQuery(countries=("Atlantis",)))
        monkeypatch.setenv("UCDP_API_TOKEN", "not-the-token")
        with pytest.raises(CredentialsError, match="UCDP refused the access token of UCDP_API_TOKEN"):
            pull_ucdp(store, "ucdp-ged", UCDPQuery("23.1"))
        monkeypatch.delenv("UCDP_API_TOKEN")
        with pytest.raises(CredentialsError, match="UCDP access token missing: set UCDP_API_TOKEN"):
            pull_ucdp(store, "ucdp-ged", UCDPQuery("23.1"))
    # a wrong password, then none at all (no stored token either: a fresh config folder)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-config"))
    monkeypatch.setenv("ACLED_PASSWORD", "wrong")
    with Store(tmp_path / "t.duckdb") as store:
        with pytest.raises(CredentialsError, match="ACLED refused the e-mail and password of ACLED_EMAIL"):
            _pull_mali(store)
        monkeypatch.delenv("ACLED_PASSWORD")
        with pytest.raises(
            CredentialsError, match="ACLED credentials missing: set ACLED_EMAIL and ACLED_PASSWORD"
        ):
            _pull_mali(store)
        # tokens kept from a login more than 14 days ago: both expired, and no password to log in again
        expired = ACLEDTokens(
            EMAIL, "acc-old-5c7e9a", time.time() - 86400, "ref-old-3b5d7f", time.time() - 60
        )
        TokenCache().save(expired)
        with pytest.raises(
            CredentialsError, match="stored ACLED login has expired .*set ACLED_EMAIL and ACLED_PASSWORD"
        ):
            _pull_mali(store)


def test_an_expired_access_token_is_renewed_with_the_refresh_token(standin, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    with Store(tmp_path / "s.duckdb") as store:
        _pull_mali(store)
        standin.revoked.update(standin.tokens_issued)  # the server no longer takes the access token
        monkeypatch.delenv("ACLED_PASSWORD")  # no password: only the stored refresh token can renew it
        assert _pull_mali(store).status == "complete"
    grants = [q.get("grant_type") for p, m, q in standin.requests if p == "/oauth/token"]
    assert grants == ["password", "refresh_token"]


def test_credentials_never_appear_in_output_logs_or_store(standin, tmp_path, caplog) -> None:  # noqa: ANN001
    from spillover.cli import app  # the command line, where the pull commands are mounted

    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    with caplog.at_level(logging.DEBUG):
        results = [
            runner.invoke(app, ["data", "pull", "acled", "--country", "Mali", "--store", str(store)]),
            runner.invoke(app, ["data", "pull", "ucdp-ged", "--version", "23.1", "--store", str(store)]),
            runner.invoke(app, ["data", "history", "acled:MLI4111", "--store", str(store)]),
            runner.invoke(app, ["data", "pulls", "--store", str(store)]),
        ]
    for result in results:
        assert result.exit_code == 0, result.output
    assert "3,990 records" in results[0].output and "1,000 records" in results[1].output
    # piped (CliRunner's stderr is no terminal), the pull still reports each page on stderr
    pages = [line for line in results[0].stderr.splitlines() if ": page " in line]
    assert pages and pages[0].endswith("records)") and "page 1 " in pages[0]
    secrets = [PASSWORD, UCDP_TOKEN, *standin.tokens_issued, *standin.refresh_tokens]
    assert standin.tokens_issued  # the pull did log in
    text = "\n".join(r.output for r in results) + "\n" + caplog.text
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "config" not in p.parts)
    for secret in secrets:
        assert secret not in text
        assert secret.encode() not in stored
    # the tokens are kept for the next pull, readable by the owner only
    token_file = tmp_path / "config" / "spillover" / "acled-token.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    # an error is one line, no traceback
    bad = runner.invoke(app, ["data", "pull", "acled", "--country", "Atlantis", "--store", str(store)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "country=Atlantis" in bad.output
    wrong = runner.invoke(app, ["data", "pull", "ucdp-candidate", "--version", "25.1", "--store", str(store)])
    assert wrong.exit_code == 1 and "not a monthly Candidate release such as 25.0.10" in wrong.output
