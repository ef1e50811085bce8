"""Whom a group attacks: target types, target nationalities, foreign and Western targets, largest attacks.

"Does it threaten Western interests?" is read here as: what share of its attacks (with a known target
nationality) hit targets whose nationality differs from the country of the event (foreign), and what share
hit nationals of the Western grouping shipped in ``data/country_groups.yaml`` (documented there, and
overridable).  Target nationality is a source's wording (GTD writes "France", "United States",
"Multinational"); it is resolved to ISO3 with the file's aliases and ``country_converter``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from spillover.analysis._common import Periods, assign_periods, ids, load_data_yaml, named_periods, with_dates

GROUPS_FILE = "country_groups.yaml"


@dataclass
class TargetProfile:
    """Target types and nationalities per period, foreign/Western shares and the largest attacks."""

    by_type: pd.DataFrame  # period × target_type: events
    by_nationality: pd.DataFrame  # period × target nationality (source wording): events
    foreign: pd.DataFrame  # one row per period: n_events, n_nationality_known, n_foreign, foreign_share, …
    largest: pd.DataFrame  # top attacks by fatalities, then wounded: event_id, date, country, target…
    western_group: str  # name of the grouping used ("western" or "custom")
    western_iso3: frozenset[str]
    n_events: int
    n_undated: int  # events in no period: date range straddles a boundary, or outside explicit periods
    foreign_evidence: list[str] = field(default_factory=list)
    western_evidence: list[str] = field(default_factory=list)


def load_country_groups(path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Every group of the YAML file as a set of ISO3 codes (``include`` resolved)."""
    spec = load_data_yaml(GROUPS_FILE, path)["groups"]

    def resolve(name: str, seen: tuple[str, ...] = ()) -> frozenset[str]:
        if name in seen:
            raise ValueError(f"country group {name!r} includes itself")
        g = spec[name]
        if isinstance(g, list):
            return frozenset(g)
        out = set(g.get("members", []))
        for inc in g.get("include", []):
            out |= resolve(inc, (*seen, name))
        return frozenset(out)

    return {name: resolve(name) for name in spec}


@cache
def _nationality_iso3(name: str, path: str | None) -> str | None:
    aliases = load_data_yaml(GROUPS_FILE, path).get("nationality_aliases", {})
    if name in aliases:
        return aliases[name]
    from spillover.countries import iso3

    return iso3(name)  # None where the wording names no single country


def nationality_iso3(names: pd.Series, path: str | Path | None = None) -> pd.Series:
    """Target nationality (source wording) → ISO3, None where it names no single country."""
    p = str(path) if path else None
    return names.map(lambda n: _nationality_iso3(n.strip(), p) if isinstance(n, str) and n.strip() else None)


def classify_targets(
    events: pd.DataFrame, western: Iterable[str] | None = None, path: str | Path | None = None
) -> pd.DataFrame:
    """Per event: ``nationality_iso3``, ``foreign`` and ``western`` (each None when it cannot be told).

    Foreign = the target's nationality differs from the event's country, or is "Multinational" /
    "International".  Western = the nationality is in the grouping.  An event with no nationality, or one
    that resolves to no country, is unknown on both counts rather than assumed local.
    """
    spec = load_data_yaml(GROUPS_FILE, path)
    western_set = frozenset(western) if western is not None else load_country_groups(path)["western"]
    multi = {s.lower() for s in spec.get("foreign_without_country", [])}
    nat = (
        events["target_nationality"]
        if "target_nationality" in events
        else pd.Series(None, index=events.index)
    )
    code = nationality_iso3(nat, path)
    is_multi = nat.map(lambda n: isinstance(n, str) and n.strip().lower() in multi)
    country = events["country_iso3"] if "country_iso3" in events else pd.Series(None, index=events.index)
    known = code.notna() & country.notna()
    foreign = pd.Series(np.where(known, code != country, None), index=events.index, dtype=object)
    foreign[is_multi] = True
    western_flag = pd.Series(
        np.where(code.notna(), code.isin(western_set), None), index=events.index, dtype=object
    )
    western_flag[is_multi] = False
    return pd.DataFrame({"nationality_iso3": code, "foreign": foreign, "western": western_flag})


def target_profile(
    events: pd.DataFrame,
    periods: Periods = "year",
    *,
    western: Iterable[str] | str | None = None,
    groups_path: str | Path | None = None,
    top_n: int = 10,
) -> TargetProfile:
    """Target types and nationalities per period, foreign and Western shares, and the ``top_n`` deadliest
    attacks.  ``western`` is a group name from the YAML file, a set of ISO3 codes, or None ("western")."""
    if isinstance(western, str) or western is None:
        name = western or "western"
        western_set = load_country_groups(groups_path)[name]
    else:
        name, western_set = "custom", frozenset(western)
    ev = with_dates(events)
    ev = pd.concat([ev, classify_targets(ev, western_set, groups_path)], axis=1)
    tagged, n_undated = assign_periods(ev, periods)
    order = named_periods(periods, ev)["period"].tolist()
    return TargetProfile(
        by_type=_crosstab(tagged, "target_type", order),
        by_nationality=_crosstab(tagged, "target_nationality", order),
        foreign=_foreign_by_period(tagged, order),
        largest=largest_attacks(ev, top_n),
        western_group=name,
        western_iso3=western_set,
        n_events=int(tagged["event_id"].nunique()) if len(tagged) else 0,
        n_undated=n_undated,
        foreign_evidence=ids(ev[ev["foreign"].eq(True)], limit=None),
        western_evidence=ids(ev[ev["western"].eq(True)], limit=None),
    )


