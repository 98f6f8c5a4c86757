"""Synthetic monitoring of eEspresso remote access.

The journeys of ``pages.journeys`` run as scheduled probes that tell ops *why* a login failed
and never lock the monitoring account. Entry point: ``python -m monitors run|status|resume``
(``enroll`` and ``login`` are the journey CLI, ``monitors.journey_cli``).

Modules, in the order a probe meets them: ``config`` (monitors.toml), ``runner`` (schedule,
signals), ``probe`` (one probe end to end, under the account guard of ``authenticator.guard``),
``tls``, ``journeys`` (binds a monitor to its journey), ``chromium`` (the warm browser),
``grading`` (thresholds), ``history`` (SQLite), ``incidents`` and ``alerts`` (apprise),
``metrics`` (Prometheus), ``results_allure``, ``status``. ``testing`` and
``testing_prometheus`` serve the tests and benchmarks.
"""
