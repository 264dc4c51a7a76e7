"""wres: the Workforce Race Equality Standard for social care (SC-WRES), from an authority's data to published figures.

The path is one way: read → validate → counts → results → disclose → render (see `wres.pipeline`).
"""

__version__ = "0.1.0"

INTERRUPTED = "Interrupted; nothing was written."


def main() -> None:
    """The `wres` command's console script. It imports the command (wres.cli, a quarter of a second) here,
    not in the script itself, so that Ctrl+C while Python loads it is said as any other Ctrl+C is, not as
    Python's traceback of the import it stopped."""
    import sys

    try:
        from wres.cli import run
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED + "\n")
        raise SystemExit(130) from None
    run()
