"""Raw rows of the shared test data → the event schema, for the analysis tests.

The analysis tests do not go through the store: they normalise raw rows here with pandas, reusing the
loaders' code tables (ACLED precisions and interaction codes, GTD attack types and specificity, RAND
weapons); only the ACLED sub-event table is its own (every sub-event it does not list is non-violent).  Data are found through
``$SPILLOVER_DATA_DIR`` (default ``<repo>/../shared/data``); tests skip only when a file is absent.
Nothing is copied into the repository.
"""

from __future__ import annotations

import logging
import os
import re
from functools import cache
from pathlib import Path

import country_converter as coco
import numpy as np
import pandas as pd
import pytest

from spillover.sources import acled, gtd, rand

REPO = Path(__file__).resolve().parents[1]

ACLED_SUB_EVENT_TACTIC = {
    "Suicide bomb": "suicide_attack",
    "Remote explosive/landmine/IED": "bombing",
    "Grenade": "bombing",
    "Abduction/forced disappearance": "kidnapping",
    "Armed clash": "battle",
    "Government regains territory": "battle",
    "Non-state actor overtakes territory": "battle",
    "Attack": "armed_assault",
    "Shelling/artillery/missile attack": "remote_violence",
    "Air/drone strike": "remote_violence",
    "Looting/property destruction": "looting",
    "Sexual violence": "other",
    "Violent demonstration": "other",
    "Mob violence": "other",
    "Excessive force against protesters": "other",
}
#: GTD specificity 1..5 → geo precision, the loader's table keyed by the integers of the raw files.
GTD_GEO_PRECISION = {int(code): precision for code, precision in gtd.SPECIFICITY.items()}
SUICIDE_TEXT = re.compile(r"\bsuicide\b", re.IGNORECASE)
KIDNAP_TEXT = re.compile(r"\b(?:kidnap|abduct|hostage)", re.IGNORECASE)


def data_dir() -> Path:
    return Path(os.environ.get("SPILLOVER_DATA_DIR", REPO.parent / "shared" / "data"))


def data_path(relative: str) -> Path:
    """Path of a shared data file; the calling test is skipped when it is absent."""
    path = data_dir() / relative
    if not path.is_file():
        pytest.skip(f"test data not available: {path}")
    return path


@cache
def read_raw(relative: str) -> pd.DataFrame:
    """The raw file as strings-and-numbers, cached for the session (callers must not mutate it)."""
    return pd.read_csv(data_path(relative), low_memory=False)


@cache
def _converter() -> coco.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@cache
def _iso3(name: str) -> str | None:
    code = _converter().convert(name, to="ISO3", not_found=None)
    return code if isinstance(code, str) and len(code) == 3 and code.isupper() else None


def iso3(names: pd.Series) -> pd.Series:
    """Country names → ISO3 with country_converter (None where the name has no code)."""
    return names.map(lambda n: _iso3(n) if isinstance(n, str) and n else None)


def _text_code(values: pd.Series) -> pd.Series:
    """'1.0' / 1 / '1' → '1' (files converted from R write integers as floats)."""
    return values.map(lambda v: str(int(float(v))) if pd.notna(v) and str(v).strip() != "" else None)


def _parse_dates(values: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=values.index)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d-%b-%y"):
        out = out.fillna(pd.to_datetime(values, format=fmt, errors="coerce"))
    return out


ACTOR_NATIONALITY = [re.compile(r"Forces of (.+?)(?: \(|$)"), re.compile(r"\(([^()]+)\)$")]


def actor_nationality(actor: str | float) -> str | None:
    """Country named in an ACLED actor ('Civilians (Nigeria)', 'Military Forces of France (2017-)')."""
    if not isinstance(actor, str):
        return None
    for pattern in ACTOR_NATIONALITY:
        m = pattern.search(actor)
        if m and _iso3(m.group(1)):
            return m.group(1)
    return None


