"""Clients of the ACLED and UCDP APIs: pages of records, retried and rate-limited (pulled into the store by :mod:`spillover.loading.pulls`)."""
