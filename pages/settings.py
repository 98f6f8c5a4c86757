"""The suite's one frozen settings object (docs/design.md, "Code").

Order: command line, then environment, then default. The password never comes from the
command line (argv is visible to every user of the machine in ``ps``): it comes from
``EESPRESSO_PASSWORD`` or from a file. The repr hides it; ``describe()`` is the non-secret part
that pytest's report header and the CLI print.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from authenticator import VaultError, default_path, normalise_base_url
from pages.profile import Profile, ProfileError
from pages.profile import default as default_profile
from pages.profile import load as load_profile

GUARD_ENV = "EESPRESSO_GUARD"  # authenticator.guard.PATH_ENV
GUARD_FILE = "guard.sqlite"
PASSWORD_ENV = "EESPRESSO_PASSWORD"
CIP_ENV = "EESPRESSO_CIP"
BASE_URL_ENV = "PYTEST_BASE_URL"


class SettingsError(ValueError):
    """A configuration problem; the message is one line that says what to do."""


def read_password(
    env: Mapping[str, str],
    password_file: str | os.PathLike[str] | None,
    variable: str = PASSWORD_ENV,
) -> str:
    """The password from ``password_file`` if given, else from the variable ``variable``.

    The one reader of passwords: the suite, the journey CLI and the probes' accounts. Only the
    line ending is stripped from a file, so a password may end with a space.
    """
    if password_file:
        path = Path(password_file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise SettingsError(f"cannot read the password file {path}: {reason}") from None
        password = text.rstrip("\r\n")
        if not password:
            raise SettingsError(f"the password file {path} is empty")
        return password
    password = env.get(variable, "")
    if not password:
        raise SettingsError(
            f"no password: {variable} is empty or unset; export it or use a password file "
            "(never on argv)"
        )
    return password


def guard_path(
    explicit: str | os.PathLike[str] | None,
    vault: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None = None,
) -> Path | None:
    """Where the account guard keeps its records: ``explicit`` (``--guard``, ``[guard] path``),
    else ``$EESPRESSO_GUARD``, else beside the vault the user named (``--vault``), so a vault
    kept in a folder of its own keeps the lockout budget of its accounts with it; None: the
    guard's default, beside the default vault."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get(GUARD_ENV):
        return Path(env[GUARD_ENV])
    return Path(vault).with_name(GUARD_FILE) if vault else None


@dataclass(frozen=True)
class Settings:
    """Where the suite points and with which account; ``base_url=None`` means the sandbox."""

    base_url: str | None = None
    cip: str | None = None
    password: str | None = field(default=None, repr=False)
    vault_path: Path = field(default_factory=default_path)
    allow_enrollment: bool = False
    profile: Profile = field(default_factory=default_profile)  # the portal's wording

    @classmethod
    def from_sources(
        cls, cli: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Merge command-line values (None = not given) over the environment and defaults."""
        cli = cli or {}
        env = os.environ if env is None else env
        base_url = cli.get("base_url") or env.get(BASE_URL_ENV) or None
        if base_url:
            try:
                base_url = normalise_base_url(str(base_url))
            except VaultError as error:
                raise SettingsError(
                    f"{error}; pass e.g. --base-url https://portal.example"
                ) from None
        vault = cli.get("vault") or None
        profile_path = cli.get("profile") or None
        try:
            profile = load_profile(str(profile_path)) if profile_path else default_profile()
        except ProfileError as error:
            raise SettingsError(f"portal profile: {error}") from None
        return cls(
            base_url=base_url,
            cip=str(cli.get("cip") or env.get(CIP_ENV) or "") or None,
            password=env.get(PASSWORD_ENV) or None,
            vault_path=Path(str(vault)) if vault else default_path(),
            allow_enrollment=bool(cli.get("allow_enrollment")),
            profile=profile,
        )

    @property
    def is_sandbox(self) -> bool:
        return self.base_url is None

    def describe(self) -> str:
        """One line for humans, without any secret."""
        profile = f"; profile: {self.profile.name} ({self.profile.source})"
        if self.is_sandbox:
            return "target: embedded sandbox (started on 127.0.0.1, port 0)" + profile
        password = "set" if self.password else f"missing ({PASSWORD_ENV})"
        return (
            f"target: {self.base_url}; CIP: {self.cip or f'missing ({CIP_ENV})'}; "
            f"password: {password}; vault: {self.vault_path}; "
            f"enrollment: {'allowed' if self.allow_enrollment else 'refused'}{profile}"
        )
