"""A HAR recorded beside a trace becomes the trace's network log (``reports.trace_network``)."""

from __future__ import annotations

import json
import zipfile

import pytest

from reports.errors import InputError
from reports.trace_network import HAR_MEMBER, NETWORK_MEMBER, with_network


def har_archive(path, entries, files=()):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(HAR_MEMBER, json.dumps({"log": {"version": "1.2", "entries": entries}}))
        for name, data in files:
            archive.writestr(name, data)
    return path


def test_each_entry_is_a_resource_snapshot_and_each_body_a_resource(tmp_path):
    posted = {"method": "POST", "url": "http://127.0.0.1/connexion",
              "postData": {"mimeType": "text/plain", "_file": "a1.dat"}}  # fmt: skip
    entries = [
        {"request": posted, "response": {"status": 302, "content": {"size": 0}}},
        {
            "request": {"method": "GET", "url": "http://127.0.0.1/accueil"},
            "response": {"status": 500, "content": {"size": 4, "_file": "b2.html"}},
        },  # fmt: skip
    ]
    har = har_archive(
        tmp_path / "network.zip", entries, [("a1.dat", b"cip=1"), ("b2.html", b"oops")]
    )
    members = with_network({"trace.trace": b"{}\n", NETWORK_MEMBER: b'{"type":"x"}\n'}, har)
    lines = [json.loads(line) for line in members[NETWORK_MEMBER].decode().splitlines()]
    assert lines[0] == {"type": "x"}  # what the tracer logged stays first
    assert [line["type"] for line in lines[1:]] == ["resource-snapshot"] * 2
    assert lines[1]["snapshot"]["request"]["postData"]["_file"] == "resources/a1.dat"
    assert lines[2]["snapshot"]["response"]["content"]["_file"] == "resources/b2.html"
    assert members["resources/a1.dat"] == b"cip=1" and members["resources/b2.html"] == b"oops"


def test_an_unreadable_har_is_one_line_that_says_what_to_do(tmp_path):
    broken = tmp_path / "network.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"cannot read the network log .*: record it again$"):
        with_network({}, broken)
