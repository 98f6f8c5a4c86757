"""The container image probes the portal the way a cluster runs it (deploy/Containerfile).

Built by ``make image`` from a base made of Debian packages (no registry is reachable here),
then run as its own non-root user with a read-only root filesystem and a tmpfs /tmp, every
capability dropped and the shipped seccomp profile, as the generated manifests ask: one
``monitors run --once`` against a sandbox on the host's loopback must pass, and neither the
password nor the TOTP secret may appear in what the container printed. Chromium in the image
keeps its own sandbox (``chrome://sandbox``: namespace sandbox and seccomp-BPF on); the profile
is what makes that possible with no capability, root is the one user without it.
"""

from __future__ import annotations

import pytest

from bench.support.container import (
    BUILD_TIMEOUT_S,
    CLUSTER_CONFINEMENT,
    IMAGE,
    built_image,
    image_user,
    podman,
    prepare,
    probe_in_container,
    sandbox_page,
)
from sandbox import running_sandbox

pytestmark = [pytest.mark.container, pytest.mark.timeout(BUILD_TIMEOUT_S + 600)]
PASSWORD = "Container-Horse-B4t"  # 14 to 20 characters, as the seed requires


@pytest.fixture(scope="module")
def image() -> str:
    return built_image(IMAGE)


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


def sandbox_status(page_text: str) -> dict[str, str]:
    """chrome://sandbox's table ("Layer 1 Sandbox\tNamespace", ...) as a dict."""
    rows = (line.split("\t", 1) for line in page_text.splitlines() if "\t" in line)
    return {name.strip(): value.strip() for name, value in rows}


SANDBOXED = {"Layer 1 Sandbox": "Namespace", "PID namespaces": "Yes",
             "Network namespaces": "Yes", "Seccomp-BPF sandbox": "Yes"}  # fmt: skip


@pytest.mark.parametrize(
    "confinement",
    [CLUSTER_CONFINEMENT, ()],
    ids=["no-capability-shipped-seccomp-profile", "podman-defaults"],
)
def test_chromium_keeps_its_sandbox_as_the_images_user(image, confinement):
    page = sandbox_page(*confinement, image=image)
    assert page.returncode == 0, page.stderr[-3000:]
    assert SANDBOXED.items() <= sandbox_status(page.stdout).items(), page.stdout
    assert "You are adequately sandboxed." in page.stdout


def test_with_no_capability_podmans_default_profile_denies_chromiums_chroot(image):
    """Why the profile is shipped: podman's default allows chroot only with CAP_SYS_CHROOT,
    which the manifests drop; Chromium then stops, in one line that says what to allow."""
    page = sandbox_page("--cap-drop", "ALL", "--security-opt", "no-new-privileges", image=image)
    assert page.returncode != 0 and page.stdout == ""
    (line,) = page.stderr.strip().splitlines()
    assert "could not start Chromium's sandbox (Check failed: sys_chroot(" in line
    assert "deploy/seccomp/eespresso-chromium.json" in line


def test_a_probe_whose_chromium_is_refused_its_sandbox_says_so(image, tmp_path):
    """The runner's record (history, alerts) names the cause, not "browser closed"."""
    with running_sandbox() as portal:
        prepare(tmp_path, portal, PASSWORD, "container-no-chroot")
        probe = probe_in_container(tmp_path, PASSWORD, image, confinement=("--cap-drop", "ALL"))
    assert probe.returncode == 1, probe.output[-3000:]
    (record,) = probe.records
    assert (record.status, record.cause) == ("failed", "probe_error"), record
    assert "Chromium's sandbox (Check failed: sys_chroot(" in record.error


def test_as_root_chromium_runs_without_its_sandbox(image):
    """Chromium refuses its sandbox as root: the launch drops it there and nowhere else."""
    page = sandbox_page("--user", "0", image=image)
    assert page.returncode == 0, page.stderr[-3000:]
    assert sandbox_status(page.stdout)["Layer 1 Sandbox"] == "None"
    assert "You are NOT adequately sandboxed." in page.stdout
