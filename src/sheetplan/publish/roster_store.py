"""What a published roster workbook keeps about itself, so that a hand-edited copy can be
re-checked and rebuilt from without the plan: each department's people, shifts, rules,
requirement, per-shift head counts, where its grid is and what was published.

Stored as sorted JSON in a hidden sheet (``_sheetplan``, cells of at most 30,000 characters),
so the same plan still gives a byte-identical workbook. Read back with openpyxl, and checked
against the types of the classes it is read into (a hidden sheet can still be unhidden and
edited): anything else is one :class:`StoreError` naming the sheet, never a KeyError later.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from ..calc.department_roster import DepartmentRoster
from ..calc.roster import Person, RosterRules, ShiftCover, ShiftTemplate
from ..messages import msg
from ..render.places import GridPlace

SHEET = "_sheetplan"
CHUNK = 30_000  # Excel holds at most 32,767 characters in a cell
FORMAT = 1
MAX_DECIDED = 1_000_000  # hand-edit decisions one department can carry (1,500 people x 366 days is less)


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
    priority: dict[str, list[float]] = field(default_factory=dict)  # 必保时段 weights per post and interval
    # (person, day) of the cells hand edits decided when this roster was built (--keep-edits): the
    # next --keep-edits keeps them as decisions too, unless they are edited again
    decided: list[tuple[str, int]] = field(default_factory=list)
    # posts the plan needs that no one here holds (post -> requirement per interval): not in the
    # grid, so check-roster would otherwise count a department with nobody on a post as covered
    vacant: dict[str, list[int]] = field(default_factory=dict)
    all_hands: list[int] = field(default_factory=list)  # 全员在岗 days (indices): who is off is said again


@dataclass
class Stored:
    lang: str
    start: str  # ISO date of the campaign's first day
    days: list[str]  # day labels (MM-DD)
    interval_minutes: int
    stamp: str
    rosters: list[StoredRoster]
    plan: str = ""  # the plan's identity (its campaign name): --keep-edits refuses another plan's workbook
    sale_day: int | None = None  # index of the sale day among ``days`` (its peak gaps are critical)
    # cells hand edits decided in the whole output set, per department, when it was built: a
    # --keep-edits given this workbook but no roster of such a department says those edits are
    # rostered afresh (the department's own decided cells are in its roster, in its workbook)
    set_decided: dict[str, int] = field(default_factory=dict)
    # what the re-check can see: 1 = the grid's gaps and rules; 2 = also posts no one holds and
    # all-hands days (workbooks published from 2026-12-08). Older data reads as 1, and is said so
    checks: int = 1


CHECKS = 2  # what this version stores: see Stored.checks


class StoreError(ValueError):
    """The hidden roster data cannot be used (damaged or edited by hand); the message says so."""


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
    """The stored data, every value checked against the type it is read into (ValueError)."""
    raw = json.loads(text)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        got = raw.get("format") if isinstance(raw, dict) else type(raw).__name__
        raise ValueError(f"roster data format {got!r}, expected {FORMAT}")
    stored = _typed(Stored, {k: v for k, v in raw.items() if k != "format"}, "")
    _consistent(stored)
    return stored


def _typed(tp: Any, value: Any, where: str) -> Any:
    """``value`` (parsed JSON) as ``tp`` — a dataclass, a container of them or a plain type —
    or a ValueError naming the field path."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any or tp is object:
        if isinstance(value, str | int | float | bool) or value is None:
            return value
    elif dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise ValueError(f"{where or tp.__name__}: expected an object")
        hints = typing.get_type_hints(tp)
        kw = {}
        for f in dataclasses.fields(tp):
            if f.name in value:
                kw[f.name] = _typed(hints[f.name], value[f.name], f"{where}.{f.name}".lstrip("."))
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ValueError(f"{where}.{f.name}: missing".lstrip("."))
        return tp(**kw)  # __post_init__ checks ranges (ValueError)
    elif origin in (Union, types.UnionType):
        for a in args:
            try:
                return _typed(a, value, where)
            except (ValueError, TypeError):
                continue
    elif origin is Literal:
        if value in args:
            return value
    elif tp is type(None):
        if value is None:
            return None
    elif tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    elif tp is str:
        if isinstance(value, str):
            return value
    elif origin in (list, tuple, frozenset, set) and isinstance(value, list):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(value) != len(args):
                raise ValueError(f"{where}: expected {len(args)} values")
            return tuple(_typed(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True)))
        items = [_typed(args[0], v, f"{where}[{i}]") for i, v in enumerate(value)]
        return origin(items)
    elif origin is dict and isinstance(value, dict):
        return {_typed(args[0], k, where): _typed(args[1], v, f"{where}.{k}") for k, v in value.items()}
    what = getattr(tp, "__name__", tp)
    raise ValueError(f"{where or '?'}: {type(value).__name__} {str(value)[:40]!r} is not a {what}")


