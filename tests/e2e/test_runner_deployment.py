"""The runner's generated Deployment, run for real: ``python -m monitors k8s --runner`` played by
``podman kube play`` (podman's runner of Kubernetes YAML) against a sandbox on the host.

The Deployment, the ConfigMap and the volume claim are the generator's output, played as
generated but for what podman 4.3 reads differently from a cluster (``tests/fixtures/
container.py``, ``podman_overlay``); the Secret is the one ``kubectl create secret`` would make,
and the enrolled vault is put on the claim's volume as ``monitors enroll`` would have. The
runner must pass a probe (``probe_success 1`` on ``/metrics``), show it on ``/status`` of the
Service's port, and leave nothing behind after ``podman kube down``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
import yaml
from cryptography.fernet import Fernet
from prometheus_client.parser import text_string_to_metric_families

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.container import (
    BUILD_TIMEOUT_S,
    IMAGE,
    PROBE_FIELDS,
    ROOT,
    built_image,
    kube_played,
    podman,
    secret_manifest,
)
from bench.support.monitoring import free_port, write_config
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, seed_enrolled

pytestmark = [pytest.mark.container, pytest.mark.timeout(BUILD_TIMEOUT_S + 900)]
PASSWORD = "Deployment-Horse-B4t"  # 14 to 20 characters, as the seed requires
PASSWORD_ENV = "EESPRESSO_PROBE_PASSWORD"
MONITOR = "runner-deployment"
# A bound on waiting, not a measure: the runner's first probe starts with the process; under
# the load of a shared machine a cold start plus one probe has taken well under a minute.
WAIT_S = 600


@pytest.fixture(scope="module")
def image() -> str:
    return built_image(IMAGE)


def generate(config, image: str) -> list[dict]:
    """``python -m monitors k8s --runner`` as a person runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "monitors", "k8s", "--runner", "--config", str(config),
         "--image", image],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.status, response.read().decode("utf-8")


def probe_success(metrics_text: str) -> dict[str, float]:
    """``probe_success`` by monitor."""
    return {
        sample.labels["monitor"]: sample.value
        for family in text_string_to_metric_families(metrics_text)
        if family.name == "probe_success"
        for sample in family.samples
    }


def wait_for_success(base: str, pod) -> str:
    """The runner's /metrics once its monitor passed; fails at once if the probe failed or
    the pod stopped."""
    deadline = time.monotonic() + WAIT_S
    text = ""
    while time.monotonic() < deadline:
        assert pod.running(), f"the runner stopped:\n{pod.logs()[-3000:]}"
        try:
            text = get(f"{base}/metrics")[1]
        except OSError:  # not listening yet
            text = ""
        result = probe_success(text).get(MONITOR)
        assert result != 0, f"the probe failed; runner:\n{pod.logs()[-3000:]}"
        if result == 1:
            return text
        time.sleep(2)
    raise AssertionError(f"no probe_success 1 within {WAIT_S} s; /metrics:\n{text[-2000:]}\n"
                         f"runner:\n{pod.logs()[-3000:]}")  # fmt: skip


def test_the_generated_runner_deployment_probes_under_podman_kube_play(image, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    key = Fernet.generate_key()
    with running_sandbox() as portal:
        cip = new_cip("DEP")
        created = portal.admin.create_account(cip, PASSWORD, enrolled=True)
        seed_enrolled(Vault(state / "vault", key=key), TestAccount(portal.url, cip, PASSWORD),
                      created)  # fmt: skip
        config = write_config(
            tmp_path / "monitors.toml",
            {
                "targets.sandbox": {"base_url": portal.url},
                "accounts.probe": {"cip": cip, "password_env": PASSWORD_ENV},
                "metrics": {"port": free_port()},  # host network: a port no one else holds
            },
            [
                {
                    "id": MONITOR,
                    "target": "sandbox",
                    "account": "probe",
                    "every": "1m",
                    "timeout": "120s",
                }
            ],  # fmt: skip
            history="history.sqlite",
        )
        docs = generate(config, image)
        kinds = {doc["kind"]: doc for doc in docs}
        secret = secret_manifest(
            "eespresso-monitors",
            {"vault-key": key.decode(), "cip-probe": cip, "password-probe": PASSWORD},
        )
        service_port = kinds["Service"]["spec"]["ports"][0]
        (container,) = kinds["Deployment"]["spec"]["template"]["spec"]["containers"]
        (port,) = [p for p in container["ports"] if p["name"] == service_port["targetPort"]]
        base = f"http://127.0.0.1:{service_port['port']}"
        assert port["containerPort"] == service_port["port"]
        with kube_played(docs, secret, state, tmp_path) as pod:
            metrics = wait_for_success(base, pod)
            status, page = get(f"{base}/status")
            asked = {field: container[field]["httpGet"] for field in PROBE_FIELDS}
            probes = {field: get(f"http://127.0.0.1:{http['port']}{http['path']}")[0]
                      for field, http in asked.items()}  # fmt: skip
            logs = pod.logs()
            inside = pod.shell("id -u; grep CapEff /proc/self/status; touch /opt/x 2>&1")
    assert "probe_success" in metrics
    assert status == 200 and MONITOR in page, page[:2000]
    assert probes == dict.fromkeys(PROBE_FIELDS, 200)
    # the pod's securityContext as played: its user, no capability, a read-only root; the probe
    # passing with no capability means Chromium ran under the shipped seccomp profile (podman's
    # default refuses its chroot then: tests/e2e/test_container_image.py)
    lines = inside.splitlines()
    assert lines[0] == "10001" and lines[1].split() == ["CapEff:", "0" * 16], inside
    assert "Read-only file system" in lines[2], inside
    assert PASSWORD not in logs and created["secret"] not in logs and cip not in logs
    assert podman("container", "exists", pod.container).returncode == 1  # kube down removed it
