"""Scrub a Playwright trace (``trace.zip``) of every secret before it is kept.

A trace records what the journey typed (``fill`` parameters and their log lines), what the
browser sent (form bodies, query strings, cookies), what the portal showed (DOM snapshots and
the HTML of each response, with the QR and, on some portals, the key as text or in a hidden
input) and the screen itself (screencast frames). The archive holds ``*.trace`` and
``*.network`` (one JSON event a line), ``resources/<sha1>`` (bodies) and ``screencast/``.

The values removed are those the caller gives (the password, say) and those found by their
shape: a value typed into a password or one-time-code field, a typed value of 6 to 8 digits
(RFC 6238 codes), a Base32 run that can be a TOTP key (RFC 4648 §6), an ``otpauth://`` URI,
and whatever a QR code in the trace holds. Each is replaced by a visible marker such as
«scrubbed: password» (``reports.trace_values``); cookies and the Authorization, Cookie and
Set-Cookie headers are replaced whole. Images are
``reports.trace_frames``'. A resource keeps its sha1 name with the scrubbed content, so every
reference to it still holds and the trace viewer opens the file as before.
"""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from reports.errors import InputError
from reports.trace_frames import Exposure, is_image, scrub_frames
from reports.trace_network import with_network
from reports.trace_values import (
    Scrubber,
    ScrubReport,
    elements,
    field_kind,
    form_fields,
    strings,
    texts,
)

TYPED = frozenset({"fill", "type", "pressSequentially", "insertText"})
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
MARKED = re.compile(r"«scrubbed: (?!password»|code»)")  # a typed value is placed by its box
#: Attributes whose value a page shows (an image's source, a field's value).
VISIBLE_ATTRIBUTES = ("src", "__playwright_current_src__", "value", "__playwright_value_")


