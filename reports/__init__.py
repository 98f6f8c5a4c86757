"""The suite's and the probes' results, rendered and judged for release managers.

``python -m reports html|gate|scan-secrets|demo``. Written: ``allure_result`` builds the
Allure result of a journey run outside pytest (the journey CLI, the probes) with the labels
the gate and the categories read. Read: ``results`` (an Allure results folder), ``history``
(the monitors' SQLite history, for the SLO rules). Judged and rendered: ``policy`` and
``gate`` (the release verdict), ``categories``, ``summary`` (Markdown and JUnit), ``html``
with ``allure_cli`` and ``allure_config`` (Allure Report 3), ``scan_secrets`` with
``scanner``; ``demo`` is ``make demo``.
"""
