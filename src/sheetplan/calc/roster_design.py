"""Shift-design advice and all-hands days in a roster's explanation.

When the shift templates themselves cannot close a gap (the flash sale at 00:00 is reachable
only by the shifts that start the evening before or at midnight), more people of the same kind
do not help as much as a different shift: the evening shift run on to 02:00 as overtime, a shift
started earlier, or a new one starting at the gap. Each design is offered to the solver as an
extra template (people may work the original or the variant) in the same quick what-if solve as
the relaxed rules, so the advice says how many people would take it and by how much the gap
shrinks — computed, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from .roster_day_explain import Option
from .roster_model import (
    Assignment,
    Person,
    RosterResult,
    RosterRules,
    ShiftTemplate,
    _Instance,
    block_reason,
    shift_instances,
)

DESIGN_MARK = "⊕"  # a variant template's code: the original code and this mark (never typed by a planner)
REACH_HOURS = 4  # a shift ending (or starting) this close to a gap may be extended (or moved) to it
MAX_DESIGNS = 4
MAX_SHIFT_HOURS = 12.0


def _clock(hour_abs: float) -> str:
    h = hour_abs % 24
    return f"{int(h):02d}:{round((h % 1) * 60):02d}"


def shift_designs(runs: Sequence, shifts: Sequence[ShiftTemplate], people: Sequence[Person], rules: RosterRules,
                  interval_minutes: int, day_labels: Sequence[str] | None) -> list[Option]:
    """(zh, en, people, rules, shifts) what-ifs for the deepest gaps; ``{n}`` in the texts is the
    number of shifts the solver puts on the variant (see :func:`design_text`)."""
    if not runs or not shifts or not people:
        return []
    iph = 60 // interval_minutes
    longest = min(MAX_SHIFT_HOURS, max(p.max_hours_per_day for p in people))
    usual = sorted(s.hours for s in shifts)[len(shifts) // 2]
    seen = {(round(s.start_hour, 4), round(s.hours, 4)) for s in shifts}
    out: list[Option] = []

    def add(base: ShiftTemplate, start: float, hours: float, zh: str, en: str) -> None:
        key = (round(start % 24, 4), round(hours, 4))
        if key in seen or hours > longest + 1e-9 or hours <= 0 or len(out) >= MAX_DESIGNS:
            return
        seen.add(key)
        variant = replace(base, code=f"{base.code}{DESIGN_MARK}{len(out)}", start_hour=start % 24, hours=hours,
                          not_followed_by=frozenset())
        out.append((zh, en, list(people), rules, [*shifts, variant]))

    for run in sorted(runs, key=lambda r: (-max(r.short), r.start))[:3]:
        hs, he = run.start / iph, run.end / iph
        day = int(hs // 24)
        for t in shifts:
            name = t.label or t.code
            for d in (day - 1, day):
                start = 24 * d + t.start_hour
                end = start + t.hours
                if hs - REACH_HOURS <= end <= hs + 1e-9 and end < he:
                    add(t, t.start_hour, he - start, f"将「{name}」延长到 {_clock(he)}（作为加班，约 {{n}} 人次",
                        f"run {name} on to {_clock(he)} as overtime (about {{n}} shifts:")
                if he - 1e-9 <= start <= he + REACH_HOURS and start > hs:
                    add(t, t.start_hour - (start - hs), end - hs,
                        f"将「{name}」提前到 {_clock(hs)} 开始（约 {{n}} 人次",
                        f"start {name} earlier, at {_clock(hs)} (about {{n}} shifts:")
        base = shifts[0]
        add(replace(base, kinds=frozenset(k for s in shifts for k in s.kinds), label=""), hs, usual,
            f"增设 {_clock(hs)} 开始的 {usual:g} 小时班次（约 {{n}} 人次",
            f"add a shift of {usual:g} hours starting {_clock(hs)} (about {{n}} shifts:")
    return out


def is_design(option_shifts: Sequence[ShiftTemplate], shifts: Sequence[ShiftTemplate]) -> bool:
    """Whether a what-if offers a shift design: it adds one variant to the templates (read from
    the option itself, never from its text, which holds planner-typed labels)."""
    return len(option_shifts) > len(shifts)


def design_uses(result: RosterResult, post: str, start: int, end: int) -> int:
    """How many shifts the what-if roster put on a design variant at this gap (``post`` over
    intervals ``[start, end)``). None: the re-search closed the gap some other way, which is not
    the design's doing (nor credited to it)."""
    return sum(1 for a in result.assignments if DESIGN_MARK in a.shift_code and a.post == post
               and a.start_interval < end and a.end_interval > start)


