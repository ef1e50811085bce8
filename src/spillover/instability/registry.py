"""Dated onsets of instability per country, from coup lists, UCDP conflict onsets and a curated file.

One row per onset, columns :data:`ONSET_COLUMNS`.  Why the sources are combined this way:

* Coups come from two lists that disagree at the margins (Cline counts more "coups", Powell & Thyne
  dates some a day apart).  A coup both report within ``dedupe_days`` in the same country is one onset
  listing both sources, so a coup is never counted twice.
* Armed-conflict onsets are derived from UCDP/PRIO ACD conflict-years: the first episode of a conflict is
  a ``war_onset`` and every later episode (UCDP starts a new one after a year or more without 25 battle
  deaths) a ``war_restart``.  The non-state side of the conflict is kept (as slugs in
  ``target_groups``) so that a group's *own* war is not mistaken for an opportunity it exploited.
* Regime collapses and foreign interventions are in no dataset, so they are in a shipped, cited YAML
  file (``data/onsets.yaml``), which users can extend with their own files.

Country codes are mapped with ``country_converter``: names first (COW and Gleditsch-Ward codes differ for
a few states and the Cline file has a few wrong codes), then the Gleditsch-Ward code, then a short
override table for codes ``country_converter`` does not know.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from spillover.config import DATA_DIR_ENV
from spillover.countries import iso3 as name_to_iso3
from spillover.period import period_bounds

#: Columns of the onset registry, in order.
ONSET_COLUMNS: tuple[str, ...] = (
    "country_iso3",
    "country",
    "date",
    "date_precision",
    "kind",
    "detail",
    "source",
    "target_groups",
    "interveners",
    "citation",
)

#: Kinds of onset and what each means.
ONSET_KINDS: dict[str, str] = {
    "coup": "Successful coup d'etat (Powell & Thyne coup=2; Cline Center realized coup)",
    "coup_attempt": "Failed coup attempt (Powell & Thyne coup=1; Cline Center attempted coup)",
    "coup_plot": "Coup conspiracy discovered before execution (Cline Center; off by default)",
    "war_onset": "First episode of a state-based armed conflict (UCDP/PRIO ACD) or a curated war start",
    "war_restart": "New episode of a UCDP/PRIO ACD conflict after a lull of a year or more",
    "regime_collapse": "The government falls, flees or loses its capital",
    "loss_of_territory": "The state loses control of a large part of its territory",
    "uprising": "Mass revolt or rebellion against the government begins",
    "constitutional_breakdown": "Elections cancelled, constitution suspended, state of emergency",
    "foreign_intervention": "Foreign military intervention begins",
}

#: How to cite each source of onsets.
CITATIONS: dict[str, str] = {
    "powell_thyne": (
        "Powell, J. M. & Thyne, C. L. (2011). Global instances of coups from 1950 to 2010: A new dataset. "
        "Journal of Peace Research 48(2): 249-259. Data version V2022.11.29."
    ),
    "cline": (
        "Peyton, B., Bajjalieh, J., Shalmon, D., Martin, M., Bonaguro, J. et al. Cline Center Coup d'Etat "
        "Project Dataset, version 2.0.0. Cline Center for Advanced Social Research, University of Illinois "
        "Urbana-Champaign."
    ),
    "ucdp_acd": (
        "Davies, S., Pettersson, T. & Oberg, M. (2025). Organized violence 1989-2024. Journal of Peace "
        "Research 62(4); Gleditsch, N. P., Wallensteen, "
        "P., Eriksson, M., Sollenberg, M. & Strand, H. (2002). Armed Conflict 1946-2001: A New Dataset. "
        "Journal of Peace Research 39(5): 615-637. UCDP/PRIO Armed Conflict Dataset v25.1."
    ),
    "curated": "spillover curated onsets (src/spillover/instability/data/onsets.yaml); each row cites its own source.",
}

#: File name patterns of each dataset in the data folder (the lexically last match is used).
DATASET_PATTERNS: dict[str, str] = {
    "powell_thyne": "powell_thyne_coups_*.csv*",
    "cline": "cline_coup_data_*.csv*",
    "ucdp_acd": "ucdp_prio_acd_*.csv*",
}

#: All sources :func:`load_onsets` knows.
SOURCES: tuple[str, ...] = ("powell_thyne", "cline", "ucdp_acd", "curated")

#: State codes ``country_converter`` cannot map (its Gleditsch-Ward table lacks them), each mapped to
#: the present-day state that holds the territory.  COW and GW differ for these (GW 260/COW 255
#: Germany, GW 678/COW 679 Yemen, 345 Yugoslavia, 816 Vietnam).
STATE_CODE_OVERRIDES: dict[int, str] = {
    255: "DEU",  # Germany (COW)
    260: "DEU",  # German Federal Republic (GW)
    345: "SRB",  # Yugoslavia / Serbia (COW and GW)
    678: "YEM",  # Yemen Arab Republic (North Yemen)
    679: "YEM",  # Yemen (COW, from 1990)
    680: "YEM",  # Yemen People's Republic (South Yemen)
    816: "VNM",  # Vietnam / Democratic Republic of Vietnam
}

#: ACD precision codes → schema date precision (4 = within a quarter or vaguer becomes "year").
ACD_PRECISION: dict[int, str] = {1: "day", 2: "week", 3: "month"}

_CURATED_FILE = "onsets.yaml"


class UnknownCountry(ValueError):
    """A country name or code that maps to no ISO3 code."""

    def __init__(self, country: str):
        super().__init__(f"unknown country: {country!r} (give an ISO3 code or an English name)")
        self.country = country


def _converter() -> Any:  # a country_converter.CountryConverter
    from spillover.countries import converter

    return converter()


@lru_cache(maxsize=4096)
def state_code_to_iso3(code: int) -> str | None:
    """ISO3 of a Gleditsch-Ward (or, where equal, COW) state code; None when nothing maps."""
    code = int(code)
    if code in STATE_CODE_OVERRIDES:
        return STATE_CODE_OVERRIDES[code]
    from spillover.countries import code_to_iso3

    result = code_to_iso3(code, "GWcode")
    return result if isinstance(result, str) and result.isalpha() and len(result) == 3 else None


def _iso3_from_name_or_code(name: str, code) -> str | None:
    by_name = name_to_iso3(str(name)) if isinstance(name, str) and name else None
    if by_name:
        return by_name
    return None if pd.isna(code) else state_code_to_iso3(int(code))


def country_iso3(country: str) -> str:
    """ISO3 code of an ISO3 code or country name; raises :class:`UnknownCountry`."""
    text = str(country).strip()
    if len(text) == 3 and text.isalpha() and text.upper() in _known_iso3():
        return text.upper()
    code = name_to_iso3(text) if text else None
    if not code:
        raise UnknownCountry(country)
    return code


@lru_cache(maxsize=1)
def _known_iso3() -> frozenset[str]:
    return frozenset(_converter().data["ISO3"].dropna())


# ---------------------------------------------------------------------------------------------
# Coups
# ---------------------------------------------------------------------------------------------


def _day_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates and precisions; an unknown day (0 or missing) gives the first of the month, precision month."""
    day_known = day.fillna(0).astype(int) > 0
    dates = pd.to_datetime(
        pd.DataFrame(
            {"year": year.astype(int), "month": month.astype(int), "day": day.fillna(1).clip(lower=1)}
        ),
        errors="coerce",
    )
    return dates, pd.Series(np.where(day_known, "day", "month"), index=year.index)


