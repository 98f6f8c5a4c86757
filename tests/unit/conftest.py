"""Fixtures shared by the unit tests: the sandbox's fake clock (``clock``)."""

from tests.fixtures.sandbox_portal import clock_fixture  # noqa: F401 (registers ``clock``)
