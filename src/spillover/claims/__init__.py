"""The claim checker: the checkable factual claims of a written assessment, each judged against the store.

>>> from spillover.claims import check_claims, read_claims_text   # doctest: +SKIP
>>> result = check_claims(read_claims_text("assessment.txt"), store, "AQIM")  # doctest: +SKIP
>>> result.summary_line()  # doctest: +SKIP
'17 supported by events, 4 consistent with the registry, 3 contradicted, 12 not checkable'

Modules, by responsibility:

* :mod:`~spillover.claims.reading` — the file: encoding detected, binary and oversized files refused;
* :mod:`~spillover.claims.text`, :mod:`~spillover.claims.dates`, :mod:`~spillover.claims.mentions` —
  sentences, dates with their precision, tolls, tactics, groups and places named;
* :mod:`~spillover.claims.extract` — the claims of each sentence;
* :mod:`~spillover.claims.evidence` — what the checks read from the store, in a fixed number of queries,
  and the coverage rule;
* :mod:`~spillover.claims.events`, :mod:`~spillover.claims.check` — the judging;
* :mod:`~spillover.claims.verdicts` — :class:`ClaimVerdict` and :class:`CheckResult`.
"""

from spillover.claims.check import check_claims
from spillover.claims.extract import Claim, extract_claims
from spillover.claims.reading import MAX_TEXT_BYTES, ClaimsTextError, read_claims_text
from spillover.claims.verdicts import CONTRADICTED, NOT_CHECKABLE, SUPPORTED, CheckResult, ClaimVerdict

__all__ = [
    "CONTRADICTED",
    "MAX_TEXT_BYTES",
    "NOT_CHECKABLE",
    "SUPPORTED",
    "CheckResult",
    "Claim",
    "ClaimVerdict",
    "ClaimsTextError",
    "check_claims",
    "extract_claims",
    "read_claims_text",
]
