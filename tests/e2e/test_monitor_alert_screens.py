"""Alerts that show the failure: the masked failing screen next to the step's last success.

Real sandbox, real Chromium, real apprise: the alert goes through the ``json://`` channel to a
local HTTP receiver, which gets the two PNGs as attachments. Every image is checked with the
project's own QR scanner (nothing decodes) and the stored ones for their file modes.
"""

from __future__ import annotations

import base64
import io
import stat

import allure
import pytest
from PIL import Image

from authenticator import ScanError, Vault, scan
from bench.support.monitoring import receiver
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from pages.screens import EnrollmentPage, LoginPage
from sandbox import running_sandbox
from tests.fixtures.accounts import enroll, log_in
from tests.fixtures.monitoring import alerting_monitor

pytestmark = [pytest.mark.integration, allure.feature("Monitors"), allure.story("alerts")]
PASSWORD = "Correct-Horse-Batt1"  # 14 to 20 characters, as the seed requires
WRONG = "Wrong-Horse-Battery9"
MASK = (255, 0, 255)  # pages/masking.py paints secrets in this colour
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def portal():
    with running_sandbox() as running:
        yield running


def assert_no_qr(png: bytes) -> None:
    with pytest.raises(ScanError, match="no QR code found"):
        scan(png)


def has_mask(png: bytes) -> bool:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return MASK in {colour for _, colour in image.getcolors(maxcolors=1 << 24)}


def prober_for(portal, warm_browser, tmp_path, hook_port: int) -> tuple[Prober, object]:
    config, _ = alerting_monitor(portal, tmp_path, hook_port, "screens", PASSWORD,
                                 "EESPRESSO_SCREENS_PASSWORD", language="fr",
                                 report_url="https://ci.example/rapport/")  # fmt: skip
    return Prober(config, History(config.history), warm_browser, Binder()), config.monitors[0]


def test_refused_password_alert_shows_the_failing_screen_next_to_the_last_success(
    portal, warm_browser, tmp_path, monkeypatch
):
    monkeypatch.setenv("EESPRESSO_SCREENS_PASSWORD", PASSWORD)
    with receiver() as hook:
        prober, monitor = prober_for(portal, warm_browser, tmp_path, hook.port)
        try:
            assert prober.probe(monitor).record.status == "ok"
            folder = prober.screens.folder / monitor.id
            kept = {path.name: path for path in folder.iterdir()}
            assert sorted(kept) == ["code.png", "home.png", "login.png", "logout.png", "open.png"]
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            assert stat.S_IMODE(prober.screens.folder.stat().st_mode) == 0o700
            assert {stat.S_IMODE(p.stat().st_mode) for p in kept.values()} == {0o600}
            last_login = kept["login.png"].read_bytes()
            taken_at = {name: path.stat().st_mtime_ns for name, path in kept.items()}
            monkeypatch.setenv("EESPRESSO_SCREENS_PASSWORD", WRONG)  # read at each probe
            assert prober.probe(monitor).record.cause == "credentials_rejected"
            bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=30)
            # Screens just kept are not taken again: only the failing step's was.
            assert {name: path.stat().st_mtime_ns for name, path in kept.items()} == taken_at
        finally:
            prober.history.close()
    assert len(bodies) == 1
    alert = bodies[0]
    assert alert["title"] == f"[eEspresso] PANNE screens{NBSP}: Mot de passe refusé"
    for needed in (
        f"Que faire{NBSP}: Le portail refuse le mot de passe du compte de surveillance{NBSP}:",
        f"Étape en échec{NBSP}: Étape 2",
        f"Rapport{NBSP}: https://ci.example/rapport/",
        "echec-login.png (écran de l'échec) et derniere-reussite-login.png (dernière réussite",
    ):
        assert needed in alert["message"], alert["message"]
    files = alert["attachments"]
    assert [(f["filename"], f["mimetype"]) for f in files] == [
        ("echec-login.png", "image/png"), ("derniere-reussite-login.png", "image/png")]  # fmt: skip
    failing, last_success = (base64.b64decode(f["base64"]) for f in files)
    assert last_success == last_login  # the stored success of that step, not overwritten
    assert failing != last_success
    for png in (failing, last_success):
        assert Image.open(io.BytesIO(png)).format == "PNG"
        assert_no_qr(png)
    assert has_mask(failing)  # the login form's password field, painted over
    allure.attach(failing, "echec-login.png", allure.attachment_type.PNG)
    allure.attach(last_success, "derniere-reussite-login.png", allure.attachment_type.PNG)
    assert PASSWORD not in str(bodies) and WRONG not in str(bodies)


@pytest.mark.enrollment
def test_first_access_screens_hide_the_qr(page, fresh_page, make_account, tmp_path):
    """The QR is on screen after the login and scan steps; the captured screens never show it."""
    account = make_account()
    result = enroll(page, account, Vault(tmp_path / "vault"), screenshots="every step")
    assert result.ok, result.error
    assert list(result.screens) == list(result.steps)  # one per step, in order
    for png in result.screens.values():
        assert_no_qr(png)
    assert has_mask(result.screens["scan"])
    # The scanner does find the QR in an unmasked screenshot of the same screen.
    other, control = make_account(), fresh_page()
    screen = LoginPage.open(control, other.base_url).login(other.cip, other.password)
    assert isinstance(screen, EnrollmentPage)
    assert scan(control.screenshot(full_page=True)).account == other.cip


def test_journeys_keep_no_screen_unless_asked(page, enrolled, vault):
    result = log_in(page, enrolled, vault)
    assert result.ok and result.screens == {}
