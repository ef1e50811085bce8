"""Country lookups read country_converter's data once (spillover.countries._CountryTable): they must answer
exactly as ``CountryConverter.convert`` does, name by name."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from spillover import countries

_PAREN = re.compile(r"\(([^()]+)\)\s*$")
_OF = re.compile(r"\bof\s+(?:the\s+)?([A-Z][\w .'-]+)$")


@pytest.fixture(scope="module")
def names(real_data: Path) -> list[str]:
    """Texts a first run asks about: UCDP actor names, their trailing qualifiers ("(Mali)", "of Algeria"),
    and every code and name country_converter holds, plus inputs of each format convert tells apart."""
    actors = pd.read_csv(real_data / "ucdp_actor_v22_1.csv.gz", usecols=["NameData"])["NameData"].dropna()
    texts = {m[1] for t in actors.astype(str) for m in (_PAREN.search(t), _OF.search(t)) if m}
    texts |= set(actors.astype(str).iloc[::4])  # a quarter of the names themselves (convert is slow)
    data = countries.converter().data
    for column in ("ISO3", "ISO2", "name_short", "name_official"):
        texts |= set(data[column].dropna().astype(str))
    texts |= {"ML", "us", "mli", "4", "004", "466", "Congo", "Korea", "Asia excluding China", "CAR", "DRC"}
    return sorted(t for t in texts if t.strip())


def test_iso3_answers_as_convert_does(names: list[str]) -> None:
    conv = countries.converter()
    missing = "\x00none"
    differ = []
    for name in names:
        said = conv.convert(name, to="ISO3", not_found=missing)
        expected = None if isinstance(said, list) or said == missing else str(said)
        if countries.iso3(name) != expected:
            differ.append((name, countries.iso3(name), said))
    assert not differ, differ[:10]
    found = [n for n in names if countries.iso3(n) is not None]
    assert len(found) > 500  # most of the texts are countries or carry one: the comparison is not vacuous
    assert countries.iso3("Algeria") == "DZA" and countries.iso3("ML") == "MLI"


def test_short_names_answer_as_convert_does() -> None:
    conv = countries.converter()
    codes = conv.data["ISO3"].dropna().astype(str).unique()
    for code in codes:
        said = conv.convert(code, src="ISO3", to="name_short", not_found=None)
        assert countries.iso3_to_name(code) == said, code
    assert countries.iso3_to_name("MLI") == "Mali"
    assert countries.iso3_to_name("XXQ") == "XXQ"


def test_codes_of_other_schemes_answer_as_convert_does() -> None:
    conv = countries.converter()
    for scheme in ("GWcode", "UNcode"):
        values = {str(v).split(".")[0] for v in conv.data[scheme].dropna()} | {"0", "999", "260"}
        for value in sorted(values):
            said = conv.convert(value, src=scheme, to="ISO3", not_found=None)
            expected = said if isinstance(said, str) and said != value else None
            assert countries.code_to_iso3(value, scheme) == expected, (scheme, value, said)
    assert countries.code_to_iso3(432, "GWcode") == "MLI"


def test_codes_kept_between_runs_are_the_converters(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """to_iso3 keeps each name's code between runs: read back, they are the converter's own answers, and a
    run whose names were all seen before does not load the converter."""
    monkeypatch.setenv("SPILLOVER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPILLOVER_NO_MEMO", raising=False)
    names = ["Mali", "Burkina Faso", "Ivory Coast", "DR Congo (Zaire)", "Soviet Union", "Congo", "", None]
    expected = {n: countries.iso3(n) for n in names if n}
    assert expected["Mali"] == "MLI" and expected["Soviet Union"] is None  # both kinds of answer are kept
    first = countries.to_iso3(names)
    for cache in (countries._table, countries._converter, countries._one_to_iso3):
        cache.cache_clear()  # a new process: nothing loaded
    again = countries.to_iso3(reversed(names))
    assert first == again == expected
    assert countries._table.cache_info().currsize == 0  # answered from what was kept
    assert countries.to_iso3(["Niger", "Mali"]) == {"Niger": "NER", "Mali": "MLI"}  # a new name: converted
    assert countries._table.cache_info().currsize == 1
