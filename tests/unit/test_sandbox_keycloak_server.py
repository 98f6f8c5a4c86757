"""The Keycloak variant on real loopback sockets: two ports (two origins), the back channel
over HTTP and HTTPS, the CLI, and one-line configuration errors."""

from __future__ import annotations

import http.cookiejar
import re
import ssl
import subprocess
import sys
import urllib.request
from html import unescape
from urllib.parse import urlencode

import pyotp
import pytest

from sandbox import ConfigError, running_sandbox
from sandbox.keycloak.state import to_raw

PASSWORD = "Motdepasse-2024!"


class Browser:
    """Cookies and redirects across both origins, as a browser keeps them."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        handlers = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        self.url = ""

    def open(self, url: str, form: dict[str, str] | None = None) -> str:
        data = urlencode(form).encode() if form is not None else None
        with self.opener.open(url, data=data, timeout=10) as response:
            self.url = response.url
            return response.read().decode()


def _action(html: str, form_id: str) -> str:
    tag = html[html.rindex("<form", 0, html.index(f'id="{form_id}"')) :].split(">", 1)[0]
    return unescape(re.search(r'action="([^"]+)"', tag).group(1))


def _first_access(sb, browser: Browser, cip: str) -> str:
    sb.admin.create_account(cip, PASSWORD)
    login = browser.open(sb.url + "/")
    assert browser.url.startswith(sb.idp_url + "/realms/eespresso/protocol/openid-connect/auth")
    form = {"username": cip, "password": PASSWORD}
    setup = browser.open(sb.idp_url + _action(login, "kc-form-login"), form)
    secret = sb.admin.account(cip)["pending_secret"]
    form = {"totp": pyotp.TOTP(secret).now(), "totpSecret": to_raw(secret), "userLabel": "Tél"}
    return browser.open(sb.idp_url + _action(setup, "kc-totp-settings-form"), form)


def test_first_access_over_two_ports_ends_on_the_application_home():
    with running_sandbox(flavour="keycloak") as sb:
        assert sb.url != sb.idp_url and sb.admin.base_url == sb.idp_url
        browser = Browser()
        home = _first_access(sb, browser, "srv0001")
        assert browser.url == sb.url + "/accueil"
        assert "Vous avez maintenant accès à votre eEspresso." in home
        paths = [(r["method"], r["path"]) for r in sb.admin.requests()]
        assert ("POST", "/realms/eespresso/protocol/openid-connect/token") in paths
        assert ("GET", "/callback") in paths


def test_https_back_channel_trusts_the_identity_server_certificate():
    with running_sandbox(tls_days=2, flavour="keycloak") as sb:
        assert sb.url.startswith("https://") and sb.idp_url.startswith("https://")
        browser_context = ssl.create_default_context()
        browser_context.check_hostname = False  # the test browser: two self-signed servers
        browser_context.verify_mode = ssl.CERT_NONE
        browser = Browser(browser_context)
        assert "Vous avez maintenant accès" in _first_access(sb, browser, "srv0002")


def test_unknown_flavour_and_theme_are_one_line_errors():
    flavour = running_sandbox(flavour="okta")
    with pytest.raises(ConfigError, match="flavour must be one of eespresso, keycloak"):
        flavour.__enter__()
    theme = running_sandbox({"THEME": "base"}, flavour="keycloak")
    with pytest.raises(ConfigError, match="theme must be one of keycloak.v2, keycloak"):
        theme.__enter__()


def test_cli_serves_the_keycloak_flavour_with_a_demo_account():
    command = [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--flavour", "keycloak"]
    command += ["--locale", "en", "--demo-account"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split()[-1].rstrip("/")
        idp = process.stdout.readline().split()[-1]
        process.stdout.readline()  # admin token
        demo = process.stdout.readline().split()
        browser = Browser()
        login = browser.open(url + "/")
        assert browser.url.startswith(idp + "/protocol/openid-connect/auth")
        assert "Sign in to your account" in login
        form = {"username": demo[3], "password": demo[-1]}
        setup = browser.open(
            browser.url.split("/realms")[0] + _action(login, "kc-form-login"), form
        )
        assert 'alt="Figure: Barcode"' in setup
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
