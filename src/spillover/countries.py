"""Country names → ISO 3166-1 alpha-3, through ``country_converter`` (no hand-written table).

Sources write countries their own way ("DR Congo (Zaire)", "Ivory Coast", "Yemen (North Yemen)").  Names
that have no ISO code ("Soviet Union", "West Germany (FRG)", "Multinational") map to ``None``: the
name itself is always kept beside the code, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import country_converter as coco


_NOT_FOUND = "\x00not-found"


@lru_cache(maxsize=1)
def converter() -> coco.CountryConverter:
    """The one ``CountryConverter`` of the process (importing it and building one: ~0.4 s)."""
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


_converter = converter


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


def iso3_to_name(code: str | None) -> str:
    """Short English name of an ISO3 code ('MLI' → 'Mali'); "unknown" for a missing code."""
    if not isinstance(code, str) or not code:
        return "unknown"
    return _iso3_to_name(code)


@lru_cache(maxsize=4096)
def _iso3_to_name(code: str) -> str:
    """Remembered: country_converter takes milliseconds per call, and names are asked for again and again
    (the name of every code it knows is read from :func:`_short_names`, without importing it)."""
    known = _short_names().get(code)
    if known is not None:
        return known
    name = _converter().convert(code, src="ISO3", to="name_short", not_found=_NOT_FOUND)
    return code if name == _NOT_FOUND else str(name)


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    """ISO3 → short name of every country ``country_converter`` knows, asked of it once and kept between
    runs (:mod:`spillover.memo`, keyed by its version): importing it costs ~0.4 s, more than a page."""
    from spillover.memo import kept

    return kept("country-names", (), _ask_short_names)


def _ask_short_names() -> dict[str, str]:
    conv = _converter()
    names = {}
    for code in conv.data["ISO3"].dropna().astype(str).unique():
        name = conv.convert(code, src="ISO3", to="name_short", not_found=_NOT_FOUND)
        if isinstance(name, str) and name != _NOT_FOUND:
            names[code] = name
    return names


class CountryNotFound(LookupError):
    """A country name or code that matches no country."""

    def __init__(self, text: str) -> None:
        super().__init__(f"no country is called {text!r}")
        self.text = text


class AmbiguousCountry(LookupError):
    """A name several countries answer to ("Congo"): the caller must ask which."""

    def __init__(self, text: str, candidates: list[tuple[str, str]]) -> None:
        choices = ", ".join(f"{code} ({name})" for code, name in candidates)
        super().__init__(f"{text!r} could be several countries: {choices}; which one?")
        self.text = text
        self.candidates = candidates


@lru_cache(maxsize=1)
def _names() -> list[tuple[str, str, str]]:
    """(ISO3, short name, official name) of every country ``country_converter`` knows."""
    data = _converter().data
    return [
        (str(r.ISO3), str(r.name_short), str(r.name_official))
        for r in data[["ISO3", "name_short", "name_official"]].itertuples(index=False)
    ]


def countries() -> list[tuple[str, str]]:
    """Every country as (ISO3, short name), by name."""
    return sorted(((code, short) for code, short, _ in _names()), key=lambda c: c[1])


def resolve_country(text: str) -> str:
    """The ISO3 code of a country given in any common form: a code ("MLI", "ML"), its name ("Mali"), an
    official or usual name ("Ivory Coast", "DRC").  A name several countries share ("Congo", "Korea")
    raises :class:`AmbiguousCountry` with the candidates, never a silent pick; no match raises
    :class:`CountryNotFound`.

    Order: an exact ISO3 code or name; else the countries whose name holds the text as whole words (two or
    more: ambiguous); else ``country_converter``'s patterns (which know "Ivory Coast" and "DRC")."""
    import re

    query = " ".join(str(text).split())
    if not query:
        raise CountryNotFound(text)
    folded = query.casefold()
    table = _names()
    for code, short, official in table:
        if folded in (code.casefold(), short.casefold(), official.casefold()):
            return code
    word = re.compile(rf"(?<![\w]){re.escape(folded)}(?![\w])")
    hits = sorted({(c, s) for c, s, o in table if word.search(s.casefold()) or word.search(o.casefold())})
    if len(hits) > 1:
        raise AmbiguousCountry(query, hits)
    if len(hits) == 1:
        return hits[0][0]
    code = _converter().convert(query, src="regex", to="ISO3", not_found=_NOT_FOUND)
    if isinstance(code, list):
        raise AmbiguousCountry(query, [(c, iso3_to_name(c)) for c in code])
    if code == _NOT_FOUND:
        code = _one_to_iso3(query)  # ISO2 and other code schemes
        if code is None or code == query:
            raise CountryNotFound(text)
    return str(code)
