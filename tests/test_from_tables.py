"""SP_ROSTER's tables (plan/from_tables.py) from pandas too: blanks as pandas holds them, wrong
types named, every message in the language asked for (issue 22, item 8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sheetplan.plan.from_tables import TableError, roster_plan

STAFF = [["姓名", "岗位"], ["张伟", "售前"], ["王艳", "售前"]]
SHIFTS = [["代码", "开始", "时长(小时)"], ["早", "08:00", 8]]
NEEDS = [["岗位", "人数", "日期", "开始", "结束"], ["售前", 1, "2026-11-11", "08:00", "16:00"]]


def problems(*tables: object, lang: str = "zh") -> list[str]:
    with pytest.raises(TableError) as e:
        roster_plan(*tables, lang=lang)  # type: ignore[arg-type]
    return e.value.problems


def test_frames_are_tables_and_their_blanks_are_blank() -> None:
    staff = pd.DataFrame(STAFF[1:], columns=STAFF[0])
    plan = roster_plan(staff, pd.DataFrame(SHIFTS[1:], columns=SHIFTS[0]), NEEDS)
    assert [p.name for p in plan.staff] == ["张伟", "王艳"]
    for blank in (float("nan"), np.nan, pd.NA, pd.NaT, np.datetime64("NaT")):
        staff = [*STAFF, [blank, "售前"]]
        assert problems(staff, SHIFTS, NEEDS) == ["人员 row 4: 「姓名」不能为空"], blank  # not a person called 'nan'
    needs = pd.read_csv(__import__("io").StringIO("岗位,人数,日期,开始,结束\n售前,,2026-11-11,08:00,16:00\n"))
    assert problems(STAFF, SHIFTS, needs) == ["需求 row 2: 手填需求须填写人数（岗位「售前」）"]


def test_wrong_types_are_named_not_raised() -> None:
    assert problems(3, SHIFTS, NEEDS) == ["人员: 应为表格（若干行，每行若干单元格，首行为表头），实为 int"]
    assert problems(STAFF, [["代码", "开始", "时长(小时)"], "早"], NEEDS, lang="en") == [
        "shifts: row 2 must be a row of cells, not str"]


def test_messages_in_the_language_asked_for() -> None:
    staff = [["name", "posts", "type"], ["a", "x", "intern"], ["a", "x", "full-time"], ["a", "x", "full-time"]]
    shifts = [["code", "start", "hours"], ["E x", "08:00", 8]]
    needs = [["post", "people", "source"], ["x", 1, "客服测算"]]
    en = problems(staff, shifts, needs, lang="en")
    assert "staff row 2: 'Type' must be one of 全职/学生/借调, not 'intern'" in en
    assert "shifts row 2: shift code 'E x' may not contain spaces or '·'" in en
    assert "requirement row 2: only typed requirements (people, dates, times) here, not source '客服测算'" in en
    assert "staff row 4: 'a' is repeated (first at staff row 3)" in en
    zh = problems([["姓名", "岗位"], ["甲", "x"], ["甲", "x"]], SHIFTS, [NEEDS[0], ["x", 1, None, None, None]])
    assert zh == ["需求: 每行需求都需要日期（或带日期的开始/结束）",
                  "人员 row 3: 「甲」重复（第一次出现在 人员 row 2）"]
