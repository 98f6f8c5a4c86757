"""The long-lived runner as a Deployment: ``python -m monitors k8s --runner``.

One process, one warm Chromium, every monitor on its own schedule and the up-checks between
them (``monitors.runner``): the way to run every-minute monitors (docs/scale.md). One replica
and the ``Recreate`` strategy, because two runners would share the account (a TOTP step used
twice is refused and spends the lockout budget) and the ReadWriteOnce state volume; a rolling
update would start the new pod while the old one still probes. A Service in front of its HTTP
port (``/metrics``, ``/status``), a ServiceMonitor so prometheus-operator scrapes it.
"""

from __future__ import annotations

from monitors.config import Config
from monitors.k8s_pod import APP, CONFIG_DIR, Options, accounts_of, object_meta, pod_spec

DEFAULT_PORT = 9464  # deploy/Containerfile's EXPOSE; the config's [metrics] port when it has one
PORT_NAME = "http"
COMPONENT = {"app.kubernetes.io/component": "runner"}
SELECTOR = {"app.kubernetes.io/name": APP, **COMPONENT}
# docs/scale.md: a warm browser is ~356 MiB PSS, a context ~72-123 MiB; its Chromium was seen
# between 590 and 1024 MiB RSS over 500 probes. One core keeps a runner of 25 every-minute
# monitors inside the minute.
RESOURCES = {"requests": {"cpu": "1", "memory": "768Mi"}, "limits": {"memory": "1536Mi"}}
# SIGTERM cuts the probe in flight short and closes Chromium within seconds (monitors.runner).
GRACE_S = 30
# The port answers once the config is loaded, before the first probe; probes run on their own
# thread, the HTTP server on others, so a long probe does not make the pod look dead.
LIVENESS = {"periodSeconds": 30, "timeoutSeconds": 5, "failureThreshold": 4}
READINESS = {"periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
STARTUP = {"periodSeconds": 5, "timeoutSeconds": 5, "failureThreshold": 24}  # 2 min to start


def runner_port(config: Config) -> int:
    return config.metrics.port or DEFAULT_PORT


def _probe(port: int, timing: dict) -> dict:
    # /metrics: prometheus_client's exposition answers without touching the history, which a
    # probe may hold locked; /status renders the history and is for people (monitors/web.py).
    return {"httpGet": {"path": "/metrics", "port": port}, **timing}


def deployment(config: Config, options: Options) -> dict:
    port = runner_port(config)
    container = {
        "name": "runner",
        "image": options.image,
        "args": ["run", "--config", f"{CONFIG_DIR}/monitors.toml"],
        "ports": [{"name": PORT_NAME, "containerPort": port, "protocol": "TCP"}],
        # numbers, not the port's name: podman's `kube play` reads only numbers here
        "startupProbe": _probe(port, STARTUP),
        "livenessProbe": _probe(port, LIVENESS),
        "readinessProbe": _probe(port, READINESS),
        "resources": RESOURCES,
    }
    pod = pod_spec(accounts_of(config.monitors), container, restart="Always")
    pod["terminationGracePeriodSeconds"] = GRACE_S
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": object_meta(APP, options, labels=COMPONENT),
        "spec": {
            "replicas": 1,  # never two: one account, one volume (module docstring)
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 3,
            "selector": {"matchLabels": SELECTOR},
            "template": {"metadata": {"labels": SELECTOR}, "spec": pod},
        },
    }


def service(config: Config, options: Options) -> dict:
    port = runner_port(config)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": object_meta(APP, options, labels=COMPONENT),
        "spec": {
            "type": "ClusterIP",
            "selector": SELECTOR,
            "ports": [
                {"name": PORT_NAME, "port": port, "targetPort": PORT_NAME, "protocol": "TCP"}
            ],  # fmt: skip
        },
    }


def service_monitor(options: Options) -> dict:
    """prometheus-operator's ServiceMonitor (monitoring.coreos.com/v1): scrape the Service's
    port every 30 s. The runner's labels (monitor, target, probe) clash with none that
    Prometheus adds (job, instance, namespace, service, pod, container, endpoint)."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": object_meta(APP, options, labels=COMPONENT),
        "spec": {
            "selector": {"matchLabels": SELECTOR},
            "endpoints": [
                {"port": PORT_NAME, "path": "/metrics", "interval": "30s", "scrapeTimeout": "10s"}
            ],  # fmt: skip
        },
    }


def runner_objects(config: Config, options: Options) -> list[dict]:
    return [deployment(config, options), service(config, options), service_monitor(options)]
