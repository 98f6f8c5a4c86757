"""The account a journey logs in with: one value for tests, the CLI, the probes and benchmarks.

The base URL is normalised once, here (scheme and host lower case, default port and trailing
slash dropped), so the vault, the history and the reports name one portal one way however
the URL was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from authenticator import normalise_base_url

#: The seed's own example for step 7 (« ex : Mon iPhone »).
DEFAULT_DEVICE_NAME = "Mon iPhone"


@dataclass(frozen=True)
class Account:
    """Where (base URL), who (CIP), the password (never in the repr) and the device name."""

    base_url: str
    cip: str
    password: str = field(repr=False)
    device_name: str = DEFAULT_DEVICE_NAME

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
