"""Loading, layering and checking the actor registry.

Three layers, each overriding the one before:

1. the UCDP Actor list (optional): one group per UCDP actor, id ``ucdp-<ActorId>``;
2. the shipped, curated ``data/registry.yaml`` (and the files it includes);
3. user registries passed as ``extra``: same format; a group with a known id replaces the fields it sets,
   a new id is added.

A curated group that lists ``ucdp_actor_id`` absorbs that UCDP actor (its names become aliases, its links
become relations, and ``ucdp-<id>`` redirects to the curated id).  Pattern rules with ``absorb_ucdp`` do
the same for whole families of UCDP actors (``Government of Mali`` → ``state-MLI``).

Every check names the file, the group and the field, because a registry is edited by hand.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from spillover._lazy import lazy_module
from spillover.actors import ucdp
from spillover.actors.models import (
    Alias,
    AliasClaim,
    Citation,
    Group,
    NameRule,
    PatternRule,
    RegistryError,
    RegistryFile,
    Relation,
    SourceRef,
)
from spillover.actors.text import normalise, slugify

nx = lazy_module("networkx")  # imported when a graph is built (~0.2 s)

log = logging.getLogger(__name__)

SHIPPED = "registry.yaml"
UCDP_FILE_LABEL = "UCDP actor list"


@dataclass
class Registry:
    """Groups by id, with the rules that classify names no group claims."""

    groups: dict[str, Group]
    kinds: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Citation] = field(default_factory=dict)
    name_rules: list[NameRule] = field(default_factory=list)
    patterns: list[PatternRule] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # group id -> file that defined it last
    files: list[str] = field(default_factory=list)
    ucdp_layer: bool = False

    # --- lookup -------------------------------------------------------------------------------------

    def canonical_id(self, group_id: str) -> str:
        """Follow redirects (``ucdp-539`` → ``aqim``)."""
        seen = set()
        while group_id in self.redirects and group_id not in seen:
            seen.add(group_id)
            group_id = self.redirects[group_id]
        return group_id

    def __contains__(self, group_id: object) -> bool:
        return isinstance(group_id, str) and self.canonical_id(group_id) in self.groups

    def __len__(self) -> int:
        return len(self.groups)

    def group(self, group_id: str) -> Group:
        gid = self.canonical_id(group_id)
        if gid not in self.groups:
            raise KeyError(group_id)
        return self.groups[gid]

    def cite(self, ref: SourceRef) -> Citation:
        """The citation a source reference stands for."""
        return ref if isinstance(ref, Citation) else self.sources[ref]

    def alias_claims(self) -> list[AliasClaim]:
        """Every (normalised name → group) claim: aliases and canonical names.

        Groups that pattern rules generated on the fly are left out: their names resolve through the rule
        again, so a name resolves the same way whatever this (shared, cached) registry was asked before."""
        claims = []
        for g in list(self.groups.values()):
            if self.origins.get(g.id, "").startswith("pattern "):
                continue
            claims.append(
                AliasClaim(
                    normalise(g.name),
                    g.name,
                    "other",
                    g.id,
                    layer="ucdp" if g.origin == "ucdp" else "curated",
                )
            )
            for dataset, alias in g.aliases.items():
                weak = alias.note == "ucdp-descriptive"
                layer = (
                    "ucdp"
                    if (g.origin == "ucdp" or alias.note in {"ucdp", "ucdp-descriptive"})
                    else "curated"
                )
                claims.append(
                    AliasClaim(
                        normalise(alias.name),
                        alias.name,
                        dataset,
                        g.id,
                        alias.start,
                        alias.end,
                        layer,
                        weak,
                        tuple(alias.countries),
                    )  # fmt: skip
                )
        return [c for c in claims if c.norm]

    def relations(self) -> pd.DataFrame:
        """Every relation as a row: group_id, type, target, start (first possible day), end (last possible
        day), their precisions, ``when`` (the dates as written, e.g. "2007-01 –"), sources, note."""
        rows = []
        for g in list(self.groups.values()):
            for r in g.relations:
                rows.append(
                    {
                        "group_id": g.id,
                        "type": r.type,
                        "target": r.target,
                        "start": r.start.first if r.start else None,
                        "start_precision": r.start.precision if r.start else None,
                        "end": r.end.last if r.end else None,
                        "end_precision": r.end.precision if r.end else None,
                        "when": f"{r.start or '?'} – {r.end or ''}".strip(),
                        "sources": "; ".join(self.cite(s).short() for s in r.sources),
                        "note": r.note,
                    }
                )
        columns = [
            "group_id",
            "type",
            "target",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "when",
            "sources",
            "note",
        ]
        return pd.DataFrame(rows, columns=columns)

    # --- generated entries -------------------------------------------------------------------------

    def match_pattern(self, name: str, dataset: str | None = None) -> tuple[Group, PatternRule] | None:
        """The generated group a pattern rule makes of ``name`` (added to the registry), or None."""
        for rule in self.patterns:
            if rule.datasets and dataset is not None and dataset not in rule.datasets:
                continue
            group = _apply_pattern(rule, name)
            if group is None:
                continue
            existing = self.groups.get(self.canonical_id(group.id))
            if existing is None:
                self.groups[group.id] = group
                self.origins[group.id] = f"pattern {rule.name}"
                existing = group
            return existing, rule
        return None

    def name_rule(self, name: str, dataset: str | None = None) -> NameRule | None:
        """The unknown/generic rule that matches ``name``, if any."""
        for rule in self.name_rules:
            if rule.datasets and dataset is not None and dataset not in rule.datasets:
                continue
            if _compiled(rule.pattern).search(name.strip()):
                return rule
        return None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _apply_pattern(rule: PatternRule, name: str) -> Group | None:
    match = _compiled(rule.pattern).fullmatch(name.strip())
    if match is None or any(_compiled(x).search(name) for x in rule.exclude):
        return None
    values: dict[str, str] = {}
    for key, raw in match.groupdict().items():
        text = (raw or "").strip()
        values[f"{key}_text"] = text
        how = rule.convert.get(key, "text")
        if how == "iso3":
            code = _iso3(text)
            if code is None:
                return None
            values[key] = code
        elif how == "slug":
            values[key] = slugify(text)
        else:
            values[key] = text
    gid = rule.id.format(**values)
    return Group(
        id=gid,
        name=rule.canonical_name.format(**values),
        kind=rule.kind,
        country=values.get("country") if rule.convert.get("country") == "iso3" else None,
        origin="pattern",
        note=f"generated by pattern rule {rule.name!r}",
    )


@lru_cache(maxsize=4096)
def _iso3(name: str) -> str | None:
    from spillover.countries import iso3

    return iso3(name) if name else None


# --- reading files ---------------------------------------------------------------------------------


@dataclass
class _Partial:
    """A group entry that omits required fields: valid only as an override of a known id."""

    raw: dict[str, Any]
    error: RegistryError


@dataclass
class _Parsed:
    path: str
    meta: RegistryFile
    groups: list[Group | _Partial]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ten times faster


def _read_yaml(path: Path | str, text: str | None = None) -> dict[str, Any]:
    try:
        data = yaml.load(text if text is not None else Path(path).read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RegistryError(f"not valid YAML: {exc}", file=path) from exc
    except OSError as exc:
        raise RegistryError(f"cannot read: {exc}", file=path) from exc
    if not isinstance(data, dict):
        raise RegistryError("a registry file is a mapping with a 'groups:' list", file=path)
    return data


def _validation_message(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return loc, f"{first['msg']}{more}"


def parse_file(path: Path | str, text: str | None = None) -> list[_Parsed]:
    """Validate one registry file (and, recursively, the files it includes)."""
    data = _read_yaml(path, text)
    try:
        meta = RegistryFile.model_validate(data)
    except ValidationError as exc:
        loc, msg = _validation_message(exc)
        raise RegistryError(msg, file=path, field=loc) from exc
    groups, seen = [], set()
    for i, raw in enumerate(meta.groups):
        gid = raw.get("id") if isinstance(raw, dict) else None
        if gid in seen:
            raise RegistryError("id defined twice in the same file", file=path, group=gid, field="id")
        seen.add(gid)
        try:
            groups.append(Group.model_validate(raw))
        except ValidationError as exc:
            loc, msg = _validation_message(exc)
            error = RegistryError(msg, file=path, group=gid or f"#{i + 1}", field=loc)
            only_missing = all(e["type"] == "missing" for e in exc.errors())
            if not (only_missing and isinstance(gid, str)):
                raise error from exc
            groups.append(_Partial(raw, error))
    parsed = [_Parsed(str(path), meta, groups)]
    for inc in meta.include:
        parsed += _parse_include(path, inc, text is not None)
    return parsed


def _parse_include(path: Path | str, inc: str, shipped: bool) -> list[_Parsed]:
    if shipped:
        ref = resources.files("spillover.actors").joinpath("data").joinpath(inc)
        return parse_file(f"spillover/actors/data/{inc}", ref.read_text(encoding="utf-8"))
    return parse_file(Path(path).parent / inc)


def _shipped() -> list[_Parsed]:
    ref = resources.files("spillover.actors").joinpath("data").joinpath(SHIPPED)
    return parse_file(f"spillover/actors/data/{SHIPPED}", ref.read_text(encoding="utf-8"))


# --- building --------------------------------------------------------------------------------------


def _override(base: Group, new: Group | _Partial, path: str) -> Group:
    """``base`` with every field the new entry sets replaced (the others kept)."""
    raw = new.raw if isinstance(new, _Partial) else new.model_dump(include=new.model_fields_set)
    try:
        return Group.model_validate({**base.model_dump(), **raw, "id": base.id})
    except ValidationError as exc:
        loc, msg = _validation_message(exc)
        raise RegistryError(msg, file=path, group=base.id, field=loc) from exc


def _entry_id(entry: Group | _Partial) -> str:
    return entry.raw["id"] if isinstance(entry, _Partial) else entry.id


def _merge_ucdp(curated: Group, actor: Group) -> Group:
    """A curated group with a claimed UCDP actor's names and links added (curated values win)."""
    aliases = curated.aliases.model_copy(deep=True)
    have = {normalise(a.name) for _, a in aliases.items()}
    for dataset, alias in actor.aliases.items():
        if normalise(alias.name) not in have:
            note = alias.note if alias.note == "ucdp-descriptive" else "ucdp"
            getattr(aliases, dataset).append(alias.model_copy(update={"note": note}))
    sources = list(curated.sources) + ([ucdp.CITATION] if ucdp.CITATION not in curated.sources else [])
    return curated.model_copy(
        update={
            "aliases": aliases,
            "relations": list(curated.relations) + list(actor.relations),
            "sources": sources,
        }
    )


