"""What the user is told about their input: every problem names file, row, column, what and how to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

ROWS_SHOWN = 10


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
