"""``AdminClient``: the sandbox admin API from Python, with the standard library only.

The tests, the benchmarks and the demo use it to prepare accounts and inject faults. Errors
raise ``AdminError`` carrying the HTTP status and the server's one-line message; the token
never appears in a repr or an error.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

TIMEOUT = 10.0


class AdminError(RuntimeError):
    """The admin API refused a call; ``status`` is the HTTP status (0: unreachable)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class AdminClient:
    """JSON calls to ``<base_url>/_sandbox/...`` with ``Authorization: Bearer <token>``.

    ``cafile`` lets it trust the self-signed certificate of an HTTPS sandbox.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        cafile: str | Path | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._context = ssl.create_default_context(cafile=str(cafile)) if cafile else None

    def __repr__(self) -> str:
        return f"AdminClient({self.base_url!r}, token=<hidden>)"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/_sandbox{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
        )
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(
                request, timeout=self._timeout, context=self._context
            ) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read()).get("error", error.reason)
            except (ValueError, AttributeError):
                message = str(error.reason)
            raise AdminError(error.code, f"sandbox admin {method} {path}: {message}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise AdminError(0, f"sandbox at {self.base_url} unreachable: {reason}") from None

    @staticmethod
    def _path(cip: str) -> str:
        return "/accounts/" + quote(cip, safe="")

    def create_account(
        self,
        cip: str,
        password: str,
        *,
        enrolled: bool = False,
        secret: str | None = None,
        device_name: str | None = None,
        qr: str | None = None,
        layout: str | None = None,
        wording: str | None = None,
        algorithm: str | None = None,
        digits: int | None = None,
        period: int | None = None,
        a11y: str | None = None,
        success: str | None = None,
        notices: str | None = None,
        expiry_days: int | None = None,
    ) -> dict[str, Any]:
        """Create an account; variants left None take the instance's. Enrolled accounts
        come back with their ``secret`` (generated when not given)."""
        body = {
            "cip": cip,
            "password": password,
            "enrolled": enrolled,
            "secret": secret,
            "device_name": device_name,
            "qr": qr,
            "layout": layout,
            "wording": wording,
            "algorithm": algorithm,
            "digits": digits,
            "period": period,
            "a11y": a11y,
            "success": success,
            "notices": notices,
            "expiry_days": expiry_days,
        }
        return self._call("POST", "/accounts", {k: v for k, v in body.items() if v is not None})

    def account(self, cip: str) -> dict[str, Any]:
        return self._call("GET", self._path(cip))

    def open_sessions(self, cip: str) -> int:
        """How many sessions of ``cip`` are open (logged in, neither logged out nor expired)."""
        return self._call("GET", self._path(cip))["open_sessions"]

    def accounts(self) -> list[dict[str, Any]]:
        return self._call("GET", "/accounts")

    def update_account(self, cip: str, **variant: Any) -> dict[str, Any]:
        """Change variants (qr, layout, wording, algorithm, digits, period, a11y, success,
        notices, expiry_days) of one account."""
        return self._call("PATCH", self._path(cip), variant)

    def set_notice_words(self, cip: str, **words: str) -> dict[str, str]:
        """What every notice of the account shows instead of its own words: ``heading``,
        ``text``, ``button`` (its way on); none given restores them."""
        return self._call("PUT", self._path(cip) + "/notice-words", words)

    def delete_account(self, cip: str) -> None:
        self._call("DELETE", self._path(cip))

    def reset_enrollment(self, cip: str) -> dict[str, Any]:
        return self._call("POST", self._path(cip) + "/reset-enrollment", {})

    def unlock(self, cip: str) -> dict[str, Any]:
        return self._call("POST", self._path(cip) + "/unlock", {})

    def required_actions(self, cip: str) -> list[str]:
        """The identity server's required actions still due for ``cip`` (Keycloak variant)."""
        return self._call("GET", self._path(cip) + "/required-actions")["actions"]

    def set_required_actions(self, cip: str, actions: list[str]) -> list[str]:
        """Ask ``actions`` (TERMS_AND_CONDITIONS, UPDATE_PASSWORD) at the next login."""
        body = {"actions": list(actions)}
        return self._call("PUT", self._path(cip) + "/required-actions", body)["actions"]

    def audit(self, cip: str | None = None) -> list[dict[str, Any]]:
        query = "?" + urlencode({"cip": cip}) if cip is not None else ""
        return self._call("GET", "/audit" + query)

    def requests(self) -> list[dict[str, Any]]:
        """Method and path of every portal request the sandbox answered, oldest first."""
        return self._call("GET", "/requests")

    def faults(self) -> dict[str, Any]:
        return self._call("GET", "/faults")

    def set_faults(
        self,
        *,
        latency: dict[str, float] | None = None,
        error_500: list[str] | None = None,
        outage: bool | None = None,
        clock_offset: float | None = None,
        broken_pages: list[str] | None = None,
    ) -> dict[str, Any]:
        """Merge the given faults into the current ones (None leaves a fault unchanged)."""
        body = {
            "latency": latency,
            "error_500": error_500,
            "outage": outage,
            "clock_offset": clock_offset,
            "broken_pages": broken_pages,
        }
        return self._call("PUT", "/faults", {k: v for k, v in body.items() if v is not None})

    def clear_faults(self) -> dict[str, Any]:
        return self._call("DELETE", "/faults")

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")
