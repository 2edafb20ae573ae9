"""Spreadsheet formula safety, in one place (OWASP "CSV injection").

A cell whose text starts with one of :data:`PREFIXES` is evaluated by Excel, LibreOffice or
Google Sheets. Exports put a quote before such text (:func:`neutralise`), imports take it off
again (:func:`unquote`), and free-text fields refuse text that reads as a formula
(:func:`is_formula`; numbers and phone numbers such as ``-5`` or ``+212 5…`` are not formulas).

Examples
--------
>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("+212 536"), neutralise(42)
('\\'=HYPERLINK("http://x")', "'+212 536", 42)
>>> unquote(neutralise("@SUM(A1)")), unquote("'quoted'")
('@SUM(A1)', "'quoted'")
>>> is_formula(" =1+1"), is_formula("-cmd|' /c calc'!A0"), is_formula("+212 536 12 34 56"), is_formula("-5")
(True, True, False, False)
"""
from __future__ import annotations

import re

#: First characters that make a spreadsheet evaluate a cell.
PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().,/-]*")  # a signed number or a phone number: evaluates to itself


def is_formula(text: str) -> bool:
    """Would a spreadsheet evaluate ``text`` (leading blanks ignored) as something other than a number?"""
    stripped = text.lstrip()
    return stripped.startswith(PREFIXES) and not _NUMBER.fullmatch(stripped)


def neutralise(value: object) -> object:
    """Text a spreadsheet would evaluate, prefixed with a quote; other values unchanged."""
    if isinstance(value, str) and value.startswith(PREFIXES):
        return "'" + value
    return value


def unquote(cell: str) -> str:
    """Undo :func:`neutralise` (a file exported here and imported back keeps its text)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in PREFIXES else cell
