"""BAAD1 (Big Allied and Dangerous, Asal & Rethemeyer) ties, group attributes and home countries as a
registry layer.

BAAD1 covers 395 organisations in 1998–2005.  Its quirks, each handled here and nowhere else:

* ties carry no date: each holds for BAAD's period, so it gets ``start`` 1998 and ``end`` 2005 (years);
* ties are directed rows ``from,to,type`` (the long form of six adjacency matrices); an alliance usually
  appears in both directions, and each row stays a relation of its own;
* a spreadsheet turned three Greek group names into dates, differently in each file: "15 May" is
  ``15-May`` and ``5/15/08``, "May 98" ``May-98`` and ``5/1/98``, "21 June" ``21-Jun`` and ``6/21/08``;
  :func:`repair_name` puts the names back;
* the group × country file writes names with underscores for spaces (``Abu_Sayyaf_Group(ASG)``);
* home countries: the group × country file names one country per group, which is used; the attribute
  file's Correlates of War code is the fallback (converted through ``country_converter``'s Gleditsch–Ward
  column, which differs from COW for a few states, e.g. Yemen 678/679: those stay unknown).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from spillover.actors.dates import parse_fuzzy
from spillover.actors.layers import DatasetRelation, Skipped, clean_name
from spillover.actors.models import Citation
from spillover.actors.text import normalise

EDGES_FILE = "relations/baad1_edges_long.csv.gz"
ATTRS_FILE = "relations/baad1_attrs.csv.gz"
COUNTRY_FILE = "relations/baad1_group_country_2mode.csv.gz"
DATASET = "baad1"
PERIOD = (parse_fuzzy(1998), parse_fuzzy(2005))

CITATION = Citation(
    author="Victor Asal and R. Karl Rethemeyer",
    title="Big Allied and Dangerous (BAAD1): organisations and ties 1998-2005 (as packaged in COREnets)",
    year=2008,
    publisher="Journal of Politics 70(2), 'The Nature of the Beast'",
    url="https://github.com/NPSCORELAB/COREnets",
)

#: BAAD's tie types → registry relation types.
TYPES: dict[str, str] = {
    "alliance": "allied_with",
    "alliance - familial": "allied_with",
    "suspected alliance": "allied_with",
    "negative-competitive relationship": "rival_of",
    "negative - competitive relationship": "rival_of",
    "rival and ally": "rival_of",
    "target": "rival_of",
}

#: Attribute columns kept for the generated registry entries (ideology flags of the codebook).
IDEOLOGY_FLAGS = ("PureRelig", "PureEthno", "ReligEthno", "LeftNoReligEthno", "Islam")

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAY_MON = re.compile(r"^(\d{1,2})-([A-Za-z]{3})$")  # 15-May
_MON_YY = re.compile(r"^([A-Za-z]{3})-(\d{2})$")  # May-98
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")  # 5/15/08 (day name), 5/1/98 (month-year name)


def repair_name(name: str) -> str:
    """A BAAD name a spreadsheet read as a date, put back ('15-May' and '5/15/08' → '15 May', 'May-98' and
    '5/1/98' → 'May 98'); any other name cleaned only."""
    text = clean_name(name.replace("_", " ")) if "_" in name else clean_name(name)
    if m := _DAY_MON.match(text):
        return f"{int(m[1])} {calendar.month_name[_MONTHS[m[2].lower()]]}"
    if m := _MON_YY.match(text):
        return f"{calendar.month_name[_MONTHS[m[1].lower()]]} {m[2]}"
    if m := _SLASH.match(text):
        month, day, yy = int(m[1]), int(m[2]), m[3]
        if day == 1 and yy != "08":  # Excel read "May-98" as 1 May 1998
            return f"{calendar.month_name[month]} {yy}"
        return f"{day} {calendar.month_name[month]}"  # "15-May" became 15 May of the year the file was made
    return text


@dataclass(frozen=True)
class BaadGroup:
    name: str
    home_country: str | None  # ISO3
    countries: tuple[str, ...]  # ISO3 of the group × country file
    fatalities: int | None
    flags: dict[str, int]
    row: int


@dataclass
class BaadLayer:
    relations: list[DatasetRelation]
    groups: dict[str, BaadGroup]  # repaired name → group
    skipped: list[Skipped] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.groups)


def load(folder: Path | str) -> BaadLayer:
    """Read the three BAAD1 files from the data folder."""
    folder = Path(folder)
    edges = pd.read_csv(folder / EDGES_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    attrs = pd.read_csv(folder / ATTRS_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    two_mode = pd.read_csv(folder / COUNTRY_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    skipped: list[Skipped] = []
    countries = _countries(two_mode)
    _match_shortened(countries, [repair_name(n) for n in attrs["group"]])
    groups = _groups(attrs, countries, skipped)
    by_norm = {normalise(n): n for n in groups}
    for norm in set(countries) - set(by_norm):
        skipped.append(Skipped(COUNTRY_FILE, countries[norm][1], "group not in the attributes file"))
    relations = []
    for i, row in enumerate(edges.to_dict("records"), start=1):
        code = row["type"].strip()
        if code not in TYPES:
            skipped.append(Skipped(EDGES_FILE, i, f"field type: unknown tie type {code!r}"))
            continue
        ends = [repair_name(row["from"]), repair_name(row["to"])]
        unknown = [n for n in ends if normalise(n) not in by_norm]
        if unknown:
            skipped.append(Skipped(EDGES_FILE, i, f"group {unknown[0]!r} not in the attributes file"))
            continue
        relations.append(
            DatasetRelation(
                dataset=DATASET,
                dataset_id=f"edge-{i}",
                source_name=by_norm[normalise(ends[0])],
                target_name=by_norm[normalise(ends[1])],
                type_dataset=code,
                type_registry=TYPES[code],
                start=PERIOD[0],
                end=PERIOD[1],
                description=f"BAAD1 tie '{code}' (holds for 1998-2005; BAAD gives no date)",
                directed=True,
                row=i,
            )
        )
    rows = {EDGES_FILE: len(edges), ATTRS_FILE: len(attrs), COUNTRY_FILE: len(two_mode)}
    return BaadLayer(relations, groups, skipped, rows)


def _countries(two_mode: pd.DataFrame) -> dict[str, tuple[tuple[str, ...], int, str]]:
    """normalised group name → (ISO3 codes, row, name) from the group × country 0/1 matrix."""
    from spillover.countries import to_iso3

    name_col = two_mode.columns[0]
    country_cols = [c for c in two_mode.columns if c != name_col]
    codes = to_iso3(c.replace("_", " ").split("/")[0] for c in country_cols)
    out = {}
    for i, row in enumerate(two_mode.to_dict("records"), start=1):
        isos = tuple(
            code
            for c in country_cols
            if row[c].strip() == "1" and (code := codes.get(c.replace("_", " ").split("/")[0]))
        )
        name = repair_name(row[name_col])
        out[normalise(name)] = (isos, i, name)
    return out


def _match_shortened(countries: dict[str, tuple[tuple[str, ...], int, str]], names: list[str]) -> None:
    """Re-key the group × country rows whose names that file shortened ('National_Army_for_the_Liberation_
    Uganda(NALU)') to the attribute file's full name, when exactly one unmatched full name contains every
    word of the short one."""
    full = {normalise(n): n for n in names}
    missing = [k for k in countries if k not in full]
    unclaimed = [n for k, n in full.items() if k not in countries]
    for key in missing:
        short = countries[key][2]
        hits = [n for n in unclaimed if fuzz.token_set_ratio(short, n, processor=default_process) >= 85]
        if len(hits) == 1:
            countries[normalise(hits[0])] = countries.pop(key)
            unclaimed.remove(hits[0])


def _groups(
    attrs: pd.DataFrame, countries: dict[str, tuple[tuple[str, ...], int, str]], skipped: list[Skipped]
) -> dict[str, BaadGroup]:
    from spillover.countries import code_to_iso3

    codes = dict.fromkeys(c for c in attrs["homecountry"] if c.strip().isdigit())
    gw_of = {c: code for c in codes if (code := code_to_iso3(int(c), "GWcode")) is not None}
    groups: dict[str, BaadGroup] = {}
    for i, row in enumerate(attrs.to_dict("records"), start=1):
        name = repair_name(row["group"])
        if not name:
            skipped.append(Skipped(ATTRS_FILE, i, "field group: empty"))
            continue
        fat = row.get("fatalities19982005", "").strip()
        where = countries.get(normalise(name), ((), 0, ""))[0]
        groups[name] = BaadGroup(
            name=name,
            home_country=where[0] if len(where) == 1 else gw_of.get(row["homecountry"]),
            countries=where,
            fatalities=int(fat) if fat.isdigit() else None,
            flags={f: int(row[f]) for f in IDEOLOGY_FLAGS if row.get(f, "").strip().isdigit()},
            row=i,
        )
    return groups
