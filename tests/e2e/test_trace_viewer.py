"""A scrubbed trace still opens in Playwright's trace viewer, with its steps and its network.

``playwright show-trace --host 127.0.0.1 --port 0`` serves the viewer; the suite's browser
opens the URL it prints. The action list must read as the journey's steps (each a group
titled after the seed, the typed password shown as its marker) and the network tab must list
the portal's requests: a scrub that broke the archive or a resource reference shows neither.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import allure
import pytest
from playwright.sync_api import expect

from bench.support.accounts import new_cip
from bench.support.processes import ROOT, stop
from pages.steps import STEP_TITLES
from reports.tracing import Tracer
from tests.fixtures.accounts import (
    TestAccount,
    enroll,
    expect_ok,
    log_in,
    new_password,
    seed_enrolled,
)

pytestmark = [allure.feature("Secrets")]
VIEWER = ROOT / ".venv" / "bin" / "playwright"


@contextmanager
def trace_viewer(trace: Path, timeout: float = 60.0) -> Iterator[str]:
    """The URL of ``show-trace`` serving ``trace`` on a free loopback port."""
    argv = [str(VIEWER), "show-trace", "--host", "127.0.0.1", "--port", "0", str(trace)]
    # Its own process group: the ``playwright`` script runs the viewer as a Node.js child,
    # which must end with it.
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)  # fmt: skip
    try:
        deadline, url = time.monotonic() + timeout, None
        while url is None and time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()  # the viewer prints its URL, then stays quiet
            found = re.search(r"http://127\.0\.0\.1:\d+\S*", line)
            url = found.group() if found else None
        assert url, "show-trace printed no URL"
        yield url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        stop(process, grace=10)


@allure.story("scrubbed traces")
@pytest.mark.enrollment
def test_a_scrubbed_trace_opens_with_its_steps_and_its_network(
    tmp_path, make_account, vault, fresh_page
):
    account = make_account()
    tracer = Tracer(tmp_path / "traces" / "trace.zip", "on")
    expect_ok(enroll(fresh_page(), account, vault, trace=tracer))
    assert tracer.report.removed["password"] >= 1

    viewer = fresh_page()
    with trace_viewer(tracer.kept) as url:
        viewer.goto(url)
        actions = viewer.locator(".action-title")
        for step in ("open", "login", "scan", "code", "device", "home", "logout"):
            expect(actions.filter(has_text=STEP_TITLES[step])).to_have_count(1)
        actions.filter(has_text=STEP_TITLES["login"]).click()
        viewer.keyboard.press("ArrowRight")  # open the step's group: its actions show
        expect(actions.filter(has_text="Fill")).to_have_count(2)  # the CIP, the password
        expect(actions.filter(has_text="«scrubbed: password»")).to_have_count(1)
        viewer.get_by_role("tab", name=re.compile(r"^Network")).click()
        grid = viewer.get_by_role("tabpanel").filter(has_text="Method")
        expect(grid).to_contain_text("POST")
        expect(grid).to_contain_text("configuration")
        assert account.password not in viewer.content()


@allure.story("scrubbed traces")
@pytest.mark.login
def test_a_failed_later_logins_trace_opens_with_its_steps_and_the_failed_request(
    tmp_path, sandbox_factory, vault, fresh_page
):
    """What ops replays: a later login the portal fails after the code (a 500 on its home
    page), kept by ``retain-on-failure`` at the monitors' default detail (the actions and the
    network, no DOM snapshot), opens with its steps and the request that failed."""
    with sandbox_factory() as portal:
        account = TestAccount(portal.url, new_cip(), new_password())
        created = portal.admin.create_account(account.cip, account.password, enrolled=True)
        seed_enrolled(vault, account, created)
        portal.admin.set_faults(error_500=["/accueil"])
        tracer = Tracer(tmp_path / "traces" / "trace.zip", "retain-on-failure", detail="actions")
        result = log_in(fresh_page(), account, vault, trace=tracer)
    assert not result.ok and tracer.kept is not None

    viewer = fresh_page()
    with trace_viewer(tracer.kept) as url:
        viewer.goto(url)
        actions = viewer.locator(".action-title")
        for step in ("open", "login", "code"):
            expect(actions.filter(has_text=STEP_TITLES[step])).to_have_count(1)
        viewer.get_by_role("tab", name=re.compile(r"^Network")).click()
        grid = viewer.get_by_role("tabpanel").filter(has_text="Method")
        expect(grid).to_contain_text("accueil")
        expect(grid).to_contain_text("500")
        page_text = viewer.content()
        assert account.password not in page_text and created["secret"] not in page_text
