"""``python -m monitors k8s``: manifests valid for two Kubernetes versions, offline.

The schemas come from the ``kubernetes-validate`` package (Kubernetes' OpenAPI schemas as JSON
Schema, bundled for many minor versions), in strict mode so an unknown or misplaced field fails.
The PrometheusRule is a custom resource those schemas do not describe: its rule groups are
checked by ``promtool`` and compared with ``deploy/prometheus/rules.yml``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from croniter import croniter

from bench.support.monitoring import write_config
from monitors.config_file import load
from monitors.k8s import manifests, render
from monitors.k8s_cronjobs import job_name, schedule
from monitors.k8s_pod import (
    SECCOMP_PROFILE,
    SECRET,
    SECRET_DIR,
    VAULT_KEY,
    Options,
    cluster_config,
    default_image,
)
from monitors.toml_reader import ConfigError
from tests.fixtures.monitoring import simple_config

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = ROOT / "monitors.example.toml"
EXAMPLE_OUTPUT = ROOT / "deploy" / "kubernetes" / "monitors.example.yml"
# The oldest minor version still supported upstream when this was written, and the newest the
# package bundles: an API removed or added between them would show here.
KUBERNETES_VERSIONS = ("1.30", "1.37")
CIPS = {"EESPRESSO_CIP_A": "CIPALPHA01", "EESPRESSO_CIP_B_2": "CIPBRAVO02"}


def documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [doc for doc in docs if doc["kind"] == kind]


@pytest.fixture
def two_accounts(tmp_path, monkeypatch):
    return write_two_accounts(tmp_path, monkeypatch)


def write_two_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two monitors: one password in an environment variable, one in a file."""
    monkeypatch.setenv("EESPRESSO_K8S_PASSWORD", "Env-Secret-Value-1")
    secret_file = tmp_path / "probe-b.password"
    secret_file.write_text("File-Secret-Value-2\n", encoding="utf-8")
    tables = {
        "targets.portal": {"base_url": "https://portal.example"},
        "accounts.a": {"cip": CIPS["EESPRESSO_CIP_A"], "password_env": "EESPRESSO_K8S_PASSWORD"},
        "accounts.b_2": {
            "cip": CIPS["EESPRESSO_CIP_B_2"],
            "password_file": str(secret_file),
            "vault": "v/vault",
        },  # fmt: skip
    }
    monitors = [
        {"id": "portal-a", "target": "portal", "account": "a", "every": "1m", "timeout": "60s"},
        {"id": "portal_b.night", "target": "portal", "account": "b_2", "cron": "15 2 * * *"},
    ]
    return write_config(tmp_path / "monitors.toml", tables, monitors, history="h.sqlite")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("config", ["example", "two_accounts"])
def test_manifests_validate_against_the_kubernetes_schemas(config, version, request):
    path = EXAMPLE_CONFIG if config == "example" else request.getfixturevalue(config)
    docs = manifests(path, Options(image="registry.example/eespresso:1", namespace="probes"))
    builtin = [doc for doc in docs if doc["kind"] != "PrometheusRule"]
    assert {d["kind"] for d in builtin} == {"ConfigMap", "PersistentVolumeClaim", "CronJob"}
    for doc in builtin:
        assert kubernetes_validate.validate(doc, version, strict=True) == version
        assert doc["metadata"]["namespace"] == "probes"


def test_strict_validation_catches_a_misplaced_field():
    """The check above can fail: the same CronJob with one field one level too deep."""
    job = by_kind(manifests(EXAMPLE_CONFIG, Options(image="i")), "CronJob")[0]
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    pod["containers"][0]["securityContext"]["fsGroup"] = 10001  # a pod-level field
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(job, KUBERNETES_VERSIONS[-1], strict=True)


