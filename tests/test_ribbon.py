"""Ribbon callbacks against an in-memory workbook (OpenpyxlBook): everything but the COM layer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from sheetplan import build
from sheetplan.excel import ribbon
from sheetplan.excel.ribbon import CHECK, DEPT, PLAN, OpenpyxlBook, generated
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import read_plan
from sheetplan.plan.schema import SHEETS
from sheetplan.publish.roster_store import SHEET as STORE_SHEET
from sheetplan.render.labels import label
from sheetplan.render.template import write_example

DEPTS = ["运营部", "商品部", "美编部", "推广部", "客服部", "仓储物流部"]
DEPT_SHEETS = [f"{d}·部门职责" for d in DEPTS]
WHERE = re.compile(r"^.+![A-Z]+\d+$")
_COMPUTE = build.compute
_RESULTS: dict[str, build.Results] = {}


@pytest.fixture(autouse=True)
def compute_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The calculators (rosters take seconds) run once per distinct plan: these tests are about
    the workbook side, and every plan that reaches the build here is one of a few."""

    def compute(plan: Plan, *, with_rosters: bool = True) -> build.Results:
        key = repr(plan) + str(with_rosters)
        if key not in _RESULTS:
            _RESULTS[key] = _COMPUTE(plan, with_rosters=with_rosters)
        return _RESULTS[key]

    monkeypatch.setattr(build, "compute", compute)


@pytest.fixture(scope="module")
def plan_sheets(example_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The sheets of `<plan>-总表.xlsx` as the ribbon names them in the plan workbook."""
    plan = read_plan(example_plan)
    if repr(plan) not in _RESULTS:
        _RESULTS[repr(plan)] = _COMPUTE(plan)
    out = build.write_plan_output(plan, _RESULTS[repr(plan)], tmp_path_factory.mktemp("main") / "main.xlsx")
    names = load_workbook(out, read_only=True).sheetnames
    assert "部门职责" in names and "总览" in names
    checks = label("sheet_checks", "zh")  # its warnings go to the ribbon's own issues sheet, with links
    # the hidden roster data is for published files: the ribbon leaves it out
    return [n + " (sheetplan)" if n == "部门职责" else n for n in names if n not in (checks, STORE_SHEET)]


ISSUES = {"检查结果": CHECK}  # the example's one warning: the flash-sale hour customer service cannot cover


@pytest.fixture(scope="module")
def plan_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example in English, without its staff and fixed shifts (no rosters: quick to build)."""
    path = write_example(tmp_path_factory.mktemp("en") / "example.xlsx", "en")
    wb = load_workbook(path)
    del wb["Staff"], wb["Fixed shifts"]
    for row in wb["Campaign"].iter_rows(min_row=2):
        if row[0].value == "Language":
            row[1].value = "en"
    wb.save(path)
    return path


@pytest.fixture
def book(example_plan: Path) -> OpenpyxlBook:
    return OpenpyxlBook.open(example_plan)


def inputs(book: OpenpyxlBook) -> dict[str, list[list[Any]]]:
    ours = generated(book)
    return {n: book.values(n) for n in book.sheet_names() if n not in ours}


def set_setting(book: OpenpyxlBook, item: str, value: Any) -> tuple[str, Any]:
    """Set one campaign setting; returns its cell and the old value."""
    ws = book.wb["活动"]
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value).rstrip(" *") == item:
            old, row[1].value = row[1].value, value
            return f"活动!{row[1].coordinate}", old
    raise AssertionError(item)


def test_refresh_all_builds_every_sheet_and_leaves_inputs_alone(book: OpenpyxlBook, plan_sheets: list[str]) -> None:
    before = inputs(book)
    message = ribbon.refresh_all(book)
    assert book.alerts == [], book.alerts
    assert book.statuses == [message]
    assert message.startswith(f"SheetPlan 已生成 {len(plan_sheets) + len(DEPT_SHEETS)} 个工作表")
    assert [n for n in book.sheet_names() if n not in ISSUES] == [*before, *plan_sheets, *DEPT_SHEETS]
    assert generated(book) == {**dict.fromkeys(plan_sheets, PLAN), **dict.fromkeys(DEPT_SHEETS, DEPT), **ISSUES}
    assert [r[1] for r in book.values("检查结果") if r[1] in ("错误", "严重", "提示")] == ["严重"]
    assert inputs(book) == before  # every input value, cell for cell
    assert book.active == "总览"
    # the summary links to the renamed duties sheet, not to the planner's input sheet
    formulas = [c.value for row in book.wb["总览"].iter_rows() for c in row if c.data_type == "f"]
    assert "='部门职责 (sheetplan)'!$B$77" in formulas and not any("'部门职责'!" in f for f in formulas)
    assert book.wb["仓库人员"]["B7"].data_type == "f"
    assert book.wb["库存占比"].column_dimensions["A"].width


