"""The engine's side of a staff survey campaign (issue 18): answers gathered elsewhere, as a survey.csv, stand in
for a return's survey; real files and DuckDB, no web service. (The property that a campaign's counts equal
the same answers' survey.csv is tests/web/test_survey_counts.py: the campaign's path needs the database.)"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from tests.test_bad_inputs import write_workbook
from wres import pipeline, standards, validate
from wres.demo import write_demo
from wres.problems import InvalidInput

SURVEY = ("M6", "M7a", "M7b")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo")
    write_demo(d, seed=5, staff=150, action_plan=False)
    return d


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def campaign(demo: Path, folder: Path, choice: str = "", broken: bool = False) -> pipeline.Campaign:
    """A campaign of the demo's period: the demo's own respondents, but every other one left out."""
    org = pipeline.load(demo).organisation
    answers = [r for i, r in enumerate(rows(demo / "survey.csv")) if i % 2 == 0]
    if broken:
        answers[0]["abuse_public"] = "sometimes"
    path = folder / "campaign" / "survey.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["ethnicity", "service", "abuse_public", "abuse_colleagues", "abuse_managers"], extrasaction="ignore")
        w.writeheader()
        w.writerows(answers)
    return pipeline.Campaign("1", "Staff survey 2024", org.period_start, org.period_end, path, choice)  # type: ignore[arg-type]


def survey_cells(loaded: pipeline.Loaded) -> dict:
    return {k: v for k, v in loaded.counts.cells.items() if k[0] in SURVEY}


def as_workbook(demo: Path, into: Path, with_survey: bool) -> Path:
    org = pipeline.load(demo).organisation
    sheets = {"organisation": [{"setting": k, "value": str(v)} for k, v in
                               (("name", org.name), ("code", org.code), ("period_start", org.period_start), ("period_end", org.period_end))]}
    for stem in ("staff", "leavers", *(("survey",) if with_survey else ())):
        sheets[stem] = rows(demo / f"{stem}.csv")
    into.mkdir(parents=True, exist_ok=True)
    write_workbook(into / "return.xlsx", sheets)
    return into / "return.xlsx"


def test_a_campaign_is_the_survey_of_a_return_without_one(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "return"
    shutil.copytree(demo, folder)
    (folder / "survey.csv").unlink()
    c = campaign(demo, tmp_path)
    loaded = pipeline.load(folder, campaigns=[c])
    alone = pipeline.survey_counts(loaded.organisation, c.path)  # type: ignore[arg-type]
    assert survey_cells(loaded) == alone.cells and alone.cells and loaded.survey == pipeline.SurveyUse(c, used=True)
    other = pipeline.Campaign("2", "Last year", c.period_start.replace(year=c.period_start.year - 1), c.period_end, c.path)
    assert survey_cells(pipeline.load(folder, campaigns=[other])) == {}  # another period: never


def test_the_campaigns_problems_are_the_pipelines_naming_it(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "return"
    shutil.copytree(demo, folder)
    (folder / "survey.csv").unlink()
    with pytest.raises(InvalidInput) as bad:
        pipeline.load(folder, campaigns=[campaign(demo, tmp_path, broken=True)])
    assert [p.file for p in bad.value.problems] == ['the staff survey "Staff survey 2024"']
    assert "sometimes" in bad.value.problems[0].message


@pytest.mark.parametrize("with_workbook", [False, True])
def test_own_survey_answers_conflict_until_chosen(demo: Path, tmp_path: Path, with_workbook: bool) -> None:
    path = as_workbook(demo, tmp_path / "book", with_survey=True) if with_workbook else demo
    own_label = "return.xlsx, sheet survey" if with_workbook else "survey.csv"
    c = campaign(demo, tmp_path)
    with pytest.raises(pipeline.Invalid) as conflict:
        pipeline.load(path, campaigns=[c])
    assert [p.file for p in conflict.value.problems] == [own_label] and "choose which to use" in conflict.value.problems[0].message
    assert conflict.value.survey == pipeline.SurveyUse(c, used=False, conflict=True, own=own_label)
    own = pipeline.load(path)
    chose_own = pipeline.load(path, campaigns=[pipeline.Campaign(**{**c.__dict__, "choice": "upload"})])
    chose_campaign = pipeline.load(path, campaigns=[pipeline.Campaign(**{**c.__dict__, "choice": "campaign"})])
    assert survey_cells(chose_own) == survey_cells(own) != survey_cells(chose_campaign)
    assert survey_cells(chose_campaign) == pipeline.survey_counts(own.organisation, c.path).cells  # type: ignore[arg-type]
    rest = {k: v for k, v in own.counts.cells.items() if k[0] not in SURVEY}
    assert {k: v for k, v in chose_campaign.counts.cells.items() if k[0] not in SURVEY} == rest  # the rest is the file's


def test_a_counts_return_takes_the_campaigns_counts_for_its_survey_rows(demo: Path, tmp_path: Path) -> None:
    own = pipeline.load(demo)
    folder = tmp_path / "counts"
    folder.mkdir()
    shutil.copy(demo / "organisation.toml", folder)
    (folder / "counts.csv").write_text(own.counts.to_csv())
    c = campaign(demo, tmp_path, choice="campaign")
    loaded = pipeline.load(folder, campaigns=[c])
    assert survey_cells(loaded) == pipeline.survey_counts(own.organisation, c.path).cells  # type: ignore[arg-type]
    assert {k: v for k, v in loaded.counts.cells.items() if k[0] not in SURVEY} == {k: v for k, v in own.counts.cells.items() if k[0] not in SURVEY}
    kept = pipeline.Campaign("1", c.title, c.period_start, c.period_end, None, "campaign", loaded.counts)  # only counts kept
    assert survey_cells(pipeline.load(demo, campaigns=[kept])) == survey_cells(loaded)


# Each answer of the contract's scale as other survey tools word it; "Don't know" and "Not applicable" are no count
OTHER_WORDS = {"Never": ["Never", "0"], "1-2": ["1 to 2", "Once or twice", "1-2 times"], "3-5": ["3 to 5", "3 to 5 times"],
               "6-10": ["6 to 10"], "More than 10": ["More than ten", "11+", "11 or more"], "": ["", "Don't know", "Not applicable"]}


def test_a_survey_in_other_tools_words_counts_as_the_contracts(demo: Path, tmp_path: Path) -> None:
    """A count is a count however a tool words it ("1 to 2", "11+"): the metric asks at least once or never, so
    each is read as its bucket says; an answer that gives no count ("Don't know") is as unanswered."""
    shutil.copytree(demo, tmp_path / "other")
    answers = rows(demo / "survey.csv")
    seen = {answer: 0 for answer in OTHER_WORDS}  # each bucket's spellings in turn
    for r in answers:
        for q in ("abuse_public", "abuse_colleagues", "abuse_managers"):
            answer = r[q]
            r[q] = OTHER_WORDS[answer][seen[answer] % len(OTHER_WORDS[answer])]
            seen[answer] += 1
    with (tmp_path / "other" / "survey.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(answers[0]))
        w.writeheader()
        w.writerows(answers)
    used = {r[q] for r in answers for q in ("abuse_public", "abuse_colleagues", "abuse_managers")}
    assert used >= {w for answer, n in seen.items() if n >= 3 for w in OTHER_WORDS[answer]}, used  # each spelling, where the demo has its bucket
    assert survey_cells(pipeline.load(tmp_path / "other")) == survey_cells(pipeline.load(demo))
    # the demo's small survey has no "More than 10": its spellings, and the others, as each standard's scale reads them
    for sid in standards.available():
        std = standards.load(sid)
        question = next(c for c, scale in std.scales.items() if scale == "frequency")
        for answer, words in OTHER_WORDS.items():
            for word in words:
                got = validate.recognised("answer", word, std, question) if word else None
                assert got == (None if answer == "" else answer != "Never") or (answer == "" and got == validate.EXCLUDED), (sid, word, got)
