"""Registry files: the shipped one is rich and valid; malformed user files are refused clearly; user
files extend and override the shipped groups."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import pytest

from spillover.actors import RegistryError, as_of, check_file, load_registry


def write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


SOURCE = "sources: [{author: Test Author, title: Test source, year: 2020}]"


# --- the shipped registry --------------------------------------------------------------------------


def test_shipped_registry_is_curated_and_sourced() -> None:
    reg = load_registry(ucdp_actors=False)
    curated = [g for g in reg.groups.values() if g.origin == "curated"]
    assert len(curated) >= 30
    required = {
        "aq-core",
        "aqap",
        "aqim",
        "aqi",
        "isi",
        "al-shabaab",
        "jabhat-al-nusra",
        "hts",
        "aqis",
        "jnim",
        "ansar-dine",
        "katiba-macina",
        "al-mourabitoun",
        "mujao",
        "signed-in-blood",
        "islamic-state",
        "iswap",
        "isgs",
        "iskp",
        "is-sinai",
        "ansar-bayt-al-maqdis",
        "is-libya",
        "is-somalia",
        "gia",
        "gspc",
        "tawhid-wal-jihad",
        "boko-haram",
        "ansaru",
        "ansar-al-sharia-libya",
        "ansar-al-sharia-tunisia",
        "mnla",
        "cma",
        "platform",
        "gatia",
        "polisario",
        "taliban",
        "ttp",
        "houthis",
        "hezbollah",
        "pkk",
        "lashkar-e-taiba",
    }
    assert required <= set(reg.groups)
    relations = [r for g in curated for r in g.relations]
    assert len(relations) >= 80
    assert all(r.sources for r in relations)
    kinds = {r.type for r in relations}
    assert kinds == {
        "renamed_to",
        "merged_into",
        "split_from",
        "pledged_allegiance_to",
        "affiliate_of",
        "rival_of",
        "component_of",
        "allied_with",
    }
    # every shipped source key resolves to a citation with an author and a title
    for g in curated:
        for r in g.relations:
            for ref in r.sources:
                citation = reg.cite(ref)
                assert citation.author and citation.title


def test_registry_without_ucdp_layer_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPILLOVER_DATA_DIR", raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reg = load_registry()
    assert any("UCDP actor list not found" in str(w.message) for w in caught)
    assert not reg.ucdp_layer
    assert "aqim" in reg and "ucdp-539" not in reg


def test_ucdp_layer_imports_every_actor_and_merges_claimed_ones(registry) -> None:  # noqa: ANN001
    assert registry.ucdp_layer
    assert registry.canonical_id("ucdp-539") == "aqim"  # claimed via ucdp_actor_id
    assert registry.canonical_id("ucdp-123") == "state-YEM"  # 'Government of Yemen (North Yemen)' absorbed
    assert registry.canonical_id("ucdp-744") == "eln"  # Colombia's ELN is claimed by the curated 'eln'
    peru_eln = registry.group("ucdp-748")  # Peru's ELN stays a plain UCDP entry
    assert peru_eln.origin == "ucdp" and peru_eln.name == "ELN"
    # UCDP links come across: MUJAO is a splinter of AQIM in the actor list, and that becomes a relation
    mujao = registry.group("mujao")
    assert any(r.type == "split_from" and r.target == "aqim" for r in mujao.relations)
    aqim_aliases = {a.name for _, a in registry.group("aqim").aliases.items()}
    assert {"AQIM", "Salafist Group for Preaching and Combat"} <= aqim_aliases


# --- malformed files -------------------------------------------------------------------------------


def test_inverted_relation_dates_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        groups:
          - id: test-group
            name: Test Group
            kind: jihadist
            relations:
              - {{type: affiliate_of, target: aqim, start: 2015-06, end: 2014, {SOURCE}}}
    """,
    )
    with pytest.raises(RegistryError) as info:
        check_file(path)
    message = str(info.value)
    assert str(path) in message and "test-group" in message and "relations[0]" in message
    assert "inverted" in message
    assert isinstance(info.value, ValueError)


def test_inverted_founding_dates_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        groups:
          - {id: test-group, name: Test Group, kind: militia, founded: 2010-05-02, dissolved: 2010-05-01}
    """,
    )
    with pytest.raises(RegistryError, match=r"test-group.*founded/dissolved.*inverted"):
        check_file(path)


def test_rename_cycle_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        groups:
          - id: alpha-front
            name: Alpha Front
            kind: rebel
            relations: [{{type: renamed_to, target: beta-front, start: 2001, {SOURCE}}}]
          - id: beta-front
            name: Beta Front
            kind: rebel
            relations: [{{type: renamed_to, target: alpha-front, start: 2003, {SOURCE}}}]
    """,
    )
    with pytest.raises(
        RegistryError,
        match=r"cycle: (alpha-front → beta-front → alpha-front|beta-front → alpha-front → beta-front)",
    ):
        check_file(path)


