"""Credentials for the APIs: environment variables, the system keyring where there is one, and ACLED's
OAuth tokens kept in the user's config folder with owner-only permissions.

Nothing here is ever printed, logged or written to the store.  Where each secret comes from:

* ACLED: ``ACLED_EMAIL`` + ``ACLED_PASSWORD`` (or the password in the keyring under service
  ``spillover-acled``, user = the e-mail), exchanged at ACLED's token endpoint (OAuth password grant) for
  an access token (valid 24 hours) and a refresh token (14 days).  Both are kept in the keyring when one
  works, else in ``<config>/acled-token.json`` (mode 0600), so that later pulls need no password until
  the refresh token expires;
* UCDP: ``UCDP_API_TOKEN`` (or the keyring, service ``spillover-ucdp``, user ``token``), sent in the
  ``x-ucdp-access-token`` header.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

ACLED_EMAIL_ENV = "ACLED_EMAIL"
ACLED_PASSWORD_ENV = "ACLED_PASSWORD"
UCDP_TOKEN_ENV = "UCDP_API_TOKEN"
KEYRING_ACLED = "spillover-acled"
KEYRING_UCDP = "spillover-ucdp"
#: ACLED documents refresh tokens valid for 14 days; used when the token answer does not say.
REFRESH_LIFETIME = 14 * 24 * 3600


def config_dir() -> Path:
    """The user's config folder for spillover (``$XDG_CONFIG_HOME/spillover`` on Linux)."""
    return Path(platformdirs.user_config_dir("spillover", appauthor=False))


def _keyring():  # noqa: ANN202 - the keyring module, or None
    """The keyring module when it is installed and has a working backend (optional dependency)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
    except Exception:  # noqa: BLE001 - a broken backend is the same as none
        return None
    return keyring


def keyring_get(service: str, user: str) -> str | None:
    ring = _keyring()
    if ring is None:
        return None
    try:
        return ring.get_password(service, user)
    except Exception:  # noqa: BLE001 - a locked or broken keyring: fall back to the other sources
        return None


def keyring_set(service: str, user: str, value: str) -> bool:
    ring = _keyring()
    if ring is None:
        return False
    try:
        ring.set_password(service, user, value)
    except Exception:  # noqa: BLE001
        return False
    return True


@dataclass
class ACLEDTokens:
    """ACLED's OAuth tokens with their expiry times (seconds since 1970), and the account they are for."""

    account: str
    access_token: str
    access_expires: float
    refresh_token: str | None
    refresh_expires: float

    def access_valid(self, margin: float = 300.0) -> bool:
        return bool(self.access_token) and time.time() + margin < self.access_expires

    def refresh_valid(self) -> bool:
        return bool(self.refresh_token) and time.time() < self.refresh_expires

    def __repr__(self) -> str:  # never show a token, even in a traceback or a debugger
        return f"ACLEDTokens(access valid: {self.access_valid()}, refresh valid: {self.refresh_valid()})"


class TokenCache:
    """Where ACLED's tokens are kept between pulls: the keyring if one works, else a 0600 file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "acled-token.json"

    def load(self) -> ACLEDTokens | None:
        text = keyring_get(KEYRING_ACLED, "oauth-tokens")
        if text is None and self.path.is_file():
            text = self.path.read_text(encoding="utf-8")
        if not text:
            return None
        try:
            tokens = ACLEDTokens(**json.loads(text))
        except (ValueError, TypeError):
            return None
        email = os.environ.get(ACLED_EMAIL_ENV, "").strip()
        return None if email and tokens.account and email != tokens.account else tokens  # another account's

    def save(self, tokens: ACLEDTokens) -> None:
        text = json.dumps(asdict(tokens))
        if keyring_set(KEYRING_ACLED, "oauth-tokens", text):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def acled_login() -> tuple[str, str] | None:
    """``(email, password)`` from the environment (the password possibly from the keyring), or None."""
    email = os.environ.get(ACLED_EMAIL_ENV, "").strip()
    if not email:
        return None
    password = os.environ.get(ACLED_PASSWORD_ENV) or keyring_get(KEYRING_ACLED, email)
    return (email, password) if password else None


def ucdp_token() -> str | None:
    """The UCDP access token from ``UCDP_API_TOKEN`` or the keyring, or None."""
    return os.environ.get(UCDP_TOKEN_ENV, "").strip() or keyring_get(KEYRING_UCDP, "token")