def test_each_button_replaces_only_its_own_sheets(book: OpenpyxlBook, plan_sheets: list[str]) -> None:
    ribbon.build_rosters(book)
    assert set(generated(book)) == {*plan_sheets, *ISSUES}
    assert book.active == next((n for n in plan_sheets if n.startswith("排班-")), "客服排班")
    plan_cells = book.wb["仓库人员"]
    ribbon.build_duty_tables(book)  # no roster solved: no gap to report, the issues sheet goes
    assert set(generated(book)) == {*plan_sheets, *DEPT_SHEETS}
    assert book.wb["仓库人员"] is plan_cells  # rosters untouched by the duty button
    assert book.active == DEPT_SHEETS[0]
    assert book.alerts == []


def test_running_twice_replaces_and_survives_save_and_reopen(book: OpenpyxlBook, tmp_path: Path) -> None:
    ribbon.refresh_all(book)
    first = book.sheet_names()
    old = book.wb["总览"]
    ribbon.refresh_all(book)
    assert book.sheet_names() == first  # same sheets, same order: replaced, not duplicated
    assert book.wb["总览"] is not old
    book.save(tmp_path / "saved.xlsx")
    again = OpenpyxlBook.open(tmp_path / "saved.xlsx")
    assert generated(again) == generated(book)  # the marks are in the file
    ribbon.refresh_all(again)
    assert again.sheet_names() == first and again.alerts == []
    assert not any(n.startswith("sheetplan old") for n in again.sheet_names())


def test_planner_sheets_named_like_generated_ones_are_never_overwritten(book: OpenpyxlBook) -> None:
    mine = book.wb.create_sheet("总览")
    mine["A1"] = "my own summary"
    notes = book.wb.create_sheet("我的备注")
    ribbon.refresh_all(book)
    assert book.wb["总览"]["A1"].value == "my own summary" and book.marker("总览") is None
    assert generated(book)["总览 (sheetplan)"] == PLAN
    # a planner formula pointing at a generated sheet keeps pointing at it across refreshes
    notes["A1"] = "='仓库人员'!B7+1"
    ribbon.refresh_all(book)
    assert notes["A1"].value == "='仓库人员'!B7+1"
    # a generated sheet the planner renamed has become theirs: left alone, a new one is built
    book.wb["客服排班"].title = "客服排班-我的"
    ribbon.build_rosters(book)
    assert "客服排班-我的" in book.sheet_names() and "客服排班-我的" not in generated(book)
    assert generated(book)["客服排班"] == PLAN
    assert book.alerts == []


def test_a_bad_plan_gives_one_message_and_the_issues_sheet(book: OpenpyxlBook) -> None:
    before = inputs(book)
    where, orders = set_setting(book, "日均配货单量", "lots")
    number = book.wb["部门职责"]["B3"].value
    book.wb["部门职责"]["B3"] = -1
    message = ribbon.build_rosters(book)
    assert len(book.alerts) == 1
    shown, title, critical = book.alerts[0]
    assert shown == message and critical and "SheetPlan" in title
    assert message.startswith("计划有 2 处错误，未生成任何工作表") and f"{where}: " in message
    assert generated(book) == {"检查结果": CHECK}  # nothing else was built
    assert book.active == "检查结果"
    rows = book.values("检查结果")
    header = next(i for i, r in enumerate(rows) if r[:3] == ["位置", "级别", "说明"])
    listed = [r for r in rows[header + 1 :] if r[0]]
    assert [r[0] for r in listed if r[1] == "错误"] == [where, "部门职责!B3"]
    assert all(WHERE.match(r[0]) for r in listed if r[1] == "错误")
    link = book.wb["检查结果"].cell(row=header + 2, column=1).hyperlink
    assert link is not None and link.location == "'活动'!" + where.split("!")[1]
    assert {n: v for n, v in inputs(book).items() if n != "检查结果"} == {
        **before, "活动": inputs(book)["活动"], "部门职责": inputs(book)["部门职责"]
    }
    # fixed: the next build succeeds and removes the stale issues sheet
    set_setting(book, "日均配货单量", orders)
    book.wb["部门职责"]["B3"] = number
    ribbon.build_rosters(book)
    assert len(book.alerts) == 1  # the issues sheet now lists the one warning, no error
    assert [r[1] for r in book.values("检查结果") if r[1] in ("错误", "严重", "提示")] == ["严重"]


