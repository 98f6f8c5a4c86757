"""estimate_offset against a real HTTP server on loopback whose clock is shifted."""

from __future__ import annotations

import http.server
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from authenticator import Authenticator, ClockError, estimate_offset
from sandbox import running_sandbox


@contextmanager
def shifted_server(shift: float, *, date: bool = True, status: int = 200) -> Iterator[str]:
    """A stdlib HTTP server whose ``Date`` header is ``shift`` seconds off this machine."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
            self.send_response_only(status)
            if date:
                self.send_header("Date", self.date_time_string(time.time() + shift))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("shift", [0.0, 42.4, -95.7])
def test_offset_within_its_uncertainty(shift: float, caplog: pytest.LogCaptureFixture) -> None:
    with shifted_server(shift) as url:
        offset = estimate_offset(url, samples=5, timeout=2.0)
    assert abs(offset.seconds - shift) <= offset.uncertainty + 0.05
    assert offset.uncertainty <= 0.5  # five samples spread over a second beat the 1 s rounding
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert bool(warned) == (abs(shift) > 10)
    if warned:
        assert "fix NTP" in warned[0].getMessage()


def test_error_status_still_gives_the_date() -> None:
    with shifted_server(30.0, status=503) as url:
        assert estimate_offset(url, samples=2).seconds == pytest.approx(30.0, abs=1.0)


def test_no_date_header() -> None:
    with shifted_server(0.0, date=False) as url, pytest.raises(ClockError, match="no Date header"):
        estimate_offset(url, samples=1)


def test_unreachable_portal() -> None:
    with shifted_server(0.0) as url:
        pass  # closed: nothing listens on that port any more
    with pytest.raises(ClockError, match="cannot read the clock of http://127.0.0.1"):
        estimate_offset(url, samples=1, timeout=1.0)


def test_injected_clock_and_rounding() -> None:
    """With an injected clock the bounds are exact: Date 1000 seen at local 999.2..999.3."""
    with shifted_server(0.0) as url:
        times = iter([999.2, 999.3])
        offset = estimate_offset(url, samples=1, clock=lambda: next(times))
    # the server's real Date is now, far from the fake 999: only the interval logic matters
    assert offset.uncertainty == pytest.approx(0.55)


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_sees_the_sandbox_portal_clock_fault(tls: bool) -> None:
    """The stand-in portal with its clock_offset fault: the Date header carries the skew."""
    with running_sandbox(tls_days=30 if tls else None) as sandbox:
        sandbox.admin.set_faults(clock_offset=-75)
        offset = estimate_offset(sandbox.url, samples=3, cafile=sandbox.cert_file)
    assert abs(offset.seconds + 75) <= offset.uncertainty + 0.05


def test_phone_set_to_the_portal_clock(caplog: pytest.LogCaptureFixture) -> None:
    """Compensation: codes follow the portal's clock; without it the drift is only reported."""
    with shifted_server(-240.0) as url:
        synced = Authenticator.for_portal(url, samples=2, min_seconds_left=5)
        unsynced = Authenticator.for_portal(url, samples=2, compensate=False)
    assert synced.offset == pytest.approx(-240.0, abs=1.0) and synced.min_seconds_left == 5
    assert synced.now() == pytest.approx(time.time() - 240.0, abs=1.5)
    assert unsynced.offset == 0.0
    assert re.search(r"is -2(39|40)\.\d s \(±", caplog.text)


def test_missing_ca_file_is_a_clock_error(tmp_path: Path) -> None:
    with pytest.raises(ClockError, match="cannot use the CA file .*nowhere.pem"):
        estimate_offset("https://127.0.0.1:9", samples=1, cafile=tmp_path / "nowhere.pem")


@pytest.mark.parametrize("url", ["paierh.example", "ftp://paierh.example"])
def test_not_an_http_url(url: str) -> None:
    with pytest.raises(ClockError, match="is not an http\\(s\\) URL"):
        estimate_offset(url, samples=1)
