"""The container image probes the portal the way a cluster runs it (deploy/Containerfile).

Built by ``make image`` from a base made of Debian packages (no registry is reachable here),
then run as its own non-root user with a read-only root filesystem and a tmpfs /tmp: one
``monitors run --once`` against a sandbox on the host's loopback must pass, and neither the
password nor the TOTP secret may appear in what the container printed.
"""

from __future__ import annotations

import pytest

from sandbox import running_sandbox
from tests.fixtures.container import (
    BUILD_TIMEOUT_S,
    IMAGE,
    build_image,
    image_user,
    podman,
    prepare,
    probe_in_container,
)

pytestmark = [pytest.mark.container, pytest.mark.timeout(BUILD_TIMEOUT_S + 600)]
PASSWORD = "Container-Horse-B4t"  # 14 to 20 characters, as the seed requires


@pytest.fixture(scope="module")
def image() -> str:
    build_image(IMAGE)
    return IMAGE


def test_image_runs_as_an_ordinary_user(image):
    user = image_user(image)
    assert user and not user.startswith(("0", "root")), user


def test_root_filesystem_is_read_only_in_the_probe_settings(image):
    done = podman("run", "--rm", "--read-only", "--tmpfs", "/tmp", "--entrypoint", "sh", image,
                  "-c", "touch /opt/eespresso/x 2>&1; touch /tmp/x && id -u")  # fmt: skip
    assert "Read-only file system" in done.stdout, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "10001"


def test_one_probe_passes_inside_the_container(image, tmp_path):
    with running_sandbox() as portal:
        secret = prepare(tmp_path, portal, PASSWORD, "container-later-login")
        probe = probe_in_container(tmp_path, PASSWORD, image)
    assert probe.returncode == 0, probe.output[-3000:]
    assert [(r.monitor_id, r.status) for r in probe.records] == [("container-later-login", "ok")]
    assert set(probe.records[0].steps) >= {"open", "login", "code", "home"}
    assert PASSWORD not in probe.output
    assert secret not in probe.output
