"""Armed Conflict Location & Event Data (ACLED) exports: current, 2019–2022, monadic and pre-2019 layouts.

* ``acled-2023`` — the current export (``disorder_type``, ``civilian_targeting``, ``tags``);
* ``acled-2019`` — the 2019–2022 export and HDX country files (``data_id`` … ``iso3``);
* ``acled-monadic`` — one row per actor per event (no ``actor2``): the rows of an event are grouped by
  ``event_id_cnty``; the first names side A, the second side B;
* ``acled-v7`` — the pre-2019 upper-case layout (``GWNO``, ``ALLY_ACTOR_1``, event types such as
  ``Battle-No change of territory``, dates dd/mm/yyyy).

ACLED writes uncertain attribution as "A and/or B": both names are kept, each flagged uncertain.

Citation: Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing ACLED.
Journal of Peace Research 47(5): 651–660. https://acleddata.com — registration required.
"""

from __future__ import annotations

from spillover.sources.base import (
    ActorColumn,
    Check,
    Context,
    Loader,
    case_map,
    coordinate_checks,
    count,
    count_checks,
    description_tactics,
    lit,
    long_txt,
    num,
    q,
    txt,
)
from spillover.sources.layouts import Layout

COLUMNS_2019: tuple[str, ...] = tuple(
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3".split(",")
)
COLUMNS_2023: tuple[str, ...] = tuple(
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp".split(",")
)
COLUMNS_MONADIC: tuple[str, ...] = tuple(
    c for c in COLUMNS_2019 if c not in ("actor2", "assoc_actor_2", "inter2")
)
V7_RENAME: dict[str, str] = {
    "GWNO": "gwno",
    "EVENT_ID_CNTY": "event_id_cnty",
    "EVENT_ID_NO_CNTY": "event_id_no_cnty",
    "EVENT_DATE": "event_date",
    "YEAR": "year",
    "TIME_PRECISION": "time_precision",
    "EVENT_TYPE": "event_type",
    "ACTOR1": "actor1",
    "ALLY_ACTOR_1": "assoc_actor_1",
    "INTER1": "inter1",
    "ACTOR2": "actor2",
    "ALLY_ACTOR_2": "assoc_actor_2",
    "INTER2": "inter2",
    "INTERACTION": "interaction",
    "COUNTRY": "country",
    "ADMIN1": "admin1",
    "ADMIN2": "admin2",
    "ADMIN3": "admin3",
    "LOCATION": "location",
    "LATITUDE": "latitude",
    "LONGITUDE": "longitude",
    "GEO_PRECISION": "geo_precision",
    "SOURCE": "source",
    "NOTES": "notes",
    "FATALITIES": "fatalities",
}
COLUMNS_V7: tuple[str, ...] = tuple(V7_RENAME.values())

_REQUIRED = (("event_date",), ("country",), ("actor1",))

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "acled",
        "acled-2019",
        "ACLED export 2019–2022 / HDX country files, 31 columns",
        COLUMNS_2019,
        _REQUIRED,
    ),
    Layout(
        "acled",
        "acled-2023",
        "ACLED export 2023– (disorder_type, civilian_targeting, tags)",
        COLUMNS_2023,
        _REQUIRED,
    ),
    Layout(
        "acled",
        "acled-monadic",
        "ACLED monadic export: one row per actor per event, 28 columns",
        COLUMNS_MONADIC,
        _REQUIRED,
        monadic=True,
    ),
    Layout(
        "acled",
        "acled-v7",
        "ACLED version 7 and earlier (upper-case columns, ALLY_ACTOR_*)",
        COLUMNS_V7,
        _REQUIRED,
        rename=V7_RENAME,
    ),
)

