"""Named duty rosters: hand-checked small plans, the continuous night-shift timeline, random
plans verified by the independent checker, understaffing explanations and fixed rows."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster_checker import check_roster
from sheetplan.calc.roster import (
    FixedAssignment,
    Person,
    RosterRules,
    ShiftTemplate,
    assignment_rows,
    explain,
    format_span,
    requirement_from_headcounts,
    solve_roster,
)

LABELS = ["11-10", "11-11", "11-12", "11-13"]
ALL = frozenset({"fulltime", "borrowed"})
SHIFTS = [
    ShiftTemplate("早", 8, 8, ALL, "早班"),
    ShiftTemplate("中", 14, 8, ALL, "中班"),
    ShiftTemplate("晚", 20, 8, ALL, "夜班"),
    ShiftTemplate("学", 10, 4, frozenset({"学生"}), "学生班"),
]
RULES = RosterRules(time_limit_s=5)


def blank(days: int, *posts: str, per_hour: int = 1) -> dict[str, list[int]]:
    return {p: [0] * (24 * days * per_hour) for p in posts}


def fill(req: list[int], start: int, end: int, value: int) -> None:
    for t in range(start, min(end, len(req))):
        req[t] = value


def verify(res, people, req, rules=RULES, fixed=(), shifts=SHIFTS, minutes=60) -> None:
    problems = check_roster(
        assignment_rows(res), people, req, rules, fixed, res.gaps,
        shifts=shifts, interval_minutes=minutes,
    )
    assert problems == []


def test_small_customer_service_roster_is_hand_checkable() -> None:
    # 11-10: 售前 2 people 08:00–16:00, 售后 1 person 14:00–22:00. Cheapest: 早早 + 中.
    req = blank(2, "售前", "售后")
    fill(req["售前"], 8, 16, 2)
    fill(req["售后"], 14, 22, 1)
    people = [
        Person("张三", "客服部", ("售前", "售后")),
        Person("李四", "客服部", ("售前",)),
        Person("王五", "客服部", ("售后",), cost_per_hour=2.0),
        Person("赵六", "客服部", ("售前", "售后"), cost_per_hour=3.0),
    ]
    res = solve_roster(people, SHIFTS, req, 2, RULES)
    assert res.status == "optimal"
    assert res.gaps == []
    got = sorted((a.person, a.shift_code, a.post, a.start_hour_abs, a.hours)
                 for a in res.assignments)
    # 售后 by 张三 (cost 1) would force the 3×-cost 赵六 onto 售前: 王五 (cost 2) is cheaper
    assert got == [("张三", "早", "售前", 8, 8), ("李四", "早", "售前", 8, 8),
                   ("王五", "中", "售后", 14, 8)]
    assert res.cost == pytest.approx(8 + 8 + 16)
    assert res.cover["售前"][8:16] == [2] * 8 and res.cover["售后"][14:22] == [1] * 8
    assert res.coverage_pct == 100.0
    verify(res, people, req)


def test_night_shift_runs_into_next_day_and_rest_is_respected() -> None:
    # 20:00 on 11-10 to 04:00 on 11-11, then 11-11 08:00–16:00: 4 h apart.
    req = blank(2, "售前")
    fill(req["售前"], 20, 28, 1)
    fill(req["售前"], 32, 40, 1)
    one = [Person("A", "客服部", ("售前",))]
    res = solve_roster(one, SHIFTS, req, 2, RULES)
    assert res.status == "partial"
    assert len(res.assignments) == 1  # rest of 11 h forbids doing both
    assert res.shortfall_hours == 8
    verify(res, one, req)

    two = [*one, Person("B", "客服部", ("售前",))]
    res = solve_roster(two, SHIFTS, req, 2, RULES)
    assert res.status == "optimal"
    night = next(a for a in res.assignments if a.shift_code == "晚")
    assert (night.day, night.start_hour_abs, night.end_hour_abs) == (0, 20, 28)
    assert (night.start_interval, night.end_interval) == (20, 28)
    assert res.cover["售前"][24:28] == [1, 1, 1, 1]  # 00:00–04:00 of 11-11, no wrap to 11-10
    assert res.cover["售前"][0:4] == [0, 0, 0, 0]
    assert len({a.person for a in res.assignments}) == 2
    verify(res, two, req)

    short_rest = RosterRules(min_rest_hours=3, time_limit_s=5)
    res = solve_roster(one, SHIFTS, req, 2, short_rest)
    assert res.status == "optimal" and len(res.assignments) == 2
    verify(res, one, req, short_rest)


def test_night_shift_into_unavailable_day_is_not_used() -> None:
    req = blank(2, "售前")
    fill(req["售前"], 20, 28, 1)
    people = [Person("A", "客服部", ("售前",), unavailable_days=frozenset({1}))]
    res = solve_roster(people, SHIFTS, req, 2, RULES)
    assert [a.shift_code for a in res.assignments] == ["中"]  # 20:00–22:00 only
    assert res.shortfall_hours == 6
    verify(res, people, req)


def test_understaffed_plan_yields_gaps_and_a_chinese_explanation() -> None:
    # 3 售前 agents are fixed on 11-11 中 (14:00); nobody can do the 11-11 00:00–04:00 spike
    # because the night shift ends at 04:00 and only 10 h of rest would remain.
    req = blank(2, "售前")
    fill(req["售前"], 24, 28, 3)
    fill(req["售前"], 38, 46, 3)
    people = [Person(f"客服{k}", "客服部", ("售前",)) for k in range(3)]
    fixed = [FixedAssignment(f"客服{k}", 1, "中", "售前") for k in range(3)]
    res = solve_roster(people, SHIFTS, req, 2, RULES, fixed)
    assert res.status == "partial"
    assert [(g.post, g.start_interval, g.end_interval, g.shortfall) for g in res.gaps] == [
        ("售前", 24, 28, 3)
    ]
    lines = explain(res, people, SHIFTS, req, RULES, "zh", day_labels=LABELS, fixed=fixed,
                    resolve_time_s=2)
    assert lines[0].startswith("排班 3 人次（3 人）")
    assert "缺口 12 人·小时" in lines[0]
    assert lines[1] == (
        "售前 11-11 00:00–04:00 缺 3 人（具备「售前」技能的 3 人："
        "3 人被自己已排的班次挡住（每天一个班次、最短休息 11 小时））：可增加 3 名具备「售前」技能、当日可上班的人员，"
        "或放宽最短休息时间（当前 11 小时，改为 8 小时可消除该缺口）"
    )
    en = explain(res, people, SHIFTS, req, RULES, "en", day_labels=LABELS, fixed=fixed,
                 resolve_time_s=2)
    assert en[1] == (
        "售前 11-11 00:00–04:00 short by 3 (of the 3 people with skill 售前: 3 kept off by their own shifts "
        "(one a day, at least 11 h rest)): add 3 people with skill 售前 who can work that "
        "day; or relax the minimum rest (now 11 h; at 8 h the gap closes)"
    )
    verify(res, people, req, fixed=fixed)


def test_explanation_names_missing_skill_and_uncovered_hours() -> None:
    req = blank(2, "售前", "催单")
    fill(req["催单"], 24, 28, 2)  # 11-11 00:00–04:00: only the 11-10 night shift reaches it
    fill(req["售前"], 4, 8, 1)  # 11-10 04:00–08:00: no template covers it at all
    fill(req["售前"], 8, 16, 1)
    people = [Person("甲", "客服部", ("售前",)), Person("乙", "客服部", ("售前",))]
    res = solve_roster(people, SHIFTS, req, 2, RULES)
    lines = explain(res, people, SHIFTS, req, RULES, day_labels=LABELS, resolve=False)
    assert lines[1] == (
        "售前 11-10 04:00–08:00 缺 1 人：没有任何班次覆盖 11-10 04:00–08:00，需增加覆盖该时段的班次，"
        "目前具备「售前」技能且能上这些时段的只有 0 人"
    )
    assert lines[2].startswith("催单 11-11 00:00–04:00 缺 2 人：可增加 2 名具备「催单」技能")
    assert lines[2].endswith("目前具备「催单」技能且能上这些时段的只有 0 人")


def test_cross_training_is_suggested_when_another_post_has_spare_people() -> None:
    req = blank(1, "售前", "售后")
    fill(req["售前"], 8, 16, 2)
    fill(req["售后"], 8, 16, 1)
    people = [Person("甲", "客服部", ("售前",))]
    fixed = [FixedAssignment("乙", 0, "早", "售后"), FixedAssignment("丙", 0, "早", "售后")]
    people += [Person("乙", "客服部", ("售后",)), Person("丙", "客服部", ("售后",))]
    res = solve_roster(people, SHIFTS, req, 1, RULES, fixed)
    lines = explain(res, people, SHIFTS, req, RULES, day_labels=LABELS, resolve=False)
    assert lines[1] == (
        "售前 11-10 08:00–16:00 缺 1 人（具备「售前」技能的 1 人：1 人在岗）："
        "可增加 1 名具备「售前」技能、当日可上班的人员，"
        "或从富余的「售后」调 1 人并培训其兼任「售前」，目前具备「售前」技能且能上这些时段的只有 1 人"
    )


def test_fixed_assignments_are_kept_even_when_costlier() -> None:
    req = blank(2, "打包")
    fill(req["打包"], 8, 16, 1)
    people = [Person("便宜", "仓储物流部", ("打包", "称重")),
              Person("贵", "仓储物流部", ("打包",), cost_per_hour=5)]
    fixed = [FixedAssignment("贵", 0, "早", "打包"), FixedAssignment("便宜", 1, "中", "称重")]
    res = solve_roster(people, SHIFTS, req, 2, RULES, fixed)
    got = {(a.person, a.day, a.shift_code, a.post) for a in res.assignments}
    assert got == {("贵", 0, "早", "打包"), ("便宜", 1, "中", "称重")}
    assert res.status == "optimal"
    verify(res, people, req, fixed=fixed)


def test_conflicting_fixed_rows_give_infeasible_with_reasons() -> None:
    req = blank(2, "售前")
    people = [Person("A", "客服部", ("售前",), unavailable_days=frozenset({1})),
              Person("S", "客服部", ("售前",), kind="学生")]
    fixed = [
        FixedAssignment("A", 0, "晚", "售前"),  # runs into unavailable 11-11
        FixedAssignment("A", 0, "早", "售后"),  # skill, and same day as the night shift
        FixedAssignment("S", 0, "早", "售前"),  # students only work 学
    ]
    res = solve_roster(people, SHIFTS, req, 2, RULES, fixed)
    assert res.status == "infeasible"
    reasons = sorted(c.reason for c in res.conflicts)
    assert reasons == ["day_hours", "kind", "same_day", "skill", "unavailable"]
    lines = explain(res, people, SHIFTS, req, RULES, day_labels=LABELS)
    assert lines[0].startswith("排班无解")
    assert "固定排班「A 11-10 晚 售前」无法保留：此人当日不可上班" in lines
    assert "固定排班「S 11-10 早 售前」无法保留：该班次不允许学生人员上" in lines
    en = explain(res, people, SHIFTS, req, RULES, "en", day_labels=LABELS)
    assert "fixed assignment «A 11-10 早 售后» cannot be kept: A lacks skill 售后" in en


def test_students_borrowed_windows_and_hour_caps() -> None:
    req = blank(3, "售前")
    for d in range(3):
        fill(req["售前"], 24 * d + 8, 24 * d + 22, 2)
    people = [
        Person("学生", "客服部", ("售前",), kind="student", max_hours_total=8),
        Person("借调", "运营部", ("售前",), kind="借调", available_windows=((24, 48),)),
        Person("全职", "客服部", ("售前",), max_hours_total=16),
    ]
    res = solve_roster(people, SHIFTS, req, 3, RULES)
    by = {}
    for a in res.assignments:
        by.setdefault(a.person, []).append(a)
    assert {a.shift_code for a in by["学生"]} == {"学"} and len(by["学生"]) == 2
    assert all(a.start_hour_abs >= 24 and a.end_hour_abs <= 48 for a in by["借调"])
    assert sum(a.hours for a in by["全职"]) <= 16
    assert {a.department for a in by["借调"]} == {"运营部"}
    verify(res, people, req)


def test_half_hour_intervals() -> None:
    shifts = [ShiftTemplate("早", 8.5, 8), ShiftTemplate("晚", 20.5, 7.5)]
    req = blank(2, "拣货", per_hour=2)
    fill(req["拣货"], 17, 33, 1)  # 08:30–16:30
    fill(req["拣货"], 41, 56, 2)  # 20:30–04:00
    people = [Person(f"P{k}", "仓储物流部", ("拣货",)) for k in range(3)]
    res = solve_roster(people, shifts, req, 2, RULES, interval_minutes=30)
    assert res.gaps == [] and len(res.assignments) == 3
    verify(res, people, req, shifts=shifts, minutes=30)


def test_requirement_from_headcounts_seed_pattern() -> None:
    # seed: 24 h online 11-10..11-11 with 10/2/2, then 15 h a day with 5/1/7
    during = {"售前": 10, "催单": 2, "售后": 2}
    after = {"售前": 5, "催单": 1, "售后": 7}
    req = requirement_from_headcounts(
        3, {0: during, 1: during, 2: after}, {0: (0, 24), 1: (0, 24), 2: (8, 23)}
    )
    assert sorted(req) == ["催单", "售前", "售后"]
    assert req["售前"][:48] == [10] * 48
    assert req["售后"][48:56] == [0] * 8 and req["售后"][56:71] == [7] * 15
    assert req["售后"][71:] == [0]
    q = requirement_from_headcounts(1, {0: {"打包": 3}}, {0: (20, 30)}, interval_minutes=30)
    assert q["打包"][40:] == [3] * 8  # clipped at the end of the campaign
    with pytest.raises(ValueError, match="grid"):
        requirement_from_headcounts(1, {0: {"打包": 3}}, {0: (8.25, 12)})


def test_bad_inputs_raise() -> None:
    req = blank(1, "售前")
    p = [Person("A", "客服部", ("售前",))]
    with pytest.raises(ValueError, match="expected 24"):
        solve_roster(p, SHIFTS, {"售前": [1] * 23}, 1, RULES)
    with pytest.raises(ValueError, match="duplicate person"):
        solve_roster(p + p, SHIFTS, req, 1, RULES)
    with pytest.raises(ValueError, match="unknown person"):
        solve_roster(p, SHIFTS, req, 1, RULES, [FixedAssignment("B", 0, "早", "售前")])
    with pytest.raises(ValueError, match="unknown person kind"):
        Person("A", "客服部", ("售前",), kind="contractor")  # type: ignore[arg-type]


def test_format_span() -> None:
    assert format_span(24, 28, 60, LABELS) == "11-11 00:00–04:00"
    assert format_span(20, 24, 60, LABELS) == "11-10 20:00–24:00"
    assert format_span(20, 28, 60, LABELS) == "11-10 20:00–11-11 04:00"
    assert format_span(17, 20, 30, None, "en") == "Day 1 08:30–10:00"


def test_fairness_spreads_night_shifts() -> None:
    req = blank(4, "售前")
    for d in range(4):
        fill(req["售前"], 24 * d + 20, 24 * d + 28, 1)
    people = [Person(n, "客服部", ("售前",)) for n in "ABCD"]
    res = solve_roster(people, SHIFTS, req, 4, RULES)
    assert sorted(a.person for a in res.assignments) == ["A", "B", "C", "D"]
    assert res.unfairness["night:fulltime"] == 0


def test_checker_catches_violations() -> None:
    people = [Person("A", "客服部", ("售前",), max_hours_total=10,
                     unavailable_days=frozenset({2}))]
    req = blank(3, "售前")
    fill(req["售前"], 8, 16, 1)
    rows = [
        {"person": "A", "post": "售前", "start": 8, "end": 16, "hours": 8},
        {"person": "A", "post": "售后", "start": 20, "end": 28, "hours": 8},  # skill, rest
        {"person": "A", "post": "售前", "start": 44, "end": 52, "hours": 8},  # day 2 off
    ]
    problems = check_roster(rows, people, req, RULES, [FixedAssignment("A", 1, "早", "售前")], [])
    text = "\n".join(problems)
    for needle in ("not among skills", "rest 4 h", "unavailable day 2", "2 shifts on day 0",
                   "in total > 10", "not kept"):
        assert needle in text
    # claiming no gap where cover is short is caught too
    assert any("shortfall 1 but result claims 0" in p
               for p in check_roster(rows[1:], people, req, RULES, (), []))


# ---------------------------------------------------------------- randomised small plans

POSTS = ("售前", "催单", "售后")


@st.composite
def small_plan(draw: st.DrawFn):
    days = 3
    n = draw(st.integers(1, 5))
    people = []
    for k in range(n):
        kind = draw(st.sampled_from(["fulltime", "fulltime", "student", "borrowed"]))
        posts = tuple(draw(st.sets(st.sampled_from(POSTS), min_size=1, max_size=2)))
        win = None
        if kind == "borrowed":
            a = draw(st.integers(0, 48))
            win = ((a, a + draw(st.integers(8, 48))),)
        people.append(Person(
            f"P{k}", "客服部", tuple(sorted(posts)), kind,
            max_hours_per_day=draw(st.sampled_from([4, 8, 12])),
            max_hours_total=draw(st.sampled_from([None, 8, 16, 24])),
            unavailable_days=frozenset(draw(st.sets(st.integers(0, days - 1), max_size=1))),
            available_windows=win,
            cost_per_hour=draw(st.sampled_from([1.0, 1.5, 2.0])),
        ))
    req = {}
    for post in POSTS[: draw(st.integers(1, 3))]:
        values = [0] * (24 * days)
        for _ in range(draw(st.integers(0, 3))):
            a = draw(st.integers(0, 24 * days - 1))
            fill(values, a, min(24 * days, a + draw(st.integers(1, 12))), draw(st.integers(1, 2)))
        req[post] = values
    rules = RosterRules(
        min_rest_hours=draw(st.sampled_from([0, 8, 11])),
        one_shift_per_day=draw(st.booleans()),
        peak_days=frozenset({1}),
        time_limit_s=5,
    )
    return people, req, rules, days


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_plan())
def test_random_small_plans_pass_the_checker(plan) -> None:
    people, req, rules, days = plan
    res = solve_roster(people, SHIFTS, req, days, rules)
    assert res.status in ("optimal", "feasible", "partial")
    verify(res, people, req, rules)
    # a fixed copy of the result must be feasible and keep the same shortfall
    fixed = [FixedAssignment(a.person, a.day, a.shift_code, a.post) for a in res.assignments]
    again = solve_roster(people, SHIFTS, req, days, rules, fixed)
    assert again.status != "infeasible"
    assert again.shortfall_hours == pytest.approx(res.shortfall_hours)
    verify(again, people, req, rules, fixed)
    lines = explain(res, people, SHIFTS, req, rules, resolve=False)
    if res.gaps:  # a summary, then one line per run of short intervals, naming the post
        assert 2 <= len(lines) <= 1 + len(res.gaps)
        assert {line.split(" ")[0] for line in lines[1:]} == {g.post for g in res.gaps}
    else:
        assert lines[1] == "所有岗位在所有时段均已满足需求。"
