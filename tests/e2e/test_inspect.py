"""``python -m monitors inspect``: a portal seen without risk, as ops runs it (a process).

Each portal is a real server on loopback: the sandbox (its request log proves no form was
posted) or a small page whose script tries to post a form by itself.
"""

from __future__ import annotations

import io
import re
import stat
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import allure
import pytest
from PIL import Image

from bench.support.monitoring import free_port
from pages.profile import load
from sandbox import running_sandbox

pytestmark = [allure.feature("Inspection")]


def inspect(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitors", "inspect", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _posts(portal) -> list[dict]:
    return [r for r in portal.admin.requests() if r["method"] != "GET"]


def _private(folder: Path) -> None:
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_login_screen_is_recognised_and_nothing_is_posted(tmp_path):
    out = tmp_path / "inspection"
    with running_sandbox() as portal:
        portal.admin.create_account("INSPECT01", "Mot-de-passe-2024")
        done = inspect("--base-url", portal.url, "--out", str(out))
        assert done.returncode == 0, done.stdout + done.stderr
        assert _posts(portal) == [] and portal.admin.audit() == []
    assert done.stdout.startswith(f"login screen recognised on {portal.url}")
    assert sorted(p.name for p in out.iterdir()) == ["inspect.html", "inspect.md", "inspect.png"]
    _private(out)
    report = (out / "inspect.md").read_text(encoding="utf-8")
    assert "- screen recognised: the login page" in report
    assert "| `user_name` | user name (CIP) field | yes | textbox | Nom d'utilisateur (CIP) |" in (
        report
    )
    assert "| `password` | password field | yes | textbox | Mot de passe |" in report
    assert "| `login_button` | login button (« CONNEXION ») | yes | button | CONNEXION |" in report
    assert "| `qr` | QR code image | no |" in report
    assert '- textbox "Mot de passe"' in report and "0 request(s)" in report
    page = (out / "inspect.html").read_text(encoding="utf-8")
    assert "<td><code>user_name</code></td>" in page and "data:image/png;base64," in page
    image = Image.open(io.BytesIO((out / "inspect.png").read_bytes()))
    assert image.format == "PNG" and image.width >= 800


def test_an_unknown_wording_gets_candidate_names_that_make_a_working_profile(tmp_path):
    out = tmp_path / "inspection"
    with running_sandbox({"WORDING": "other"}) as portal:
        blind = inspect("--base-url", portal.url, "--out", str(out))
        assert blind.returncode == 1, blind.stdout + blind.stderr
        assert blind.stdout.startswith("no login screen recognised on")
        report = (out / "inspect.md").read_text(encoding="utf-8")
        assert "- screen recognised: none" in report
        block = re.search(r"```toml\n(.*?)```", report, re.S)
        assert block, report
        candidates = tomllib.loads(block.group(1))["elements"]
        assert candidates["user_name"]["names"] == ["Identifiant réseau", "Phrase secrète"]
        assert candidates["login_button"]["names"] == ["Entrer"]
        # What a person writes from the candidates: each element's own name.
        profile = tmp_path / "portail.toml"
        profile.write_text(
            'name = "Portail inspecté"\n'
            '[elements.user_name]\nnames = ["Identifiant réseau"]\n'
            '[elements.password]\nnames = ["Phrase secrète"]\n'
            '[elements.login_button]\nnames = ["Entrer"]\n',
            encoding="utf-8",
        )
        load(profile)  # a valid profile
        seen = inspect("--base-url", portal.url, "--profile", str(profile), "--out", str(out))
        assert seen.returncode == 0, seen.stdout + seen.stderr
        assert _posts(portal) == []


class _SelfPostingPage(BaseHTTPRequestHandler):
    """A login page whose script sends a beacon at once and posts its form once loaded."""

    posts: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = (
            b"<!doctype html><html lang=fr><title>Connexion</title><main><h1>Connexion</h1>"
            b"<form method=post action=/auto><label>Nom d'utilisateur (CIP) <input name=u></label>"
            b"<label>Mot de passe <input type=password name=p></label>"
            b"<button>CONNEXION</button></form>"
            b"<script>fetch('/beacon', {method: 'POST', body: 'x'});"
            b"addEventListener('load', () => document.forms[0].submit());</script></main></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.posts.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def self_posting_portal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SelfPostingPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_that_posts_by_itself_is_refused_before_anything_leaves(tmp_path):
    with self_posting_portal() as url:
        done = inspect("--base-url", url, "--out", str(tmp_path / "out"))
    assert _SelfPostingPage.posts == []
    assert done.returncode == 0, done.stdout + done.stderr
    report = (tmp_path / "out" / "inspect.md").read_text(encoding="utf-8")
    assert re.search(r"; [12] request\(s\) that would have sent data were refused", report)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--base-url", "ftp://portal", "--out", "{out}"], "http(s)"),
        (["--base-url", "http://127.0.0.1:9", "--out", "{out}", "--profile", "/none.toml"],
         "/none.toml: no such profile file"),
        (["--base-url", "http://127.0.0.1:9", "--out", "{file}"], "cannot write the folder"),
        (["--base-url", "http://127.0.0.1:9"], "--out"),
        (["--base-url", "http://127.0.0.1:9", "--out", "{out}", "--timeout", "0"], "--timeout"),
    ],
    ids=["bad-url", "missing-profile", "out-is-a-file", "no-out", "bad-timeout"],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(tmp_path, argv, message):
    (tmp_path / "a-file").write_text("x")
    paths = {"{out}": str(tmp_path / "out"), "{file}": str(tmp_path / "a-file")}
    done = inspect(*[paths.get(arg, arg) for arg in argv])
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreachable_portal_is_one_line_and_exit_1(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = inspect("--base-url", url, "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and "could not be reached" in done.stderr