def design_text(zh: str, en: str, result: RosterResult, post: str, start: int, end: int) -> tuple[str, str]:
    """A design's texts with the number of shifts the what-if roster put on the variant at this
    gap (``post`` over intervals ``[start, end)``): the what-if may use the variant on other days
    too, and those are not what closes this gap. Only the last ``{n}`` is the placeholder: it
    follows the shift's label, which a planner may have typed with ``{n}`` in it."""
    n = design_uses(result, post, start, end)
    head, tail = en.rsplit("{n}", 1)
    if n == 1 and tail.startswith(" shifts"):
        tail = " shift" + tail.removeprefix(" shifts")  # "about 1 shift", not "about 1 shifts"
    return str(n).join(zh.rsplit("{n}", 1)), f"{head}{n}{tail}"


# how an all-hands line of the explanation begins (the check sheet cites those lines too)
ALL_HANDS_HEAD = {"zh": "全员在岗日 ", "en": "All-hands day "}


def all_hands_lines(result: RosterResult, people: Mapping[str, Person], shifts: Sequence[ShiftTemplate],
                    day_labels: Sequence[str] | None, lang: str, rules: RosterRules | None = None,
                    is_duty: Callable[[str, _Instance], bool] | None = None) -> list[str]:
    """One sentence per all-hands day someone is off, naming each person and why — the rule
    that keeps them off, read from the roster itself (days in a row, hours over the campaign,
    rest next to their shifts) where one does."""
    zh = lang == "zh"
    by_day: dict[int, list[str]] = {}
    instances = shift_instances(shifts, result.horizon_days, result.interval_minutes)
    for name, day in result.all_hands_off:
        person = people[name]
        blocks = [(i, block_reason(person, i)) for i in instances if i.day == day
                  and (is_duty is None or any(is_duty(q, i) for q in person.posts))]  # duty shifts only
        reasons = {why for _, why in blocks}
        if not blocks and is_duty is not None:
            why = "当日不需要其岗位" if zh else "none of their posts is needed that day"
        elif None in reasons:
            why = _rule_off(result, person, [i for i, why in blocks if why is None], rules or RosterRules(), zh)
        elif "unavailable" in reasons:
            why = "不可上班" if zh else "unavailable"
        elif "off" in reasons:
            why = "休（保留的手工改动）" if zh else "off: a kept hand edit"
        elif "window" in reasons:
            why = "不在借调日期内" if zh else "not lent that day"
        else:
            why = "没有可上的班次" if zh else "no shift they may work"
        by_day.setdefault(day, []).append(f"{name}（{why}）" if zh else f"{name} ({why})")
    out = []
    for day, names in sorted(by_day.items()):
        label = day_labels[day] if day_labels and day < len(day_labels) else str(day + 1)
        out.append(f"{ALL_HANDS_HEAD['zh']}{label}：{len(names)} 人未排班 — {'、'.join(names)}" if zh
                   else f"{ALL_HANDS_HEAD['en']}{label}: {len(names)} not rostered — {', '.join(names)}")
    return out


def days_around(worked: set[int], day: int, horizon: int) -> tuple[int, int]:
    """Days worked in a row just before and just after ``day`` (the run it would join)."""
    before = next((k for k in range(day) if day - 1 - k not in worked), day)
    after = next((k for k in range(horizon - day - 1) if day + 1 + k not in worked), horizon - day - 1)
    return before, after


def rest_clash(i: _Instance, mine: Sequence[Assignment], min_rest_hours: float) -> bool:
    """Whether one of a person's shifts overlaps instance ``i`` or leaves less than the minimum
    rest between them."""
    rest = min_rest_hours - 1e-9
    return any(a.start_hour_abs <= i.start_h < a.end_hour_abs + rest or i.start_h <= a.start_hour_abs < i.end_h + rest
               for a in mine)


def _rule_off(result: RosterResult, person: Person, options: Sequence[_Instance], rules: RosterRules, zh: bool
              ) -> str:
    """Which of the person's rules keeps them off a day they could otherwise work, as the roster
    stands: the days in a row around it, the campaign's hour cap, the rest next to their shifts
    before and after; the rules in general when none of these alone does."""
    mine = [a for a in result.assignments if a.person == person.name]
    day = options[0].day
    most = person.most_in_a_row(rules)
    before, after = days_around({a.day for a in mine}, day, result.horizon_days)
    if most is not None and before + after + 1 > most:
        return (f"最多连续上班 {most} 天（前后已连上 {before + after} 天）" if zh
                else f"at most {most} day{'s' if most != 1 else ''} in a row ({before + after} worked around it)")
    hours = sum(a.hours for a in mine)
    cap = person.max_hours_total
    if cap is not None and hours + min(i.hours for i in options) > cap + 1e-9:
        return (f"活动最多小时 {cap:g}（已排 {hours:g} 小时）" if zh
                else f"at most {cap:g} hours over the campaign ({hours:g} rostered)")
    if all(rest_clash(i, mine, rules.min_rest_hours) for i in options):
        return (f"最短休息 {rules.min_rest_hours:g} 小时（与前后的班次之间）" if zh
                else f"the minimum rest of {rules.min_rest_hours:g} h (next to their shifts before and after)")
    return "排班规则所限（休息、连续上班或工时）" if zh else "the rules (rest, days in a row or hours)"