def test_check_inputs(book: OpenpyxlBook) -> None:
    message = ribbon.check_inputs(book)
    assert book.alerts == [(message, "SheetPlan 大促计划", False)]
    assert message in (ribbon.text("check_ok", "zh"),) or message.startswith("没有错误")
    book.wb["人员"]["D2"] = "实习"  # not a staff type
    message = ribbon.check_inputs(book)
    assert len(book.alerts) == 2 and book.alerts[-1][2] is True
    assert message.startswith("发现 1 处错误") and "人员!D2: 「类型」应为 全职/学生/借调 之一" in message
    assert "人员!D2" in [r[0] for r in book.values("检查结果")]
    book.wb["人员"]["D2"] = "全职"
    ribbon.check_inputs(book)
    assert ("检查结果" in book.sheet_names()) == book.alerts[-1][0].startswith("没有错误")


def test_a_missing_sheet_names_the_book(book: OpenpyxlBook) -> None:
    del book.wb["库存"]
    message = ribbon.refresh_all(book)
    assert "示例计划.xlsx: 缺少工作表「库存」" in message


def test_english_plan(plan_en: Path) -> None:
    book = OpenpyxlBook.open(plan_en)
    ribbon.refresh_all(book)
    assert book.alerts == []
    names = book.sheet_names()
    assert {"Summary", "Duties (sheetplan)", "Customer service"} <= set(names)
    assert "Customer service · Duties" in names
    book.wb["Inventory"]["B2"] = "many"
    message = ribbon.check_inputs(book)
    assert message.startswith("Found 1 error(s)") and "Inventory!B2" in message
    assert "Check results" in book.sheet_names()


class Broken(OpenpyxlBook):
    """A book whose every read fails, and optionally whose message box fails too."""

    def __init__(self, wb: Any, alert_fails: bool = False) -> None:
        super().__init__(wb, "broken.xlsx")
        self.alert_fails = alert_fails

    def values(self, sheet: str) -> list[list[Any]]:
        raise OSError("the COM server went away")

    def alert(self, message: str, title: str, critical: bool) -> None:
        if self.alert_fails:
            raise RuntimeError("no message box either")
        super().alert(message, title, critical)


@pytest.mark.parametrize("callback", ["build_rosters", "build_duty_tables", "refresh_all", "check_inputs",
                                      "check_roster"])
