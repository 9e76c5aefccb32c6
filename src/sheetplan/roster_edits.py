"""A published roster workbook after the planner's hand edits: read the grid back, re-check every
rule and the cover (``sheetplan check-roster``), compare with what was published (the change log)
and turn the edits into fixed assignments for a rebuild (``--keep-edits``).

The grid cell format is the one :func:`sheetplan.render.roster.cell_text` writes ('售前·夜 0–8');
a planner may also type '售前·夜' or, for someone with one post, just '夜'. Leave and days off
are typed as 休, 假 (or their variants, or English off/leave) or left empty.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .calc.roster_audit import Audit, Breach, Edited, audit
from .calc.roster_explain import format_span
from .messages import msg
from .plan import model as m
from .plan.problems import Problem
from .plan.schema import SEPARATOR
from .roster_store import Stored, StoredRoster, read_store

LEAVE = {"休", "假", "休息", "请假", "年假", "病假", "事假", "调休", "婚假", "产假", "丧假", "off", "leave", "al", "sl",
         "day off", "rest", "x", "-", "—", "/"}


@dataclass
class DeptEdits:
    roster: StoredRoster
    edited: list[Edited]
    problems: list[Problem] = field(default_factory=list)
    audit: Audit | None = None
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)  # person, day label, before, after


class NotARoster(ValueError):
    """The workbook has no sheetplan roster data (not an output of `sheetplan build`)."""


def read_edits(path: str | Path) -> tuple[Stored, list[DeptEdits]]:
    """Every department grid of a published workbook, as edited."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, read_only=False, data_only=False)
    stored = read_store(wb)
    if stored is None:
        raise NotARoster(msg("not_a_roster", "zh" if not str(path).isascii() else "en", file=Path(path).name))
    out = []
    for r in stored.rosters:
        if r.grid.sheet not in wb.sheetnames:
            dept = DeptEdits(r, [])
            dept.problems.append(Problem(r.grid.sheet, msg("grid_missing", stored.lang, sheet=r.grid.sheet), "error"))
            out.append(dept)
            continue
        out.append(_read_grid(wb[r.grid.sheet], r, stored))
    return stored, out


def _read_grid(ws, r: StoredRoster, stored: Stored) -> DeptEdits:
    lang = stored.lang
    dept = DeptEdits(r, [])
    by_name = {p.name: p for p in r.people}
    codes = {t.code for t in r.shifts}
    n_days = len(stored.days)
    seen: set[str] = set()
    for row in ws.iter_rows(min_row=r.grid.header + 2):
        name = row[0].value if row else None
        if not isinstance(name, str) or name.strip() not in by_name:
            continue  # the counts and legend below the grid, or a blank row
        name = name.strip()
        if name in seen:
            continue
        seen.add(name)
        person = by_name[name]
        for day in range(n_days):
            c = r.grid.first_col + day
            value = row[c].value if c < len(row) else None
            where = f"{ws.title}!{get_column_letter(c + 1)}{row[c].row if c < len(row) else ''}"
            text = "" if value is None else str(value).strip()
            if not text or text.casefold() in LEAVE:
                continue
            post, code = _parse(text, person.posts)
            if code not in codes:
                dept.problems.append(Problem(where, msg("rc_unknown_code", lang, value=text,
                                                        codes="/".join(t.code for t in r.shifts)), "error"))
                continue
            if post is None:
                dept.problems.append(Problem(where, msg("rc_which_post", lang, value=text,
                                                        posts="/".join(person.posts)), "error"))
                continue
            dept.edited.append(Edited(name, day, code, post, where))
    return dept


def _parse(text: str, posts: tuple[str, ...]) -> tuple[str | None, str]:
    """(post, code) of a cell: '售前·夜 0–8', '售前·夜', or '夜' for a person with one post."""
    if SEPARATOR in text:
        post, _, rest = text.partition(SEPARATOR)
        return post.strip(), rest.strip().split(" ")[0]
    code = text.split(" ")[0]
    return (posts[0] if len(posts) == 1 else None), code


def check(path: str | Path) -> tuple[Stored, list[DeptEdits]]:
    """Read and audit every department of an edited workbook."""
    stored, depts = read_edits(path)
    for d in depts:
        r = d.roster
        d.audit = audit(d.edited, r.people, r.shifts, r.requirement, len(stored.days), r.rules,
                        stored.interval_minutes, r.shift_cover)
        d.changes = changes(stored, d)
    return stored, depts


