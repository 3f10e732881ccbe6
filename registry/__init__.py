"""Styrdok's framework-free core: models, services, rules engine and Swedish text analysis.

Nothing in this package imports Flask or ``web``; the web app and the CLI call into it.
"""
