"""Loading into the store: many files (:mod:`~spillover.loading.files`), GDELT exports by the thousand
(:mod:`~spillover.loading.gdelt`) and pages pulled from the ACLED and UCDP APIs
(:mod:`~spillover.loading.pulls`).

Above both the sources (which read and normalise one file or page) and the store (which commits it), so
that neither reaches up to the other.  The modules are imported where used: the command line stays fast.
"""
