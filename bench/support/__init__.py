"""What the benchmarks and the tests both drive the project with, outside pytest.

- ``accounts``: sandbox accounts created already enrolled, their secret kept in a vault.
- ``monitoring``: free loopback ports, webhook receivers (one that records, one that holds a
  request unanswered), monitors files written from plain dicts.
- ``processes``: a sandbox process killed and restarted at will, long-lived runners.
- ``outage``: an outage timed end to end (portal killed → alert, back → recovery).
- ``container``: the container image built and probed with podman.
- ``guard_resets``: the ways an operator resets the account guard's store by accident.
- ``qr_corpus``: QR screenshots of every encoder, size, colour scheme and compression.

The tests import these; nothing here imports the tests, so a benchmark runs from a checkout
without the test suite's fixtures.
"""