def acled_events(raw: pd.DataFrame, *, id_prefix: str = "acled") -> pd.DataFrame:
    """ACLED 2019–2020 dyadic rows → schema; ``group_id`` is actor1 (the initiator)."""
    day = _parse_dates(raw["event_date"].astype(str))
    precision = _text_code(raw["time_precision"]).map(acled.TIME_PRECISION).fillna("day")
    month = day.dt.to_period("M")
    start = day.where(precision != "month", month.dt.start_time)
    start = start.where(precision != "week", day - pd.Timedelta(days=3))
    end = day.where(precision != "month", month.dt.end_time.dt.normalize())
    end = end.where(precision != "week", day + pd.Timedelta(days=3))
    lat = pd.to_numeric(raw["latitude"], errors="coerce")
    tactic = raw["sub_event_type"].map(ACLED_SUB_EVENT_TACTIC).fillna("non_violent")
    geo = _text_code(raw["geo_precision"]).map(acled.GEO_PRECISION).where(lat.notna(), "none")
    return pd.DataFrame(
        {
            "event_id": id_prefix + ":" + raw["event_id_cnty"].astype(str),
            "source": "acled",
            "date_start": start,
            "date_end": end,
            "date_precision": precision,
            "year": day.dt.year,
            "country_iso3": iso3(raw["country"]),
            "country": raw["country"],
            "admin1": raw["admin1"],
            "location": raw["location"],
            "latitude": lat,
            "longitude": pd.to_numeric(raw["longitude"], errors="coerce"),
            "geo_precision": geo.fillna("none"),
            "side_a": raw["actor1"],
            "side_b": raw.get("actor2"),
            "tactic": tactic,
            "tactics": tactic.map(lambda t: [t]),
            "suicide": tactic == "suicide_attack",
            "target_type": _text_code(raw["inter2"]).map(acled.INTER) if "inter2" in raw else None,
            "target_nationality": raw["actor2"].map(actor_nationality) if "actor2" in raw else None,
            "fatalities": pd.to_numeric(raw["fatalities"], errors="coerce"),
            "description": raw["notes"],
            "group_id": raw["actor1"],
        }
    )


def gtd_events(raw: pd.DataFrame) -> pd.DataFrame:
    """GTD full-layout rows → schema; ``group_id`` is gname.  iday 0 → month precision, imonth 0 → year."""
    year = raw["iyear"].astype(int)
    month = raw["imonth"].astype(int)
    dayn = raw["iday"].astype(int)
    precision = np.where(month == 0, "year", np.where(dayn == 0, "month", "day"))
    start = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month.clip(lower=1), "day": dayn.clip(lower=1)}), errors="coerce"
    )
    end = start.where(precision != "month", start + pd.offsets.MonthEnd(0))
    end = end.where(precision != "year", start + pd.offsets.YearEnd(0))
    suicide = raw["suicide"].fillna(0).astype(int) == 1
    attacks = [
        raw[c].map(gtd.ATTACK_TYPES) for c in ("attacktype1_txt", "attacktype2_txt", "attacktype3_txt")
    ]
    primary = attacks[0].fillna("unknown").where(~suicide, "suicide_attack")
    tactics = [
        list(dict.fromkeys((["suicide_attack"] if s else []) + [a for a in row if isinstance(a, str)]))
        for s, row in zip(suicide, zip(*attacks, strict=True), strict=True)
    ]
    lat = pd.to_numeric(raw["latitude"], errors="coerce")
    geo = raw["specificity"].map(GTD_GEO_PRECISION).where(lat.notna(), "none")

    def counts(col: str) -> pd.Series:
        v = pd.to_numeric(raw[col], errors="coerce") if col in raw else pd.Series(np.nan, index=raw.index)
        return v.where(v >= 0)

    ransom = pd.to_numeric(raw["ransom"], errors="coerce")
    return pd.DataFrame(
        {
            "event_id": "gtd:" + raw["eventid"].astype("int64").astype(str),
            "source": "gtd",
            "date_start": start,
            "date_end": end,
            "date_precision": precision,
            "year": year,
            "country_iso3": iso3(raw["country_txt"]),
            "country": raw["country_txt"],
            "admin1": raw["provstate"],
            "location": raw["city"],
            "latitude": lat,
            "longitude": pd.to_numeric(raw["longitude"], errors="coerce"),
            "geo_precision": geo.fillna("none"),
            "side_a": raw["gname"],
            "tactic": primary,
            "tactics": tactics,
            "suicide": suicide,
            "target_type": raw["targtype1_txt"],
            "target_nationality": raw["natlty1_txt"],
            "fatalities": counts("nkill"),
            "wounded": counts("nwound"),
            "hostages": counts("nhostkid"),
            "ransom_demanded": ransom.map({1: True, 0: False}),
            "ransom_amount": counts("ransomamt"),
            "ransom_paid": counts("ransompaid"),
            "description": raw["summary"],
            "group_id": raw["gname"],
        }
    )


