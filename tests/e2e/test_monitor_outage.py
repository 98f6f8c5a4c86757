"""A portal killed under a long-lived runner with the default settings: the alert reaches the
webhook within a minute, and so does the recovery notice once the portal is back.

Real processes throughout (``python -m sandbox serve`` killed with SIGKILL and restarted,
``python -m monitors run``, Chromium for the journeys); the measurement itself lives in
``bench/support/outage.py``, shared with ``bench/bench_outage.py``.
"""

from __future__ import annotations

import pytest

from bench.support.outage import measure_outage

pytestmark = pytest.mark.integration
TARGET_S = 60.0


def test_outage_alert_and_recovery_notice_within_a_minute(tmp_path):
    times = measure_outage(tmp_path)
    assert times.alert_s <= TARGET_S, f"alert after {times.alert_s:.1f} s"
    assert times.recovery_s <= TARGET_S, f"recovery notice after {times.recovery_s:.1f} s"
    assert "portal-login" in times.alert["title"] and "portal-login" in times.recovery["title"]
    # The journey passed, the up-check saw the portal gone (no connection at all), the journey
    # asked for by the recovered up-check passed and closed the incident.
    assert times.probes == [
        ("later_login", "ok", None),
        ("upcheck", "failed", "unreachable"),
        ("later_login", "ok", None),
    ]
