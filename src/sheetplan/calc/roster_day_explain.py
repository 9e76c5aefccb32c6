"""What a department head reads about the day-pattern rules, wishes and per-shift head counts
(:mod:`sheetplan.calc.roster_rules`): which wishes were not granted, which shift was left short,
and which personal rule, relaxed, would close a gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sheetplan.calc.roster_model import Person, RosterResult, RosterRules, ShiftTemplate
from sheetplan.calc.roster_rules import Request, ShiftCover

MAX_LISTED = 8  # unmet wishes named in the summary line; the rest are counted


def _day(day: int, labels: Sequence[str] | None, lang: str) -> str:
    if labels is not None and 0 <= day < len(labels):
        return str(labels[day])
    return f"第{day + 1}天" if lang == "zh" else f"Day {day + 1}"


def on_shift(result: RosterResult, c: ShiftCover) -> int:
    """People the roster puts on the head count's shift, day and post."""
    return sum(1 for a in result.assignments if (a.day, a.shift_code, a.post) == (c.day, c.shift_code, c.post))


def wish_lines(result: RosterResult, requests: Sequence[Request], labels: Sequence[str] | None,
               lang: str) -> list[str]:
    """One line: how many wishes were granted, and the first unmet ones by name."""
    if not requests:
        return []
    zh = lang == "zh"
    unmet = sorted(result.unmet_requests, key=lambda r: (-r.weight, r.day, r.person))
    granted = len(requests) - len(unmet)

    def what(r: Request) -> str:
        shift = r.shift_code or ("任何班次" if zh else "any shift")
        if zh:
            return f"{r.person} {_day(r.day, labels, lang)} {'想上' if r.want else '不想上'}{shift}"
        return f"{r.person} {_day(r.day, labels, lang)} {'wants' if r.want else 'does not want'} {shift}"

    head = (f"员工意愿：满足 {granted}/{len(requests)} 条" if zh
            else f"Wishes: {granted} of {len(requests)} granted")
    if not unmet:
        return [head]
    named = ("、" if zh else ", ").join(what(r) for r in unmet[:MAX_LISTED])
    more = len(unmet) - MAX_LISTED
    tail = (f" 等 {len(unmet)} 条" if zh else f" and {more} more") if more > 0 else ""
    reason = ("（与覆盖需求、规则或成本冲突，按权重取舍）" if zh
              else f" ({'it clashes' if len(unmet) == 1 else 'they clash'} with cover, the rules or cost, "
                   "and weighs less)")
    return [head + ("；未满足：" if zh else "; not granted: ") + named + tail + reason]


def shift_gap_runs(result: RosterResult, shift_cover: Sequence[ShiftCover], labels: Sequence[str] | None,
                   lang: str) -> list[tuple[str, tuple[int, str, str]]]:
    """(sentence, (day, shift, post)) for each per-shift head count left short, earliest first."""
    out = []
    for c in sorted(shift_cover, key=lambda c: (c.day, c.shift_code, c.post)):
        short = c.need - on_shift(result, c)
        if short > 0:
            text = (f"{c.post} {_day(c.day, labels, lang)} {c.shift_code} 班 缺 {short} 人（需 {c.need} 人）"
                    if lang == "zh" else
                    f"{c.post} {_day(c.day, labels, lang)} shift {c.shift_code} short by {short} (needs {c.need})")
            out.append((text, (c.day, c.shift_code, c.post)))
    return out


Option = tuple[str, str, list[Person], RosterRules, list[ShiftTemplate]]


def personal_relaxations(people: Sequence[Person], shifts: Sequence[ShiftTemplate], rules: RosterRules) -> list[Option]:
    """(zh, en, people, rules, shifts) for each personal day rule or succession a plan sets, relaxed."""
    people, shifts = list(people), list(shifts)
    out: list[Option] = []

    def option(zh: str, en: str, changed: list[Person]) -> None:
        if changed != people:
            out.append((zh, en, changed, rules, shifts))

    option("取消个人的连续上班天数上限（", "lift the personal limits on days in a row (",
           [replace(p, max_consecutive_days=None) if p.max_consecutive_days is not None else p for p in people])
    option("取消最少连续上班天数（", "drop the minimum days in a row (",
           [replace(p, min_consecutive_days=1) for p in people])
    option("取消最少连续休息天数（", "drop the minimum days off in a row (",
           [replace(p, min_days_off=1) for p in people])
    if rules.weekends:
        option("取消上班周末数上限（", "lift the caps on weekends worked (",
               [replace(p, max_weekends=None) for p in people])
    option("取消各班次次数上限（", "lift the caps on shifts of each kind (",
           [replace(p, max_shifts=()) for p in people])
    if any(t.not_followed_by for t in shifts):
        out.append(("取消班次衔接限制（次日不可接", "allow any shift after any other (no forbidden successions;",
                    people, rules, [replace(t, not_followed_by=frozenset()) for t in shifts]))
    return out


__all__ = ["Option", "on_shift", "personal_relaxations", "shift_gap_runs", "wish_lines"]
