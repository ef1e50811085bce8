"""The registry format: pydantic models for groups, aliases, leaders and dated relations.

The registry is data, not code: every fact about a group (its names in each dataset, who led it, whom it
split from or pledged to, and when) is written in YAML with a source, and these models are its schema.
They forbid unknown keys, so a misspelt field is an error rather than a silently ignored line.
Beside them, what a loaded registry is made of and how it fails: a name's claim on a group
(:class:`AliasClaim`) and the error naming the file, group and field at fault (:class:`RegistryError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from spillover.actors.dates import FuzzyDate

#: Dataset families an alias can belong to.  ``other`` holds names seen in no dataset file (own names,
#: transliterations, names in reports); they match whatever the source.  ``gdelt`` holds the CAMEO
#: known-group codes GDELT writes in ``Actor1KnownGroupCode``/``Actor2KnownGroupCode`` (``TAL``), which
#: the GDELT loader keeps as actor names; GDELT's upper-case actor names (``TALIBAN``) already match the
#: other datasets' aliases, because names are compared case-folded.
#: ``mmp`` and ``baad`` hold the names of the relations datasets (Mapping Militants, BAAD1) as they write them.
DATASETS: tuple[str, ...] = ("gtd", "ucdp", "acled", "rand", "gdelt", "mmp", "baad", "other")

#: Relation types, each read "group <type> target".
RELATION_TYPES: tuple[str, ...] = (
    "renamed_to",  # the same organisation took a new name: the target is its continuation
    "merged_into",  # the group ceased and its members joined (or formed) the target
    "split_from",  # the group broke away from the target, which carried on
    "pledged_allegiance_to",  # a public pledge (bay'ah) or formal affiliation request
    "affiliate_of",  # accepted branch or franchise of the target
    "rival_of",  # open rivalry or fighting between the two
    "component_of",  # a member of an umbrella or alliance (JNIM, CMA) while keeping its own identity
    "allied_with",  # operational alliance or cooperation between two groups that stay distinct
)

#: The kind of tie each relation type is, in the words analysts use (``spillover relations --type``).
RELATION_KINDS: dict[str, str] = {
    "allied_with": "alliance",
    "rival_of": "rivalry",
    "affiliate_of": "affiliation",
    "split_from": "splinter",
    "merged_into": "merger",
    "renamed_to": "renaming",
    "pledged_allegiance_to": "pledge",
    "component_of": "component",
}

RelationType = Literal[
    "renamed_to",
    "merged_into",
    "split_from",
    "pledged_allegiance_to",
    "affiliate_of",
    "rival_of",
    "component_of",
    "allied_with",
]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-zA-Z0-9]+)*$")
ISO3 = re.compile(r"^[A-Z]{3}$")


def _compiles(value: str) -> str:
    re.compile(value)
    return value


#: A regular expression, checked to compile when the registry file is read.
Regex = Annotated[str, AfterValidator(_compiles)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(Strict):
    """A public source for a fact."""

    author: str
    title: str
    year: int | None = None
    url: str | None = None
    publisher: str | None = None
    note: str | None = None

    def short(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.author}{year}, {self.title}"


#: A source is a key of the registry's ``sources:`` section or an inline citation.
SourceRef = str | Citation


class Alias(Strict):
    """One spelling of a group's name, optionally valid only for a period and in some countries (names get
    reused: UCDP's 'IS' is the Islamic State in Iraq and Syria and its province elsewhere)."""

    name: str
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    countries: list[str] = Field(
        default_factory=list, description="ISO3 codes where the alias means this group"
    )
    note: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("alias is empty")
        return value.strip()


class Aliases(Strict):
    """Spellings per dataset, exactly as written in that dataset's files."""

    gtd: list[Alias] = Field(default_factory=list)
    ucdp: list[Alias] = Field(default_factory=list)
    acled: list[Alias] = Field(default_factory=list)
    rand: list[Alias] = Field(default_factory=list)
    gdelt: list[Alias] = Field(default_factory=list)
    mmp: list[Alias] = Field(default_factory=list)
    baad: list[Alias] = Field(default_factory=list)
    other: list[Alias] = Field(default_factory=list)

    def items(self) -> list[tuple[str, Alias]]:
        """Every (dataset, alias) pair."""
        return [(ds, a) for ds in DATASETS for a in getattr(self, ds)]


class Leader(Strict):
    name: str
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    kind: Literal["organic", "appointed"] | None = None
    role: str | None = None
    note: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class Faction(Strict):
    """A sub-command, battalion or faction that is not (or not yet) a group of its own."""

    name: str
    group: str | None = Field(default=None, description="registry id when the faction is also a group")
    region: str | None = None
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    leaders: list[Leader] = Field(default_factory=list)
    note: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class Relation(Strict):
    """A dated, sourced link from the group that lists it to ``target``."""

    type: RelationType
    target: str
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    sources: list[SourceRef] = Field(min_length=1)
    note: str | None = None
    dataset_ids: list[str] = Field(
        default_factory=list,
        description="relations of the datasets that agree with this one, as dataset:id (mmp:253, baad1:edge-17)",
    )
    unsupported: str | None = Field(
        default=None,
        description="set when no source supports the fact: what is unsupported and why it is kept",
    )


