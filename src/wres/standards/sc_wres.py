"""Transitional: the SC-WRES as the engine imported it before standards became values (issue 16).

Everything here now comes from standards/data/sc-wres.toml; this module goes once nothing imports it.
"""

from __future__ import annotations

from wres.standards import load

_STANDARD = load("sc-wres")
NAME = _STANDARD.name
METRICS = _STANDARD.metrics
METRIC_IDS: tuple[str, ...] = _STANDARD.metric_ids
DEFAULT_PAY_BANDS = _STANDARD.default_bands
NON_ADVERSE_RANGE = _STANDARD.range
