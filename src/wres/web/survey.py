"""The staff survey the service runs: a campaign's state, its invitation codes, and recording a response.

Privacy by design (docs/web.md, "The staff survey"): a response is stored as its answers only (the
standard's group the ethnicity given falls in, the breakdown part, the scale words) under a random id, with
no date, address, user agent, cookie or account. An invitation code is stored as a keyed hash and marked
used in its own table, which nothing joins to the responses. A finished form carries a one-time token whose
hash is kept, so the same answers sent twice make one response.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wres import disclosure, ethnicity, pipeline
from wres import results as wres_results
from wres.counts import Counts
from wres.document import Document
from wres.organisation import Organisation
from wres.standards import Standard
from wres.web.models import InvitationCode, SpentForm, SurveyCampaign, SurveyComment, SurveyResponse

State = Literal["not_open", "open", "closed"]
Outcome = Literal["recorded", "already_sent", "code_used", "closed"]

# Codes people type from paper: no 0/O, 1/I/L, shown as XXXX-XXXX (about 40 bits; unguessable at the rate
# limit, and kept only as a keyed hash).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def today() -> date:
    return timezone.localdate()


def last_day(campaign: SurveyCampaign) -> date:
    """The last day answers are accepted: the closing date, or the day it was closed early."""
    return campaign.closed_early_on or campaign.closes_on


def state(campaign: SurveyCampaign, on: date | None = None) -> State:
    on = on or today()
    if campaign.closed_early_on is not None and on >= campaign.closed_early_on:
        return "closed"
    if on < campaign.opens_on:
        return "not_open"
    return "open" if on <= campaign.closes_on else "closed"


def normalise_code(code: str) -> str:
    """What a person typed, as the code it is: case, spaces and dashes do not matter."""
    return "".join(c for c in code.upper() if c.isalnum())


def hash_code(campaign: SurveyCampaign, code: str) -> str:
    """A keyed hash (the service's secret key and the campaign's link): a copy of the table alone cannot
    be searched for a code."""
    key = f"{settings.SECRET_KEY}:survey-code:{campaign.slug}".encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def make_codes(campaign: SurveyCampaign, n: int) -> list[str]:
    """n new single-use codes for the campaign, returned once (only their hashes are kept)."""
    codes: list[str] = []
    seen = set(InvitationCode.objects.filter(campaign=campaign).values_list("code_hash", flat=True))
    while len(codes) < n:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        h = hash_code(campaign, raw)
        if h not in seen:
            seen.add(h)
            codes.append(f"{raw[:4]}-{raw[4:]}")
    InvitationCode.objects.bulk_create([InvitationCode(campaign=campaign, code_hash=hash_code(campaign, c)) for c in codes])
    return codes


def code_usable(campaign: SurveyCampaign, code: str) -> bool:
    """Whether a code was issued for this campaign and not used yet (checked when typed, and again on sending)."""
    return InvitationCode.objects.filter(campaign=campaign, code_hash=hash_code(campaign, code), used=False).exists()


def group_of(standard: Standard, label: str | None) -> str:
    """The standard's group an ethnicity falls in; the unknown group when none was given ("Prefer not to say")."""
    by_classification = {g.classification: g.id for g in standard.groups}
    return by_classification.get(ethnicity.classify(label) or "", standard.unknown.id) if label else standard.unknown.id


@dataclass(frozen=True)
class Answers:
    """A finished form: what is stored is exactly this, and the comment apart from it."""

    group: str
    service: str
    answers: dict[str, str]
    comment: str = ""


def new_token() -> str:
    """The one-time token a form carries from its first page: sent twice, its answers are recorded once."""
    return secrets.token_urlsafe(24)


