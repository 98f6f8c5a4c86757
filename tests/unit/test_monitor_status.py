"""`python -m monitors status|resume|run` as a person meets them: numbers, page, errors."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from matplotlib import dates as mdates

from monitors.config_file import load
from monitors.history import History
from monitors.status import STRIP_DAYS, expiry_text, summarise
from monitors.status_page import BANDS, NO_DATA, cell_colour, durations_figure, uptime_strip
from tests.fixtures.monitor_history import DAY, seeded_config
from tests.fixtures.monitoring import probe_record, simple_config

ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitors", *argv], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env=env)  # fmt: skip


def write(tmp_path: Path) -> Path:
    return simple_config(tmp_path / "monitors.toml", [{"id": "login-a", "every": "1m"}],
                         cip="PROBE0001", password_env="EESPRESSO_STATUS_TEST_PASSWORD",
                         history="history.sqlite")  # fmt: skip


def seeded(tmp_path: Path, language: str = "fr") -> Path:
    return seeded_config(tmp_path, language)


def test_summary_numbers(tmp_path):
    summary = summarise(load(seeded(tmp_path)))
    status = summary.monitors[0]
    assert status.uptime_24h == 80.0
    assert status.uptime_7d == 100.0 * 68 / 70
    assert status.uptime_90d == 100.0 * 73 / 80  # and a bad day, 20 days ago: 5 of 10 up
    assert status.probes_7d == 70
    # 6 x (10, 20, ..., 100) and 10 x 20: the 35th and 36th of 70 sorted values are 50.
    assert status.steps["open"] == (50.0, 100.0)
    assert status.steps["login"][0] == 50.0
    # Web vitals of the 60 days-ago probes (LCP 200, 210... 290 ms each day): p50 per step.
    assert status.vitals == {"lcp_ms": {"open": 245.0}, "ttfb_ms": {"open": 30.0}}
    assert status.paused[1] == "3 unproven submissions in 15 min; last: credentials_rejected"
    assert status.expiries["tls"] > summary.generated_at
    assert [inc.cause for inc in summary.incidents] == ["unreachable"]


def test_ninety_days_one_cell_per_day_with_days_without_data(tmp_path):
    # The last noon (UTC): each seeded day's probes, up to 90 min apart, fall on one day.
    now = (time.time() - DAY / 2) // DAY * DAY + DAY / 2
    summary = summarise(load(seeded_config(tmp_path, "fr", now=now)), now=now)
    days = summary.monitors[0].days
    assert len(days) == STRIP_DAYS and days[-1][0] == int(now // 86400)
    assert [d[0] for d in days] == list(range(days[0][0], days[0][0] + STRIP_DAYS))
    by_age = {int(now // 86400) - day: (probes, up) for day, probes, up, _ in days}
    assert by_age[20] == (10, 5) and by_age[3] == (10, 10) and by_age[50] == (0, 0)
    strip = uptime_strip(summary.monitors[0], "fr")
    assert strip.count("<rect") == STRIP_DAYS
    assert strip.count(f"fill='{NO_DATA}'") == sum(1 for d in days if d[1] == 0)
    assert "aucune donnée" in strip and "50,0\u00a0% (10 sondes)" in strip


@pytest.mark.parametrize(
    ("probes", "up", "colour"),
    [(0, 0, NO_DATA), (10, 10, BANDS[0][1]), (200, 199, BANDS[1][1]), (100, 96, BANDS[2][1]),
     (10, 5, BANDS[3][1])],
)  # fmt: skip
def test_a_day_is_coloured_by_its_uptime(probes, up, colour):
    assert cell_colour(probes, up) == colour


def test_time_axis_fits_one_hour_of_data(tmp_path):
    """One hour of probes spans about an hour, not years (matplotlib's default for dates)."""
    summary = summarise(load(seeded(tmp_path)))
    figure = durations_figure(summary.monitors[0], "fr")
    low, high = (mdates.num2date(x) for x in figure.axes[0].get_xlim())
    assert timedelta(minutes=50) < high - low < timedelta(hours=2)
    figure.canvas.draw()  # tick labels exist once drawn
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d\d:\d\d", label) for label in labels), labels
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == ["Ouverture", "Connexion", "Code", "sonde en échec"]


def test_time_axis_of_a_single_probe_and_of_no_probe(tmp_path):
    path = write(tmp_path)
    with History(load(path).history) as history:
        history.record(probe_record(monitor_id="login-a", started_at=time.time() - 60,
                                    steps={"open": 12.0}))  # fmt: skip
    status = summarise(load(path)).monitors[0]
    low, high = (mdates.num2date(x) for x in durations_figure(status, "en").axes[0].get_xlim())
    assert timedelta(minutes=5) <= high - low <= timedelta(minutes=15)
    status.recent = []
    assert durations_figure(status, "en") is None


def test_expiry_dates_in_words(tmp_path):
    now = time.time()
    config = load(seeded(tmp_path))
    with History(config.history) as history:
        history.set_expiry("login-a", "password", now + 10.5 * 86400, at=now)
    status = summarise(config, now=now).monitors[0]
    assert expiry_text(status, "password", now, "fr").endswith("(dans 10 jours)")
    assert expiry_text(status, "tls", now, "en").endswith("(in 23 days)")
    assert expiry_text(status, "tls", now + 30 * 86400, "fr").startswith("expiré depuis le ")
    status.https = False
    assert expiry_text(status, "tls", now, "en") == "n/a (http target)"


TEXT = {
    "fr": [r"login-a\s+80,0\u00a0%\s+97,1\u00a0%\s+91,2\u00a0%\s+70\s+en échec le ",
           "EN PAUSE\u00a0: La sonde est en pause pour protéger le compte du verrouillage",
           "«\u00a0python -m monitors resume login-a\u00a0»",
           r"Ouverture\s+p50\s+50 ms\s+p95\s+100 ms",
           "certificat TLS\u00a0: expire le .* \\(dans 23 jours\\)",
           "mot de passe\u00a0: inconnue \\(pas encore relevée\\)", "incidents ouverts\u00a0:",
           "login-a\u00a0: Portail injoignable depuis .* \\(\\d+ min\\), 2 sondes en échec",
           "que faire\u00a0: Le portail ne répond pas à son adresse\u00a0: vérifiez",
           "page d'état écrite dans .*status.html"],
    "en": [r"login-a\s+80\.0%\s+97\.1%\s+91\.2%\s+70\s+failed at ",
           "PAUSED: The monitor is paused to protect the account from lockout",
           "'python -m monitors resume login-a'", r"Open\s+p50\s+50 ms\s+p95\s+100 ms",
           r"TLS certificate: expires on .* \(in 23 days\)",
           r"password: unknown \(not reported yet\)", "open incidents:",
           r"login-a: Portal unreachable since .* \(\d+ min\), 2 failed probes",
           "what to do: The portal does not answer at its address: check",
           "status page written to .*status.html"],
}  # fmt: skip
PAGE = {
    "fr": ["<html lang='fr-CA'>", "État des sondes eEspresso", "Incidents ouverts",
           "Portail injoignable", "Comptes en pause", "Disponibilité par jour, 90 derniers jours",
           "Durée par étape, dernières 24 h", "expire le", "inconnue (pas encore relevée)",
           "Rapport détaillé"],
    "en": ["<html lang='en'>", "eEspresso monitors status", "Open incidents", "Portal unreachable",
           "Paused accounts", "Uptime per day, last 90 days", "Duration per step, last 24 h",
           "expires on", "unknown (not reported yet)", "Detailed report"],
}  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "en"])
def test_status_command_text_and_offline_html(tmp_path, language):
    path = seeded(tmp_path, language)
    page = tmp_path / "status.html"
    done = cli("status", "--config", str(path), "--html", str(page))
    assert done.returncode == 0, done.stderr
    for pattern in TEXT[language]:
        assert re.search(pattern, done.stdout), (pattern, done.stdout)
    html = page.read_text()
    for needed in PAGE[language]:
        assert needed in html, needed
    assert html.count("src='data:image/png;base64,") == 1
    assert "<th scope='col'>LCP p50 (ms)</th><th scope='col'>TTFB p50 (ms)</th>" in html
    assert re.search(r"<td>50</td><td>100</td><td>245</td><td>30</td></tr>", html)  # open
    assert re.search(r"<td>-</td><td>-</td></tr>", html)  # login: no vitals measured
    assert html.count("<svg") == 1 and "http-equiv='refresh'" not in html  # a file: no reload
    assert "default-src 'none'; img-src data:" in html  # the browser may fetch nothing else
    assert not re.search(
        r"(src|href)=['\"]?(https?:|//)", html.replace("href='https://ci.example/report/'", "")
    )  # only the report link points outside


