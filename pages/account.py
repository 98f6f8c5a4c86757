"""The account a journey logs in with: one value for tests, the CLI, the probes and benchmarks.

The base URL arrives normalised (scheme and host lower case, default port and trailing slash
dropped: ``authenticator.normalise_base_url``): each entry point normalises it where it reads
it, and says there in one line what is wrong with it (the suite's settings, the monitors file,
the journey CLI), so the vault, the history and the reports name one portal one way however
the URL was written. The account also carries the portal's profile (its wording as data,
``pages.profile``), so every entry point hands it to the page objects the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pages.app_checks import AppCheck
from pages.profile import Profile, default

#: The seed's own example for step 7 (« ex : Mon iPhone »).
DEFAULT_DEVICE_NAME = "Mon iPhone"


@dataclass(frozen=True)
class Account:
    """Where (base URL), who (CIP), the password (never in the repr), the device name, and
    the portal profile the page objects read (the built-in one unless told otherwise)."""

    base_url: str
    cip: str
    password: str = field(repr=False)
    device_name: str = DEFAULT_DEVICE_NAME
    profile: Profile = field(default_factory=default, compare=False)
    # The application's pages to check once logged in (``pages.after_login``).
    after_login: tuple[AppCheck, ...] = field(default=(), compare=False)