def rand_events(raw: pd.DataFrame) -> pd.DataFrame:
    """RAND RDWTI rows → schema; suicide and kidnapping are read from the description, else the weapon."""
    text = raw["Description"].fillna("")
    suicide = text.str.contains(SUICIDE_TEXT)
    kidnap = text.str.contains(KIDNAP_TEXT)
    tactic = raw["Weapon"].map(rand.WEAPON_TACTIC).fillna("unknown")
    tactic = tactic.mask(kidnap, "kidnapping").mask(suicide, "suicide_attack")
    date = pd.to_datetime(raw["Date"], errors="coerce")
    return pd.DataFrame(
        {
            "event_id": "rand:" + (raw.index + 1).astype(str),
            "source": "rand",
            "date_start": date,
            "date_end": date,
            "date_precision": "day",
            "year": date.dt.year,
            "country_iso3": iso3(raw["Country"]),
            "country": raw["Country"],
            "location": raw["City"],
            "geo_precision": "none",
            "side_a": raw["Perpetrator"],
            "tactic": tactic,
            "tactics": tactic.map(lambda t: [t]),
            "suicide": suicide,
            "fatalities": pd.to_numeric(raw["Fatalities"], errors="coerce"),
            "wounded": pd.to_numeric(raw["Injuries"], errors="coerce"),
            "description": raw["Description"],
            "group_id": raw["Perpetrator"],
        }
    )


def gtd_point_events(raw: pd.DataFrame) -> pd.DataFrame:
    """The lgcpSPDE GTD subset (no ids, no attack types) → schema, ids from the 1-based row number.

    Its ``specificity`` was recoded by the package author (1/2); both are taken as located events.
    """
    dayn = raw["iday"].astype(int)
    start = pd.to_datetime(
        pd.DataFrame({"year": raw["iyear"], "month": raw["imonth"].clip(lower=1), "day": dayn.clip(lower=1)}),
        errors="coerce",
    )
    end = start.where(dayn != 0, start + pd.offsets.MonthEnd(0))
    lat = pd.to_numeric(raw["latitude"], errors="coerce")
    return pd.DataFrame(
        {
            "event_id": "gtdl:" + (raw.index + 1).astype(str),
            "source": "gtd",
            "date_start": start,
            "date_end": end,
            "date_precision": np.where(dayn == 0, "month", "day"),
            "year": raw["iyear"],
            "country_iso3": iso3(raw["country"]),
            "country": raw["country"],
            "latitude": lat,
            "longitude": pd.to_numeric(raw["longitude"], errors="coerce"),
            "geo_precision": np.where(lat.notna(), "point", "none"),
            "tactic": "unknown",
            "fatalities": pd.to_numeric(raw["nkill"], errors="coerce"),
            "group_id": raw["gname"],
        }
    )


@cache
def acled_file_events(relative: str) -> pd.DataFrame:
    return acled_events(read_raw(relative))


@cache
def gtd_file_events(relative: str) -> pd.DataFrame:
    return gtd_events(read_raw(relative))


@cache
def rand_file_events(relative: str) -> pd.DataFrame:
    return rand_events(read_raw(relative))


@cache
def gtd_point_file_events(relative: str) -> pd.DataFrame:
    return gtd_point_events(read_raw(relative))


def group_rows(events: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Events whose ``group_id`` contains ``pattern`` (regex, case-sensitive)."""
    return events[events["group_id"].fillna("").str.contains(pattern, regex=True)].copy()


def synthetic_events(rows: list[dict], prefix: str = "syn") -> pd.DataFrame:
    """A schema frame from a few dicts (date, tactic, …); ids are ``prefix:<n>``, dates are exact days."""
    df = pd.DataFrame(rows)
    df["date_start"] = pd.to_datetime(df.pop("date"))
    df["date_end"] = df["date_start"]
    df.insert(0, "event_id", [f"{prefix}:{i}" for i in range(len(df))])
    df["date_precision"] = "day"
    return df


def synthetic_mix(
    seed: int,
    months: int,
    per_month: float,
    mix_before: dict[str, float],
    mix_after: dict[str, float] | None = None,
    change_at: int | None = None,
    start: str = "2005-01-01",
    prefix: str = "syn",
) -> pd.DataFrame:
    """Poisson(per_month) events a month, tactics drawn from ``mix_before`` and, from month ``change_at``
    on, from ``mix_after``."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, month in enumerate(pd.date_range(start, periods=months, freq="MS")):
        mix = mix_after if change_at is not None and i >= change_at else mix_before
        for tactic in rng.choice(list(mix), size=rng.poisson(per_month), p=list(mix.values())):
            rows.append({"date": month + pd.Timedelta(days=int(rng.integers(0, 27))), "tactic": str(tactic)})
    return synthetic_events(rows, prefix)
