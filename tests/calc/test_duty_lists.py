"""Each day's list holds everyone on duty that day: a night shift on its own day and the next."""

from __future__ import annotations

from sheetplan.calc.duty_lists import by_day, by_person, duty_lines
from sheetplan.calc.roster import Assignment, ShiftTemplate

SHIFTS = [ShiftTemplate("早", 8, 8), ShiftTemplate("中", 16, 8), ShiftTemplate("峰", 22, 4)]


def _a(person: str, day: int, code: str, post: str = "售前") -> Assignment:
    t = next(s for s in SHIFTS if s.code == code)
    start = day * 24 + t.start_hour
    return Assignment(person, "客服部", post, day, code, int(start), int(start + t.hours), start, t.hours)


def test_a_night_shift_is_listed_on_its_day_and_the_next() -> None:
    lines = duty_lines([_a("甲", 0, "峰"), _a("乙", 1, "早"), _a("丙", 0, "中")], SHIFTS, 3)
    days = by_day(lines)
    assert days[0] == {("售前", "峰", False): ["甲"], ("售前", "中", False): ["丙"]}
    assert days[1] == {("售前", "峰", True): ["甲"], ("售前", "早", False): ["乙"]}
    carried = next(x for x in lines if x.carried)
    assert (carried.day, carried.overnight, carried.start_hour) == (1, True, 22)
    # the carried night team comes first on the next day's list: it is on duty from 00:00
    assert [(x.person, x.carried) for x in lines if x.day == 1] == [("甲", True), ("乙", False)]
    # a 16:00–24:00 shift ends at midnight: it is not on the next day's list
    assert not any(x.person == "丙" and x.day == 1 for x in lines)


def test_the_last_day_s_night_shift_stays_within_the_campaign() -> None:
    lines = duty_lines([_a("甲", 2, "峰")], SHIFTS, 3)
    assert [(x.day, x.carried, x.overnight) for x in lines] == [(2, False, True)]
    assert list(by_person(lines)) == ["甲"]
