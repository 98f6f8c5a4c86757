"""A HAR recorded beside a trace, made the trace's network log.

Playwright's tracer logs the network only along with DOM snapshots, and the snapshots are
most of what a trace costs a probe (docs/benchmarks.md). A trace without them
(``reports.trace_options``, detail ``actions``) is recorded beside a HAR instead
(``tracing.start_har``, bodies attached): its entries are the objects the tracer would have
logged (one recorder of Playwright's makes both), so each becomes a ``resource-snapshot`` line
of ``trace.network`` and each attached body a ``resources/`` member, and the trace viewer's
Network tab shows them. The scrub then treats them as any other request of the trace.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from reports.errors import InputError

HAR_MEMBER = "har.har"  # the log in a HAR archive (Playwright's ``.zip`` HAR)
NETWORK_MEMBER = "trace.network"


def with_network(members: dict[str, bytes], har: Path) -> dict[str, bytes]:
    """``members`` (a trace's) with the requests of the HAR archive ``har`` in their network
    log."""
    try:
        with zipfile.ZipFile(har) as archive:
            files = {info.filename: archive.read(info) for info in archive.infolist()}
        entries = json.loads(files[HAR_MEMBER])["log"]["entries"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read the network log {har} ({exc}): record it again") from None
    lines = []
    for entry in entries:
        for body in (entry.get("request", {}).get("postData"), entry["response"].get("content")):
            name = body.get("_file") if isinstance(body, dict) else None
            if name in files:
                members[f"resources/{name}"] = files[name]
                body["_file"] = f"resources/{name}"
        lines.append(json.dumps({"type": "resource-snapshot", "snapshot": entry}) + "\n")
    members[NETWORK_MEMBER] = members.get(NETWORK_MEMBER, b"") + "".join(lines).encode()
    return members
