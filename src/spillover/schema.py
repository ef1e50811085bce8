"""The one event schema every source is normalised into.

Every loader in :mod:`spillover.sources` produces rows with exactly these columns; the store keeps them in
the ``events`` table, the actor names of each event in ``event_actors`` (one row per name and role, so
that joint and uncertain attribution is never collapsed), and the complete original row in ``raw_rows``.

Why these choices:

* ``date_start``/``date_end`` bound the period in which the event happened, and ``date_precision`` says
  how precisely the source knows it.  A GTD event with ``iday = 0`` has precision ``month`` and spans
  the whole month: the day is never invented.
* ``geo_precision`` is normalised to one ordinal scale (``point`` < ``near`` < ``admin2`` < ``admin1`` <
  ``country`` < ``none``); the source's own code is kept in ``geo_precision_raw``.
* ``tactic`` is one value of :data:`TACTICS`, mapped from each source's own codes by a pinned table in
  the loader; ``tactics`` lists every tactic the source names for the event (GTD has up to three attack
  types plus a suicide flag); ``tactic_raw`` is the source's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The normalised tactic taxonomy.  Order matters only for display.
TACTICS: dict[str, str] = {
    "suicide_attack": "Suicide attack (any method where the attacker intends to die)",
    "bombing": "Bombing, explosion, IED, landmine",
    "armed_assault": "Armed assault or attack with firearms/blades on people",
    "assassination": "Targeted killing of a specific person",
    "kidnapping": "Kidnapping, abduction, hostage-taking (incl. barricade incidents)",
    "hijacking": "Hijacking of an aircraft, vessel or vehicle",
    "facility_attack": "Attack on a facility or infrastructure, arson, sabotage, property destruction",
    "unarmed_assault": "Unarmed assault",
    "battle": "Armed clash between organised armed forces",
    "remote_violence": "Shelling, artillery, missile or air/drone strike",
    "looting": "Looting, seizure of goods or territory without a clash",
    "non_violent": "Non-violent activity (strategic development, agreement, recruitment, protest)",
    "other": "Other violent tactic the source names but the taxonomy does not single out",
    "unknown": "The source does not say",
}

#: Date precision, from finest to coarsest.
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

#: Geographic precision, from finest to coarsest.
GEO_PRECISIONS: tuple[str, ...] = ("point", "near", "admin2", "admin1", "country", "none")

#: Roles an actor name can play in an event (``event_actors.role``).
ACTOR_ROLES: tuple[str, ...] = (
    "perpetrator",  # GTD gname*, RAND Perpetrator, ACLED actor1 in one-sided violence
    "side_a",  # UCDP side_a, ACLED actor1
    "side_b",  # UCDP side_b, ACLED actor2
    "assoc_a",  # ACLED assoc_actor_1 / ALLY_ACTOR_1
    "assoc_b",  # ACLED assoc_actor_2 / ALLY_ACTOR_2
)

#: How an event's perpetrator is attributed.
ATTRIBUTIONS: tuple[str, ...] = ("single", "joint", "uncertain", "none")


#: DuckDB's storage compression for the store's columns of long or unique text (event ids, source ids,
#: descriptions), where its default (``DICT_FSST``: a dictionary, then FSST) costs an ingest more than it
#: saves.  Writing ACLED's 2M events, CPU s / MB: description 2.75 / 141 → 1.71 / 103, event_id 0.37 / 13.4
#: → 0.20 / 13.1, source_id 0.42 / 11.0 → 0.21 / 13.1; the ids of its 5M actor rows 1.02 → 0.47 (44 MB
#: both).  Queries cost the same (an ILIKE over the descriptions, joins of actors to events on the id).
#: Tables made before keep DuckDB's default: the values are the same either way.
TEXT_COMPRESSION = "zstd"


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str
    doc: str
    #: DuckDB's storage compression, when not its default (:data:`TEXT_COMPRESSION`).
    compression: str | None = None

    @property
    def ddl(self) -> str:
        """The column in a ``CREATE TABLE`` of the store."""
        using = f" USING COMPRESSION {self.compression}" if self.compression else ""
        return f"{self.name} {self.duckdb_type}{using}"


#: Columns of the ``events`` table, in order.
EVENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "event_id",
        "VARCHAR",
        "Stable id, source-prefixed: 'ged:123', 'gtd:197001000001', 'acled:MLI4111', 'rand:…'",
        TEXT_COMPRESSION,
    ),
    Column("source", "VARCHAR", "Dataset family: ged, gtd, acled, rand"),
    Column(
        "source_id",
        "VARCHAR",
        "The source's own id (or a content hash where the file has none)",
        TEXT_COMPRESSION,
    ),
    Column("file_id", "VARCHAR", "sha256 of the file the event was first loaded from"),
    Column("row_number", "BIGINT", "1-based data row (record) in that file"),
    Column("date_start", "DATE", "First day the event may have happened"),
    Column("date_end", "DATE", "Last day the event may have happened"),
    Column("date_precision", "VARCHAR", "day / week / month / year"),
    Column("year", "INTEGER", "Year of date_start"),
    Column(
        "country_iso3",
        "VARCHAR",
        "ISO 3166-1 alpha-3 (NULL when the name has no ISO code, e.g. 'Soviet Union')",
    ),
    Column("country", "VARCHAR", "Country name as the source gives it"),
    Column("admin1", "VARCHAR", "First-level administrative unit"),
    Column("location", "VARCHAR", "Place name (city, village, site)"),
    Column("latitude", "DOUBLE", "WGS84 latitude"),
    Column("longitude", "DOUBLE", "WGS84 longitude"),
    Column("geo_precision", "VARCHAR", "point / near / admin2 / admin1 / country / none"),
    Column("geo_precision_raw", "VARCHAR", "The source's own precision code"),
    Column("side_a", "VARCHAR", "Raw side A / actor 1 / first perpetrator as written by the source"),
    Column("side_b", "VARCHAR", "Raw side B / actor 2 / target actor as written by the source"),
    Column("attribution", "VARCHAR", "single / joint / uncertain / none (see ATTRIBUTIONS)"),
    Column("event_type_raw", "VARCHAR", "The source's own event type or attack type wording"),
    Column("tactic", "VARCHAR", "Primary tactic in the normalised taxonomy (TACTICS)"),
    Column("tactics", "VARCHAR[]", "Every tactic the source names for the event"),
    Column("suicide", "BOOLEAN", "Suicide attack flag where the source codes it"),
    Column(
        "target_type",
        "VARCHAR",
        "Target type as the source words it (GTD targtype1_txt, ACLED actor2 category)",
    ),
    Column("target_nationality", "VARCHAR", "Nationality of the (first) target, source wording"),
    Column(
        "fatalities",
        "DOUBLE",
        "Best estimate of deaths (GED best, GTD nkill, ACLED fatalities, RAND Fatalities)",
    ),
    Column("fatalities_low", "DOUBLE", "Low estimate where given"),
    Column("fatalities_high", "DOUBLE", "High estimate where given"),
    Column("wounded", "DOUBLE", "Injured where given"),
    Column("hostages", "DOUBLE", "Number of hostages/kidnapped where given"),
    Column("ransom_demanded", "BOOLEAN", "A ransom was demanded (GTD ransom)"),
    Column("ransom_amount", "DOUBLE", "Ransom demanded, USD (GTD ransomamt)"),
    Column("ransom_paid", "DOUBLE", "Ransom paid, USD (GTD ransompaid)"),
    Column("description", "VARCHAR", "Free-text summary or notes", TEXT_COMPRESSION),
    Column("flags", "VARCHAR[]", "Data-quality notes, e.g. 'fatalities_not_integer' (value set to unknown)"),
)

EVENT_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMNS)
#: The event columns as the store declares them (``CREATE TABLE`` of ``events`` and ``event_versions``).
EVENT_COLUMNS_DDL = ",\n  ".join(c.ddl for c in EVENT_COLUMNS)
#: The ``event_id`` column, as ``events`` declares it, for the store's other tables keyed by event.
EVENT_ID_DDL = next(c.ddl for c in EVENT_COLUMNS if c.name == "event_id")


def events_table_ddl(table: str = "events") -> str:
    """DDL for a table of the store with the event schema."""
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {EVENT_COLUMNS_DDL}\n)"


def schema_markdown() -> str:
    """The schema as a Markdown table, for the README and ``spillover schema``."""
    lines = ["| column | type | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{c.name}` | {c.duckdb_type} | {c.doc} |" for c in EVENT_COLUMNS]
    return "\n".join(lines)