def record(campaign: SurveyCampaign, answers: Answers, token: str, code: str | None = None, on: date | None = None) -> Outcome:
    """Store a finished form, once: the token spent, the code (if the campaign uses codes) marked used, and
    the answers stored, all or none."""
    if state(campaign, on) != "open":
        return "closed"
    token_hash = hashlib.sha256(f"{campaign.slug}:{token}".encode()).hexdigest()
    try:
        with transaction.atomic():
            SpentForm.objects.create(campaign=campaign, token_hash=token_hash)
            if campaign.access == SurveyCampaign.Access.CODES:
                used = InvitationCode.objects.filter(campaign=campaign, code_hash=hash_code(campaign, code or ""), used=False).update(used=True)
                if used != 1:
                    raise _CodeUsed
            SurveyResponse.objects.create(campaign=campaign, group=answers.group, service=answers.service, answers=answers.answers)
            if answers.comment.strip() and campaign.free_text_question:
                SurveyComment.objects.create(campaign=campaign, text=answers.comment.strip())
    except IntegrityError:
        return "already_sent"
    except _CodeUsed:
        return "code_used"
    return "recorded"


class _CodeUsed(Exception):
    pass


# ---- questions, counts, results and deletion (what the campaign pages and the return read) -----------------
#
# The answers are counted by the engine, never here: survey_csv writes them as the survey.csv of the contract
# (the group's label, which wres.ethnicity classifies back to the group; the breakdown part; the scale words),
# and wres.pipeline reads, checks and counts that file as it counts any return's survey.csv.

QuestionKind = Literal["ethnicity", "service", "answer", "comment"]
SURVEY = "survey"  # the contract's survey file


@dataclass(frozen=True)
class Question:
    """One question of a campaign's form, in order. `id` is the survey column an answer fills ("ethnicity",
    the breakdown column, an answer column) or "comment"; `options` are (value kept, words shown)."""

    id: str
    kind: QuestionKind
    text: str
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""


def standard_of(campaign: SurveyCampaign) -> Standard:
    return campaign.authority.the_standard


def survey_columns(standard: Standard) -> list[str]:
    """The survey file's columns a campaign fills (all but the respondent id, which a campaign never has)."""
    return [c.name for c in standard.files[SURVEY] if c.kind != "id"]


def has_breakdown(standard: Standard) -> bool:
    """Whether the standard's survey is counted by breakdown part (SC-WRES: service), so the form asks it."""
    return standard.breakdown.column in survey_columns(standard)


def part_word(campaign: SurveyCampaign) -> str:
    """What the survey's responses are counted by besides ethnicity, in lower case ("service"), or "" where
    its standard's survey has no breakdown (the NHS WRES's: the whole trust): what the pages say of it."""
    std = standard_of(campaign)
    return std.word("breakdown_heading").lower() if has_breakdown(std) else ""


def ethnicity_options(label_set: str = "ons2021") -> tuple[tuple[str, str], ...]:
    """A label set's categories as a respondent chooses them (value and words: the label wres.ethnicity
    classifies; survey_forms puts them under their headings). The table also holds other spellings of a
    category ("Other White" beside "Any other White background"): a family's first "Any other …" is the one
    a questionnaire asks, and the others are left out."""
    rows = [lb for lb in ethnicity.labels() if lb.label_set == label_set and lb.label]
    any_other = {lb.family for lb in rows if lb.label.startswith("Any other")}
    out: list[tuple[str, str]] = []
    asked: set[str] = set()
    for lb in rows:
        if lb.label.startswith("Any other"):
            if lb.family in asked:
                continue
            asked.add(lb.family)
        elif lb.label.startswith("Other ") and lb.family in any_other:
            continue
        out.append((lb.label, lb.label))
    return (*out, ("", "Prefer not to say"))


def questions(campaign: SurveyCampaign) -> list[Question]:
    """The form's questions in order: ethnicity, the breakdown part (where the survey is counted by it), each
    answer column of the standard's survey file, and the free-text question if the analyst added one."""
    std = standard_of(campaign)
    words = std.questions  # each question's text, hint and options, from the standard's data file
    eth = words["ethnicity"]
    out = [Question("ethnicity", "ethnicity", eth.text, ethnicity_options(eth.labels or "ons2021"), eth.hint)]
    if has_breakdown(std):
        surveyed = set(campaign.services.values_list("service", flat=True))
        parts = [p for p in std.breakdown.parts if not surveyed or p.id in surveyed]
        bq = words[std.breakdown.column]
        out.append(Question(std.breakdown.column, "service", bq.text, tuple((p.id, p.label) for p in parts), bq.hint))
    for column in survey_columns(std):
        if column in ("ethnicity", std.breakdown.column):
            continue
        q = words[column]
        out.append(Question(column, "answer", q.text, tuple((w, w) for w in q.options), q.hint))
    if campaign.free_text_question:
        out.append(Question("comment", "comment", campaign.free_text_question))
    return out


