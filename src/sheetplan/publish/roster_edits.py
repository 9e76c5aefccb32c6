"""A published roster workbook after the planner's hand edits: read the grid back, re-check every
rule and the cover (``sheetplan check-roster``), compare with what was published (the change log)
and turn the edits into fixed assignments for a rebuild (``--keep-edits``).

The grid cell format is the one :func:`sheetplan.render.roster.cell_text` writes ('售前·夜 0–8');
a planner may also type '售前·夜' or, for someone with one post, just '夜'. Leave and days off
are typed as 休, 假 (or their variants, or English off/leave) or left empty.

The workbook is opened through the plan reader's guards (:func:`sheetplan.plan.source.sniff`:
size, zip ratio, FIFO and file type) and read by cached values, so a cell Excel filled by a
formula counts by what it shows. People are found by their name cell, tolerating whitespace and
an annotation such as （组长）, an employee ID in the cell, or — for a merged or blanked name
cell — the row they were published on; anyone not found is reported and taken as published,
never as days off.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..calc.roster import Person
from ..calc.roster_audit import Audit, Breach, Edited, audit, off_yet_free
from ..calc.roster_days import CRITICAL_KINDS, graded, is_critical
from ..calc.roster_explain import format_span
from ..messages import msg
from ..plan import model as m
from ..plan import to_roster
from ..plan.problems import Problem
from ..plan.schema import SEPARATOR
from ..plan.source import SourceError, sniff
from ..render.labels import label
from ..render.places import GridPlace
from ..render.roster import clock
from .roster_store import CHECKS, Stored, StoredRoster, StoreError, read_store

LEAVE = {"休", "假", "休息", "请假", "年假", "病假", "事假", "调休", "婚假", "产假", "丧假", "off", "leave", "al", "sl",
         "day off", "rest", "x", "-", "—", "/"}
# an annotation after (or before) a name: 张伟（组长）, 张伟 (lead), 【组长】张伟
_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SPACE = re.compile(r"[\s\u3000]+")
_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{2,}")
# rules an edit can only be judged against the whole roster (the cells rostered afresh may satisfy them)
_NEEDS_ROSTER = {"short_run", "short_off", "min_hours"}
# rules of a person's whole run: broken at a cell already fixed, the person's latest wanted shift gives way
_RUN_RULES = {"total_hours", "max_shifts", "in_a_row", "weekends", "succession"}


@dataclass
class DeptEdits:
    roster: StoredRoster
    edited: list[Edited]
    problems: list[Problem] = field(default_factory=list)
    audit: Audit | None = None
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)  # person, day label, before, after
    missing: list[str] = field(default_factory=list)  # people whose grid row was not found (taken as published)
    rows: dict[str, int] = field(default_factory=dict)  # person -> 1-based grid row
    # (person, day) -> the problem of a cell that cannot be read as a shift (unknown code, which
    # post, a formula without a value): an error for check-roster, rostered afresh by --keep-edits
    unreadable: dict[tuple[str, int], Problem] = field(default_factory=dict)
    typed: dict[tuple[str, int], str] = field(default_factory=dict)  # what such a cell holds, as typed
    # (person, day) -> the leave word typed in a cell (休, 假, off …): over a blank cell it is a day
    # off decided, not 'no change'; a kept day off cleared to blank is released again
    marked_off: dict[tuple[str, int], str] = field(default_factory=dict)
    cols: list[int] = field(default_factory=list)  # each day's 1-based column, as found by its header
    header: int = 0  # the 1-based row the day headers were found in (0: where published)


class RosterFileError(ValueError):
    """The file cannot be read as a published roster; the message (one line) says why."""


class NotARoster(RosterFileError):
    """The workbook has no sheetplan roster data (not an output of `sheetplan build`)."""


class OtherPlan(RosterFileError):
    """The workbook was published by another plan (--keep-edits refuses it)."""


def read_edits(path: str | Path, lang: str | None = None) -> tuple[Stored, list[DeptEdits]]:
    """Every department grid of a published workbook, as edited (cached values of formulas).
    ``lang`` is for what is said before the roster's own language is known (default Chinese,
    as the plan reader)."""
    path = Path(path)
    lang = lang or "zh"
    try:
        sniff(path, lang)  # the plan reader's guards: size, zip bomb, DTDs, FIFO/device, .xls, text
    except SourceError as e:
        raise RosterFileError(str(e)) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=False, data_only=True)
    except Exception as e:  # a third-party parser on an untrusted file: one line, no traceback
        raise RosterFileError(msg("not_workbook", lang, file=path.name, why=f"{type(e).__name__}: {e}"[:160])) from None
    try:
        stored = read_store(wb, lang)
    except StoreError as e:  # which of the workbooks given is damaged
        raise RosterFileError(f"{path.name}: {e}") from None
    if stored is None:
        raise NotARoster(msg("not_a_roster", lang, file=path.name))
    formulas = _formula_cells(path, [r.grid.sheet for r in stored.rosters if r.grid.sheet in wb.sheetnames])
    out = []
    for r in stored.rosters:
        if r.grid.sheet not in wb.sheetnames:
            dept = DeptEdits(r, [])
            dept.problems.append(Problem(r.grid.sheet, msg("grid_missing", stored.lang, sheet=r.grid.sheet), "error"))
            out.append(dept)
            continue
        out.append(_read_grid(wb[r.grid.sheet], r, stored, formulas))
    return stored, out


def _formula_cells(path: Path, sheets: Sequence[str]) -> set[tuple[str, str]]:
    """(sheet, cell) of every formula on the grid sheets: a formula without a cached value reads
    as empty and must be reported, not taken as a day off. A streaming pass over those sheets."""
    found: set[tuple[str, str]] = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=False)
        try:
            for name in sheets:
                for row in wb[name].iter_rows():
                    for c in row:
                        if isinstance(c.value, str) and c.value.startswith("="):
                            found.add((name, c.coordinate))
        finally:
            wb.close()
    except Exception:  # the full read above succeeded; formulas then only go unflagged
        return found
    return found


def norm_name(text: str) -> str:
    """A name cell as a name: no annotation in brackets, no whitespace (full-width included)."""
    return _SPACE.sub("", _NOTE.sub("", text)).strip("·-—_:：,，")


def _name_column(ws, r: StoredRoster, lang: str, header: int) -> int:
    """The 1-based column of the names: the header cell (in row ``header``) that says 姓名 / Name
    (a column inserted before it moves it), else the first column, where it was published."""
    row, name = header, label("ro_name", lang)
    for col in range(1, ws.max_column + 1):
        if str(ws.cell(row, col).value or "").strip() == name:
            return col
    return 1


def _rows_of(ws, r: StoredRoster, name_col: int = 1, header: int = 0) -> tuple[dict[str, int], list[str]]:
    """Person -> 1-based grid row, and the people not found. By the name as typed, by the name
    without annotation or spaces, by an employee ID in the cell; then the row they were published
    on (moved as the header ``header`` moved) when its name cell is empty (merged cells keep only
    the first value)."""
    header = header or r.grid.header + 1
    moved = header - (r.grid.header + 1)
    names = [p.name for p in r.people]
    exact = {n: n for n in names}
    loose: dict[str, str | None] = {}
    for n in names:
        k = norm_name(n)
        loose[k] = None if k in loose else n  # two people with the same loose name: neither by it
    by_id = {c.get("id", ""): n for n, c in r.contacts.items() if c.get("id")}
    found: dict[str, int] = {}
    taken: set[int] = set()
    last = ws.max_row
    for row in range(header + 1, last + 1):
        value = ws.cell(row, name_col).value
        if value is None:
            continue
        text = str(value).strip()
        who = exact.get(text) or loose.get(norm_name(text))
        if who is None:
            ids = [by_id[t] for t in _ID.findall(text) if t in by_id]
            who = ids[0] if len(set(ids)) == 1 else None
        if who is not None and who not in found:
            found[who] = row
            taken.add(row)
    missing = []
    for n in names:
        if n in found:
            continue
        row = r.grid.rows.get(n)
        row = None if row is None else row + moved
        if (row is not None and row + 1 not in taken and ws.cell(row + 1, name_col).value is None
                and any(c.value is not None for c in ws[row + 1])):  # a blank row is no one's
            found[n] = row + 1  # the published row, its name cell merged away or blanked
            taken.add(row + 1)
        else:
            missing.append(n)
    return found, missing


def _read_grid(ws, r: StoredRoster, stored: Stored, formulas: set[tuple[str, str]] = frozenset()) -> DeptEdits:
    lang = stored.lang
    dept = DeptEdits(r, [])
    by_name = {p.name: p for p in r.people}
    codes = {t.code for t in r.shifts}
    n_days = len(stored.days)
    cols, dept.header, bad = _day_columns(ws, r, stored)  # first: rows inserted above move the header
    dept.cols = cols
    name_col = _name_column(ws, r, lang, dept.header)
    rows, dept.missing = _rows_of(ws, r, name_col, dept.header)
    dept.rows = rows
    if bad is not None:  # a day column cannot be found: nothing of this grid is read as an edit
        dept.problems.append(bad)
        dept.edited += [Edited(p, day, code, post, ws.title) for p, day, code, post in r.published]
        return dept
    dept.problems += _unknown_rows(ws, r, rows, cols, name_col, lang, dept.header)
    held_off = set(r.decided) - {(p, day) for p, day, _, _ in r.published}
    for name in dept.missing:  # reported, and taken as published (its kept days off too): never as days off
        dept.problems.append(Problem(ws.title, msg("grid_row_missing", lang, name=name), "warning"))
        dept.edited += [Edited(p, day, code, post, ws.title) for p, day, code, post in r.published if p == name]
        dept.marked_off |= {(p, day): label("ch_off", lang) for p, day in held_off if p == name}
    for name, row in sorted(rows.items(), key=lambda x: x[1]):
        person = by_name[name]
        for day in range(n_days):
            c = cols[day]
            where = _cell(dept, (name, day))
            value = ws.cell(row, c).value
            text = "" if value is None else str(value).strip()
            if not text and (ws.title, f"{get_column_letter(c)}{row}") in formulas:
                dept.problems.append(Problem(where, msg("rc_formula", lang, value=where), "error"))
                dept.unreadable[(name, day)] = dept.problems[-1]
                dept.typed[(name, day)] = "=…"
                continue
            if not text:
                continue
            if text.casefold() in LEAVE:
                dept.marked_off[(name, day)] = text
                continue
            post, code = _parse(text, person.posts)
            post, code = _as_published(post, person.posts), _as_published(code, codes)
            if code not in codes:
                dept.problems.append(Problem(where, msg("rc_unknown_code", lang, value=text,
                                                        codes="/".join(t.code for t in r.shifts)), "error"))
                dept.unreadable[(name, day)] = dept.problems[-1]
                dept.typed[(name, day)] = text
                continue
            if post is None:
                dept.problems.append(Problem(where, msg("rc_which_post", lang, value=text,
                                                        posts="/".join(person.posts)), "error"))
                dept.unreadable[(name, day)] = dept.problems[-1]
                dept.typed[(name, day)] = text
                continue
            dept.edited.append(Edited(name, day, code, post, where))
            t = next(t for t in r.shifts if t.code == code)
            if (typed := _typed_hours(text)) is not None and not _same_hours(typed, t.start_hour, t.hours):
                dept.problems.append(Problem(where, msg(  # the shift's own hours are what counts
                    "rc_times", lang, value=text, code=code,
                    times=f"{clock(t.start_hour)}–{clock(t.start_hour + t.hours, end=True)}"), "warning"))
    return dept


_HOURS = re.compile(r"(\d{1,2})(?:[:：](\d{2}))?\s*[–\-~—至到]\s*(\d{1,2})(?:[:：](\d{2}))?")


def _typed_hours(text: str) -> tuple[float, float] | None:
    """The clock times typed after a shift code ('售前·早 9–17' -> (9, 17)), or None."""
    found = _HOURS.search(text.partition(SEPARATOR)[2] or text)
    if found is None:
        return None
    a, am, b, bm = found.groups()
    return int(a) + int(am or 0) / 60, int(b) + int(bm or 0) / 60


def _same_hours(typed: tuple[float, float], start: float, hours: float) -> bool:
    return abs(typed[0] - start % 24) < 1e-6 and abs(typed[1] % 24 - (start + hours) % 24) < 1e-6


HEADER_MOVES = 20  # rows inserted (or deleted) above the grid's header that are still followed


def _day_columns(ws, r: StoredRoster, stored: Stored) -> tuple[list[int], int, Problem | None]:
    """Each day's 1-based column and the header's row, found by the day headers ('11-10 周二': the
    day's label, a space, the weekday; see ``day_label``): where published, or wherever a planner
    moved them (a column inserted before them, rows inserted above the grid). A day whose header
    is gone is an error at the header cell: reading by position would put every edit on the
    wrong day."""
    published = [r.grid.first_col + day + 1 for day in range(len(stored.days))]
    labels = set(stored.days)
    home = r.grid.header + 1

    def found_in(row: int) -> tuple[list[int], str | None]:  # the columns, or the first day not found once
        def day_at(col: int) -> str:  # the day label the header begins with, however long labels are
            head = str(ws.cell(row, col).value or "").strip()
            return next((text for text in labels if head.startswith(text)), head)

        if all(day_at(c) == text for c, text in zip(published, stored.days, strict=True)):
            return published, None
        where_is: dict[str, list[int]] = {}
        for col in range(1, ws.max_column + 1):
            where_is.setdefault(day_at(col), []).append(col)
        cols: list[int] = []
        for text in stored.days:
            if len(where_is.get(text, [])) != 1:
                return cols, text
            cols.append(where_is[text][0])
        return cols, None

    cols, missing = found_in(home)
    if missing is None:
        return cols, home, None
    for row in sorted(range(max(1, home - HEADER_MOVES), home + HEADER_MOVES + 1), key=lambda x: abs(x - home)):
        moved, gone = found_in(row) if row != home else (cols, missing)
        if gone is None:
            return moved, row, None
    col = cols[-1] + 1 if cols else published[len(cols)]  # named where it would be now: after the day before
    cell = f"{ws.title}!{get_column_letter(col)}{home}"
    return published, home, Problem(cell, msg("grid_day_missing", stored.lang, day=missing), "error")


def _unknown_rows(ws, r: StoredRoster, rows: dict[str, int], cols: list[int], name_col: int,
                  lang: str, header: int) -> list[Problem]:
    """A row below the header whose name is nobody on the published roster but whose day cells
    hold shifts (in any case): a person added by hand. Not read, and said so. (The grid's other
    rows — head counts, legend, explanation — hold no shift code in the day columns.)"""
    codes = {t.code for t in r.shifts}
    taken = set(rows.values())
    known = {norm_name(p.name) for p in r.people}
    out = []
    for row in range(header + 1, ws.max_row + 1):
        name = ws.cell(row, name_col).value
        if row in taken or name is None or not str(name).strip():
            continue
        cells = [str(ws.cell(row, c).value).strip() for c in cols if ws.cell(row, c).value is not None]
        if any(_as_published(_parse(t, ())[1], codes) in codes for t in cells):
            text = str(name).strip()
            twice = norm_name(text) in known  # a person's row copied: the first one is read
            out.append(Problem(f"{ws.title}!{get_column_letter(name_col)}{row}",
                               msg("grid_row_twice" if twice else "grid_row_unknown", lang, name=text), "warning",
                               department=r.department))
    return out


def _as_published(typed: str | None, names: Iterable[str]) -> str | None:
    """A post or shift code as published when it was typed in another case ('pre-sales' for
    'Pre-sales') and only one name matches so; else as typed."""
    if typed is None or typed in names:
        return typed
    same = [n for n in names if n.casefold() == typed.casefold()]
    return same[0] if len(same) == 1 else typed


def _parse(text: str, posts: tuple[str, ...]) -> tuple[str | None, str]:
    """(post, code) of a cell: '售前·夜 0–8', '售前·夜', or '夜' for a person with one post."""
    if SEPARATOR in text:
        post, _, rest = text.partition(SEPARATOR)
        return post.strip(), rest.strip().split(" ")[0]
    code = text.split(" ")[0]
    return (posts[0] if len(posts) == 1 else None), code


def check(path: str | Path, lang: str | None = None) -> tuple[Stored, list[DeptEdits]]:
    """Read and audit every department of an edited workbook (by the rules it was published with)."""
    stored, depts = read_edits(path, lang)
    for d in depts:
        r = d.roster
        d.audit = audit(d.edited, r.people, r.shifts, r.requirement, len(stored.days), r.rules,
                        stored.interval_minutes, r.shift_cover)
        d.changes = changes(stored, d)
    return stored, depts


def changes(stored: Stored, d: DeptEdits) -> list[tuple[str, str, str, str]]:
    """(person, day, published, now) for every cell whose shift differs from the published roster;
    a cell that is no shift (an unknown code, a formula) counts as changed, to what it holds."""
    def cells(items) -> dict[tuple[str, int], str]:
        return {(p, day): f"{post}{SEPARATOR}{code}" for p, day, code, post in items}

    off = label("ch_off", stored.lang)
    before = cells(d.roster.published) | {k: off for k in _kept_offs(d)}
    # the leave word as typed, over a shift, a kept day off or a blank cell (not over an unavailable
    # day, which the grid shows as 休 already)
    marked = {k: w for k, w in d.marked_off.items() if k in before or k in _new_offs(d)}
    after = cells((e.person, e.day, e.shift_code, e.post) for e in d.edited) | d.typed | marked
    keys = sorted(set(before) | set(after), key=lambda k: (k[1], k[0]))
    return [(p, stored.days[day], before.get((p, day), ""), after.get((p, day), ""))
            for p, day in keys if _compared(before.get((p, day)), off) != _compared(after.get((p, day)), off)]


def _compared(text: str | None, off: str) -> str | None:
    """A cell's text as compared: every leave word (休, 假, off …) is one day off."""
    return off if text is not None and text.casefold() in LEAVE else text


def _kept_offs(d: DeptEdits) -> set[tuple[str, int]]:
    """Days off an earlier --keep-edits decided (the grid shows 休 there)."""
    return set(d.roster.decided) - _shift_cells(d)


def _shift_cells(d: DeptEdits) -> set[tuple[str, int]]:
    """The (person, day) cells published with a shift."""
    return {(p, day) for p, day, _, _ in d.roster.published}


def _new_offs(d: DeptEdits) -> dict[tuple[str, int], str]:
    """Leave words typed over cells published blank (not an unavailable day, nor a day off
    decided before, which the grid shows as 休 already): days off decided now."""
    shown_off = _shift_cells(d) | set(d.roster.decided)
    unavailable = {p.name: p.unavailable_days for p in d.roster.people}
    return {k: w for k, w in d.marked_off.items()
            if k not in shown_off and k[1] not in unavailable.get(k[0], ())}


def breach_text(b: Breach, department: str, lang: str) -> str:
    detail = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in b.detail.items()}
    return msg(f"rb_{b.rule}", lang, name=b.person, dept=department, **detail)


