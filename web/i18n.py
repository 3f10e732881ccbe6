"""Swedish is the source language; English comes from the message catalogue in
``web/translations`` (Flask-Babel), chosen with the footer's button and kept in the session.

``_()`` in templates and views, ``t`` (the ``t`` filter) for registry's words and ``Phrase``
sentences, ``sv`` and ``Decided`` for the municipality's own words, which stay Swedish and are
marked lang="sv" (docs/architecture.md, "Translations")."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, session
from flask_babel import Babel, get_translations
from markupsafe import Markup, escape

from registry.text.ui import Capitalised, Decided, Phrase, capitalised

LANGUAGES = ("sv", "en")


def lang() -> str:
    if not has_request_context():
        return "sv"
    chosen = session.get("lang", "sv")
    return chosen if chosen in LANGUAGES else "sv"


def t(text: Any, **values: Any) -> Any:
    """Say a Swedish UI string in the reader's language: a literal, a word from one of registry's
    tables, or a ``Phrase`` (its values translated the same way). The municipality's own words
    (``Decided``) and anything else that is not text are returned as they are."""
    if isinstance(text, Capitalised):
        return capitalised(t(text.template))
    if isinstance(text, Phrase):
        values = {**text.values, **values}
        text = text.template
    elif not isinstance(text, str) or isinstance(text, Decided) or not text:
        return text
    said = _gettext(text) if has_request_context() else text  # outside a request: Swedish
    if not values:
        return said
    return said % {key: t(value) if isinstance(value, Phrase) else value for key, value in values.items()}


def t_html(text: Any) -> Markup:
    """``t`` for a page: the municipality's own words inside it marked lang="sv"."""
    if isinstance(text, Decided):
        return sv(text)
    if isinstance(text, Capitalised) or not isinstance(text, Phrase):
        return escape(t(text))
    template = _gettext(text.template) if has_request_context() else text.template
    return Markup(escape(template)) % {
        key: t_html(value) if isinstance(value, (Phrase, Decided)) else value for key, value in text.values.items()
    }


def sv(value: object) -> Markup:
    """Decided content inside an English page: marked Swedish so that screen readers read it as
    Swedish. In a Swedish page the whole page already is."""
    if value is None or value == "":
        return Markup("")
    if lang() == "sv":
        return escape(value)
    return Markup('<span lang="sv">%s</span>') % value


def _gettext(message: str) -> str:
    """Swedish is the source: a Swedish page needs no catalogue. (Flask-Babel looks up the
    request's translations on every call, a few hundred times for one register page.)"""
    return message if lang() == "sv" else get_translations().ugettext(message)


def _ngettext(singular: str, plural: str, number: int) -> str:
    if lang() == "sv":
        return singular if number == 1 else plural
    return get_translations().ungettext(singular, plural, number)


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "sv")
    Babel(app, locale_selector=lang)
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.globals.update(lang=lang, t=t)
    app.jinja_env.filters["sv"] = sv
    app.jinja_env.filters["t"] = t_html
