"""'Did you mean …?': the nearest accepted spellings of a value that was not recognised.

A suggestion is only ever words in a message: nothing is classified by a fuzzy match. Matching is
rapidfuzz's normalised indel similarity (fuzz.ratio) between the value's key and each accepted spelling's
key, so 'Carribean' finds 'Caribbean' and 'Pakistanti' finds 'Pakistani', while 'Martian' finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

# 80 keeps one slip in a short word ('Indain' → 'Indian' scores 83) and drops unrelated words ('Martian'
# against 'Asian' scores 67); a second suggestion must be nearly as close as the first.
CUTOFF = 80.0
CLOSE = 4.0
SHOWN = 3


class Suggester:
    """The accepted spellings of one kind of value (key → what to suggest), and the nearest to a value."""

    def __init__(self, spellings: Mapping[str, str], key: Callable[[str], str]) -> None:
        self._key = key
        self._shown = dict(spellings)
        self._keys = list(self._shown)

    def __call__(self, value: str) -> list[str]:
        """Up to SHOWN suggestions, nearest first; none when nothing is near enough."""
        from rapidfuzz import fuzz, process  # only a return with a value not recognised pays for it

        k = self._key(value)
        if len(k) < 2 or not self._keys:
            return []
        found = process.extract(k, self._keys, scorer=fuzz.ratio, score_cutoff=CUTOFF, limit=10)
        if not found:
            return []
        best = found[0][1]
        out: list[str] = []
        for spelling, score, _ in found:
            shown = self._shown[spelling]
            if score >= best - CLOSE and shown not in out and self._key(shown) != k:
                out.append(shown)
        return out[:SHOWN]

    def did_you_mean(self, value: str) -> str | None:
        """'did you mean "Caribbean"?' (or two or three, nearest first), or None."""
        return did_you_mean(self(value))


def did_you_mean(suggestions: list[str]) -> str | None:
    if not suggestions:
        return None
    quoted = [f'"{s}"' for s in suggestions]
    said = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"did you mean {said}?"  # lower case: it leads a how-to-fix line