class Group(Strict):
    """An armed group, a state's forces, or a generic actor category."""

    id: str
    name: str
    kind: str
    aliases: Aliases = Field(default_factory=Aliases)
    ucdp_actor_id: list[int] = Field(default_factory=list, description="UCDP actor ids this entry claims")
    founded: FuzzyDate | None = None
    dissolved: FuzzyDate | None = None
    country: str | None = Field(default=None, description="home country, ISO 3166-1 alpha-3")
    countries: list[str] = Field(default_factory=list, description="other countries of operation (ISO3)")
    region: str | None = None
    leaders: list[Leader] = Field(default_factory=list)
    factions: list[Faction] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    note: str | None = None
    origin: Literal["curated", "ucdp", "pattern"] = Field(default="curated", description="set by the loader")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(
                f"id {value!r} is not a slug (lower-case letters, digits and single hyphens; generated ids may end in an ISO3 code)"
            )
        return value

    @field_validator("ucdp_actor_id", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, int | str) else value

    @field_validator("country")
    @classmethod
    def _iso3(cls, value: str | None) -> str | None:
        if value is not None and not ISO3.match(value):
            raise ValueError(f"country {value!r} is not an ISO3 code (e.g. DZA, MLI)")
        return value

    @field_validator("countries")
    @classmethod
    def _iso3_list(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not ISO3.match(v)]
        if bad:
            raise ValueError(f"not ISO3 codes: {bad}")
        return value


class NameRule(Strict):
    """Names that identify no organisation: ``unknown`` (no one is named: GTD "Unknown", ACLED
    "Unidentified Armed Group (Mali)") or ``generic`` (a type of perpetrator, not an organisation: GTD
    "Muslim extremists", ACLED "Islamist Militia (Mali)").  Both are left out of coverage denominators and
    never assigned to a group; generic names resolve as *ambiguous* with optional candidate groups."""

    pattern: Regex
    category: Literal["unknown", "generic"]
    datasets: list[str] = Field(default_factory=list, description="limit to these datasets (default: all)")
    candidates: list[str] = Field(default_factory=list)
    note: str | None = None


class PatternRule(Strict):
    """A regex that turns a whole family of names into generated registry entries, e.g. every ACLED
    "Military Forces of <country> (<years>)" into ``state-<ISO3>``.  Named regex groups feed the templates;
    ``convert`` says how a captured value is turned into a template value (``iso3``: a country name to its
    ISO3 code; ``slug``: a lower-case slug; ``text``: as written)."""

    name: str
    pattern: Regex
    id: str = Field(description="group id template, e.g. 'state-{country}'")
    canonical_name: str = Field(description="canonical name template, e.g. 'State forces of {country_name}'")
    kind: str
    convert: dict[str, Literal["iso3", "slug", "text"]] = Field(default_factory=dict)
    datasets: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(
        default_factory=list, description="regexes of captured names the rule must not take"
    )
    absorb_ucdp: bool = Field(
        default=False,
        description="UCDP actors whose name matches become this generated group (not ucdp-<id>)",
    )
    note: str | None = None


class AliasAssignment(Strict):
    """A name a dataset writes for a group defined elsewhere (another file or the UCDP layer): added to that
    group's aliases.  The relations layer (``groups_relations.yaml``) uses it for MMP's and BAAD's names."""

    group: str
    dataset: Literal["gtd", "ucdp", "acled", "rand", "gdelt", "mmp", "baad", "other"]
    name: str
    via: str | None = Field(
        default=None, description="how the name was matched (alias, variant:..., reviewed)"
    )


class RegistryFile(Strict):
    """One registry YAML file.  ``groups`` are validated one by one so errors can name the group."""

    schema_version: int = 1
    about: str | None = None
    include: list[str] = Field(default_factory=list)
    kinds: dict[str, str] = Field(default_factory=dict)
    sources: dict[str, Citation] = Field(default_factory=dict)
    name_rules: list[NameRule] = Field(default_factory=list)
    patterns: list[PatternRule] = Field(default_factory=list)
    aliases: list[AliasAssignment] = Field(default_factory=list)
    groups: list[dict[str, Any]] = Field(default_factory=list)


class RegistryError(ValueError):
    """A registry file that cannot be used, with the file, group and field at fault."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        group: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.group, self.field = (str(file) if file else None), group, field
        where = ", ".join(
            p
            for p in (
                f"file {self.file}" if self.file else "",
                f"group {group!r}" if group else "",
                f"field {field!r}" if field else "",
            )
            if p
        )
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class AliasClaim:
    """A normalised name that points at a group, in one dataset, for a period."""

    norm: str
    alias: str
    dataset: str
    group_id: str
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    layer: str = "curated"  # curated | ucdp
    weak: bool = False  # descriptive names (translations): used for suggestions only
    countries: tuple[str, ...] = ()  # where the name means this group (empty: everywhere)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def scoped(self) -> bool:
        """Valid only for a period or in some countries: resolving it needs the event's date and place."""
        return self.dated or bool(self.countries)
