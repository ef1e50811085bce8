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

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from spillover.schema import EVENT_COLUMNS, TACTICS

#: The pinned country table: ISO3, name, representative point (lat, lon) and the main polygon's box (lat
#: min/max, lon min/max).  Derived from Natural Earth 1:110m admin-0 (public domain) by
#: :func:`country_table_from_natural_earth`; a data file beside this module.
COUNTRY_TABLE = "synthetic_countries.csv"

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
    """The pinned country table (:data:`COUNTRY_TABLE`) as arrays."""
    with resources.files("spillover").joinpath(COUNTRY_TABLE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    text = [np.array([r[c] for r in rows]) for c in ("iso3", "name")]
    numbers = [np.array([r[c] for r in rows], dtype=float) for c in list(Countries.__dataclass_fields__)[2:]]
    return Countries(*text, *numbers)


def country_table_from_natural_earth(path: str | Path) -> str:
    """The rows of the pinned table (:data:`COUNTRY_TABLE`, CSV without its header) from a Natural Earth
    admin-0 GeoJSON: how the table was made."""
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
        rows[code] = [code, props["NAME"], *(str(round(v, 2)) for v in values)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[c] for c in sorted(rows))
    return out.getvalue()


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
