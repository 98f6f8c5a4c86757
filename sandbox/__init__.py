"""The stand-in eEspresso portal: the default target of the suite (issue 2, PORTAL.md)."""

from sandbox.app import create_app
from sandbox.config import ConfigError

__all__ = ["ConfigError", "create_app"]
