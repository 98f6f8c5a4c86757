"""Which Chromium the suite drives, and with which flags."""

import os

import pytest

from pages import browser


def test_explicit_path_wins(tmp_path, monkeypatch):
    exe = tmp_path / "chrome"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv(browser.ENV_VAR, str(exe))
    assert browser.chromium_executable() == str(exe)


def test_explicit_path_that_is_not_executable_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(browser.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(browser.BrowserNotFound, match="fix or unset it"):
        browser.chromium_executable()


def test_a_headless_launch_takes_the_headless_shell_and_a_headed_one_the_browser(
    tmp_path, monkeypatch
):
    """Playwright's own browsers first (a headless shell for a headless launch), then the
    system's: the headless shell exists only for headless runs."""
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    shell = tmp_path / "chromium_headless_shell-1200" / "chrome-linux" / "headless_shell"
    full = tmp_path / "chromium-1200" / "chrome-linux" / "chrome"
    for exe in (shell, full):
        exe.parent.mkdir(parents=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    assert browser.chromium_executable() == str(shell)
    assert browser.chromium_executable(headless=False) == str(full)
    shell.unlink()
    assert browser.chromium_executable() == str(full)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    system = browser.chromium_executable()
    assert system in (*browser.HEADLESS_SHELLS, *browser.SYSTEM_CANDIDATES)
    assert browser.chromium_executable(headless=False) in browser.SYSTEM_CANDIDATES
    # On our machines (make test installs it), headless runs take Debian's headless shell.
    assert system == browser.HEADLESS_SHELLS[0]


def test_launch_args_quiet_chromium_and_no_sandbox_only_as_root(monkeypatch):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    args = browser.launch_args(extra={"args": ["--lang=fr-CA"]})
    assert set(browser.QUIET_FLAGS) <= set(args["args"])
    assert args["args"][-1] == "--lang=fr-CA"
    # Playwright adds --no-sandbox itself unless chromium_sandbox is true: it must be asked
    # for by every user but root (tests/e2e/test_container_image.py reads chrome://sandbox).
    assert args["chromium_sandbox"] is (os.geteuid() != 0)
    assert "--no-sandbox" not in args["args"]
    assert os.access(args["executable_path"], os.X_OK)


@pytest.mark.parametrize(
    "url", ["http://host:3000/", "ws://", "ws://[::1", "ws://host:99999/", "wss://host:0/", ""]
)
def test_a_browser_server_url_must_be_ws_with_a_host(url):
    with pytest.raises(ValueError, match="ws:// or wss://"):
        browser.check_ws_endpoint(url)


def test_remote_failures_are_one_line_without_the_endpoints_path():
    mismatch = (
        "BrowserType.connect: WebSocket error: 428 Precondition Required\n"
        "║ Playwright version mismatch: ║\n║   - server version: v1.64 ║\n"
        "║   - client version: v1.65 ║"
    )
    endpoint = "ws://127.0.0.1:3000/secret-token"
    said = browser.remote_failure(endpoint, mismatch)
    assert said == (
        "the browser server at ws://127.0.0.1:3000 runs Playwright 1.64 and this suite 1.65: "
        "run a server of the same major.minor version"
    )
    refused = browser.remote_failure(endpoint, "WebSocket error: connect ECONNREFUSED 127.0.0.1")
    assert refused.startswith("no browser server answers at ws://127.0.0.1:3000")
    for text in (said, refused, browser.remote_failure(endpoint, "\n\nodd\nmore")):
        assert "\n" not in text and "secret-token" not in text


# Playwright's error when the platform refuses Chromium's sandbox, as read in the image under
# podman (tests/e2e/test_container_image.py): no chroot, then no user namespace.
_ZYGOTE = "[pid=19][err] [19:19:1206/151850.079940:FATAL:content/browser/zygote_host/"
_NO_CHROOT = (
    "BrowserType.launch: Target page, context or browser has been closed\nBrowser logs:\n\n"
    "<launched> pid=19\n"
    '[pid=19][err] Check failed: sys_chroot("/proc/self/fdinfo/") == 0\n'
    f"{_ZYGOTE}zygote_host_impl_linux.cc:254] Failed to receive hello message from zygote"
)
_NO_USER_NAMESPACE = (
    "BrowserType.launch: Target page, context or browser has been closed\nBrowser logs:\n"
    "Chromium sandboxing failed!\nCall log:\n"
    f"  - {_ZYGOTE}zygote_host_impl_linux.cc:130] No usable sandbox! If this is a Debian "
    "system, please install the chromium-sandbox package"
)


@pytest.mark.parametrize(
    "message, cause",
    [(_NO_CHROOT, 'sys_chroot("/proc/self/fdinfo/")'), (_NO_USER_NAMESPACE, "No usable sandbox!")],
)
def test_a_refused_sandbox_is_one_line_that_says_what_to_allow(message, cause):
    line = browser.start_failure(message)
    assert cause in line and "deploy/seccomp/eespresso-chromium.json" in line
    assert "\n" not in line


def test_any_other_start_failure_keeps_playwrights_first_line():
    line = browser.start_failure("BrowserType.launch: no display\nmore")
    assert line == "could not start Chromium: BrowserType.launch: no display"
