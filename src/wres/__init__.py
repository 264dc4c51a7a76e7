"""wres: the Workforce Race Equality Standard for social care (SC-WRES), from an authority's data to published figures.

The path is one way: read → validate → counts → results → disclose → render (see `wres.pipeline`).
"""

__version__ = "0.1.0"
