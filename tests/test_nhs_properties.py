"""Properties of NHS WRES returns, checked with hypothesis on generated trusts written as real files:
a return's figures are the same from its records as from its own counts.csv, and pooling trusts is a sum."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import write_csv, write_return
from wres import national, pipeline, results

ORG = {"standard": "nhs-wres", "period_start": "2024-04-01", "period_end": "2025-03-31"}
ETHNICITIES = ["A White - British", "White - Irish", "H Asian or Asian British - Indian", "N Black or Black British - African",
               "Asian / Asian British", "White", "Z Not Stated", "", "Prefer not to say", "Chinese"]
BANDS = ["Band 2", "band 5", "Band 8a", "VSM", "Consultant", "Trainee grade"]
NON_EXECUTIVE = "Board (non-executive)"
FREQUENCY = ["Never", "1-2", "3-5", "6-10", "More than 10", ""]
COLUMNS = {
    "staff": ["staff_id", "ethnicity", "pay_band", "clinical", "board_voting", "board_executive"],
    "recruitment": ["applicant_id", "ethnicity", "shortlisted", "appointed"],
    "disciplinary": ["staff_id", "ethnicity", "date"],
    "training": ["staff_id", "ethnicity", "date"],
    "survey": ["ethnicity", "harassment_public", "harassment_managers", "harassment_colleagues",
               "equal_opportunities", "discrimination_colleagues"],
}


@st.composite
def trust_return(draw: st.DrawFn, prefix: str = "S") -> dict[str, list[dict[str, Any]]]:
    """A small trust: staff of a few bands (some non-executive directors among them), events of its staff
    (repeats, blank ethnicities, dates just outside the year), applicants and Staff Survey respondents."""
    yes_no = st.sampled_from(["yes", "no"])
    staff = []
    for i in range(draw(st.integers(1, 30))):
        ned = draw(st.integers(0, 9)) == 0
        staff.append({
            "staff_id": f"{prefix}{i}", "ethnicity": draw(st.sampled_from(ETHNICITIES)),
            "pay_band": NON_EXECUTIVE if ned else draw(st.sampled_from(BANDS)),
            "clinical": "no" if ned else draw(yes_no), "board_voting": "yes" if ned else draw(yes_no),
            "board_executive": "no" if ned else draw(yes_no),
        })
    ids = [s["staff_id"] for s in staff if s["pay_band"] != NON_EXECUTIVE] or [staff[0]["staff_id"]]
    dates = st.sampled_from(["2024-04-01", "2024-10-10", "2025-03-31", "2025-04-01", "2024-03-31"])

    def events() -> list[dict[str, Any]]:
        return [{"staff_id": draw(st.sampled_from(ids)), "ethnicity": draw(st.sampled_from(["", *ETHNICITIES[:4]])), "date": draw(dates)}
                for _ in range(draw(st.integers(0, 15)))]

    recruitment = []
    for j in range(draw(st.integers(0, 25))):
        short = draw(st.booleans())
        recruitment.append({"applicant_id": f"{prefix}A{j}", "ethnicity": draw(st.sampled_from(ETHNICITIES)),
                            "shortlisted": "yes" if short else "no", "appointed": "yes" if short and draw(st.booleans()) else "no"})
    survey = [{"ethnicity": draw(st.sampled_from(ETHNICITIES)),
               "harassment_public": draw(st.sampled_from(FREQUENCY)), "harassment_managers": draw(st.sampled_from(FREQUENCY)),
               "harassment_colleagues": draw(st.sampled_from(FREQUENCY)),
               "equal_opportunities": draw(st.sampled_from(["Yes", "No", "Don't know", ""])),
               "discrimination_colleagues": draw(st.sampled_from(["Yes", "No", ""]))}
              for _ in range(draw(st.integers(0, 25)))]
    return {"staff": staff, "recruitment": recruitment, "disciplinary": events(), "training": events(), "survey": survey}


def _write(root: Path, files: dict[str, list[dict[str, Any]]], code: str = "R9A") -> Path:
    write_return(root, {}, {**ORG, "name": f"Trust {code}", "code": code})
    for name, rows in files.items():
        write_csv(root / f"{name}.csv", rows, COLUMNS[name])  # an empty file keeps its header: zero events
    return root


def _comparable(doc: results.Document) -> list[dict[str, Any]]:
    return [r.to_dict() for r in doc.results]


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(trust_return())
def test_figures_from_records_equal_figures_from_their_counts(files: dict[str, list[dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        records = _write(Path(tmp) / "records", files)
        loaded = pipeline.load(records)
        assert loaded.counts.standard.id == "nhs-wres"
        aggregate = Path(tmp) / "aggregate"
        aggregate.mkdir()
        (aggregate / "organisation.toml").write_text((records / "organisation.toml").read_text())
        (aggregate / "counts.csv").write_text(loaded.counts.to_csv())
        again = pipeline.load(aggregate).counts
        assert again.cells == loaded.counts.cells
        assert _comparable(pipeline.document(records, internal=True)) == _comparable(pipeline.document(aggregate, internal=True))
        # and published: the same counts give the same protected document
        assert _comparable(pipeline.document(records)) == _comparable(pipeline.document(aggregate))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(trust_return("X"), trust_return("Y"))
def test_pooling_trusts_is_a_sum(a: dict[str, list[dict[str, Any]]], b: dict[str, list[dict[str, Any]]]) -> None:
    """The national counts of two trusts are the counts of one trust holding both trusts' records."""
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = _write(Path(tmp) / "a", a, "R9A"), _write(Path(tmp) / "b", b, "R9B")
        union = pipeline.load(_write(Path(tmp) / "u", {k: a[k] + b[k] for k in a}, "R9U"))
        trusts, problems = national.load([pa, pb], workers=1)
        assert problems == []
        pooled, warnings = national.pool(trusts)
        assert warnings == []
        assert pooled.standard.id == "nhs-wres"
        assert pooled.cells == union.counts.cells
        assert _comparable(results.compute(pooled, union.organisation)) == _comparable(results.compute(union.counts, union.organisation))
