"""Ad-hoc runs against one portal, started by a person at a terminal (scheduled probes are
``monitors``, suites are ``tests``).

- ``journey_cli``: one journey, ``python -m monitors enroll|login``: the first access keeps the
  scanned secret in the vault, a later login uses it; both under the account guard.
- ``inspect_cli``: ``python -m monitors inspect``: the portal's first screen seen without
  submitting anything, and what the portal profile recognises on it.

Both start a journey or a page the one way (``pages.journeys``, ``pages.browser``) and write
their Allure result with ``reports.allure_result``; ``python -m monitors`` hands these
commands over, so ops has one command line.
"""