def _merge_generated(target: Group, actor: Group) -> Group:
    aliases = target.aliases.model_copy(deep=True)
    for dataset, alias in actor.aliases.items():
        getattr(aliases, dataset).append(alias.model_copy(update={"note": alias.note or "ucdp"}))
    ids = sorted(set(target.ucdp_actor_id) | set(actor.ucdp_actor_id))
    return target.model_copy(
        update={
            "aliases": aliases,
            "ucdp_actor_id": ids,
            "relations": list(target.relations) + list(actor.relations),
        }
    )


def build_registry(
    parsed: Sequence[_Parsed], ucdp_groups: Sequence[Group] = (), *, check: bool = True
) -> Registry:
    """Layer the UCDP groups and the parsed files into one registry, then check it."""
    reg = Registry(groups={}, files=[p.path for p in parsed], ucdp_layer=bool(ucdp_groups))
    for p in parsed:
        reg.kinds.update(p.meta.kinds)
        reg.sources.update(p.meta.sources)
        reg.name_rules.extend(p.meta.name_rules)
        by_name = {r.name: i for i, r in enumerate(reg.patterns)}
        for rule in p.meta.patterns:
            if rule.name in by_name:
                reg.patterns[by_name[rule.name]] = rule
            else:
                reg.patterns.append(rule)

    curated: dict[str, Group] = {}
    for p in parsed:
        for entry in p.groups:
            gid = _entry_id(entry)
            if gid in curated:
                curated[gid] = _override(curated[gid], entry, p.path)
            elif isinstance(entry, _Partial):
                raise entry.error
            else:
                curated[gid] = entry
            reg.origins[gid] = p.path

    claims: dict[int, str] = {}
    for g in curated.values():
        for actor_id in g.ucdp_actor_id:
            if actor_id in claims and claims[actor_id] != g.id:
                raise RegistryError(
                    f"UCDP actor {actor_id} is claimed by {claims[actor_id]!r} too",
                    file=reg.origins[g.id],
                    group=g.id,
                    field="ucdp_actor_id",
                )
            claims[actor_id] = g.id

    groups: dict[str, Group] = dict(curated)
    for actor in ucdp_groups:
        actor_id = actor.ucdp_actor_id[0]
        if actor_id in claims:
            owner = claims[actor_id]
            groups[owner] = _merge_ucdp(groups[owner], actor)
            reg.redirects[actor.id] = owner
            continue
        absorbed = _absorb(reg, actor)
        if absorbed is not None:
            groups[absorbed.id] = _merge_generated(groups.get(absorbed.id, absorbed), actor)
            reg.origins.setdefault(absorbed.id, UCDP_FILE_LABEL)
            reg.redirects[actor.id] = absorbed.id
            continue
        groups[actor.id] = actor
        reg.origins[actor.id] = UCDP_FILE_LABEL
    reg.groups = groups
    _assign_aliases(reg, parsed)
    _retarget_relations(reg)
    if check:
        from spillover.actors.registry_checks import check_registry

        check_registry(reg)
    return reg


