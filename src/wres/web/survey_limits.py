"""Limits and headers for the public survey pages, holding nothing about a respondent beyond the hour.

Rate limiting: how many forms one client address finished (or codes it got wrong) in the last hour, in this
process's memory only, keyed by a hash of the address with a random salt made when the process starts (so
the keys mean nothing outside it, and nothing survives a restart). Entries older than an hour are dropped.
Each web worker counts on its own: with W workers an address may send up to W times the limit.

SurveyPrivacyMiddleware: on /survey/ pages, the request's cookies are not read (so no session, sign-in or
message is ever tied to a respondent, even an analyst's own test), no cookie is set, and every response
is Cache-Control: no-store and Referrer-Policy: no-referrer.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

WINDOW = 3600  # seconds
MAX_KEYS = 100_000  # beyond this, the oldest addresses are forgotten first (memory stays bounded)
PREFIX = "/survey/"


class Limiter:
    """At most `limit()` events per client address per hour."""

    def __init__(self, limit: Callable[[], int]) -> None:
        self.limit = limit
        self._salt = secrets.token_bytes(16)
        self._seen: dict[bytes, list[float]] = {}
        self._lock = threading.Lock()

    def _key(self, address: str) -> bytes:
        return hashlib.blake2b(address.encode(), key=self._salt, digest_size=16).digest()

    def _recent(self, key: bytes, now: float) -> list[float]:
        times = [t for t in self._seen.get(key, ()) if now - t < WINDOW]
        if times:
            self._seen[key] = times
        else:
            self._seen.pop(key, None)
        return times

    def allowed(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(self._key(address), time.monotonic())) < self.limit()

    def note(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            key = self._key(address)
            times = self._recent(key, now)
            if not times and len(self._seen) >= MAX_KEYS:
                for old in [k for k, v in self._seen.items() if now - v[-1] >= WINDOW] or list(self._seen)[: MAX_KEYS // 10]:
                    del self._seen[old]
            self._seen[key] = [*times, now]

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


SENDS = Limiter(lambda: settings.SURVEY_SENDS_PER_HOUR)  # finished forms of an open-link campaign
CODE_TRIES = Limiter(lambda: settings.SURVEY_CODE_TRIES_PER_HOUR)  # codes not accepted (guessing)


def client_address(request: HttpRequest) -> str:
    """The address the request came from: the peer's, or (behind a proxy the service trusts,
    WRES_SURVEY_FORWARDED=1) the last address the proxy added to X-Forwarded-For."""
    if settings.SURVEY_FORWARDED:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


class SurveyPrivacyMiddleware:
    """Before the session, CSRF, authentication and messages middleware (it must see their cookies first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        request.COOKIES = {}
        request.META.pop("HTTP_COOKIE", None)
        response = self.get_response(request)
        response.cookies.clear()
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
