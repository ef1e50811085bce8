"""Reading the text to check: any common encoding, never a binary file, never a text too long to check.

:func:`read_claims_text` is the one way the command line (and anyone else) reads a file for the claim
check.  It refuses, with one line naming the file, a file that is not there, one larger than
:data:`MAX_TEXT_BYTES` and one that is not text; it decodes the rest:

* valid UTF-8 (with or without a byte-order mark) without control characters is read as UTF-8;
* anything else goes to charset-normalizer (a maintained detector), limited to :data:`CANDIDATE_ENCODINGS`:
  the Unicode encodings (UTF-16 and UTF-32 with or without a byte-order mark) and the Western single-byte
  code pages.  The checker reads English; every single-byte code page decodes any byte, and on English
  text the detector cannot tell Windows-1252 from, say, Baltic Windows-1257 ("Ménaka" would come out as
  "Mēnaka"), so only the pages English writers use on current systems are candidates (not Mac OS Roman,
  obsolete since 2001, which the detector otherwise prefers for Windows-1252 text with a no-break space);
* a file the detector cannot read as text (no candidate decodes it with little enough mess), or whose
  decoded text holds NUL or other control characters, is binary and refused.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The largest text the claim check reads (2 MiB, about 300,000 words: several books). The check is linear
#: in the text (about 1 s per 100 KB, see benchmarks/check.py), so the cap bounds a run to well under a
#: minute and keeps a mistaken file (a data dump, a log) from running for hours.
MAX_TEXT_BYTES = 2 * 1024 * 1024
#: What the detector may choose from (see the module docstring for why the single-byte pages are Western).
CANDIDATE_ENCODINGS = (
    "utf_8", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be",
    "cp1252", "latin_1", "iso8859_15",
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class ClaimsTextError(ValueError):
    """A file the claim check cannot read; the message is one line naming the file and the reason."""


def read_claims_text(path: str | Path) -> str:
    """The text of ``path``, decoded from its detected encoding; :class:`ClaimsTextError` when the file is
    missing, over :data:`MAX_TEXT_BYTES`, or not text."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ClaimsTextError(f"{path}: is a folder, not a text file")
        if size > MAX_TEXT_BYTES:
            raise ClaimsTextError(
                f"{path}: {size:,} bytes is over the claim check's limit of {MAX_TEXT_BYTES:,} bytes "
                "(2 MiB); check the text in parts"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ClaimsTextError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    text = _decode(raw)
    if text is None or _CONTROL.search(text):
        raise ClaimsTextError(f"{path}: not a text file (binary content); give a plain-text or Markdown file")
    return text


def _decode(raw: bytes) -> str | None:
    """UTF-8 when the bytes are valid UTF-8 text, else the detector's best candidate (None: not text).
    UTF-16 without a byte-order mark is valid UTF-8 full of NUL characters: it goes to the detector."""
    try:
        text = raw.decode("utf-8-sig")
        if not _CONTROL.search(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    return None if best is None else str(best)
