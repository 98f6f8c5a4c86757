"""When a journey's trace is kept, and how much of the page it records: the words a monitor's
config and the tracer share, read without loading Playwright.

``MODES`` are pytest-playwright's ``--tracing`` values. ``DETAILS`` go from the cheapest to the
fullest, each adding to the one before, as options of Playwright's ``tracing.start``:
``actions`` (the actions and their parameters, the console, and the network from a HAR
recorded beside the trace: ``reports.trace_network``), ``snapshots`` (and a DOM snapshot
before and after each action, the network then logged by the tracer itself), ``screencast``
(and the screencast's frames). docs/benchmarks.md gives what each costs a probe.
"""

from __future__ import annotations

MODES = ("off", "on", "retain-on-failure")
DETAILS: dict[str, dict[str, bool]] = {
    "actions": {"snapshots": False, "screenshots": False},
    "snapshots": {"snapshots": True, "screenshots": False},
    "screencast": {"snapshots": True, "screenshots": True},
}
