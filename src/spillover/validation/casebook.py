"""The casebook: documented facts about armed groups, each with its published source, to check the analyses.

A rule that dates entries, attributes events or classes an entry is only as good as its agreement with what
is documented about groups whose history is known.  The casebook is data, not code: a YAML file (the shipped
one is ``data/casebook.yaml``; users can pass their own) whose schema is the pydantic models below.  Every
fact names the group by its registry id, says what kind of fact it is, and carries at least one source.

Kinds of fact, and where they are checked (``checkable_from``):

* ``entry`` (events): the group began operating in ``country`` at ``date``;
* ``first_tactic`` (events): the group's first use of ``tactic`` (a schema tactic, e.g. ``suicide_attack``);
* ``never_entered`` (events): the group never operated in ``country`` — no entry may appear there;
* ``retaliation`` (events): the group's entry into ``country`` at ``date`` was retaliation for that state's
  intervention against it (the opportunism analysis classes entries);
* ``lineage`` (registry): ``relation`` (``renamed_to``, ``split_from``, ``merged_into``,
  ``pledged_allegiance_to``, ``affiliate_of``, ``component_of``, or ``founded`` / ``dissolved``) with
  ``target`` at ``date``.

Dates are :class:`~spillover.actors.FuzzyDate` (``2007``, ``2007-01`` or ``2007-01-24``): a fact is only as
precise as its source.  A date agrees when it falls within the fact's period widened by ``tolerance_months``
(the casebook's default, or the fact's own).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from spillover.actors import FuzzyDate, Registry, default_registry
from spillover.actors.models import ISO3, RELATION_TYPES
from spillover.schema import TACTICS

FactKind = Literal["entry", "first_tactic", "never_entered", "retaliation", "lineage"]
CheckableFrom = Literal["events", "registry"]

#: Lineage relations a fact may state: the registry's relation types plus a group's founding and dissolution.
LINEAGE_RELATIONS: tuple[str, ...] = (*RELATION_TYPES, "founded", "dissolved")

#: Where each kind of fact is checked.
CHECKABLE_FROM: dict[str, CheckableFrom] = {
    "entry": "events",
    "first_tactic": "events",
    "never_entered": "events",
    "retaliation": "events",
    "lineage": "registry",
}

_REQUIRED: dict[str, tuple[str, ...]] = {
    "entry": ("country", "date"),
    "first_tactic": ("tactic", "date"),
    "never_entered": ("country",),
    "retaliation": ("country", "date"),
    "lineage": ("relation", "date"),
}


class CasebookError(ValueError):
    """A casebook file that cannot be used; the message is one line naming the file, the fact and the field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """A published source: the citation as one would write it in a bibliography, and its address."""

    citation: str = Field(min_length=5)
    url: str | None = Field(default=None, pattern=r"^https?://")


class Fact(Strict):
    """One documented fact about a group."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: FactKind
    statement: str = Field(min_length=10, description="the fact in words, as the source states it")
    checkable_from: CheckableFrom | None = None
    country: str | None = None
    date: FuzzyDate | None = None
    relation: str | None = None
    target: str | None = None
    tactic: str | None = None
    tolerance_months: int | None = Field(default=None, ge=0, le=60)
    sources: list[Source] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Fact:
        missing = [f for f in _REQUIRED[self.kind] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a fact of kind {self.kind} needs {', '.join(missing)}")
        expected = CHECKABLE_FROM[self.kind]
        if self.checkable_from is None:
            object.__setattr__(self, "checkable_from", expected)
        elif self.checkable_from != expected:
            raise ValueError(
                f"a fact of kind {self.kind} is checkable from {expected}, not {self.checkable_from}"
            )
        if self.country is not None and not ISO3.match(self.country):
            raise ValueError(f"country {self.country!r} is not an ISO3 code")
        if self.tactic is not None and self.tactic not in TACTICS:
            raise ValueError(f"tactic {self.tactic!r} is not one of {', '.join(TACTICS)}")
        if self.kind == "lineage":
            if self.relation not in LINEAGE_RELATIONS:
                raise ValueError(f"relation {self.relation!r} is not one of {', '.join(LINEAGE_RELATIONS)}")
            if self.relation not in ("founded", "dissolved") and self.target is None:
                raise ValueError(f"a {self.relation} fact needs a target group")
        return self


class CaseGroup(Strict):
    """A group of the casebook (a registry id) and its facts."""

    id: str
    name: str
    region: str | None = None
    facts: list[Fact] = Field(min_length=1)


class Casebook(Strict):
    """The whole casebook: the default tolerance and the groups with their facts."""

    schema_version: int = 1
    about: str | None = None
    tolerance_months: int = Field(default=3, ge=0, le=60)
    groups: list[CaseGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Casebook:
        seen: set[str] = set()
        for fact in self.facts():
            if fact.id in seen:
                raise ValueError(f"fact id {fact.id!r} is used twice")
            seen.add(fact.id)
        return self

    def facts(self) -> list[Fact]:
        return [f for g in self.groups for f in g.facts]

    def pairs(self) -> list[tuple[CaseGroup, Fact]]:
        """Every (group, fact), in file order."""
        return [(g, f) for g in self.groups for f in g.facts]

    def tolerance(self, fact: Fact) -> int:
        return self.tolerance_months if fact.tolerance_months is None else fact.tolerance_months


def default_path() -> Path:
    """The casebook shipped with spillover."""
    return Path(str(resources.files("spillover.validation") / "data" / "casebook.yaml"))


def _where(exc: ValidationError, raw: dict) -> str:
    """'fact <id>, field <f>: message' for the first error of a pydantic validation."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = []
    if len(loc) >= 2 and loc[0] == "groups" and isinstance(loc[1], int):
        group = (raw.get("groups") or [{}])[loc[1]] if loc[1] < len(raw.get("groups") or []) else {}
        where.append(f"group {group.get('id', loc[1])}")
        if len(loc) >= 4 and loc[2] == "facts" and isinstance(loc[3], int):
            facts = group.get("facts") or []
            fact = facts[loc[3]] if loc[3] < len(facts) else {}
            where.append(f"fact {fact.get('id', loc[3])}")
            loc = loc[4:]
        else:
            loc = loc[2:]
    if loc:
        where.append("field " + ".".join(str(p) for p in loc))
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{', '.join(where) or 'top level'}: {message}"


def load_casebook(path: str | Path | None = None, registry: Registry | None = None) -> Casebook:
    """Read and check a casebook (default: the shipped one).  Every group id must be a registry id and every
    lineage target too; any problem raises :class:`CasebookError` with one line naming file, fact and field."""
    path = Path(path) if path is not None else default_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CasebookError(f"{path}: cannot read the casebook ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise CasebookError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(raw, dict):
        raise CasebookError(f"{path}: a casebook is a mapping with a 'groups' list")
    try:
        book = Casebook.model_validate(raw)
    except ValidationError as exc:
        raise CasebookError(f"{path}: {_where(exc, raw)}") from exc
    _check_registry(book, registry or default_registry(), path)
    return book


def _check_registry(book: Casebook, registry: Registry, path: Path) -> None:
    for group in book.groups:
        if group.id not in registry:
            raise CasebookError(f"{path}: group {group.id!r} is not a registry id")
        for fact in group.facts:
            if fact.target is not None and fact.target not in registry:
                raise CasebookError(
                    f"{path}: fact {fact.id}, field target: {fact.target!r} is not a registry id"
                )