def changes(stored: Stored, d: DeptEdits) -> list[tuple[str, str, str, str]]:
    """(person, day, published, now) for every cell whose shift differs from the published roster."""
    def cells(items) -> dict[tuple[str, int], str]:
        return {(p, day): f"{post}{SEPARATOR}{code}" for p, day, code, post in items}

    before = cells(d.roster.published)
    after = cells((e.person, e.day, e.shift_code, e.post) for e in d.edited)
    keys = sorted(set(before) | set(after), key=lambda k: (k[1], k[0]))
    return [(p, stored.days[day], before.get((p, day), ""), after.get((p, day), ""))
            for p, day in keys if before.get((p, day)) != after.get((p, day))]


def breach_text(b: Breach, department: str, lang: str) -> str:
    detail = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in b.detail.items()}
    return msg(f"rb_{b.rule}", lang, name=b.person, dept=department, **detail)


def report(stored: Stored, depts: list[DeptEdits]) -> list[Problem]:
    """Every finding, naming its cell, in the roster's language: reading problems, broken rules,
    then the cover left short."""
    lang = stored.lang
    out: list[Problem] = []
    for d in depts:
        out += d.problems
        if d.audit is None:
            continue
        for b in d.audit.breaches:
            out.append(Problem(b.where or d.roster.grid.sheet, breach_text(b, d.roster.department, lang), "error"))
        for g in d.audit.gaps:
            span = format_span(g.start_interval, g.end_interval, stored.interval_minutes, stored.days, lang)
            what = f"{g.post}·{g.shift_code}" if g.shift_code else g.post
            out.append(Problem(d.roster.grid.sheet, msg("rc_short", lang, dept=d.roster.department, post=what,
                                                        span=span, n=g.shortfall), "warning"))
    return out


def keep_edits(plan: m.Plan, stored: Stored, depts: list[DeptEdits], source: str) -> tuple[m.Plan, list[Problem]]:
    """The plan with the planner's changes to the published roster as decisions: each shift added
    or moved becomes a fixed assignment (as a 固定排班 row), each shift removed — left empty or
    typed as leave — a day that person is not rostered. Everything else is rostered afresh; a
    change the rules cannot keep is reported by the rebuild (never dropped in silence)."""
    lang = plan.lang
    start = dt.date.fromisoformat(stored.start)
    days = set(plan.settings.days)
    fixed = list(plan.fixed)
    off: dict[str, set[dt.date]] = defaultdict(set)
    problems: list[Problem] = []
    log: list[tuple[str, str, str, str, str, str]] = list(plan.edits)
    label = {(p, day): (before, after) for d in depts for p, day, before, after in d.changes}
    for d in depts:
        problems += d.problems
        broken: dict[str, list[Breach]] = defaultdict(list)
        for b in d.audit.breaches if d.audit else []:
            broken[b.where].append(b)
        published = {(p, day): (code, post) for p, day, code, post in d.roster.published}
        now = {(e.person, e.day): e for e in d.edited}
        for key in sorted(set(published) | set(now), key=lambda k: (k[1], k[0])):
            e = now.get(key)
            if e is not None and published.get(key) == (e.shift_code, e.post):
                continue  # unchanged: rostered afresh
            date = start + dt.timedelta(days=key[1])
            before, after = label.get((key[0], stored.days[key[1]]), ("", ""))
            entry = (d.roster.department, key[0], stored.days[key[1]], before, after)
            if date not in days:
                problems.append(Problem(e.where if e else d.roster.grid.sheet,
                                        msg("edit_outside", lang, date=f"{date:%m-%d}"), "warning"))
                log.append((*entry, msg("edit_outside", lang, date=f"{date:%m-%d}")))
                continue
            if e is None:
                off[key[0]].add(date)
                log.append((*entry, ""))
            elif e.where in broken:  # the rules forbid it: said, and that cell is rostered afresh
                why = ("；" if lang == "zh" else "; ").join(breach_text(b, d.roster.department, lang)
                                                             for b in broken[e.where])
                problems.append(Problem(f"{source} {e.where}", msg("edit_not_kept", lang, why=why), "warning"))
                log.append((*entry, why))
            else:
                log.append((*entry, ""))
                fixed.append(m.FixedShift(e.person, date, e.shift_code, e.post,
                                          cells={"name": f"{source} {e.where}"}))
    staff = [replace(p, unavailable=tuple(sorted(set(p.unavailable) | off[p.name]))) if p.name in off else p
             for p in plan.staff]
    return replace(plan, fixed=fixed, staff=staff, edits=log), problems


__all__ = ["LEAVE", "DeptEdits", "NotARoster", "check", "keep_edits", "read_edits", "report"]
