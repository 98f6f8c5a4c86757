"""Traces everywhere, scrubbed before they are kept (``reports.trace_scrub``,
``run_journey(..., trace=Tracer(...))``).

A first access on the sandbox is traced by the journey's tracer, which keeps only the scrubbed
trace; the raw trace it scrubbed is copied aside on its way (``scrub_trace`` wrapped). The raw
trace must fail ``python -m reports scan-secrets`` (so the check can fail) and the scrubbed one must
pass it, and hold none of the run's values (password, key as is and in groups, URI, codes).
"""

from __future__ import annotations

import re
import shutil
import stat
import time
import zipfile
from pathlib import Path

import allure
import pytest

from bench.support.accounts import new_cip
from pages.profile import builtin
from reports import tracing
from reports.trace_network import NETWORK_MEMBER, with_network
from reports.trace_scrub import read_trace, scrub_trace
from reports.tracing import Tracer
from sandbox import running_sandbox
from sandbox.keycloak.state import to_raw
from tests.e2e.test_scan_secrets import scan_secrets, write_ledger
from tests.fixtures.accounts import (
    DEVICE_NAME,
    TestAccount,
    enroll,
    expect_ok,
    log_in,
    new_password,
)
from tests.fixtures.leaks import codes_between, grouped

pytestmark = [allure.feature("Secrets")]


