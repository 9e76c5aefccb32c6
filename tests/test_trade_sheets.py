"""Every sheet true to the trade and fit to send (issue 13): formats Excel, WPS and LibreOffice
show alike, the duty tracker, print layouts, fonts, words, the live service level, English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from plan_edit import edited, set_setting
from sheetplan.build import Results, build_file
from sheetplan.calc.service import service_level
from sheetplan.plan.model import Plan
from sheetplan.publish.roster_store import SHEET
from sheetplan.render.template import write_example

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def workbook(paths: list[Path], suffix: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(next(p for p in paths if p.name.endswith(suffix)))


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    plan = write_example(tmp_path_factory.mktemp("en") / "example-plan.xlsx", "en")
    fast = edited(plan, plan.with_name("shop.xlsx"), lambda wb: set_setting(wb, "Roster solver budget", 0.1))
    return fast, build_file(fast, tmp_path_factory.mktemp("en-out"))


# ----------------------------------------------------------------------------- formats and fonts
def test_no_format_shows_a_trailing_dot_and_every_font_is_one_planners_have(
    demo_outputs: list[Path], english: tuple[Path, list[Path]]
) -> None:
    for paths, font in ((demo_outputs, "微软雅黑"), (english[1], "Calibri")):
        for path in paths:
            wb = openpyxl.load_workbook(path)
            fonts, formats = set(), set()
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if c.has_style:
                            fonts.add(c.font.name)
                            formats.add(c.number_format)
            assert not any(f.endswith(".##") for f in formats), (path.name, formats)
            assert fonts <= {font, "Calibri", None}, (path.name, fonts)  # Calibri: openpyxl's default style


def test_words_a_boss_reads(demo_outputs: list[Path], example_plan: Path) -> None:
    texts = [str(c.value) for p in demo_outputs for ws in openpyxl.load_workbook(p).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for word in ("已证明最优", "未证最优", "glop", "cp-sat", "求解器"):
        assert not any(word in t for t in texts), word
    plan = openpyxl.load_workbook(example_plan)
    hints = [dv.prompt or "" for ws in plan.worksheets for dv in ws.data_validations.dataValidation]
    choices = [dv.formula1 or "" for ws in plan.worksheets for dv in ws.data_validations.dataValidation]
    assert not any("种子" in h for h in hints)
    assert not any("largest_remainder" in c or '"zh,en"' in c for c in choices), choices
    assert any("精确" in c for c in choices) and any("中文" in c for c in choices)


# ----------------------------------------------------------------------------- duty tracker
def test_the_duty_tracker(demo_results: tuple[Plan, Results], demo_outputs: list[Path]) -> None:
    plan, _ = demo_results
    ws = workbook(demo_outputs, "-总表.xlsx")["部门职责"]
    path = next(p for p in demo_outputs if p.name.endswith("-总表.xlsx"))
    rows = list(openpyxl.load_workbook(path, data_only=True)["部门职责"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[:3] == ("部门", "编号", "职责"))
    body = [r for r in rows[head + 1 : head + 1 + len(plan.duties)]]
    assert all(r[0] for r in body), "the department on every row: a filter shows all of its duties"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A")
    overdue = [r for r in body if r[7] == "逾期"]
    as_of = plan.settings.as_of
    want = [d for d in plan.duties if d.deadline and d.deadline < as_of and d.status != "已完成"]
    assert as_of == dt.date(2026, 10, 20) and len(overdue) == len(want) > 0
    assert all(isinstance(c.value, str) and c.value.startswith("=IF(AND(") for c in ws["H"][head + 1 : head + 4])
    progress = next(i for i, r in enumerate(rows) if r[0] == "各部门进度")
    assert rows[progress + 1][3:7] == ("职责数", "已完成", "逾期", "完成率")
    formulas = [c.value for c in ws[progress + 3] if isinstance(c.value, str)]
    assert any(f.startswith("=COUNTIFS(") for f in formulas)
    rules = [r.formula[0] for rng in ws.conditional_formatting for r in rng.rules if r.formula]
    assert sum("+7" in f for f in rules) >= 3, "a timeline drawn by week with conditional formatting"
    tall = [ws.row_dimensions[head + 2 + i].height for i, d in enumerate(body) if len(str(d[2])) > 30]
    assert tall and all(h and h >= 30 for h in tall), "long duties get the height their lines need"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows


def test_the_calendar_never_ticks_an_empty_windows_sheet(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["大促时段"]
        ws.delete_rows(2, ws.max_row)

    out = build_file(edited(fast_plan, tmp_path / "p.xlsx", change), tmp_path / "out")
    texts = [c.value for row in openpyxl.load_workbook(out[0])["活动日历"].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not any(t.startswith("✓") for t in texts) and any(t.startswith("⚠ 未填写大促时段") for t in texts)


# ----------------------------------------------------------------------------- print
def test_print_layouts(demo_outputs: list[Path]) -> None:
    goods = workbook(demo_outputs, "-商品部.xlsx")
    for name in ("商品结构总表", "补货表"):
        ws = goods[name]
        assert ws.page_setup.pageOrder == "overThenDown", name  # left half, then right half of the same rows
        assert ws.page_setup.fitToWidth == 2 and ws.print_title_cols == "$A:$B", name
    heat = workbook(demo_outputs, "-客服部.xlsx")["覆盖-客服部"]
    assert len(heat.row_breaks.brk) == 2  # three peak days, each on its own page with its hour header
    summary = workbook(demo_outputs, "-总表.xlsx")["总览"]
    assert summary.column_dimensions["A"].width >= 40 and summary["A5"].alignment.wrap_text


# ----------------------------------------------------------------------------- live service level
@pytest.mark.libreoffice
def test_the_service_level_is_live_and_equals_erlang_c(demo_results: tuple[Plan, Results], demo_outputs: list[Path],
                                                     tmp_path: Path) -> None:
    """LibreOffice recalculates the POISSON.DIST formula of every open interval; it must equal
    calc/'s Erlang C (Erlang B recursion) for the people on duty, within 1e-9."""
    import lo

    _, results = demo_results
    sp = results.service
    path = next(p for p in demo_outputs if p.name.endswith("-客服部.xlsx"))
    formulas = openpyxl.load_workbook(path)["客服排班"]
    values = openpyxl.load_workbook(lo.recalculated(path, tmp_path), data_only=True)["客服排班"]
    head = next(r[0].row for r in formulas.iter_rows() if r[0].value == "时间" and r[1].value == "时段")
    p = sp.params
    checked = 0
    for t in range(len(sp.requirement)):
        row = head + 1 + t
        f = formulas.cell(row, 10).value
        if not sp.open_mask[t]:
            assert f is None
            continue
        assert f.startswith("=IF(") and "POISSON.DIST" in f
        cover = values.cell(row, 6).value
        agents = int(cover * (1 - p.shrinkage) + 1e-9)
        from sheetplan.calc.service import concurrency_factor

        want = service_level(agents, sp.arrivals[t], p.aht_seconds, p.answer_seconds, p.interval_minutes,
                             concurrency_factor(p.chats_at_once))
        assert values.cell(row, 10).value == pytest.approx(want, abs=1e-9), (t, cover)
        checked += 1
    assert checked > 100


