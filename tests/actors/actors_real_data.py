"""Where the real data lives and how each real event file names its perpetrators (used by the actor tests).

The tests aggregate the raw perpetrator columns of every real event file themselves (no store), so the
coverage figures measure the registry against exactly what each dataset writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """$SPILLOVER_DATA_DIR, else ../shared/data beside the repository."""
    return Path(os.environ.get("SPILLOVER_DATA_DIR", REPO.parent / "shared" / "data"))


@dataclass(frozen=True)
class EventFile:
    path: str  # relative to the data folder
    source: str  # dataset family: gtd, ged, acled, rand
    name_columns: tuple[str, ...]  # perpetrator / side columns
    fatalities: str


EVENT_FILES: tuple[EventFile, ...] = (
    EventFile("events/gtd1993_0615dist.csv.gz", "gtd", ("gname", "gname2", "gname3"), "nkill"),
    EventFile("events/gtd_lgcpspde_2010_2017_subset.csv.gz", "gtd", ("gname",), "nkill"),
    EventFile("events/gtd_somalia_1975_2018_renamed.csv.gz", "gtd", ("Group Name",), "Fatalities"),
    EventFile("events/rand_rdwti_1968_2009_exdex.csv.gz", "rand", ("Perpetrator",), "Fatalities"),
    EventFile("events/acled_hdx_mali_1997_2020.csv.gz", "acled", ("actor1",), "fatalities"),
    EventFile("events/acled_hdx_niger_1997_2020.csv.gz", "acled", ("actor1",), "fatalities"),
    EventFile("events/acled_hdx_burkina_faso_1997_2020.csv.gz", "acled", ("actor1",), "fatalities"),
    EventFile("events/acled_mali_2017_2020_monadic.csv.gz", "acled", ("actor1",), "fatalities"),
    EventFile("events/acled_nigeria_1997_2016_v7.csv.gz", "acled", ("ACTOR1",), "FATALITIES"),
    EventFile("events/acled_boko_haram_lake_chad_2009_2019.csv.gz", "acled", ("actor1",), "fatalities"),
    EventFile("events/ucdp_ged_nigeria_1990_2019_hdx.csv.gz", "ged", ("side_a", "side_b"), "best"),
    EventFile("gtd_0718dist_head_1970_1972.csv.gz", "gtd", ("gname", "gname2", "gname3"), "nkill"),
    EventFile("gtd_0718dist_sample_2000_2017.csv.gz", "gtd", ("gname", "gname2", "gname3"), "nkill"),
    EventFile("ucdp_ged_v23_1_random_sample_1000.csv.gz", "ged", ("side_a", "side_b"), "best"),
    EventFile("ucdp_ged_v19_1_syria.csv.gz", "ged", ("side_a", "side_b"), "best"),
    EventFile("ucdp_ged_myanmar_1989_2023.csv.gz", "ged", ("side_a", "side_b"), "best"),
    EventFile("ucdp_ged_mexico_1989_2023.csv.gz", "ged", ("side_a", "side_b"), "best"),
    EventFile("acled_global_2020-04-28_2020-05-09_export.csv.gz", "acled", ("actor1",), "fatalities"),
)


def actor_names(folder: Path, spec: EventFile) -> pd.DataFrame:
    """One row per distinct perpetrator/side name: source, file, name, events (distinct rows), fatalities."""
    frame = pd.read_csv(
        folder / spec.path, dtype=str, keep_default_na=False, usecols=[*spec.name_columns, spec.fatalities]
    )
    frame["_row"] = range(len(frame))
    frame["_fat"] = pd.to_numeric(frame[spec.fatalities], errors="coerce")
    long = frame.melt(id_vars=["_row", "_fat"], value_vars=list(spec.name_columns), value_name="name")
    long["name"] = long["name"].str.strip()
    long = long[long["name"] != ""].drop_duplicates(["_row", "name"])
    out = long.groupby("name").agg(events=("_row", "nunique"), fatalities=("_fat", "sum")).reset_index()
    out.insert(0, "file", Path(spec.path).name)
    out.insert(0, "source", spec.source)
    return out
