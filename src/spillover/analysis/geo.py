"""Shared geometry helpers: distances, centroids, hull areas and country neighbourhoods.

Everything geodesic goes through :mod:`pyproj` (WGS84 ellipsoid) and every polygon operation through
:mod:`shapely`, so no spherical trigonometry is written by hand.  Country outlines come from the
Natural Earth admin-0 GeoJSON (``ne_110m_admin_0_countries.geojson.gz``) found in ``$SPILLOVER_DATA_DIR``
or passed explicitly.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import MultiPoint, shape

from spillover.config import DATA_DIR_ENV

#: File name of the default basemap inside the data folder.
BASEMAP_FILE = "ne_110m_admin_0_countries.geojson.gz"

#: Natural Earth units without an ISO code, mapped to the ISO3 code the event sources use for the
#: same ground (Somaliland and Northern Cyprus are coded as Somalia and Cyprus by ACLED, GTD and UCDP;
#: ``country_converter`` writes Kosovo as XKX).
NE_UNIT_TO_ISO3: dict[str, str] = {"SOL": "SOM", "CYN": "CYP", "KOS": "XKX"}

_GEOD = pyproj.Geod(ellps="WGS84")


class MissingDataFile(FileNotFoundError):
    """A data file spillover needs is not where it was told to look."""


def find_data_file(name: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Path of ``name`` in ``data_dir`` or ``$SPILLOVER_DATA_DIR``; raises :class:`MissingDataFile`."""
    folder = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
    if folder is None:
        raise MissingDataFile(f"{name}: no data folder given and ${DATA_DIR_ENV} is not set")
    path = Path(folder).expanduser() / name
    if not path.is_file():
        raise MissingDataFile(f"{name} not found in {Path(folder).expanduser()}")
    return path


def basemap_path(basemap: str | os.PathLike[str] | None = None) -> Path:
    """The Natural Earth countries file: an explicit path, else the default one in the data folder."""
    if basemap is not None:
        path = Path(basemap).expanduser()
        if path.is_dir():
            return find_data_file(BASEMAP_FILE, path)
        if not path.is_file():
            raise MissingDataFile(f"basemap {path} not found")
        return path
    return find_data_file(BASEMAP_FILE)


def read_geojson(path: str | os.PathLike[str]) -> dict:
    """A (possibly gzip-compressed) GeoJSON file as a dict."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def feature_iso3(properties: dict) -> str:
    """ISO3 code of a Natural Earth feature (ISO_A3, falling back to ADM0_A3 where ISO_A3 is -99)."""
    code = properties.get("ISO_A3") or "-99"
    if code == "-99":
        code = properties.get("ADM0_A3") or properties.get("ADM0_A3_US") or "-99"
    return NE_UNIT_TO_ISO3.get(code, code)


@dataclass(frozen=True)
class Countries:
    """Country outlines keyed by ISO3 (features sharing a code are merged)."""

    geometries: dict[str, shapely.Geometry]
    names: dict[str, str]
    geojson: dict

    def __contains__(self, iso3: str) -> bool:
        return iso3 in self.geometries


@lru_cache(maxsize=4)
def _load_countries_cached(path: str) -> Countries:
    collection = read_geojson(path)
    parts: dict[str, list] = {}
    names: dict[str, str] = {}
    for feature in collection["features"]:
        code = feature_iso3(feature["properties"])
        parts.setdefault(code, []).append(shape(feature["geometry"]))
        names.setdefault(
            code, feature["properties"].get("NAME") or feature["properties"].get("ADMIN") or code
        )
    geometries = {code: shapely.union_all(geoms) for code, geoms in parts.items()}
    return Countries(geometries=geometries, names=names, geojson=collection)


def load_countries(basemap: str | os.PathLike[str] | None = None) -> Countries:
    """Natural Earth country outlines (cached per file)."""
    return _load_countries_cached(str(basemap_path(basemap)))


def geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distance in km on the WGS84 ellipsoid (vectorised)."""
    _, _, metres = _GEOD.inv(
        np.asarray(lon1, float), np.asarray(lat1, float), np.asarray(lon2, float), np.asarray(lat2, float)
    )
    return np.asarray(metres) / 1000.0


def spherical_centroid(lat, lon) -> tuple[float, float]:
    """Centre of points on the sphere (mean of unit vectors), so that points across 180° average right."""
    lat_r = np.radians(np.asarray(lat, float))
    lon_r = np.radians(np.asarray(lon, float))
    if lat_r.size == 0:
        return (float("nan"), float("nan"))
    x = np.mean(np.cos(lat_r) * np.cos(lon_r))
    y = np.mean(np.cos(lat_r) * np.sin(lon_r))
    z = np.mean(np.sin(lat_r))
    return (float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x))))


def _local_projection(lat0: float, lon0: float, kind: str) -> pyproj.Transformer:
    """Longitude/latitude on WGS84 to metres in a projection centred on (lat0, lon0).  From the projection's
    own geographic CRS (WGS84 too): the same operation as from "EPSG:4326", built without searching PROJ's
    database for it (0.3 against 4 ms; expansion builds one a year)."""
    crs = pyproj.CRS.from_proj4(f"+proj={kind} +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    return pyproj.Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True)


def convex_hull_area_km2(lat, lon) -> float:
    """Area of the convex hull of points, in km², in a Lambert equal-area projection centred on them."""
    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    keep = ~(np.isnan(lat) | np.isnan(lon))
    lat, lon = lat[keep], lon[keep]
    if len(np.unique(np.column_stack([lat, lon]), axis=0)) < 3:
        return 0.0
    lat0, lon0 = spherical_centroid(lat, lon)
    x, y = _local_projection(lat0, lon0, "laea").transform(lon, lat)
    return float(MultiPoint(np.column_stack([x, y])).convex_hull.area / 1e6)


def _to_local(geometry: shapely.Geometry, transformer: pyproj.Transformer) -> shapely.Geometry:
    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


def _search_box(geom: shapely.Geometry, within_km: float) -> shapely.Geometry:
    """A lon/lat box sure to contain everything within ``within_km`` of ``geom`` (a cheap prefilter)."""
    minx, miny, maxx, maxy = geom.bounds
    dlat = within_km / 110.0 + 1.0
    widest = min(89.0, max(abs(miny), abs(maxy)) + dlat)
    dlon = min(180.0, within_km / (111.0 * np.cos(np.radians(widest))) + 1.0)
    return shapely.box(minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


def neighbours(
    iso3s: Iterable[str],
    within_km: float = 500.0,
    countries: Countries | None = None,
    basemap: str | os.PathLike[str] | None = None,
) -> set[str]:
    """Countries that share a border with, or lie within ``within_km`` of, any of ``iso3s``.

    Distances are measured between outlines in an azimuthal equidistant projection centred on each
    source country, which is accurate to a few per cent over the few hundred km this is used for.
    The source countries themselves are not included.
    """
    countries = countries or load_countries(basemap)
    sources = [c for c in dict.fromkeys(iso3s) if c in countries]
    found: set[str] = set()
    for code in sources:
        geom = countries.geometries[code]
        centre = geom.representative_point()
        transformer = _local_projection(centre.y, centre.x, "aeqd")
        local = _to_local(geom, transformer)
        box = _search_box(geom, within_km)
        for other, other_geom in countries.geometries.items():
            if other == code or other in found or not box.intersects(other_geom):
                continue
            if (
                geom.touches(other_geom)
                or geom.intersects(other_geom)
                or local.distance(_to_local(other_geom, transformer)) <= within_km * 1000.0
            ):
                found.add(other)
    return found - set(sources)
