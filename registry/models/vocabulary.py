"""Closed vocabularies of the register, with their Swedish labels.

Stored as plain strings (the Swedish words themselves) and guarded by CHECK constraints, so the
database, the exports and the CLI all speak the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from registry.text.ui import N_


class DocumentStatus(StrEnum):
    """A document's status. A document is never deleted; it moves between these. The values are
    the Swedish words the database, the exports and the API carry (a StrEnum is those strings)."""

    DRAFT = N_("utkast")
    IN_PREPARATION = N_("under beredning")
    IN_FORCE = N_("gällande")
    REPEALED = N_("upphävd")
    SUPERSEDED = N_("ersatt")
    UNPUBLISHED = N_("avpublicerad")


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

CASE_KINDS = (N_("motion"), N_("medborgarförslag"), N_("uppdrag"), N_("interpellation"), N_("ärende"))

DECISION_OUTCOMES = (
    N_("bifall"),
    N_("avslag"),
    N_("besvarad"),
    N_("återremiss"),
    N_("bordlagd"),
    N_("förslag till beslut"),
    N_("antagen"),
    N_("upphävd"),
    N_("övrigt"),
)

CASE_PAPER_KINDS = (
    N_("motion"),
    N_("medborgarförslag"),
    N_("tjänsteskrivelse"),
    N_("protokollsutdrag"),
    N_("yttrande"),
    N_("övrigt"),
)

CASE_DOCUMENT_ROLES = (N_("berör"), N_("beslutsunderlag"), N_("tjänsteskrivelse"), N_("motion"), N_("resultat"))


@dataclass(frozen=True)
class RelationKind:
    key: str
    label: str  # source -> target
    inverse_label: str  # target -> source


RELATION_KINDS: dict[str, RelationKind] = {
    kind.key: kind
    for kind in (
        RelationKind("genomför", N_("genomför"), N_("genomförs av")),
        RelationKind("konkretiserar", N_("konkretiserar"), N_("konkretiseras av")),
        RelationKind("ersätter", N_("ersätter"), N_("ersätts av")),
        RelationKind("upphäver", N_("upphäver"), N_("upphävs av")),
        RelationKind("berör", N_("berör"), N_("berörs av")),
        RelationKind("hänvisar till", N_("hänvisar till"), N_("hänvisas från")),
    )
}

SCOPE_MUNICIPALITY = "kommunövergripande"

#: What the public may read: documents in force, being prepared, or ended (the record of what
#: applied). Drafts (utkast) and unpublished documents are for logged-in readers only.
PUBLIC_STATUSES = (IN_FORCE, IN_PREPARATION, REPEALED, SUPERSEDED)

#: Roles of logged-in users. The public needs no account.
ROLES = (N_("registrator"), N_("revisor"), N_("admin"))


def sql_in(values: tuple[str, ...] | list[str]) -> str:
    """Render a CHECK-constraint IN list; values are our own constants, never user input."""
    return "(" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + ")"
