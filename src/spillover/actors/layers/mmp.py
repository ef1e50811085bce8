"""Stanford's Mapping Militant Organizations (MMP) relations file and its group key as a registry layer.

The file (one row per dated relation, ``unique_id,type,group1_id,group2_id,date,description,group1_name,
group2_name``) has MMP's quirks, each handled here and nowhere else:

* dates in mixed forms: ``2006-09-00`` / ``2012-00-00`` (``00`` = month or day unknown: the precision is
  the month or the year) and ``9/14/98`` (month/day/two-digit year, a day);
* two-digit years: MMP's relations run from 1959 to 2017, so ``00``–``17`` are 2000–2017 and ``18``–``99``
  are 1918–1999 (``strptime``'s 1969 pivot would put ``68`` in 2068);
* names with trailing spaces and Windows-1252 quotes read as control characters (``Kata\\x92ib``);
* one group under two ids and names ("Armed Islamic Group of Algeria" 67, "Groupe Islamique Armé" 637):
  kept as written, the registry resolves both;
* MMP does not say which side split from or merged into which: ``spl``/``mer``/``aff`` rows keep the order
  written and ``directed`` is False.

The key lists 263 ids and names; five names have no id (``-99``) and appear in no relation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from spillover.actors.dates import FuzzyDate
from spillover.actors.layers import DatasetRelation, Skipped, clean_name
from spillover.actors.models import Citation

RELATIONS_FILE = "relations/mmp_militant_group_relationships_clean.csv.gz"
KEY_FILE = "relations/mmp_militant_group_key.csv.gz"
DATASET = "mmp"

CITATION = Citation(
    author="Martha Crenshaw et al., Mapping Militant Organizations",
    title="Mapping Militant Organizations: group relationships (as cleaned in militant-map-neo4j)",
    year=2017,
    publisher="Center for International Security and Cooperation, Stanford University",
    url="https://cisac.fsi.stanford.edu/mappingmilitants",
)

#: MMP's relation codes → registry relation types.
TYPES: dict[str, str] = {
    "all": "allied_with",
    "riv": "rival_of",
    "aff": "affiliate_of",
    "spl": "split_from",
    "mer": "merged_into",
}

#: Last year of MMP's relations: two-digit years up to it are 20xx, later ones 19xx.
LAST_YEAR = 2017

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")


def parse_date(text: str) -> FuzzyDate:
    """An MMP date with the precision it gives: ``2012-00-00`` → 2012 (year), ``2006-09-00`` → 2006-09
    (month), ``9/14/98`` → 1998-09-14 (day).  ValueError names the form expected."""
    raw = text.strip()
    iso, slash = _ISO.match(raw), _SLASH.match(raw)
    if iso:
        year, month, day = (int(x) for x in iso.groups())
    elif slash:
        month, day, yy = (int(x) for x in slash.groups())
        year = 2000 + yy if 2000 + yy <= LAST_YEAR else 1900 + yy
    else:
        raise ValueError(f"not an MMP date: {text!r} (YYYY-MM-DD with 00 for unknown parts, or M/D/YY)")
    if month == 0:
        return FuzzyDate(date=dt.date(year, 1, 1), precision="year")
    if day == 0:
        return FuzzyDate(date=dt.date(year, month, 1), precision="month")
    return FuzzyDate(date=dt.date(year, month, day), precision="day")


@dataclass
class MmpLayer:
    """The MMP relations and key, every row accounted for."""

    relations: list[DatasetRelation]
    groups: dict[str, str]  # MMP group id → name (key and relations)
    unnumbered: list[str]  # key names without an id (-99)
    skipped: list[Skipped] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # file → data rows read

    def names(self) -> list[str]:
        """Every group name MMP writes in its relations, cleaned, sorted."""
        return sorted({n for r in self.relations for n in (r.source_name, r.target_name)})


def load(folder: Path | str) -> MmpLayer:
    """Read both MMP files from the data folder."""
    folder = Path(folder)
    frame = pd.read_csv(folder / RELATIONS_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    key = pd.read_csv(folder / KEY_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    relations: list[DatasetRelation] = []
    skipped: list[Skipped] = []
    groups: dict[str, str] = {}
    for i, row in enumerate(frame.to_dict("records"), start=1):
        relation = _relation(row, i, skipped)
        if relation is not None:
            relations.append(relation)
            groups[row["group1_id"].strip()] = relation.source_name
            groups[row["group2_id"].strip()] = relation.target_name
    unnumbered = []
    for i, row in enumerate(key.to_dict("records"), start=1):
        gid, name = str(row["group_id"]).strip(), clean_name(row["name"])
        if not name:
            skipped.append(Skipped(KEY_FILE, i, "empty name"))
        elif gid == "-99":
            unnumbered.append(name)
        else:
            groups.setdefault(gid, name)
    return MmpLayer(relations, groups, unnumbered, skipped, {RELATIONS_FILE: len(frame), KEY_FILE: len(key)})


def _relation(row: dict[str, str], i: int, skipped: list[Skipped]) -> DatasetRelation | None:
    code = row["type"].strip()
    if code not in TYPES:
        skipped.append(Skipped(RELATIONS_FILE, i, f"unknown type {code!r}"))
        return None
    try:
        start = parse_date(row["date"])
    except ValueError as exc:
        skipped.append(Skipped(RELATIONS_FILE, i, f"field date: {exc}"))
        return None
    return DatasetRelation(
        dataset=DATASET,
        dataset_id=row["unique_id"].strip(),
        source_name=clean_name(row["group1_name"]),
        target_name=clean_name(row["group2_name"]),
        type_dataset=code,
        type_registry=TYPES[code],
        start=start,
        date_raw=row["date"],
        description=clean_name(row["description"]),
        directed=False,
        row=i,
    )
