"""``make demo``: the main job, end to end, on the embedded stand-in portal.

1. start the stand-in portal with a probe account (and, on a terminal, one for a person);
2. run the pytest smoke set (one first access, one later login), writing Allure results;
3. enroll the probe account and run one monitor cycle against the portal (``run --once``);
4. render the Allure report (history kept across runs, so trends grow) and run the gate;
5. print the report's path, the gate verdict and the portal's URL.

On a terminal the portal stays up until Enter, so a person can try steps 1–7 by hand with a
real authenticator app. Every password here is a throw-away sandbox credential passed to the
child processes through their environment, never their command line.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from pages.settings import BASE_URL_ENV
from sandbox import running_sandbox

PROBE_CIP = "DEMO0001"
PERSON_CIP = "DEMO0002"
PASSWORD_ENV = "EESPRESSO_PROBE_PASSWORD"

MONITORS_TOML = """\
history = "history.sqlite"
allure_results = "{results}"

[targets.sandbox]
base_url = "{url}"

[accounts.probe]
cip = "{cip}"
password_env = "{password_env}"
vault = "vault"
device_name = "Sonde démo"

[[monitors]]
id = "demo-later-login"
target = "sandbox"
account = "probe"
journey = "later_login"
every = "5m"
timeout = "90s"
"""


def _password() -> str:
    """A fresh 16-character password, inside the portal's 14–20 rule."""
    return secrets.token_urlsafe(12)


def _run(title: str, module: str, *args: str | Path, env: dict[str, str]) -> int:
    """Run ``python -m module args`` as a child process, its output streaming through."""
    print(f"\n== {title}", flush=True)
    argv = [sys.executable, "-m", module, *map(str, args)]
    return subprocess.run(argv, env=env, check=False).returncode


def _write_monitor_config(demo: Path, url: str, results: Path) -> Path:
    demo.mkdir(parents=True, exist_ok=True)
    config = demo / "monitors.toml"
    text = MONITORS_TOML.format(results=results, url=url, cip=PROBE_CIP, password_env=PASSWORD_ENV)
    config.write_text(text, encoding="utf-8")
    return config


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reports demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="output folder (default: out)"
    )
    parser.add_argument(
        "--suite",
        type=Path,
        default=Path("tests/e2e"),
        help="the pytest suite (default: tests/e2e)",
    )
    parser.add_argument(
        "--policy", type=Path, default=Path("gate.example.toml"), help="the release gate's policy"
    )
    args = parser.parse_args(argv)
    for path in (args.suite, args.policy):
        if not path.exists():
            parser.error(f"{path} not found: run the demo from the repository root (make demo)")
    out = args.out.resolve()
    results, report, demo = out / "allure-results", out / "report", out / "demo"
    shutil.rmtree(results, ignore_errors=True)  # this run's results; trends live beside report
    shutil.rmtree(demo, ignore_errors=True)  # a fresh vault, history and account each time
    results.mkdir(parents=True)
    probe_password = _password()
    env = {k: v for k, v in os.environ.items() if k != BASE_URL_ENV}  # the demo's target is ours
    env |= {PASSWORD_ENV: probe_password, "EESPRESSO_PASSWORD": probe_password}
    with running_sandbox() as portal:
        portal.admin.create_account(PROBE_CIP, probe_password)
        config = _write_monitor_config(demo, portal.url, results)
        smoke = _run(
            "pytest smoke set: one first access, one later login (own sandbox)",
            *("pytest", args.suite, "-m", "smoke", "-q", "-p", "no:cacheprovider"),
            f"--alluredir={results}",
            env=env,
        )
        enroll = _run(
            f"first access of the probe account {PROBE_CIP} (steps 1-7)",
            *("monitors", "enroll", "--base-url", portal.url, "--cip", PROBE_CIP),
            *("--device-name", "Sonde démo", "--vault", demo / "vault", "--alluredir", results),
            env=env,
        )
        cycle = _run("one monitor cycle", "monitors", "run", "--config", config, "--once", env=env)
        _run("Allure report", "reports", "html", "--results", results, "--out", report, env=env)
        gate = _run(
            "release gate",
            *("reports", "gate", "--results", results, "--policy", args.policy),
            *("--history", demo / "history.sqlite", "--summary", out / "summary.md"),
            *("--junit", out / "gate-junit.xml", "--report-url", report / "index.html"),
            env=env,
        )
        print("\n== demo")
        ok = smoke == enroll == cycle == gate == 0
        print(f"report:  {report / 'index.html'}")
        print(f"summary: {out / 'summary.md'}")
        print(
            f"verdict: {'PASS' if ok else 'FAIL'} (exit codes: smoke {smoke}, enrollment "
            f"{enroll}, monitor {cycle}, gate {gate})"
        )
        print(f"portal:  {portal.url}")
        if sys.stdin.isatty():
            person_password = _password()
            portal.admin.create_account(PERSON_CIP, person_password)
            print(f"try steps 1-7 by hand: CIP {PERSON_CIP}, password {person_password}")
            input("the portal stays up until you press Enter… ")
    return 0 if ok else 1
