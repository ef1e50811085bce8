"""UCDP Georeferenced Event Dataset (GED): the official CSV in its 41-, 49- and 52-column (HDX) layouts.

GED gives each event a date range (``date_start``/``date_end``) with ``date_prec`` 1–5 and a location with
``where_prec`` 1–7; both are kept and mapped to the common precision scales.  GED does not code tactics:
state-based and non-state events (``type_of_violence`` 1, 2) are fights between organised actors
(``battle``); one-sided violence (3) has no method coded, so its tactic is ``unknown`` rather than guessed.

Citation: Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced Event Dataset.
Journal of Peace Research 50(4); Davies, Shawn, Therése Pettersson & Magnus Öberg (2023). CC BY 4.0.
"""

from __future__ import annotations

from spillover.sources.base import (
    ActorColumn,
    Check,
    Context,
    Flag,
    Loader,
    case_map,
    coordinate_checks,
    count,
    count_checks,
    fractional,
    lit,
    long_txt,
    num,
    txt,
)
from spillover.sources.layouts import Layout

#: GED 20.1 – 25.1 (global and per-country downloads): 49 columns.
COLUMNS_49: tuple[str, ...] = tuple(
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
    "high,low,gwnoa,gwnob".split(",")
)

#: GED 17.1 – 19.1 and the 19.1 Syria special release: 41 columns (no relid, code_status, *_dset_id, gwnoa).
COLUMNS_41: tuple[str, ...] = tuple(
    "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,"
    "side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,source_headline,"
    "source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,low,best,high".split(",")
)

#: GED per-country exports on the Humanitarian Data Exchange: the 49 columns + start_year, end_year, iso3.
COLUMNS_HDX: tuple[str, ...] = (
    COLUMNS_49[:3] + ("start_year", "end_year") + COLUMNS_49[3:31] + ("iso3",) + COLUMNS_49[31:]
)

_REQUIRED = (("date_start",), ("country",), ("side_a", "side_b"))

LAYOUTS: tuple[Layout, ...] = (
    Layout("ged", "ged-49", "UCDP GED 20.1–25.1, 49 columns", COLUMNS_49, _REQUIRED),
    Layout(
        "ged", "ged-41", "UCDP GED 17.1–19.1 (incl. Syria special release), 41 columns", COLUMNS_41, _REQUIRED
    ),
    Layout("ged", "ged-hdx", "UCDP GED per-country export from HDX, 52 columns", COLUMNS_HDX, _REQUIRED),
)

DATE_PREC: dict[str, str] = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
WHERE_PREC: dict[str, str] = {
    "1": "point",
    "2": "near",
    "3": "admin2",
    "4": "admin1",
    "5": "country",
    "6": "country",
    "7": "none",
}
VIOLENCE: dict[str, str] = {"1": "state-based", "2": "non-state", "3": "one-sided"}
VIOLENCE_TACTIC: dict[str, str] = {"1": "battle", "2": "battle", "3": "unknown"}


def _code(col: str) -> str:
    """A small integer code written as '1' or '1.0'."""
    return f"regexp_replace({txt(col)}, '\\.0+$', '')"


def _parsed_date(col: str) -> str:
    return f"TRY_CAST(left({txt(col)}, 10) AS DATE)"


def _date(col: str) -> str:
    """``date_start`` or ``date_end`` as a date: the shared values ``_start``, ``_end`` (parsed once)."""
    return {"date_start": "_start", "date_end": "_end"}[col]


class GEDLoader(Loader):
    source = "ged"
    layouts = LAYOUTS
    id_columns = ("id",)
    date_field = "date_start"
    citation = (
        "Sundberg, R. & Melander, E. (2013). Introducing the UCDP Georeferenced Event Dataset. "
        "Journal of Peace Research 50(4): 523–532. https://ucdp.uu.se/downloads/ (CC BY 4.0)"
    )

    def shared_values(self, ctx: Context) -> list[dict[str, str]]:
        """The two dates and the violence type's code, computed once per row."""
        return [
            {
                "_start": _parsed_date("date_start"),
                "_end": _parsed_date("date_end"),
                "_violence": _code("type_of_violence"),
            }
        ]

    def fields(self, ctx: Context) -> dict[str, str]:
        violence = "_violence"
        return {
            "date_start": _date("date_start"),
            "date_end": f"coalesce({_date('date_end')}, {_date('date_start')})",
            "date_precision": case_map(_code("date_prec"), DATE_PREC, lit("day")),
            "year": f"year({_date('date_start')})",
            "country": ctx.text("country"),
            "country_iso3": ctx.text("iso3") if ctx.has("iso3") else "NULL",
            "admin1": txt("adm_1"),
            "location": txt("where_coordinates"),
            "latitude": num("latitude"),
            "longitude": num("longitude"),
            "geo_precision": f"CASE WHEN {num('latitude')} IS NULL THEN 'none' ELSE "
            f"{case_map(_code('where_prec'), WHERE_PREC, lit('none'))} END",
            "geo_precision_raw": _code("where_prec"),
            "side_a": txt("side_a"),
            "side_b": txt("side_b"),
            "event_type_raw": case_map(violence, VIOLENCE, txt("type_of_violence")),
            "tactic": case_map(violence, VIOLENCE_TACTIC, lit("unknown")),
            "tactics": f"[{case_map(violence, VIOLENCE_TACTIC, lit('unknown'))}]",
            "fatalities": count("best"),
            "fatalities_low": count("low"),
            "fatalities_high": count("high"),
            "description": f"coalesce({long_txt('source_headline')}, {long_txt('where_description')})"
            if ctx.has("where_description")
            else txt("source_headline"),
        }

    def checks(self, ctx: Context) -> list[Check]:
        return [
            Check(
                "date_start",
                f"{_date('date_start')} IS NULL",
                "date missing or does not exist",
                txt("date_start"),
            ),
            Check(
                "date_end",
                f"{txt('date_end')} IS NOT NULL AND {_date('date_end')} IS NULL",
                "date does not exist",
                txt("date_end"),
            ),
            Check(
                "date_end",
                f"{_date('date_end')} < {_date('date_start')}",
                "end date before start date",
                txt("date_end"),
            ),
            *coordinate_checks(),
            *count_checks("best", "low", "high"),
        ]

    def flags(self, ctx: Context) -> list[Flag]:
        return [Flag("fatalities_not_integer", fractional("best"))]

    def actors(self, ctx: Context) -> list[ActorColumn]:
        return [ActorColumn("side_a", 1, txt("side_a")), ActorColumn("side_b", 1, txt("side_b"))]
