"""The claim checker: the checkable factual claims of a written assessment, each judged against the store."""

from spillover.claims.check import ClaimVerdict, check_claims, extract_claims

__all__ = ["ClaimVerdict", "check_claims", "extract_claims"]
