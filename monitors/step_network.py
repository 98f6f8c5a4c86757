"""A probe's per-step network timings and web vitals, as its record keeps them.

The journey measures each step (``pages.timings.StepNetwork``: requests, time to first byte,
the slowest request, the failed ones, and the web vitals of the page the step left); the
record keeps them as plain JSON (``ProbeRecord.network``) so the history, the Allure result,
the status page and the metrics read one shape. Paths only, never a query string.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable, Mapping

from pages.step_titles import STEP_OF_TITLE
from pages.timings import StepNetwork

#: The web vitals as ``WebVitals`` names them, in the order pages show them.
VITALS = ("lcp_ms", "fcp_ms", "cls", "ttfb_ms")


def as_json(network: Mapping[str, StepNetwork]) -> dict[str, dict]:
    return {step: dataclasses.asdict(measured) for step, measured in network.items()}


def failed_step_id(failed_step: str, network: Mapping[str, dict]) -> str | None:
    """The step id a record's ``failed_step`` (a title, or an id for an added step) names;
    else the last step that saw a failed request."""
    step = STEP_OF_TITLE.get(failed_step, failed_step)
    if step in network:
        return step
    with_failures = [step for step, measured in network.items() if measured.get("failed")]
    return with_failures[-1] if with_failures else None


def first_failed_request(failed_step: str, network: Mapping[str, dict]) -> dict | None:
    """The first failed request of the failed step (method, path, status, error), or None."""
    if not failed_step:
        return None
    step = failed_step_id(failed_step, network)
    failed = network.get(step, {}).get("failed") if step else None
    return dict(failed[0]) if failed else None


def vitals(measured: Mapping[str, object]) -> dict[str, float]:
    """The web vitals a step measured (``lcp_ms``...), leaving out those the browser did not
    give."""
    found = measured.get("vitals") or {}
    return {name: float(found[name]) for name in VITALS if found.get(name) is not None}


def medians(networks: Iterable[Mapping[str, dict]], name: str) -> dict[str, float]:
    """Per step, the median (p50) of vital ``name`` over the records' ``network``."""
    seen: dict[str, list[float]] = {}
    for network in networks:
        for step, measured in network.items():
            value = vitals(measured).get(name)
            if value is not None:
                seen.setdefault(step, []).append(value)
    return {step: statistics.median(values) for step, values in seen.items()}
