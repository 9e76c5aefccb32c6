"""Planner text inside formulas: the only way it gets there, escaped for its context.

Text a planner typed (a post, a shift code, a department) reaches a formula either by cell
reference or through one of these functions — never spliced raw. A string literal ends at an
undoubled quote; COUNTIF/SUMIF/MATCH criteria also treat ``*`` and ``?`` as wildcards, ``~`` as
their escape and a leading ``=``, ``<``, ``>`` as an operator.
"""

from __future__ import annotations

_WILDCARDS = str.maketrans({"~": "~~", "*": "~*", "?": "~?"})


def text(value: str) -> str:
    """A string literal: ``a"b`` -> ``"a""b"``."""
    return '"' + str(value).replace('"', '""') + '"'


def literal(value: str) -> str:
    """Planner text as the literal part of a criteria pattern (wildcards escaped)."""
    return str(value).translate(_WILDCARDS)


def criteria(pattern: str) -> str:
    """A COUNTIF/SUMIF criteria string that compares for equality with ``pattern`` (which may hold
    wildcards of our own; planner text in it must have passed :func:`literal`). The leading '='
    keeps text such as '<5' or '=x' from reading as an operator."""
    return text("=" + pattern)


def footer(value: str) -> str:
    """Text for a page header or footer, where '&' starts a code (&P page, &B bold, &72 size …).
    Doubling it ('&&') is Excel's escape, but xlsxwriter then reads 'P&&G' as an image
    placeholder and drops the footer; the full-width '＆' reads the same and is no code. Line
    breaks and tabs become spaces (a footer is one line)."""
    return " ".join(str(value).split()).replace("&", "＆")
