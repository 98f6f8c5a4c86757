"""``python -m monitors k8s --runner``: the long-lived runner's Deployment, Service and
ServiceMonitor, offline.

Built-in kinds are checked against Kubernetes' schemas (kubernetes-validate, strict); the
ServiceMonitor and PrometheusRule are prometheus-operator's custom resources, which those
schemas do not describe: they are checked against the fields of its ``monitoring.coreos.com/v1``
API (ServiceMonitorSpec, Endpoint, PrometheusRuleSpec, RuleGroup, Rule) written out below,
unknown fields refused, as the operator's CRD validation refuses them. The run on an engine is
``tests/e2e/test_runner_deployment.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest

from monitors.config_file import load
from monitors.k8s import manifests, render
from monitors.k8s_pod import SECCOMP_PROFILE, SECRET, VAULT_KEY, Options, default_image
from monitors.k8s_runner import DEFAULT_PORT
from monitors.toml_reader import ConfigError
from tests.fixtures.monitoring import simple_config
from tests.unit.test_k8s import (
    CIPS,
    EXAMPLE_CONFIG,
    KUBERNETES_VERSIONS,
    ROOT,
    by_kind,
    documents,
    write_two_accounts,
)

EXAMPLE_OUTPUT = ROOT / "deploy" / "kubernetes" / "runner.example.yml"
_DURATION = {
    "type": "string",
    "pattern": r"^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
}
_LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
_SELECTOR = {"type": "object", "properties": {"matchLabels": _LABELS}, "required": ["matchLabels"],
             "additionalProperties": False}  # fmt: skip
_METADATA = {"type": "object", "required": ["name"],
             "properties": {"name": {"type": "string"}, "namespace": {"type": "string"},
                            "labels": _LABELS}, "additionalProperties": False}  # fmt: skip


def _resource(kind: str, spec: dict) -> dict:
    return {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
            "additionalProperties": False,
            "properties": {"apiVersion": {"const": "monitoring.coreos.com/v1"},
                           "kind": {"const": kind}, "metadata": _METADATA,
                           "spec": spec}}  # fmt: skip


# prometheus-operator's API reference, monitoring.coreos.com/v1 (the fields used here, and the
# neighbours a typo would most likely hit).
SERVICE_MONITOR = _resource("ServiceMonitor", {
    "type": "object", "required": ["selector", "endpoints"], "additionalProperties": False,
    "properties": {
        "selector": _SELECTOR, "jobLabel": {"type": "string"},
        "namespaceSelector": {"type": "object"}, "targetLabels": {"type": "array"},
        "endpoints": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["port"], "additionalProperties": False,
            "properties": {"port": {"type": "string"}, "path": {"type": "string"},
                           "scheme": {"enum": ["http", "https"]}, "interval": _DURATION,
                           "scrapeTimeout": _DURATION, "honorLabels": {"type": "boolean"}}}},
    },
})  # fmt: skip
PROMETHEUS_RULE = _resource("PrometheusRule", {
    "type": "object", "required": ["groups"], "additionalProperties": False,
    "properties": {"groups": {"type": "array", "items": {
        "type": "object", "required": ["name", "rules"], "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "interval": _DURATION, "rules": {
            "type": "array", "items": {
                "type": "object", "required": ["expr"], "additionalProperties": False,
                "oneOf": [{"required": ["alert"]}, {"required": ["record"]}],
                "properties": {"alert": {"type": "string"}, "record": {"type": "string"},
                               "expr": {"type": ["string", "integer"]}, "for": _DURATION,
                               "labels": _LABELS, "annotations": _LABELS}}}}}}},
})  # fmt: skip
CUSTOM = {"ServiceMonitor": SERVICE_MONITOR, "PrometheusRule": PROMETHEUS_RULE}


def runner_docs(path: Path, **options: str) -> list[dict]:
    return manifests(path, Options(image="i", **options), runner=True)


@pytest.fixture
def two_accounts(tmp_path, monkeypatch):
    return write_two_accounts(tmp_path, monkeypatch)


def _only(docs: list[dict], kind: str) -> dict:
    (doc,) = by_kind(docs, kind)
    return doc


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("config", ["example", "two_accounts"])
def test_runner_manifests_validate(config, version, request):
    path = EXAMPLE_CONFIG if config == "example" else request.getfixturevalue(config)
    docs = runner_docs(path, namespace="probes")
    assert [d["kind"] for d in docs] == ["ConfigMap", "PersistentVolumeClaim", "Deployment",
                                         "Service", "ServiceMonitor", "PrometheusRule"]  # fmt: skip
    for doc in docs:
        assert doc["metadata"]["namespace"] == "probes"
        if doc["kind"] in CUSTOM:
            jsonschema.validate(doc, CUSTOM[doc["kind"]])
        else:
            assert kubernetes_validate.validate(doc, version, strict=True) == version


@pytest.mark.parametrize("kind, where, field", [
    ("ServiceMonitor", ["spec", "endpoints", 0], "targetport"),  # a misspelt field
    ("ServiceMonitor", ["spec"], "endpoint"),
    ("PrometheusRule", ["spec", "groups", 0, "rules", 0], "severity"),  # label, not field
])  # fmt: skip
def test_the_custom_resource_check_refuses_an_unknown_field(kind, where, field):
    doc = _only(runner_docs(EXAMPLE_CONFIG), kind)
    node = doc
    for step in where:
        node = node[step]
    node[field] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, CUSTOM[kind])


def test_one_runner_at_a_time_recreated_never_rolled(two_accounts):
    spec = _only(runner_docs(two_accounts), "Deployment")["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()


def test_service_and_service_monitor_reach_the_runners_port(two_accounts):
    docs = runner_docs(two_accounts)
    pod = _only(docs, "Deployment")["spec"]["template"]
    service, monitor = _only(docs, "Service"), _only(docs, "ServiceMonitor")
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    (port,) = service["spec"]["ports"]
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == port["name"] and endpoint["path"] == "/metrics"
    (container,) = pod["spec"]["containers"]
    (exposed,) = [p for p in container["ports"] if p["name"] == port["targetPort"]]
    assert exposed["containerPort"] == port["port"] == DEFAULT_PORT
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/metrics", "port": DEFAULT_PORT}


def test_the_runners_config_serves_its_metrics_on_the_pods_network(two_accounts, tmp_path,
                                                                   monkeypatch):  # fmt: skip
    for name, cip in CIPS.items():
        monkeypatch.setenv(name, cip)
    data = _only(runner_docs(two_accounts), "ConfigMap")["data"]
    assert set(data) == {"monitors.toml"}  # no per-monitor files: one process runs them all
    pod_config = tmp_path / "monitors.toml"
    pod_config.write_text(data["monitors.toml"], encoding="utf-8")
    config = load(pod_config)
    assert (config.metrics.port, config.metrics.host) == (DEFAULT_PORT, "0.0.0.0")
    assert [m.id for m in config.monitors] == ["portal-a", "portal_b.night"]
    assert config.history == Path("/var/lib/eespresso/history.sqlite")


def test_the_configs_metrics_port_is_kept(tmp_path):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace("port = 9464", "port = 9100")
    assert "port = 9100" in text
    path = tmp_path / "monitors.toml"
    path.write_text(text, encoding="utf-8")
    docs = runner_docs(path)
    assert _only(docs, "Service")["spec"]["ports"][0]["port"] == 9100
    assert (
        tomllib.loads(_only(docs, "ConfigMap")["data"]["monitors.toml"])["metrics"]["port"] == 9100
    )


def test_the_runner_pod_keeps_the_probe_pods_confinement_and_every_accounts_secret(
    two_accounts,
):
    cron = by_kind(manifests(two_accounts, Options(image="i")), "CronJob")[0]
    cron_pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    pod = _only(runner_docs(two_accounts), "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"] == cron_pod["securityContext"]
    assert pod["securityContext"]["seccompProfile"]["localhostProfile"] == SECCOMP_PROFILE
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert container["securityContext"] == cron_pod["containers"][0]["securityContext"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert refs == {
        "EESPRESSO_VAULT_KEY": {"name": SECRET, "key": VAULT_KEY},
        "EESPRESSO_CIP_A": {"name": SECRET, "key": "cip-a"},
        "EESPRESSO_K8S_PASSWORD": {"name": SECRET, "key": "password-a"},
        "EESPRESSO_CIP_B_2": {"name": SECRET, "key": "cip-b_2"},
    }
    (volume,) = [v for v in pod["volumes"] if "secret" in v]
    assert volume["secret"]["items"] == [{"key": "password-b_2", "path": "password-b_2"}]
    assert volume["secret"]["optional"] is False  # required, and written out (k8s_pod.py)
    text = render(two_accounts, Options(image="i"), runner=True)
    assert not any(cip in text for cip in CIPS.values())
    assert "Env-Secret-Value-1" not in text and "File-Secret-Value-2" not in text


def test_committed_runner_example_is_the_generators_output():
    expected = render(EXAMPLE_CONFIG, Options(image=default_image()), runner=True)
    assert EXAMPLE_OUTPUT.read_text(encoding="utf-8") == expected, (
        f"{EXAMPLE_OUTPUT.relative_to(ROOT)} is stale: regenerate it with python -m monitors "
        f"k8s --runner --config monitors.example.toml > {EXAMPLE_OUTPUT.relative_to(ROOT)}"
    )


def test_cli_runner_flag():
    done = subprocess.run(
        [sys.executable, "-m", "monitors", "k8s", "--runner", "--config", "monitors.example.toml"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    docs = documents(done.stdout)
    assert "k8s --config monitors.example.toml --runner" in done.stdout.splitlines()[0]
    assert [d["kind"] for d in docs][2:5] == ["Deployment", "Service", "ServiceMonitor"]


def test_a_period_no_cron_job_keeps_is_the_runners(tmp_path):
    """Every 30 s: no CronJob schedule for it (one clear line naming --runner), a runner
    Deployment keeps it as written."""
    path = simple_config(tmp_path / "m.toml", [{"id": "fast", "every": "30s"}])
    with pytest.raises(ConfigError, match="--runner"):
        manifests(path, Options(image="i"))
    config = _only(runner_docs(path), "ConfigMap")["data"]["monitors.toml"]
    assert tomllib.loads(config)["monitors"][0]["every"] == "30s"
