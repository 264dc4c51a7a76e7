"""What the user is told about their input: every problem names file, row, column, what and how to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Literal

Severity = Literal["error", "warning"]

ROWS_SHOWN = 10

# Control characters but tab and line feed: a cell, a file's name or a setting may hold them (ESC from a hostile
# or broken file, a vertical tab pasted from Word), and a message that printed one raw could recolour or retitle
# the terminal, or vanish on a page
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same in text someone typed, where a carriage return is a line break (Windows, a textarea): as a regular
# expression Python and DuckDB both read, so the return's files and the web's forms refuse the same characters
TYPED_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_TYPED = re.compile(TYPED_CONTROL)


def printable(text: str) -> str:
    """Text with each control character written as its code, \\x1b: seen, and harmless where it is shown."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def has_control(text: str) -> bool:
    """Whether text someone typed holds a control character: a line break is text, as Windows writes it too."""
    return _TYPED.search(text) is not None


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    fix: str
    column: str | None = None
    rows: tuple[int, ...] = ()  # the first few rows (header is row 1)
    row_count: int = 0  # how many rows in all (may exceed len(rows))
    severity: Severity = "error"
    # An import mapping could put it right: a heading or a spelling of the export's own (the web then offers
    # its mapping pages). Decided where the problem is found, so nothing downstream reads the wording.
    mappable: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):  # what a file gave (a value, a name, a heading) is shown, never obeyed
            value = getattr(self, f.name)
            if isinstance(value, str) and _CONTROL.search(value):
                object.__setattr__(self, f.name, printable(value))

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows)
            more = self.row_count - len(self.rows)
            label = "row" if self.row_count == 1 else "rows"
            parts.append(f"{label} {shown}" + (f" and {more:,} more" if more > 0 else ""))
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "rows": list(self.rows),
            "row_count": self.row_count,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "mappable": self.mappable,
        }


class InvalidInput(Exception):
    """Raised when input cannot be used; carries every problem found, for exit code 1."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
