"""The text of an assessment as the extractors see it: Markdown removed, sentences, numbers in words or digits."""

from __future__ import annotations

import re

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "dozen": 12, "a dozen": 12,
}  # fmt: skip
#: A count as written: digits with thousands separators, or a number word.
NUM = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+|"
    + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True))
    + r")"
)
#: The qualifier before a count ("more than", "about", "up to" …), as the named group ``q``.
QUAL = r"(?P<q>more than|over|at least|upwards of|in excess of|nearly|about|approximately|around|almost|some|up to|fewer than|less than)?\s*"
#: Words that make a claim hedged (reported as such, still checked).
HEDGES = re.compile(
    r"\b(implicated|possibly|reportedly|allegedly|suspected|may have|likely|believed)\b", re.IGNORECASE
)

_ABBREV = re.compile(
    r"\b(U\.S|U\.N|U\.K|Gen|Mr|Mrs|Ms|Dr|St|No|Lt|Col|Sgt|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|vs|etc|i\.e|e\.g)\."
)
_INITIAL = re.compile(r"\b([A-Z])\.(?=\s*[A-Z]\.)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')]*\s+(?=[\"'(]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-•*])|\n")
_MARK = "\u2063"
#: The longest sentence the extractors see: a longer run without a sentence end (a pasted table, a text
#: without full stops) is cut at spaces, so that every per-sentence step is bounded and a check stays
#: linear in the text.  Real sentences are far shorter (the reference article's longest: about 450).
MAX_SENTENCE_CHARS = 2000
_QUOTES = str.maketrans({"•": "\n", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalise_text(text: str) -> str:
    """Plain text: Markdown marks and bullets removed, typographic quotes straightened."""
    return re.sub(r"[*_`#>]+", " ", text).translate(_QUOTES)


def sentences(text: str) -> list[str]:
    """Sentences of the text (abbreviations such as "U.S." and "Gen." do not end one), in one pass."""
    out = []
    for para in _PARAGRAPH.split(normalise_text(text)):
        para = " ".join(para.split())
        if not para:
            continue
        protected = _ABBREV.sub(lambda m: m.group(0).replace(".", _MARK), para)
        protected = _INITIAL.sub(lambda m: m.group(1) + _MARK, protected)
        for piece in _SENTENCE_END.split(protected):
            piece = piece.replace(_MARK, ".").strip()
            out += [part for part in _bounded(piece) if len(part) > 3]
    return out


def _bounded(piece: str) -> list[str]:
    """``piece`` in parts of at most :data:`MAX_SENTENCE_CHARS`, cut at the last space before the limit."""
    parts = []
    while len(piece) > MAX_SENTENCE_CHARS:
        cut = piece.rfind(" ", 0, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        parts.append(piece[:cut].strip())
        piece = piece[cut:].strip()
    return [*parts, piece]


def parse_number(text: str) -> int | None:
    """A count written in digits ("2,000") or words ("four", "a dozen"); None when it is neither."""
    text = text.strip().lower()
    if text in _WORD_NUMBERS:
        return _WORD_NUMBERS[text]
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else None
