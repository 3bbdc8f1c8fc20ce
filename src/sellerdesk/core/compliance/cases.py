"""Placeholder."""

RULES: tuple = ()