@dataclass(frozen=True)
class ServiceRate:
    """Responses from one surveyed breakdown part, against the staff invited there."""

    service: str
    label: str
    responses: int
    invited: int

    @property
    def rate(self) -> float | None:
        return self.responses / self.invited if self.invited else None


def response_count(campaign: SurveyCampaign) -> int:
    if campaign.answers_deleted_on is not None and campaign.counts:
        return int(campaign.counts["responses"])
    return campaign.responses.count()


def _cells(campaign: SurveyCampaign) -> dict[tuple[str, str], int]:
    """Respondents by (breakdown part, group): live, or as kept once the answers are deleted."""
    if campaign.answers_deleted_on is not None and campaign.counts:
        return {(s, g): n for s, g, n in campaign.counts["cells"]}
    from django.db.models import Count

    rows = campaign.responses.values_list("service", "group").annotate(n=Count("id"))
    return {(s, g): n for s, g, n in rows}


def responses_by_service(campaign: SurveyCampaign) -> list[ServiceRate]:
    """Responses and the response rate by surveyed breakdown part (no group breakdown): safe to show live."""
    std = standard_of(campaign)
    by_service: dict[str, int] = {}
    for (s, _), n in _cells(campaign).items():
        by_service[s] = by_service.get(s, 0) + n
    invited = dict(campaign.services.values_list("service", "invited"))
    ids = [p.id for p in std.breakdown.all if p.id in invited or p.id in by_service]
    return [ServiceRate(s, std.breakdown.part(s).label, by_service.get(s, 0), invited.get(s, 0)) for s in ids]


def group_cells(campaign: SurveyCampaign) -> list[tuple[str, str, int]]:
    """Every ethnicity group × surveyed part, with its respondents: (part, group, respondents), standard's order."""
    std = standard_of(campaign)
    cells = _cells(campaign)
    if has_breakdown(std):
        surveyed = set(campaign.services.values_list("service", flat=True)) | {s for s, _ in cells}
        parts = [p.id for p in std.breakdown.parts if p.id in surveyed]
    else:
        parts = [std.breakdown.total.id]
    return [(s, g, cells.get((s, g), 0)) for s in parts for g in std.group_ids]


def small_groups(campaign: SurveyCampaign) -> int:
    """How many ethnicity × service groups have some respondents but fewer than the threshold (a group
    nobody answered in exposes no one)."""
    return sum(1 for _, _, n in group_cells(campaign) if 0 < n < campaign.threshold)


def hidden_reason(campaign: SurveyCampaign) -> str | None:
    """Why no figure may be shown yet (never which group is small), or None when results may be shown."""
    if state(campaign) != "closed":
        return f"Results are shown once the survey closes (the last day for answers is {last_day(campaign):%-d %B %Y})."
    k, n = small_groups(campaign), len(group_cells(campaign))
    std = standard_of(campaign)
    if k:
        groups = f"groups (ethnicity by {std.breakdown.column})" if has_breakdown(std) else "ethnic groups"
        return f"{k} of the {n} {groups} {'has' if k == 1 else 'have'} fewer than {campaign.threshold} respondents, so no figure is shown."
    return None


def survey_csv(campaign: SurveyCampaign, path: Path) -> Path:
    """The campaign's answers as the contract's survey.csv at `path` (one row a respondent, no respondent id):
    the group's label, the breakdown part, the scale words as given ("" for a question not answered)."""
    std = standard_of(campaign)
    columns = survey_columns(std)
    label = {g.id: g.label for g in std.groups}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for group, service, answers in campaign.responses.values_list("group", "service", "answers").iterator(chunk_size=2000):
            row = {"ethnicity": label.get(group, ""), std.breakdown.column: service, **answers}
            w.writerow([row.get(c, "") for c in columns])
    return path


