"""The Allure 3 configuration each command runs with, written to a private work folder.

Allure 3 reads ``allurerc.*`` from its working directory; running it in a fresh temporary folder
with our ``allurerc.json`` means a stray config in the user's checkout never changes a verdict.
JSON (the declarative format) is enough: categories take regexes as strings, and the quality
gate rules are plain numbers (https://allurereport.org/docs/v3/configure/).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reports.categories import allure_categories

REPORT_NAME = "eEspresso remote access"
CONFIG_NAME = "allurerc.json"
HISTORY_LIMIT = 50  # runs kept in the history file: enough for trends, bounded in size
AWESOME_OPTIONS = {
    "singleFile": True,
    "reportLanguage": "en",
    # Release managers look for journeys, not test files: the E2E suite's feature/story labels.
    "groupBy": ["feature", "story"],
}


def allure_config(
    *,
    output: Path | None = None,
    history: Path | None = None,
    quality_gate: dict | None = None,
    name: str = REPORT_NAME,
) -> dict:
    """An ``allurerc.json`` body: one Awesome single-file report (it opens from ``file://``)."""
    config: dict = {
        "name": name,
        "categories": allure_categories(),
        # The multi-file report fetches its data and fonts, which browsers refuse on file://.
        "plugins": {"awesome": {"options": AWESOME_OPTIONS}},
    }
    if output is not None:
        config["output"] = str(output)
    if history is not None:
        config["historyPath"] = str(history)
        config["historyLimit"] = HISTORY_LIMIT
    if quality_gate:
        config["qualityGate"] = {"rules": [quality_gate]}
    return config


@contextmanager
def allure_workdir() -> Iterator[Path]:
    """A temporary folder to run Allure in; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="eespresso-allure-") as tmp:
        yield Path(tmp)


def write_config(work: Path, config: dict) -> str:
    """Write ``allurerc.json`` into ``work``; return the name to pass to ``allure -c``."""
    (work / CONFIG_NAME).write_text(json.dumps(config, indent=2), encoding="utf-8")
    return CONFIG_NAME
