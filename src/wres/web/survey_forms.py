"""The respondent's form, page by page, without any state on the server until it is sent.

The answers so far travel in one signed hidden field (django.core.signing: tamper-proof, salted per campaign,
valid for SURVEY_FORM_HOURS), with the form's one-time token and, for a codes campaign, the code typed. Nothing
is kept between pages: no session, no cookie, no row. What is finally stored is survey.Answers (the group the
ethnicity falls in, the service, the scale words); the ethnicity itself and the code never are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing

from wres import ethnicity
from wres.web import survey
from wres.web.models import SurveyCampaign

PREFER_NOT = "Prefer not to say"
PREFER_NOT_VALUE = "-"  # the radio's value; kept as "" (not answered)
COMMENT_MAX = 2000


def _salt(campaign: SurveyCampaign) -> str:
    return f"wres.survey.form:{campaign.slug}"


def sign(campaign: SurveyCampaign, state: dict[str, Any]) -> str:
    return signing.dumps(state, salt=_salt(campaign), compress=True)


def unsign(campaign: SurveyCampaign, value: str) -> dict[str, Any] | None:
    """The form's state, or None when it was altered, belongs to another campaign or is older than allowed."""
    try:
        state = signing.loads(value, salt=_salt(campaign), max_age=settings.SURVEY_FORM_HOURS * 3600)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return state if isinstance(state, dict) and isinstance(state.get("t"), str) and isinstance(state.get("a"), dict) else None


def new_state() -> dict[str, Any]:
    return {"t": survey.new_token(), "a": {}}


@dataclass(frozen=True)
class Section:
    """Radios under one heading (the ethnicity page's broad groups); heading "" for a plain list."""

    heading: str
    options: tuple[tuple[str, str], ...]  # (value, words)


@dataclass(frozen=True)
class Page:
    """One question as a page shows it."""

    question: survey.Question
    sections: tuple[Section, ...] = field(default_factory=tuple)
    prefer_not: bool = True  # offers "Prefer not to say" (the service is needed to count the answers at all)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def is_text(self) -> bool:
        return self.question.kind == "comment"

    def words(self, value: str | None) -> str:
        """An answer as the check-answers page shows it."""
        if value is None:
            return ""
        if value == "" and not self.is_text:
            return PREFER_NOT
        if self.is_text:
            return value or "No answer"
        return next((w for s in self.sections for v, w in s.options if v == value), value)

    def clean(self, raw: str | None) -> tuple[str | None, str]:
        """(the answer as kept in the form's state, "") or (None, the GOV.UK error message)."""
        if self.is_text:
            text = (raw or "").strip()
            if len(text) > COMMENT_MAX:
                return None, f"Your answer must be {COMMENT_MAX} characters or fewer"
            return text, ""
        if raw == PREFER_NOT_VALUE and self.prefer_not:
            return "", ""
        if raw and any(raw == v for s in self.sections for v, _ in s.options):
            return raw, ""
        return None, _error(self.question)


def _error(q: survey.Question) -> str:
    if q.kind == "ethnicity":
        return "Select your ethnic group, or select prefer not to say"
    if q.kind == "service":
        return "Select the service you work in"
    return "Select an answer, or select prefer not to say"


def _ethnicity_sections(options: tuple[tuple[str, str], ...]) -> tuple[Section, ...]:
    """The categories under their broad group's heading, as the census asks them."""
    heading_of = {lb.label: lb.heading for lb in ethnicity.labels() if lb.label_set == "ons2021"}
    sections: dict[str, list[tuple[str, str]]] = {}
    for value, words in options:
        if value:
            sections.setdefault(heading_of.get(value, ""), []).append((value, value if words.endswith(f": {value}") else words))
    return tuple(Section(h, tuple(o)) for h, o in sections.items())


def pages(campaign: SurveyCampaign) -> list[Page]:
    """The campaign's questions (survey.questions) as pages; a service question with one choice is not asked."""
    out = []
    for q in survey.questions(campaign):
        if q.kind == "ethnicity":
            out.append(Page(q, _ethnicity_sections(q.options)))
        elif q.kind == "service":
            if len(q.options) > 1:
                out.append(Page(q, (Section("", tuple((v, w) for v, w in q.options if v)),), prefer_not=False))
        elif q.kind == "comment":
            out.append(Page(q))
        else:
            out.append(Page(q, (Section("", tuple((v, w) for v, w in q.options if v)),)))
    return out


def answers(campaign: SurveyCampaign, state: dict[str, Any]) -> survey.Answers | None:
    """What is stored of a finished form, or None while a question is unanswered."""
    given: dict[str, str] = state["a"]
    qs = survey.questions(campaign)
    std = survey.standard_of(campaign)
    asked = {p.id for p in pages(campaign)}
    if any(q.id in asked and q.kind != "comment" and q.id not in given for q in qs):
        return None
    group = service = ""
    kept: dict[str, str] = {}
    comment = ""
    for q in qs:
        if q.kind == "ethnicity":
            group = survey.group_of(std, given.get(q.id) or None)
        elif q.kind == "service":
            service = given.get(q.id) or next(v for v, _ in q.options if v)  # one surveyed: not asked
        elif q.kind == "comment":
            comment = given.get(q.id, "")
        else:
            kept[q.id] = given.get(q.id, "")
    if not service:
        service = std.breakdown.total.id  # a survey not counted by breakdown part
    return survey.Answers(group, service, kept, comment)
