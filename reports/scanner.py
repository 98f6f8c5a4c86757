"""The reading half of ``scan-secrets``: which files are read, how, and within what budget.

Every regular file under the folder is read, zip members too, archives inside archives to
any depth the budget allows (``MAX_DEPTH`` at most: a zip can contain itself). A symbolic link
is never followed and a FIFO, socket or device never opened; each is named. One ``Budget``
(time, and bytes read including decompressed members) bounds the whole scan, so a small zip of
huge members (a decompression bomb) costs no more than the budget; what it leaves unread is
named, file by file and member by member, so a result is never mistaken for complete.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import io
import json
import os
import re
import stat
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, quote_plus

from authenticator.errors import AuthenticatorError
from authenticator.qr import payloads
from reports.errors import InputError

MAX_BYTES = 512 * 2**20  # a file or zip member larger than this is not scanned (it is named)
MAX_TOTAL_BYTES = 2**30  # default size budget: bytes read, archive members decompressed
MAX_SECONDS = 300.0  # default time budget
MAX_DEPTH = 32  # archives inside archives (a zip can even contain itself)
CHUNK = 2**20
NAMED = 50  # entries not scanned named one by one; the rest are counted
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_DIGITS = re.compile(rb"[0-9]{6,}")  # codes have 6 to 8 digits (RFC 4226 §5.3)
_WORDLIKE = frozenset(b"0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# RFC 2397 allows no space after the comma, yet Keycloak writes one and browsers read it.
_DATA_URI = re.compile(rb"data:image/(?:png|jpeg|webp|gif);base64, ?([A-Za-z0-9+/]+={0,2})")
KIND_WORDS = {"uri": "otpauth URI", "secret": "TOTP secret", "password": "password",
               "value": "given value"}  # fmt: skip


@dataclass(frozen=True)
class Secret:
    """A value to look for; its repr never shows it."""

    kind: str
    value: str = field(repr=False)


@dataclass
class Report:
    findings: dict[tuple[str, str], None] = field(default_factory=dict)  # (where, kind), ordered
    warnings: list[str] = field(default_factory=list)
    unscanned: list[str] = field(default_factory=list)  # "where: why", what the result lacks
    scanned: int = 0  # files read whole
    images: int = 0
    read: int = 0  # bytes read, archive members decompressed
    specials: int = 0  # FIFOs, sockets, devices: hold no data at rest, never opened

    def found(self, where: str, kind: str) -> None:
        self.findings.setdefault((where, kind), None)

    def not_scanned(self, where: str, why: str) -> None:
        self.unscanned.append(f"{where}: {why}")


@dataclass(frozen=True)
class Codes:
    """TOTP codes, found only as a whole number (not a piece of a timestamp, a hash or a
    longer number). One pass over the numbers of the data and a set lookup: a regex of
    thousands of alternatives tried at every byte took minutes per 100 MiB."""

    values: frozenset[bytes]

    def search(self, data: bytes) -> bool:
        for run in _DIGITS.finditer(data):  # maximal runs: never part of a longer number
            start, end = run.span()
            if (
                run.group() in self.values
                and (start == 0 or data[start - 1] not in _WORDLIKE)
                and (end == len(data) or data[end] not in _WORDLIKE)
            ):
                return True
        return False


@dataclass(frozen=True)
class Budget:
    """The most one scan may spend: a zip of a few MB can hold TBs (a decompression bomb)."""

    seconds: float = MAX_SECONDS
    bytes: int = MAX_TOTAL_BYTES


def _forms(value: str) -> set[bytes]:
    """How a value is written into artifacts: as is, in JSON, in a URL or form body, in
    HTML, in base64."""
    raw = value.encode()
    return {
        raw,
        json.dumps(value, ensure_ascii=False)[1:-1].encode(),
        json.dumps(value)[1:-1].encode(),
        quote(value, safe="").encode(),
        quote_plus(value).encode(),
        html.escape(value).encode(),
        base64.b64encode(raw).rstrip(b"="),
    }


class Scanner:
    """Searches files and archive members for the needles, within one ``Budget``."""

    def __init__(
        self,
        secrets: list[Secret],
        codes: Codes | None,
        budget: Budget | None = None,
        clock: Callable[[], float] = time.monotonic,
        report: Report | None = None,
    ) -> None:
        self.needles = [(s.kind, form) for s in secrets for form in _forms(s.value)]
        self.codes = codes
        self.report = report if report is not None else Report()
        self.budget = budget or Budget()
        self.clock = clock
        self.deadline = clock() + self.budget.seconds
        self._decoded: dict[bytes, list[str] | None] = {}  # payloads by image digest

    def _out_of_budget(self) -> str | None:
        """Why nothing more may be read, or None."""
        if self.clock() >= self.deadline:
            return f"the time budget ({self.budget.seconds:g} s) ran out"
        if self.report.read >= self.budget.bytes:
            return f"the size budget ({mib(self.budget.bytes)}) ran out"
        return None

    def _limit(self) -> int:
        """How many bytes the next file or member may have."""
        return min(MAX_BYTES, self.budget.bytes - self.report.read)

    def scan_files(self, files: list[Path]) -> Report:
        for path in files:
            why = self._out_of_budget()
            if why:
                self.report.not_scanned(str(path), why)
                continue
            try:
                info = path.lstat()
                mode = stat.S_IMODE(info.st_mode)
                if mode & 0o077:
                    self.report.warnings.append(
                        f"{path}: readable by group or others (mode {mode:04o}); run chmod 600 "
                        "and keep artifacts in a 0700 folder"
                    )
                with path.open("rb") as stream:
                    data = self._read(str(path), stream)
            except OSError as exc:
                self.report.not_scanned(str(path), f"not readable ({exc.strerror or exc})")
                continue
            if data is not None:
                self.report.scanned += 1
                self.scan_bytes(str(path), data)
        return self.report

    def _read(self, where: str, stream: BinaryIO) -> bytes | None:
        """The whole of ``stream`` (a file, a decompressing archive member) read a chunk at a
        time, or None when it is larger than allowed or the time ran out (it is named): a
        header's size is never trusted, and a bomb costs no more than the budget."""
        limit, chunks, size = self._limit(), [], 0
        while chunk := stream.read(min(CHUNK, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            self.report.read += len(chunk)
            if size > limit:
                why = f"larger than {mib(MAX_BYTES)}" if limit == MAX_BYTES else None
                self.report.not_scanned(where, why or self._out_of_budget() or "too large")
                return None
            if self.clock() >= self.deadline:
                self.report.not_scanned(where, self._out_of_budget() or "out of time")
                return None
        return b"".join(chunks)

    def scan_bytes(self, where: str, data: bytes, depth: int = 0) -> None:
        if data.startswith(b"PK\x03\x04"):
            if depth < MAX_DEPTH:
                self._scan_zip(where, data, depth)
            else:
                self.report.not_scanned(where, f"archives nested deeper than {MAX_DEPTH}")
            return
        if data.startswith(_IMAGE_MAGIC) or data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            self._scan_image(where, data)
            return
        for kind, form in self.needles:
            if form in data:
                self.report.found(where, KIND_WORDS.get(kind, kind))
        if self.codes is not None and self.codes.search(data):
            self.report.found(where, "TOTP code")
        if b"otpauth://" in data or b"otpauth%3A%2F%2F" in data:
            self.report.found(where, "otpauth URI")
        for number, match in enumerate(_DATA_URI.finditer(data), 1):
            inner = f"{where} (data: image {number})" if number > 1 else f"{where} (data: image)"
            why = self._out_of_budget()
            if why:
                self.report.not_scanned(inner, why)
                continue
            try:
                image = base64.b64decode(match.group(1) + b"=" * (-len(match.group(1)) % 4))
            except (binascii.Error, ValueError):
                continue
            self._scan_image(f"{where} (data: image)", image)

    def _scan_zip(self, where: str, data: bytes, depth: int) -> None:
        """Every member, archives inside included, to any depth the budget allows."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
            self.report.not_scanned(where, f"unreadable zip ({exc}); check it by hand")
            return
        for member in members:
            inner = f"{where}!{member.filename}"
            why = self._out_of_budget()
            if why:
                self.report.not_scanned(inner, why)
                continue
            try:
                with archive.open(member) as stream:
                    content = self._read(inner, stream)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
                self.report.not_scanned(inner, f"unreadable zip member ({exc}); check it by hand")
                continue
            if content is not None:
                self.scan_bytes(inner, content, depth + 1)

    def _scan_image(self, where: str, data: bytes) -> None:
        # The same image often comes twice (a capture's file and its copy inline in the HTML
        # page), and decoding one that holds no QR tries every way zbar may read it: once.
        digest = hashlib.sha256(data).digest()
        if digest not in self._decoded:
            try:
                self._decoded[digest] = payloads(data, cpu_seconds=2.0)
            except AuthenticatorError:
                self._decoded[digest] = None  # not an image after all, or a damaged one
        found = self._decoded[digest]
        if found is None:
            return  # nothing a QR could show
        self.report.images += 1
        for payload in found:
            if payload[:10].lower() == "otpauth://":
                self.report.found(where, "otpauth URI (QR code)")
            encoded = payload.encode()
            for kind, form in self.needles:
                if form in encoded:
                    self.report.found(where, f"{KIND_WORDS.get(kind, kind)} (QR code)")


def collect(root: Path, report: Report) -> list[Path]:
    """The regular files under ``root``, sorted; everything else is named in ``report``:
    a symbolic link is never followed (it may lead outside the artifacts, or in a circle),
    a FIFO, socket or device is never opened (reading a FIFO waits for a writer)."""
    files, folders = [], [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            if folder == root:
                raise InputError(
                    f"cannot read the folder {root} ({exc.strerror}): check its permissions"
                ) from None
            report.not_scanned(str(folder), f"folder not readable ({exc.strerror})")
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                report.not_scanned(str(path), f"symbolic link to {os.readlink(path)}, not "
                                   "followed; scan what it points to by itself")  # fmt: skip
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.is_file(follow_symlinks=False):
                files.append(path)
            else:
                report.specials += 1
                report.warnings.append(f"{path}: not a regular file (FIFO, socket or device), "
                                       "never read")  # fmt: skip
    if not files:
        seen = [
            f"{count} {what}"
            for count, what in (
                (report.specials, "FIFO, socket or device file(s)"),
                (len(report.unscanned), "symbolic link(s) or unreadable folder(s)"),
            )
            if count
        ]
        raise InputError(
            f"nothing to scan in {root}: it holds no regular file"
            + (f", only {' and '.join(seen)}" if seen else "")
            + "; pass the folder the artifacts were written to"
        )  # fmt: skip
    return sorted(files)


def mib(size: int) -> str:
    return f"{size / 2**20:g} MiB"
