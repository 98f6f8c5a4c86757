"""Prometheus metrics of the probes; rules in deploy/prometheus/rules.yml.

One registry per runner. A long-lived runner serves it on ``/metrics``; ``--once`` pushes it
to a Pushgateway instead (a CronJob's process is gone before any scrape). The timestamp of
the last success is seeded from the history, so a fresh process reports the true value.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, push_to_gateway
from prometheus_client.exposition import start_http_server

from monitors.history import ProbeRecord

# Seconds; a login journey takes from ~0.1 s (sandbox) to tens of seconds (a slow portal).
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)


class ProbeMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.success = self._metric(
            Gauge, "eespresso_probe_success", "1 if the last probe passed (ok or degraded), else 0"
        )
        self.degraded = self._metric(
            Gauge, "eespresso_probe_degraded", "1 if the last probe passed but above degraded_ms"
        )
        self.duration = self._metric(
            Histogram, "eespresso_probe_duration_seconds",
            "Duration of each journey step (step=total: all)", "step", buckets=BUCKETS,
        )  # fmt: skip
        self.failures = self._metric(
            Counter, "eespresso_probe_failures_total", "Failed probes by cause", "cause"
        )
        self.last_success = self._metric(
            Gauge, "eespresso_last_success_timestamp_seconds", "Unix time of the last passing probe"
        )
        self.paused = self._metric(
            Gauge, "eespresso_monitor_paused", "1 while a monitor is paused to protect its account"
        )
        self.tls_expiry = self._metric(
            Gauge,
            "eespresso_tls_cert_expiry_seconds",
            "Seconds until the target's certificate expires",
        )

    def _metric(self, kind, name: str, documentation: str, *extra_labels: str, **options):
        """Every metric is labelled by monitor and target, plus ``extra_labels``."""
        labels = ("monitor", "target", *extra_labels)
        return kind(name, documentation, labels, registry=self.registry, **options)

    def observe(self, probe: ProbeRecord, target: str) -> None:
        labels = {"monitor": probe.monitor_id, "target": target}
        self.success.labels(**labels).set(1 if probe.up else 0)
        self.degraded.labels(**labels).set(1 if probe.status == "degraded" else 0)
        for step, ms in probe.steps.items():
            self.duration.labels(**labels, step=step).observe(ms / 1000)
        self.duration.labels(**labels, step="total").observe(probe.duration_ms / 1000)
        if probe.up:
            self.last_success.labels(**labels).set(probe.started_at + probe.duration_ms / 1000)
        else:
            self.failures.labels(**labels, cause=probe.cause or "unknown").inc()

    def seed(self, monitor_id: str, target: str, last_success: float | None, paused: bool):
        labels = {"monitor": monitor_id, "target": target}
        if last_success is not None:
            self.last_success.labels(**labels).set(last_success)
        self.paused.labels(**labels).set(1 if paused else 0)

    def serve(self, port: int, host: str = "127.0.0.1") -> int:
        """Serve ``/metrics`` in a daemon thread; return the bound port (0 picks a free one)."""
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server.server_address[1]

    def push(self, gateway: str, job: str) -> None:
        push_to_gateway(gateway, job=job, registry=self.registry, timeout=10)
