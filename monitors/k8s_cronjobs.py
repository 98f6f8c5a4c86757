"""One CronJob per monitor: each pod a ``run --once`` of that monitor alone, so one slow portal
never delays another monitor and a cluster spreads the browsers over its nodes.

A CronJob runs at most once a minute, on whole minutes: monitors more frequent than that, or
every minute in numbers, belong to the long-lived runner (``monitors.k8s_runner``).
"""

from __future__ import annotations

import hashlib
import math
from itertools import pairwise

from croniter import croniter

from monitors.config import Monitor
from monitors.k8s_pod import APP, CONFIG_DIR, Options, object_meta, pod_spec, slug
from monitors.toml_reader import ConfigError

# docs/scale.md: a probe pod (Python, Playwright's driver, Chromium, one context) is ~530 MiB.
RESOURCES = {"requests": {"cpu": "500m", "memory": "640Mi"}, "limits": {"memory": "1Gi"}}
START_MARGIN_S = 90  # Chromium's start under load + the wait for an unused TOTP step (30 s)
_NAME_MAX = 52  # a CronJob's name: 52 characters, so that its Jobs' names fit in 63


def job_name(monitor: Monitor) -> str:
    prefix = "eespresso-"
    return prefix + slug(monitor.id, _NAME_MAX - len(prefix))


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
        "or run the long-lived runner (k8s --runner)"
    )


def period_s(cron: str) -> float:
    """The shortest gap between two runs of ``cron`` over the next few runs."""
    runs = croniter(cron, 1_800_000_000.0)
    times = [runs.get_next(float) for _ in range(6)]
    return min(b - a for a, b in pairwise(times))


def cron_job(monitor: Monitor, options: Options) -> dict:
    cron = schedule(monitor)
    period = period_s(cron)
    labels = {"app.kubernetes.io/component": "probe", "eespresso.monitor": slug(monitor.id, 63)}
    container = {
        "name": "probe",
        "image": options.image,
        "args": ["run", "--once", "--config", f"{CONFIG_DIR}/{monitor.id}.toml"],
        "resources": RESOURCES,
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": object_meta(
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
                        "spec": pod_spec([monitor.account], container, restart="Never"),
                    },
                },
            },
        },
    }