def _assign_aliases(reg: Registry, parsed: Sequence[_Parsed]) -> None:
    """Add the files' ``aliases:`` assignments to their groups.  An assignment to a UCDP actor is skipped
    when the registry is built without the UCDP layer; any other unknown group is an error."""
    for p in parsed:
        for i, a in enumerate(p.meta.aliases):
            gid = reg.canonical_id(a.group)
            if gid not in reg.groups:
                if a.group.startswith("ucdp-") and not reg.ucdp_layer:
                    continue
                raise RegistryError(
                    f"alias {a.name!r} for unknown group {a.group!r}", file=p.path, field=f"aliases[{i}]"
                )
            g = reg.groups[gid]
            if any(
                normalise(x.name) == normalise(a.name) and x.note != "ucdp-descriptive"
                for _, x in g.aliases.items()
            ):
                continue
            aliases = g.aliases.model_copy(deep=True)
            getattr(aliases, a.dataset).append(Alias(name=a.name, note=a.via))
            reg.groups[gid] = g.model_copy(update={"aliases": aliases})


def _absorb(reg: Registry, actor: Group) -> Group | None:
    for rule in reg.patterns:
        if rule.absorb_ucdp and (not rule.datasets or "ucdp" in rule.datasets):
            group = _apply_pattern(rule, actor.name)
            if group is not None:
                return group
    return None


