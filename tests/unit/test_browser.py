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


def test_launch_args_quiet_chromium_and_no_sandbox_only_as_root(monkeypatch):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    args = browser.launch_args(extra={"args": ["--lang=fr-CA"]})
    assert set(browser.QUIET_FLAGS) <= set(args["args"])
    assert args["args"][-1] == "--lang=fr-CA"
    assert ("--no-sandbox" in args["args"]) == (os.geteuid() == 0)
    assert os.access(args["executable_path"], os.X_OK)
