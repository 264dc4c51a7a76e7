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


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wres.demo import write_demo

    root = tmp_path_factory.mktemp("trust")
    write_demo(root, seed=2, staff=1500, standard="nhs-wres")
    return root


@pytest.mark.parametrize("internal", [False, True])
def test_an_nhs_document_round_trips(trust: Path, internal: bool) -> None:
    from wres import pipeline

    d = json.loads(json.dumps(pipeline.document(trust, internal=internal).to_dict()))
    assert d["standard_id"] == "nhs-wres" and "bme" in d["results"][0]
    back = Document.from_dict(d)
    assert back.to_dict() == d
    assert back.get_standard().id == "nhs-wres"
    assert {r.status for r in back.results} >= {"published"}


def test_wres_audit_passes_the_published_nhs_demo(trust: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "metrics.json"
    run = cli("metrics", trust, "--format", "json")
    assert run.code == 0, run.stderr
    out.write_text(run.stdout)
    audit = cli("audit", out)
    assert audit.code == 0 and "No leak" in audit.stdout, audit.stdout
