"""What a journey meets between the steps and reports: one row per notice kind, and every
word about it here only.

A notice kind's id is the ``kind`` every warning carries (the journey CLI's JSON, the
history's ``warnings`` column, the Allure « Avis » steps). Its row says how it is recognised
(the portal profile's elements, by key), how the journey goes past it (on with the control
that changes nothing, or never: it ends the journey with a cause), what it reports beside the
portal's own text (typed fields such as ``days``), whether and when ops hears of it (an
``Alert``: a passed probe is degraded with a cause when a field is within an ``[alerts]``
bound, and the date it implies is kept for the status page and the metrics), and, in French
(fr-CA) and English, a short title and the line that tells of one warning (for a page the
portal words itself, its own text: the title says what kind it is). The journey's notice
pages and Allure steps, the grading, the incidents, the status page and the metrics read it;
a unit test checks every row is whole in both languages and that no other module writes a
notice's words. ``{text}`` and the field names are ``str.format`` names.

Adding a notice kind is one member and one row here, and the place that finds it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from wording.causes import CAUSES, Cause


class Notice(StrEnum):
    """What a journey met and went past, or could not go past, without changing anything."""

    PASSWORD_EXPIRING = "password_expiring"
    TERMS = "terms"
    MAINTENANCE = "maintenance_announced"
    REMEMBER_DEVICE = "remember_device"
    INTERSTITIAL = "interstitial"
    NO_WAY_ON = "no_way_on"
    ACTION_REQUIRED = "action_required"
    LOGOUT_FAILED = "logout_failed"


class Passage(StrEnum):
    """How the journey goes past a notice."""

    CONTINUE = "continue"  # the way on that changes nothing (the profile's ``continue``)
    STOP = "stop"  # never: the journey ends with the row's cause, nothing submitted
    ENDED = "ended"  # the journey had already proved its point; the warning says what was left


@dataclass(frozen=True)
class Alert:
    """When ops hears of a notice: a passed probe whose warning's ``field`` is at most the
    ``[alerts]`` key ``within`` is degraded with ``cause`` and sends one warning (apprise), as
    serious as that cause; ``expiry`` names the date the field counts down to (``field`` days
    from the probe), kept in the history's expiries and exported as the gauge ``metric`` (a
    Unix time)."""

    cause: Cause
    within: str  # a key of [alerts] in monitors.toml (``monitors.config.AlertPolicy``)
    field: str
    expiry: str = ""  # the history's expiry kind ('' for none)
    expiry_words: tuple[str, str] = ("", "")  # what expires, in French and English
    metric: str = ""  # the gauge of that date
    metric_help: str = ""
    # The probe's one-line error once degraded (English like every journey error); names
    # are ``field``, ``cip`` and ``text``.
    error: str = ""

    @property
    def severity(self) -> Literal["critical", "warning"]:
        """How serious it is for ops: its cause's (``wording.causes``)."""
        return CAUSES[self.cause].severity


@dataclass(frozen=True)
class NoticeRow:
    recognised_by: tuple[str, ...]  # keys of the portal profile's elements (pages.profile)
    passage: Passage
    fields: tuple[str, ...]  # what a warning reports beside the portal's text (ints)
    fr: tuple[str, str]  # (title, the line of one warning: « Avis : … »)
    en: tuple[str, str]
    stops_with: Cause | None = None  # for ``Passage.STOP``
    alert: Alert | None = None