# ----------------------------------------------------------------------------- English
def test_an_english_plan_reads_english(english: tuple[Path, list[Path]]) -> None:
    """No CJK character in file names, sheet names or cells, but in data the planner typed."""
    plan, outputs = english
    typed: set[str] = set()
    for ws in openpyxl.load_workbook(plan).worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    typed |= {v, *(part.strip() for part in re.split(r"[,、]", v))}
    cjk_typed = sorted((t for t in typed if CJK.search(t)), key=len, reverse=True)
    found = []
    for path in outputs:
        assert not CJK.search(path.name), path.name
        for ws in openpyxl.load_workbook(path).worksheets:
            assert not CJK.search(ws.title), ws.title
            cells = [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
            if ws.title == SHEET:  # the roster data: one JSON text in chunks (a chunk may end inside a name)
                cells = [("A1", "".join(v for _, v in cells))]
            for coordinate, value in cells:
                if CJK.search(value):
                    rest = value
                    for t in cjk_typed:
                        rest = rest.replace(t, "")
                    if CJK.search(rest):
                        found.append(f"{path.name} {ws.title}!{coordinate}: {value[:60]}")
    assert found == []
    names = [p.name for p in outputs]
    assert "shop-plan.xlsx" in names and "shop-Customer_service.xlsx" in names
    ws = openpyxl.load_workbook(outputs[0])["Duties"]
    assert {"Done", "In progress", "Not started"} <= {c.value for c in ws["G"]}
