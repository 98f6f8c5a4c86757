"""What every generated Kubernetes object shares: names, the config on the pod's volumes, the
state volume, and the pod a probe runs in (CronJob) or the runner runs in (Deployment).

Secrets are only referenced (``secretKeyRef`` or a Secret volume): the Secret itself is created
by hand (``monitors.k8s.header``); the vault key is required there, never generated beside the
vault it protects. Every pod is non-root, with a read-only root filesystem, no capability and a
seccomp profile that lets Chromium keep its sandbox.
"""

from __future__ import annotations

import copy
import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import tomli_w
import yaml

from monitors.config import Account, Config, Monitor
from monitors.toml_reader import ConfigError

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
SHM_SIZE = "256Mi"  # Chromium's shared memory; container runtimes give 64 MiB by default
TMP_SIZE = "256Mi"  # Chromium's profile and Playwright's temporary files
STATE_SIZE = "1Gi"
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


def slug(text: str, limit: int) -> str:
    """A DNS-1123 label from ``text``; a short hash keeps two long ids apart when cut."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"
    if len(label) <= limit:
        return label
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{label[: limit - 9].rstrip('-')}-{digest}"


def secret_key(account_name: str) -> str:
    """The Secret's key holding an account's password (Secret keys: ``[-._a-zA-Z0-9]+``)."""
    return "password-" + _KEY.sub("-", account_name)


def cip_key(account_name: str) -> str:
    """The Secret's key holding an account's CIP; the pod reads it as ``cip_env(name)``."""
    return "cip-" + _KEY.sub("-", account_name)


def cip_env(account_name: str) -> str:
    return "EESPRESSO_CIP_" + re.sub(r"[^A-Z0-9]", "_", account_name.upper())


def accounts_of(monitors: Iterable[Monitor]) -> list[Account]:
    """The accounts the monitors log in with, once each, by name."""
    by_name = {monitor.account.name: monitor.account for monitor in monitors}
    return [by_name[name] for name in sorted(by_name)]


def check_account_names(config: Config) -> None:
    """Two accounts whose names differ only in punctuation would share a Secret key."""
    seen: dict[str, str] = {}
    for account in accounts_of(config.monitors):
        name = account.name
        for key in (secret_key(name), cip_key(name), cip_env(name)):
            if seen.setdefault(key, name) != name:
                raise ConfigError(f"accounts {seen[key]!r} and {name!r} both become {key}: "
                                  "rename one (letters, digits, '-')")  # fmt: skip


def cluster_config(raw: dict, only: Monitor | None = None, metrics_port: int | None = None) -> str:
    """The config text for the pods: paths on the volume, password files from the Secret.

    Every account shares one vault: the state volume's, where ``monitors enroll`` put the
    secrets (with ``EESPRESSO_VAULT`` pointing at it). ``only`` keeps one monitor with its
    target and account. ``metrics_port``: the runner's, served on every address of the pod
    (its Service and Prometheus reach it by the pod's address, never by loopback); accounts no
    monitor uses are dropped, as the pod gets no CIP for them.
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
    if metrics_port is not None:
        data["metrics"] = {**data.get("metrics", {}), "port": metrics_port, "host": "0.0.0.0"}
        used = {entry["account"] for entry in data["monitors"]}
        data["accounts"] = {n: a for n, a in data["accounts"].items() if n in used}
    return tomli_w.dumps(data)


def object_meta(name: str, options: Options, **extra: dict) -> dict:
    meta: dict = {"name": name}
    if options.namespace:
        meta["namespace"] = options.namespace
    meta["labels"] = {"app.kubernetes.io/name": APP, **extra.pop("labels", {})}
    meta.update(extra)
    return meta


def config_map(
    path: Path, config: Config, options: Options, runner_port: int | None = None
) -> dict:
    """``monitors.toml`` for the pods; with ``runner_port``, the runner's (metrics served),
    else one file per monitor beside it, each CronJob's own."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))  # load() has validated it
    data = {"monitors.toml": cluster_config(raw, metrics_port=runner_port)}
    if runner_port is None:
        for monitor in config.monitors:
            data[f"{monitor.id}.toml"] = cluster_config(raw, only=monitor)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": object_meta(APP, options),
        "data": data,
    }


def state_claim(options: Options) -> dict:
    # ReadWriteOnce: the history and the guard are SQLite files, whose locks do not hold over
    # network file systems; the pods of all monitors mount it (one node at a time).
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": object_meta(f"{APP}-state", options),
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": STATE_SIZE}},
        },
    }


def _secret_env(name: str, key: str) -> dict:
    """A variable from the Secret; a missing key keeps the pod from starting (never
    ``optional``: a probe without its key or CIP must not run)."""
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": SECRET, "key": key}}}


def container_security() -> dict:
    return {
        "runAsNonRoot": True,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
    }


def pod_spec(accounts: list[Account], container: dict, restart: str) -> dict:
    """The pod around ``container`` (name, image, args, resources, ports): the accounts'
    secrets, the config, the state volume, memory-backed ``/dev/shm`` and a ``/tmp``."""
    env = [
        {"name": "EESPRESSO_VAULT", "value": f"{STATE_DIR}/vault"},
        _secret_env("EESPRESSO_VAULT_KEY", VAULT_KEY),
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
    files = []
    for account in accounts:
        env.append(_secret_env(cip_env(account.name), cip_key(account.name)))
        key = secret_key(account.name)
        if account.password_env:
            env.append(_secret_env(account.password_env, key))
        else:
            files.append({"key": key, "path": key})
    if files:
        mounts.append({"name": "password", "mountPath": SECRET_DIR, "readOnly": True})
        # "optional: false" is Kubernetes' default, written out: podman 4.3's `kube play`
        # dereferences the field without a nil check and crashes when it is absent.
        secret = {"secretName": SECRET, "defaultMode": 0o440, "items": files, "optional": False}
        volumes.append({"name": "password", "secret": secret})
    return {
        "restartPolicy": restart,
        "automountServiceAccountToken": False,  # a probe never talks to the cluster's API
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": USER_ID,
            "runAsGroup": USER_ID,
            "fsGroup": USER_ID,
            "fsGroupChangePolicy": "OnRootMismatch",
            "seccompProfile": {"type": "Localhost", "localhostProfile": SECCOMP_PROFILE},
        },
        "containers": [
            {
                "name": container["name"],
                "image": container["image"],
                "imagePullPolicy": "IfNotPresent",
                **container,
                "env": env,
                "securityContext": container_security(),
                "volumeMounts": mounts,
            }
        ],
        "volumes": volumes,
    }


def alert_rules() -> list[dict]:
    """The groups of ``deploy/prometheus/rules.yml`` (shipped in the package as a link)."""
    text = resources.files("monitors").joinpath("alert_rules.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["groups"]


def prometheus_rule(options: Options) -> dict:
    """prometheus-operator's PrometheusRule carrying the shipped alert rules."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": object_meta(APP, options),
        "spec": {"groups": alert_rules()},
    }