NOTICES: dict[Notice, NoticeRow] = {
    Notice.PASSWORD_EXPIRING: NoticeRow(
        ("password_expiry",), Passage.CONTINUE, ("days",),
        fr=("Expiration du mot de passe annoncée", "le mot de passe expire dans {days} jours"),
        en=("Password expiry announced", "the password expires in {days} days"),
        alert=Alert(
            Cause.PASSWORD_EXPIRING, "password_expiry_warn_days", "days",
            expiry="password", expiry_words=("mot de passe", "password"),
            metric="probe_password_expiry_timestamp_seconds",
            metric_help="Unix time the monitoring account's password expires, as the portal "
                        "announced it",
            error="the portal says the password of {cip} expires in {days} days: change it, "
                  "then the probe's password file or variable",
        ),
    ),
    Notice.TERMS: NoticeRow(
        ("action_required", "continue"), Passage.CONTINUE, (),
        fr=("Conditions acceptées", "{text}"),
        en=("Terms accepted", "{text}"),
    ),
    Notice.MAINTENANCE: NoticeRow(
        ("maintenance",), Passage.CONTINUE, (),
        fr=("Maintenance annoncée", "{text}"),
        en=("Maintenance announced", "{text}"),
    ),
    Notice.REMEMBER_DEVICE: NoticeRow(
        ("remember_device",), Passage.CONTINUE, (),
        fr=("Ordinateur non mémorisé", "{text}"),
        en=("Computer not remembered", "{text}"),
    ),
    Notice.INTERSTITIAL: NoticeRow(
        ("continue",), Passage.CONTINUE, (),
        fr=("Page intermédiaire", "{text}"),
        en=("Interstitial page", "{text}"),
    ),
    Notice.NO_WAY_ON: NoticeRow(
        ("success",), Passage.ENDED, (),
        fr=("Confirmation sans suite", "la page de confirmation n'offre aucun lien vers "
                                       "eEspresso ({text})"),
        en=("Confirmation without a way on", "the confirmation page offers no way on to "
                                             "eEspresso ({text})"),
    ),
    Notice.ACTION_REQUIRED: NoticeRow(
        ("action_required",), Passage.STOP, (),
        fr=("Formulaire laissé vide", "formulaire laissé vide, rien n'a été envoyé ({text})"),
        en=("Form left unfilled", "form left unfilled, nothing was submitted ({text})"),
        stops_with=Cause.ACTION_REQUIRED,
    ),
    Notice.LOGOUT_FAILED: NoticeRow(
        ("logout", "logged_out"), Passage.ENDED, (),
        fr=("Déconnexion en échec", "la déconnexion a échoué ({text})"),
        en=("Logout failed", "the logout failed ({text})"),
    ),
}  # fmt: skip

#: The words of a notice kind this table does not know (a newer runner's history).
UNKNOWN = NoticeRow(
    (), Passage.CONTINUE, (),
    fr=("Avis inconnu ({kind})", "{text}"),
    en=("Unknown notice ({kind})", "{text}"),
)  # fmt: skip

#: How much of the portal's text a warning keeps, and how much a line of it shows.
TEXT_MAX = 300
LINE_TEXT_MAX = 120
#: The Allure step of a warning, in French spelled as the seed's step titles (plain spaces).
STEP_TITLE = "Avis : {line}"


def row_of(kind: str) -> NoticeRow:
    """The row of ``kind`` (a ``Notice`` is its str value), ``UNKNOWN`` for one not here."""
    return NOTICES.get(kind, UNKNOWN)  # type: ignore[call-overload]


def alerting() -> dict[Notice, Alert]:
    """The notice kinds ops hears of, with when."""
    return {kind: row.alert for kind, row in NOTICES.items() if row.alert is not None}


@dataclass(frozen=True, eq=False)
class JourneyWarning(Mapping[str, object]):
    """One notice a journey met: its kind, its typed fields, and the portal's text (never a
    secret). It reads as the JSON object the history and the journey CLI have always written
    (``{"kind": "password_expiring", "days": 5, "text": …}``), so rows of older runners still
    read and compare equal to their stored form."""

    kind: Notice | str  # a str only for a kind this table does not know
    text: str = ""
    fields: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kind = Notice(self.kind) if self.kind in NOTICES else str(self.kind)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "text", " ".join(str(self.text).split())[:TEXT_MAX])
        object.__setattr__(self, "fields", dict(self.fields))

    @classmethod
    def of(cls, data: Mapping[str, object]) -> JourneyWarning:
        """A warning from its JSON object (the history, a test), or itself."""
        if isinstance(data, JourneyWarning):
            return data
        rest = {k: v for k, v in data.items() if k not in ("kind", "text")}
        return cls(str(data.get("kind", "")), str(data.get("text", "")), rest)

    @property
    def row(self) -> NoticeRow:
        return row_of(self.kind)

    def number(self, name: str) -> int | None:
        """A typed field as an int (``days``), None when absent or not a number."""
        value = self.fields.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def to_json(self) -> dict[str, object]:
        return {"kind": str(self.kind), **self.fields, "text": self.text}

    def __getitem__(self, key: str) -> object:
        if key == "kind":
            return self.kind
        if key == "text":
            return self.text
        return self.fields[key]

    def __iter__(self) -> Iterator[str]:
        yield "kind"
        yield from self.fields
        yield "text"

    def __len__(self) -> int:
        return len(self.fields) + 2