def test_resume_command_goes_through_the_guard_and_is_logged(tmp_path):
    path = seeded(tmp_path)
    config = load(path)
    done = cli("resume", "login-a", "--config", str(path), "--note", "password rotated")
    assert done.returncode == 0 and "https://127.0.0.1:9 PROBE0001 resumed" in done.stdout
    assert "resumed by" in done.stderr  # the guard's log line
    guard = config.guard.open()
    assert not guard.status(config.monitors[0].identity).paused
    ((_, event, by, detail),) = guard.journal(config.monitors[0].identity)[-1:]
    assert event == "resumed" and by and detail.startswith("password rotated (was: 3 unproven")
    again = cli("resume", "login-a", "--config", str(path))
    assert again.returncode == 0 and "was not paused" in again.stdout
    unknown = cli("resume", "nope", "--config", str(path))
    assert unknown.returncode == 2 and "known ids: login-a" in unknown.stderr


def test_resume_by_account_without_a_config(tmp_path):
    """Another spelling of the URL and CIP reaches the same account (the journey CLI's hint)."""
    config = load(seeded(tmp_path))
    done = cli("resume", "--base-url", "HTTPS://127.0.0.1:9/", "--cip", "probe0001")
    assert done.returncode == 0, done.stderr
    assert not config.guard.open().status(config.monitors[0].identity).paused


