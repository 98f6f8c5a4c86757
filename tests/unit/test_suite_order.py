"""The order a sandbox run takes its tests in (``tests/fixtures/scheduling.py``): the files that
took longest first, each file's tests together and in their order, the container tests last.

One order is a real collection in its own pytest process, with a durations file in the format
``pytest --store-durations`` writes (pytest-split's); the rules of the order are checked on
stand-ins for collected tests, quicker than collecting each case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.fixtures.scheduling import file_seconds, slowest_first
from tests.unit.test_sharding import ROOT, collected

CONTAINER = "tests/e2e/test_container_image.py"
FILES = ["tests/unit/test_monitor_grading.py", CONTAINER, "tests/unit/test_wording.py",
         "tests/unit/test_k8s.py"]  # fmt: skip


def files_in_order(ids: list[str]) -> list[str]:
    """The files of ``ids`` as they come, each once; fails when a file's tests are split up."""
    order: list[str] = []
    for test_id in ids:
        name = test_id.split("::", 1)[0]
        if not order or order[-1] != name:
            assert name not in order, f"the tests of {name} are not together"
            order.append(name)
    return order


def test_longest_files_first_container_files_last(tmp_path):
    durations = tmp_path / "durations.json"
    seconds = {"tests/unit/test_k8s.py": 9.0, "tests/unit/test_wording.py": 0.5, CONTAINER: 99.0}
    durations.write_text(json.dumps({f"{name}::test_x": s for name, s in seconds.items()}))
    ordered = collected(*FILES, "--durations-path", str(durations))
    assert files_in_order(ordered) == [
        "tests/unit/test_k8s.py", "tests/unit/test_wording.py",
        "tests/unit/test_monitor_grading.py", CONTAINER,
    ]  # fmt: skip


@dataclass
class Item:
    """What the order reads of a collected test: its id and its markers."""

    nodeid: str
    markers: tuple[str, ...] = ()

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.markers else None


def test_a_files_tests_keep_their_order_and_files_without_figures_their_place():
    items = [Item("a.py::t2"), Item("b.py::t1"), Item("c.py::t1", ("container",)),
             Item("a.py::t1"), Item("d.py::t1"), Item("b.py::t0")]  # fmt: skip
    ordered = slowest_first(items, {"b.py": 5.0})
    assert [i.nodeid for i in ordered] == [
        "b.py::t1", "b.py::t0", "a.py::t2", "a.py::t1", "d.py::t1", "c.py::t1"]  # fmt: skip
    assert [i.nodeid for i in slowest_first(items, {})] == [
        "a.py::t2", "a.py::t1", "b.py::t1", "b.py::t0", "d.py::t1", "c.py::t1"]  # fmt: skip


def test_durations_add_up_by_file(tmp_path):
    path = tmp_path / "durations.json"
    path.write_text(json.dumps({"a.py::t1": 1.5, "a.py::t2[x]": 2.0, "b.py::t": 0.25}))
    assert file_seconds(path) == {"a.py": 3.5, "b.py": 0.25}
    assert file_seconds(tmp_path / "none.json") == {}


def test_every_file_of_the_committed_durations_exists():
    """A renamed test file would lose its place silently: ``pytest --store-durations`` again."""
    durations = json.loads((ROOT / ".test_durations").read_text(encoding="utf-8"))
    missing = {t.split("::")[0] for t in durations} - {
        str(p.relative_to(ROOT)) for p in Path(ROOT, "tests").rglob("test_*.py")
    }
    assert not missing, f"{sorted(missing)}: re-take with pytest --store-durations"
