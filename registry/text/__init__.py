"""Swedish text analysis: units (sentences, list items, questions), tokens, stems, att-satser."""

from registry.text.swedish import Unit, analyse, stem, tokenize

__all__ = ["Unit", "analyse", "stem", "tokenize"]
