"""An alert survives the runner's death: killed (SIGKILL) while sending, sent after the restart,
once.

The runner is ``python -m monitors run`` in its own process, as ops runs it; its monitor fails
at every probe without a browser (no enrollment in its vault), so the first probe opens an
incident. The webhook is a real HTTP server on 127.0.0.1 that holds the first request it gets
and never answers it: the runner is killed while it waits. Only requests answered 200 count as
delivered.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.support.monitoring import free_port, holding_hook
from monitors.config_file import load
from monitors.history import History
from tests.fixtures.monitoring import simple_config

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PASSWORD_ENV = "EESPRESSO_OUTBOX_TEST_PASSWORD"


def runner(config: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, PASSWORD_ENV: "Correct-Horse-Batt1"}
    return subprocess.Popen(
        [sys.executable, "-m", "monitors", "run", "--config", str(config), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_an_alert_interrupted_by_a_kill_is_sent_after_the_restart_once(tmp_path):
    with holding_hook() as hook:
        config = simple_config(
            tmp_path / "monitors.toml",
            [{"id": "login-a", "every": "30s"}],
            base_url=f"http://127.0.0.1:{free_port()}",
            password_env=PASSWORD_ENV,
            history="history.sqlite",
        )
        text = config.read_text(encoding="utf-8").replace(
            'password_env = "', 'vault = "vault"\npassword_env = "', 1
        )
        # rto: apprise waits for the held answer long enough for the kill to fall during it.
        text += f'[alerts]\nfailures_before_alert = 1\nchannels = ["json://127.0.0.1:{hook.port}/hook?rto=60"]\n'
        config.write_text(text, encoding="utf-8")
        first = runner(config)
        try:
            assert hook.arrived.wait(timeout=90), "the runner never sent its alert"
        finally:
            first.send_signal(signal.SIGKILL)
            out, err = first.communicate(timeout=30)
        assert first.returncode == -signal.SIGKILL
        hook.released.set()
        with History(load(config).history) as history:
            assert [state for state, *_ in history.outbox()] == ["queued"]
            assert history.open_incident("login-a").notified_at is None

        second = runner(config, "--once")
        out, err = second.communicate(timeout=120)
        assert second.returncode == 1, err  # the probe itself still fails
        assert "alert from the outbox sent" in out
        assert "[alert" not in out  # the restarted probe queues nothing new
    assert len(hook.accepted) == 1
    assert json.loads(hook.accepted[0])["title"].startswith("[eEspresso] PANNE login-a")
    with History(load(config).history) as history:
        assert [state for state, *_ in history.outbox()] == ["sent"]
        assert history.open_incident("login-a").notified_at is not None
