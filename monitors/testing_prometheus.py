"""Real Prometheus, Alertmanager and Pushgateway for integration tests and demos.

Each server is the Debian binary, started on a free loopback port with its own temporary data
folder, waited for through its ``/-/ready`` endpoint (bounded), and always stopped at the end
(SIGTERM, then SIGKILL). Intervals are shortened so a rule fires within seconds.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitors.testing import free_port

PROMETHEUS = "/usr/bin/prometheus"
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
PUSHGATEWAY = "/usr/bin/prometheus-pushgateway"
RULES = Path(__file__).resolve().parents[1] / "deploy" / "prometheus" / "rules.yml"


class Server:
    def __init__(self, name: str, port: int, process: subprocess.Popen, log: Path) -> None:
        self.name, self.port, self.process, self.log = name, port, process, log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get_json(self, path: str, **params: str) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(self.url + path + query, timeout=5) as response:
            return json.load(response)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def _serve(name: str, argv: list[str], port: int, workdir: Path, timeout: float = 30):
    log = workdir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, cwd=workdir)
    server = Server(name, port, process, log)
    try:
        deadline = time.monotonic() + timeout
        while not _ready(f"{server.url}/-/ready"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-800:]
                raise RuntimeError(f"{name} did not become ready on port {port}: {tail}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def fast_rules(workdir: Path, for_duration: str = "0s") -> Path:
    """The shipped rules with every ``for:`` shortened, so a test sees them fire in seconds."""
    text = re.sub(r"(?m)^(\s*for:\s*)\S+", rf"\g<1>{for_duration}", RULES.read_text())
    path = workdir / "rules.yml"
    path.write_text(text)
    return path


@contextmanager
def pushgateway(workdir: Path) -> Iterator[Server]:
    port = free_port()
    argv = [PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{port}"]
    with _serve("pushgateway", argv, port, workdir) as server:
        yield server


@contextmanager
def alertmanager(workdir: Path, webhook_url: str) -> Iterator[Server]:
    port = free_port()
    folder = workdir / "alertmanager"
    folder.mkdir(exist_ok=True)
    config = folder / "alertmanager.yml"
    config.write_text(
        json.dumps(  # JSON is YAML: no YAML writer needed
            {
                "route": {"receiver": "hook", "group_by": ["alertname", "monitor"],
                          "group_wait": "1s", "group_interval": "1s", "repeat_interval": "1h"},
                "receivers": [{"name": "hook", "webhook_configs": [
                    {"url": webhook_url, "send_resolved": True}]}],
            }
        )
    )  # fmt: skip
    argv = [
        ALERTMANAGER, f"--config.file={config}", f"--storage.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
    ]  # fmt: skip
    with _serve("alertmanager", argv, port, workdir) as server:
        yield server


@contextmanager
def prometheus(
    workdir: Path,
    scrape: list[str],
    *,
    alertmanager_port: int | None = None,
    honor_labels: bool = False,
) -> Iterator[Server]:
    """Prometheus scraping ``scrape`` (host:port) every second with the shipped rules."""
    port = free_port()
    folder = workdir / "prometheus"
    folder.mkdir(exist_ok=True)
    config: dict = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(fast_rules(folder))],
        "scrape_configs": [{"job_name": "eespresso", "honor_labels": honor_labels,
                            "static_configs": [{"targets": scrape}]}],
    }  # fmt: skip
    if alertmanager_port:
        config["alerting"] = {
            "alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{alertmanager_port}"]}]}]
        }
    (folder / "prometheus.yml").write_text(json.dumps(config))
    argv = [
        PROMETHEUS, f"--config.file={folder / 'prometheus.yml'}",
        f"--storage.tsdb.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
        "--rules.alert.resend-delay=1s",
    ]  # fmt: skip
    with _serve("prometheus", argv, port, workdir) as server:
        yield server


def query(server: Server, expr: str) -> list[dict]:
    return server.get_json("/api/v1/query", query=expr)["data"]["result"]


def wait_until(check, timeout: float, interval: float = 0.5):
    """Poll ``check()`` until truthy or ``timeout`` seconds; return its last value."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = check()
    return value
