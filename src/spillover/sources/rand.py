"""RAND Database of Worldwide Terrorism Incidents (RDWTI), 1968–2009.

Eight columns: date, city, country, perpetrator, weapon, injuries, fatalities, description.  RAND has no
event id (ids are content hashes of the row), no coordinates (``geo_precision`` is ``none``; the city is
kept) and no attack-type code: the tactic comes from the weapon, refined by pinned keyword rules on the
description (suicide, kidnapping, assassination, hijacking; see :data:`spillover.sources.base.DESCRIPTION_TACTIC_RULES`),
and such events carry the flag ``tactic_from_description``.

Citation: RAND Corporation (2012). RAND Database of Worldwide Terrorism Incidents.
https://www.rand.org/nsrd/projects/terrorism-incidents.html
"""

from __future__ import annotations

from spillover.sources.base import (
    ActorColumn,
    Check,
    Context,
    Flag,
    Loader,
    case_map,
    count,
    count_checks,
    description_tactics,
    fractional,
    lit,
    txt,
)
from spillover.sources.layouts import Layout

COLUMNS: tuple[str, ...] = (
    "Date",
    "City",
    "Country",
    "Perpetrator",
    "Weapon",
    "Injuries",
    "Fatalities",
    "Description",
)

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "rand",
        "rand-rdwti",
        "RAND RDWTI download, 8 columns",
        COLUMNS,
        (("Date",), ("Country",), ("Perpetrator",)),
    ),
)

WEAPON_TACTIC: dict[str, str] = {
    "Explosives": "bombing",
    "Remote-detonated explosive": "bombing",
    "Bombing": "bombing",
    "Firearms": "armed_assault",
    "Knives & sharp objects": "armed_assault",
    "Fire or Firebomb": "facility_attack",
    "Chemical Agent": "other",
    "Biological Agent": "other",
    "Other": "other",
    "Unknown": "unknown",
}
#: Dates with a two-digit year ('09-Feb-68'), tried first; then the four-digit ones.
TWO_DIGIT_YEAR_FORMATS = ("%d-%b-%y",)
DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%m/%d/%Y", "%d %B %Y")
#: A two-digit year above this, once read as 20yy, is 19yy: RAND covers 1968–2009.
TWO_DIGIT_YEAR_PIVOT = 2030


def _formats(formats: tuple[str, ...]) -> str:
    return "[" + ", ".join(lit(f) for f in formats) + "]"


def _date() -> str:
    """The date; the century rule only for two-digit years ('09-Feb-68' is 1968, not 2068), so that a
    four-digit year is never moved (9999-01-01 stays 9999 and is refused as out of range)."""
    two = f"try_strptime({txt('Date')}, {_formats(TWO_DIGIT_YEAR_FORMATS)})::DATE"
    two_fixed = (
        f"CASE WHEN year({two}) > {TWO_DIGIT_YEAR_PIVOT} THEN {two} - INTERVAL 100 YEAR ELSE {two} END::DATE"
    )
    four = f"try_strptime({txt('Date')}, {_formats(DATE_FORMATS)})::DATE"
    return f"coalesce({two_fixed}, {four})"


class RANDLoader(Loader):
    source = "rand"
    layouts = LAYOUTS
    id_columns = ()
    date_field = "Date"
    citation = (
        "RAND Corporation. RAND Database of Worldwide Terrorism Incidents (RDWTI), 1968–2009. "
        "https://www.rand.org/nsrd/projects/terrorism-incidents.html"
    )

    def fields(self, ctx: Context) -> dict[str, str]:
        weapon = case_map(txt("Weapon"), WEAPON_TACTIC, lit("other"))
        found = description_tactics(txt("Description"))
        return {
            "date_start": _date(),
            "date_end": _date(),
            "date_precision": "'day'",
            "year": f"year({_date()})",
            "country": ctx.text("Country"),
            "location": txt("City"),
            "geo_precision": "'none'",
            "side_a": txt("Perpetrator"),
            "event_type_raw": txt("Weapon"),
            "tactic": f"CASE WHEN len({found}) > 0 THEN {found}[1] ELSE coalesce({weapon}, 'unknown') END",
            "tactics": f"list_distinct(list_concat({found}, [coalesce({weapon}, 'unknown')]))",
            "suicide": f"list_contains({found}, 'suicide_attack')",
            "fatalities": count("Fatalities"),
            "wounded": count("Injuries"),
            "description": txt("Description"),
        }

    def checks(self, ctx: Context) -> list[Check]:
        return [
            Check(
                "Date",
                f"{_date()} IS NULL",
                "date missing, not in a known format, or does not exist",
                txt("Date"),
            ),
            *count_checks("Fatalities", "Injuries"),
        ]

    def flags(self, ctx: Context) -> list[Flag]:
        return [
            Flag("tactic_from_description", f"len({description_tactics(txt('Description'))}) > 0"),
            Flag("fatalities_not_integer", fractional("Fatalities")),
        ]

    def content_id_values(self, ctx: Context) -> dict[str, str]:
        """The date as the date (a re-export may write '09-Feb-68' as '1968-02-09'), else as written."""
        return {"Date": f"coalesce(strftime({_date()}, '%Y-%m-%d'), trim(coalesce({txt('Date')}, '')))"}

    def actors(self, ctx: Context) -> list[ActorColumn]:
        return [ActorColumn("perpetrator", 1, txt("Perpetrator"))]
