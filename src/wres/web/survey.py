"""The staff survey the service runs: a campaign's state, its invitation codes, and recording a response.

Privacy by design (docs/web.md, "The staff survey"): a response is stored as its answers only (the
standard's group the ethnicity given falls in, the breakdown part, the scale words) under a random id, with
no date, address, user agent, cookie or account. An invitation code is stored as a keyed hash and marked
used in its own table, which nothing joins to the responses. A finished form carries a one-time token whose
hash is kept, so the same answers sent twice make one response.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wres import ethnicity
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
