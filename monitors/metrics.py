"""Prometheus metrics of the probes, named as the blackbox exporter and Grafana Synthetic
Monitoring name theirs, so their dashboards and rules apply; rules in deploy/prometheus/.

Every series carries ``monitor`` (the monitor id), ``target`` (the base URL, never with a user
name, password or query) and ``probe`` (the location, ``[probe] name``), as Synthetic
Monitoring labels its series by check and probe.

By convention (https://github.com/prometheus/blackbox_exporter, Synthetic Monitoring's "check
metrics"): ``probe_success`` and ``probe_duration_seconds`` are gauges of the last probe;
``probe_all_success`` (summary) and ``probe_all_duration_seconds`` (histogram) count every
probe, also those between two scrapes; ``probe_ssl_earliest_cert_expiry`` is a Unix time;
``probe_http_status_code`` is the last up-check's status.

Ours, where no convention exists: ``probe_step_duration_seconds{step}``, a gauge of the last
probe's step, because the blackbox exporter and Synthetic Monitoring publish their phases the
same way (``probe_http_duration_seconds{phase}`` is a gauge): a step runs once per probe, so a
gauge holds the whole sample and ``quantile_over_time`` gives percentiles, with no bucket
boundaries to guess per step. Then failures by cause, the wait for an unused TOTP step, a
paused account, the date of each alerting notice (a gauge named in its row of
``wording.notices``: ``probe_password_expiry_timestamp_seconds``), the last success, the
up-check's result, and ``probe_maintenance`` (1 inside a maintenance window: the shipped
rules stay silent then). Per step of the last probe, the web vitals of its page as Synthetic
Monitoring's browser checks publish them (``probe_browser_web_vital_lcp``, ``_fcp``, ``_cls``,
``_ttfb``) and ``probe_step_failed_requests``.

This module is the one that turns records into series: a journey's graded record
(``observe``, its expiry dates included) and an up-check's sample (``observe_upcheck``), both
handed over by ``monitors.sinks``.

A long-lived runner serves the registry on ``/metrics``; ``--once`` pushes it to a Pushgateway
instead (a CronJob's process is gone before any scrape), grouped by location so two
locations never overwrite each other. The last success is seeded from the history, so a
fresh process reports the true value.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Summary,
    push_to_gateway,
)

from monitors import step_network, web
from monitors.config import default_probe_name
from monitors.history import ProbeRecord
from wording.notices import alerting

LABELS = ("monitor", "target", "probe")
#: Web vitals of each step's page, named as Grafana Synthetic Monitoring's browser checks name
#: them (``probe_browser_web_vital_<name>``): times in seconds, CLS unitless (web.dev/cls).
WEB_VITALS = {
    "lcp_ms": ("lcp", "Largest contentful paint of the step's page, seconds", 1000),
    "fcp_ms": ("fcp", "First contentful paint of the step's page, seconds", 1000),
    "cls": ("cls", "Cumulative layout shift of the step's page (unitless)", 1),
    "ttfb_ms": ("ttfb", "Time to first byte of the step's document, seconds", 1000),
}
# Seconds; a login journey takes from ~0.1 s (sandbox) to tens of seconds (a slow portal).
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)


def public_url(url: str) -> str:
    """``url`` as it may be shown in metrics, alerts and reports: no user name, password,
    query or fragment (RFC 3986 §3.2.1: userinfo in a URI is a credential)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets (RFC 3986 §3.2.2)
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc, query="", fragment="").geturl()


