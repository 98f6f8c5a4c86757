"""The stand-in eEspresso portal: the default target of the suite (docs/portal.md)."""

from sandbox.app import create_app
from sandbox.config import ConfigError
from sandbox.running import RunningSandbox, running_sandbox

__all__ = ["ConfigError", "RunningSandbox", "create_app", "running_sandbox"]
