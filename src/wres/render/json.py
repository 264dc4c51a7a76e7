"""The metrics document as JSON (data-contract.md, schema_version 1)."""

from __future__ import annotations

import json

from wres.results import Document


def render(doc: Document) -> str:
    # Numbers stay unrounded (the contract); only text rounds.
    return json.dumps(doc.as_dict(), indent=2, ensure_ascii=False) + "\n"
