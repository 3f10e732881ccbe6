"""Swedish UI text that registry/ writes, kept translatable without Flask.

- ``N_("gällande")`` marks a fixed word or heading in one of registry's tables so that
  ``pybabel extract -k N_`` puts it in the message catalogue; the value is the Swedish text.
- ``Phrase("%(n)s par i %(groups)s grupper", n=3, groups=1)`` is a sentence with values: it *is*
  the Swedish string (a ``str``), and remembers its template and values so that the web can say it
  in the reader's language (``web.i18n.t``). A value that is itself a Phrase is translated too.
- ``Decided("Riktlinjer för parkering")`` is the municipality's own words (a title, an organ's
  name): never translated, and marked ``lang="sv"`` on an English page.

The CLI, the API and the exports outside a web request use the Swedish strings as they are."""

from __future__ import annotations

from typing import Any


def N_(text: str) -> str:
    """The text itself; only a mark for the catalogue."""
    return text


class Phrase(str):
    """A Swedish sentence that remembers how it was made (see the module's docstring)."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Phrase:
        made = super().__new__(cls, template % values if values else template)
        made.template = template
        made.values = values
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the template
        return (_remake, (self.template, self.values))

    def format(self, *args: Any, **kwargs: Any) -> str:
        """marshmallow formats every error message with ``{input}`` and the like; a Phrase has
        its values already, so it stays itself (and translatable) when its template has no braces
        (a value may: a title with "{" in it must not be taken for a field)."""
        return self if "{" not in self.template else str(self).format(*args, **kwargs)


def _remake(template: str, values: dict[str, Any]) -> Phrase:
    return Phrase(template, **values)


class Capitalised(Phrase):
    """A word begun with a capital, as a label ("Giltig från"); said in another language as its
    own translation, begun with a capital too."""

    def __new__(cls, word: str) -> Capitalised:
        made = str.__new__(cls, word[:1].upper() + word[1:])
        made.template = word
        made.values = {}
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Capitalised, (self.template,))


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Decided(str):
    """The municipality's own words (see the module's docstring)."""
