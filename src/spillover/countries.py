"""Country names → ISO 3166-1 alpha-3, through ``country_converter`` (no hand-written table).

Sources write countries their own way ("DR Congo (Zaire)", "Ivory Coast", "Yemen (North Yemen)").  Names
that have no ISO code ("Soviet Union", "West Germany (FRG)", "Multinational") map to ``None``: the
name itself is always kept beside the code, so nothing is lost.
"""

from __future__ import annotations

import logging
import re
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
    codes = _table().to_iso3(name)
    return codes[0] if len(codes) == 1 else None  # several countries match: no single code


class _CountryTable:
    """``country_converter``'s own data and patterns, read once into arrays and dicts so that one lookup does
    what ``CountryConverter.convert(name, to="ISO3")`` does without its per-call pandas work (building and
    searching a column for every code: ~1 ms a call, 776 calls on a first run).

    Why not a table of our own: the names, codes and patterns are country_converter's; only the search is
    done here, in the order its ``convert`` does it (the input's format from its length, then the regexes
    for a name or an ISO2 code, or an exact case-insensitive match of the column for ISO3 and numeric codes).
    ``tests/test_countries.py`` compares both on the store's names."""

    def __init__(self, conv: coco.CountryConverter) -> None:
        self._conv = conv
        data = conv.data
        #: each row's ISO3 code as convert returns it (first of "A|B", letters and digits, upper case)
        self.iso3 = [_clean_code(str(v)) if isinstance(v, str) else None for v in data["ISO3"]]
        self.short_names = [str(v) if isinstance(v, str) else None for v in data["name_short"]]
        self._exact: dict[str, dict[str, list[int]]] = {}

    def rows_of(self, name: str) -> list[int]:
        """The rows of the data that ``name`` matches, as convert finds them (src=None)."""
        spec = self._conv._separate_exclude_cases(name, _EXCLUDE_PREFIX)["clean_name"]
        src = self._conv._get_input_format_from_name(spec)
        if src == "regex":
            return [i for i, pattern in enumerate(self._conv.regexes) if pattern.search(spec)]
        if src == "ISO2":
            return [i for i, pattern in enumerate(self._conv.iso2_regexes) if pattern.search(spec)]
        return self.exact(src).get(spec.casefold(), [])

    def exact(self, column: str) -> dict[str, list[int]]:
        """Rows by the column's value (what follows a dot dropped, case folded): convert's ``^name$``."""
        if column not in self._exact:
            index: dict[str, list[int]] = {}
            for i, value in enumerate(self._conv.data[column].astype(str)):
                index.setdefault(re.sub(r"\..*", "", value).casefold(), []).append(i)
            self._exact[column] = index
        return self._exact[column]

    def to_iso3(self, name: str) -> list[str]:
        """The ISO3 code of every row ``name`` matches (several: ambiguous)."""
        return [code for i in self.rows_of(name) if (code := self.iso3[i]) is not None]

    def by_code(self, scheme: str, value: str) -> list[str]:
        """The ISO3 code of every row whose ``scheme`` column (GWcode, UNcode, FAOcode …) holds ``value``
        (convert(value, src=scheme, to="ISO3"))."""
        spec = self._conv._separate_exclude_cases(value, _EXCLUDE_PREFIX)["clean_name"]
        rows = self.exact(scheme).get(spec.casefold(), [])
        return [code for i in rows if (code := self.iso3[i]) is not None]

    def short_name(self, code: str) -> str | None:
        """The short name of an ISO3 code when exactly one row has it (convert(src="ISO3", to="name_short"))."""
        rows = self.exact("ISO3").get(code.casefold(), [])
        names = [n for i in rows if (n := self.short_names[i]) is not None]
        return names[0] if len(names) == 1 else None


#: convert's default ``exclude_prefix`` ("Asia excluding China" is read as "Asia")
_EXCLUDE_PREFIX = ["excl\\w.*", "without", "w/o"]


def _clean_code(code: str) -> str:
    return "".join(c for c in code.split("|")[0] if c.isalnum()).upper()


@lru_cache(maxsize=1)
def _table() -> _CountryTable:
    return _CountryTable(_converter())


def prepare() -> None:
    """Load country_converter and its table now (~0.4 s), e.g. in a thread while a file is read."""
    _table()


def codes_kept() -> bool:
    """Whether :func:`to_iso3` keeps its answers between runs (else a caller may load the converter early)."""
    from spillover.memo import enabled

    return enabled()


