"""Synthetic monitoring of eEspresso remote access.

The journeys of ``pages.journeys`` run as scheduled probes that tell ops *why* a login failed
and never lock the monitoring account. Entry point: ``python -m monitors
run|status|resume|maintenance|k8s`` (``enroll``, ``login`` and ``inspect`` are handed to the
command lines of ``adhoc``).

Modules, in the order a probe meets them: ``config`` (what monitors.toml declares) and
``config_file`` (reading it, with ``toml_reader``, ``after_login`` and ``maintenance``),
``runner`` (schedule, signals), ``probe`` (one probe end to end, under the account guard of
``authenticator.guard``), ``tls``, ``journeys`` (binds a monitor to its journey),
``chromium`` and ``one_thread`` (the warm browser), ``grading`` (thresholds), ``sinks``
(where a finished probe goes): ``history`` (SQLite), ``incidents`` and ``alerts`` (apprise),
``screens`` (the last good screen of each step), ``traces`` (kept Playwright traces),
``step_network`` (each step's timings and web vitals), ``metrics`` (Prometheus),
``results_allure``. Beside the journeys: ``upcheck`` (the login page between journeys),
``status``, ``status_page`` and ``web`` (what people read), ``maintenance_cli``, and
``k8s``, ``k8s_pod``, ``k8s_cronjobs``, ``k8s_runner`` (Kubernetes manifests from the config).
"""
