"""The values a trace must lose, and where they hide: learnt from the caller and from the
trace, then replaced in every string (``reports.trace_scrub`` walks the trace).

A value is replaced in every form a trace writes it (as is, URL-, HTML- and base64-encoded;
a Base32 key also in lower case and in groups of four) by a visible marker such as
«scrubbed: password». Besides the values learnt, three shapes are replaced wherever they
stand: an ``otpauth://`` URI, a Base32 run that can be a TOTP key (RFC 4648 §6) and a
``data:image`` URI whose image holds a QR code.
"""

from __future__ import annotations

import base64
import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, quote_plus, unquote, urlsplit

from reports.trace_frames import QrImages, marker

_OTPAUTH = re.compile(r"otpauth(?::|%3A)(?://|%2F%2F)[^\s\"'<>\\]*", re.IGNORECASE)
# RFC 4648 §6 alphabet, 16 characters or more with a digit in it (an upper-case word is not a
# key), alone or in the groups of four a set-up page shows for people who cannot scan.
_BASE32 = re.compile(r"(?<![\w+/-])(?=[A-Z2-7]*[2-7])[A-Z2-7]{16,}={0,6}(?![\w+/-])")
_GROUPED = re.compile(r"(?<![\w-])(?=[A-Z2-7 ]*[2-7])(?:[A-Z2-7]{4} ){3,}[A-Z2-7]{1,4}(?![\w-])")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,\s*[A-Za-z0-9+/]+=*")
_CODE = re.compile(r"[0-9]{6,8}")  # RFC 4226 §5.3: 6 to 8 digits
_CODE_HINT = re.compile(r"one-time-code|otp|code", re.IGNORECASE)
MIN_LENGTH = 4  # a shorter value would be found inside everything


@dataclass
class ScrubReport:
    """What a scrub removed (counted by kind), and the frames it painted or dropped."""

    removed: Counter[str] = field(default_factory=Counter)
    painted: int = 0
    dropped: int = 0
    seconds: float = 0.0


def field_kind(attrs: dict, value: str) -> str | None:
    """What a value typed into a field with these attributes is, when it is a secret."""
    if str(attrs.get("type", "")).lower() == "password":
        return "password"
    hint = " ".join(str(attrs.get(k, "")) for k in ("name", "id", "autocomplete"))
    if "secret" in hint.lower() or _BASE32.fullmatch(value or ""):
        return "TOTP secret"
    if _CODE_HINT.search(hint) or _CODE.fullmatch(value or ""):
        return "code"
    return None


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, dict] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "input" and named.get("name"):
            self.fields[named["name"]] = named


def form_fields(page: str) -> dict[str, dict]:
    """The attributes of each named ``<input>`` of an HTML page, by name: what a form posted
    from it sends each value as."""
    parser = _Inputs()
    parser.feed(page)
    return parser.fields


def _secret_of(uri: str) -> str:
    query = parse_qs(urlsplit(html.unescape(unquote(uri))).query)
    return (query.get("secret") or [""])[0]


def _forms(value: str) -> set[str]:
    """How a trace writes a value: as is, in a URL or form body, in HTML, in base64."""
    forms = {value, quote(value, safe=""), quote_plus(value), html.escape(value)}
    forms.add(base64.b64encode(value.encode()).decode().rstrip("="))
    if _BASE32.fullmatch(value):
        forms |= {value.lower(), " ".join(value[i : i + 4] for i in range(0, len(value), 4))}
    return {form for form in forms if len(form) >= MIN_LENGTH}


def strings(node: object) -> Iterable[str]:
    """Every string of a JSON value, at any depth."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from strings(item)


def elements(node: object) -> Iterable[tuple[str, dict, list]]:
    """(tag, attributes, node) of every element of a snapshot's ``html`` tree (``[tag, attrs,
    *children]``; ``[[n, i]]`` is a reference to a node of an earlier snapshot)."""
    if isinstance(node, list) and len(node) >= 2 and isinstance(node[0], str):
        if isinstance(node[1], dict):
            yield node[0], node[1], node
        for child in node[1:]:
            yield from elements(child)


def texts(node: list) -> list[str]:
    """The text children of an element node."""
    return [child for child in node[1:] if isinstance(child, str)]


class Scrubber:
    """One trace's secrets, learnt from the caller and from the trace, then removed."""

    def __init__(self, secrets: Iterable[tuple[str, str]] = ()) -> None:
        self.values: dict[str, str] = {}  # value → kind
        self.qr = QrImages()
        self.report = ScrubReport()
        self.qr_urls: set[str] = set()  # URLs whose response is an image holding a QR
        self._pattern: re.Pattern[str] | None = None
        self._kinds: dict[str, str] = {}
        for kind, value in secrets:
            self.learn(kind, value)

    def learn(self, kind: str, value: str) -> None:
        value = value.strip()
        if len(value) < MIN_LENGTH or value in self.values:
            return
        if value.lower().startswith("otpauth"):
            kind = "otpauth URI"
            self.learn("TOTP secret", _secret_of(value))
        self.values[value] = kind
        self._pattern = None

    def learn_from_text(self, text: str) -> None:
        """The URIs a text holds, and those of every QR image inlined in it."""
        for match in _OTPAUTH.finditer(text):
            self.learn("otpauth URI", match.group())
        for match in _DATA_IMAGE.finditer(text):
            body = match.group().partition(",")[2].strip()
            try:
                data = base64.b64decode(body + "=" * (-len(body) % 4))
            except ValueError:
                continue
            for payload in self.qr.payloads(data):
                self.learn("otpauth URI", payload)

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            self._kinds = {}
            for value, kind in self.values.items():
                for form in _forms(value):
                    self._kinds.setdefault(form, kind)
            parts = [
                rf"(?<![0-9]){re.escape(f)}(?![0-9])" if f.isdigit() else re.escape(f)
                for f in sorted(self._kinds, key=len, reverse=True)
            ]
            self._pattern = re.compile("|".join(parts) or r"(?!x)x")
        return self._pattern

    def mark(self, kind: str) -> str:
        """The marker of ``kind``, counted in the report."""
        self.report.removed[kind] += 1
        return marker(kind)

    def clean(self, text: str) -> str:
        """``text`` with every known secret, URI, key-shaped run and QR image replaced."""
        if len(text) < MIN_LENGTH:
            return text
        if "data:image" in text:
            text = _DATA_IMAGE.sub(self._image, text)
        text = _OTPAUTH.sub(lambda m: self.mark("otpauth URI"), text)
        text = self._compiled().sub(lambda m: self.mark(self._kinds[m.group()]), text)
        text = _BASE32.sub(lambda m: self.mark("TOTP secret"), text)
        return _GROUPED.sub(lambda m: self.mark("TOTP secret"), text)

    def _image(self, match: re.Match[str]) -> str:
        replaced = self.qr.data_uri(match.group())
        if replaced is None:
            return match.group()
        self.mark("QR code")
        return replaced

    def clean_json(self, node: object) -> object:
        if isinstance(node, str):
            return self.clean(node)
        if isinstance(node, list):
            return [self.clean_json(item) for item in node]
        if isinstance(node, dict):
            return {key: self.clean_json(item) for key, item in node.items()}
        return node