def _crosstab(tagged: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    if column not in tagged or tagged.empty:
        return pd.DataFrame(index=pd.Index(order, name="period"))
    values = tagged[column].fillna("unknown")
    table = pd.crosstab(tagged["period"], values).reindex(order, fill_value=0)
    table = table[table.sum().sort_values(ascending=False).index]
    table.index.name, table.columns.name = "period", column
    return table


def _foreign_by_period(tagged: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    if tagged.empty:
        return pd.DataFrame(index=pd.Index(order, name="period"))
    g = tagged.assign(
        _known=tagged["foreign"].notna(),
        _foreign=tagged["foreign"].eq(True),
        _western=tagged["western"].eq(True),
        _wknown=tagged["western"].notna(),
    ).groupby("period")
    out = pd.DataFrame(
        {
            "n_events": g.size(),
            "n_nationality_known": g["_known"].sum(),
            "n_foreign": g["_foreign"].sum(),
            "n_western_known": g["_wknown"].sum(),
            "n_western": g["_western"].sum(),
            "foreign_evidence": g.apply(lambda d: ids(d[d["_foreign"]]), include_groups=False),
            "western_evidence": g.apply(lambda d: ids(d[d["_western"]]), include_groups=False),
        }
    ).reindex(order)
    counts = [c for c in out.columns if c.startswith("n_")]
    out[counts] = out[counts].fillna(0).astype(int)
    for col in ("foreign_evidence", "western_evidence"):
        out[col] = out[col].map(lambda v: v if isinstance(v, list) else [])
    out["foreign_share"] = out["n_foreign"] / out["n_nationality_known"].replace(0, np.nan)
    out["western_share"] = out["n_western"] / out["n_western_known"].replace(0, np.nan)
    out.index.name = "period"
    return out


def largest_attacks(events: pd.DataFrame, top_n: int = 10) -> pd.DataFrame:
    """The ``top_n`` events with most fatalities (then wounded), with their ids."""
    ev = events.copy()
    for col in ("fatalities", "wounded"):
        ev[col] = pd.to_numeric(ev[col], errors="coerce") if col in ev else np.nan
    ev = ev[ev["fatalities"].notna() | ev["wounded"].notna()]
    cols = [
        c
        for c in ("event_id", "date_start", "country_iso3", "admin1", "location", "tactic", "target_type",
                  "target_nationality", "fatalities", "wounded", "description")
        if c in ev
    ]  # fmt: skip
    ranked = ev.sort_values(["fatalities", "wounded"], ascending=False, na_position="last")
    return ranked[cols].head(top_n).reset_index(drop=True)


def describe_targets(profile: TargetProfile, *, event_ids: bool = True) -> str:
    """One sentence: main target types, foreign and Western shares with their bases, deadliest attack
    (named by its event id, or — ``event_ids=False``, for printed prose — by its place)."""
    if profile.n_events == 0:
        return f"No dated events ({profile.n_undated} left out for imprecise dates)."
    types = profile.by_type.sum()
    types = types[types.index != "unknown"]
    text = f"{profile.n_events} events"
    if len(types):
        text += "; main targets: " + ", ".join(f"{t} {v / types.sum():.0%}" for t, v in types.head(3).items())
    f = profile.foreign
    known, wknown = int(f["n_nationality_known"].sum()), int(f["n_western_known"].sum())
    if known:
        text += f"; foreign targets in {int(f['n_foreign'].sum())} of {known} events with a known nationality"
        text += f" ({f['n_foreign'].sum() / known:.0%})"
    else:
        text += "; target nationality unknown for every event"
    if wknown:
        text += (
            f", {profile.western_group} in {int(f['n_western'].sum())} ({f['n_western'].sum() / wknown:.0%})"
        )
    if len(profile.largest) and pd.notna(profile.largest["fatalities"].iloc[0]):
        top = profile.largest.iloc[0]
        text += f"; deadliest: {top.fatalities:.0f} killed on {pd.Timestamp(top.date_start):%Y-%m-%d}"
        if event_ids:
            text += f" ({top.event_id})"
        else:
            from spillover.countries import iso3_to_name

            code = top.get("country_iso3")
            where = [top.get("location"), iso3_to_name(code) if isinstance(code, str) and code else None]
            where = [w for w in where if isinstance(w, str) and w]
            text += f" in {', '.join(dict.fromkeys(where))}" if where else ""
    return text + "."
