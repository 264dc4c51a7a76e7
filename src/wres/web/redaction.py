"""What in a free-text survey answer may identify someone, flagged for the reviewer to redact.

A flag is a suggestion, never a decision: the named reviewer reads the whole answer and edits the text
analysts will see. The patterns err towards flagging too much (a capitalised word inside a sentence may be a
name or a place), since a missed identifier costs more than a word the reviewer puts back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each kind of identifier, its words (as the review page and the suggested redaction name it) and its pattern.
# Order matters: where two overlap, the earlier kind wins.
PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("email", "an email address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("ni number", "a National Insurance number", re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)),
    ("postcode", "a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")),
    ("phone", "a phone number", re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b")),
    ("staff number", "a staff or reference number", re.compile(r"\b(?=[A-Z]*\d)[A-Z]{0,4}\d{4,}[A-Z]?\b", re.I)),
    ("name or place", "a name or place", re.compile(r"\b[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)*")),
)
# Capitalised words that are rarely a person or a place: the reviewer still reads the whole answer.
COMMON = {
    "I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "English", "British", "Black", "White", "Asian", "Mixed", "Muslim", "Christian", "Jewish", "Sikh", "Hindu",
    "HR", "OK",
}
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“(]\s*)$")


@dataclass(frozen=True)
class Flag:
    kind: str  # a key of PATTERNS
    words: str  # what it may be, in words
    start: int
    end: int
    text: str


def _sentence_start(text: str, at: int) -> bool:
    return SENTENCE_END.search(text[:at].rstrip(" \t")) is not None or not text[:at].strip()


def flags(text: str) -> list[Flag]:
    """The likely identifiers in `text`, in order, none overlapping."""
    found: list[Flag] = []
    taken: list[tuple[int, int]] = []
    for kind, words, pattern in PATTERNS:
        for m in pattern.finditer(text):
            start, end, word = m.start(), m.end(), m.group()
            if kind == "name or place":
                # a sentence's first word is capitalised anyway: flagged only with the capitalised words after it
                if _sentence_start(text, start):
                    rest = word.split(None, 1)
                    if len(rest) == 1:
                        continue
                    start += len(word) - len(rest[1])
                    word = rest[1]
                if word in COMMON:
                    continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append(Flag(kind, words, start, end, word))
    return sorted(found, key=lambda f: f.start)


def suggested(text: str) -> str:
    """The text with each flag replaced by its kind in brackets: the reviewer's starting point."""
    out, at = [], 0
    for f in flags(text):
        out += [text[at:f.start], f"[{f.kind}]"]
        at = f.end
    return "".join(out) + text[at:]


def marked(text: str) -> list[tuple[str, Flag | None]]:
    """The text in pieces, each with its flag or None, for the review page to highlight."""
    out: list[tuple[str, Flag | None]] = []
    at = 0
    for f in flags(text):
        if f.start > at:
            out.append((text[at:f.start], None))
        out.append((f.text, f))
        at = f.end
    if at < len(text):
        out.append((text[at:], None))
    return out
