"""Why a gap's hour is short although the department has people with the skill: who is on duty
then, and what keeps each of the others off — their own shifts that day and the rest around them
(one shift a day, the minimum rest), leave, their days in a row or hours. A department head reading
"short by 15" next to 43 people who can work the post asks exactly this (a helper's attack: the
advice said "add 15 people" while 27 qualified people were off at that hour)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from .roster_design import days_around, rest_clash
from .roster_model import Assignment, Person, RosterResult, RosterRules, ShiftTemplate, _Instance, block_reason

# why someone with the skill is not on the post at that hour, in the order a sentence lists them
_ORDER = ("on", "other_post", "shifts", "unavailable", "off", "window", "kind", "day_hours", "max_shifts", "row",
          "hours", "rules")
# a block_reason of every shift covering the hour, as the sentence counts it (the first found wins)
_BLOCKS = ("unavailable", "off", "window", "day_hours", "max_shifts", "total_hours", "kind")


def _clash(i: _Instance, mine: Sequence[Assignment], rules: RosterRules) -> bool:
    """Whether one of the person's shifts rules out instance ``i``: the same day (one shift a day)
    or less than the minimum rest between them."""
    return (rules.one_shift_per_day and any(a.day == i.day for a in mine)) or rest_clash(i, mine, rules.min_rest_hours)


def _why(person: Person, mine: Sequence[Assignment], covering: Sequence[_Instance], post: str, t: int,
         rules: RosterRules, horizon: int) -> str:
    if any(a.start_interval <= t < a.end_interval for a in mine):
        return "on" if any(a.post == post and a.start_interval <= t < a.end_interval for a in mine) else "other_post"
    blocked = {block_reason(person, i) for i in covering}
    open_ = [i for i in covering if block_reason(person, i) is None]
    if not open_:
        found = next((r for r in _BLOCKS if r in blocked), "kind")
        return "hours" if found == "total_hours" else found
    free = [i for i in open_ if not _clash(i, mine, rules)]
    if not free:
        return "shifts"
    worked = {a.day for a in mine}
    most = person.most_in_a_row(rules)
    hours, cap = sum(a.hours for a in mine), person.max_hours_total
    for i in free:
        if most is not None and sum(days_around(worked, i.day, horizon)) + 1 > most:
            continue
        return "hours" if cap is not None and hours + i.hours > cap + 1e-9 else "rules"
    return "row"


def gap_reasons(result: RosterResult, people: Sequence[Person], shifts: Sequence[ShiftTemplate],
                instances: Sequence[_Instance], rules: RosterRules, post: str, t: int, lang: str) -> str:
    """One clause: of the people with skill ``post``, how many are on it at interval ``t`` and
    what keeps the others off ('' when nobody has the skill)."""
    zh = lang == "zh"
    skilled = [p for p in people if post in p.posts]
    if not skilled:
        return ""
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in result.assignments:
        mine[a.person].append(a)
    covering = [i for i in instances if i.start_i <= t < i.end_i]
    if not covering:
        return ""  # no shift covers the hour at all: the advice says so, nobody's reason is theirs
    counts = Counter(_why(p, mine[p.name], covering, post, t, rules, result.horizon_days) for p in skilled)
    rest = f"{rules.min_rest_hours:g}"
    words = {
        "on": ("{n} 人在岗", "{n} on it"),
        "other_post": ("{n} 人在其他岗位", "{n} on another post"),
        "shifts": (("{n} 人被自己已排的班次挡住（每天一个班次、最短休息 " + rest + " 小时）")
                   if rules.one_shift_per_day else "{n} 人被自己已排的班次挡住（最短休息 " + rest + " 小时）",
                   ("{n} kept off by their own shifts (one a day, at least " + rest + " h rest)")
                   if rules.one_shift_per_day else "{n} kept off by their own shifts (at least " + rest + " h rest)"),
        "unavailable": ("{n} 人不可上班", "{n} unavailable"),
        "off": ("{n} 人休（保留的手工改动）", "{n} off (a kept hand edit)"),
        "window": ("{n} 人不在借调时间内", "{n} outside their lending window"),
        "kind": ("{n} 人不能上这些班次（班次适用人员）", "{n} may not work these shifts (shift types)"),
        "day_hours": ("{n} 人的每日最多小时短于这些班次", "{n} with a daily hour limit shorter than these shifts"),
        "max_shifts": ("{n} 人已到这些班次的次数上限", "{n} at their limit of shifts of this kind"),
        "row": ("{n} 人已到连续上班天数上限", "{n} at their days-in-a-row limit"),
        "hours": ("{n} 人已到活动工时上限", "{n} at their campaign hour cap"),
        "rules": ("{n} 人受其他个人规则所限（班次次数、连休、周末等）",
                  "{n} held by other personal rules (shifts of a kind, days off in a row, weekends …)"),
    }
    parts = [words[k][0 if zh else 1].format(n=counts[k]) for k in _ORDER if counts[k]]
    if zh:
        return f"具备「{post}」技能的 {len(skilled)} 人：" + "，".join(parts)
    return f"of the {len(skilled)} people with skill {post}: " + ", ".join(parts)
