"""Accessibility of first access and later login (``pytest -m a11y``).

eEspresso is a public health network's portal: Québec's standard SGQRI 008 3.0 builds on WCAG
2.1/2.2 level AA. Every screen of both journeys is checked with axe-core's WCAG A/AA rules and
with the checks axe cannot make (paste, one-time-code autofill, labels that are not
placeholders, announced errors, the QR's text alternative and its key as text). A sandbox
variant with known violations proves the same audits fail, naming the broken rules.
"""

from __future__ import annotations

import allure
import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from tests.fixtures.a11y_audit import (
    AccessibilityFailure,
    Audit,
    audit_first_access,
    audit_later_login,
)
from tests.fixtures.accounts import DEVICE_NAME, TestAccount, new_password, seed_enrolled

pytestmark = [pytest.mark.a11y, allure.feature("Accessibility")]

# The faulty variant's violations (sandbox/config.py "A11Y"): the unlabelled check box is
# found by axe ("label") and by our label check; axe cannot see the other two.
FAULTY_RULES = {"label", "field-label", "paste-allowed", "error-announced"}


# Where a journey ends: eEspresso's home page, or a confirmation page that offers no way on.
LAST_SCREENS = ("accueil", "confirmation")


@allure.story("first access")
@pytest.mark.enrollment
def test_first_access_screens_are_accessible(page, account, vault):
    audit = audit_first_access(page, account, vault)
    assert audit.screens[:2] == ["connexion", "configuration"]
    assert audit.screens[-1] in LAST_SCREENS
    audit.verdict()


@allure.story("later login")
@pytest.mark.login
def test_later_login_screens_are_accessible(page, enrolled, vault):
    audit = audit_later_login(page, enrolled, vault)
    assert audit.screens[:2] == ["connexion", "code"] and audit.screens[-1] in LAST_SCREENS
    audit.verdict()


@allure.story("first access")
@pytest.mark.parametrize("success", ["page", "page-only"])
def test_the_audits_go_past_notices_and_the_confirmation_page(
    success, fresh_page, make_account, vault
):
    """The audits meet what the journeys meet: a password-expiry notice, notices after the
    code and the seed's confirmation page, with or without a way on to eEspresso."""
    account = make_account(success=success, notices="all", layout="two-page")
    first = audit_first_access(fresh_page(), account, vault)
    ends = ["confirmation", "accueil"] if success == "page" else ["confirmation"]
    assert first.screens[-len(ends) :] == ends, first.screens
    assert {"password_expiring", "remember_device"} <= {w["kind"] for w in first.met.warnings}
    first.verdict()
    later = audit_later_login(fresh_page(), account, vault)
    assert later.screens[:2] == ["connexion", "code"] and later.screens[-1] in LAST_SCREENS
    assert "maintenance_announced" in {w["kind"] for w in later.met.warnings}
    later.verdict()


@allure.story("refusals are announced")
@pytest.mark.negative
@pytest.mark.parametrize("layout", ["one-page", "two-page"])
def test_refused_password_and_codes_are_announced(layout, page, make_account, vault):
    audit = audit_first_access(page, make_account(layout=layout), vault, refusals=True)
    assert "connexion refusée" in audit.screens and "configuration, code refusé" in audit.screens
    assert ("nom de l'appareil" in audit.screens) == (layout == "two-page")
    audit.verdict()


@allure.story("refusals are announced")
@pytest.mark.negative
def test_a_refused_code_at_later_login_is_announced(page, enrolled, vault):
    audit = audit_later_login(page, enrolled, vault, refusals=True)
    assert audit.screens == ["connexion", "connexion refusée", "code", "code refusé", "accueil"]
    audit.verdict()


@allure.story("the checks fail when they should")
@pytest.mark.negative
def test_the_faulty_variant_fails_naming_the_broken_rules(fresh_page, sandbox_factory, tmp_path):
    with sandbox_factory({"A11Y": "faulty"}) as faulty:
        first = TestAccount(faulty.url, new_cip(), new_password())
        faulty.admin.create_account(first.cip, first.password)
        later = TestAccount(faulty.url, new_cip(), new_password())
        created = faulty.admin.create_account(
            later.cip, later.password, enrolled=True, device_name=DEVICE_NAME
        )
        vault = Vault(tmp_path / "vault")
        later = seed_enrolled(vault, later, created)
        audits = [  # two browsers: the first access leaves its session open
            audit_first_access(fresh_page(), first, vault, refusals=True),
            audit_later_login(fresh_page(), later, vault, refusals=True),
        ]
    rules: set[str] = set()
    for audit in audits:
        failure = _failure(audit)
        rules |= failure.rules
        for rule in failure.rules:
            assert rule in str(failure)  # the message a person reads names each rule
    assert rules == FAULTY_RULES
    assert {f.screen for a in audits for f in a.findings if f.rule == "paste-allowed"} == {
        "configuration",
        "code",
    }


def _failure(audit: Audit) -> AccessibilityFailure:
    with pytest.raises(AccessibilityFailure) as raised:
        audit.verdict()
    return raised.value
