"""The WSGI application, for gunicorn: `gunicorn wres.web.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres.web.settings")
application = get_wsgi_application()
