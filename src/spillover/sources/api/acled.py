"""ACLED's API (acleddata.com, OAuth since 2025): the read endpoint page by page, and the deleted endpoint.

Following ACLED's API documentation (acleddata.com/api-documentation):

* token: ``POST <base>/oauth/token`` with ``grant_type=password``, ``username`` (the account's e-mail),
  ``password``, ``client_id=acled``, ``scope=authenticated``; the answer holds an ``access_token`` (24
  hours) and a ``refresh_token`` (14 days), renewed with ``grant_type=refresh_token``;
* events: ``GET <base>/api/acled/read?_format=json&limit=…&page=…`` with ``Authorization: Bearer``; filters
  ``country`` (several joined by ``|``), ``region`` (ACLED's numeric code), ``event_date`` with
  ``event_date_where=BETWEEN`` (``from|to``) and ``timestamp`` (events changed at or after that time:
  the update filter).  The JSON answer is ``{status, success, count, data: [...]}``; a page shorter than
  ``limit`` is the last;
* deletions: ``GET <base>/api/deleted/read`` with ``deleted_timestamp``: ``event_id_cnty`` and
  ``deleted_timestamp`` of every event deleted since.

The records carry the fields of ACLED's current export (the ``acled-2023`` layout of
:mod:`spillover.sources.acled`), which is what they are checked against.  ``SPILLOVER_ACLED_API`` changes
the base address (tests use a stand-in on 127.0.0.1).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from spillover.sources.api.credentials import (
    ACLED_EMAIL_ENV,
    ACLED_PASSWORD_ENV,
    REFRESH_LIFETIME,
    ACLEDTokens,
    TokenCache,
    acled_login,
)
from spillover.sources.api.http import APIError, CredentialsError, PoliteClient, message_of

log = logging.getLogger("spillover.api")

BASE_ENV = "SPILLOVER_ACLED_API"
DEFAULT_BASE = "https://acleddata.com"
#: The pinned layout API records must have, field for field.
API_LAYOUT = "acled-2023"
#: Rows per page (ACLED's default and recommended page size).
PAGE_SIZE = 5000

#: ACLED's numeric region codes (the ``region`` filter takes the code).
REGIONS: dict[str, int] = {
    "Western Africa": 1,
    "Middle Africa": 2,
    "Eastern Africa": 3,
    "Southern Africa": 4,
    "Northern Africa": 5,
    "South Asia": 7,
    "Southeast Asia": 9,
    "Middle East": 11,
    "Europe": 12,
    "Caucasus and Central Asia": 13,
    "Central America": 14,
    "South America": 15,
    "Caribbean": 16,
    "East Asia": 17,
    "North America": 18,
    "Oceania": 19,
    "Antarctica": 20,
}


def base_url() -> str:
    return os.environ.get(BASE_ENV, DEFAULT_BASE).rstrip("/")


def region_code(region: str) -> int:
    """ACLED's code of a region given by name (any case) or by code."""
    if region.strip().isdigit() and int(region) in REGIONS.values():
        return int(region)
    by_name = {k.casefold(): v for k, v in REGIONS.items()}
    if region.strip().casefold() in by_name:
        return by_name[region.strip().casefold()]
    raise APIError(f"--region {region!r} is not an ACLED region; choose one of: {', '.join(REGIONS)}")


