"""gunicorn's settings for the web service (`gunicorn -c python:wres.web.gunicorn_conf wres.web.wsgi`).

The access log of the staff survey's public pages (/survey/…) holds no client address, user agent or
referrer: SurveyLogger writes "-" for them, and for every request header and environ value a format might
name, so a changed access_log_format cannot bring them back. Other pages are logged as gunicorn logs them.
Anything here may be overridden on the command line (--bind, --workers, …).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

SURVEY = "/survey/"

bind = os.environ.get("WRES_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WRES_WORKERS", "2"))
threads = int(os.environ.get("WRES_THREADS", "4"))
timeout = 120
accesslog = "-"


class SurveyLogger(Logger):
    """gunicorn's logger, without who asked for a survey page."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        if str(environ.get("PATH_INFO", "")).startswith(SURVEY):
            for key in atoms:
                if key in ("h", "a", "f") or key.endswith(("}i", "}e")):
                    atoms[key] = "-"
        return atoms


logger_class = SurveyLogger
