"""Files the pages need that do not live in the package: the chart library and the country outlines.

Both are built once per process and served by the app itself, so that no page ever asks a CDN for
anything: the Vega/Vega-Lite/vega-embed bundle comes from ``vl_convert.javascript_bundle()`` (the same
library versions vl-convert renders with), and the outlines from the Natural Earth GeoJSON in the data
folder, re-oriented for d3-geo and tagged with each country's ISO3 code, name, bounding box and centroid.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import shapely
import shapely.geometry

from spillover.analysis import geo


@lru_cache(maxsize=1)
def vega_bundle() -> bytes:
    """vega, vega-lite and vega-embed in one script that sets ``window.vegaEmbed`` (≈0.9 MB, ~1.5 s once)."""
    import vl_convert

    return vl_convert.javascript_bundle().encode("utf-8")


def _main_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """A country's largest polygon (France without French Guiana), for framing maps and placing markers."""
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, dict[str, object]]:
    """Per ISO3 code: name, main-part bounds and a point inside the main part (from the basemap)."""
    countries = geo.load_countries()
    out: dict[str, dict[str, object]] = {}
    for code, geometry in countries.geometries.items():
        main = _main_part(geometry)
        inside = main.representative_point()
        out[code] = {
            "name": countries.names.get(code, code),
            "bounds": tuple(round(float(v), 3) for v in main.bounds),
            "lon": round(float(inside.x), 3),
            "lat": round(float(inside.y), 3),
        }
    return out


@lru_cache(maxsize=1)
def countries_geojson() -> bytes:
    """The basemap as GeoJSON bytes; exterior rings clockwise, as d3-geo (Vega) requires."""
    countries = geo.load_countries()
    shapes = country_shapes()
    features = []
    for code, geometry in sorted(countries.geometries.items()):
        oriented = shapely.orient_polygons(geometry, exterior_cw=True)
        info = shapes[code]
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(oriented),
                "properties": {
                    "iso3": code,
                    "name": info["name"],
                    "bbox": list(np.round(geometry.bounds, 3)),
                    "lon": info["lon"],
                    "lat": info["lat"],
                },
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":")).encode("utf-8")
