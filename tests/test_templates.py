"""The blank templates an authority fills in stay in step with the data contract."""

from __future__ import annotations

import shutil
from pathlib import Path

from wres import organisation, pipeline
from wres.counts import COLUMNS
from wres.schema import FILES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_input_file_has_a_template_with_its_columns() -> None:
    for name, cols in FILES.items():
        header = (TEMPLATES / f"{name}.csv").read_text().splitlines()[0]
        assert header.split(",") == [c.name for c in cols]
    assert (TEMPLATES / "counts.csv").read_text().splitlines()[0].split(",") == list(COLUMNS)


def test_organisation_template_is_valid() -> None:
    org, problems = organisation.load(TEMPLATES / "organisation.toml")
    assert problems == [] and org is not None
    assert org.sponsors == {"adults": "Name, Director of Adult Social Care", "children": "Name, Director of Children's Services"}


def test_blank_templates_say_only_that_staff_is_empty(tmp_path: Path) -> None:
    d = tmp_path / "r"
    shutil.copytree(TEMPLATES, d)
    (d / "counts.csv").unlink()
    problems = pipeline.check(d)
    assert [(p.file, p.message) for p in problems if p.severity == "error"] == [("staff.csv", "has a header but no rows")]