class ProbeMetrics:
    """The runner's registry; thread-safe (the up-check loop writes from its own thread)."""

    def __init__(self, probe: str | None = None) -> None:
        self.probe = probe or default_probe_name()
        self.registry = CollectorRegistry()
        metric = self._metric
        self.success = metric(Gauge, "probe_success", "1 if the last probe passed, else 0")
        self.duration = metric(
            Gauge, "probe_duration_seconds", "Duration of the last probe (TOTP wait excluded)"
        )
        self.all_success = metric(
            Summary, "probe_all_success", "Every probe's success (sum) out of all probes (count)"
        )
        self.all_duration = metric(
            Histogram, "probe_all_duration_seconds", "Duration of every probe", buckets=BUCKETS
        )
        self.step_duration = metric(
            Gauge, "probe_step_duration_seconds", "Duration of each step of the last probe", "step"
        )
        self.web_vitals = {
            name: (metric(Gauge, f"probe_browser_web_vital_{short}", text, "step"), scale)
            for name, (short, text, scale) in WEB_VITALS.items()
        }
        self.failed_requests = metric(
            Gauge, "probe_step_failed_requests",
            "Requests of each step of the last probe that failed (status >= 400 or no answer)",
            "step",
        )  # fmt: skip
        self.degraded = metric(
            Gauge, "probe_degraded", "1 if the last probe passed but above degraded_ms"
        )
        self.failures = metric(
            Counter, "probe_failures", "Failed probes and confirmed up-check failures", "cause"
        )
        self.code_wait = metric(
            Gauge, "probe_totp_wait_seconds", "Time the last probe waited for an unused TOTP step"
        )
        self.last_success = metric(
            Gauge, "probe_last_success_timestamp_seconds", "Unix time the last passing probe ended"
        )
        self.paused = metric(
            Gauge, "probe_account_paused", "1 while a monitor is paused to protect its account"
        )
        self.cert_expiry = metric(
            Gauge, "probe_ssl_earliest_cert_expiry", "Unix time the target's certificate expires"
        )
        # The dates a record may carry (``ProbeRecord.expiries``), by expiry kind.
        self.expiry = {"tls": self.cert_expiry} | {
            alert.expiry: metric(Gauge, alert.metric, alert.metric_help)
            for alert in alerting().values()
            if alert.expiry and alert.metric
        }
        self.up_success = metric(
            Gauge, "probe_upcheck_success", "1 if the last up-check found the login form, else 0"
        )
        self.up_duration = metric(
            Gauge, "probe_upcheck_duration_seconds", "Duration of the last up-check"
        )
        self.http_status = metric(
            Gauge, "probe_http_status_code", "HTTP status of the last up-check (0: no answer)"
        )
        self.maintenance = metric(
            Gauge, "probe_maintenance", "1 while a monitor is in a maintenance window, else 0"
        )

    def _metric(self, kind, name: str, documentation: str, *extra_labels: str, **options):
        return kind(name, documentation, (*LABELS, *extra_labels), registry=self.registry,
                    **options)  # fmt: skip

    def labels(self, monitor_id: str, target: str) -> dict[str, str]:
        """The three labels of a monitor's series; ``target`` is cleaned of credentials here,
        at the sink, whatever the caller passed."""
        return {"monitor": monitor_id, "target": public_url(target), "probe": self.probe}

    def observe(self, probe: ProbeRecord, target: str) -> None:
        """A finished probe (a journey, or an up-check failure confirmed by a second one)."""
        labels = self.labels(probe.monitor_id, target)
        seconds = probe.duration_ms / 1000
        self.success.labels(**labels).set(1 if probe.up else 0)
        self.duration.labels(**labels).set(seconds)
        self.all_success.labels(**labels).observe(1 if probe.up else 0)
        self.all_duration.labels(**labels).observe(seconds)
        self.degraded.labels(**labels).set(1 if probe.status == "degraded" else 0)
        self.code_wait.labels(**labels).set(probe.code_wait_ms / 1000)
        for step, ms in probe.steps.items():
            self.step_duration.labels(**labels, step=step).set(ms / 1000)
        for step, measured in probe.network.items():
            self.failed_requests.labels(**labels, step=step).set(len(measured.get("failed", ())))
            for name, value in step_network.vitals(measured).items():
                gauge, scale = self.web_vitals[name]
                gauge.labels(**labels, step=step).set(value / scale)
        for kind, at in probe.expiries.items():
            self.expiry[kind].labels(**labels).set(at)
        if probe.up:
            self.last_success.labels(**labels).set(probe.started_at + seconds)
        else:
            self.failures.labels(**labels, cause=probe.cause or "unknown").inc()

    def observe_upcheck(
        self,
        monitor_id: str,
        target: str,
        ok: bool,
        seconds: float,
        status: int,
        not_after: float | None = None,
    ) -> None:
        """One up-check: its result, and the certificate's end when it was read."""
        labels = self.labels(monitor_id, target)
        self.up_success.labels(**labels).set(1 if ok else 0)
        self.up_duration.labels(**labels).set(seconds)
        self.http_status.labels(**labels).set(status)
        if not_after is not None:
            self.cert_expiry.labels(**labels).set(not_after)

    def set_paused(self, monitor_id: str, target: str, paused: bool) -> None:
        self.paused.labels(**self.labels(monitor_id, target)).set(1 if paused else 0)

    def watch_maintenance(self, monitor_id: str, target: str, active: Callable[[], bool]) -> None:
        """``probe_maintenance`` asks ``active()`` at each scrape or push: a window opens and
        closes on the clock, not at a probe, and the alert rules must know it at once."""
        gauge = self.maintenance.labels(**self.labels(monitor_id, target))
        gauge.set_function(lambda: 1.0 if active() else 0.0)

    def seed(self, monitor_id: str, target: str, last_success: float | None, paused: bool):
        if last_success is not None:
            self.last_success.labels(**self.labels(monitor_id, target)).set(last_success)
        self.set_paused(monitor_id, target, paused)

    def serve(
        self,
        port: int,
        host: str = "127.0.0.1",
        status_page: web.CachedPage | Callable[[], str] | None = None,
    ) -> int:
        """Serve ``/metrics`` (and ``/status`` from ``status_page``) in a daemon thread; return
        the bound port (0 picks a free one)."""
        return web.serve(web.app(self.registry, status_page), host, port)

    def push(self, gateway: str, job: str) -> None:
        """Replace this location's group on the Pushgateway (grouping key ``probe``)."""
        push_to_gateway(gateway, job=job, registry=self.registry, timeout=10,
                        grouping_key={"probe": self.probe})  # fmt: skip
