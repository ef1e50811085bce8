"""The UCDP Actor list as the first layer of the registry.

UCDP (CC BY 4.0) gives every actor of its datasets an id, the name its event data uses (``NameData``),
earlier and original-language names, and links: splinters (``ActorIdPrev``), temporary splits, alliances
and groups joined.  Turning each actor into a registry group gives every UCDP GED side name a registry entry
for free; curated entries then claim UCDP ids (``ucdp_actor_id``) to add lineage, dates and other datasets'
spellings.  UCDP gives no dates for these links, so the imported relations are undated.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import pandas as pd

from spillover.actors.models import Alias, Aliases, Citation, Group, Relation

log = logging.getLogger(__name__)

UCDP_ACTOR_FILE = "ucdp_actor_v22_1.csv.gz"
DATA_DIR_ENV = "SPILLOVER_DATA_DIR"

CITATION = Citation(
    author="Uppsala Conflict Data Program",
    title="UCDP Actor Dataset v22.1",
    year=2022,
    url="https://ucdp.uu.se/downloads/",
    note="CC BY 4.0",
)

#: UCDP 'Org' codes (UCDP actor codebook): 1 rebel group, 2 supporters of a party, 3 ethnic or religious
#: group, 4 government.
_ORG_KIND = {"1": "rebel", "2": "supporters", "3": "identity-group", "4": "state"}


def ucdp_id(actor_id: int | str) -> str:
    """Registry id of an unclaimed UCDP actor."""
    return f"ucdp-{int(actor_id)}"


def default_actor_file() -> Path | None:
    """The UCDP actor list in ``$SPILLOVER_DATA_DIR``, or None (with a warning) when it is not there."""
    folder = os.environ.get(DATA_DIR_ENV)
    if folder and (Path(folder) / UCDP_ACTOR_FILE).is_file():
        return Path(folder) / UCDP_ACTOR_FILE
    warnings.warn(
        f"UCDP actor list not found (looked for {UCDP_ACTOR_FILE} in ${DATA_DIR_ENV}={folder!r}); "
        "the registry is loaded without its UCDP layer",
        stacklevel=3,
    )
    return None


def read_actor_list(path: Path) -> pd.DataFrame:
    """The actor list as strings (the header of the official CSV starts with a byte-order mark)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lstrip("\ufeff") for c in frame.columns]
    missing = {"ActorId", "NameData"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not a UCDP actor list (missing columns {sorted(missing)})")
    return frame


def _ids(cell: str) -> list[int]:
    return [int(float(x)) for x in cell.split(",") if x.strip()]


def _names(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(",") if x.strip()]


def actor_groups(frame: pd.DataFrame) -> list[Group]:
    """One registry group per actor, with its UCDP names as aliases and its UCDP links as relations."""
    return [_actor_group(row) for row in frame.to_dict("records")]


def _actor_group(row: dict[str, str]) -> Group:
    name = row["NameData"].strip()
    strong = {name, row.get("NameOrig", "").strip()}
    if row.get("NameChange") == "1":
        strong.update(_names(row.get("NewName", "")))
    weak = {row.get(c, "").strip() for c in ("NameOrigFull", "NameOrigFullEng")} - strong
    return Group(
        id=ucdp_id(row["ActorId"]),
        name=name,
        kind=_ORG_KIND.get(row.get("Org", "").strip(), "other"),
        aliases=Aliases(
            ucdp=[Alias(name=n) for n in sorted(strong) if n],
            other=[Alias(name=n, note="ucdp-descriptive") for n in sorted(weak) if n],
        ),
        ucdp_actor_id=[int(row["ActorId"])],
        region=row.get("Location") or None,
        relations=_actor_relations(row),
        sources=[CITATION],
        origin="ucdp",
        note=f"UCDP actor {row['ActorId']}" + (f"; org type {row['Org']}" if row.get("Org") else ""),
    )


def _actor_relations(row: dict[str, str]) -> list[Relation]:
    links = [
        ("Splinter", "ActorIdPrev", "split_from", "UCDP: splinter of"),
        ("SplitTemp", "ActorIdSplitTemp", "split_from", "UCDP: temporary split from"),
        ("Alliance", "ActorIdAlliance", "component_of", "UCDP: formed or joined the alliance"),
        ("JoinGroup", "ActorIdGroup", "component_of", "UCDP: joined the group"),
    ]
    relations = []
    for flag, column, kind, note in links:
        if row.get(flag) != "1":
            continue
        for target in _ids(row.get(column, "")):
            relations.append(Relation(type=kind, target=ucdp_id(target), sources=[CITATION], note=note))
    return relations