def to_iso3(names: Iterable[str | None]) -> dict[str, str | None]:
    """Map each distinct non-empty name to its ISO3 code (or None when it has none).

    Each name's code is country_converter's answer (:func:`iso3`), kept between runs (:mod:`spillover.memo`,
    keyed by the package's source and country_converter's version, so never stale): an ingest whose country
    names were all seen before codes them without loading the converter (~0.4 CPU s)."""
    from spillover.memo import kept_each

    wanted = sorted({n for n in names if n})
    return kept_each("country-iso3", (), wanted, lambda missing: {n: _one_to_iso3(n) for n in missing})


def code_to_iso3(value: object, scheme: str) -> str | None:
    """ISO3 code of a code in another of country_converter's schemes ("GWcode", "UNcode", "FAOcode" …);
    None when no country or several have it."""
    codes = _table().by_code(scheme, str(value))
    return codes[0] if len(codes) == 1 else None


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
    return _table().short_name(code) or code


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    """ISO3 → short name of every country ``country_converter`` knows, asked of it once and kept between
    runs (:mod:`spillover.memo`, keyed by its version): importing it costs ~0.4 s, more than a page."""
    from spillover.memo import kept

    return kept("country-names", (), _ask_short_names)


def _ask_short_names() -> dict[str, str]:
    table = _table()
    codes = _converter().data["ISO3"].dropna().astype(str).unique()
    return {code: name for code in codes if (name := table.short_name(code)) is not None}


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


#: Words naming each Western state or its people, as written (matched by :func:`western_words`).
WESTERN_TERMS: dict[str, tuple[str, ...]] = {
    "FRA": ("France", "French", "Frenchman", "Frenchmen", "Frenchwoman"),
    "USA": ("United States", "U.S.", "US", "USA", "American", "Americans"),
    "GBR": ("United Kingdom", "Britain", "British", "Briton", "Britons", "UK", "English", "Scottish"),
    "DEU": ("Germany", "German", "Germans"),
    "ITA": ("Italy", "Italian", "Italians"),
    "ESP": ("Spain", "Spanish", "Spaniard", "Spaniards"),
    "BEL": ("Belgium", "Belgian", "Belgians"),
    "NLD": ("Netherlands", "Dutch"),
    "CHE": ("Switzerland", "Swiss"),
    "AUT": ("Austria", "Austrian", "Austrians"),
    "CAN": ("Canada", "Canadian", "Canadians"),
    "AUS": ("Australia", "Australian", "Australians"),
    "NZL": ("New Zealand", "New Zealander", "New Zealanders"),
    "SWE": ("Sweden", "Swedish", "Swede", "Swedes"),
    "NOR": ("Norway", "Norwegian", "Norwegians"),
    "DNK": ("Denmark", "Danish", "Dane", "Danes"),
    "FIN": ("Finland", "Finnish", "Finn", "Finns"),
    "IRL": ("Ireland", "Irish"),
    "PRT": ("Portugal", "Portuguese"),
    "GRC": ("Greece", "Greek", "Greeks"),
    "POL": ("Poland", "Polish", "Pole", "Poles"),
    "ROU": ("Romania", "Romanian", "Romanians"),
    "CZE": ("Czech Republic", "Czechia", "Czech", "Czechs"),
    "HUN": ("Hungary", "Hungarian", "Hungarians"),
    "LUX": ("Luxembourg",),
    "ISL": ("Iceland", "Icelandic"),
}


@lru_cache(maxsize=64)
def western_words(codes: frozenset[str]) -> re.Pattern[str]:
    """The one matcher of words naming these Western states or their people (:data:`WESTERN_TERMS`), for
    every surface that reads them: the report's Western-target test and the claim checker's interveners.

    A word matches whole (not inside another word, and 'U.S.' not inside 'U.S.A.') and as written, with its
    capitals: 'Poles' and 'French' are peoples, 'poles' and 'french fries' are not; 'US' is a state, 'us' is
    not; and RAND's capitalised place heading ('UNITED STATES.  The Soviet embassy was bombed') names where
    the event happened, not whom it targeted."""
    words = sorted({w for c in codes for w in WESTERN_TERMS.get(c, ())}, key=len, reverse=True)
    if not words:
        return re.compile(r"(?!)")  # no state: nothing matches
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")


def western_states_named(text: str) -> list[str]:
    """The Western states (ISO3, in :data:`WESTERN_TERMS` order) a text names, by :func:`western_words`."""
    return [code for code in WESTERN_TERMS if western_words(frozenset({code})).search(text)]
