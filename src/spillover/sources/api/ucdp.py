"""UCDP's API (ucdpapi.pcr.uu.se): GED and the monthly Candidate events, page by page.

Following UCDP's API documentation: ``GET <base>/gedevents/<version>?pagesize=…&page=…`` (pages from 0)
with the header ``x-ucdp-access-token``; the answer is an envelope ``{TotalCount, TotalPages,
PreviousPageUrl, NextPageUrl, Result: [...]}``.  ``Country`` filters by Gleditsch & Ward codes (several
separated by commas).  The yearly GED releases are versions ``YY.1`` (``25.1``); the Candidate events,
released monthly, are ``YY.0.M`` (``25.0.10``).  Records carry GED's 49 fields (the ``ged-49`` layout of
:mod:`spillover.sources.ged`), which is what they are checked against.  ``SPILLOVER_UCDP_API`` changes the
base address (tests use a stand-in on 127.0.0.1).  Pages are requested by number (the ``NextPageUrl`` is
kept as the pull's cursor, but the token is never sent to an address the user did not configure).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spillover.sources.api.acled import Page
from spillover.sources.api.credentials import UCDP_TOKEN_ENV, ucdp_token
from spillover.sources.api.http import APIError, CredentialsError, PoliteClient, message_of

BASE_ENV = "SPILLOVER_UCDP_API"
DEFAULT_BASE = "https://ucdpapi.pcr.uu.se/api"
API_LAYOUT = "ged-49"
PAGE_SIZE = 1000

VERSION_PATTERNS: dict[str, tuple[str, str]] = {
    "ucdp-ged": (r"^\d{2}\.1$", "a yearly GED release such as 25.1"),
    "ucdp-candidate": (r"^\d{2}\.0\.\d{1,2}$", "a monthly Candidate release such as 25.0.10"),
}


def base_url() -> str:
    return os.environ.get(BASE_ENV, DEFAULT_BASE).rstrip("/")


def check_version(dataset: str, version: str) -> str:
    pattern, example = VERSION_PATTERNS[dataset]
    if not re.match(pattern, version):
        raise APIError(f"--version {version!r} is not {example} (dataset {dataset})")
    return version


def gw_codes(countries: tuple[str, ...]) -> list[int]:
    """Gleditsch & Ward codes of country names (UCDP's ``Country`` filter), refusing unknown names."""
    import country_converter as coco

    codes = []
    for name in countries:
        if name.strip().isdigit():
            codes.append(int(name))
            continue
        code = coco.convert(name, to="GWcode", not_found=None)
        if not isinstance(code, int | float) or code != code:  # noqa: PLR0124 - NaN check
            raise APIError(f"--country {name!r}: no Gleditsch & Ward code for this name (UCDP filters by it)")
        codes.append(int(code))
    return codes


@dataclass(frozen=True)
class UCDPQuery:
    version: str
    countries: tuple[str, ...] = ()

    def params(self) -> dict[str, str]:
        return {"Country": ",".join(map(str, gw_codes(self.countries)))} if self.countries else {}

    def describe(self) -> str:
        return f"version={self.version}" + (f", country={'|'.join(self.countries)}" if self.countries else "")


class UCDPClient:
    def __init__(self, http: PoliteClient | None = None) -> None:
        self.http = http or PoliteClient("UCDP API")
        self.base = base_url()

    def close(self) -> None:
        self.http.close()

    def _token(self) -> str:
        token = ucdp_token()
        if not token:
            raise CredentialsError(
                f"UCDP access token missing: set {UCDP_TOKEN_ENV} (request one from UCDP, see "
                "ucdp.uu.se/apidocs; or store it in the system keyring, service 'spillover-ucdp', user 'token')"
            )
        return token

    def events(self, query: UCDPQuery, *, start_page: int = 0, page_size: int = PAGE_SIZE) -> Iterator[Page]:
        url = f"{self.base}/gedevents/{query.version}"
        params = {"pagesize": str(page_size), **query.params()}
        number = start_page
        while True:  # bounded by TotalPages
            response = self.http.request(
                "GET",
                url,
                params={**params, "page": str(number)},
                headers={"x-ucdp-access-token": self._token()},
            )
            if response.status_code in (401, 403):
                raise CredentialsError(
                    f"UCDP refused the access token of {UCDP_TOKEN_ENV} (HTTP {response.status_code}: "
                    f"{message_of(response)}): check it, or request a new one from UCDP"
                )
            if response.status_code == 404:
                raise APIError(
                    f"UCDP API: no dataset version {query.version} (HTTP 404: {message_of(response)})"
                )
            if response.status_code >= 300:
                raise APIError(f"UCDP API: HTTP {response.status_code}: {message_of(response)}")
            try:
                body = response.json()
                records = list(body["Result"] or [])
                total_pages = int(body.get("TotalPages") or 0)
            except (ValueError, KeyError, TypeError):
                raise APIError(
                    "UCDP API: the answer is not the documented envelope (TotalPages, Result)"
                ) from None
            last = not body.get("NextPageUrl") or number + 1 >= total_pages
            yield Page(
                number=number,
                records=records,
                total_pages=total_pages,
                total_count=int(body.get("TotalCount") or 0),
                next_cursor=body.get("NextPageUrl") or None,
                last=last,
            )
            if last:
                return
            number += 1
