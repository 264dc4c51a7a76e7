"""Who may do what: roles, tenancy, and the audit log.

Authority pages are reached through `member(...)`, which sets request.authority from the user's own
profile: views look every object up *through* that authority, so another authority's object is simply
not found (404). A role that may not do something gets 403. National administrators have no authority
and never reach authority pages; they see pooled, disclosure-controlled views only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from wres.web.models import AuditEvent, Authority, Profile, Role

AUTHORITY_ROLES = (Role.ANALYST, Role.VIEWER, Role.NETWORK_LEAD)
# What each role may do beyond reading its authority's pages.
CAN = {
    "submit": {Role.ANALYST},
    "edit_plan": {Role.ANALYST},
    "comment": {Role.ANALYST, Role.NETWORK_LEAD},
    "sign_off": {Role.ANALYST},
    "request_report": {Role.ANALYST, Role.VIEWER, Role.NETWORK_LEAD},
    "run_survey": {Role.ANALYST},  # set up, extend, close a staff survey; issue codes; review and read written answers
}

View = Callable[..., HttpResponse]


def profile_of(request: HttpRequest) -> Profile | None:
    if not request.user.is_authenticated:
        return None
    try:
        return request.user.profile  # type: ignore[union-attr]
    except Profile.DoesNotExist:
        return None


def can(request: HttpRequest, what: str) -> bool:
    p = profile_of(request)
    return p is not None and p.role in CAN[what]


def signed_in(view: View) -> View:
    """Django's login_required, saying why a form sent after the session ended was not saved: the sign-in page
    alone left the analyst to guess what became of what they typed."""

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":  # (a time-out is said by the sessions middleware: only what became of the form here)
            messages.warning(request, "What you sent was not saved: sign in, then send it again." if getattr(request, "session_timed_out", False)
                             else "You are not signed in, so what you sent was not saved. Sign in, then send it again.")
        return redirect_to_login(request.get_full_path())

    return inner


def member(what: str | None = None) -> Callable[[View], View]:
    """An authority page: signed in, a member of an authority, and (if `what`) allowed to do it."""

    def wrap(view: View) -> View:
        @signed_in
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            p = profile_of(request)
            if p is None or p.authority_id is None or p.role not in AUTHORITY_ROLES:
                raise PermissionDenied("This page is for members of an authority.")
            if what is not None and p.role not in CAN[what]:
                raise PermissionDenied("Your role does not allow this.")
            request.authority = p.authority  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return inner

    return wrap


def national(view: View) -> View:
    """A national page: national administrators only."""

    @signed_in
    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        p = profile_of(request)
        if p is None or p.role != Role.NATIONAL_ADMIN:
            raise PermissionDenied("This page is for the national programme team.")
        return view(request, *args, **kwargs)

    return inner


def audit(request: HttpRequest, action: str, target: object = "", authority: Authority | None = None, actor: Any = None,
          **detail: Any) -> None:
    """Record an event. `actor` is who did it when that is not the signed-in user (someone setting a password
    through a reset link is not signed in)."""
    user = actor or (request.user if request.user.is_authenticated else None)
    AuditEvent.objects.create(
        user=user, username=getattr(user, "username", ""), authority=authority or getattr(request, "authority", None),
        action=action, target=str(target)[:200], detail=detail,
    )


# The service navigation: (URL name, label, what the role must be allowed to do, if anything).
NATIONAL_NAV = (("national", "Submissions", None), ("national-report", "National report", None))
MEMBER_NAV = (
    ("dashboard", "Dashboard", None), ("upload", "Submit a return", "submit"), ("submissions", "Submissions", None),
    ("plan", "Action plan", None), ("governance", "Governance", None), ("campaigns", "Staff survey", None),
)
ACCOUNT_NAV = (("password-change", "Change password", None),)


def navigation(request: HttpRequest, p: Profile | None) -> list[dict[str, Any]]:
    """The signed-in user's navigation items: href, label, whether it is the section's (highlighted) and its
    aria-current ("page" on the item's own page, "true" elsewhere in its section). Built here once a page, as
    seven template includes each reversing a URL were a fifth of a dashboard request's CPU."""
    section = "/" + request.path.split("/")[1] + "/"
    items = NATIONAL_NAV if p is not None and p.role == Role.NATIONAL_ADMIN else MEMBER_NAV if p is not None else ()
    nav = []
    for name, label, what in (*items, *ACCOUNT_NAV):
        if what is not None and (p is None or p.role not in CAN[what]):
            continue
        href = reverse(name)
        current = "page" if request.path == href else "true" if href == section else None
        nav.append({"href": href, "label": label, "active": href == section, "current": current})
    return nav


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the user's role and what it allows, for navigation and buttons."""
    p = profile_of(request)
    return {
        "profile": p,
        "is_national": p is not None and p.role == Role.NATIONAL_ADMIN,
        "allowed": {what: p is not None and p.role in roles for what, roles in CAN.items()},
        "navigation": lambda: navigation(request, p),  # a template calls it where it shows the navigation
        # what the member's standard calls one of its measures ("metric", "indicator"), where a page names them
        "noun": lambda: p.authority.the_standard.words.get("metric", "metric") if p is not None and p.authority is not None else "metric",
    }