#: ACLED sub-event types (2019 codebook) → normalised tactic.
SUB_EVENT_TACTIC: dict[str, str] = {
    "Armed clash": "battle",
    "Government regains territory": "battle",
    "Non-state actor overtakes territory": "battle",
    "Air/drone strike": "remote_violence",
    "Shelling/artillery/missile attack": "remote_violence",
    "Suicide bomb": "suicide_attack",
    "Remote explosive/landmine/IED": "bombing",
    "Grenade": "bombing",
    "Chemical weapon": "other",
    "Attack": "armed_assault",
    "Abduction/forced disappearance": "kidnapping",
    "Sexual violence": "other",
    "Violent demonstration": "other",
    "Mob violence": "other",
    "Excessive force against protesters": "other",
    "Peaceful protest": "non_violent",
    "Protest with intervention": "non_violent",
    "Looting/property destruction": "looting",
    "Agreement": "non_violent",
    "Arrests": "non_violent",
    "Change to group/activity": "non_violent",
    "Disrupted weapons use": "non_violent",
    "Headquarters or base established": "non_violent",
    "Non-violent transfer of territory": "non_violent",
    "Other": "non_violent",
}
#: Pre-2019 event types → normalised tactic (refined by the description rules, see base).
EVENT_TYPE_TACTIC: dict[str, str] = {
    "Battle-No change of territory": "battle",
    "Battle-Government regains territory": "battle",
    "Battle-Non-state actor overtakes territory": "battle",
    "Violence against civilians": "armed_assault",
    "Remote violence": "remote_violence",
    "Riots/Protests": "other",
    "Strategic development": "non_violent",
    "Non-violent transfer of territory": "non_violent",
    "Headquarters or base established": "non_violent",
}
TIME_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION: dict[str, str] = {"1": "point", "2": "near", "3": "admin2"}
INTER: dict[str, str] = {
    "0": "None",
    "1": "State forces",
    "2": "Rebel groups",
    "3": "Political militias",
    "4": "Identity militias",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}
#: Tried in order; two-digit years before four-digit ones, so that '9-May-20' is 2020, not year 20.
#: ACLED names state forces "Military Forces of Mali (2012-2013)" and other actors "Civilians (Mali)": the
#: country so named is the target's nationality.  Pinned, tested rules, applied to actor 2 (the target).
NATIONALITY_OF_FORCES = r"(?:Forces|Government|Police|Military) of ([A-Z][A-Za-z' .-]+?)(?: \(|$)"
NATIONALITY_IN_PARENS = r"\(([A-Z][A-Za-z' .-]+)\)$"

DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%B-%y", "%d-%b-%Y", "%d-%B-%Y", "%d/%m/%Y")


def _date(ctx: Context) -> str:
    """The event's day: the shared value ``_day`` (:meth:`ACLEDLoader.shared_values`), parsed once per row."""
    return "_day"


def _parsed_date() -> str:
    formats = "[" + ", ".join(lit(f) for f in DATE_FORMATS) + "]"
    return f"try_strptime({txt('event_date')}, {formats})::DATE"


def _trim(col: str) -> str:
    """The column's trimmed text, empty kept empty: for a regular expression whose result the caller maps or
    NULLIFs anyway (no pattern here matches an empty text, no mapping has an empty key, so the result is
    that of :func:`txt`).  DuckDB then runs the expression once per distinct value of the raw Parquet's
    dictionary instead of once per row (``NULLIF`` makes a vector of every row): ACLED 2M's nationalities
    0.6 → 0.1 CPU s."""
    return f"trim({q(col)})"


assert "" not in TIME_PRECISION and "" not in INTER, "_trim: an empty text must map as NULL does"


def _precision_days(ctx: Context) -> str:
    return case_map(f"regexp_replace({_trim('time_precision')}, '\\.0+$', '')", TIME_PRECISION, lit("day"))