def test_user_errors_are_one_line_without_traceback(tmp_path):
    path = write(tmp_path)
    env = {k: v for k, v in __import__("os").environ.items()
           if k != "EESPRESSO_STATUS_TEST_PASSWORD"}  # fmt: skip
    for argv, expected in [
        (("run", "--config", str(tmp_path / "missing.toml")), "no such file"),
        (("run", "--config", str(path)), "EESPRESSO_STATUS_TEST_PASSWORD is empty or unset"),
    ]:
        done = cli(*argv, env=env)
        assert done.returncode == 2
        assert expected in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


BAD_CONFIGS = {
    "every nan": ('every = "1m"', "every = nan", "every: a duration must be positive"),
    "every 1ms": ('every = "1m"', 'every = "1ms"', "every: '1ms' is out of range"),
    "timeout inf": ('every = "1m"', 'every = "1m"\ntimeout = inf', "timeout: a duration"),
    "ipv6": ("http://127.0.0.1:9", "http://[::1", "does not parse (Invalid IPv6 URL)"),
    "port": ("http://127.0.0.1:9", "http://127.0.0.1:99999", "Port out of range"),
    "credentials": ("http://127.0.0.1:9", "http://ops:Hunter2-Pass@h", "holds credentials"),
    "unknown key": ("[[monitors]]", "[metrics]\nprot = 1\n[[monitors]]", "metrics.prot: unknown"),
}


@pytest.mark.parametrize(
    ("command", "case"),
    [("run", case) for case in BAD_CONFIGS]
    + [(command, case) for command in ("status", "resume") for case in ("every nan", "ipv6",
                                                                          "credentials")],
)  # fmt: skip
def test_bad_configs_are_one_line_and_exit_2(tmp_path, command, case):
    old, new, expected = BAD_CONFIGS[case]
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    argv = [command, "--config", str(path)] + (["login-a"] if command == "resume" else [])
    done = cli(*argv)
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert expected in done.stderr
    assert "Hunter2" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run"], "the following arguments are required: --config (see --help)"),
        (["status", "--config"], "expected one argument"),
        (["resume"], "resume takes a monitor ID and --config, or --base-url and --cip"),
        (["resume", "--base-url", "http://[::1", "--cip", "C1"], "does not parse"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_command_lines_are_one_line_and_exit_2(argv, expected):
    done = cli(*argv)
    assert done.returncode == 2 and expected in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_bad_files_are_one_line_and_exit_2(tmp_path):
    path = write(tmp_path)
    (tmp_path / "history.sqlite").write_bytes(b"garbage, not SQLite" * 200)
    done = cli("status", "--config", str(path))
    assert done.returncode == 2 and "history" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "history.sqlite").unlink()
    latin = tmp_path / "latin.toml"
    latin.write_bytes(path.read_bytes() + "# café\n".encode("latin-1"))
    for command in ("run", "status"):
        done = cli(command, "--config", str(latin))
        assert done.returncode == 2 and "not UTF-8 text" in done.stderr
        assert "Traceback" not in done.stderr