def organisation(campaign: SurveyCampaign) -> Organisation:
    """The settings a campaign's figures are computed under: its authority, standard, period and threshold."""
    a = campaign.authority
    return Organisation(name=a.name, code=a.code, standard=a.standard, period_start=campaign.period_start,
                        period_end=campaign.period_end, suppression_threshold=max(1, campaign.threshold))


def counts(campaign: SurveyCampaign) -> Counts:
    """The campaign's survey metrics' counts, by the engine's own survey counting (or as kept after deletion)."""
    std = standard_of(campaign)
    if campaign.answers_deleted_on is not None and campaign.counts:
        return Counts.from_rows(campaign.counts["rows"], [], std)
    with tempfile.TemporaryDirectory(prefix="wres-survey-") as tmp:
        return pipeline.survey_counts(organisation(campaign), survey_csv(campaign, Path(tmp) / "survey.csv"), label(campaign))


def label(campaign: SurveyCampaign) -> str:
    return f'the staff survey "{campaign.title}"'


def results(campaign: SurveyCampaign) -> Document | None:
    """The campaign's survey metrics after disclosure control at its threshold; None while hidden_reason says why not."""
    if hidden_reason(campaign) is not None:
        return None
    org = organisation(campaign)
    doc = wres_results.compute(counts(campaign), org)
    return disclosure.protect(doc, org.suppression_threshold)


def engine_campaigns(campaign_choices: list[SurveyCampaign], choice: str, folder: Path) -> list[pipeline.Campaign]:
    """The engine's view of closed campaigns a return may use: each one's answers written as survey.csv under
    `folder` (or, once they are deleted, its kept counts), with the analyst's choice (Upload.survey_source)
    for a return that has survey answers too."""
    out = []
    for c in campaign_choices:
        deleted = c.answers_deleted_on is not None
        path = None if deleted else survey_csv(c, folder / f"campaign-{c.pk}" / "survey.csv")
        out.append(pipeline.Campaign(str(c.pk), c.title, c.period_start, c.period_end, path, choice,  # type: ignore[arg-type]
                                     counts(c) if deleted else None))
    return out


def usable(authority: Any) -> list[SurveyCampaign]:
    """The authority's closed campaigns that anyone answered: a return of a campaign's period takes its survey
    from it (a later version of a submitted return from the counts kept once its answers were deleted)."""
    on = today()
    return [c for c in SurveyCampaign.objects.filter(authority=authority).select_related("authority")
            if state(c, on) == "closed" and response_count(c) > 0]


def used_by(upload: Any) -> tuple[SurveyCampaign | None, bool]:
    """The campaign the upload's check matched (as the check recorded it), and whether it gave the survey."""
    entry = next((f for f in upload.files or [] if f.get("campaign")), None)
    if entry is None:
        return None, False
    return SurveyCampaign.objects.filter(pk=entry["campaign"], authority=upload.authority_id).first(), bool(entry.get("used"))


def kept(campaign: SurveyCampaign) -> dict[str, Any]:
    """What is kept of a campaign once its answers are deleted: counts only (the metrics' and respondents by
    breakdown part and group), never an answer."""
    return {
        "responses": response_count(campaign),
        "cells": [[s, g, n] for (s, g), n in sorted(_cells(campaign).items())],
        "rows": [list(r) for r in counts(campaign).rows()],
    }


def delete_answers(campaign: SurveyCampaign, submission: Any) -> None:
    """After the return using the campaign is submitted: its counts kept, and its answers, comments, spent
    form tokens and invitation codes deleted, with the date. Run inside the submission's transaction."""
    if campaign.answers_deleted_on is None:
        campaign.counts = kept(campaign)
    campaign.submission = campaign.submission or submission  # the version that first used it
    campaign.answers_deleted_on = campaign.answers_deleted_on or today()
    campaign.save(update_fields=["counts", "submission", "answers_deleted_on"])
    SurveyResponse.objects.filter(campaign=campaign).delete()
    SurveyComment.objects.filter(campaign=campaign).delete()
    SpentForm.objects.filter(campaign=campaign).delete()
    InvitationCode.objects.filter(campaign=campaign).delete()
