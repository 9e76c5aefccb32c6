"""What a published roster workbook keeps about itself, so that a hand-edited copy can be
re-checked and rebuilt from without the plan: each department's people, shifts, rules,
requirement, per-shift head counts, where its grid is and what was published.

Stored as sorted JSON in a hidden sheet (``_sheetplan``, cells of at most 30,000 characters),
so the same plan still gives a byte-identical workbook. Read back with openpyxl.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .calc.department_roster import DepartmentRoster
from .calc.roster import Person, RosterRules, ShiftCover, ShiftTemplate

SHEET = "_sheetplan"
CHUNK = 30_000  # Excel holds at most 32,767 characters in a cell
FORMAT = 1


@dataclass
class GridPlace:
    """Where a department's grid is: sheet, header row (0-based), first day column, person rows."""

    sheet: str
    header: int
    first_col: int
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class StoredRoster:
    department: str
    people: list[Person]
    shifts: list[ShiftTemplate]
    rules: RosterRules
    requirement: dict[str, list[int]]
    shift_cover: list[ShiftCover]
    published: list[tuple[str, int, str, str]]  # (person, day, shift code, post)
    grid: GridPlace
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> id, phone, lead


@dataclass
class Stored:
    lang: str
    start: str  # ISO date of the campaign's first day
    days: list[str]  # day labels (MM-DD)
    interval_minutes: int
    stamp: str
    rosters: list[StoredRoster]


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, frozenset | set):
        return sorted(_plain(v) for v in obj)
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    return obj


def dumps(stored: Stored) -> str:
    return json.dumps({"format": FORMAT, **_plain(stored)}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def loads(text: str) -> Stored:
    raw = json.loads(text)
    if raw.get("format") != FORMAT:
        raise ValueError(f"roster data format {raw.get('format')!r}, expected {FORMAT}")
    rosters = []
    for r in raw["rosters"]:
        people = [Person(**{**p, "posts": tuple(p["posts"]), "unavailable_days": frozenset(p["unavailable_days"]),
                            "available_windows": None if p["available_windows"] is None
                            else tuple(tuple(w) for w in p["available_windows"]),
                            "max_shifts": tuple(tuple(x) for x in p["max_shifts"])}) for p in r["people"]]
        shifts = [ShiftTemplate(**{**t, "kinds": frozenset(t["kinds"]),
                                   "not_followed_by": frozenset(t["not_followed_by"])}) for t in r["shifts"]]
        rd = r["rules"]
        rules = RosterRules(**{**rd, "night_codes": None if rd["night_codes"] is None else frozenset(rd["night_codes"]),
                               "peak_days": frozenset(rd["peak_days"]),
                               "weekends": tuple(tuple(w) for w in rd["weekends"]),
                               "solver_params": tuple(tuple(x) for x in rd["solver_params"])})
        rosters.append(StoredRoster(
            r["department"], people, shifts, rules, r["requirement"], [ShiftCover(**c) for c in r["shift_cover"]],
            [tuple(a) for a in r["published"]], GridPlace(**r["grid"]), r.get("contacts", {}),
        ))
    return Stored(raw["lang"], raw["start"], raw["days"], raw["interval_minutes"], raw["stamp"], rosters)


def stored_roster(dr: DepartmentRoster, grid: GridPlace, rules: RosterRules, shift_cover: Sequence[ShiftCover],
                  contacts: dict[str, dict[str, str]]) -> StoredRoster:
    published = [(a.person, a.day, a.shift_code, a.post) for a in dr.result.assignments]
    return StoredRoster(dr.department, list(dr.people), list(dr.shifts), rules, dict(dr.requirement),
                        list(shift_cover), sorted(published), grid, contacts)


def write_store(wb: Any, stored: Stored) -> None:
    """The hidden sheet, on an xlsxwriter workbook (written last, so it never becomes the active one)."""
    ws = wb.add_worksheet(SHEET)
    text = dumps(stored)
    for k in range(0, max(1, len(text)), CHUNK):
        ws.write_string(k // CHUNK, 0, text[k:k + CHUNK])
    ws.hide()


def read_store(wb: Any) -> Stored | None:
    """The stored data of an openpyxl workbook, or None when it has none (not a sheetplan roster)."""
    if SHEET not in wb.sheetnames:
        return None
    ws = wb[SHEET]
    parts = [str(row[0]) for row in ws.iter_rows(min_col=1, max_col=1, values_only=True) if row[0] is not None]
    return loads("".join(parts))
