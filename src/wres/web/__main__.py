"""`python -m wres.web COMMAND`: Django's manage.py for the service (migrate, demo_data, worker, prune, backup, ...)."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres.web.settings")
    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