@dataclass(frozen=True)
class ACLEDQuery:
    """What to pull: the filters of the read endpoint."""

    countries: tuple[str, ...] = ()
    region: str | None = None
    since: date | None = None
    until: date | None = None

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.countries:
            out["country"] = "|".join(self.countries)
        if self.region:
            out["region"] = str(region_code(self.region))
        if self.since or self.until:
            start = (self.since or date(1997, 1, 1)).isoformat()
            end = (self.until or date.today()).isoformat()
            out["event_date"] = f"{start}|{end}"
            out["event_date_where"] = "BETWEEN"
        return out

    def key(self) -> dict[str, object]:
        """The filters as the user gave them: what makes two pulls 'the same pull' (resume, updates)."""
        return {
            "country": sorted(self.countries),
            "region": self.region,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    def describe(self) -> str:
        """The filters in words, for messages ('country=Mali, since=2020-01-01')."""
        parts = []
        if self.countries:
            parts.append("country=" + "|".join(self.countries))
        if self.region:
            parts.append(f"region={self.region}")
        if self.since:
            parts.append(f"since={self.since.isoformat()}")
        if self.until:
            parts.append(f"until={self.until.isoformat()}")
        return ", ".join(parts) or "no filter"


@dataclass
class Page:
    """One page of an API answer: its records, and the total number of pages when the API says."""

    number: int
    records: list[dict[str, object]]
    total_pages: int | None = None
    total_count: int | None = None
    next_cursor: str | None = None
    last: bool = False


class ACLEDClient:
    """ACLED's read and deleted endpoints, authenticated with OAuth tokens renewed as needed."""

    def __init__(self, http: PoliteClient | None = None, *, cache: TokenCache | None = None) -> None:
        self.http = http or PoliteClient("ACLED API")
        self.base = base_url()
        self.cache = cache or TokenCache()
        self._tokens: ACLEDTokens | None = None

    def close(self) -> None:
        self.http.close()

    # -- tokens ------------------------------------------------------------------------------------
    def _token_request(self, form: dict[str, str], what: str, account: str) -> ACLEDTokens:
        response = self.http.request("POST", f"{self.base}/oauth/token", data=form)
        if response.status_code in (400, 401, 403):
            raise CredentialsError(
                f"ACLED refused the {what} (HTTP {response.status_code}: {message_of(response)})"
            )
        if response.status_code >= 300:
            raise APIError(f"ACLED token endpoint: HTTP {response.status_code}: {message_of(response)}")
        try:
            body = response.json()
            access = str(body["access_token"])
        except (ValueError, KeyError, TypeError):
            raise APIError("ACLED token endpoint: the answer holds no access_token") from None
        now = time.time()
        tokens = ACLEDTokens(
            account=account,
            access_token=access,
            access_expires=now + float(body.get("expires_in") or 86400),
            refresh_token=body.get("refresh_token"),
            refresh_expires=now + float(body.get("refresh_expires_in") or REFRESH_LIFETIME),
        )
        self.cache.save(tokens)
        return tokens

    def _login(self) -> ACLEDTokens:
        login = acled_login()
        if login is None:
            raise CredentialsError(
                f"ACLED credentials missing: set {ACLED_EMAIL_ENV} and {ACLED_PASSWORD_ENV} (your myACLED "
                "login; the password may instead be in the system keyring, service 'spillover-acled')"
            )
        email, password = login
        return self._token_request(
            {
                "username": email,
                "password": password,
                "grant_type": "password",
                "client_id": "acled",
                "scope": "authenticated",
            },
            f"e-mail and password of {ACLED_EMAIL_ENV}",
            email,
        )

    def access_token(self, *, renew: bool = False) -> str:
        """A valid access token: the cached one, else renewed with the refresh token, else a new login."""
        tokens = None if renew else (self._tokens or self.cache.load())
        if tokens is not None and tokens.access_valid():
            self._tokens = tokens
            return tokens.access_token
        cached = tokens or self.cache.load()
        if cached is not None and cached.refresh_valid():
            try:
                self._tokens = self._token_request(
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": str(cached.refresh_token),
                        "client_id": "acled",
                    },
                    "refresh token",
                    cached.account,
                )
                return self._tokens.access_token
            except CredentialsError:
                self.cache.clear()
                if acled_login() is None:
                    raise CredentialsError(
                        "the stored ACLED refresh token was refused or has expired (they last 14 days): set "
                        f"{ACLED_EMAIL_ENV} and {ACLED_PASSWORD_ENV} to log in again"
                    ) from None
        elif cached is not None and acled_login() is None:
            raise CredentialsError(
                "the stored ACLED login has expired (refresh tokens last 14 days): set "
                f"{ACLED_EMAIL_ENV} and {ACLED_PASSWORD_ENV} to log in again"
            )
        self._tokens = self._login()
        return self._tokens.access_token

    # -- data --------------------------------------------------------------------------------------
    def _get(self, path: str, params: dict[str, str]) -> dict[str, object]:
        """GET a JSON page with the access token, renewing it once if it is refused."""
        url = f"{self.base}{path}"
        for renew in (False, True):
            token = self.access_token(renew=renew)
            response = self.http.request(
                "GET",
                url,
                params=params,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
            if response.status_code != 401:
                break
            if renew:
                raise CredentialsError(
                    f"ACLED refused a new access token (HTTP 401: {message_of(response)}): check that the account "
                    "has accepted ACLED's terms of use and has API access"
                )
        if response.status_code == 403:
            raise CredentialsError(
                f"ACLED denied access (HTTP 403: {message_of(response)}): the account may lack API access "
                "or access to these data"
            )
        if response.status_code >= 300:
            raise APIError(f"ACLED API {path}: HTTP {response.status_code}: {message_of(response)}")
        try:
            body = response.json()
        except ValueError:
            raise APIError(f"ACLED API {path}: the answer is not JSON") from None
        if (
            not isinstance(body, dict)
            or body.get("success") is False
            or not isinstance(body.get("data", []), list)
        ):
            raise APIError(f"ACLED API {path}: {message_of(response)}")
        return body

    def events(
        self,
        query: ACLEDQuery,
        *,
        start_page: int = 1,
        changed_since: int | None = None,
        limit: int = PAGE_SIZE,
    ) -> Iterator[Page]:
        """Pages of events (1-based), from ``start_page`` to the first page shorter than ``limit``;
        ``changed_since`` (seconds) asks only for events added or edited since then."""
        params = {"_format": "json", "limit": str(limit), **query.params()}
        if changed_since is not None:
            params["timestamp"] = str(int(changed_since))
        yield from self._pages("/api/acled/read", params, start_page, limit)

    def deletions(self, since: int, *, start_page: int = 1, limit: int = PAGE_SIZE) -> Iterator[Page]:
        """Pages of ``{event_id_cnty, deleted_timestamp}`` for events deleted at or after ``since``."""
        params = {"_format": "json", "limit": str(limit), "deleted_timestamp": str(int(since))}
        yield from self._pages("/api/deleted/read", params, start_page, limit)

    def _pages(self, path: str, params: dict[str, str], start_page: int, limit: int) -> Iterator[Page]:
        number = start_page
        while True:  # bounded: ends at the first short page
            body = self._get(path, {**params, "page": str(number)})
            records = list(body.get("data") or [])
            total = body.get("total_count")
            total_count = int(total) if isinstance(total, int | str) and str(total).isdigit() else None
            yield Page(
                number=number,
                records=records,
                total_count=total_count,
                total_pages=-(-total_count // limit) if total_count else None,
                next_cursor=str(number + 1),
                last=len(records) < limit,
            )
            if len(records) < limit:
                return
            number += 1


def deletion_rows(records: Sequence[dict[str, object]]) -> list[tuple[str, int]]:
    """``(event_id_cnty, deleted_timestamp)`` of the deleted endpoint's records; refuses other fields."""
    out = []
    for record in records:
        if "event_id_cnty" not in record or "deleted_timestamp" not in record:
            raise APIError(
                "ACLED deleted endpoint: records lack event_id_cnty/deleted_timestamp (fields: "
                + ", ".join(sorted(record))
                + ")"
            )
        out.append((str(record["event_id_cnty"]), int(float(str(record["deleted_timestamp"])))))
    return out
