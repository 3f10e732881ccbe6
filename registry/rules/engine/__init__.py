"""The check engine: apply a municipality's definitions to a text. Pure: no database, no I/O.

``check`` reads a request (motion, medborgarförslag, uppdrag): which types it asks for, which
type its content fits, and what the rule file says about that. ``classify`` reads a document's
text, optionally against the type it is registered as. Both return an :class:`Assessment`
whose every score and finding can be traced to sentences of the input.

The steps, one module each, in the order a text goes through them:

- :mod:`.lexicon`    which words name which type ("AI-strategi", "handlingsplanen")
- :mod:`.requests`   what each type word is doing: asked for, cited, reviewed, nested, negated
- :mod:`.cues`       where each clause of each definition shows in the text
- :mod:`.context`    one text analysed against one ruleset (the steps above, run once)
- :mod:`.evidence`   the label and the content weighed (weights in rules/weights/)
- :mod:`.findings`   what is reported, quoting the definition clause and the evidence
- :mod:`.suggest`    the att-sats that would ask for the fitting type
- :mod:`.assessment` ``check`` and ``classify``

Phrase lists are data in ``phrases.toml``; finding codes are catalogued in :mod:`.codes`.
"""

from registry.rules.engine.assessment import TextEvidence, check, classify, stated_type_gap, text_evidence
from registry.rules.engine.codes import FINDING_CODES, finding_label
from registry.rules.engine.cues import FEATURE_NAMES
from registry.rules.engine.lexicon import Lexicon, Mention, find_mentions, type_lexicon
from registry.rules.engine.requests import MentionRole, classify_mentions, requested_types
from registry.rules.engine.results import Assessment, ClauseFit, Finding, RelatedDocument

__all__ = [
    "FEATURE_NAMES",
    "FINDING_CODES",
    "Assessment",
    "ClauseFit",
    "Finding",
    "Lexicon",
    "Mention",
    "MentionRole",
    "RelatedDocument",
    "TextEvidence",
    "check",
    "classify",
    "classify_mentions",
    "find_mentions",
    "finding_label",
    "requested_types",
    "stated_type_gap",
    "text_evidence",
    "type_lexicon",
]
