"""Closed vocabularies of the register, with their Swedish labels.

Stored as plain strings (the Swedish words themselves) and guarded by CHECK constraints, so the
database, the exports and the CLI all speak the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DocumentStatus(StrEnum):
    """A document's status. A document is never deleted; it moves between these. The values are
    the Swedish words the database, the exports and the API carry (a StrEnum is those strings)."""

    DRAFT = "utkast"
    IN_PREPARATION = "under beredning"
    IN_FORCE = "gällande"
    REPEALED = "upphävd"
    SUPERSEDED = "ersatt"
    UNPUBLISHED = "avpublicerad"


DRAFT = DocumentStatus.DRAFT
IN_PREPARATION = DocumentStatus.IN_PREPARATION
IN_FORCE = DocumentStatus.IN_FORCE
REPEALED = DocumentStatus.REPEALED
SUPERSEDED = DocumentStatus.SUPERSEDED
UNPUBLISHED = DocumentStatus.UNPUBLISHED
DOCUMENT_STATUSES: tuple[str, ...] = tuple(DocumentStatus)

# Which status changes a service may make. Ending states (upphävd, ersatt) keep their history
# but are not reopened: a new document is registered instead.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    DRAFT: (IN_PREPARATION, IN_FORCE, UNPUBLISHED),
    IN_PREPARATION: (DRAFT, IN_FORCE, UNPUBLISHED),
    IN_FORCE: (REPEALED, SUPERSEDED, UNPUBLISHED),
    UNPUBLISHED: (DRAFT, IN_PREPARATION, IN_FORCE),
    REPEALED: (UNPUBLISHED,),
    SUPERSEDED: (UNPUBLISHED,),
}

# Levels of organ (Body), highest first.
BODY_LEVELS = ("fullmäktige", "styrelse", "utskott", "nämnd", "förvaltning", "tjänsteperson")

CASE_KINDS = ("motion", "medborgarförslag", "uppdrag", "interpellation", "ärende")

DECISION_OUTCOMES = (
    "bifall",
    "avslag",
    "besvarad",
    "återremiss",
    "bordlagd",
    "förslag till beslut",
    "antagen",
    "upphävd",
    "övrigt",
)

CASE_PAPER_KINDS = ("motion", "medborgarförslag", "tjänsteskrivelse", "protokollsutdrag", "yttrande", "övrigt")

CASE_DOCUMENT_ROLES = ("berör", "beslutsunderlag", "tjänsteskrivelse", "motion", "resultat")


@dataclass(frozen=True)
class RelationKind:
    key: str
    label: str  # source -> target
    inverse_label: str  # target -> source


RELATION_KINDS: dict[str, RelationKind] = {
    kind.key: kind
    for kind in (
        RelationKind("genomför", "genomför", "genomförs av"),
        RelationKind("konkretiserar", "konkretiserar", "konkretiseras av"),
        RelationKind("ersätter", "ersätter", "ersätts av"),
        RelationKind("upphäver", "upphäver", "upphävs av"),
        RelationKind("berör", "berör", "berörs av"),
        RelationKind("hänvisar till", "hänvisar till", "hänvisas från"),
    )
}

SCOPE_MUNICIPALITY = "kommunövergripande"

#: What the public may read: documents in force, being prepared, or ended (the record of what
#: applied). Drafts (utkast) and unpublished documents are for logged-in readers only.
PUBLIC_STATUSES = (IN_FORCE, IN_PREPARATION, REPEALED, SUPERSEDED)

#: Roles of logged-in users. The public needs no account.
ROLES = ("registrator", "revisor", "admin")


def sql_in(values: tuple[str, ...] | list[str]) -> str:
    """Render a CHECK-constraint IN list; values are our own constants, never user input."""
    return "(" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + ")"
