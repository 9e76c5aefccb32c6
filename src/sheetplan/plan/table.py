"""One table of a plan, from plain values: header matching and typed, validated cells.

The workbook reader, the Excel functions that take whole tables (SP_ROSTER) and the pandas API
all read tables the same way: a header row whose names match the schema in Chinese or English
(any order, extra columns kept aside), then one row per record. Every problem names its row and
column in the language asked for.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..i18n import join
from ..messages import msg
from .cells import (
    CellError,
    is_blank,
    to_date,
    to_dates,
    to_int,
    to_list,
    to_moment,
    to_number,
    to_text,
    to_time,
)
from .schema import CODE_LABELS, Column, Sheet, _norm, canonical_choice

MAX_MAGNITUDE = 1e15  # Excel keeps 15 significant digits; larger numbers are typos, not plans


def convert(col: Column, v: Any, year: int) -> Any:
    """One non-blank cell as the column's type; CellError (a message key) when it cannot be."""
    kind = col.kind
    if kind in ("number", "percent"):
        x: float = to_number(v)
    elif kind == "int":
        x = to_int(v)
    elif kind == "date":
        return to_date(v, year)
    elif kind == "time":
        return to_time(v)
    elif kind == "list":
        items = to_list(v)
        return tuple(_name(x, col) for x in items) if col.max_len else items
    elif kind == "dates":
        return to_dates(v, year)
    elif kind == "moment":
        return to_moment(v, year)
    else:
        text = _name(to_text(v), col) if col.max_len else to_text(v)
        if kind == "choice" and col.choices and text not in col.choices:
            canonical = canonical_choice(text, col.choices)
            if canonical is None:
                coded = any(c in CODE_LABELS for c in col.choices)  # codes: say what a planner can type
                shown = [f"{CODE_LABELS[c][0]}/{CODE_LABELS[c][1]} ({c})" if c in CODE_LABELS else c
                         for c in col.choices]
                raise CellError("bad_choice", value=text, choices=(", " if coded else "/").join(shown))
            return canonical
        return text
    if col.minimum is not None and x < col.minimum:
        raise CellError("too_small", value=_fmt(x), min=_fmt(col.minimum))
    if col.smallest is not None and 0 < abs(x) < col.smallest:
        raise CellError("too_small", value=_fmt(x), min=_fmt(col.smallest))
    if col.maximum is not None and x > col.maximum:
        raise CellError("too_large", value=_fmt(x), max=_fmt(col.maximum))
    if not math.isfinite(x) or abs(x) >= MAX_MAGNITUDE:  # beyond Excel's 15 digits; 1e308 overflows the calculators
        raise CellError("too_large" if x > 0 else "too_small", value=_fmt(x), max="1e+15", min="-1e+15")
    return x


def _name(text: str, col: Column) -> str:
    """A name other cells refer to: one space for any run of whitespace (a tab or line break in a
    department would not match itself once recalculated), and not longer than the column allows."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch.isspace())
    name = " ".join(visible.split())  # no bidi override or zero-width character can disguise a name
    if col.max_len is not None and len(name) > col.max_len:
        raise CellError("too_long", value=name[:20] + "…", max=col.max_len)
    return name


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Record:
    """One valid row: typed values by column key (blanks left out) and its 1-based row number."""

    values: dict[str, Any]
    row: int


def header_map(cells: Sequence[Any], spec: Sheet) -> dict[int, str]:
    """Column index -> column key for a header row (names in Chinese or English, '*' ignored)."""
    mapping: dict[int, str] = {}
    for ci, v in enumerate(cells):
        if is_blank(v):
            continue
        name = _norm(str(v)).rstrip("*")
        for c in spec.columns:
            if name in c.names() and c.key not in mapping.values():
                mapping[ci] = c.key
                break
    return mapping


def read_rows(
    values: Sequence[Sequence[Any]], spec: Sheet, lang: str = "zh", *, name: str = "", year: int | None = None,
    first_row: int = 1,
) -> tuple[list[Record], list[str]]:
    """A table given as rows of values, the first row its header. Returns the valid records and
    every problem as '<name> row N <column>: message' (row numbers count from ``first_row``)."""
    year = year or dt.date.today().year
    problems: list[str] = []
    label = name or spec.label(lang)
    if not values:
        return [], [f"{label}: " + msg("no_rows", lang)]
    mapping = header_map(values[0], spec)
    missing = [c.label(lang) for c in spec.columns if c.required and c.key not in mapping.values()]
    if missing:
        return [], [f"{label}: " + msg("missing_column", lang, column=join(missing, lang), row=first_row)]
    records = []
    for r, cells in enumerate(values[1:], start=first_row + 1):
        raw = {key: cells[ci] if ci < len(cells) else None for ci, key in mapping.items()}
        if all(is_blank(v) for v in raw.values()):
            continue
        typed: dict[str, Any] = {}
        ok = True
        for key, v in raw.items():
            col = spec.column(key)
            if is_blank(v):
                if col.required:
                    problems.append(f"{label} row {r}: " + msg("required", lang, column=col.label(lang)))
                    ok = False
                continue
            try:
                typed[key] = convert(col, v, year)
            except CellError as e:
                problems.append(f"{label} row {r}: " + msg(e.key, lang, column=col.label(lang), **e.kw))
                ok = False
        if ok:
            records.append(Record(typed, r))
    return records, problems
