"""The Vault against a plain-dict model: any sequence of operations, same answers (hypothesis).

Each step also reopens the file with a fresh ``Vault``, so what is compared is what was
written to disk, not an object's memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from authenticator import Vault, VaultError, parse_uri
from tests.fixtures.rfc_vectors import base32

URLS = ("http://127.0.0.1:8080", "https://paierh.example/portail")
CIPS = ("CIP1", "CIP2")
ACCOUNTS = [
    parse_uri(f"otpauth://totp/eEspresso:CIP?secret={base32(bytes([n]) * 16)}") for n in (1, 2)
]
keys = st.tuples(st.sampled_from(URLS), st.sampled_from(CIPS))


class VaultModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "vault"
        self.model: dict[tuple[str, str], dict] = {}

    def vault(self) -> Vault:
        return Vault(self.path)

    @rule(key=keys, account=st.sampled_from(ACCOUNTS), device=st.text(max_size=12))
    def save_pending(self, key, account, device) -> None:
        self.vault().save_pending(*key, account, device)
        last = self.model.get(key, {}).get("last_step")
        self.model[key] = {"account": account, "state": "pending", "device": device}
        self.model[key].update(last_step=last, undo=False)

    @rule(key=keys)
    def activate(self, key) -> None:
        if key in self.model:
            self.vault().activate(*key)
            self.model[key]["state"] = "active"
        else:
            self._expect_missing(lambda: self.vault().activate(*key))

    @rule(key=keys, step=st.integers(0, 20))
    def claim(self, key, step) -> None:
        if key not in self.model:
            self._expect_missing(lambda: self.vault().claim_step(*key, step))
            return
        entry = self.model[key]
        expected = entry["last_step"] is None or step > entry["last_step"]
        assert self.vault().claim_step(*key, step) is expected
        if expected:
            entry.update(before=entry["last_step"], last_step=step, undo=True)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def release(self, data) -> None:
        key = data.draw(st.sampled_from(sorted(self.model)))
        entry = self.model[key]
        step = data.draw(st.sampled_from([entry["last_step"] or 0, 99]))
        expected = entry["undo"] and step == entry["last_step"]
        assert self.vault().release_step(*key, step) is expected
        if expected:
            entry.update(last_step=entry["before"], undo=False)

    @rule(key=keys)
    def remove(self, key) -> None:
        assert self.vault().remove(*key) is (self.model.pop(key, None) is not None)

    @invariant()
    def same_as_model(self) -> None:
        entries = {(e.base_url, e.cip): e for e in self.vault().entries()}
        assert set(entries) == set(self.model)
        for key, expected in self.model.items():
            entry = entries[key]
            assert entry.account == expected["account"] and entry.state == expected["state"]
            assert entry.device_name == expected["device"]
            assert entry.last_step == expected["last_step"]

    def _expect_missing(self, call) -> None:
        try:
            call()
        except VaultError as error:
            assert "nothing is enrolled" in str(error)
        else:
            raise AssertionError("a missing entry was accepted")

    def teardown(self) -> None:
        self.folder.cleanup()


VaultModel.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
test_vault_matches_its_model = VaultModel.TestCase
