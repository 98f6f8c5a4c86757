"""Two probe locations watched by a real Prometheus: the location rules fire as intended.

Two long-lived ``python -m monitors run`` processes with different ``[probe] name``: site-a
logs in to the sandbox (a real journey in Chromium, then up-checks), site-b sits behind a
"broken network" (its target is a dead port) and only up-checks. Prometheus (the Debian
binary, one-second intervals, the shipped rules with ``for:`` shortened) scrapes both; the
alerts are read from its HTTP API.
"""

from __future__ import annotations

import urllib.request

import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.monitoring import free_port, write_config
from bench.support.processes import runner_process
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, seed_enrolled
from tests.fixtures.prometheus import prometheus, query, wait_until

pytestmark = pytest.mark.integration
PASSWORD = "Correct-Horse-Batt1"
ENV = {"EESPRESSO_LOC_PASSWORD": PASSWORD}
MONITOR = "portal-login"


def location(tmp_path, name: str, base_url: str, cip: str, **schedule) -> tuple:
    """The config of one location; both name their monitor alike, as two sites would."""
    folder = tmp_path / name
    folder.mkdir()
    port = free_port()
    path = write_config(
        folder / "monitors.toml",
        {
            "targets.portal": {"base_url": base_url},
            "accounts.probe": {
                "cip": cip,
                "password_env": "EESPRESSO_LOC_PASSWORD",
                "vault": str(tmp_path / "vault"),
            },
            "metrics": {"port": port},
            "probe": {"name": name},
        },
        [
            {
                "id": MONITOR,
                "target": "portal",
                "account": "probe",
                "timeout": "60s",
                "up_every": "5s",
                **schedule,
            }
        ],
        history="history.sqlite",
    )
    return path, port


def firing(prom, alertname: str) -> list[dict]:
    alerts = query(prom, f'ALERTS{{alertname="{alertname}", alertstate="firing"}}')
    return [alert["metric"] for alert in alerts]


def metrics_text(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return answer.read().decode()


def test_one_location_failing_alone_then_the_portal_failing_from_both(tmp_path):
    with running_sandbox() as portal:
        cip = new_cip("LOC")
        created = portal.admin.create_account(cip, PASSWORD, enrolled=True)
        seed_enrolled(Vault(tmp_path / "vault"), TestAccount(portal.url, cip, PASSWORD), created)
        config_a, port_a = location(tmp_path, "site-a", portal.url, cip, every="1h")
        dead = f"http://127.0.0.1:{free_port()}"  # site-b's broken network
        # Its own account, as every location needs (it never logs in here: cron once a year).
        config_b, port_b = location(tmp_path, "site-b", dead, new_cip("LOC"), cron="0 0 1 1 *")
        scrape = [f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}"]
        with (
            runner_process(config_a, ENV) as site_a,
            runner_process(config_b, ENV) as site_b,
            prometheus(tmp_path, scrape) as prom,
        ):
            assert site_a.metrics_port() == port_a and site_b.metrics_port() == port_b
            site_a.wait_for_line(" OK ", timeout=180)  # the journey at start (Chromium)
            labels = f'monitor="{MONITOR}",probe="site-a",target="{portal.url}"'
            assert f"probe_success{{{labels}}} 1.0" in metrics_text(port_a)

            alone = wait_until(lambda: firing(prom, "EespressoLocationFailingAlone"), timeout=60)
            assert [(a["monitor"], a["probe"]) for a in alone] == [(MONITOR, "site-b")]
            assert firing(prom, "EespressoFailingFromManyLocations") == []

            portal.admin.set_faults(outage=True)  # now the portal itself is down
            try:
                many = wait_until(
                    lambda: firing(prom, "EespressoFailingFromManyLocations"), timeout=60
                )
                assert [a["monitor"] for a in many] == [MONITOR]
                assert wait_until(
                    lambda: not firing(prom, "EespressoLocationFailingAlone"), timeout=30
                )
                failing = query(prom, "monitor:probe_locations_failing:count")
                assert [f["value"][1] for f in failing] == ["2"]
            finally:
                portal.admin.clear_faults()
        assert any("FAILED" in line and "no connection" in line for line in site_b.output())
