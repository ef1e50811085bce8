"""The validation casebook and `spillover validate`, on the real event files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spillover.actors import Resolver, default_registry
from spillover.cli import app
from spillover.validation.casebook import CHECKABLE_FROM, CasebookError, load_casebook
from spillover.validation.run import AGREED, DISAGREED, NOT_CHECKABLE, validate

#: CI's floor on agreement (agreed / checkable facts) of the shipped casebook on the shared data.  Measured
#: 1 December 2026 on the 59 facts: 0.655 (36 agreed / 55 checkable) on main 0c44517, before issue 14's
#: validity rules; 0.759 (41 agreed, 13 disagreed, 5 not checkable) after them (main e182f29).  Raise it
#: when a rule change makes the whole casebook agree better; never lower it to let a change pass.
AGREEMENT_FLOOR = 0.73
#: The same on the facts checked from events alone (entries, tactics, negative cases), where the analyses are
#: tested rather than the registry: 13 agreed of 26 checked = 0.50 (before the validity rules: 8/27 = 0.296).
EVENTS_AGREEMENT_FLOOR = 0.46

JSON_KEYS = {"groups", "facts", "agreed", "disagreed", "not_checkable", "agreement", "brier"}


def _write(tmp_path: Path, groups: list[dict]) -> Path:
    path = tmp_path / "casebook.yaml"
    path.write_text(yaml.safe_dump({"tolerance_months": 3, "groups": groups}, sort_keys=False))
    return path


def _fact(**fields: object) -> dict:
    """A test fact; its source says what it is, since it states what the test needs, not a finding."""
    return {"sources": [{"citation": "test fixture, not a documented fact"}], **fields}


# --- the casebook ---------------------------------------------------------------------------------------------


def test_casebook_loads_with_a_source_for_every_fact() -> None:
    book = load_casebook()
    facts = book.facts()
    assert len(book.groups) >= 15
    assert {f.kind for f in facts} == set(CHECKABLE_FROM)
    for fact in facts:
        assert fact.sources, fact.id
        assert all(len(s.citation) > 10 for s in fact.sources), fact.id
        assert fact.checkable_from == CHECKABLE_FROM[fact.kind], fact.id
    with_url = sum(any(s.url for s in f.sources) for f in facts)
    assert with_url == len(facts)


def test_casebook_group_ids_and_targets_are_registry_ids() -> None:
    registry = default_registry()
    resolver = Resolver(registry)
    book = load_casebook(registry=registry)
    for group in book.groups:
        assert resolver.lookup(group.id) == group.id
        for fact in group.facts:
            if fact.target:
                assert fact.target in registry, fact.id


def test_a_casebook_error_is_one_line_naming_file_fact_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [{"id": "aqim", "name": "AQIM", "facts": [{"id": "no-source", "kind": "entry", "country": "MLI",
                                                    "date": 2003, "statement": "AQIM entered Mali.",
                                                    "sources": []}]}],
    )  # fmt: skip
    with pytest.raises(CasebookError) as exc:
        load_casebook(path)
    message = str(exc.value)
    assert "\n" not in message
    assert str(path) in message and "fact no-source" in message and "field sources" in message

    unknown = _write(tmp_path, [{"id": "no-such-group", "name": "X", "facts": [_fact(
        id="x", kind="never_entered", country="MLI", statement="No such group entered Mali.")]}])  # fmt: skip
    with pytest.raises(CasebookError, match="'no-such-group' is not a registry id"):
        load_casebook(unknown)


# --- validate on the real data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_result(loaded_store):  # noqa: ANN001, ANN201
    return validate(loaded_store, load_casebook())


def test_validate_counts_add_up_and_meet_the_floor(shipped_result) -> None:  # noqa: ANN001
    book = load_casebook()
    result = shipped_result
    out = result.to_dict()
    assert set(out) >= JSON_KEYS and len(out["results"]) == len(book.facts())
    assert out["groups"] == len(book.groups)
    assert out["agreed"] + out["disagreed"] + out["not_checkable"] == out["facts"] == len(book.facts())
    assert out["agreement"] == pytest.approx(out["agreed"] / (out["agreed"] + out["disagreed"]))
    assert out["agreement"] >= AGREEMENT_FLOOR
    agreed, checked = result.tally("events")
    assert checked >= 15 and agreed / checked >= EVENTS_AGREEMENT_FLOOR
    registry_agreed, registry_checked = result.tally("registry")
    assert agreed + registry_agreed == out["agreed"]
    assert checked + registry_checked == out["agreed"] + out["disagreed"]
    # no analysis gives a probability yet: no Brier score, and the reason is said
    assert out["brier"] is None and "p-values" in out["brier_reason"]
    for r in result.results:
        if r.status == NOT_CHECKABLE:
            assert r.reason
        if r.status == DISAGREED and r.checkable_from == "events" and r.kind != "first_tactic":
            assert r.data_answer


def test_disagreements_name_stored_events(shipped_result, loaded_store) -> None:  # noqa: ANN001
    ids = [e for r in shipped_result.results if r.status == DISAGREED for e in r.event_ids]
    assert ids
    found = loaded_store.query("SELECT count(DISTINCT event_id) AS n FROM events WHERE event_id IN ?", [ids])
    assert int(found["n"].iloc[0]) == len(set(ids))


def test_a_false_negative_fact_is_disagreed_with_the_events_behind_it(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    """Boko Haram 'never entered' Nigeria is false: the data's entry and its events are reported."""
    path = _write(tmp_path, [{"id": "boko-haram", "name": "Boko Haram", "facts": [_fact(
        id="bh-never-nigeria", kind="never_entered", country="NGA",
        statement="Deliberately false: Boko Haram never operated in Nigeria.")]}])  # fmt: skip
    result = validate(loaded_store, load_casebook(path))
    (verdict,) = result.results
    assert verdict.status == DISAGREED
    assert verdict.data_answer.startswith("entry into NGA on ")
    assert len(verdict.event_ids) >= 3
    rows = loaded_store.query(
        "SELECT DISTINCT country_iso3 FROM events WHERE event_id IN ?", [verdict.event_ids]
    )
    assert set(rows["country_iso3"]) == {"NGA"}
    assert result.agreement == 0.0