def test_no_exception_escapes_a_callback(example_plan: Path, callback: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    book = Broken(OpenpyxlBook.open(example_plan).wb)
    before = book.sheet_names()
    message = getattr(ribbon, callback)(book)
    assert book.alerts == [(message, "SheetPlan 大促计划", True)]
    assert "OSError: the COM server went away" in message and ribbon.ACTIONS[callback][0] in message
    assert book.sheet_names() == before
    silent = Broken(book.wb, alert_fails=True)
    assert getattr(ribbon, callback)(silent) == message  # printed instead
    assert "the COM server went away" in capsys.readouterr().err


def test_without_excel_the_callbacks_still_do_not_raise(capsys: pytest.CaptureFixture[str]) -> None:
    message = ribbon.refresh_all()  # xw.Book.caller() cannot work here
    assert message.startswith("SheetPlan 未能完成「全部刷新」")
    assert message in capsys.readouterr().err


def test_a_failed_copy_puts_the_old_sheets_back(
    book: OpenpyxlBook, plan_sheets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ribbon.refresh_all(book)
    names = book.sheet_names()

    def fail(*_a: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(book, "set_marker", fail)
    message = ribbon.refresh_all(book)
    assert "disk full" in message and book.sheet_names() == names
    assert set(generated(book)) == {*plan_sheets, *DEPT_SHEETS, *ISSUES}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_new_plan_opens_the_template(lang: str) -> None:
    book = OpenpyxlBook(Workbook(), lang=lang)
    message = ribbon.new_plan(book)
    assert book.alerts == [] and book.statuses == [message]
    (wb,) = book.opened
    assert [s.label(lang) for s in SHEETS] == wb.sheetnames


def test_sheet_names_for() -> None:
    names = ribbon.sheet_names_for(
        ["总览", "部门职责", "总览", "a/b:c", "x" * 40, "Duties", "库存"],
        ["总览", "Sheet1"],
    )
    assert names == ["总览 (sheetplan)", "部门职责 (sheetplan)", "总览 (sheetplan) (2)", "a_b_c", "x" * 31,
                     "Duties (sheetplan)", "库存 (sheetplan)"]
    assert all(len(n) <= 31 for n in ribbon.sheet_names_for(["y" * 40], ["y" * 31]))
    assert label("sheet_duties", "zh") == "部门职责"


def test_rename_refs() -> None:
    def to(new: str) -> Any:
        return lambda s: new if s == "仓库人员" else None

    assert ribbon.rename_refs("='仓库人员'!B7+仓库人员!A1:A3", to("X y")) == "='X y'!B7+'X y'!A1:A3"
    assert ribbon.rename_refs('=HYPERLINK("#\'仓库人员\'!A1")', to("Z")) == '=HYPERLINK("#\'仓库人员\'!A1")'
    assert ribbon.rename_refs("=SUM('仓库人员'!B2:B9)", to("")) == "=SUM(#REF!B2:B9)"
    assert ribbon.rename_refs("=SUM('It''s'!A1)", lambda s: "ok" if s == "It's" else None) == "=SUM('ok'!A1)"
    assert ribbon.rename_refs("plain text", to("Z")) == "plain text"


def test_text_starting_with_equals_is_read_as_text(book: OpenpyxlBook, tmp_path: Path) -> None:
    ws = book.wb["部门职责"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value)
    row[2].value = "=不是公式"
    row[2].data_type = "s"
    reading = ribbon.read_book(book, tmp_path)
    assert reading.plan is not None and "=不是公式" in [d.duty for d in reading.plan.duties]


def test_check_roster_on_an_edited_department_workbook(demo_outputs: list[Path]) -> None:
    """检查排班 on a published workbook edited in Excel (unsaved): every finding by cell, with links."""
    path = next(p for p in demo_outputs if p.name.endswith("-运营部.xlsx"))
    book = OpenpyxlBook.open(path)
    ws = book.wb["排班-运营部"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "姓名")
    row = header + 1
    col = next(c for c in range(4, 12) if ws.cell(row, c).value)
    before = ws.cell(row, col).value
    ws.cell(row, col).value = "XYZ"  # typed over a shift: no such code
    message = ribbon.check_roster(book)
    where = f"排班-运营部!{ws.cell(row, col).coordinate}"
    assert book.alerts[-1] == (message, "SheetPlan 大促计划", True)
    # the code is an error at its cell, the shift it replaced a change, and its hours a gap
    assert message == ("排班复核：1 处改动，0 处违反规则，1 个格子读不懂，1 处缺人（其中 0 处严重），"
                       "已列在「检查结果」表中。")
    rows = book.values("检查结果")
    assert rows[0][0] == "排班复核 · " + book.name
    listed = [r for r in rows if r[0] == where]
    assert listed and listed[0][1] == "错误" and "「XYZ」不是已知班次" in listed[0][2]
    assert book.wb["检查结果"].cell(row=rows.index(listed[0]) + 1, column=1).hyperlink.location == \
        f"'排班-运营部'!{ws.cell(row, col).coordinate}"
    ws.cell(row, col).value = before  # put back: nothing to report, the stale results sheet goes
    message = ribbon.check_roster(book)
    assert message == ribbon.text("roster_ok", "zh", changes=0) and "检查结果" not in book.sheet_names()


def test_check_roster_on_a_plan_says_what_it_needs(example_plan: Path) -> None:
    book = OpenpyxlBook.open(example_plan)
    message = ribbon.check_roster(book)
    assert book.alerts == [(message, "SheetPlan 大促计划", True)] and "不是 sheetplan 生成的排班工作簿" in message