def _consistent(s: Stored) -> None:
    """What the types cannot say: days, intervals and published shifts that fit together."""
    if not s.days or s.interval_minutes <= 0 or 60 % s.interval_minutes or s.lang not in ("zh", "en"):
        raise ValueError("days, interval or language out of range")
    if s.sale_day is not None and not 0 <= s.sale_day < len(s.days):
        raise ValueError("sale day out of range")
    for dept, v in s.set_decided.items():
        if not dept.strip() or not 0 <= v <= MAX_DECIDED:
            raise ValueError(f"set_decided.{dept}: {v} hand edits out of range (0-{MAX_DECIDED:,})")
    n = len(s.days) * 24 * 60 // s.interval_minutes
    for r in s.rosters:
        names, codes = {p.name for p in r.people}, {t.code for t in r.shifts}
        if len(names) != len(r.people) or len(codes) != len(r.shifts):
            raise ValueError(f"{r.department}: repeated people or shift codes")
        if any(len(v) != n or min(v, default=0) < 0 for v in r.requirement.values()):
            raise ValueError(f"{r.department}: requirement of the wrong length")
        for person, day, code, _post in r.published:
            if person not in names or code not in codes or not 0 <= day < len(s.days):
                raise ValueError(f"{r.department}: published shift {person} {day} {code} unknown")
        if any(not 0 <= c.day < len(s.days) or c.shift_code not in codes for c in r.shift_cover):
            raise ValueError(f"{r.department}: shift cover out of range")
        if any(len(v) != n or not all(math.isfinite(w) and w > 0 for w in v) for v in r.priority.values()):
            raise ValueError(f"{r.department}: must-cover weights of the wrong length or not positive")
        if any(len(v) != n or min(v, default=0) < 0 for v in r.vacant.values()):
            raise ValueError(f"{r.department}: requirement of a vacant post of the wrong length")
        if any(not 0 <= day < len(s.days) for day in r.all_hands):
            raise ValueError(f"{r.department}: an all-hands day out of range")
        if any(person not in names or not 0 <= day < len(s.days) for person, day in r.decided):
            raise ValueError(f"{r.department}: a decided cell out of range")
        if r.grid.header < 0 or r.grid.first_col < 1:
            raise ValueError(f"{r.department}: grid place out of range")


def stored_roster(dr: DepartmentRoster, grid: GridPlace, rules: RosterRules, shift_cover: Sequence[ShiftCover],
                  contacts: dict[str, dict[str, str]], decided: Sequence[tuple[str, int]] = (),
                  all_hands: Sequence[int] = ()) -> StoredRoster:
    """``decided``: (person, day) of the cells hand edits decided (the 改动记录 entries kept);
    ``all_hands``: the department's all-hands days."""
    published = [(a.person, a.day, a.shift_code, a.post) for a in dr.result.assignments]
    names = {p.name for p in dr.people}
    cells = sorted({(name, day) for name, day in decided if name in names and 0 <= day < dr.result.horizon_days})
    # a day off a hand edit decided is no unavailability of the person's (the plan does not say
    # so; the next round may give that day a shift again): check-roster judges as a rebuild does
    working = {(p, day) for p, day, _, _ in published}
    offs: dict[str, set[int]] = {}
    for name, day in cells:
        if (name, day) not in working:
            offs.setdefault(name, set()).add(day)
    people = [dataclasses.replace(p, off_days=p.off_days - offs[p.name],
                                  off_words=tuple((d, w) for d, w in p.off_words if d not in offs[p.name]))
              if p.name in offs else p for p in dr.people]
    return StoredRoster(dr.department, people, list(dr.shifts), rules, dict(dr.requirement),
                        list(shift_cover), sorted(published), grid, contacts,
                        {q: list(v) for q, v in dr.priority.items()}, cells,
                        {q: list(v) for q, v in dr.vacant.items()}, sorted(set(all_hands)))


def write_store(wb: Any, stored: Stored) -> None:
    """The hidden sheet, on an xlsxwriter workbook (written last, so it never becomes the active one)."""
    ws = wb.add_worksheet(SHEET)
    text = dumps(stored)
    for k in range(0, max(1, len(text)), CHUNK):
        ws.write_string(k // CHUNK, 0, text[k:k + CHUNK])
    ws.hide()


def read_store(wb: Any, lang: str = "zh") -> Stored | None:
    """The stored data of an openpyxl workbook, or None when it has none (not a sheetplan roster);
    StoreError when the sheet is there but damaged or edited."""
    if SHEET not in wb.sheetnames:
        return None
    ws = wb[SHEET]
    parts = [str(row[0]) for row in ws.iter_rows(min_col=1, max_col=1, values_only=True) if row[0] is not None]
    try:
        return loads("".join(parts))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as e:
        raise StoreError(msg("store_damaged", lang, sheet=SHEET, why=str(e)[:120])) from None
