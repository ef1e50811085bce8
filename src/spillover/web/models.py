"""Response models of the JSON API: they document the API in its OpenAPI schema and check every answer.

Tables whose columns belong to an analysis module (expansion spread, opportunism sensitivity, …) are
typed as rows of JSON values: the module documents them, and the API passes them on unchanged.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

SectionStatus = Literal["ok", "insufficient data", "not available", "error"]
Row = dict[str, Any]


class Suggestion(BaseModel):
    group_id: str
    name: str
    alias: str = Field(description="the name or alias that is close to what was asked")
    score: float


class ErrorBody(BaseModel):
    """Every error: what went wrong, in a sentence, and for an unknown group the closest known ones."""

    detail: str
    suggestions: list[Suggestion] = Field(default_factory=list)
    errors: list[Row] = Field(default_factory=list, description="one entry per invalid parameter (422)")
    choices: list[str] = Field(
        default_factory=list, description="the valid values, for an unknown view (422)"
    )


class GroupHit(BaseModel):
    group_id: str | None = Field(
        description="registry id; null for a store name the registry does not resolve"
    )
    name: str
    matched: str = Field(description="the label that matched the query")
    dataset: str = Field(description="name, id, a dataset of the aliases, or store:<source>")
    kind: str | None
    events: int
    score: float


class SearchResult(BaseModel):
    query: str
    results: list[GroupHit]


class Alias(BaseModel):
    dataset: str
    name: str
    start: str | None
    end: str | None


class RelationOut(BaseModel):
    type: str
    target: str
    target_name: str
    start: str | None
    end: str | None


class LeaderOut(BaseModel):
    name: str
    kind: str | None
    start: str | None
    end: str | None


class FamilyMember(BaseModel):
    id: str
    name: str
    path: str


class ViewInfo(BaseModel):
    """Which events are counted: every stored report ("all"), each real-world event once ("fused", the
    default) or one source alone, and how many stored reports the view merged."""

    view: str = Field(description='"all", "fused" or a source name')
    view_description: str = Field(description="one sentence naming the view and what it counts")
    stored_events: int = Field(description="stored reports behind the view's events")
    merged_duplicates: int = Field(description="stored reports merged into another event by the view")


class GroupOut(ViewInfo):
    """Who a group is (registry) and what the store holds about it (the group, its earlier names and the
    groups that merged into it, each for the dates it counts: ``scope`` says who and when)."""

    id: str
    name: str
    kind: str
    country: str | None
    countries: list[str]
    region: str | None
    founded: str | None
    dissolved: str | None
    note: str | None
    aliases: list[Alias]
    relations: list[RelationOut]
    leaders: list[LeaderOut]
    family: list[FamilyMember]
    scope: str = Field(
        description="who is counted (family members with their dates), the period and attributions"
    )
    selection: dict[str, Any] = Field(description="the selection's parameters (spillover.selection.select)")
    matched_names: list[Row]
    events: int
    fatalities: float
    first_event: str | None
    last_event: str | None
    by_year: list[Row]
    by_source: list[Row]
    by_country: list[Row]
    by_certainty: dict[str, int]
    tactics: list[Row]
    view_choices: list[str] = Field(description="every view of the store")
    since: str | None = Field(
        None, description="first day of the period counted (None: from the first event)"
    )
    until: str | None = Field(None, description="last day of the period counted (None: to the last event)")


class EventPage(ViewInfo):
    """One page of events; in a fused view each carries the stored ``event_ids`` and ``sources`` behind it."""

    group_id: str
    total: int = Field(description="events matching the filters")
    offset: int
    limit: int
    next_offset: int | None = Field(description="offset of the next page; null on the last page")
    events: list[Row]


class LineageOut(BaseModel):
    group_id: str
    name: str
    relations: list[Row]
    diagram_url: str


class SectionOut(BaseModel):
    """One analysis: its status, a sentence of what it found (or why it could not), and its tables."""

    group_id: str
    status: SectionStatus
    message: str
    data: dict[str, Any]


class CountryGroup(BaseModel):
    group_id: str
    name: str
    kind: str | None
    events: int
    first_year: int
    last_year: int
    by_year: list[Row]


class CountryOut(BaseModel):
    iso3: str
    name: str
    since: str | None = Field(description="first day counted (null: from the first event)")
    until: str | None = Field(description="last day counted (null: to the last event)")
    events: int
    fatalities: float
    first_event: str | None
    last_event: str | None
    groups: list[CountryGroup] = Field(description="armed groups active in the country, busiest first")
    other_actors: list[CountryGroup] = Field(
        description="state forces, civilians, protesters, peacekeepers …"
    )
    onsets: list[Row] | None = Field(description="null when the onset registry is not available")
    onsets_status: SectionStatus


class CompareOut(BaseModel):
    groups: list[GroupOut]


class ReportStatus(BaseModel):
    report_id: str
    group_id: str
    view: str = Field(description="the view the report counts in (its Parameters.view)")
    since: str | None = Field(None, description="first day the report counts (None: the first event)")
    until: str | None = Field(None, description="last day the report counts (None: the last event)")
    format: Literal["html", "pdf"]
    status: Literal["missing", "queued", "running", "ready", "failed"]
    message: str
    status_url: str
    download_url: str | None
