"""Polite HTTP for the API clients: one httpx client, spacing between requests, and retries with backoff
(tenacity) on 429 (honouring ``Retry-After``), 5xx and dropped connections.

Credentials travel in headers or form bodies only, never in a URL, so that nothing logged (our own log
lines, httpx's) can carry them.  Errors are :class:`APIError` with one line for the user.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

log = logging.getLogger("spillover.api")

#: Seconds before the first retry of a 5xx or a dropped connection (doubles, with jitter, up to 60 s).
BACKOFF_ENV = "SPILLOVER_API_BACKOFF"
#: Minimum seconds between two requests to one API (politeness; 0 to disable).
INTERVAL_ENV = "SPILLOVER_API_INTERVAL"
#: Attempts per request before giving up (the first try included).
ATTEMPTS = 6
#: Longest ``Retry-After`` honoured; a server asking for more is reported instead of waited for.
MAX_RETRY_AFTER = 300.0


class APIError(RuntimeError):
    """A pull that cannot go on: the message is one line for the user, naming what to do."""


class CredentialsError(APIError):
    """Credentials missing, expired or refused."""


class AuthRefused(APIError):
    """HTTP 401 on a data request: the access token was refused (the caller may renew it once)."""


class RetryableStatus(APIError):
    """A 429 or 5xx answer: retried with backoff."""

    def __init__(self, message: str, status: int, retry_after: float | None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TransportError)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class PoliteClient:
    """An httpx client for one API: spaced requests, retried on 429/5xx, one-line errors."""

    def __init__(
        self, name: str, *, timeout: float = 60.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.name = name
        self.http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": "spillover (https://github.com/spillover; research use)"},
            follow_redirects=False,
        )
        self.backoff = float(os.environ.get(BACKOFF_ENV, "1.0"))
        self.interval = float(os.environ.get(INTERVAL_ENV, "0.5"))
        self._last = 0.0

    def close(self) -> None:
        self.http.close()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
            return exc.retry_after
        return (wait_exponential(multiplier=self.backoff, max=60.0) + wait_random(0, self.backoff))(state)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request, retried on 429/5xx/connection errors; 2xx and 4xx answers are returned."""

        @retry(
            retry=retry_if_exception(_retryable),
            wait=self._wait,
            stop=stop_after_attempt(ATTEMPTS),
            reraise=True,
            before_sleep=lambda s: log.info(
                "%s: retrying %s %s after %s (attempt %d)",
                self.name,
                method,
                url,
                s.outcome.exception() if s.outcome else "?",
                s.attempt_number,
            ),
        )
        def attempt() -> httpx.Response:
            self._space()
            log.debug("%s: %s %s %s", self.name, method, url, dict(params or {}))
            response = self.http.request(method, url, params=params, data=data, headers=headers)
            if response.status_code == 429 or response.status_code >= 500:
                after = _retry_after(response)
                if after is not None and after > MAX_RETRY_AFTER:
                    raise APIError(
                        f"{self.name}: the server asks to wait {after:.0f} s before the next request "
                        f"(HTTP {response.status_code}); run the pull again later, it resumes where it stopped"
                    )
                raise RetryableStatus(
                    f"{self.name}: HTTP {response.status_code} from {url}", response.status_code, after
                )
            return response

        try:
            return attempt()
        except RetryableStatus as exc:
            raise APIError(
                f"{exc} after {ATTEMPTS} attempts; run the pull again later, it resumes where it stopped"
            ) from None
        except httpx.TransportError as exc:
            raise APIError(
                f"{self.name}: cannot reach {url} ({type(exc).__name__}) after {ATTEMPTS} attempts; "
                "check the connection (or SPILLOVER_ACLED_API / SPILLOVER_UCDP_API), then run the pull again"
            ) from None

    def _space(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()


def message_of(response: httpx.Response) -> str:
    """The server's own short explanation of an error answer (its JSON message, or the text), one line."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200]
    if isinstance(body, dict):
        for key in ("error_description", "message", "messages", "error", "detail"):
            if body.get(key):
                value = body[key]
                return " ".join(
                    str(value if not isinstance(value, list) else "; ".join(map(str, value))).split()
                )[:200]
    return " ".join(str(body).split())[:200]
