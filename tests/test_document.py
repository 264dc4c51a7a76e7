"""The metrics document is one typed value: what wres writes reads back to the same dict, field for field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wres.document import Document, Figures, Result

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["d1.pub.json", "d1.int.json", "d2.pub.json", "c1.pub.json"])
def test_golden_documents_round_trip(name):
    d = Document.from_dict(json.loads((GOLDEN / name).read_text())).to_dict()
    assert Document.from_dict(d).to_dict() == d


def test_a_result_keeps_its_group_order_and_drops_the_unknown_rate():
    r = Result("1", "all", "Band 5", {"bme": Figures(3, 10, 0.3), "white": Figures(5, 20, 0.25), "unknown": Figures(1, 2)},
               None, None, None, None, False, None, "s", "Staff in each pay band", statistic="representation",
               shares={"bme": 0.3, "white": 0.6, "unknown": 0.1})
    d = r.to_dict()
    assert list(d)[:6] == ["metric", "service", "band", "bme", "white", "unknown"]
    assert "rate" not in d["unknown"] and "rate" not in d["total"]
    assert d["label"] == "Staff in each pay band (Band 5)"
    assert Result.from_dict(d).to_dict() == d
    assert Result.from_dict(d).focus == Figures(3, 10, 0.3)