def _imported(r: Relation) -> bool:
    return len(r.sources) == 1 and r.sources[0] == ucdp.CITATION


def _retarget_relations(reg: Registry) -> None:
    """Point relations at canonical ids.  UCDP links are dropped when they point outside the actor list or
    at the group itself, or when a curated relation already links the same two groups (curated wins)."""
    renames = nx.Graph()
    for gid, g in list(reg.groups.items()):
        renames.add_node(gid)
        renames.add_edges_from(
            (gid, reg.canonical_id(r.target)) for r in g.relations if r.type == "renamed_to"
        )
    chain_of = {m: chain for chain in nx.connected_components(renames) for m in chain}
    for gid, g in list(reg.groups.items()):
        chain = chain_of[gid]
        curated_pairs = {
            reg.canonical_id(r.target)
            for m in chain
            if m in reg.groups
            for r in reg.groups[m].relations
            if not _imported(r)
        }
        kept, seen = [], set()
        for r in g.relations:
            target = reg.canonical_id(r.target)
            if _imported(r):
                if (
                    target not in reg.groups
                    or target == gid
                    or target in curated_pairs
                    or (r.type, target) in seen
                ):
                    log.info("UCDP link %s %s %s dropped", gid, r.type, r.target)
                    continue
                seen.add((r.type, target))
            kept.append(r if target == r.target else r.model_copy(update={"target": target}))
        reg.groups[gid] = g.model_copy(update={"relations": kept})


