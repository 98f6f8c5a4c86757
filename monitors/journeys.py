"""Bind a monitor to its journey: one function of a Playwright page → ``JourneyResult``.

Monitors run ``later_login`` unless the config says ``first_access``. A later login needs an
active vault entry for the account; when there is none the monitor says so (enroll with
``python -m monitors enroll``) instead of enrolling behind ops' back: enrolling adds a device
to a real person's account. The journey itself starts through ``pages.journeys.run_journey``,
the one way in that tests and the journey CLI use too.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from pathlib import Path

from playwright.sync_api import Page

from monitors.config import Monitor
from monitors.grading import limits
from monitors.toml_reader import ConfigError
from pages.result import JourneyResult

JourneyFn = Callable[[Page], JourneyResult]


class SetupError(RuntimeError):
    """The probe cannot start (password unreadable, vault unusable): one line, no secret."""


def _authenticator_vault(path: Path | None):
    from authenticator import Vault, default_path

    return Vault(path or default_path())


class Binder:
    """Holds the vaults (one per path) and the journeys for the whole run."""

    def __init__(
        self,
        journeys: Mapping[str, Callable[..., JourneyResult]] | None = None,
        open_vault: Callable[[Path | None], object] | None = None,
    ) -> None:
        """Defaults: the registry of ``pages.journeys`` and ``authenticator.Vault``; a test of
        the runner's own logic passes a journey of its own and the vault it needs."""
        self._journeys = dict(journeys) if journeys is not None else None
        self._open_vault = open_vault or _authenticator_vault
        self._vaults: dict[Path | None, object] = {}

    def vault(self, monitor: Monitor):
        path = monitor.account.vault
        if path not in self._vaults:
            self._vaults[path] = self._open_vault(path)
        return self._vaults[path]

    def bind(self, monitor: Monitor) -> JourneyFn:
        """The journey with everything but the page filled in; reads the password now.

        Raises ``pages.journeys.NotEnrolled`` when a later login has no active secret.
        """
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
        from pages.account import Account
        from pages.journeys import NotEnrolled, run_journey

        config = monitor.account
        target = monitor.target
        account = Account(target.base_url, config.cip, config.password(), config.device_name,
                          after_login=monitor.after_login)  # fmt: skip
        if target.profile is not None:
            account = dataclasses.replace(account, profile=target.profile)
        vault = self.vault(monitor)
        if monitor.journey == "later_login":
            entry = vault.get(account.base_url, account.cip)
            if entry is None or entry.state != "active":
                state = "no entry" if entry is None else f"only a {entry.state} entry"
                vault_opt = f" --vault {config.vault}" if config.vault else ""
                raise NotEnrolled(
                    f"the vault has {state} for CIP {account.cip} on {account.base_url}; enroll "
                    f"it once: python -m monitors enroll --base-url {account.base_url} "
                    f"--cip {account.cip} --device-name '{account.device_name}'{vault_opt} "
                    "(password from EESPRESSO_PASSWORD or --password-file)"
                )
        return functools.partial(
            run_journey,
            monitor.journey,
            account=account,
            vault=vault,
            limits=limits(monitor),
            journeys=self._journeys,
        )
