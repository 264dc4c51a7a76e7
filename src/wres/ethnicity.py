"""Ethnicity classification: ONS 2021 labels, broad groups and NHS letter codes → the three SC-WRES groups.

Values are never guessed: anything not in the table (or in the authority's own mapping file) is a
validation error that lists the value and its rows.
"""

from __future__ import annotations

import re
from typing import Literal

Group = Literal["minority_ethnic", "white", "unknown"]
GROUPS: tuple[Group, ...] = ("minority_ethnic", "white", "unknown")

# broad group → (group, names the broad group goes by, ONS 2021 labels, NHS letter codes)
_TABLE: dict[str, tuple[Group, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "White": (
        "white",
        ("White",),
        (
            "English, Welsh, Scottish, Northern Irish or British",
            "Irish",
            "Gypsy or Irish Traveller",
            "Roma",
            "Any other White background",
        ),
        ("A", "B", "C"),
    ),
    "Mixed": (
        "minority_ethnic",
        ("Mixed", "Mixed or Multiple ethnic groups", "Mixed or Multiple"),
        (
            "White and Black Caribbean",
            "White and Black African",
            "White and Asian",
            "Any other Mixed or multiple ethnic background",
        ),
        ("D", "E", "F", "G"),
    ),
    "Asian": (
        "minority_ethnic",
        ("Asian", "Asian, Asian British or Asian Welsh", "Asian or Asian British"),
        ("Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background"),
        ("H", "J", "K", "L", "R"),
    ),
    "Black": (
        "minority_ethnic",
        (
            "Black",
            "Black, Black British, Black Welsh, Caribbean or African",
            "Black, Black British, Caribbean or African",
            "Black or Black British",
        ),
        ("African", "Caribbean", "Any other Black, Black British, or Caribbean background"),
        ("M", "N", "P"),
    ),
    "Other": (
        "minority_ethnic",
        ("Other", "Other ethnic group"),
        ("Arab", "Any other ethnic group"),
        ("S",),
    ),
}
_UNKNOWN_LABELS = ("Not stated", "Not known", "Prefer not to say", "Unknown", "Z")


def normalise(value: str) -> str:
    """Case- and spacing-insensitive key: 'White and Asian ' and 'white and  asian' match."""
    return re.sub(r"\s+", "", value).lower()


def _build() -> dict[str, Group]:
    table: dict[str, Group] = {}
    for group, names, labels, codes in _TABLE.values():
        for name in names:
            table[normalise(name)] = group
        for label in labels:
            table[normalise(label)] = group
            for name in names:
                for sep in (":", "-", " - ", ": "):
                    table[normalise(f"{name}{sep}{label}")] = group
        for code in codes:
            table[normalise(code)] = group
    for label in _UNKNOWN_LABELS:
        table[normalise(label)] = "unknown"
    # The group names themselves, so an aggregate source can be re-read without a mapping.
    table.update({"minorityethnic": "minority_ethnic", "minority_ethnic": "minority_ethnic"})
    return table


CLASSIFICATION: dict[str, Group] = _build()


def classify(value: str | None, mapping: dict[str, str] | None = None) -> Group | None:
    """The group of one value; None when the value is not recognised.

    `mapping` holds the authority's local codes (normalised local value → accepted value or group).
    Blank is 'unknown' (not declared), never an error.
    """
    if value is None or not value.strip():
        return "unknown"
    key = normalise(value)
    if mapping and key in mapping:
        key = normalise(mapping[key])
    return CLASSIFICATION.get(key)
