"""Cache-Control for sensitive responses: nothing a signed-in user is shown, and no report or data file
downloaded, is kept by the browser or any cache on the way.

`Cache-Control: no-store` tells the browser's disk cache and any proxy not to keep the response at all, so
a shared or council-managed machine does not keep an authority's figures, plan or a downloaded report
after signing out. `Pragma: no-cache` is not added: it is an HTTP/1.0 *request* header whose meaning in a
response was never defined (RFC 9111 deprecates it), and every browser and proxy in use honours
Cache-Control. Static assets never reach this middleware (WhiteNoise answers them first, with its own
long-lived caching), and the sign-in page is left to Django (its view already sends no-cache, no-store).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "no-store"


def sensitive(request: HttpRequest, response: HttpResponse) -> bool:
    """Signed in (any page, JSON status or file), or a file sent as a download (a report, counts.csv)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or response.get("Content-Disposition", "").startswith("attachment")


class NoStoreMiddleware:
    """Sets `Cache-Control: no-store` on every sensitive response (see `sensitive`), replacing whatever a
    view set: no-store is the strictest there is, and a signed-in page must not be cached as public."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if sensitive(request, response) and NO_STORE not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
        return response
