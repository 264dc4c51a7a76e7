"""How long a session lasts: an idle time-out and an absolute one, enforced by the server.

Sessions are rows in the database (settings.SESSION_ENGINE), so every web worker sees the same one and
signing out, which deletes the row, ends it everywhere. Each row expires SESSION_IDLE_MINUTES after the
last request that counts as use: requests push the expiry on (at most once a minute), except the status
polling a page does by itself (views marked `passive`), so a page left open on a report being built does not keep a session
alive for ever. However busy, a session ends SESSION_ABSOLUTE_HOURS after signing in: the sign-in time is
kept in the session and checked on every request. The cookie itself ends when the browser closes
(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE), and expired rows are deleted by `python -m wres.web
clearsessions`.

Each request loads its session's user with their profile and its authority in one query (`UserBackend`), never
from a copy kept between requests: a revoked session, a changed password or a changed role takes effect on the
next request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "wres_signed_in_at"  # seconds since the epoch (the session is JSON)
USED_AT = "wres_used_at"  # when the row's expiry was last moved on
# The expiry is moved on at most once a minute, not by every request: one write a minute per session
# instead of one a request (SQLite takes one writer at a time), for an idle time-out exact to the minute.
TOUCH_EVERY = 60

View = Callable[..., HttpResponse]


def passive(view: View) -> View:
    """Mark a view a page calls by itself (status polling): it does not count as use of the session, so it
    neither pushes the idle time-out on nor shows the time-out notice (which the user would never see)."""
    view.session_passive = True  # type: ignore[attr-defined]
    return view


class UserBackend(ModelBackend):
    """Loads a signed-in session's user (settings.AUTHENTICATION_BACKENDS) with their profile and its authority
    in the same query: every page asks for both (wres.web.access), and on a page whose body comes from the
    cache, three queries where one does were a fifth of its CPU. It checks no passwords (ModelBackend does,
    once); sign-in hands the session to it (`_note_sign_in`). Sessions it does not hold load as before."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()
        try:
            user = users._default_manager.select_related("profile__authority").get(pk=user_id)
        except users.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


LOADER = f"{UserBackend.__module__}.{UserBackend.__qualname__}"
# the backends whose users UserBackend loads as they would (its own parent's, not axes' or another kind)
LOADS_FOR = {f"{ModelBackend.__module__}.{ModelBackend.__qualname__}"}


@receiver(user_logged_in)
def _note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Start the absolute time-out at sign-in (also after signing in again as the same user, whose session
    data Django keeps), and have the session's user loaded by UserBackend from now on."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[USED_AT] = int(time.time())
        if request.session.get(BACKEND_SESSION_KEY) in LOADS_FOR:
            request.session[BACKEND_SESSION_KEY] = LOADER


class SessionTimeoutMiddleware:
    """Ends a session SESSION_ABSOLUTE_HOURS after sign-in and keeps an idle session's expiry moving; tells
    the user on the sign-in page why they were signed out. After AuthenticationMiddleware and
    MessageMiddleware."""

    def __init__(self, get_response: View) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A session cookie whose row is gone: the session expired for want of use (signing out, or the
        # absolute time-out, delete the cookie too). Looked at before anything asks who the user is, as
        # that would also empty the session of a user whose password was changed elsewhere.
        request.session_timed_out = (  # type: ignore[attr-defined]
            settings.SESSION_COOKIE_NAME in request.COOKIES and not request.session.keys()
        )
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: View, args: Any, kwargs: Any) -> HttpResponse | None:
        is_passive = getattr(view, "session_passive", False)
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SIGNED_IN_AT, now)  # a session from before this check: from now
            if now - started >= settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)  # deletes the row, so no other worker or copy of the cookie can use it
                hours = settings.SESSION_ABSOLUTE_HOURS
                if not is_passive:
                    messages.info(request, f"You were signed out {hours} hour{'s' if hours != 1 else ''} after signing in. Sign in again to carry on.")
                return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
            if not is_passive and now - request.session.get(USED_AT, 0) >= TOUCH_EVERY:
                request.session[USED_AT] = now  # saved, so the row's expiry (the idle time-out) starts again
        elif getattr(request, "session_timed_out", False) and not is_passive and request.resolver_match.url_name != "login":
            minutes = settings.SESSION_IDLE_MINUTES
            messages.info(request, f"You were signed out after {minutes} minutes without using the service. Sign in again to carry on.")
        return None
