"""monitors.toml: the probe location (``[probe] name``) and the up-check interval (``up_every``)."""

from __future__ import annotations

import pytest

from bench.support.monitoring import write_config
from monitors.__main__ import main
from monitors.config import default_probe_name
from monitors.config_file import load
from monitors.toml_reader import ConfigError
from tests.fixtures.monitoring import simple_config


def config(tmp_path, monitor: dict | None = None, target: dict | None = None, **top):
    tables = {
        "targets.t": {"base_url": "https://portal.example", **(target or {})},
        "accounts.a": {"cip": "C1", "password_env": "EESPRESSO_TEST_PASSWORD"},
        **top,
    }
    monitor = {"id": "m", "target": "t", "account": "a", "every": "5m", **(monitor or {})}
    return write_config(tmp_path / "monitors.toml", tables, [monitor])


def test_probe_name_defaults_to_the_host_name(tmp_path):
    assert load(config(tmp_path)).probe.name == default_probe_name()


def test_probe_name_from_the_file(tmp_path):
    assert load(config(tmp_path, probe={"name": "chus-interne"})).probe.name == "chus-interne"


@pytest.mark.parametrize("name", ["", "chus interne", "-lead", "a" * 64, 'x"y', "é"])
def test_probe_name_must_be_label_safe(tmp_path, name):
    with pytest.raises(ConfigError, match=r"probe\.name: .*letters, digits"):
        load(config(tmp_path, probe={"name": name}))


def test_probe_table_rejects_unknown_keys(tmp_path):
    with pytest.raises(ConfigError, match=r"probe\.region: unknown key"):
        load(config(tmp_path, probe={"name": "a", "region": "estrie"}))


def test_up_every_defaults_to_15_seconds(tmp_path):
    monitor = load(config(tmp_path)).monitors[0]
    assert monitor.up_every_s == 15 and monitor.target.up_every_s == 15


def test_up_every_per_target_and_per_monitor(tmp_path):
    assert load(config(tmp_path, target={"up_every": "30s"})).monitors[0].up_every_s == 30
    monitor = load(config(tmp_path, {"up_every": "1m"}, {"up_every": "30s"})).monitors[0]
    assert monitor.up_every_s == 60  # the monitor's own key wins
    assert load(config(tmp_path, {"up_every": False})).monitors[0].up_every_s is None
    assert load(config(tmp_path, target={"up_every": False})).monitors[0].up_every_s is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2s", "under 5 s; raise it"), (1, "under 5 s"), ("soon", "is not a duration"),
     (True, "expected str or int or float")],
)  # fmt: skip
def test_up_every_is_bounded(tmp_path, value, expected):
    with pytest.raises(ConfigError, match=rf"monitors\[0\]\.up_every: .*{expected}"):
        load(config(tmp_path, {"up_every": value}))


def test_cli_reports_a_bad_probe_name_in_one_line(tmp_path, capsys):
    path = simple_config(tmp_path / "monitors.toml", [{"id": "m", "every": "5m"}])
    path.write_text(path.read_text() + '[probe]\nname = "chus interne"\n')
    assert main(["status", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "probe.name" in err and "Traceback" not in err