def _values(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


def _assert_none_of(path: Path, values: list[str], codes: set[str]) -> None:
    blob = _values(path)
    for value in values:
        assert value.encode() not in blob, f"a secret is left in {path.name}"
    numbers = set(re.findall(rb"(?<![0-9A-Za-z.])[0-9]{6}(?![0-9A-Za-z])", blob))
    assert not numbers & {code.encode() for code in codes}, "a code is left in the trace"


@pytest.fixture
def raw_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the raw trace a tracer scrubs is copied on its way (``scrub_trace`` wrapped), with
    the requests of the HAR recorded beside it, if any, in its network log."""
    copy = tmp_path / "raw" / "trace.zip"
    copy.parent.mkdir()

    def scrub_keeping_the_raw_trace(source, target, secrets=(), har=None):
        shutil.copyfile(source, copy)
        if har is not None:
            with zipfile.ZipFile(copy, "w") as archive:
                for name, data in with_network(read_trace(source), har).items():
                    archive.writestr(name, data)
        return scrub_trace(source, target, secrets, har)

    monkeypatch.setattr(tracing, "scrub_trace", scrub_keeping_the_raw_trace)
    return copy


@allure.story("scrubbed traces")
@pytest.mark.enrollment
@pytest.mark.parametrize("detail", ["screencast", "actions"])
def test_a_first_access_trace_is_kept_scrubbed_and_its_raw_twin_is_caught(
    tmp_path, make_account, vault, fresh_page, raw_trace, detail
):
    """At the fullest detail, and at the monitors' default (``actions``: the network comes
    from a HAR recorded beside the trace)."""
    account = make_account()
    kept = tmp_path / "kept" / "traces" / "trace.zip"
    started = time.time()
    tracer = Tracer(kept, "on", detail=detail)
    expect_ok(enroll(fresh_page(), account, vault, trace=tracer))
    ended = time.time()
    uri = vault.get(account.base_url, account.cip).account.to_uri()
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    ledger = write_ledger(tmp_path / "ledger.jsonl", ("password", account.password), ("uri", uri))

    caught = scan_secrets(raw_trace.parent, ledger)
    assert caught.returncode == 1, caught.stdout + caught.stderr
    assert {"password", "TOTP code", "otpauth URI (QR code)"} <= {
        line.rsplit(": ", 1)[1] for line in caught.stdout.splitlines() if line[:5] == "FOUND"
    }
    clean = scan_secrets(kept.parent, ledger)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 finding(s)" in clean.stdout.splitlines()[-1]
    codes = codes_between(uri, started, ended)
    _assert_none_of(kept, [account.password, secret, grouped(secret), uri], codes)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    text = _values(kept).decode("utf-8", "replace")
    assert "«scrubbed: password»" in text and "«scrubbed: code»" in text
    assert "«scrubbed: cookie»" in text and account.cip in text  # the CIP is no secret
    assert tracer.report.removed["QR code"] >= 1
    assert tracer.report.painted >= 1 if detail == "screencast" else "screencast/" not in text
    with zipfile.ZipFile(kept) as archive:
        assert b'"method":"POST"' in archive.read(NETWORK_MEMBER).replace(b" ", b"")
    # The same scrub on the raw twin: what a caller of ``scrub_trace`` gets.
    again = scrub_trace(raw_trace, tmp_path / "again" / "trace.zip")  # no value given: shapes only
    assert again.removed["password"] >= 1 and again.removed["code"] >= 1
    _assert_none_of(tmp_path / "again" / "trace.zip", [account.password, secret, uri], codes)


@allure.story("scrubbed traces")
@pytest.mark.login
def test_retain_on_failure_keeps_only_a_failed_journey(
    tmp_path, enrolled_factory, vault, fresh_page
):
    account = enrolled_factory()
    passed = Tracer(tmp_path / "passed" / "trace.zip", "retain-on-failure")
    expect_ok(log_in(fresh_page(), account, vault, trace=passed))
    assert passed.kept is None and not (tmp_path / "passed" / "trace.zip").exists()
    wrong = account.__class__(account.base_url, account.cip, "Not-The-Passw0rd-9")
    shared = tmp_path / "failed"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)  # a folder others write to, such as /tmp
    failed = Tracer(shared / "trace.zip", "retain-on-failure")
    result = log_in(fresh_page(), wrong, vault, trace=failed)
    assert not result.ok and failed.kept == shared / "trace.zip"
    _assert_none_of(failed.kept, ["Not-The-Passw0rd-9", account.password], set())
    assert [p.name for p in shared.iterdir()] == ["trace.zip"]  # no raw left
    assert stat.S_IMODE(failed.kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777  # its folder's mode is left alone


def test_a_trace_mode_that_does_not_exist_is_one_clear_line(tmp_path):
    from reports.errors import InputError

    with pytest.raises(InputError, match="use one of off, on, retain-on-failure"):
        Tracer(tmp_path / "trace.zip", "always")


@allure.story("scrubbed traces")
@pytest.mark.enrollment
@pytest.mark.variants
def test_a_keycloak_first_access_trace_loses_the_hidden_and_the_shown_key(
    tmp_path, vault, fresh_page, raw_trace
):
    with running_sandbox({"THEME": "keycloak.v2"}, flavour="keycloak") as kc:
        account = TestAccount(kc.url, new_cip(), new_password(), DEVICE_NAME, builtin("keycloak"))
        kc.admin.create_account(account.cip, account.password)
        started = time.time()
        tracer = Tracer(tmp_path / "traces" / "trace.zip", "on")
        expect_ok(enroll(fresh_page(), account, vault, trace=tracer))
        ended = time.time()
    uri = vault.get(account.base_url, account.cip).account.to_uri()
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    hidden = to_raw(secret)  # what the hidden totpSecret input holds
    values = [account.password, secret, grouped(secret), hidden, uri]
    _assert_none_of(tracer.kept, values, codes_between(uri, started, ended))
    ledger = write_ledger(
        tmp_path / "ledger.jsonl", ("password", account.password), ("uri", uri), ("value", hidden)
    )
    done = scan_secrets(tracer.kept.parent, ledger)
    assert done.returncode == 0, done.stdout + done.stderr
    caught = scan_secrets(raw_trace.parent, ledger)
    found = {line.rsplit(": ", 1)[1] for line in caught.stdout.splitlines() if line[:5] == "FOUND"}
    assert {"password", "TOTP code", "otpauth URI (QR code)"} <= found, caught.stdout
    assert found & {"given value", "TOTP secret"}, caught.stdout  # the hidden key's own form
    assert tracer.report.removed["TOTP secret"] >= 1  # found by its shape alone


@allure.story("scrubbed traces")
@pytest.mark.enrollment
@pytest.mark.variants
def test_a_qr_served_as_an_image_of_its_own_is_replaced_and_its_frames_covered(
    tmp_path, make_account, vault, fresh_page, raw_trace
):
    account = make_account(qr="png")  # <img src="/qr.png">: a resource, not a data: URI
    tracer = Tracer(tmp_path / "traces" / "trace.zip", "on")
    expect_ok(enroll(fresh_page(), account, vault, trace=tracer))
    uri = vault.get(account.base_url, account.cip).account.to_uri()
    ledger = write_ledger(tmp_path / "ledger.jsonl", ("password", account.password), ("uri", uri))
    caught = scan_secrets(raw_trace.parent, ledger)
    assert "resources/" in caught.stdout and "(QR code)" in caught.stdout, caught.stdout
    done = scan_secrets(tracer.kept.parent, ledger)
    assert done.returncode == 0, done.stdout + done.stderr