class ACLEDLoader(Loader):
    source = "acled"
    layouts = LAYOUTS
    id_columns = ("event_id_cnty",)
    update_stamp_column = "timestamp"
    date_field = "event_date"
    citation = (
        "Raleigh, C., Linke, A., Hegre, H. & Karlsen, J. (2010). Introducing ACLED: An Armed Conflict "
        "Location and Event Dataset. Journal of Peace Research 47(5): 651–660. https://acleddata.com"
    )

    def shared_values(self, ctx: Context) -> list[dict[str, str]]:
        """The day, its precision and the primary tactic, each computed once per row."""
        return [{"_day": _parsed_date(), "_prec": _precision_days(ctx), "_tactic": self._tactic(ctx)[0]}]

    def _tactic(self, ctx: Context) -> tuple[str, str]:
        """(primary tactic, list of tactics) SQL; the list reads the primary tactic (``_tactic``) where it
        is the only one."""
        if ctx.has("sub_event_type"):
            t = case_map(txt("sub_event_type"), SUB_EVENT_TACTIC, lit("other"))
            return f"coalesce({t}, 'unknown')", "[_tactic]"
        base = case_map(txt("event_type"), EVENT_TYPE_TACTIC, lit("other"))
        found = description_tactics(long_txt("notes"))
        violent = f"{base} IN ('armed_assault', 'remote_violence', 'battle')"
        primary = f"CASE WHEN {violent} AND len({found}) > 0 THEN {found}[1] ELSE {base} END"
        return primary, f"list_distinct(list_concat([{base}], CASE WHEN {violent} THEN {found} ELSE [] END))"

    def fields(self, ctx: Context) -> dict[str, str]:
        day, prec, primary = _date(ctx), "_prec", "_tactic"
        tactics = self._tactic(ctx)[1]
        return {
            "date_start": f"CASE {prec} WHEN 'month' THEN date_trunc('month', {day}) WHEN 'week' THEN {day} - 3 "
            f"ELSE {day} END",
            "date_end": f"CASE {prec} WHEN 'month' THEN last_day({day}) WHEN 'week' THEN {day} + 3 ELSE {day} END",
            "date_precision": prec,
            "year": f"year({day})",
            "country": ctx.text("country"),
            "country_iso3": ctx.text("iso3") if ctx.has("iso3") else "NULL",
            "admin1": txt("admin1"),
            "location": txt("location"),
            "latitude": num("latitude"),
            "longitude": num("longitude"),
            "geo_precision": f"CASE WHEN {num('latitude')} IS NULL THEN 'none' ELSE "
            f"{case_map(txt('geo_precision'), GEO_PRECISION, lit('none'))} END",
            "geo_precision_raw": txt("geo_precision"),
            "side_a": txt("actor1"),
            "side_b": txt("actor2"),
            "event_type_raw": f"concat_ws(': ', {txt('event_type')}, {txt('sub_event_type')})",
            "tactic": primary,
            "tactics": tactics,
            "suicide": f"{primary} = 'suicide_attack'",
            "target_nationality": f"coalesce(NULLIF(regexp_extract({_trim('actor2')}, {lit(NATIONALITY_OF_FORCES)}, 1), ''), "
            f"NULLIF(regexp_extract({_trim('actor2')}, {lit(NATIONALITY_IN_PARENS)}, 1), ''))",
            "target_type": case_map(f"regexp_replace({_trim('inter2')}, '\\.0+$', '')", INTER),
            "fatalities": count("fatalities"),
            "description": long_txt("notes"),
        }

    def checks(self, ctx: Context) -> list[Check]:
        return [
            Check(
                "event_date",
                f"{_date(ctx)} IS NULL",
                "date missing, not in a known format, or does not exist",
                txt("event_date"),
            ),
            Check(
                "event_date",
                f"year({_date(ctx)}) <> {num('year')}",
                "date disagrees with the year column",
                f"concat_ws(' / ', {txt('event_date')}, {txt('year')})",
            ),
            *coordinate_checks(),
            *count_checks("fatalities"),
        ]

    def actors(self, ctx: Context) -> list[ActorColumn]:
        cols = [
            ActorColumn("side_a", 1, txt("actor1")),
            ActorColumn("assoc_a", 1, txt("assoc_actor_1"), separator="; "),
        ]
        if not ctx.layout.monadic:
            cols += [
                ActorColumn("side_b", 1, txt("actor2")),
                ActorColumn("assoc_b", 1, txt("assoc_actor_2"), separator="; "),
            ]
        return cols
