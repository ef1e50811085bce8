"""Realistic synthetic events in the store's schema, written as Parquet in chunks, for benchmarks and tests.

Real conflict data is skewed in every direction that matters for performance, so the generator is too:

* **groups** — ``n_groups`` armed groups whose sizes follow a Zipf law (a few groups own most events, most
  groups have a handful); each has a home country, up to three other theatres, an active life somewhere
  in 1990–2023 (more groups appear in later years) and a few bursts of activity;
* **places** — real ISO3 codes and names from Natural Earth (``ne_110m_admin_0_countries``: a
  representative point inside each country's main polygon and its bounding box, pinned below); points
  scatter around the representative point within the box, ``admin1`` is a 3 × 3 grid cell of the box
  (``'MLI-05'``), so that places stay coherent;
* **dates** — day precision mostly, some month- and year-precision events (spanning the month/year, as
  GTD and ACLED do); activity grows over time and bursts;
* **tactics** — each group has its own mix, drawn around a global mix close to GTD's; suicide attacks
  carry the suicide flag;
* **fatalities** — zero-inflated and heavy-tailed (Pareto), heavier for bombings and suicide attacks,
  sometimes unknown;
* **actors** — ``event_actors`` rows: the group as ``side_a``, the state or civilians as ``side_b``, and a
  partner group as ``assoc_a`` in a few joint events.

The output folder holds ``events/part-NNNNN.parquet`` and ``event_actors/part-NNNNN.parquet`` (one part per
chunk, declared co-partitioned by :func:`spillover.query.engines.write_parts_marker`, so DuckDB aggregates
it part by part), which :func:`spillover.query.connect` (DuckDB) and
:func:`spillover.query.register_parquet_in_spark` (Spark) read in place.  Chunk ``k`` depends only on
``seed`` and ``k``, so a smaller set generated with the same seed and chunk size is a prefix of a larger one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from spillover.schema import EVENT_COLUMNS, TACTICS

#: ISO3 | name | representative point lat | lon | main polygon lat min | lat max | lon min | lon max.
#: Derived from Natural Earth 1:110m admin-0 (public domain) by :func:`country_table_from_natural_earth`.
_COUNTRY_TABLE = """\
AFG|Afghanistan|33.83|65.31|29.32|38.49|60.53|75.16
AGO|Angola|-11.88|18.81|-17.93|-5.86|11.64|24.08
ALB|Albania|41.25|19.97|39.62|42.69|19.3|21.02
ARE|United Arab Emirates|24.28|54.99|22.5|26.06|51.58|56.4
ARG|Argentina|-37.24|-64.08|-52.35|-21.83|-73.42|-53.63
ARM|Armenia|39.95|45.06|38.74|41.25|43.58|46.51
AUS|Australia|-24.84|133.06|-39.04|-10.67|113.34|153.57
AUT|Austria|47.92|14.95|46.43|49.04|9.48|16.98
AZE|Azerbaijan|40.04|47.64|38.27|41.86|44.97|50.39
BDI|Burundi|-3.46|29.96|-4.5|-2.35|29.02|30.75
BEL|Belgium|50.58|4.74|49.53|51.48|2.51|6.16
BEN|Benin|9.24|2.29|6.14|12.24|0.77|3.8
BFA|Burkina Faso|12.24|-1.28|9.61|15.12|-5.47|2.18
BGD|Bangladesh|23.56|89.88|20.67|26.45|88.08|92.67
BGR|Bulgaria|42.74|25.14|41.23|44.23|22.38|28.56
BHS|Bahamas|24.46|-77.92|23.71|25.21|-78.41|-77.53
BIH|Bosnia and Herz.|43.85|18.12|42.65|45.23|15.75|19.6
BLR|Belarus|53.71|27.79|51.32|56.17|23.2|32.69
BLZ|Belize|17.31|-88.7|15.89|18.5|-89.23|-88.11
BOL|Bolivia|-16.4|-63.64|-22.87|-9.76|-69.59|-57.5
BRA|Brazil|-14.07|-49.71|-33.77|5.24|-73.99|-34.73
BRN|Brunei|4.71|114.89|4.01|5.45|114.2|115.45
BTN|Bhutan|27.61|90.5|26.72|28.3|88.81|92.1
BWA|Botswana|-22.46|24.31|-26.83|-17.66|19.9|29.43
CAF|Central African Rep.|6.76|20.48|2.27|11.14|14.46|27.37
CAN|Canada|56.7|-110.24|41.68|71.92|-141.0|-55.68
CHE|Switzerland|46.81|8.29|45.78|47.83|6.02|10.44
CHL|Chile|-35.76|-71.51|-53.86|-17.58|-75.64|-66.99
CHN|China|36.8|98.77|20.28|53.46|73.68|135.03
CIV|Côte d'Ivoire|7.54|-5.68|4.34|10.52|-8.6|-2.56
CMR|Cameroon|7.23|13.49|1.73|12.86|8.49|16.01
COD|Dem. Rep. Congo|-4.1|22.39|-13.26|5.26|12.18|31.17
COG|Congo|-0.65|15.94|-5.04|3.73|11.09|18.45
COL|Colombia|3.97|-72.49|-4.3|12.44|-78.99|-66.88
CRI|Costa Rica|9.71|-83.68|8.23|11.22|-85.94|-82.55
CUB|Cuba|21.39|-77.7|19.86|23.19|-84.97|-74.18
CYP|Cyprus|34.84|33.03|34.57|35.17|32.26|34.0
CZE|Czechia|49.76|15.54|48.56|51.12|12.24|18.85
DEU|Germany|51.43|10.43|47.3|54.98|5.99|15.02
DJI|Djibouti|11.86|42.41|10.93|12.7|41.66|43.32
DNK|Denmark|56.32|9.46|54.83|57.73|8.09|10.91
DOM|Dominican Rep.|18.7|-70.13|17.6|19.88|-71.95|-68.32
DZA|Algeria|27.92|0.53|19.06|37.12|-8.68|12.0
ECU|Ecuador|-1.76|-78.28|-4.96|1.38|-80.97|-75.23
EGY|Egypt|26.9|29.37|22.0|31.59|24.7|36.87
ERI|Eritrea|15.2|38.3|12.46|18.0|36.32|43.08
ESH|W. Sahara|24.23|-12.57|21.0|27.66|-17.06|-8.67
ESP|Spain|39.92|-3.52|35.95|43.75|-9.39|3.04
EST|Estonia|58.5|25.56|57.47|59.61|23.34|28.13
ETH|Ethiopia|9.36|38.73|3.42|14.96|32.95|47.79
FIN|Finland|65.03|27.37|59.85|70.16|20.65|31.52
FJI|Fiji|-17.94|177.98|-18.29|-17.34|177.29|178.72
FLK|Falkland Is.|-51.7|-59.39|-52.3|-51.1|-61.2|-57.75
FRA|France|46.9|2.1|42.34|51.15|-4.59|8.1
GAB|Gabon|-0.95|11.59|-3.98|2.33|8.8|14.43
GBR|United Kingdom|54.22|-1.75|49.96|58.64|-6.15|1.68
GEO|Georgia|42.3|43.6|41.06|43.55|39.96|46.64
GHA|Ghana|7.82|-1.09|4.71|11.1|-3.24|1.06
GIN|Guinea|9.95|-9.66|7.31|12.59|-15.13|-7.83
GMB|Gambia|13.4|-16.04|13.13|13.88|-16.84|-13.84
GNB|Guinea-Bissau|11.88|-15.04|11.04|12.63|-16.68|-13.7
GNQ|Eq. Guinea|1.71|10.38|1.01|2.28|9.31|11.29
GRC|Greece|39.08|21.81|36.41|41.83|20.15|26.6
GRL|Greenland|71.87|-39.28|60.04|83.65|-73.3|-12.21
GTM|Guatemala|15.79|-90.33|13.74|17.82|-92.23|-88.23
GUY|Guyana|4.91|-58.85|1.27|8.37|-61.41|-56.54
HND|Honduras|14.49|-87.23|12.98|16.01|-89.35|-83.15
HRV|Croatia|44.54|15.58|42.48|46.5|13.66|19.39
HTI|Haiti|18.94|-72.15|18.03|19.92|-74.46|-71.62
HUN|Hungary|47.25|19.1|45.76|48.62|16.2|22.71
IDN|Indonesia|-0.18|113.27|-4.11|4.31|108.95|119.0
IND|India|21.87|79.18|7.97|35.49|68.18|97.4
IRL|Ireland|53.51|-7.81|51.67|55.13|-9.98|-6.03
IRN|Iran|32.33|54.12|25.08|39.71|44.11|63.32
IRQ|Iraq|33.2|42.41|29.1|37.39|38.79|48.57
ISL|Iceland|64.99|-18.46|63.5|66.53|-24.33|-13.61
ISR|Israel|31.42|34.69|29.5|33.28|34.27|35.84
ITA|Italy|42.56|12.63|37.91|47.12|6.75|18.48
JAM|Jamaica|18.02|-77.15|17.7|18.52|-78.34|-76.2
JOR|Jordan|31.29|36.31|29.2|33.38|34.92|39.2
JPN|Japan|36.09|138.35|31.03|41.38|129.41|141.91
KAZ|Kazakhstan|48.07|66.31|40.66|55.39|46.47|87.36
KEN|Kenya|0.31|37.51|-4.68|5.51|33.89|41.86
KGZ|Kyrgyzstan|41.29|75.19|39.28|43.3|69.46|80.26
KHM|Cambodia|12.87|105.0|10.49|14.57|102.35|107.61
KOR|South Korea|36.21|127.9|34.39|38.61|126.12|129.47
KWT|Kuwait|29.2|47.39|28.53|30.06|46.57|48.42
LAO|Laos|18.18|102.08|13.88|22.46|100.12|107.56
LBN|Lebanon|33.87|35.79|33.09|34.64|35.13|36.61
LBR|Liberia|6.33|-9.71|4.36|8.54|-11.44|-7.54
LBY|Libya|26.3|17.26|19.58|33.14|9.32|25.16
LKA|Sri Lanka|7.86|80.68|5.97|9.82|79.7|81.79
LSO|Lesotho|-29.5|28.24|-30.65|-28.65|27.0|29.33
LTU|Lithuania|55.09|24.13|53.91|56.37|21.06|26.59
LUX|Luxembourg|49.72|5.96|49.44|50.13|5.67|6.24
LVA|Latvia|56.9|24.5|55.62|57.97|21.06|28.18
MAR|Morocco|28.49|-9.98|21.42|35.76|-17.02|-1.12
MDA|Moldova|47.14|28.65|45.49|48.47|26.62|30.02
MDG|Madagascar|-18.65|46.67|-25.6|-12.04|43.25|50.48
MEX|Mexico|23.6|-102.25|14.54|32.72|-117.13|-86.81
MKD|Macedonia|41.68|21.72|40.84|42.32|20.46|22.95
MLI|Mali|17.95|-0.7|10.1|24.97|-12.17|4.27
MMR|Myanmar|19.0|95.87|9.93|28.34|92.3|101.18
MNE|Montenegro|42.75|19.4|41.88|43.52|18.45|20.34
MNG|Mongolia|46.85|105.33|41.6|52.05|87.75|119.77
MOZ|Mozambique|-18.32|34.7|-26.74|-10.32|30.18|40.78
MRT|Mauritania|21.16|-11.49|14.62|27.4|-17.06|-4.92
MWI|Malawi|-13.17|33.67|-16.8|-9.23|32.69|35.77
MYS|Malaysia|3.53|114.51|0.77|6.93|109.66|119.18
NAM|Namibia|-23.25|17.15|-29.05|-16.94|11.73|25.08
NCL|New Caledonia|-21.41|165.69|-22.4|-20.11|164.03|167.12
NER|Niger|17.39|9.77|11.66|23.47|0.3|15.9
NGA|Nigeria|8.93|7.83|4.24|13.87|2.69|14.58
NIC|Nicaragua|12.89|-85.57|10.73|15.02|-87.67|-83.15
NLD|Netherlands|52.04|5.4|50.8|53.51|3.31|7.09
NOR|Norway|64.64|12.22|58.08|71.19|4.99|31.29
NPL|Nepal|28.31|83.44|26.4|30.42|80.09|88.17
NZL|New Zealand|-43.7|171.18|-46.64|-40.49|166.51|174.25
OMN|Oman|20.8|56.98|16.65|24.92|52.0|59.81
PAK|Pakistan|30.36|70.09|23.69|37.13|60.87|77.84
PAN|Panama|8.41|-81.48|7.22|9.61|-82.97|-77.24
PER|Peru|-9.25|-75.87|-18.35|-0.06|-81.41|-68.67
PHL|Philippines|15.67|120.76|12.54|18.51|119.88|124.18
PNG|Papua New Guinea|-6.67|144.23|-10.65|-2.6|141.0|150.8
POL|Poland|51.88|19.08|49.03|54.85|14.07|24.03
PRI|Puerto Rico|18.3|-66.44|17.95|18.52|-67.24|-65.59
PRK|North Korea|40.34|126.8|37.67|42.99|124.27|130.78
PRT|Portugal|39.51|-8.37|36.84|42.28|-9.53|-6.39
PRY|Paraguay|-23.11|-58.64|-27.55|-19.34|-62.69|-54.29
PSE|Palestine|32.13|35.3|31.35|32.53|34.93|35.55
QAT|Qatar|25.35|51.18|24.56|26.11|50.74|51.61
ROU|Romania|46.04|24.21|43.69|48.22|20.22|29.63
RUS|Russia|59.41|88.6|41.15|77.7|27.29|180.0
RWA|Rwanda|-1.96|30.03|-2.92|-1.13|29.02|30.82
SAU|Saudi Arabia|24.27|44.55|16.35|32.16|34.63|55.67
SDN|Sudan|15.28|29.62|8.23|22.0|21.94|38.41
SEN|Senegal|14.5|-14.73|12.33|16.6|-17.63|-11.47
SLB|Solomon Is.|-7.89|159.1|-8.54|-7.32|158.21|159.92
SLE|Sierra Leone|8.56|-11.84|6.79|10.05|-13.25|-10.23
SLV|El Salvador|13.82|-88.92|13.15|14.42|-90.1|-87.72
SOM|Somalia|5.17|46.79|-1.68|12.02|40.98|51.13
SRB|Serbia|44.14|21.01|42.25|46.17|18.83|22.99
SSD|S. Sudan|8.03|28.97|3.51|12.25|23.89|35.3
SUR|Suriname|3.84|-56.03|1.82|6.03|-58.04|-53.96
SVK|Slovakia|48.71|19.63|47.76|49.57|16.88|22.56
SVN|Slovenia|46.13|14.73|45.45|46.85|13.7|16.56
SWE|Sweden|62.27|14.79|55.36|69.11|11.03|23.9
SWZ|Swaziland|-26.57|31.36|-27.29|-25.66|30.68|32.07
SYR|Syria|35.03|38.57|32.31|37.23|35.7|42.35
TCD|Chad|15.28|18.31|7.42|23.41|13.54|23.89
TGO|Togo|8.49|1.12|5.93|11.02|-0.05|1.87
THA|Thailand|13.04|101.66|5.69|20.42|97.38|105.59
TJK|Tajikistan|38.75|71.04|36.74|40.96|67.44|74.98
TKM|Turkmenistan|39.12|58.67|35.27|42.75|52.5|66.55
TLS|Timor-Leste|-8.78|125.86|-9.39|-8.27|124.97|127.34
TTO|Trinidad and Tobago|10.56|-61.29|10.0|10.89|-61.95|-60.9
TUN|Tunisia|33.94|8.91|30.31|37.35|7.52|11.49
TUR|Turkey|38.63|35.45|35.82|42.04|26.17|44.79
TWN|Taiwan|23.98|120.99|21.97|25.3|120.11|121.95
TZA|Tanzania|-6.21|34.14|-11.72|-0.95|29.34|40.32
UGA|Uganda|1.38|32.55|-1.44|4.25|29.58|35.04
UKR|Ukraine|48.8|30.98|45.29|52.34|22.09|40.08
URY|Uruguay|-32.39|-55.82|-34.95|-30.11|-58.43|-53.21
USA|United States of America|37.24|-99.31|25.08|49.39|-124.69|-66.96
UZB|Uzbekistan|41.35|63.44|37.14|45.59|55.93|73.06
VEN|Venezuela|6.48|-65.43|0.72|12.16|-73.3|-59.76
VNM|Vietnam|15.99|107.78|8.6|23.35|102.17|109.34
VUT|Vanuatu|-15.16|166.9|-15.74|-14.63|166.63|167.27
XKX|Kosovo|42.51|20.91|41.85|43.27|20.07|21.78
YEM|Yemen|15.82|47.47|12.59|19.0|42.6|53.11
ZAF|South Africa|-28.41|26.15|-34.82|-22.09|16.34|32.83
ZMB|Zambia|-13.08|25.37|-17.96|-8.24|21.89|33.49
ZWE|Zimbabwe|-19.0|29.32|-22.27|-15.51|25.26|32.85
"""

#: Countries where the generator places more groups (relative weight 12 instead of 1): the theatres that
#: dominate GTD, ACLED and UCDP since 1990.
HOT_SPOTS: frozenset[str] = frozenset(
    "AFG IRQ SYR SOM NGA MLI PAK YEM COL IND PHL LBY SDN SSD COD CAF NER BFA TCD CMR MOZ ETH MMR UKR PSE ISR "
    "LBN TUR EGY DZA MEX THA KEN UGA BDI RWA NPL LKA DZA PER".split()
)

#: Global tactic mix (GTD-like), around which each group draws its own.
TACTIC_MIX: dict[str, float] = {
    "armed_assault": 0.28,
    "bombing": 0.24,
    "battle": 0.16,
    "remote_violence": 0.06,
    "kidnapping": 0.06,
    "assassination": 0.04,
    "facility_attack": 0.05,
    "suicide_attack": 0.02,
    "looting": 0.02,
    "hijacking": 0.004,
    "unarmed_assault": 0.01,
    "non_violent": 0.02,
    "other": 0.016,
    "unknown": 0.03,
}
assert set(TACTIC_MIX) == set(TACTICS), "the synthetic tactic mix must cover the taxonomy exactly"

#: Pareto scale of fatalities per tactic (0: never lethal) and the probability of no death.
LETHALITY: dict[str, tuple[float, float]] = {
    "suicide_attack": (8.0, 0.15),
    "bombing": (2.5, 0.5),
    "battle": (4.0, 0.35),
    "remote_violence": (3.0, 0.45),
    "armed_assault": (2.0, 0.4),
    "assassination": (1.0, 0.1),
    "kidnapping": (1.0, 0.85),
    "facility_attack": (1.0, 0.9),
    "looting": (1.0, 0.95),
    "hijacking": (2.0, 0.8),
    "unarmed_assault": (1.0, 0.9),
    "non_violent": (0.0, 1.0),
    "other": (1.5, 0.6),
    "unknown": (1.5, 0.6),
}
TARGET_TYPES: dict[str, float] = {
    "Private Citizens & Property": 0.34,
    "Military": 0.18,
    "Police": 0.14,
    "Government (General)": 0.08,
    "Business": 0.07,
    "Religious Figures/Institutions": 0.04,
    "Educational Institution": 0.03,
    "Transportation": 0.03,
    "Utilities": 0.03,
    "Journalists & Media": 0.02,
    "Unknown": 0.04,
}
FOREIGN_NATIONALITIES: tuple[str, ...] = (
    "United States",
    "France",
    "United Kingdom",
    "China",
    "Germany",
    "Russia",
    "Turkey",
    "India",
    "Canada",
    "Italy",
    "Spain",
    "Japan",
    "Multinational",
)
_PREFIXES = (
    "Islamic",
    "Popular",
    "National",
    "Revolutionary",
    "United",
    "Democratic",
    "Patriotic",
    "Salafist",
    "People's",
    "Liberation",
    "Free",
    "Sacred",
    "Union of",
    "Army of",
    "Soldiers of",
    "Ansar",
)
_NOUNS = (
    "Front",
    "Army",
    "Movement",
    "Brigade",
    "Militia",
    "Group",
    "Council",
    "Resistance",
    "Forces",
    "Battalion",
)

FIRST_DAY = int(np.datetime64("1990-01-01", "D").astype(np.int64))
LAST_DAY = int(np.datetime64("2023-12-31", "D").astype(np.int64))
THEATRES = 4
BURSTS = 3
GRID = 3  # admin1 = cell of a GRID × GRID division of the country's box

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DATE": pa.date32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
}
EVENTS_SCHEMA = pa.schema([pa.field(c.name, _ARROW_TYPES[c.duckdb_type]) for c in EVENT_COLUMNS])
ACTORS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("role", pa.string()),
        ("ordinal", pa.int32()),
        ("name", pa.string()),
        ("uncertain", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Countries:
    """The pinned country table as arrays (one entry per country)."""

    iso3: np.ndarray
    name: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    lat_min: np.ndarray
    lat_max: np.ndarray
    lon_min: np.ndarray
    lon_max: np.ndarray


def countries() -> Countries:
    """The country table pinned in this module."""
    rows = [line.split("|") for line in _COUNTRY_TABLE.strip().splitlines()]
    cols = list(zip(*rows, strict=True))
    nums = [np.array(c, dtype=float) for c in cols[2:]]
    return Countries(np.array(cols[0]), np.array(cols[1]), *nums)


def country_table_from_natural_earth(path: str | Path) -> str:
    """Rebuild the pinned table from a Natural Earth admin-0 GeoJSON (how ``_COUNTRY_TABLE`` was made)."""
    from shapely.geometry import shape

    from spillover.analysis.geo import feature_iso3, read_geojson

    rows: dict[str, str] = {}
    features = read_geojson(path)["features"]
    # features whose own ISO code is the unit's come last, so they win (Somalia over Somaliland)
    for feature in sorted(features, key=lambda f: f["properties"]["ISO_A3"] == feature_iso3(f["properties"])):
        props = feature["properties"]
        code = feature_iso3(props)
        if code in ("-99", "ATA", "ATF"):
            continue
        geom = shape(feature["geometry"])
        main = max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom
        x0, y0, x1, y1 = main.bounds
        point = main.representative_point()
        values = (point.y, point.x, y0, y1, x0, x1)
        rows[code] = "|".join([code, props["NAME"], *(str(round(v, 2)) for v in values)])
    return "\n".join(rows[c] for c in sorted(rows))


@dataclass(frozen=True)
class World:
    """The fixed cast of a synthetic data set: groups, their theatres, lives, bursts and tactic mixes."""

    names: np.ndarray  # group names
    weights: np.ndarray  # probability that an event is the group's (Zipf)
    theatres: np.ndarray  # n_groups × THEATRES country indices (home first)
    theatre_cum: np.ndarray  # n_groups × THEATRES cumulative probabilities
    start: np.ndarray  # first active day (days since 1970-01-01)
    span: np.ndarray  # active days
    bursts: np.ndarray  # n_groups × BURSTS burst centres (days)
    tactic_cum: np.ndarray  # n_groups × len(TACTIC_MIX) cumulative probabilities
    countries: Countries


def zipf_weights(n: int, exponent: float = 1.0) -> np.ndarray:
    """Probabilities proportional to 1 / rank**exponent (rank 1 = the largest group)."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


