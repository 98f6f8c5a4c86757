"""A scheduled probe never waits for a code: the runner starts it so that its code step falls
early in a time step the account has not used (``monitors.alignment``).

The account's current time step is marked used in the vault first, as a probe a moment
earlier would have left it: a journey started at once would wait for the next step (the
phone never types a used step, RFC 6238 §5.2). Under the runner it starts later instead, and
its code is handed out without waiting.
"""

from __future__ import annotations

import io

import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.monitoring import write_config
from monitors.alignment import DEFAULT_LEAD_S
from monitors.chromium import WarmBrowser
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.runner import Runner
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, seed_enrolled

pytestmark = pytest.mark.integration
PASSWORD = "Correct-Horse-Batt1"


def test_a_scheduled_probe_gets_its_code_without_waiting(tmp_path, monkeypatch):
    monkeypatch.setenv("EESPRESSO_E2E_PASSWORD", PASSWORD)
    with running_sandbox() as portal:
        cip = new_cip("ALIGN")
        created = portal.admin.create_account(cip, PASSWORD, enrolled=True)
        vault = Vault(tmp_path / "vault")
        seed_enrolled(vault, TestAccount(portal.url, cip, PASSWORD), created)
        otp = vault.get(portal.url, cip).account
        used = otp.step()
        assert vault.claim_step(portal.url, cip, used)  # a probe just used the current step
        path = write_config(
            tmp_path / "monitors.toml",
            {
                "targets.portal": {"base_url": portal.url},
                "accounts.probe": {
                    "cip": cip,
                    "password_env": "EESPRESSO_E2E_PASSWORD",
                    "vault": "vault",
                },
            },  # fmt: skip
            [
                {
                    "id": "aligned",
                    "target": "portal",
                    "account": "probe",
                    "every": "5m",
                    "timeout": "90s",
                }
            ],  # fmt: skip
            history="history.sqlite",
        )
        config = load(path)
        browser = WarmBrowser()
        prober = Prober(config, History(config.history), browser, Binder())
        try:
            assert Runner(config, prober, out=io.StringIO()).run_forever(max_probes=1) == 1
            (record,) = prober.history.probes("aligned")
        finally:
            browser.close()
            prober.history.close()
    assert record.status == "ok", record.error
    entry = vault.get(portal.url, cip)
    assert entry.last_step > used  # the code was of a later step than the used one
    # The runner, not the phone, waited: the probe started just before the next step, so
    # that its code step fell early in it.
    assert record.started_at >= (used + 1) * otp.period - DEFAULT_LEAD_S
    # The phone handed the code out at once: a wait sleeps until the next step starts plus
    # 10 ms (``Authenticator.next_code``); what is left is two readings of the clock.
    assert record.code_wait_ms < 10, record.code_wait_ms
