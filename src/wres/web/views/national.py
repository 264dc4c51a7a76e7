"""The national programme team's pages (being written)."""
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


tracker = report = pooled_counts = _todo