# --- public entry points ---------------------------------------------------------------------------


def load_registry(ucdp_actors: Path | str | bool | None = None, extra: Sequence[Path | str] = ()) -> Registry:
    """The shipped registry, layered over the UCDP actor list and under user registries ``extra``.

    ``ucdp_actors``: path to the UCDP actor CSV; ``None`` looks in ``$SPILLOVER_DATA_DIR`` (warning and
    skipping the layer when absent); ``False`` skips the layer.  Results are cached per arguments (and per
    file modification time), so repeated calls are cheap.
    """
    if ucdp_actors is None:
        found = ucdp.default_actor_file()
        ucdp_actors = found if found is not None else False
    actor_key = str(ucdp_actors) if ucdp_actors is not False else ""
    extra_key = tuple((str(p), Path(p).stat().st_mtime_ns if Path(p).is_file() else 0) for p in extra)
    return _load_cached(actor_key, extra_key)


@lru_cache(maxsize=8)
def _load_cached(actor_file: str, extra: tuple[tuple[str, int], ...]) -> Registry:
    """Built once per process, and kept on disk between runs (:mod:`spillover.memo`: keyed by the content
    of the actor list and user registries and by the package's source, which holds the shipped registry)."""
    from spillover.memo import file_fingerprint, kept

    actor_path = Path(actor_file) if actor_file else None
    extra_paths = [Path(p) for p, _ in extra]
    inputs = (file_fingerprint(actor_path), *(file_fingerprint(p) for p in extra_paths))
    from spillover._alloc import collector_paused

    # tens of thousands of objects that live as long as the process (spillover._alloc says why)
    with collector_paused(freeze_once=not extra):
        registry = kept("registry", inputs, lambda: _load(actor_path, extra_paths))
    _LOADED_FROM[id(registry)] = repr(inputs)
    return registry


#: id of each registry :func:`load_registry` returned (kept alive by its cache) → what it was built from
_LOADED_FROM: dict[int, str] = {}


def registry_inputs(registry: Registry) -> str | None:
    """What a registry of :func:`load_registry` was built from (its files' content hashes), to key results
    computed with it; None for a registry built any other way (results computed with it are not kept)."""
    return _LOADED_FROM.get(id(registry))


def _load(actor_file: Path | None, extra: Sequence[Path]) -> Registry:
    parsed = _shipped()
    for path in extra:
        parsed += parse_file(path)
    actor_groups = ucdp.actor_groups(ucdp.read_actor_list(actor_file)) if actor_file is not None else []
    return build_registry(parsed, actor_groups)


def check_file(path: Path | str, ucdp_actors: Path | str | None = None) -> Registry:
    """Validate a user registry on top of the shipped one, uncached (raises :class:`RegistryError`)."""
    return _load(Path(ucdp_actors) if ucdp_actors is not None else None, [Path(path)])