@dataclass
class Findings:
    """What a re-check found, in the order it is shown, and which of it is cover left short: the
    counts a planner reads (rules broken, gaps, critical ones) come from here, not from guessing
    by severity (a reading warning or an all-hands day is no gap)."""

    problems: list[Problem]
    gaps: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def critical(self) -> int:
        return sum(p.severity == "critical" for p in self.gaps)


def report(stored: Stored, depts: list[DeptEdits]) -> list[Problem]:
    """Every finding, naming its cell, in the roster's language: reading problems, broken rules,
    then the cover left short, posts no one holds and all-hands days someone is off."""
    return findings(stored, depts).problems


def findings(stored: Stored, depts: list[DeptEdits]) -> Findings:
    """:func:`report`, with the gaps told apart."""
    lang = stored.lang
    out: list[Problem] = []
    gaps: list[Problem] = []
    for d in depts:
        out += d.problems
        if d.audit is None:
            continue
        for b in d.audit.breaches:
            out.append(Problem(b.where or d.roster.grid.sheet, breach_text(b, d.roster.department, lang), "error"))
        r = d.roster
        per_day = 24 * 60 // stored.interval_minutes
        short: list[Problem] = []
        for g, kind in graded(d.audit.gaps, r.priority, r.requirement, stored.interval_minutes, stored.sale_day):
            span = format_span(g.start_interval, g.end_interval, stored.interval_minutes, stored.days, lang)
            what = f"{g.post}·{g.shift_code}" if g.shift_code else g.post
            # at the day's column header of the grid, graded as the build grades it (a must-cover
            # window, the sale day's peak, half its seats or more empty that day: critical), each
            # gap cut where its grade changes and at midnight
            where = _day_header(d, min(len(stored.days) - 1, max(0, g.start_interval // per_day)))
            text = (msg("rc_short_at", lang, dept=r.department, post=what, span=span, n=g.shortfall,
                        at=msg(f"crit_{kind}", lang)) if kind else
                    msg("rc_short", lang, dept=r.department, post=what, span=span, n=g.shortfall))
            short.append(Problem(where, text, "critical" if kind else "warning"))
        short += _vacant(stored, d)
        gaps += short
        out += short + _all_hands(stored, d)
    if stored.checks < CHECKS and depts:  # published before these checks: say what is not re-checked
        out.append(Problem(depts[0].roster.grid.sheet, msg("rc_older", lang), "warning"))
    return Findings(out, gaps)


def _day_header(d: DeptEdits, day: int) -> str:
    """The grid's header cell of a day, in the column its header was found in (a column inserted
    since publication moves it), else where it was published."""
    r = d.roster
    row = d.header or r.grid.header + 1
    if 0 <= day < len(d.cols):
        return f"{r.grid.sheet}!{get_column_letter(d.cols[day])}{row}"
    return grid_cell(r.grid, day, row)


def _vacant(stored: Stored, d: DeptEdits) -> list[Problem]:
    """The posts no one in the department holds, graded as the build grades them hour by hour
    (critical where the sale day's peak or a must-cover window needs them), at the header of the
    first day so graded, else of the first day needed: the edits cannot change them, but a
    re-check that left them out would read as a department covered."""
    r, lang, iph = d.roster, stored.lang, 60 // stored.interval_minutes
    out = []
    for post, req in sorted(r.vacant.items()):
        needed = [t for t, v in enumerate(req) if v > 0]
        if not needed:
            continue
        kinds = {t: k for t in needed
                 if (k := is_critical(r.priority, r.vacant, stored.interval_minutes, post, t, t + 1,
                                      stored.sale_day, req[t])) is not None}
        kind = next((k for k in CRITICAL_KINDS if k in kinds.values()), None)
        first = min((t for t, k in kinds.items() if k == kind), default=needed[0])
        hours = f"{sum(req) / iph:g}"
        text = (msg("rc_vacant_at", lang, dept=r.department, post=post, hours=hours, at=msg(f"crit_{kind}", lang))
                if kind else msg("rc_vacant", lang, dept=r.department, post=post, hours=hours))
        where = _day_header(d, min(len(stored.days) - 1, first // (24 * iph)))
        out.append(Problem(where, text, "critical" if kind else "warning"))
    return out


def _all_hands(stored: Stored, d: DeptEdits) -> list[Problem]:
    """Each all-hands day someone who could work has no shift, as the build says it; a day off a
    kept hand edit decided (in the workbook's roster data) is named as such."""
    r, lang = d.roster, stored.lang
    off = off_yet_free(d.edited, r.people, r.shifts, r.all_hands, len(stored.days), r.rules,
                       stored.interval_minutes, skip=set(d.unreadable))
    sep = "、" if lang == "zh" else ", "
    decided = set(r.decided)
    return [Problem(_day_header(d, day),
                    msg("rc_all_hands", lang, dept=r.department, day=stored.days[day], n=len(names),
                        names=sep.join(msg("rc_kept_off", lang, name=n) if (n, day) in decided else n
                                       for n in names)), "warning")
            for day, names in off.items()]


# (person, date) -> (cell, 'post·code', '' for a day off or m.RELEASED for a kept day off cleared)
Decided = dict[tuple[str, dt.date], tuple[str, str]]


def keep_edits(plan: m.Plan, stored: Stored, depts: list[DeptEdits], source: str,
               decided: Decided | None = None, part: str = "all") -> tuple[m.Plan, list[Problem]]:
    """The plan with the planner's changes to the published roster as decisions: each shift added
    or moved becomes a fixed assignment (as a 固定排班 row), each shift removed — left empty or
    typed as leave — a day that person is not rostered. Everything else is rostered afresh.

    Each change is judged by the plan's rules *now* (they may differ from the published ones):
    one they forbid is a warning naming its cell and the rule, and that cell is rostered afresh.
    ``decided`` carries what earlier workbooks (and the plan's own 固定排班) decided: a change
    that contradicts it is reported and the first-listed decision stays. People are the plan's
    staff found by employee ID, then by name. A workbook of another plan raises OtherPlan.

    ``part``: "edits" — only the cells changed since publication; "held" — only the cells an
    earlier --keep-edits decided and nobody changed since, where nothing else decided them (a
    real change in any workbook beats a carried decision, so :func:`keep_all` does every
    workbook's edits first); "all" — both, for one workbook."""
    lang = plan.lang
    if part != "held":
        _same_plan(plan, stored, depts, source)
    decided = {} if decided is None else decided
    planned = {(f.name, f.date) for f in plan.fixed if not f.cells.get("edit")}  # the plan's own 固定排班
    for f in plan.fixed:
        if not f.cells.get("edit"):
            decided.setdefault((f.name, f.date), (f.cells.get("name", plan.sheets.get("fixed", "")),
                                                  f"{f.post}{SEPARATOR}{f.shift}"))
    start = dt.date.fromisoformat(stored.start)
    index = {d: i for i, d in enumerate(plan.settings.days)}
    find = _staff_finder(plan)
    off: dict[str, dict[dt.date, m.DayOff]] = defaultdict(dict)  # person -> the days off decided
    problems: list[Problem] = []
    log: list[m.Edit] = list(plan.edits)
    listed = {(e.person, e.day) for e in log if not e.why}  # kept edits 改动记录 lists already
    wanted: dict[str, list[tuple[Edited, tuple[str, str, str, str, str], dt.date]]] = defaultdict(list)
    carried_at: set[str] = set()  # the cells of decisions carried from an earlier round
    # each department's posts as published (as the plan names it now): a post gone since?
    published_posts: dict[str, set[str]] = defaultdict(set)

    def not_kept(where: str, entry: tuple[str, str, str, str, str], why: str, key: str = "edit_not_kept") -> None:
        problems.append(Problem(where, msg(key, lang, why=why), "warning", department=entry[0]))
        log.append(m.Edit(*entry, why, where))

    for d in depts:
        unread = set(d.unreadable.values())
        # the department as the plan names it now (renamed since: its people tell), and each
        # reading problem named with its file, as the edits are
        found = Counter(q.department for p in d.roster.people if (q := find(d.roster, p.name)) is not None)
        dept_now = found.most_common(1)[0][0] if found else d.roster.department
        published_posts[dept_now].update(q for p in d.roster.people for q in p.posts)
        if part != "held":  # said once, with the edits
            problems += [replace(p, where=f"{source} {p.where}", department=dept_now)
                         for p in d.problems if p not in unread]
        said = {(p, day): (before, after) for p, day, before, after in (d.changes or changes(stored, d))}
        published = {(p, day): (code, post) for p, day, code, post in d.roster.published}
        now = {(e.person, e.day): e for e in d.edited}
        # cells an earlier --keep-edits decided stay decided (as they now read), though unchanged here
        held = set(d.roster.decided)
        new_off = _new_offs(d)
        for key in sorted(set(published) | set(now) | set(d.unreadable) | held | set(new_off),
                          key=lambda k: (k[1], k[0])):
            e = now.get(key)
            # a kept day off cleared to blank: released, that day rostered afresh — a decision
            # too, which a carried copy of the day off in another workbook yields to
            released = key in held and e is None and all(key not in c for c in (published, d.marked_off,
                                                                                 d.unreadable))
            if released and part == "held":
                continue
            carried = not released and key in held and key not in d.unreadable and published.get(key) == (
                (e.shift_code, e.post) if e is not None else None)
            if (part == "edits" and carried) or (part == "held" and not carried):
                continue
            if carried:
                carried_at.add(f"{source} {_cell(d, key)}")
            if key in d.unreadable:  # a cell that is no shift: not kept, that day rostered afresh
                bad = d.unreadable[key]
                was = published.get(key)
                entry = (dept_now, key[0], stored.days[key[1]],
                         f"{was[1]}{SEPARATOR}{was[0]}" if was else "", d.typed.get(key) or "?")
                not_kept(f"{source} {bad.where}", entry, bad.message)
                continue
            if e is not None and published.get(key) == (e.shift_code, e.post) and not carried:
                continue  # unchanged: rostered afresh
            date = start + dt.timedelta(days=key[1])
            as_now = "" if e is None else f"{e.post}{SEPARATOR}{e.shift_code}"
            before, after = said.get((key[0], stored.days[key[1]]), (as_now, as_now))
            if e is None:  # a day off: the change log shows the word typed (休, 假, off …)
                after = m.RELEASED if released else d.marked_off.get(key, "")
                before = after if carried else before  # published as it reads now (休 or the word typed)
            entry = (dept_now, key[0], stored.days[key[1]], before, after)
            where = f"{source} {e.where if e else _cell(d, key)}"
            if date not in index:
                problems.append(Problem(where, msg("edit_outside", lang, date=m.day_label(date)), "warning",
                                        department=dept_now))
                log.append(m.Edit(*entry, msg("edit_outside", lang, date=m.day_label(date)), where))
                continue
            person = find(d.roster, key[0])
            if person is None:
                not_kept(where, entry, msg("edit_person_gone", lang, name=key[0]))
                continue
            if e is not None and person.department != dept_now:  # in this department's log, where it was typed
                not_kept(where, entry, msg("edit_person_moved", lang, name=person.name, dept=person.department,
                                           was=dept_now))
                continue
            entry = (person.department, *entry[1:])  # the department now (it may have been renamed)
            text = m.RELEASED if released else "" if e is None else f"{e.post}{SEPARATOR}{e.shift_code}"
            prior = decided.get((person.name, date))
            if prior is not None and carried and part == "held":
                continue  # a carried decision yields to what was decided since (in any workbook)
            if prior is not None:
                if prior[1] != text:  # the plan's own fixed shift stands; else the first listed
                    key = "edit_conflict_fixed" if (person.name, date) in planned else "edit_conflict"
                    not_kept(where, entry, msg(key, lang, first=prior[0], other=prior[1] or label("ch_off", lang)),
                             "edit_overruled")  # the cell is the first-listed decision, not rostered afresh
                elif (entry[1], entry[2]) not in listed:  # the same decision again: kept as that one is
                    log.append(m.Edit(*entry, "", prior[0], name=person.name))  # (listed once)
                    listed.add((entry[1], entry[2]))
                continue
            if e is None:
                if not released:
                    off[person.name][date] = m.DayOff(date, d.marked_off.get(key, ""), where)
                decided[(person.name, date)] = (where, text)
                log.append(m.Edit(*entry, "", where, name=person.name))
                listed.add((entry[1], entry[2]))
                continue
            wanted[person.department].append((Edited(person.name, index[date], e.shift_code, e.post, where),
                                               entry, date))
    fixed = list(plan.fixed)
    for dept, items in wanted.items():
        for e, entry, date, why in _judge(plan, dept, items, fixed, off, published_posts[dept]):
            if why:
                not_kept(e.where, entry, why)
                continue
            log.append(m.Edit(*entry, "", e.where, name=e.person))
            listed.add((entry[1], entry[2]))
            decided[(e.person, date)] = (e.where, f"{e.post}{SEPARATOR}{e.shift_code}")
            fixed.append(m.FixedShift(e.person, date, e.shift_code, e.post, cells={"name": e.where, "edit": "1"}))
    staff = [replace(p, days_off=tuple(sorted(({o.date: o for o in p.days_off} | off[p.name]).values())))
             if p.name in off else p for p in plan.staff]
    log = [replace(e, carried=True) if e.where in carried_at and not e.why else e for e in log]
    return replace(plan, fixed=fixed, staff=staff, edits=log), problems


def _judge(plan: m.Plan, dept: str, items: list, fixed: list[m.FixedShift],
           off: Mapping[str, Mapping[dt.date, object]] | None = None, published: Iterable[str] = ()) -> list:
    """(edit, log entry, date, why not kept or '') for one department's wanted shifts, by the
    plan's rules now, together with the shifts already fixed. An edit that breaks a rule on its
    own or with the fixed ones is dropped (the later of a pair, so the earlier stays) until the
    rest break none; rules that depend on the cells rostered afresh are left to the roster."""
    lang = plan.lang
    s = plan.settings
    staff = [p for p in plan.staff if p.department == dept]
    people = [to_roster.person(plan, p, s.interval_minutes) for p in staff]
    shifts = to_roster.shift_templates(plan, dept)
    codes = {t.code for t in shifts}
    names = {p.name for p in staff}
    index = to_roster.day_index(plan)
    base = [Edited(f.name, index[f.date], f.shift, f.post, f.cells.get("name", "")) for f in fixed
            if f.name in names and f.shift in codes and f.date in index]
    out = []
    current = []
    posts = {q for p in staff for q in p.posts}
    for e, entry, date in items:
        if e.shift_code not in codes:
            out.append((e, entry, date, msg("edit_code_gone", lang, code=e.shift_code, dept=dept)))
        elif e.post not in posts and e.post in published:  # a post then, renamed or dropped since
            out.append((e, entry, date, msg("edit_post_gone", lang, post=e.post, dept=dept)))
        else:
            current.append((e, entry, date))
    rules = to_roster.rules(plan)
    for _ in range(len(current) + 1):
        mine = {e.where: e for e, _, _ in current}
        found = audit(base + [e for e, _, _ in current], people, shifts, {}, len(s.days), rules, s.interval_minutes)
        blamed: dict[str, list[Breach]] = defaultdict(list)
        for b in found.breaches:
            if b.rule in _NEEDS_ROSTER:
                continue
            other = str(b.detail.get("other", ""))
            w = b.where if b.where in mine else other if other in mine else None
            if w is None and b.rule not in _RUN_RULES:
                continue  # between shifts fixed before (the plan's own 固定排班): the roster reports it
            if w is None:
                theirs = [e for e in mine.values() if e.person == b.person]
                if not theirs:
                    continue
                w = max(theirs, key=lambda e: e.day).where
            blamed[w].append(b)
        if not blamed:
            break
        sep = "；" if lang == "zh" else "; "
        for item in [x for x in current if x[0].where in blamed]:
            out.append((*item, sep.join(dict.fromkeys(breach_text(b, dept, lang) for b in blamed[item[0].where]))))
        current = [x for x in current if x[0].where not in blamed]
    short = _short_runs(plan, people, [e for e, _, _ in current], off or {})
    out += [(*x, short[x[0].where]) for x in current if x[0].where in short]
    return out + [(*x, "") for x in current if x[0].where not in short]


def _short_runs(plan: m.Plan, people: Sequence[Person], edits: Sequence[Edited],
                off: Mapping[str, Mapping[dt.date, object]]) -> dict[str, str]:
    """Edited shifts that can only be a run of work days shorter than the person's minimum: the
    days on both sides are off (unavailable, or typed off in the same edits) — no roster around
    them can keep the rule, which the solver would only report as 'no roster with every edit'.
    A run touching the campaign's first or last day is never too short (it may go on outside)."""
    index = to_roster.day_index(plan)
    horizon = len(plan.settings.days)
    by_name = {p.name: p for p in people}
    out = {}
    for e in edits:
        p = by_name.get(e.person)
        if p is None or p.min_consecutive_days <= 1:
            continue
        blocked = set(p.unavailable_days) | p.off_days | {index[d] for d in off.get(p.name, ()) if d in index}
        lo = hi = e.day
        while lo - 1 >= 0 and lo - 1 not in blocked:
            lo -= 1
        while hi + 1 < horizon and hi + 1 not in blocked:
            hi += 1
        if lo > 0 and hi < horizon - 1 and hi - lo + 1 < p.min_consecutive_days:
            out[e.where] = msg("edit_short_run", plan.lang, name=e.person, n=p.min_consecutive_days)
    return out


def _cell(d: DeptEdits, key: tuple[str, int]) -> str:
    """The grid cell of a person and day (a shift removed there)."""
    row = d.rows.get(key[0])
    if row is None:
        return d.roster.grid.sheet
    return f"{d.roster.grid.sheet}!{get_column_letter(d.cols[key[1]])}{row}" if d.cols else grid_cell(
        d.roster.grid, key[1], row)


def grid_cell(grid: GridPlace, day: int, row: int) -> str:
    """``sheet!A1`` of a day's column in a published grid (``row`` 1-based, as Excel numbers it)."""
    return f"{grid.sheet}!{get_column_letter(grid.first_col + day + 1)}{row}"


def _staff_finder(plan: m.Plan):  # -> Callable[[StoredRoster, str], StaffMember | None]
    """The plan's staff member of a published grid's person: by employee ID, then by the name,
    then by the name without annotation and spaces (when that is unambiguous)."""
    by_id = {p.employee_id.strip(): p for p in plan.staff if p.employee_id and p.employee_id.strip()}
    by_name = {p.name: p for p in plan.staff}
    loose: dict[str, m.StaffMember | None] = {}
    for p in plan.staff:
        k = norm_name(p.name)
        loose[k] = None if k in loose else p

    def find(r: StoredRoster, name: str) -> m.StaffMember | None:
        emp = str(r.contacts.get(name, {}).get("id", "") or "").strip()
        return by_id.get(emp) or by_name.get(name) or loose.get(norm_name(name))

    return find


def _same_plan(plan: m.Plan, stored: Stored, depts: list[DeptEdits], source: str) -> None:
    """Refuse a workbook another plan published: its stored campaign name, or no department and
    nobody in common (a department renamed since is still this plan's: its people are found)."""
    ours = plan.settings.name
    if stored.plan and ours and stored.plan != ours:
        raise OtherPlan(msg("other_plan", plan.lang, file=source, theirs=stored.plan, ours=ours))
    theirs = [d.roster.department for d in depts]
    find = _staff_finder(plan)
    if theirs and not {p.department for p in plan.staff} & set(theirs) and not any(
            find(d.roster, p.name) for d in depts for p in d.roster.people):
        raise OtherPlan(msg("no_department", plan.lang, file=source, depts="、".join(theirs)))


def keep_all(plan: m.Plan, paths: Sequence[str | Path]) -> tuple[m.Plan, list[Problem]]:
    """``--keep-edits`` with one or more workbooks, in the order given (the first listed wins a
    contradiction). Raises RosterFileError (one line) for a file that cannot be used."""
    decided: Decided = {}
    problems: list[Problem] = []
    read = []
    for path in dict.fromkeys(Path(p).resolve() for p in paths):  # the same file twice: read once
        stored, depts = read_edits(path, plan.lang)
        for d in depts:
            d.changes = changes(stored, d)
        read.append((path, stored, depts))
    # every workbook's changes first, then what earlier rounds decided: a change made since, in
    # any workbook, beats a carried decision (an unedited 总表 listed first overruled the edit)
    for part in ("edits", "held"):
        for path, stored, depts in read:
            plan, found = keep_edits(plan, stored, depts, Path(path).name, decided, part)
            problems += found
    problems += _left_out(plan, read)
    # what was not kept is on 检查结果 too (总表's and the department's), not only on the console
    return replace(plan, warnings=[*plan.warnings, *(p for p in problems if p.severity != "error")]), problems


def _left_out(plan: m.Plan, read: Sequence[tuple[Path, Stored, list[DeptEdits]]]) -> list[Problem]:
    """A department whose earlier hand edits the given workbooks' set knew of, but whose roster
    none of them holds (its workbook and 总表 left out), or holds with fewer of them (a workbook
    of an earlier round): said, not rostered afresh in silence."""
    held: dict[str, int] = {}
    for _, _, depts in read:
        for d in depts:
            held[d.roster.department] = max(held.get(d.roster.department, 0), len(set(d.roster.decided)))
    claimed: dict[str, tuple[int, str]] = {}
    for path, stored, _ in read:
        for dept, n in stored.set_decided.items():
            if n > claimed.get(dept, (0, ""))[0]:
                claimed[dept] = (n, path.name)
    out = []
    known = set(plan.department_names())
    for dept, (n, where) in sorted(claimed.items()):
        if dept not in held:
            key = "edit_set_left_out" if dept in known else "edit_set_left_out_gone"  # renamed since?
            out.append(Problem(where, msg(key, plan.lang, dept=dept, n=n), "warning", department=dept))
        elif held[dept] < n:
            out.append(Problem(where, msg("edit_set_older", plan.lang, dept=dept, n=n, held=held[dept]), "warning",
                               department=dept))
    return out


__all__ = ["LEAVE", "DeptEdits", "NotARoster", "OtherPlan", "RosterFileError", "check", "keep_all", "keep_edits",
           "norm_name", "read_edits", "report"]
