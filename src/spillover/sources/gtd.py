"""Global Terrorism Database (START, University of Maryland): CSV and XLSX, official column names.

GTD codes an unknown day or month as 0: such events get ``date_precision`` month or year and span the
whole month or year — the day is never invented.  GTD writes unknown counts as -99 (and -9 for unknown
yes/no flags): those become NULL.  Up to three perpetrator groups (``gname``, ``gname2``, ``gname3``)
with their ``guncertain*`` flags are all kept.

Citation: START (National Consortium for the Study of Terrorism and Responses to Terrorism). Global
Terrorism Database. https://www.start.umd.edu/gtd — registration required; not redistributable.
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
    unknown_code,
)
from spillover.sources.layouts import Layout

#: GTD 2015 distributions (0615dist, incl. the separate 1993 file): 123 columns.
COLUMNS_0615: tuple[str, ...] = tuple(
    "eventid,iyear,imonth,iday,approxdate,extended,resolution,country,country_txt,region,region_txt,provstate,"
    "city,latitude,longitude,specificity,vicinity,location,summary,crit1,crit2,crit3,doubtterr,alternative,"
    "alternative_txt,multiple,success,suicide,attacktype1,attacktype1_txt,attacktype2,attacktype2_txt,"
    "attacktype3,attacktype3_txt,targtype1,targtype1_txt,corp1,target1,natlty1,natlty1_txt,targtype2,"
    "targtype2_txt,corp2,target2,natlty2,natlty2_txt,targtype3,targtype3_txt,corp3,target3,natlty3,natlty3_txt,"
    "gname,gsubname,gname2,gsubname2,gname3,gsubname3,motive,guncertain1,guncertain2,guncertain3,nperps,"
    "nperpcap,claimed,claimmode,claimmode_txt,claim2,claimmode2,claimmode2_txt,claim3,claimmode3,"
    "claimmode3_txt,compclaim,weaptype1,weaptype1_txt,weapsubtype1,weapsubtype1_txt,weaptype2,weaptype2_txt,"
    "weapsubtype2,weapsubtype2_txt,weaptype3,weaptype3_txt,weapsubtype3,weapsubtype3_txt,weaptype4,"
    "weaptype4_txt,weapsubtype4,weapsubtype4_txt,weapdetail,nkill,nkillus,nkillter,nwound,nwoundus,nwoundte,"
    "property,propextent,propextent_txt,propvalue,propcomment,ishostkid,nhostkid,nhostkidus,nhours,ndays,"
    "divert,kidhijcountry,ransom,ransomamt,ransomamtus,ransompaid,ransompaidus,ransomnote,hostkidoutcome,"
    "hostkidoutcome_txt,nreleased,addnotes,scite1,scite2,scite3,dbsource".split(",")
)

#: GTD 2017–2022 distributions (0617dist … 0522dist): 135 columns (target subtypes, INT_*, individual, related).
COLUMNS_0718: tuple[str, ...] = tuple(
    "eventid,iyear,imonth,iday,approxdate,extended,resolution,country,country_txt,region,region_txt,provstate,"
    "city,latitude,longitude,specificity,vicinity,location,summary,crit1,crit2,crit3,doubtterr,alternative,"
    "alternative_txt,multiple,success,suicide,attacktype1,attacktype1_txt,attacktype2,attacktype2_txt,"
    "attacktype3,attacktype3_txt,targtype1,targtype1_txt,targsubtype1,targsubtype1_txt,corp1,target1,natlty1,"
    "natlty1_txt,targtype2,targtype2_txt,targsubtype2,targsubtype2_txt,corp2,target2,natlty2,natlty2_txt,"
    "targtype3,targtype3_txt,targsubtype3,targsubtype3_txt,corp3,target3,natlty3,natlty3_txt,gname,gsubname,"
    "gname2,gsubname2,gname3,gsubname3,motive,guncertain1,guncertain2,guncertain3,individual,nperps,nperpcap,"
    "claimed,claimmode,claimmode_txt,claim2,claimmode2,claimmode2_txt,claim3,claimmode3,claimmode3_txt,"
    "compclaim,weaptype1,weaptype1_txt,weapsubtype1,weapsubtype1_txt,weaptype2,weaptype2_txt,weapsubtype2,"
    "weapsubtype2_txt,weaptype3,weaptype3_txt,weapsubtype3,weapsubtype3_txt,weaptype4,weaptype4_txt,"
    "weapsubtype4,weapsubtype4_txt,weapdetail,nkill,nkillus,nkillter,nwound,nwoundus,nwoundte,property,"
    "propextent,propextent_txt,propvalue,propcomment,ishostkid,nhostkid,nhostkidus,nhours,ndays,divert,"
    "kidhijcountry,ransom,ransomamt,ransomamtus,ransompaid,ransompaidus,ransomnote,hostkidoutcome,"
    "hostkidoutcome_txt,nreleased,addnotes,scite1,scite2,scite3,dbsource,INT_LOG,INT_IDEO,INT_MISC,INT_ANY,"
    "related".split(",")
)

#: A GTD extract with readable column names (as circulated in analysis notebooks); mapped back to GTD names.
RENAMED_EXTRACT: dict[str, str] = {
    "year": "iyear",
    "month": "imonth",
    "day": "iday",
    "State": "provstate",
    "City": "city",
    "criteria_1": "crit1",
    "criteria_2": "crit2",
    "criteria_3": "crit3",
    "doubt_terrorism": "doubtterr",
    "Attack Type": "attacktype1",
    "Attack Name": "attacktype1_txt",
    "Target Type": "targtype1",
    "Target Name": "targtype1_txt",
    "Group Name": "gname",
    "Weapon Type": "weaptype1",
    "Weapon Name": "weaptype1_txt",
    "Hostage/Kidnapped": "ishostkid",
    "Property Value": "propvalue",
    "Fatalities": "nkill",
    "Offender Fatalities": "nkillter",
    "Wounded": "nwound",
    "Date": "date_ymd",
}

_REQUIRED = (("iyear",), ("country_txt", "country"), ("gname",))

LAYOUTS: tuple[Layout, ...] = (
    Layout("gtd", "gtd-0718", "GTD 2017–2022 distributions, 135 columns", COLUMNS_0718, _REQUIRED),
    Layout(
        "gtd", "gtd-0615", "GTD 2015 distributions (and the 1993 file), 123 columns", COLUMNS_0615, _REQUIRED
    ),
    Layout(
        "gtd",
        "gtd-renamed",
        "GTD extract with readable column names (year, Group Name, Fatalities, …)",
        tuple(
            dict.fromkeys(
                list(RENAMED_EXTRACT.values())
                + [
                    "extended",
                    "latitude",
                    "longitude",
                    "specificity",
                    "vicinity",
                    "multiple",
                    "success",
                    "suicide",
                    "property",
                    "guncertain1",
                ]
            )
        ),
        _REQUIRED,
        rename=RENAMED_EXTRACT,
    ),
)

#: GTD attack types (codebook §2.4) → normalised tactic.  Keys are both the code and its text.
ATTACK_TYPES: dict[str, str] = {
    "1": "assassination",
    "Assassination": "assassination",
    "2": "armed_assault",
    "Armed Assault": "armed_assault",
    "3": "bombing",
    "Bombing/Explosion": "bombing",
    "4": "hijacking",
    "Hijacking": "hijacking",
    "5": "kidnapping",
    "Hostage Taking (Barricade Incident)": "kidnapping",
    "6": "kidnapping",
    "Hostage Taking (Kidnapping)": "kidnapping",
    "7": "facility_attack",
    "Facility/Infrastructure Attack": "facility_attack",
    "8": "unarmed_assault",
    "Unarmed Assault": "unarmed_assault",
    "9": "unknown",
    "Unknown": "unknown",
}

#: GTD codebook: -99 (and -9 in older releases) is "unknown" in count fields; such a count is stored as
#: unknown (NULL) and the event flagged, never quarantined and never a negative number of deaths.
UNKNOWN_CODES: tuple[int, ...] = (-99, -9)

#: GTD ``specificity`` → normalised geo precision (1 = the city's own coordinates … 5 = country only).
SPECIFICITY: dict[str, str] = {"1": "point", "2": "near", "3": "admin2", "4": "admin1", "5": "country"}


def _attack(ctx: Context, i: int) -> str:
    return case_map(f"coalesce({txt(f'attacktype{i}_txt')}, {txt(f'attacktype{i}')})", ATTACK_TYPES)


class GTDLoader(Loader):
    source = "gtd"
    layouts = LAYOUTS
    id_columns = ("eventid",)
    date_field = "iyear"
    citation = (
        "START (2022). Global Terrorism Database. University of Maryland. https://www.start.umd.edu/gtd"
    )

    def _date_parts(self) -> tuple[str, str, str]:
        """Year, month and day as numbers (the shared values ``_y``, ``_m``, ``_d``)."""
        return ("_y", "_m", "_d")

    def shared_values(self, ctx: Context) -> list[dict[str, str]]:
        """Year, month and day as numbers, computed once per row; one too large to be a date part
        (2147483648) is no number, so the row is quarantined instead of the whole file failing on an
        integer overflow; the attack types as tactics and the suicide flag.  Then the day they name
        (``_ymd``) and the first of the month (``_month1``)."""
        parts = {
            f"_{c[1]}": f"CASE WHEN abs({num(c)}) < 100000 THEN {num(c)} END"
            for c in ("iyear", "imonth", "iday")
        }
        attacks = {f"_attack{i}": _attack(ctx, i) for i in (1, 2, 3)}
        suicide = {"_suicide": f"{txt('suicide')} IN ('1', 'True', 'TRUE', 'true')"}
        return [
            parts | attacks | suicide,
            {
                "_ymd": "TRY_CAST(printf('%04d-%02d-%02d', _y::BIGINT, _m::BIGINT, _d::BIGINT) AS DATE)",
                "_month1": "TRY_CAST(printf('%04d-%02d-01', _y::BIGINT, _m::BIGINT) AS DATE)",
            },
        ]

    def fields(self, ctx: Context) -> dict[str, str]:
        y, m, d = self._date_parts()
        ymd, month1 = "_ymd", "_month1"
        # country: country_txt in official files; some subsets put the name in `country`.
        country = (
            ctx.text("country_txt")
            if ctx.has("country_txt")
            else (
                f"CASE WHEN {num('country')} IS NULL THEN {ctx.text('country')} END"
                if "country" not in ctx.provided
                else ctx.text("country")
            )
        )
        suicide = "_suicide"
        attacks = ["_attack1", "_attack2", "_attack3"]
        return {
            "date_start": f"CASE WHEN coalesce({m}, 0) = 0 THEN make_date({y}::BIGINT, 1, 1) "
            f"WHEN coalesce({d}, 0) = 0 THEN {month1} ELSE {ymd} END",
            "date_end": f"CASE WHEN coalesce({m}, 0) = 0 THEN make_date({y}::BIGINT, 12, 31) "
            f"WHEN coalesce({d}, 0) = 0 THEN last_day({month1}) ELSE {ymd} END",
            "date_precision": f"CASE WHEN coalesce({m}, 0) = 0 THEN 'year' WHEN coalesce({d}, 0) = 0 THEN 'month' "
            "ELSE 'day' END",
            "year": f"{y}::INTEGER",
            "country": country,
            "admin1": txt("provstate"),
            "location": txt("city"),
            "latitude": num("latitude"),
            "longitude": num("longitude"),
            "geo_precision": f"CASE WHEN {num('latitude')} IS NULL THEN 'none' ELSE "
            f"{case_map(txt('specificity'), SPECIFICITY, lit('none'))} END",
            "geo_precision_raw": txt("specificity"),
            "side_a": txt("gname"),
            "event_type_raw": f"coalesce({txt('attacktype1_txt')}, {txt('attacktype1')})",
            "tactic": f"CASE WHEN {suicide} THEN 'suicide_attack' ELSE coalesce({attacks[0]}, 'unknown') END",
            "tactics": f"list_distinct(list_filter([CASE WHEN {suicide} THEN 'suicide_attack' END, "
            f"{', '.join(attacks)}], lambda x: x IS NOT NULL))",
            "suicide": f"CASE WHEN {txt('suicide')} IS NULL THEN NULL ELSE {suicide} END",
            "target_type": f"coalesce({txt('targtype1_txt')}, {txt('targtype1')})",
            "target_nationality": txt("natlty1_txt"),
            "fatalities": count("nkill", UNKNOWN_CODES),
            "wounded": count("nwound", UNKNOWN_CODES),
            "hostages": count("nhostkid", UNKNOWN_CODES),
            "ransom_demanded": f"CASE {txt('ransom')} WHEN '1' THEN true WHEN '0' THEN false END",
            "ransom_amount": f"CASE WHEN {num('ransomamt')} >= 0 THEN {num('ransomamt')} END",
            "ransom_paid": f"CASE WHEN {num('ransompaid')} >= 0 THEN {num('ransompaid')} END",
            "description": f"coalesce({long_txt('summary')}, {long_txt('motive')})",
        }

    def checks(self, ctx: Context) -> list[Check]:
        y, m, d = self._date_parts()
        ymd = "_ymd"
        return [
            Check(
                "iyear",
                f"{y} IS NULL OR {y} <> floor({y})",  # its range: the check every source has (stage)
                "year missing or not a year",
                txt("iyear"),
            ),
            Check(
                "imonth",
                f"{m} IS NOT NULL AND ({m} < 0 OR {m} > 12 OR {m} <> floor({m}))",
                "month not in 0–12 (0 = unknown)",
                txt("imonth"),
            ),
            Check(
                "iday",
                f"{d} IS NOT NULL AND ({d} < 0 OR {d} > 31 OR {d} <> floor({d}))",
                "day not in 0–31 (0 = unknown)",
                txt("iday"),
            ),
            Check(
                "iday",
                f"{y} IS NOT NULL AND coalesce({m}, 0) BETWEEN 1 AND 12 AND coalesce({d}, 0) BETWEEN 1 AND 31 "
                f"AND {ymd} IS NULL",
                "date does not exist",
                f"printf('%s-%s-%s', {txt('iyear')}, {txt('imonth')}, {txt('iday')})",
            ),
            *coordinate_checks(),
            *count_checks("nkill", "nwound", "nhostkid", unknown_codes=UNKNOWN_CODES),
        ]

    def flags(self, ctx: Context) -> list[Flag]:
        return [
            Flag("fatalities_not_integer", fractional("nkill")),
            Flag("wounded_not_integer", fractional("nwound")),
            Flag("fatalities_coded_unknown", unknown_code("nkill", UNKNOWN_CODES)),
            Flag("wounded_coded_unknown", unknown_code("nwound", UNKNOWN_CODES)),
        ]

    def actors(self, ctx: Context) -> list[ActorColumn]:
        return [
            ActorColumn(
                "perpetrator",
                i,
                txt(f"gname{'' if i == 1 else i}"),
                f"coalesce({txt(f'guncertain{i}')} = '1', false)",
            )
            for i in (1, 2, 3)
        ]