def test_facts_the_data_cannot_show_are_not_checkable(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    """No loaded file covers France in 1950; no loaded file that codes suicide attacks covers Syria in 2012
    (GED and the GTD subset without attack types never code one); a wrong registry date is disagreed."""
    path = _write(tmp_path, [
        {"id": "aqim", "name": "AQIM", "facts": [_fact(
            id="aqim-france-1950", kind="entry", country="FRA", date=1950, statement="AQIM entered France in 1950.")]},
        {"id": "jabhat-al-nusra", "name": "Nusra", "facts": [_fact(
            id="nusra-suicide", kind="first_tactic", tactic="suicide_attack", country="SYR", date="2012-01",
            statement="Nusra's first suicide attack in January 2012.")]},
        {"id": "gspc", "name": "GSPC", "facts": [_fact(
            id="gspc-rename-1990", kind="lineage", relation="renamed_to", target="aqim", date=1990,
            statement="The GSPC took the name AQIM in 1990.")]},
    ])  # fmt: skip
    verdicts = {r.fact: r for r in validate(loaded_store, load_casebook(path)).results}
    assert verdicts["aqim-france-1950"].status == NOT_CHECKABLE
    assert "no loaded source covers FRA" in verdicts["aqim-france-1950"].reason
    assert verdicts["nusra-suicide"].status == NOT_CHECKABLE
    assert "codes suicide_attack" in verdicts["nusra-suicide"].reason
    assert verdicts["gspc-rename-1990"].status == DISAGREED
    assert verdicts["gspc-rename-1990"].data_answer == "registry: renamed_to aqim 2007-01"


def test_validate_command_prints_json_and_exits_0(loaded_store, tmp_path: Path) -> None:  # noqa: ANN001
    path = _write(tmp_path, [{"id": "boko-haram", "name": "Boko Haram", "facts": [_fact(
        id="bh-suicide", kind="first_tactic", tactic="suicide_attack", country="NGA", date="2011-06-16",
        statement="Boko Haram's first suicide attack, Abuja, June 2011.")]}])  # fmt: skip
    out = CliRunner().invoke(app, ["validate", "--casebook", str(path), "--store", str(loaded_store.path),
                                   "--format", "json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) == JSON_KEYS | {"brier_reason", "results"}
    assert (data["facts"], data["agreed"]) == (1, 1)
    assert data["results"][0]["status"] == AGREED and data["results"][0]["event_ids"]
