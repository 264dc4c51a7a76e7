"""wres: the Workforce Race Equality Standard for social care (SC-WRES), from an authority's data to published figures.

The path is one way: read → validate → counts → results → disclose → render (see `wres.pipeline`).
"""

__version__ = "0.1.0"

INTERRUPTED = "Interrupted; nothing was written."


def main() -> None:
    """The `wres` command's console script. It imports the command (wres.cli, a quarter of a second) here,
    not in the script itself, so that Ctrl+C while Python loads it is said as any other Ctrl+C is, not as
    Python's traceback of the import it stopped."""
    import signal
    import sys

    try:
        # DuckDB's C extension must not be cut off while it initialises: nanobind then prints "Critical nanobind
        # error" and Python's traceback, whatever is caught. Ctrl+C waits the tenth of a second until it is loaded.
        mask = getattr(signal, "pthread_sigmask", None)
        held = mask(signal.SIG_BLOCK, {signal.SIGINT}) if mask else None
        try:
            import duckdb  # noqa: F401
        finally:
            if mask:
                mask(signal.SIG_SETMASK, held)
        from wres.cli import run
    except (KeyboardInterrupt, ImportError) as error:
        # A C extension interrupted while it initialises (DuckDB's) raises ImportError from the KeyboardInterrupt.
        if not _interrupted(error):
            raise
        sys.stderr.write(INTERRUPTED + "\n")
        raise SystemExit(130) from None
    run()


def _interrupted(error: BaseException | None) -> bool:
    """Whether Ctrl+C is what raised `error`, directly or as the cause of what an import raised in its place."""
    while error is not None:
        if isinstance(error, KeyboardInterrupt):
            return True
        error = error.__cause__ or error.__context__
    return False
