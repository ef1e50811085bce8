"""Name normalisation shared by the registry checks and the resolver.

Datasets differ in case, apostrophes (’ vs '), hyphens, accents and stray spaces ("al-Qaida " in the UCDP
actor list); none of those distinguish two groups, so matching ignores them.  Letters and digits are all
that is compared.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Case-folded letters and digits of ``name``, accents removed: 'Jama’atu Ahli' → 'jamaatuahli'."""
    decomposed = unicodedata.normalize("NFKD", name)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", no_accents.casefold())


def slugify(text: str) -> str:
    """Lower-case hyphenated slug: 'Ganda Izo' → 'ganda-izo'."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("-", no_accents.casefold()).strip("-")
