"""Helpers the tests share (paths, the web app as the tests build it, logging in); fixtures stay in the conftest files."""
