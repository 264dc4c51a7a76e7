"""The action plan and governance sign-off (being written)."""
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


plan = action_new = action_detail = action_edit = action_update = action_comment = governance = _todo
