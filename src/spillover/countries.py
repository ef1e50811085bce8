"""Country names → ISO 3166-1 alpha-3, through ``country_converter`` (no hand-written table).

Sources write countries their own way ("DR Congo (Zaire)", "Ivory Coast", "Yemen (North Yemen)").  Names
that have no ISO code ("Soviet Union", "West Germany (FRG)", "Multinational") map to ``None``: the
name itself is always kept beside the code, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import country_converter as coco

_NOT_FOUND = "\x00not-found"


@lru_cache(maxsize=1)
def _converter() -> coco.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@lru_cache(maxsize=8192)
def _one_to_iso3(name: str) -> str | None:
    code = _converter().convert(name, to="ISO3", not_found=_NOT_FOUND)
    if isinstance(code, list):  # coco returns a list when a name matches several countries
        return None
    return None if code == _NOT_FOUND else str(code)


def to_iso3(names: Iterable[str | None]) -> dict[str, str | None]:
    """Map each distinct non-empty name to its ISO3 code (or None when it has none)."""
    return {n: _one_to_iso3(n) for n in {n for n in names if n}}


def iso3(name: str) -> str | None:
    """ISO3 code of one country name or code (accepts 'Mali', 'MLI', 'ML')."""
    return _one_to_iso3(name)


def iso3_to_name(code: str) -> str:
    """Short English name of an ISO3 code ('MLI' → 'Mali')."""
    name = _converter().convert(code, src="ISO3", to="name_short", not_found=_NOT_FOUND)
    return code if name == _NOT_FOUND else str(name)