def test_relation_to_unknown_group_is_refused_with_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        groups:
          - id: test-group
            name: Test Group
            kind: jihadist
            relations: [{{type: pledged_allegiance_to, target: islamic-stat, start: 2016, {SOURCE}}}]
    """,
    )
    with pytest.raises(RegistryError) as info:
        check_file(path)
    message = str(info.value)
    assert "unknown group 'islamic-stat'" in message and "islamic-state" in message
    assert info.value.group == "test-group" and info.value.field == "relations[0].target"
    assert info.value.file == str(path)


def test_duplicate_alias_for_overlapping_periods_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        groups:
          - id: test-group
            name: Test Group
            kind: jihadist
            aliases: {acled: ["AQIM: Al Qaeda in the Islamic Maghreb"]}
    """,
    )
    with pytest.raises(RegistryError) as info:
        check_file(path)
    assert "also claimed by 'aqim'" in str(info.value) and info.value.group == "test-group"


def test_same_alias_for_disjoint_periods_is_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        groups:
          - id: old-front
            name: Old Front
            kind: rebel
            aliases: {gtd: [{name: The Front, end: 1999}]}
          - id: new-front
            name: New Front
            kind: rebel
            aliases: {gtd: [{name: The Front, start: 2005}]}
    """,
    )
    reg = check_file(path)
    from spillover.actors import Resolver

    resolver = Resolver(reg)
    assert resolver.resolve("The Front", "gtd", "1995-03-01").group_ids == ("old-front",)
    assert resolver.resolve("The Front", "gtd", "2010").group_ids == ("new-front",)
    undated = resolver.resolve("The Front", "gtd")
    assert undated.status == "ambiguous" and set(undated.group_ids) == {"old-front", "new-front"}
    assert resolver.resolve("The Front", "gtd", "2002").status == "unresolved"


def test_relation_without_source_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        groups:
          - id: test-group
            name: Test Group
            kind: jihadist
            relations: [{type: affiliate_of, target: aqim, start: 2015}]
    """,
    )
    with pytest.raises(RegistryError) as info:
        check_file(path)
    assert info.value.group == "test-group" and "relations.0.sources" in str(info.value)


def test_unknown_source_key_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        groups:
          - id: test-group
            name: Test Group
            kind: jihadist
            relations: [{type: affiliate_of, target: aqim, start: 2015, sources: [no-such-source]}]
    """,
    )
    with pytest.raises(RegistryError, match="unknown source key 'no-such-source'"):
        check_file(path)


def test_pydantic_errors_name_file_and_group(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        groups:
          - {id: good-group, name: Good Group, kind: militia}
          - {id: bad-group, name: Bad Group, kind: militia, country: Mali}
    """,
    )
    with pytest.raises(RegistryError) as info:
        check_file(path)
    assert info.value.file == str(path) and info.value.group == "bad-group" and info.value.field == "country"
    assert "ISO3" in str(info.value)


def test_misspelt_field_and_bad_date_are_refused(tmp_path: Path) -> None:
    typo = write(tmp_path, "groups:\n  - {id: x-group, name: X, kind: militia, foundd: 2001}\n", "typo.yaml")
    with pytest.raises(RegistryError, match=r"x-group.*foundd"):
        check_file(typo)
    bad_date = write(
        tmp_path, "groups:\n  - {id: y-group, name: Y, kind: militia, founded: 2001-13}\n", "date.yaml"
    )
    with pytest.raises(RegistryError, match=r"y-group.*founded"):
        check_file(bad_date)


def test_unknown_kind_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    kind = write(tmp_path, "groups:\n  - {id: z-group, name: Z, kind: freedom-fighters}\n", "kind.yaml")
    with pytest.raises(RegistryError, match=r"z-group.*unknown kind 'freedom-fighters'"):
        check_file(kind)
    broken = write(tmp_path, "groups: [\n  - id: oops\n", "broken.yaml")
    with pytest.raises(RegistryError, match="not valid YAML"):
        check_file(broken)


# --- user registries -------------------------------------------------------------------------------


def test_user_registry_overrides_field_by_field_and_adds_groups(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        groups:
          - id: aqim
            name: AQIM (user's preferred name)
            leaders: [{{name: Example Leader, start: 2021, kind: organic}}]
          - id: katiba-test
            name: Katiba Test
            kind: jihadist
            aliases: {{acled: [Katiba Test (ACLED spelling)]}}
            founded: 2019-04
            relations: [{{type: component_of, target: jnim, start: 2019-04, {SOURCE}}}]
    """,
    )
    shipped = load_registry(ucdp_actors=False)
    user = load_registry(ucdp_actors=False, extra=[path])
    aqim, shipped_aqim = user.group("aqim"), shipped.group("aqim")
    assert aqim.name == "AQIM (user's preferred name)"
    assert [le.name for le in aqim.leaders] == ["Example Leader"]
    # fields the user did not set are kept
    assert aqim.aliases == shipped_aqim.aliases and aqim.relations == shipped_aqim.relations
    assert aqim.founded == shipped_aqim.founded
    assert user.origins["aqim"] == str(path)
    # the new group is there, resolvable and part of JNIM after April 2019
    from spillover.actors import Resolver, expand_umbrella

    assert Resolver(user).resolve("Katiba Test (ACLED spelling)", "acled").group_ids == ("katiba-test",)
    assert "katiba-test" in expand_umbrella("jnim", "2020-01-01", registry=user)
    assert "katiba-test" not in expand_umbrella("jnim", "2018-01-01", registry=user)
    # the shipped registry is untouched
    assert shipped.group("aqim").name == "Al-Qaeda in the Islamic Maghreb" and "katiba-test" not in shipped
    assert as_of("aqim", "2008", registry=user).name == "AQIM (user's preferred name)"