def group_names(rng: np.random.Generator, home_names: np.ndarray) -> np.ndarray:
    """Plausible, unique group names: 'Salafist Brigade of Mali', 'Popular Front of Peru (2)', …"""
    prefix = rng.choice(_PREFIXES, len(home_names))
    noun = rng.choice(_NOUNS, len(home_names))
    base = [f"{p} {n} of {c}" for p, n, c in zip(prefix, noun, home_names, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for name in base:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return np.array(out, dtype=object)


def make_world(n_groups: int, seed: int) -> World:
    """Draw the groups of a data set (depends only on ``n_groups`` and ``seed``)."""
    rng = np.random.default_rng([seed, 0])
    geo = countries()
    hot = np.isin(geo.iso3, list(HOT_SPOTS))
    country_p = np.where(hot, 12.0, 1.0)
    country_p /= country_p.sum()
    theatres = rng.choice(len(geo.iso3), size=(n_groups, THEATRES), p=country_p)
    # the largest groups (top 5 %) are based in the hot spots, as the Taliban, ISIL or al-Shabaab are
    top = max(1, n_groups // 20)
    theatres[:top, 0] = rng.choice(np.flatnonzero(hot), size=top)
    home_share = rng.uniform(0.6, 0.97, n_groups)
    abroad = rng.dirichlet(np.ones(THEATRES - 1), n_groups) * (1 - home_share)[:, None]
    theatre_cum = np.cumsum(np.column_stack([home_share, abroad]), axis=1)
    total = LAST_DAY - FIRST_DAY
    start = FIRST_DAY + (rng.beta(1.6, 1.1, n_groups) * total * 0.95).astype(np.int64)
    span = np.maximum(365, rng.exponential(12 * 365, n_groups)).astype(np.int64)
    span = np.minimum(span, LAST_DAY - start)
    bursts = start[:, None] + (rng.random((n_groups, BURSTS)) * span[:, None]).astype(np.int64)
    mix = np.array(list(TACTIC_MIX.values()))
    tactic_cum = np.cumsum(rng.dirichlet(mix * 30, n_groups), axis=1)
    return World(
        names=group_names(rng, geo.name[theatres[:, 0]]),
        weights=zipf_weights(n_groups),
        theatres=theatres,
        theatre_cum=theatre_cum,
        start=start,
        span=span,
        bursts=bursts,
        tactic_cum=tactic_cum,
        countries=geo,
    )


def _pick(cum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise categorical draw: index of the first cumulative probability above a uniform number."""
    u = rng.random(len(cum))[:, None]
    return np.minimum((u > cum).sum(axis=1), cum.shape[1] - 1)


def _days(world: World, group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Event days: within the group's life, skewed towards its later years, a quarter of them in bursts."""
    n = len(group)
    day = world.start[group] + (rng.random(n) ** 0.7 * world.span[group]).astype(np.int64)
    burst = rng.random(n) < 0.25
    centre = world.bursts[group, rng.integers(0, BURSTS, n)]
    day = np.where(burst, centre + rng.normal(0, 15, n).astype(np.int64), day)
    return np.clip(day, FIRST_DAY, LAST_DAY)


def _date_ranges(day: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, precision): 88 % day, 8 % month, 4 % year precision, spanning the month or year."""
    as_date = day.astype("datetime64[D]")
    month0 = as_date.astype("datetime64[M]")
    year0 = as_date.astype("datetime64[Y]")
    u = rng.random(len(day))
    precision = np.where(u < 0.88, "day", np.where(u < 0.96, "month", "year"))
    start = np.where(precision == "month", month0.astype("datetime64[D]"), as_date)
    start = np.where(precision == "year", year0.astype("datetime64[D]"), start)
    end = np.where(precision == "month", (month0 + 1).astype("datetime64[D]") - 1, as_date)
    end = np.where(precision == "year", (year0 + 1).astype("datetime64[D]") - 1, end)
    return start, end, precision


def _fatalities(tactic: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Zero-inflated Pareto deaths per event (NaN = unknown, 8 %), capped at 3000."""
    scale = np.array([LETHALITY[t][0] for t in TACTIC_MIX])[tactic]
    p_zero = np.array([LETHALITY[t][1] for t in TACTIC_MIX])[tactic]
    deaths = np.floor(rng.pareto(1.3, len(tactic)) * scale + (scale > 0))
    deaths = np.where(rng.random(len(tactic)) < p_zero, 0.0, np.minimum(deaths, 3000.0))
    return np.where(rng.random(len(tactic)) < 0.08, np.nan, deaths)


def _take(values: np.ndarray | list[str], index: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(index))


def _points(
    world: World, country: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, admin1 cell): scattered around the country's representative point within its box."""
    g = world.countries
    lat0, lat1, lon0, lon1 = g.lat_min[country], g.lat_max[country], g.lon_min[country], g.lon_max[country]
    lat = np.clip(rng.normal(g.lat[country], (lat1 - lat0) * 0.18), lat0, lat1)
    lon = np.clip(rng.normal(g.lon[country], (lon1 - lon0) * 0.18), lon0, lon1)
    row = np.minimum(((lat - lat0) / np.maximum(lat1 - lat0, 1e-9) * GRID).astype(int), GRID - 1)
    col = np.minimum(((lon - lon0) / np.maximum(lon1 - lon0, 1e-9) * GRID).astype(int), GRID - 1)
    return np.round(lat, 4), np.round(lon, 4), row * GRID + col + 1


def _numbers(values: np.ndarray) -> pa.Array:
    """Doubles with NaN written as NULL (unknown), as the loaders write unknown counts."""
    return pa.array(values.astype(float), pa.float64(), from_pandas=True)


def _list_of_one(values: pa.Array) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(np.arange(len(values) + 1, dtype=np.int32)), values)


def _empty_lists(n: int) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))


def generate_chunk(world: World, chunk: int, first_id: int, n: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """``n`` events (ids ``first_id …``) and their actor rows; depends only on (seed, chunk)."""
    rng = np.random.default_rng([seed, 1, chunk])
    geo = world.countries
    tactic_names = list(TACTIC_MIX)
    group = rng.choice(len(world.names), size=n, p=world.weights)
    country = world.theatres[group, _pick(world.theatre_cum[group], rng)]
    start, end, precision = _date_ranges(_days(world, group, rng), rng)
    tactic = _pick(world.tactic_cum[group], rng)
    lat, lon, cell = _points(world, country, rng)
    geo_u = rng.random(n)
    geo_precision = np.where(geo_u < 0.7, "point", np.where(geo_u < 0.9, "admin1", "country"))
    lat = np.where(geo_precision == "country", geo.lat[country], lat)
    lon = np.where(geo_precision == "country", geo.lon[country], lon)
    fatalities = _fatalities(tactic, rng)
    lethal_blast = np.isin(tactic, [tactic_names.index("bombing"), tactic_names.index("suicide_attack")])
    wounded = np.where(lethal_blast, np.floor(np.nan_to_num(fatalities) * rng.uniform(0.5, 4, n)), np.nan)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    event_id = pc.binary_join_element_wise("syn:", pc.cast(pa.array(ids), pa.string()), "")
    tactic_arr = _take(tactic_names, tactic)
    foreign = rng.random(n) < 0.08
    nationality = np.where(foreign, rng.choice(FOREIGN_NATIONALITIES, n), geo.name[country])
    target_type = rng.choice(list(TARGET_TYPES), n, p=np.array(list(TARGET_TYPES.values())))
    target_type = np.where(tactic == tactic_names.index("battle"), "Military", target_type)
    state_side = np.isin(tactic, [tactic_names.index("battle"), tactic_names.index("remote_violence")])
    side_b = np.where(state_side, "Military Forces of ", "Civilians (") + geo.name[country].astype(object)
    side_b = np.where(state_side, side_b, side_b + ")")
    partner = np.where(rng.random(n) < 0.03, rng.choice(len(world.names), size=n, p=world.weights), -1)
    partner = np.where(partner == group, -1, partner)
    kidnap = tactic == tactic_names.index("kidnapping")
    columns: dict[str, pa.Array] = {
        "event_id": event_id,
        "source": pa.array(np.full(n, "synthetic", dtype=object), pa.string()),
        "source_id": pc.cast(pa.array(ids), pa.string()),
        "row_number": pa.array(ids - first_id + 1),
        "date_start": pa.array(start, pa.date32()),
        "date_end": pa.array(end, pa.date32()),
        "date_precision": pa.array(precision, pa.string()),
        "year": pa.array(start.astype("datetime64[Y]").astype(np.int32) + 1970, pa.int32()),
        "country_iso3": _take(geo.iso3, country),
        "country": _take(geo.name, country),
        "admin1": pc.binary_join_element_wise(
            _take(geo.iso3, country), pa.array([f"{c:02d}" for c in range(10)]).take(pa.array(cell)), "-"
        ),
        "latitude": pa.array(lat),
        "longitude": pa.array(lon),
        "geo_precision": pa.array(geo_precision, pa.string()),
        "side_a": _take(world.names, group),
        "side_b": pa.array(side_b, pa.string()),
        "attribution": pa.array(np.where(partner >= 0, "joint", "single"), pa.string()),
        "tactic": tactic_arr,
        "tactics": _list_of_one(tactic_arr),
        "suicide": pa.array(tactic == tactic_names.index("suicide_attack")),
        "target_type": pa.array(target_type, pa.string()),
        "target_nationality": pa.array(nationality, pa.string()),
        "fatalities": _numbers(fatalities),
        "wounded": _numbers(wounded),
        "hostages": _numbers(np.where(kidnap, rng.integers(1, 6, n), np.nan)),
        "flags": _empty_lists(n),
    }
    events = pa.table([columns.get(f.name, pa.nulls(n, f.type)) for f in EVENTS_SCHEMA], schema=EVENTS_SCHEMA)
    return events, _actor_rows(event_id, _take(world.names, group), side_b, partner, world)


def _actor_rows(
    event_id: pa.Array, side_a: pa.Array, side_b: np.ndarray, partner: np.ndarray, world: World
) -> pa.Table:
    """``event_actors`` rows: side_a and side_b of every event, assoc_a of joint events."""
    joint = np.flatnonzero(partner >= 0)
    parts = [
        (event_id, "side_a", side_a),
        (event_id, "side_b", pa.array(side_b, pa.string())),
        (event_id.take(pa.array(joint)), "assoc_a", _take(world.names, partner[joint])),
    ]
    tables = [
        pa.table(
            {
                "event_id": ids,
                "role": pa.array(np.full(len(ids), role, dtype=object), pa.string()),
                "ordinal": pa.array(np.ones(len(ids), dtype=np.int32)),
                "name": names,
                "uncertain": pa.array(np.zeros(len(ids), dtype=bool)),
            },
            schema=ACTORS_SCHEMA,
        )
        for ids, role, names in parts
    ]
    return pa.concat_tables(tables)


@dataclass(frozen=True)
class SyntheticSet:
    """What :func:`generate` wrote."""

    path: Path
    n_events: int
    n_actor_rows: int
    n_groups: int
    seed: int
    chunk_size: int
    parts: int


def _write(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="zstd", row_group_size=256 * 1024)
    tmp.replace(path)


def generate(
    n_events: int,
    path: str | Path,
    seed: int = 0,
    chunk_size: int = 1_000_000,
    *,
    n_groups: int = 5000,
    progress: bool | Callable[[int, int], None] = False,
) -> SyntheticSet:
    """Write ``n_events`` synthetic events (and their actor rows) as Parquet parts under ``path``.

    Memory stays at one chunk; ``progress`` is True for a rich progress bar, or a callback
    ``(events_written, n_events)``.  An existing set at ``path`` is replaced.
    """
    if n_events < 0 or chunk_size <= 0:
        raise ValueError("n_events must be >= 0 and chunk_size > 0")
    out = Path(path)
    for sub in ("events", "event_actors"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    world = make_world(n_groups, seed)
    report = _progress_reporter(progress, n_events)
    written = actor_rows = parts = 0
    unique_names = True
    try:
        while written < n_events:
            n = min(chunk_size, n_events - written)
            events, actors = generate_chunk(world, parts, written + 1, n, seed)
            pairs = actors.select(["event_id", "name"]).group_by(["event_id", "name"]).aggregate([])
            unique_names = unique_names and pairs.num_rows == actors.num_rows
            _write(events, out / "events" / f"part-{parts:05d}.parquet")
            _write(actors, out / "event_actors" / f"part-{parts:05d}.parquet")
            written, actor_rows, parts = written + n, actor_rows + actors.num_rows, parts + 1
            report(written)
    finally:
        report(None)
    result = SyntheticSet(out, n_events, actor_rows, n_groups, seed, chunk_size, parts)
    (out / "synthetic.json").write_text(json.dumps({**result.__dict__, "path": str(out)}, indent=2))
    # each chunk's events and actor rows are written to parts of the same name: co-partitioned
    from spillover.query.engines import write_parts_marker

    write_parts_marker(out, unique_names_per_event=unique_names)
    return result


def _progress_reporter(
    progress: bool | Callable[[int, int], None], total: int
) -> Callable[[int | None], None]:
    """A function told the events written so far (None when done)."""
    if callable(progress):
        return lambda done: progress(done, total) if done is not None else None
    if not progress:
        return lambda done: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[bold]synthetic events", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    task = bar.add_task("events", total=total)
    bar.start()

    def report(done: int | None) -> None:
        if done is None:
            bar.stop()
        else:
            bar.update(task, completed=done)

    return report


def read_manifest(path: str | Path) -> SyntheticSet | None:
    """The description of a set written by :func:`generate` (None when there is none)."""
    meta = Path(path) / "synthetic.json"
    if not meta.is_file():
        return None
    data = json.loads(meta.read_text())
    return SyntheticSet(**{**data, "path": Path(data["path"])})