def test_prometheus_rule_carries_the_checked_alert_rules(tmp_path):
    rule = by_kind(manifests(EXAMPLE_CONFIG, Options(image="i")), "PrometheusRule")[0]
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    shipped = yaml.safe_load((ROOT / "deploy/prometheus/rules.yml").read_text(encoding="utf-8"))
    assert rule["spec"]["groups"] == shipped["groups"]
    embedded = tmp_path / "embedded.yml"
    embedded.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}), encoding="utf-8")
    done = subprocess.run(["promtool", "check", "rules", str(embedded)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    count = sum(len(group["rules"]) for group in shipped["groups"])
    assert f"SUCCESS: {count} rules found" in done.stdout, done.stdout + done.stderr


def test_every_cron_job_runs_once_at_a_time_non_root_and_read_only(two_accounts):
    jobs = by_kind(manifests(two_accounts, Options(image="i")), "CronJob")
    assert [job["metadata"]["annotations"]["eespresso.monitor-id"] for job in jobs] == [
        "portal-a",
        "portal_b.night",
    ]
    for job in jobs:
        spec = job["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert 10 <= spec["startingDeadlineSeconds"] <= 300
        job_spec = spec["jobTemplate"]["spec"]
        assert job_spec["backoffLimit"] == 0
        pod = job_spec["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "runAsNonRoot": True,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        }
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert volumes[mounts["/dev/shm"]]["emptyDir"]["medium"] == "Memory"
        assert volumes[mounts["/dev/shm"]]["emptyDir"]["sizeLimit"]
        assert "emptyDir" in volumes[mounts["/tmp"]]
        assert "persistentVolumeClaim" in volumes[mounts["/var/lib/eespresso"]]
    first, second = (job["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] for job in jobs)
    assert first == 60 + 90 and second == 120 + 90  # the probe's timeout + start-up margin


def test_secrets_are_referenced_never_included(two_accounts):
    text = render(two_accounts, Options(image="i"))
    assert "Env-Secret-Value-1" not in text and "File-Secret-Value-2" not in text
    docs = documents(text)
    assert not by_kind(docs, "Secret")
    env_job, file_job = (job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
                         for job in by_kind(docs, "CronJob"))  # fmt: skip
    (env_container,) = env_job["containers"]
    password = next(e for e in env_container["env"] if e["name"] == "EESPRESSO_K8S_PASSWORD")
    assert password["valueFrom"]["secretKeyRef"] == {"name": SECRET, "key": "password-a"}
    (volume,) = [v for v in file_job["volumes"] if "secret" in v]
    assert volume["secret"]["secretName"] == SECRET
    assert volume["secret"]["items"] == [{"key": "password-b_2", "path": "password-b_2"}]
    config_map = by_kind(docs, "ConfigMap")[0]["data"]
    assert f'password_file = "{SECRET_DIR}/password-b_2"' in config_map["portal_b.night.toml"]


def test_each_monitor_gets_a_config_of_its_own_on_the_volumes(two_accounts, tmp_path,
                                                               monkeypatch):  # fmt: skip
    for name, cip in CIPS.items():  # what the pod's environment gets from the Secret
        monkeypatch.setenv(name, cip)
    data = by_kind(manifests(two_accounts, Options(image="i")), "ConfigMap")[0]["data"]
    assert set(data) == {"monitors.toml", "portal-a.toml", "portal_b.night.toml"}
    for key, ids in (("monitors.toml", ["portal-a", "portal_b.night"]),
                     ("portal-a.toml", ["portal-a"])):  # fmt: skip
        path = tmp_path / key
        path.write_text(data[key], encoding="utf-8")
        config = load(path)
        assert [m.id for m in config.monitors] == ids
        assert config.history == Path("/var/lib/eespresso/history.sqlite")
        assert {m.account.vault for m in config.monitors} == {Path("/var/lib/eespresso/vault")}
        assert {m.account.cip for m in config.monitors} <= set(CIPS.values())
    assert "accounts.b_2" not in data["portal-a.toml"]  # a pod sees its own account only


def _monitor(tmp_path, **timing):
    path = simple_config(tmp_path / "m.toml", [{"id": "m-1", **timing}])
    return load(path).monitors[0]


@pytest.mark.parametrize("every, gap_s", [("1m", 60), ("5m", 300), ("15m", 900), ("1h", 3600),
                                          ("6h", 21600), ("1d", 86400)])  # fmt: skip
def test_every_becomes_a_schedule_with_the_same_period(tmp_path, every, gap_s):
    cron = schedule(_monitor(tmp_path, every=every))
    runs = croniter(cron, 1_800_000_000.0)
    times = [runs.get_next(float) for _ in range(8)]
    assert {b - a for a, b in zip(times, times[1:], strict=False)} == {gap_s}, cron


def test_cron_is_kept_as_written(tmp_path):
    assert schedule(_monitor(tmp_path, cron="*/10 8-18 * * 1-5")) == "*/10 8-18 * * 1-5"


@pytest.mark.parametrize("timing", [{"every": "30s"}, {"every": "90s"}, {"every": "7m"},
                                    {"every": "5h"}, {"cron": "0 */5 * * * *"}])  # fmt: skip
def test_a_period_no_cron_job_can_keep_is_one_clear_error(tmp_path, timing):
    with pytest.raises(ConfigError, match="cron"):
        schedule(_monitor(tmp_path, **timing))


def test_long_ids_make_valid_distinct_names(tmp_path):
    ids = ["a" * 60 + "-x", "a" * 60 + "-y", "under_score.dot"]
    path = simple_config(tmp_path / "m.toml", [{"id": i, "every": "5m"} for i in ids])
    names = [job_name(m) for m in load(path).monitors]
    assert len(set(names)) == 3 and all(len(n) <= 52 for n in names)
    assert names[2] == "eespresso-under-score-dot"


def test_committed_example_is_the_generators_output():
    expected = render(EXAMPLE_CONFIG, Options(image=default_image()))
    assert EXAMPLE_OUTPUT.read_text(encoding="utf-8") == expected, (
        f"{EXAMPLE_OUTPUT.relative_to(ROOT)} is stale: regenerate it with python -m monitors "
        f"k8s --config monitors.example.toml > {EXAMPLE_OUTPUT.relative_to(ROOT)}"
    )


def _cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitors", "k8s", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_cli_prints_multi_document_yaml():
    done = _cli("--config", "monitors.example.toml", "--image", "img:1", "--namespace", "ops")
    assert done.returncode == 0, done.stderr
    docs = documents(done.stdout)
    assert [d["kind"] for d in docs] == ["ConfigMap", "PersistentVolumeClaim", "CronJob",
                                         "PrometheusRule"]  # fmt: skip
    assert {d["metadata"]["namespace"] for d in docs} == {"ops"}


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    path = simple_config(tmp_path / "m.toml", [{"id": "fast", "every": "20s"}])
    example = "monitors.example.toml"
    for argv in (["--config", str(path)], ["--config", str(tmp_path / "missing.toml")],
                 ["--config", example, "--namespace", "Ops_Team"],
                 ["--config", example, "--image", "my image"]):  # fmt: skip
        done = _cli(*argv)
        assert done.returncode == 2 and done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_guard_store_moves_to_the_volume_beside_the_vault(tmp_path, monkeypatch):
    monkeypatch.setenv("EESPRESSO_CIP_A", "A1")
    tables = {"targets.t": {"base_url": "https://portal.example"},
              "accounts.a": {"cip": "A1", "password_env": "EESPRESSO_K8S_PASSWORD"},
              "guard": {"path": "local/guard.sqlite", "max_unproven": 2}}  # fmt: skip
    path = write_config(tmp_path / "monitors.toml", tables,
                        [{"id": "m-1", "target": "t", "account": "a", "every": "5m"}])  # fmt: skip
    pod = tmp_path / "pod.toml"
    pod.write_text(cluster_config(tomllib.loads(path.read_text(encoding="utf-8"))))
    guard = load(pod).guard
    assert (guard.path, guard.max_unproven) == (Path("/var/lib/eespresso/guard.sqlite"), 2)


def _pods(path: Path) -> list[dict]:
    jobs = by_kind(manifests(path, Options(image="i")), "CronJob")
    return [job["spec"]["jobTemplate"]["spec"]["template"]["spec"] for job in jobs]


def test_the_cip_is_in_the_secret_never_in_the_config_map(two_accounts, tmp_path, monkeypatch):
    text = render(two_accounts, Options(image="i"))
    assert not any(cip in text for cip in CIPS.values())
    expected = [("EESPRESSO_CIP_A", "cip-a"), ("EESPRESSO_CIP_B_2", "cip-b_2")]
    for pod, (name, key) in zip(_pods(two_accounts), expected, strict=True):
        (variable,) = [e for e in pod["containers"][0]["env"] if e["name"] == name]
        assert variable["valueFrom"]["secretKeyRef"] == {"name": SECRET, "key": key}
        assert f"--from-file={key}=FILE" in text  # the header's kubectl command
    pod_config = tmp_path / "portal-a.toml"
    pod_config.write_text(by_kind(documents(text), "ConfigMap")[0]["data"]["portal-a.toml"])
    with pytest.raises(ConfigError) as unset:  # a pod without the Secret's CIP never probes
        load(pod_config)
    assert "EESPRESSO_CIP_A" in str(unset.value) and "\n" not in str(unset.value)
    monkeypatch.setenv("EESPRESSO_CIP_A", "CIPALPHA01")
    assert load(pod_config).monitors[0].account.cip == "CIPALPHA01"


def test_a_cip_is_written_or_named_never_both(tmp_path, monkeypatch):
    monkeypatch.setenv("EESPRESSO_CIP_X", "X1")
    for account in ({"cip": "X1", "cip_env": "EESPRESSO_CIP_X"}, {}):
        tables = {"targets.t": {"base_url": "https://portal.example"},
                  "accounts.a": {**account, "password_env": "P"}}  # fmt: skip
        monitor = {"id": "m-1", "target": "t", "account": "a", "every": "5m"}
        path = write_config(tmp_path / "m.toml", tables, [monitor])
        with pytest.raises(ConfigError, match="exactly one of cip or cip_env"):
            load(path)


def test_the_vault_key_is_required_from_the_secret(two_accounts):
    for pod in _pods(two_accounts):
        (key,) = [e for e in pod["containers"][0]["env"] if e["name"] == "EESPRESSO_VAULT_KEY"]
        # no "optional": without the key the pod does not start, and no key file is made
        assert key["valueFrom"]["secretKeyRef"] == {"name": SECRET, "key": VAULT_KEY}
    assert f"--from-file={VAULT_KEY}=FILE" in render(two_accounts, Options(image="i"))


def test_accounts_that_would_share_a_secret_key_are_one_clear_error(tmp_path):
    tables = {"targets.t": {"base_url": "https://portal.example"},
              "accounts.probe-a": {"cip": "A1", "password_env": "P"},
              "accounts.probe_a": {"cip": "A2", "password_env": "P"}}  # fmt: skip
    monitors = [{"id": f"m-{i}", "target": "t", "account": a, "every": "5m"}
                for i, a in enumerate(("probe-a", "probe_a"))]  # fmt: skip
    path = write_config(tmp_path / "m.toml", tables, monitors)
    with pytest.raises(ConfigError, match="'probe-a' and 'probe_a' both become"):
        manifests(path, Options(image="i"))


def test_pods_run_under_the_shipped_seccomp_profile(two_accounts):
    """Localhost, not RuntimeDefault: Chromium's namespace sandbox needs clone with
    CLONE_NEWUSER, unshare and chroot with no capability (docs/reliability.md)."""
    for pod in _pods(two_accounts):
        assert pod["securityContext"]["seccompProfile"] == {
            "type": "Localhost",
            "localhostProfile": SECCOMP_PROFILE,
        }
    profile = json.loads((ROOT / "deploy" / "seccomp" / SECCOMP_PROFILE).read_text())
    assert profile["defaultAction"] == "SCMP_ACT_ERRNO"
    rules = profile["syscalls"]
    # OCI runtime-spec fields only (containerd reads no "includes"/"excludes"), so a rule
    # means the same to every runtime; each syscall without argument checks is named once
    assert all(set(rule) <= {"names", "action", "args", "errnoRet"} for rule in rules)
    plain = [name for rule in rules if not rule.get("args") for name in rule["names"]]
    assert len(plain) == len(set(plain))
    allowed = {name for rule in rules if rule["action"] == "SCMP_ACT_ALLOW" and not
               rule.get("args") for name in rule["names"]}  # fmt: skip
    assert {"clone", "clone3", "unshare", "chroot", "seccomp"} <= allowed
    assert not {"mount", "setns", "pivot_root", "kexec_load", "init_module"} & allowed
