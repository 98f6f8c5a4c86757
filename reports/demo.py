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

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from sandbox.testing import running_sandbox

OUT = Path("out")
RESULTS = OUT / "allure-results"
REPORT = OUT / "report"
DEMO = OUT / "demo"
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


def _run(title: str, args: list[str], env: dict[str, str]) -> int:
    print(f"\n== {title}", flush=True)
    return subprocess.run([sys.executable, *args], env=env, check=False).returncode


def _write_monitor_config(url: str) -> Path:
    DEMO.mkdir(parents=True, exist_ok=True)
    config = DEMO / "monitors.toml"
    config.write_text(
        MONITORS_TOML.format(
            results=RESULTS.resolve(), url=url, cip=PROBE_CIP, password_env=PASSWORD_ENV
        ),
        encoding="utf-8",
    )
    return config


def main(argv: list[str]) -> int:
    del argv  # no options: the demo is the same job every time
    shutil.rmtree(RESULTS, ignore_errors=True)  # this run's results; trends live beside REPORT
    shutil.rmtree(DEMO, ignore_errors=True)  # a fresh vault, history and account each time
    RESULTS.mkdir(parents=True)
    probe_password = _password()
    env = {**os.environ, PASSWORD_ENV: probe_password, "EESPRESSO_PASSWORD": probe_password}
    with running_sandbox() as portal:
        portal.admin.create_account(PROBE_CIP, probe_password)
        config = _write_monitor_config(portal.url)
        vault = str(DEMO / "vault")
        smoke = _run(
            "pytest smoke set: one first access, one later login (own sandbox)",
            ["-m", "pytest", "tests/e2e", "-m", "smoke", "-q", "-p", "no:cacheprovider",
             f"--alluredir={RESULTS}"],  # fmt: skip
            env,
        )
        enroll = _run(
            f"first access of the probe account {PROBE_CIP} (steps 1-7)",
            ["-m", "monitors", "enroll", "--base-url", portal.url, "--cip", PROBE_CIP,
             "--device-name", "Sonde démo", "--vault", vault, "--alluredir", str(RESULTS)],  # fmt: skip
            env,
        )
        cycle = _run("one monitor cycle", ["-m", "monitors", "run", "--config", str(config),
                                           "--once"], env)  # fmt: skip
        _run("Allure report", ["-m", "reports", "html", "--results", str(RESULTS),
                               "--out", str(REPORT)], env)  # fmt: skip
        gate = _run(
            "release gate",
            ["-m", "reports", "gate", "--results", str(RESULTS), "--policy", "gate.example.toml",
             "--history", str(DEMO / "history.sqlite"), "--summary", str(OUT / "summary.md"),
             "--junit", str(OUT / "gate-junit.xml"), "--report-url", str(REPORT / "index.html")],  # fmt: skip
            env,
        )
        print("\n== demo")
        print(f"report:  {(REPORT / 'index.html').resolve()}")
        print(f"summary: {(OUT / 'summary.md').resolve()}")
        print(f"verdict: {'PASS' if gate == 0 else 'FAIL'} (smoke={smoke} enroll={enroll} "
              f"monitor={cycle} gate={gate})")  # fmt: skip
        print(f"portal:  {portal.url}")
        if sys.stdin.isatty():
            person_password = _password()
            portal.admin.create_account(PERSON_CIP, person_password)
            print(f"try steps 1-7 by hand: CIP {PERSON_CIP}, password {person_password}")
            input("the portal stays up until you press Enter… ")
    return 0 if gate == 0 and smoke == 0 and enroll == 0 and cycle == 0 else 1