def read_powell_thyne(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Powell & Thyne coups (coup=2 successful → coup, 1 failed → coup_attempt)."""
    raw = pd.read_csv(path)
    dates, precision = _day_dates(raw["year"], raw["month"], raw["day"])
    successful = raw["coup"].astype(int) == 2
    return pd.DataFrame(
        {
            "country_iso3": [
                _iso3_from_name_or_code(n, c) for n, c in zip(raw["country"], raw["ccode"], strict=True)
            ],
            "country": raw["country"],
            "date": dates,
            "date_precision": precision,
            "kind": np.where(successful, "coup", "coup_attempt"),
            "detail": np.where(
                successful, "Successful coup (Powell & Thyne)", "Failed coup attempt (Powell & Thyne)"
            ),
            "source": "powell_thyne",
        }
    )


_CLINE_KINDS = {"coup": "coup", "attempted": "coup_attempt", "conspiracy": "coup_plot"}


def read_cline(path: str | os.PathLike[str], include_plots: bool = False) -> pd.DataFrame:
    """Cline Center coups, attempts and (optionally) conspiracies."""
    raw = pd.read_csv(path)
    kinds = raw["event_type"].map(_CLINE_KINDS)
    raw = raw[kinds.notna() & (include_plots | (kinds != "coup_plot"))]
    kinds = kinds.loc[raw.index]
    dates, precision = _day_dates(raw["year"], raw["month"], raw["day"])
    return pd.DataFrame(
        {
            "country_iso3": [
                _iso3_from_name_or_code(n, c) for n, c in zip(raw["country"], raw["cowcode"], strict=True)
            ],
            "country": raw["country"],
            "date": dates,
            "date_precision": precision,
            "kind": kinds,
            "detail": "Cline Center "
            + raw["event_type"].astype(str)
            + " (id "
            + raw["coup_id"].astype(str)
            + ")",
            "source": "cline",
        }
    ).reset_index(drop=True)


def merge_coup_lists(first: pd.DataFrame, second: pd.DataFrame, max_gap_days: int = 7) -> pd.DataFrame:
    """One onset per coup: a ``second`` row within ``max_gap_days`` of a ``first`` row in the same country
    is folded into that row (its kind is kept; sources and details are joined).  Each ``first`` row absorbs
    at most its nearest match."""
    if first.empty or second.empty:
        return pd.concat([first, second], ignore_index=True)
    left = second.reset_index(names="_second").dropna(subset=["date", "country_iso3"]).sort_values("date")
    right = first.reset_index(names="_first").dropna(subset=["date", "country_iso3"]).sort_values("date")
    right = right.assign(_first_date=right["date"])[["_first", "_first_date", "country_iso3", "date"]]
    matched = pd.merge_asof(
        left[["_second", "country_iso3", "date"]],
        right,
        on="date",
        by="country_iso3",
        direction="nearest",
        tolerance=pd.Timedelta(days=max_gap_days),
    ).dropna(subset=["_first"])
    matched["gap"] = (matched["date"] - matched["_first_date"]).abs()
    matched = matched.sort_values("gap").drop_duplicates("_first")
    merged = first.copy()
    firsts, seconds = matched["_first"].astype(int).to_numpy(), matched["_second"].astype(int).to_numpy()
    other = second.loc[seconds]  # each first row absorbs one second row at most, and each second one first
    merged.loc[firsts, "source"] = [
        f"{mine}; {theirs}"
        for mine, theirs in zip(merged.loc[firsts, "source"], other["source"], strict=True)
    ]
    merged.loc[firsts, "detail"] = [
        f"{mine}; {theirs} on {day:%Y-%m-%d}"
        for mine, theirs, day in zip(
            merged.loc[firsts, "detail"], other["detail"], other["date"], strict=True
        )
    ]
    unmatched = second.drop(index=seconds)
    return pd.concat([merged, unmatched], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# UCDP/PRIO Armed Conflict Dataset
# ---------------------------------------------------------------------------------------------


def _acd_precision(code) -> str:
    return "year" if pd.isna(code) else ACD_PRECISION.get(int(code), "year")


def registry_ids(
    names: Iterable[str], dataset: str | None = None, when: Any = None, country: str | None = None
) -> tuple[str, ...]:
    """The actor registry's ids for group names or ids as a dataset writes them (resolved on the onset's
    date and in its country: UCDP's 'IS' in Nigeria is ISWAP); a name the registry does not know keeps its
    slug, so that it still matches nothing rather than the wrong group."""
    from spillover.actors import default_registry, default_resolver
    from spillover.actors.text import slugify

    registry, resolver = default_registry(), default_resolver()
    ids: list[str] = []
    for name in (n.strip() for n in names if isinstance(n, str)):
        if not name:
            continue
        if name in registry:
            ids.append(registry.canonical_id(name))
            continue
        found = resolver.resolve(name, dataset, when, country)
        ids += list(found.group_ids) if found.group_ids else [slugify(name)]
    return tuple(dict.fromkeys(ids))


def _acd_groups(side_b: str, when: Any = None, country: str | None = None) -> tuple[str, ...]:
    """The registry ids of a UCDP conflict's non-state sides (UCDP's own spellings)."""
    return registry_ids(side_b.split(","), "ucdp", when, country) if isinstance(side_b, str) else ()


def read_ucdp_acd(
    path: str | os.PathLike[str], onset_date: Literal["activity", "first_death"] = "activity"
) -> pd.DataFrame:
    """War onsets and restarts from UCDP/PRIO ACD conflict-year rows, one row per location country.

    ``onset_date="activity"`` dates a conflict's onset when it first reached 25 battle deaths in a year
    (the first episode's ``start_date2``), ``"first_death"`` at its first recorded battle death
    (``start_date``), which for some conflicts is years earlier (Algeria: 1985 vs 1991).
    """
    raw = pd.read_csv(path, dtype={"gwno_loc": str})
    raw = raw.sort_values(["conflict_id", "year"])
    episodes = raw.drop_duplicates(["conflict_id", "start_date2"], keep="first").copy()
    episodes["episode"] = episodes.groupby("conflict_id").cumcount()
    rows = []
    for ep in episodes.itertuples(index=False):
        first = ep.episode == 0
        if first and onset_date == "first_death":
            when, precision = ep.start_date, _acd_precision(ep.start_prec)
        else:
            when, precision = ep.start_date2, _acd_precision(ep.start_prec2)
        issue = (
            ep.territory_name if isinstance(ep.territory_name, str) and ep.territory_name else "government"
        )
        detail = f"UCDP conflict {ep.conflict_id}: {ep.side_a} vs {str(ep.side_b).strip()} ({issue})"
        detail += f"; first battle death {ep.start_date}" if first else "; new episode after a lull"
        for code in str(ep.gwno_loc).split(","):
            code = code.strip()
            if not code:
                continue
            iso3 = state_code_to_iso3(int(float(code)))
            rows.append(
                {
                    "country_iso3": iso3,
                    "country": ep.location,
                    "date": pd.Timestamp(when),
                    "date_precision": precision,
                    "kind": "war_onset" if first else "war_restart",
                    "detail": detail,
                    "source": "ucdp_acd",
                    "target_groups": _acd_groups(ep.side_b, when, iso3),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Curated YAML
# ---------------------------------------------------------------------------------------------


class CuratedOnset(BaseModel):
    """One entry of an onsets YAML file."""

    model_config = ConfigDict(extra="forbid")

    country: str
    date: date
    precision: Literal["day", "week", "month", "year"] = "day"
    kind: str
    detail: str
    citation: str = Field(min_length=3)
    target_group: list[str] = Field(default_factory=list)
    intervener: list[str] = Field(default_factory=list)

    @field_validator("date", mode="before")
    @classmethod
    def _partial_dates(cls, value):
        """'2015-01' and '2015' are read as the first day of the month or year."""
        if isinstance(value, int):
            value = str(value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2})?", value):
            value = f"{value}-01-01"[:10] if len(value) == 4 else f"{value}-01"
        return value

    @field_validator("target_group", "intervener", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in ONSET_KINDS:
            raise ValueError(f"unknown kind {value!r}; one of {sorted(ONSET_KINDS)}")
        return value


def read_onsets_yaml(path: str | os.PathLike[str] | None = None, source: str | None = None) -> pd.DataFrame:
    """Onsets from a curated YAML file (the shipped one when ``path`` is None)."""
    if path is None:
        text = resources.files("spillover.instability").joinpath("data", _CURATED_FILE).read_text("utf-8")
        source = source or "curated"
    else:
        text = Path(path).read_text("utf-8")
        source = source or f"user:{Path(path).name}"
    document = yaml.safe_load(text) or {}
    entries = document.get("onsets", []) if isinstance(document, dict) else document
    rows = []
    for number, entry in enumerate(entries, start=1):
        try:
            item = CuratedOnset.model_validate(entry)
        except Exception as exc:  # pydantic.ValidationError, re-raised with the entry's position
            raise ValueError(f"{path or _CURATED_FILE}: entry {number}: {exc}") from exc
        rows.append(
            {
                "country_iso3": country_iso3(item.country),
                "country": item.country,
                "date": pd.Timestamp(item.date),
                "date_precision": item.precision,
                "kind": item.kind,
                "detail": item.detail,
                "source": source,
                "target_groups": registry_ids(item.target_group, None, item.date, country_iso3(item.country)),
                "interveners": tuple(country_iso3(c) for c in item.intervener),
                "citation": item.citation,
            }
        )
    return pd.DataFrame(rows, columns=list(ONSET_COLUMNS))


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------


def find_dataset(source: str, data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Path of a dataset in ``data_dir`` or ``$SPILLOVER_DATA_DIR`` (None when absent)."""
    folder = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
    if folder is None or not Path(folder).expanduser().is_dir():
        return None
    matches = sorted(Path(folder).expanduser().glob(DATASET_PATTERNS[source]))
    return matches[-1] if matches else None


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ONSET_COLUMNS:
        if column not in frame:
            frame[column] = None
    for column in ("target_groups", "interveners"):
        frame[column] = [v if isinstance(v, tuple) else () for v in frame[column]]
    missing_citation = frame["citation"].isna()
    frame.loc[missing_citation, "citation"] = frame.loc[missing_citation, "source"].map(
        lambda s: "; ".join(CITATIONS.get(part.strip(), part) for part in str(s).split(";"))
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.dropna(subset=["date"])
    return (
        frame[list(ONSET_COLUMNS)]
        .sort_values(["date", "country_iso3", "kind"], kind="stable")
        .reset_index(drop=True)
    )


@lru_cache(maxsize=16)
def _load_cached(
    paths: tuple[tuple[str, str | None], ...],
    extra: tuple[str, ...],
    include_coup_plots: bool,
    dedupe_days: int,
    onset_date: str,
) -> pd.DataFrame:
    """Parsed once per process, and kept on disk between runs (:mod:`spillover.memo`: keyed by the content
    of the files read and by the package's source, which holds the curated onsets and the parsing rules)."""
    from spillover.memo import file_fingerprint, kept

    inputs = (
        tuple((source, file_fingerprint(path)) for source, path in paths),
        tuple(file_fingerprint(p) for p in extra),
        include_coup_plots, dedupe_days, onset_date,
    )  # fmt: skip
    return kept(
        "onsets", inputs, lambda: _read_onsets(paths, extra, include_coup_plots, dedupe_days, onset_date)
    )


def _read_onsets(
    paths: tuple[tuple[str, str | None], ...],
    extra: tuple[str, ...],
    include_coup_plots: bool,
    dedupe_days: int,
    onset_date: str,
) -> pd.DataFrame:
    found = dict(paths)
    parts = []
    coups = []
    if found.get("powell_thyne"):
        coups.append(read_powell_thyne(found["powell_thyne"]))
    if found.get("cline"):
        coups.append(read_cline(found["cline"], include_plots=include_coup_plots))
    if len(coups) == 2:
        parts.append(merge_coup_lists(coups[0], coups[1], max_gap_days=dedupe_days))
    else:
        parts.extend(coups)
    if found.get("ucdp_acd"):
        parts.append(read_ucdp_acd(found["ucdp_acd"], onset_date=onset_date))  # type: ignore[arg-type]
    if "curated" in found:
        parts.append(read_onsets_yaml())
    parts.extend(read_onsets_yaml(path) for path in extra)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(ONSET_COLUMNS))
    return _finish(pd.concat(parts, ignore_index=True))


def load_onsets(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    extra: Iterable[str | os.PathLike[str]] = (),
    sources: Sequence[str] = SOURCES,
    paths: dict[str, str | os.PathLike[str]] | None = None,
    include_coup_plots: bool = False,
    dedupe_days: int = 7,
    onset_date: Literal["activity", "first_death"] = "activity",
) -> pd.DataFrame:
    """The onset registry: one row per onset, columns :data:`ONSET_COLUMNS`, sorted by date.

    Datasets are looked up in ``data_dir`` (default ``$SPILLOVER_DATA_DIR``) unless ``paths`` names a file
    per source.  A requested dataset that is not found is skipped with a warning and listed in
    ``result.attrs["missing_sources"]``, so that a partial registry is never mistaken for a full one.
    """
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown sources {sorted(unknown)}; known: {SOURCES}")
    paths = {k: str(v) for k, v in (paths or {}).items()}
    resolved: list[tuple[str, str | None]] = []
    missing = []
    for source in sources:
        if source == "curated":
            resolved.append(("curated", None))
            continue
        path = paths.get(source) or find_dataset(source, data_dir)
        if path is None:
            missing.append(source)
        else:
            resolved.append((source, str(path)))
    if missing:
        warnings.warn(
            f"instability sources not found (set ${DATA_DIR_ENV} or pass data_dir): {', '.join(missing)}",
            stacklevel=2,
        )
    result = _load_cached(
        tuple(resolved), tuple(str(p) for p in extra), include_coup_plots, dedupe_days, onset_date
    ).copy()
    result.attrs["missing_sources"] = missing
    result.attrs["sources"] = [s for s, _ in resolved]
    return result


def onsets_for(
    country: str,
    onsets: pd.DataFrame | None = None,
    *,
    kinds: Iterable[str] | None = None,
    since: str | pd.Timestamp | None = None,
    until: str | pd.Timestamp | None = None,
    **load_kwargs,
) -> pd.DataFrame:
    """Onsets in one country (ISO3 code or name), oldest first; empty when it has none.

    Raises :class:`UnknownCountry` for a name or code that is no country.
    """
    code = country_iso3(country)
    onsets = load_onsets(**load_kwargs) if onsets is None else onsets
    selected = onsets[onsets["country_iso3"] == code]
    if kinds is not None:
        selected = selected[selected["kind"].isin(list(kinds))]
    return onsets_within(selected, since, until).reset_index(drop=True)


def onsets_within(onsets: pd.DataFrame, since: Any = None, until: Any = None) -> pd.DataFrame:
    """The onsets dated within ``since``–``until`` (read by :func:`~spillover.period.period_bounds`: "2012"
    as a bound is all of 2012; an onset is a day)."""
    first, last = period_bounds(since, until)
    dates = pd.to_datetime(onsets["date"])
    keep = pd.Series(True, index=onsets.index)
    if first is not None:
        keep &= dates >= pd.Timestamp(first)
    if last is not None:
        keep &= dates <= pd.Timestamp(last)
    return onsets[keep.to_numpy()]
