"""Pulls from the ACLED and UCDP APIs into the store (see :mod:`spillover.sources.api.pulls`)."""