def read_trace(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(
            f"cannot read the trace {path} ({exc}): pass a Playwright trace.zip"
        ) from None


def _events(data: bytes) -> list[dict]:
    """The JSON events of a ``.trace`` or ``.network`` member; a line that is not JSON cannot
    be scrubbed, so it is left out."""
    events = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def scrub_trace(
    source: str | Path,
    target: str | Path,
    secrets: Iterable[tuple[str, str]] = (),
    har: Path | None = None,
) -> ScrubReport:
    """Write ``target``: ``source`` (a trace.zip) with every secret removed (mode 0600); the
    requests of ``har`` (a HAR archive recorded beside it) become its network log."""
    started = time.perf_counter()
    members = read_trace(Path(source))
    if har is not None:
        members = with_network(members, har)
    scrubber = Scrubber(secrets)
    logs = {n: _events(d) for n, d in members.items() if n.endswith((".trace", ".network"))}
    _learn(scrubber, members, logs)
    exposures = _scrub_events(scrubber, logs)
    for name, data in members.items():
        if name in logs or name.startswith("screencast/"):
            continue
        members[name] = _scrub_member(scrubber, data)
    for name, events in logs.items():
        if name.endswith(".trace"):
            outcome = scrub_frames(events, members, exposures)
            scrubber.report.painted += outcome.painted
            scrubber.report.dropped += outcome.dropped
        lines = (json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in events)
        members[name] = "".join(line + "\n" for line in lines).encode()
    listed = {str(e.get("file")) for events in logs.values() for e in events}
    for name in [n for n in members if n.startswith("screencast/") and n not in listed]:
        del members[name]  # a frame no event places in time cannot be judged: dropped
        scrubber.report.dropped += 1
    _write(Path(target), members)
    scrubber.report.seconds = time.perf_counter() - started
    return scrubber.report


def _learn(scrubber: Scrubber, members: dict[str, bytes], logs: dict[str, list[dict]]) -> None:
    """Every secret of the trace, before any is replaced (a value learnt late would be left
    in what was scrubbed before)."""
    typed: dict[str, dict] = {}  # value typed → attributes of the field holding it
    fields: dict[str, dict] = {}  # name → attributes of an input the pages hold
    for name, data in members.items():
        if name.startswith("resources/") and is_image(data):
            for payload in scrubber.qr.payloads(data):
                scrubber.learn("otpauth URI", payload)
        elif not name.startswith("screencast/"):
            text = data.decode("utf-8", "replace")
            scrubber.learn_from_text(text)
            if name.endswith(".html"):
                fields.update(form_fields(text))
    for events in logs.values():
        for event in events:
            if event.get("type") == "resource-snapshot":
                _learn_qr_url(scrubber, members, event.get("snapshot") or {})
                _learn_posted(scrubber, fields, event.get("snapshot") or {})
            snapshot = event.get("snapshot") if event.get("type") == "frame-snapshot" else None
            for _, attrs, _ in elements((snapshot or {}).get("html")):
                value = str(attrs.get("__playwright_value_", attrs.get("value", "")))
                kind = field_kind(attrs, value) if value else None
                if kind:
                    scrubber.learn(kind, value)
                if value:
                    typed.setdefault(value, attrs)
    for events in logs.values():
        for event in events:
            if event.get("type") == "before" and event.get("method") in TYPED:
                params = event.get("params") or {}
                value = str(params.get("value", params.get("text", "")))
                kind = field_kind(typed.get(value, {}), value)
                if kind:
                    scrubber.learn(kind, value)


def _learn_posted(scrubber: Scrubber, fields: dict[str, dict], snapshot: dict) -> None:
    """The values a form posted into its secret fields (a page's ``<input type=password>``):
    a trace without DOM snapshots knows them only from its pages and its requests."""
    posted = (snapshot.get("request") or {}).get("postData") or {}
    for param in posted.get("params") or []:
        name, value = str(param.get("name", "")), str(param.get("value", ""))
        kind = field_kind(fields[name], value) if name in fields and value else None
        if kind:
            scrubber.learn(kind, value)


def _learn_qr_url(scrubber: Scrubber, members: dict[str, bytes], snapshot: dict) -> None:
    """The URL of a response that is an image holding a QR: a page's ``<img src>`` names it."""
    content = (snapshot.get("response") or {}).get("content") or {}
    data = members.get(str(content.get("_file")), b"")
    if is_image(data) and scrubber.qr.payloads(data):
        url = str((snapshot.get("request") or {}).get("url", ""))
        scrubber.qr_urls |= {url, urlsplit(url).path}


def _scrub_events(scrubber: Scrubber, logs: dict[str, list[dict]]) -> list[Exposure]:
    """Scrub every event in place; the spans during which a secret was on a page's screen."""
    exposures: list[Exposure] = []
    seen: list[tuple[str, float, set[str]]] = []  # a secret shown in a snapshot: page, time
    pages: dict[str, str] = {}  # call id → page id
    urls: dict[str, list[tuple[float, str]]] = {}  # page id → (time, main frame URL)
    boxes: dict[str, dict] = {}  # call id → box of the field an action typed into
    for events in logs.values():
        for index, event in enumerate(events):
            kind = event.get("type")
            if kind == "resource-snapshot":
                _headers_and_cookies(scrubber, event.get("snapshot") or {})
            if kind == "input" and isinstance(event.get("box"), dict):
                boxes[str(event.get("callId"))] = event["box"]
            events[index] = event = scrubber.clean_json(event)  # type: ignore[assignment]
            snapshot = event.get("snapshot") if kind == "frame-snapshot" else None
            if snapshot:
                page, at = snapshot.get("pageId", ""), float(snapshot.get("timestamp") or 0)
                pages[str(snapshot.get("callId"))] = page
                if snapshot.get("isMainFrame"):
                    urls.setdefault(page, []).append((at, str(snapshot.get("frameUrl"))))
                shown = _shown(snapshot.get("html"), scrubber)
                if shown:
                    seen.append((page, at, shown))
    for events in logs.values():
        for event in events:
            call = str(event.get("callId"))
            params = event.get("params") or {}
            secret = any(v.startswith("«scrubbed") for v in strings(params))
            if event.get("type") == "before" and event.get("method") in TYPED and secret:
                page, at = pages.get(call, ""), float(event.get("startTime") or 0)
                box = boxes.get(call)
                exposure = Exposure(page, at, kinds={"typed"}, boxes=[box] if box else [])
                exposures.append(exposure)
    for exposure in exposures:  # a typed secret: from the action until the page moves on
        exposure.end = _left(urls.get(exposure.page, []), exposure.start)
    for page, at, kinds in seen:  # a shown one: from the page's arrival, before its snapshot
        timeline = urls.get(page, [])
        exposures.append(Exposure(page, _arrived(timeline, at), _left(timeline, at), kinds))
    return exposures


def _shown(html: object, scrubber: Scrubber) -> set[str]:
    """What a snapshot shows of a removed secret: a QR image (placed in a frame by zbar) or
    text (a key or URI as words: no box to paint). A hidden input shows nothing, and a typed
    value is placed by its action's box."""
    kinds: set[str] = set()
    for tag, attrs, node in elements(html):
        hidden = tag == "INPUT" and str(attrs.get("type", "")).lower() == "hidden"
        visible = [] if hidden else [str(attrs.get(k, "")) for k in VISIBLE_ATTRIBUTES]
        if tag == "IMG" and any(
            value in scrubber.qr.replacements or value in scrubber.qr_urls for value in visible
        ):
            kinds.add("QR code")
        for text in [*texts(node), *visible]:
            if MARKED.search(text):
                kinds.add("text")
    return kinds


def _arrived(timeline: list[tuple[float, str]], seen: float) -> float:
    """The latest time before ``seen`` the page still showed another URL (0: from the start):
    the secret may be on screen from the page's first paint, before any snapshot of it."""
    here = next((url for at, url in reversed(timeline) if at <= seen), None)
    before = [at for at, url in timeline if at < seen and url != here]
    return max(before, default=0.0)


def _left(timeline: list[tuple[float, str]], start: float) -> float:
    """When the page left the document it showed at ``start`` (another URL), or never."""
    here = next((url for at, url in reversed(timeline) if at <= start), None)
    for at, url in timeline:
        if at > start and here is not None and url != here:
            return at
        if at > start and here is None:
            here = url
    return float("inf")


def _headers_and_cookies(scrubber: Scrubber, snapshot: dict) -> None:
    """Cookies and the headers that carry credentials, replaced whole (RFC 6265, RFC 9110
    §11.6.2): a session cookie is as good as the password while it lives."""
    for part in (snapshot.get("request") or {}, snapshot.get("response") or {}):
        for cookie in part.get("cookies") or []:
            if isinstance(cookie, dict) and "value" in cookie:
                cookie["value"] = scrubber.mark("cookie")
        for header in part.get("headers") or []:
            if isinstance(header, dict) and str(header.get("name")).lower() in SECRET_HEADERS:
                header["value"] = scrubber.mark(str(header["name"]).lower())


def _scrub_member(scrubber: Scrubber, data: bytes) -> bytes:
    """A resource: an image holding a QR replaced, a text scrubbed, anything else kept."""
    if is_image(data):
        replaced = scrubber.qr.replacement(data)
        if replaced is not None:
            scrubber.report.removed["QR code"] += 1
        return data if replaced is None else replaced
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    cleaned = scrubber.clean(text)
    return data if cleaned == text else cleaned.encode("utf-8")


def _write(target: Path, members: dict[str, bytes]) -> None:
    """Atomically, owner only: the scrubbed trace is the one kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with (
        os.fdopen(descriptor, "wb") as stream,
        zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, data in members.items():
            archive.writestr(name, data)
    os.chmod(partial, 0o600)
    os.replace(partial, target)
