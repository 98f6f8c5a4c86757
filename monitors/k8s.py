"""Kubernetes manifests from ``monitors.toml``: ``python -m monitors k8s --config FILE``.

The monitors then run on a scheduler ops already operates: one CronJob per monitor, each pod a
``run --once`` of that monitor alone, so one slow portal never delays another monitor and a
cluster spreads the browsers over its nodes. Printed, in order:

- a ConfigMap: the config with its paths moved to the pod's volumes (``monitors.toml``) and one
  file per monitor holding only that monitor, its target and its account (its CIP: ``cip_env``);
- a PersistentVolumeClaim for the state every run must see: the vault, the history (open
  incidents, pauses) and the account guard's budget of failed logins beside the vault;
- a CronJob per monitor, secrets only by reference (``secretKeyRef`` or a Secret volume: the
  Secret itself is created by hand, see the header; the vault key is required there, never
  generated beside the vault it protects), non-root, read-only root filesystem, a seccomp
  profile that lets Chromium keep its sandbox;
- a PrometheusRule (prometheus-operator's CRD) carrying the alert rules of
  ``deploy/prometheus/rules.yml``.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
import tomllib
from dataclasses import dataclass
from importlib import metadata, resources
from itertools import pairwise
from pathlib import Path

import tomli_w
import yaml
from croniter import croniter

from monitors.config import Config, ConfigError, Monitor, load

APP = "eespresso-monitors"
STATE_DIR = "/var/lib/eespresso"  # deploy/Containerfile: the image's volume and $EESPRESSO_VAULT
CONFIG_DIR = "/etc/eespresso"
SECRET_DIR = "/run/secrets/eespresso"
SECRET = APP  # created by hand: kubectl create secret generic eespresso-monitors ...
VAULT_KEY = "vault-key"
# deploy/seccomp/eespresso-chromium.json, copied on each node under the kubelet's seccomp
# folder (/var/lib/kubelet/seccomp): Chromium's sandbox needs user namespaces and chroot with
# no capability, which RuntimeDefault profiles refuse (docs/reliability.md, "Chromium's sandbox").
SECCOMP_PROFILE = "eespresso-chromium.json"
USER_ID = 10001  # deploy/Containerfile's USER
# docs/scale.md: a probe pod (Python, Playwright's driver, Chromium, one context) is ~530 MiB.
RESOURCES = {"requests": {"cpu": "500m", "memory": "640Mi"}, "limits": {"memory": "1Gi"}}
SHM_SIZE = "256Mi"  # Chromium's shared memory; container runtimes give 64 MiB by default
TMP_SIZE = "256Mi"  # Chromium's profile and Playwright's temporary files
STATE_SIZE = "1Gi"
START_MARGIN_S = 90  # Chromium's start under load + the wait for an unused TOTP step (30 s)
_NAME_MAX = 52  # a CronJob's name: 52 characters, so that its Jobs' names fit in 63
_KEY = re.compile(r"[^A-Za-z0-9._-]")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")  # RFC 1123 §2.1, lower case


@dataclass(frozen=True)
class Options:
    """What the command line adds to the config; checked here so a typo is one line now,
    not an error from the cluster later."""

    image: str
    namespace: str | None = None

    def __post_init__(self) -> None:
        if not self.image or any(c.isspace() for c in self.image):
            raise ConfigError(f"--image {self.image!r}: give an image reference like "
                              "registry.example/eespresso-monitors:0.1.0")  # fmt: skip
        if self.namespace is not None and not _DNS_LABEL.match(self.namespace):
            raise ConfigError(f"--namespace {self.namespace!r}: a namespace is lower-case "
                              "letters, digits and '-', at most 63 characters")  # fmt: skip


def default_image() -> str:
    return f"{APP}:{metadata.version('eespresso-synthetics')}"


def _slug(text: str, limit: int) -> str:
    """A DNS-1123 label from ``text``; a short hash keeps two long ids apart when cut."""
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{slug[: limit - 9].rstrip('-')}-{digest}"


def job_name(monitor: Monitor) -> str:
    prefix = "eespresso-"
    return prefix + _slug(monitor.id, _NAME_MAX - len(prefix))


def secret_key(account_name: str) -> str:
    """The Secret's key holding an account's password (Secret keys: ``[-._a-zA-Z0-9]+``)."""
    return "password-" + _KEY.sub("-", account_name)


def cip_key(account_name: str) -> str:
    """The Secret's key holding an account's CIP; the pod reads it as ``cip_env(name)``."""
    return "cip-" + _KEY.sub("-", account_name)


def cip_env(account_name: str) -> str:
    return "EESPRESSO_CIP_" + re.sub(r"[^A-Z0-9]", "_", account_name.upper())


def _check_account_names(config: Config) -> None:
    """Two accounts whose names differ only in punctuation would share a Secret key."""
    seen: dict[str, str] = {}
    for name in sorted({m.account.name for m in config.monitors}):
        for key in (secret_key(name), cip_key(name), cip_env(name)):
            if seen.setdefault(key, name) != name:
                raise ConfigError(f"accounts {seen[key]!r} and {name!r} both become {key}: "
                                  "rename one (letters, digits, '-')")  # fmt: skip


def _offset(monitor: Monitor) -> int:
    """A stable number per monitor: monitors with one period start at different minutes, so
    their Chromiums do not all start at once (and share no TOTP step on a shared account)."""
    return int(hashlib.sha256(monitor.id.encode()).hexdigest()[:8], 16)


def schedule(monitor: Monitor) -> str:
    """The CronJob schedule: the monitor's cron as is, or ``every`` as a cron expression.

    A CronJob runs at most once a minute on whole minutes, so ``every`` must be a whole
    number of minutes dividing an hour, or of hours dividing a day; anything else is one
    ``ConfigError`` line saying to write a ``cron`` instead.
    """
    where = f"monitor {monitor.id!r}"
    if monitor.cron is not None:
        if len(monitor.cron.split()) != 5:
            raise ConfigError(
                f"{where}: cron {monitor.cron!r} must have 5 fields for a "
                "Kubernetes CronJob (minute hour day month weekday)"
            )
        return monitor.cron
    seconds = monitor.every_s or 0
    minutes, rest = divmod(seconds, 60)
    offset, minutes = _offset(monitor), int(minutes)
    if rest == 0 and 1 <= minutes < 60 and 60 % minutes == 0:
        return "* * * * *" if minutes == 1 else f"{offset % minutes}-59/{minutes} * * * *"
    hours, rest_minutes = divmod(minutes, 60)
    if rest == 0 and rest_minutes == 0 and 1 <= hours <= 24 and 24 % hours == 0:
        hour = f"{offset % hours}-23/{hours}" if 1 < hours < 24 else str(offset % 24)
        return f"{offset % 60} {'*' if hours == 1 else hour} * * *"
    raise ConfigError(
        f"{where}: every = {seconds:g} s has no CronJob schedule (whole minutes "
        'dividing an hour, or hours dividing a day); write cron = "..." instead, '
        "or run the long-lived runner"
    )


def period_s(cron: str) -> float:
    """The shortest gap between two runs of ``cron`` over the next few runs."""
    runs = croniter(cron, 1_800_000_000.0)
    times = [runs.get_next(float) for _ in range(6)]
    return min(b - a for a, b in pairwise(times))


def cluster_config(raw: dict, only: Monitor | None = None) -> str:
    """The config text for the pods: paths on the volume, password files from the Secret.

    Every account shares one vault: the state volume's, where ``monitors enroll`` put the
    secrets (with ``EESPRESSO_VAULT`` pointing at it). ``only`` keeps one monitor with its
    target and account.
    """
    data = copy.deepcopy(raw)
    data["history"] = f"{STATE_DIR}/history.sqlite"
    if "allure_results" in data:
        data["allure_results"] = f"{STATE_DIR}/allure-results"
    if "path" in data.get("guard", {}):  # the guard's store lives on the volume, by the vault
        data["guard"]["path"] = f"{STATE_DIR}/guard.sqlite"
    for name, account in data.get("accounts", {}).items():
        account["vault"] = f"{STATE_DIR}/vault"
        account.pop("cip", None)  # the CIP comes from the Secret, by the pod's environment
        account["cip_env"] = cip_env(name)
        if "password_file" in account:
            account["password_file"] = f"{SECRET_DIR}/{secret_key(name)}"
    if only is not None:
        entry = next(m for m in data["monitors"] if m.get("id") == only.id)
        data["monitors"] = [entry]
        data["targets"] = {entry["target"]: data["targets"][entry["target"]]}
        data["accounts"] = {entry["account"]: data["accounts"][entry["account"]]}
    return tomli_w.dumps(data)


def _metadata(name: str, options: Options, **extra: dict) -> dict:
    meta: dict = {"name": name}
    if options.namespace:
        meta["namespace"] = options.namespace
    meta["labels"] = {"app.kubernetes.io/name": APP, **extra.pop("labels", {})}
    meta.update(extra)
    return meta


def config_map(path: Path, config: Config, options: Options) -> dict:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))  # load() has validated it
    data = {"monitors.toml": cluster_config(raw)}
    for monitor in config.monitors:
        data[f"{monitor.id}.toml"] = cluster_config(raw, only=monitor)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(APP, options),
        "data": data,
    }


def state_claim(options: Options) -> dict:
    # ReadWriteOnce: the history and the guard are SQLite files, whose locks do not hold over
    # network file systems; the pods of all monitors mount it (one node at a time).
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": _metadata(f"{APP}-state", options),
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": STATE_SIZE}},
        },
    }


def _secret_env(name: str, key: str) -> dict:
    """A variable from the Secret; a missing key keeps the pod from starting (never
    ``optional``: a probe without its key or CIP must not run)."""
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": SECRET, "key": key}}}


def _pod(monitor: Monitor, options: Options) -> dict:
    account = monitor.account
    env = [
        {"name": "EESPRESSO_VAULT", "value": f"{STATE_DIR}/vault"},
        _secret_env("EESPRESSO_VAULT_KEY", VAULT_KEY),
        _secret_env(cip_env(account.name), cip_key(account.name)),
    ]
    mounts = [
        {"name": "config", "mountPath": CONFIG_DIR, "readOnly": True},
        {"name": "state", "mountPath": STATE_DIR},
        {"name": "shm", "mountPath": "/dev/shm"},
        {"name": "tmp", "mountPath": "/tmp"},
    ]
    volumes = [
        {"name": "config", "configMap": {"name": APP}},
        {"name": "state", "persistentVolumeClaim": {"claimName": f"{APP}-state"}},
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": SHM_SIZE}},
        {"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE}},
    ]
    key = secret_key(account.name)
    if account.password_env:
        env.append(_secret_env(account.password_env, key))
    else:
        mounts.append({"name": "password", "mountPath": SECRET_DIR, "readOnly": True})
        volumes.append(
            {
                "name": "password",
                "secret": {
                    "secretName": SECRET,
                    "defaultMode": 0o440,
                    "items": [{"key": key, "path": key}],
                },
            }
        )
    container = {
        "name": "probe",
        "image": options.image,
        "imagePullPolicy": "IfNotPresent",
        "args": ["run", "--once", "--config", f"{CONFIG_DIR}/{monitor.id}.toml"],
        "env": env,
        "resources": RESOURCES,
        "securityContext": {
            "runAsNonRoot": True,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": mounts,
    }
    return {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,  # a probe never talks to the cluster's API
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": USER_ID,
            "runAsGroup": USER_ID,
            "fsGroup": USER_ID,
            "fsGroupChangePolicy": "OnRootMismatch",
            "seccompProfile": {"type": "Localhost", "localhostProfile": SECCOMP_PROFILE},
        },
        "containers": [container],
        "volumes": volumes,
    }


def cron_job(monitor: Monitor, options: Options) -> dict:
    cron = schedule(monitor)
    period = period_s(cron)
    labels = {"app.kubernetes.io/component": "probe", "eespresso.monitor": _slug(monitor.id, 63)}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": _metadata(
            job_name(monitor),
            options,
            labels=labels,
            annotations={"eespresso.monitor-id": monitor.id},
        ),
        "spec": {
            "schedule": cron,
            "concurrencyPolicy": "Forbid",  # two runs never share the account at once
            # a run later than half a period is skipped: the next one is due soon
            "startingDeadlineSeconds": int(max(10, min(period / 2, 300))),
            "successfulJobsHistoryLimit": 1,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "metadata": {"labels": {"app.kubernetes.io/name": APP, **labels}},
                "spec": {
                    "backoffLimit": 0,  # a failed probe is a result, not a reason to retry
                    "activeDeadlineSeconds": math.ceil(monitor.timeout_s) + START_MARGIN_S,
                    "template": {
                        "metadata": {"labels": {"app.kubernetes.io/name": APP, **labels}},
                        "spec": _pod(monitor, options),
                    },
                },
            },
        },
    }


def alert_rules() -> list[dict]:
    """The groups of ``deploy/prometheus/rules.yml`` (shipped in the package as a link)."""
    text = resources.files("monitors").joinpath("alert_rules.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["groups"]


def prometheus_rule(options: Options) -> dict:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": _metadata(APP, options),
        "spec": {"groups": alert_rules()},
    }


def manifests(path: Path, options: Options, config: Config | None = None) -> list[dict]:
    """Every object, in the order ``kubectl apply`` needs them; ``ConfigError`` on a bad file."""
    config = config or load(path)
    _check_account_names(config)
    jobs = [cron_job(monitor, options) for monitor in config.monitors]
    return [
        config_map(path, config, options),
        state_claim(options),
        *jobs,
        prometheus_rule(options),
    ]


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the config files) as literal blocks, readable in the output."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def header(path: Path, config: Config) -> list[str]:
    accounts = sorted({m.account.name for m in config.monitors})
    keys = [VAULT_KEY, *(key(a) for a in accounts for key in (cip_key, secret_key))]
    files = " ".join(f"--from-file={key}=FILE" for key in keys)
    return [
        f"# Generated by `python -m monitors k8s --config {path.name}`; do not edit, regenerate.",
        "# The Secret (vault key, each account's CIP and password) is referenced, never included:",
        f"#   kubectl create secret generic {SECRET} {files}",
        f"# (files of mode 0600); enroll each account once into {STATE_DIR}/vault with that key;",
        f"# copy deploy/seccomp/{SECCOMP_PROFILE} to /var/lib/kubelet/seccomp/ on every node.",
    ]


def render(path: Path, options: Options) -> str:
    """Multi-document YAML. No timestamp: the same config and options give the same text, so
    a committed copy can be compared with a fresh one."""
    config = load(path)
    docs = manifests(path, options, config)
    body = yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, width=100, explicit_start=True)
    return "\n".join(header(path, config)) + "\n" + body
