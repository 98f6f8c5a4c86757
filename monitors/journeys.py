"""Bind a monitor to its journey: one function of a Playwright page → ``JourneyResult``.

Monitors run ``later_login`` unless the config says ``first_access``. A later login needs an
active vault entry for the account; when there is none the monitor says so (enroll with
``python -m monitors enroll``) instead of enrolling behind ops' back: enrolling adds a device
to a real person's account.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path

from playwright.sync_api import Page

from monitors.config import ConfigError, Monitor
from monitors.grading import limits
from pages.result import JourneyResult

JourneyFn = Callable[[Page], JourneyResult]


class NotEnrolled(RuntimeError):
    """The account has no active vault entry: a person must enroll it first."""


class SetupError(RuntimeError):
    """The probe cannot start (password unreadable, vault unusable): one line, no secret."""


def _pages_journeys() -> Mapping[str, Callable[..., JourneyResult]]:
    from pages import journeys  # lazily: the page objects pull in Playwright and pyzbar

    return {"later_login": journeys.later_login, "first_access": journeys.first_access}


def _authenticator_vault(path: Path | None):
    from authenticator import Vault, default_path

    return Vault(path or default_path())


class Binder:
    """Holds the vaults (one per path) and the journey functions for the whole run."""

    def __init__(
        self,
        journeys: Mapping[str, Callable[..., JourneyResult]] | None = None,
        open_vault: Callable[[Path | None], object] | None = None,
    ) -> None:
        """Defaults: the pages area's journeys and ``authenticator.Vault``; a test of the
        runner's own logic passes a real journey of its own and the vault it needs."""
        self._journeys = journeys
        self._open_vault = open_vault or _authenticator_vault
        self._vaults: dict[Path | None, object] = {}

    def vault(self, monitor: Monitor):
        path = monitor.account.vault
        if path not in self._vaults:
            self._vaults[path] = self._open_vault(path)
        return self._vaults[path]

    def bind(self, monitor: Monitor) -> JourneyFn:
        """The journey with everything but the page filled in; reads the password now."""
        try:
            return self._bind(monitor)
        except ConfigError as exc:
            raise SetupError(str(exc)) from None
        except Exception as exc:
            from authenticator import AuthenticatorError

            if isinstance(exc, AuthenticatorError):  # VaultError: wrong key, corrupt file...
                raise SetupError(f"vault: {str(exc).splitlines()[0]}") from None
            raise

    def _bind(self, monitor: Monitor) -> JourneyFn:
        journeys = self._journeys if self._journeys is not None else _pages_journeys()
        account, base_url = monitor.account, monitor.target.base_url
        vault = self.vault(monitor)
        kwargs = dict(
            base_url=base_url, cip=account.cip, password=account.password(), vault=vault,
            limits=limits(monitor),
        )  # fmt: skip
        if monitor.journey == "first_access":
            kwargs["device_name"] = account.device_name
        else:
            entry = vault.get(base_url, account.cip)
            if entry is None or entry.state != "active":
                state = "no entry" if entry is None else f"only a {entry.state} entry"
                vault_opt = f" --vault {account.vault}" if account.vault else ""
                raise NotEnrolled(
                    f"the vault has {state} for CIP {account.cip} on {base_url}; enroll it once: "
                    f"python -m monitors enroll --base-url {base_url} --cip {account.cip} "
                    f"--device-name '{account.device_name}'{vault_opt} (password from "
                    "EESPRESSO_PASSWORD or --password-file)"
                )
        return functools.partial(journeys[monitor.journey], **kwargs)
