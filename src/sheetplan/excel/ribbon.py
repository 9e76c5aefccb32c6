"""Ribbon callbacks of the SheetPlan tab: the plan workbook open in Excel <-> the same build.

``macros/SheetPlanRibbon.bas`` calls ``RunPython("import sheetplan.excel.ribbon;
sheetplan.excel.ribbon.<callback>()")`` for :func:`build_rosters`, :func:`build_duty_tables`,
:func:`refresh_all`, :func:`check_inputs`, :func:`new_plan` and :func:`check_roster` (which
reads a published department workbook instead of a plan: :mod:`sheetplan.publish.roster_edits`). Each
callback is an adapter with no logic of its own:

1. the planner's sheets (every sheet that is not marked as generated) are read as values from
   the calling workbook and written to a temporary ``.xlsx``, which
   :func:`sheetplan.plan.reader.check_plan` validates exactly as ``sheetplan check`` would;
2. :mod:`sheetplan.build` writes its outputs into a temporary folder, as ``sheetplan build``;
3. the generated sheets are copied into the calling workbook, replacing only the sheets a
   previous run generated.

Which sheets are ours — the marker scheme. Every generated sheet carries a hidden
*sheet-scoped* defined name ``sheetplan_generated`` whose value is the text
``"<group>|<sheet name>"``. Defined names are stored in the file, so the mark survives save
and reopen (xlsx, xlsm; LibreOffice and WPS keep sheet-local names too), and it travels with
the sheet, so it needs no registry that can drift. A sheet counts as generated only when the
name in its mark is its own name: a generated sheet the planner renamed, or copied
(``总览 (2)``), has become the planner's and is never touched. Groups say what a run
replaces: ``plan`` (the sheets of ``<plan>-总表.xlsx``; they link to one another, so they
are always replaced together), ``dept`` (one duty table per department) and ``check`` (the
issues sheet ``检查结果`` / ``Check results``).

Names: a generated sheet keeps its name from :mod:`sheetplan.render.labels` unless a planner's
sheet already has it, or it reads like an input sheet (``部门职责`` is both an input and an
output name): then it gets the suffix `` (sheetplan)``, so neither the reader nor the planner
can mistake one for the other. Input sheets are never written, renamed or deleted.

Replacing in place: Excel turns references to a deleted sheet into ``#REF!``. So an old
generated sheet is first renamed to a temporary name (Excel rewrites formulas that point at
it), the new sheet is copied in, references are pointed at the new sheet
(:meth:`PlanBook.relink`), and only then is the old sheet deleted: a planner's
``='仓库人员'!B7`` keeps working across refreshes.

Two implementations of the small :class:`PlanBook` protocol:

- :class:`XlwingsBook` — in Excel (Windows; macOS where the COM calls have xlwings
  equivalents). It copies whole formatted sheets from the built file
  (``Worksheets(Array(...)).Copy``, so formats, charts, print setup and links between the
  copied sheets come along) and shows errors with ``App.alert``. It needs Excel, so it is
  exercised by the manual check list in docs/excel.md only.
- :class:`OpenpyxlBook` — an openpyxl workbook in memory; copies cells (values, formulas,
  number formats, fonts, fills, borders, widths, merges, links) without charts. The tests
  drive every callback through it, so everything but the COM layer runs in CI; it also lets
  a script run a ribbon action on a file without Excel.

No exception leaves a callback: errors reach the planner as one message box in the plan's
language (plan errors also as the issues sheet, with links to each ``sheet!cell``);
unexpected ones also write a traceback to ``sheetplan-ribbon.log`` in the temp folder.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink

from .. import build
from ..i18n import join, pick
from ..messages import msg
from ..plan.model import Plan
from ..plan.reader import Problem, check_plan
from ..plan.schema import SHEETS, _norm
from ..publish.roster_store import SHEET as STORE_SHEET
from ..render.book import Book as OutBook
from ..render.book import write_header, write_title
from ..render.labels import LABELS, label
from ..render.template import write_plan
from .texts import VBA_TEXTS, ZH_UI_LANGUAGE_IDS

MARKER = "sheetplan_generated"
PLAN, DEPT, CHECK = "plan", "dept", "check"
SUFFIX = " (sheetplan)"
MAX_NAME = 31  # Excel's limit for sheet names
MAX_LINES = 8  # problems quoted in the message box; the issues sheet lists all
LOG_FILE = Path(tempfile.gettempdir()) / "sheetplan-ribbon.log"
_BAD_NAME = re.compile(r"[\[\]:*?/\\]")

#: The ribbon's own texts (zh, en). Output labels live in render/labels.py, input messages
#: in messages.py; these are the words of the message boxes and the issues sheet.
TEXT: dict[str, tuple[str, str]] = {
    "sheet_issues": ("检查结果", "Check results"),
    "title_issues": ("计划检查结果 · {book}", "Plan check · {book}"),
    "subtitle_issues": ("点击位置可跳到该单元格；改好后再按「检查输入」", "Click a location to go to the cell; "
                        "press Check inputs again when fixed"),
    "col_where": ("位置", "Where"),
    "col_severity": ("级别", "Severity"),
    "col_message": ("说明", "Message"),
    "error": ("错误", "error"),
    "critical": ("严重", "critical"),
    "warning": ("提示", "warning"),
    "dept_sheet": ("{dept}·{duties}", "{dept} · {duties}"),
    "check_ok": ("检查通过：没有发现问题。", "Inputs checked: no problems found."),
    "check_warnings": ("没有错误；{warnings} 条提示已列在「{sheet}」表中。",
                       "No errors; {warnings} warning(s) are listed on the '{sheet}' sheet."),
    "check_errors": ("发现 {errors} 处错误、{warnings} 条提示，已列在「{sheet}」表中：",
                     "Found {errors} error(s) and {warnings} warning(s), listed on the '{sheet}' sheet:"),
    "build_errors": ("计划有 {errors} 处错误，未生成任何工作表。请先修改（全部列在「{sheet}」表中）：",
                     "The plan has {errors} error(s); nothing was built. Please fix them first "
                     "(all are listed on the '{sheet}' sheet):"),
    "more": ("……另有 {n} 条", "… and {n} more"),
    "built": ("SheetPlan 已生成 {n} 个工作表：{names}", "SheetPlan built {n} sheet(s): {names}"),
    "built_warnings": ("；{warnings} 条提示见「{sheet}」表", "; {warnings} warning(s) on the '{sheet}' sheet"),
    "no_departments": ("计划中没有部门，未生成职责表。", "The plan has no departments; no duty tables were built."),
    "new_plan": ("已新建计划工作簿（模板），填写后按「检查输入」。", "New plan workbook created from the template; "
                 "fill it in and press Check inputs."),
    "failed": ("SheetPlan 未能完成「{action}」：{why}\n输入表未被改动。详情：{log}",
               "SheetPlan could not finish '{action}': {why}\nYour input sheets were not changed. Details: {log}"),
    "new_plan_file": ("新计划.xlsx", "New plan.xlsx"),
    "title_roster_check": ("排班复核 · {book}", "Roster check · {book}"),
    "subtitle_roster_check": ("点击位置可跳到该单元格；改好后再按「检查排班」",
                              "Click a location to go to the cell; press Check roster again when fixed"),
    "roster_ok": ("排班复核通过：{changes} 处改动，没有违反规则，没有缺人。",
                  "Roster checked: {changes} change(s), no rule broken, nothing short."),
    "roster_found": ("排班复核：{changes} 处改动，{errors} 处违反规则，{unread}{gaps} 处缺人"
                     "（其中 {critical} 处严重），已列在「{sheet}」表中。",
                     "Roster check: {changes} change(s), {errors} rule(s) broken, {unread}{gaps} gap(s) ({critical} of "
                     "them critical), listed on the '{sheet}' sheet."),
    "roster_unread": ("{n} 个格子读不懂，", "{n} cell(s) not understood, "),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "build_rosters": ("生成排班", "Build rosters"),
    "build_duty_tables": ("生成职责表", "Build duty tables"),
    "refresh_all": ("全部刷新", "Refresh all"),
    "check_inputs": ("检查输入", "Check inputs"),
    "new_plan": ("新建计划", "New plan"),
    "check_roster": ("检查排班", "Check roster"),
}


def text(key: str, lang: str, **kw: object) -> str:
    return pick(TEXT, key, lang, **kw)


# ------------------------------------------------------------------------------ the protocol
class PlanBook(Protocol):
    """What the callbacks need from a workbook (and its application)."""

    @property
    def name(self) -> str: ...

    def sheet_names(self) -> list[str]:
        """Every sheet, in workbook order."""
        ...

    def values(self, sheet: str) -> list[list[Any]]:
        """Cell values from A1 to the last used cell (so row/column numbers match the sheet)."""
        ...

    def marker(self, sheet: str) -> str | None:
        """The value of the sheet-scoped name :data:`MARKER`, or None."""
        ...

    def set_marker(self, sheet: str, value: str) -> None: ...

    def rename_sheet(self, old: str, new: str) -> None:
        """Rename; formulas elsewhere that refer to the sheet follow it (as Excel does)."""
        ...

    def delete_sheet(self, sheet: str) -> None: ...

    def copy_sheets(self, source: Path, pairs: Sequence[tuple[str, str]]) -> None:
        """Append sheets of the workbook file ``source`` as (name there, name here), in order;
        references among the copied sheets point at the copies."""
        ...

    def relink(self, old: str, new: str) -> None:
        """Make formulas and defined names that refer to sheet ``old`` refer to ``new``."""
        ...

    def activate(self, sheet: str) -> None: ...

    def alert(self, message: str, title: str, critical: bool) -> None:
        """One message box."""
        ...

    def status(self, message: str) -> None:
        """A quiet success note (Excel's status bar)."""
        ...

    def open_new(self, template: Path) -> None:
        """Open a new, unsaved workbook made from the template file."""
        ...

    def ui_language(self) -> str:
        """'zh' or 'en' for the application's user interface."""
        ...


# ------------------------------------------------------------------------------ callbacks
def build_rosters(book: PlanBook | None = None) -> str:
    """生成排班: the plan output (staffing, shift plan, and the sheets they link to)."""
    focus = ("sheet_roster", "sheet_service", "sheet_warehouse")
    return _run("build_rosters", book, lambda b: _build(b, {PLAN}, focus=focus))


def build_duty_tables(book: PlanBook | None = None) -> str:
    """生成职责表: one duty table per department."""
    return _run("build_duty_tables", book, lambda b: _build(b, {DEPT}))


def refresh_all(book: PlanBook | None = None) -> str:
    """全部刷新: every generated sheet, rebuilt from the current inputs."""
    return _run("refresh_all", book, lambda b: _build(b, {PLAN, DEPT}, focus=("sheet_summary",)))


def check_inputs(book: PlanBook | None = None) -> str:
    """检查输入: validate; list every problem as sheet!cell on the issues sheet."""
    return _run("check_inputs", book, _check)


def check_roster(book: PlanBook | None = None) -> str:
    """检查排班: the open department workbook's roster, as edited by hand, against its rules and its
    cover (what ``sheetplan check-roster`` says), unsaved edits included."""
    return _run("check_roster", book, _check_roster)


def new_plan(book: PlanBook | None = None) -> str:
    """新建计划: a new unsaved workbook from the plan template, in the UI's language."""
    return _run("new_plan", book, _new_plan)


# ------------------------------------------------------------------------------ the work
@dataclass(frozen=True)
class Output:
    """One sheet to put into the book: where it comes from and what it is called there."""

    source: Path
    sheet: str
    group: str
    wanted: str


@dataclass
class Reading:
    plan: Plan | None
    problems: list[Problem]
    lang: str


def generated(book: PlanBook) -> dict[str, str]:
    """Sheet name -> group, for the sheets whose mark names themselves (see module doc)."""
    out = {}
    for name in book.sheet_names():
        mark = book.marker(name)
        if mark and "|" in mark:
            group, _, own = mark.partition("|")
            if own == name:
                out[name] = group
    return out


def read_book(book: PlanBook, workdir: Path) -> Reading:
    """Validate the planner's sheets exactly as ``sheetplan check`` validates a file."""
    ours = generated(book)
    inputs = [n for n in book.sheet_names() if n not in ours]
    path = snapshot(book, inputs, workdir / "plan.xlsx")
    plan, problems = check_plan(path)
    problems = [Problem(book.name, p.message, p.severity) if p.where == path.name else p for p in problems]
    lang = plan.lang if plan is not None else _guess_lang(inputs)
    return Reading(plan, problems, lang)


def snapshot(book: PlanBook, sheets: Iterable[str], path: Path) -> Path:
    """The values of ``sheets`` as the book holds them now (unsaved edits too), saved to ``path``."""
    wb = Workbook(write_only=True)
    for name in sheets:
        ws = wb.create_sheet(name)
        for row in book.values(name):
            ws.append([_snapshot_cell(ws, v) for v in row])
    wb.save(path)
    return path


def _snapshot_cell(ws: Any, v: Any) -> Any:
    """Values as the reader would see them in a saved file: text stays text."""
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("", v)
        if v.startswith("="):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"
            return cell
    return v


def _guess_lang(names: Iterable[str]) -> str:
    got = {_norm(n) for n in names}
    en = sum(_norm(s.en) in got for s in SHEETS)
    zh = sum(_norm(s.zh) in got for s in SHEETS)
    return "en" if en > zh else "zh"


def _build(book: PlanBook, groups: set[str], focus: Sequence[str] = ()) -> str:
    with tempfile.TemporaryDirectory(prefix="sheetplan-", ignore_cleanup_errors=True) as d:
        work = Path(d)
        reading = read_book(book, work)
        errors = [p for p in reading.problems if p.severity == "error"]
        lang = reading.lang
        if errors or reading.plan is None:
            _write_issues(book, reading, work)
            message = _problem_message("build_errors", reading)
            book.alert(message, _title(lang), True)
            return message
        plan = reading.plan
        results = build.compute(plan, with_rosters=PLAN in groups)
        outputs: list[Output] = []
        if PLAN in groups:
            main = build.write_plan_output(plan, results, work / "sheetplan_plan.xlsx")
            checks = label("sheet_checks", lang)  # listed on the ribbon's own issues sheet, with links
            # the ribbon's own issues sheet lists the checks; the hidden roster data is for published files
            outputs += [Output(main, n, PLAN, n) for n in _sheet_names(main) if n not in (checks, STORE_SHEET)]
        if DEPT in groups:
            duties = label("sheet_duties", lang)
            for i, dept in enumerate(build.departments(plan)):
                path = build.write_department(plan, results, dept, work / f"sheetplan_dept{i}.xlsx")
                outputs.append(Output(path, duties, DEPT, text("dept_sheet", lang, dept=dept, duties=duties)))
            if groups == {DEPT} and not outputs:
                message = text("no_departments", lang)
                book.alert(message, _title(lang), False)
                return message
        warnings_ = list(dict.fromkeys([*(p for p in reading.problems if p.severity == "warning"), *results.problems]))
        names = replace_sheets(book, groups | ({CHECK} if not warnings_ else set()), outputs)
        if warnings_:
            _write_issues(book, reading, work, warnings_)
        first = next((n for k in focus for o, n in zip(outputs, names, strict=True) if _is(k, lang, o.wanted)),
                     names[0] if names else None)
        if first:
            book.activate(first)
        message = text("built", lang, n=len(names), names=join(names, lang))
        if warnings_:
            message += text("built_warnings", lang, warnings=len(warnings_), sheet=text("sheet_issues", lang))
        book.status(message)
        return message


def _is(key: str, lang: str, name: str) -> bool:
    """Whether ``name`` is the sheet label ``key`` (``{dept}`` and the like match anything)."""
    if key not in LABELS:
        return False
    pattern = re.sub(r"\\\{\w+\\\}", ".+", re.escape(label(key, lang)))
    return re.fullmatch(pattern, name) is not None


def _check(book: PlanBook) -> str:
    """检查: what `sheetplan check` says, the rostering warnings included (no roster is solved)."""
    with tempfile.TemporaryDirectory(prefix="sheetplan-", ignore_cleanup_errors=True) as d:
        reading = read_book(book, Path(d))
        if reading.plan is not None and not any(p.severity == "error" for p in reading.problems):
            from ..pipeline import check

            reading.problems += check(reading.plan)
        lang = reading.lang
        errors = [p for p in reading.problems if p.severity == "error"]
        if not reading.problems:
            replace_sheets(book, {CHECK}, [])
            message = text("check_ok", lang)
        else:
            _write_issues(book, reading, Path(d))
            if errors:
                message = _problem_message("check_errors", reading)
            else:
                message = text("check_warnings", lang, warnings=len(reading.problems), sheet=text("sheet_issues", lang))
        book.alert(message, _title(lang), bool(errors))
        return message


def _check_roster(book: PlanBook) -> str:
    from ..publish.roster_edits import NotARoster, RosterFileError, check, findings

    lang = book.ui_language()
    with tempfile.TemporaryDirectory(prefix="sheetplan-", ignore_cleanup_errors=True) as d:
        work = Path(d)
        ours = generated(book)  # every sheet but our check results, the hidden roster data included
        path = snapshot(book, [n for n in book.sheet_names() if ours.get(n) != CHECK], work / "roster.xlsx")
        try:
            stored, depts = check(path)
        except NotARoster:
            message = msg("not_a_roster", lang, file=book.name)
            book.alert(message, _title(lang), True)
            return message
        except RosterFileError as e:  # its hidden roster data damaged: one line
            message = str(e)
            book.alert(message, _title(lang), True)
            return message
        lang = stored.lang
        found = findings(stored, depts)
        problems = found.problems
        changes = sum(len(x.changes) for x in depts)
        errors = found.errors
        if not problems:
            replace_sheets(book, {CHECK}, [])
            message = text("roster_ok", lang, changes=changes)
        else:
            _write_issues(book, Reading(None, problems, lang), work,
                          title=("title_roster_check", "subtitle_roster_check"))
            unread = sum(len(d.unreadable) for d in depts)  # a typo or a formula with no value: no rule broken
            message = text("roster_found", lang, changes=changes, errors=len(errors) - unread,
                           unread=text("roster_unread", lang, n=unread) if unread else "",
                           gaps=len(found.gaps), critical=found.critical, sheet=text("sheet_issues", lang))
        book.alert(message, _title(lang), bool(errors))
        return message


def _new_plan(book: PlanBook) -> str:
    lang = book.ui_language()
    with tempfile.TemporaryDirectory(prefix="sheetplan-", ignore_cleanup_errors=True) as d:
        path = write_plan(Path(d) / text("new_plan_file", lang), lang)
        book.open_new(path)
    message = text("new_plan", lang)
    book.status(message)
    return message


def _problem_message(key: str, reading: Reading) -> str:
    lang = reading.lang
    errors = [p for p in reading.problems if p.severity == "error"]
    head = text(key, lang, errors=len(errors), warnings=len(reading.problems) - len(errors),
                sheet=text("sheet_issues", lang))
    lines = [str(p) for p in errors[:MAX_LINES]]
    if len(errors) > MAX_LINES:
        lines.append(text("more", lang, n=len(errors) - MAX_LINES))
    return "\n".join([head, *lines])


def _title(lang: str) -> str:
    """The message-box title, the same the add-in's VBA uses."""
    return pick(VBA_TEXTS, "title", lang)


def _write_issues(book: PlanBook, reading: Reading, work: Path, problems: Sequence[Problem] | None = None,
                  title: tuple[str, str] = ("title_issues", "subtitle_issues")) -> str:
    """The issues sheet: one row per problem, errors first, each location a link to its cell."""
    lang = reading.lang
    name = text("sheet_issues", lang)
    path = work / "sheetplan_check.xlsx"
    rank = {"error": 0, "critical": 1}
    ordered = sorted(reading.problems if problems is None else problems, key=lambda p: rank.get(p.severity, 2))
    with OutBook(path, title=name) as out:
        ws = out.sheet(name)
        row = write_title(out, ws, text(title[0], lang, book=book.name), text(title[1], lang))
        write_header(out, ws, row, [text(k, lang) for k in ("col_where", "col_severity", "col_message")])
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 8)
        ws.set_column(2, 2, 90)
        for r, p in enumerate(ordered, start=row + 1):
            if "!" in p.where:
                sheet, _, cell = p.where.rpartition("!")
                target = "'" + sheet.replace("'", "''") + "'!" + cell.split(":")[0]
                ws.write_url(r, 0, f"internal:{target}", out.fmt("text", color="#0563C1", underline=1), p.where)
            else:
                ws.write_string(r, 0, p.where, out.fmt("text"))
            ws.write_string(r, 1, text(p.severity, lang), out.fmt("text", bold=p.severity != "warning"))
            ws.write_string(r, 2, p.message, out.fmt("wrap"))
        ws.freeze_panes(row + 1, 0)
    names = replace_sheets(book, {CHECK}, [Output(path, name, CHECK, name)])
    book.activate(names[0])
    return names[0]


def _sheet_names(path: Path) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


# ------------------------------------------------------------------------------ replacing
def replace_sheets(book: PlanBook, groups: set[str], outputs: Sequence[Output]) -> list[str]:
    """Put ``outputs`` into the book in place of the generated sheets of ``groups``.

    Returns the names the new sheets got. On failure the old sheets are put back.
    """
    old = [n for n, g in generated(book).items() if g in groups]
    temps: dict[str, str] = {}
    existing = {n.casefold() for n in book.sheet_names()}
    for i, name in enumerate(old, start=1):
        temp = _free(f"sheetplan old {i}", existing)
        existing.add(temp.casefold())
        book.rename_sheet(name, temp)
        temps[name] = temp
    taken = [n for n in book.sheet_names() if n not in temps.values()]
    finals = sheet_names_for([o.wanted for o in outputs], taken)
    added: list[str] = []
    try:
        by_source: dict[Path, list[tuple[str, str]]] = {}
        for o, final in zip(outputs, finals, strict=True):
            by_source.setdefault(o.source, []).append((o.sheet, final))
        for source, pairs in by_source.items():
            book.copy_sheets(source, pairs)
            added += [f for _, f in pairs]
        for o, final in zip(outputs, finals, strict=True):
            book.set_marker(final, f"{o.group}|{final}")
    except Exception:
        for name in added:
            with contextlib.suppress(Exception):
                book.delete_sheet(name)
        for name, temp in temps.items():
            with contextlib.suppress(Exception):
                book.rename_sheet(temp, name)
        raise
    new = {f.casefold(): f for f in finals}
    for name, temp in temps.items():
        successor = new.get(name.casefold())
        if successor:
            book.relink(temp, successor)
        book.delete_sheet(temp)
    return finals


def sheet_names_for(wanted: Sequence[str], taken: Iterable[str]) -> list[str]:
    """Valid, unique names; a name a planner's sheet has, or that reads like an input sheet,
    gets :data:`SUFFIX` (then `` (2)``, ``(3)`` … if need be)."""
    reserved = {n for s in SHEETS for n in s.names()}
    used = {n.casefold() for n in taken}
    out = []
    for w in wanted:
        base = _BAD_NAME.sub("_", w).strip().strip("'") or "sheetplan"
        name = base[:MAX_NAME]
        if name.casefold() in used or _norm(name) in reserved:
            name = base[: MAX_NAME - len(SUFFIX)] + SUFFIX
        name = _free(name, used)
        used.add(name.casefold())
        out.append(name)
    return out


def _free(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate.casefold() in used:
        tail = f" ({n})"
        candidate = name[: MAX_NAME - len(tail)] + tail
        n += 1
    return candidate


# ------------------------------------------------------------------------------ running
def _run(action: str, book: PlanBook | None, work: Callable[[PlanBook], str]) -> str:
    """Run one callback; whatever happens, the planner gets one message and no traceback."""
    lang = "zh"
    try:
        if book is None:
            book = XlwingsBook.caller()
        with contextlib.suppress(Exception):
            lang = _guess_lang(book.sheet_names()) if action != "new_plan" else book.ui_language()
        return work(book)
    except Exception as e:
        _log(action)
        zh, en = ACTIONS[action]
        why = f"{type(e).__name__}: {e}"[:300]
        message = text("failed", lang, action=zh if lang == "zh" else en, why=why, log=LOG_FILE)
        try:
            if book is None:
                raise RuntimeError("no workbook") from e
            book.alert(message, _title(lang), True)
        except Exception:
            print(message, file=sys.stderr)
        return message


def _log(action: str) -> None:
    with contextlib.suppress(Exception), LOG_FILE.open("a", encoding="utf-8") as f:
        f.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S} {action}\n{traceback.format_exc()}\n")


# ------------------------------------------------------------------------------ formulas
def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def rename_refs(formula: str, rename: Callable[[str], str | None]) -> str:
    """``formula`` with every sheet reference ``S!A1`` whose ``rename(S)`` is a name moved to
    that sheet, or to ``#REF!`` when it is ``""`` (a deleted sheet); text literals untouched."""
    if not isinstance(formula, str) or not formula.startswith("=") or "!" not in formula:
        return formula
    try:
        tok = Tokenizer(formula)
    except Exception:
        return formula
    changed = False
    for t in tok.items:
        if t.type != Token.OPERAND or t.subtype != Token.RANGE or "!" not in t.value:
            continue
        sheet, _, cell = t.value.rpartition("!")
        inner = sheet[1:-1].replace("''", "'") if sheet.startswith("'") and sheet.endswith("'") else sheet
        new = rename(inner)
        if new is None:
            continue
        t.value = f"#REF!{cell}" if new == "" else f"{quote_sheet(new)}!{cell}"
        changed = True
    return tok.render() if changed else formula


# ------------------------------------------------------------------------------ openpyxl book
class OpenpyxlBook:
    """:class:`PlanBook` over an openpyxl workbook: the cell-copy path (CI, files, no Excel).

    It behaves like Excel where the callbacks depend on it: a rename rewrites references to
    the sheet, a delete turns them into ``#REF!``. Messages are collected in ``alerts`` and
    ``statuses``; :meth:`open_new` keeps the opened workbooks in ``opened``.
    """

    def __init__(self, wb: Workbook, name: str = "Book1", lang: str = "zh") -> None:
        self.wb = wb
        self._name = name
        self.lang = lang
        self.cached: dict[str, dict[str, Any]] = {}
        self.alerts: list[tuple[str, str, bool]] = []
        self.statuses: list[str] = []
        self.opened: list[Workbook] = []
        self.active: str | None = None

    @classmethod
    def open(cls, path: str | Path, lang: str = "zh") -> OpenpyxlBook:
        """Load a file; formula cells read as their cached values, as xlwings reads them."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = cls(load_workbook(path), Path(path).name, lang)
            values = load_workbook(path, data_only=True)
        for ws in values.worksheets:
            book.cached[ws.title] = {c.coordinate: c.value for row in ws.iter_rows() for c in row
                                     if c.value is not None}
        return book

    def save(self, path: str | Path) -> None:
        self.wb.save(path)

    @property
    def name(self) -> str:
        return self._name

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def values(self, sheet: str) -> list[list[Any]]:
        ws = self.wb[sheet]
        cached = self.cached.get(sheet, {})
        rows = []
        for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
            rows.append([cached.get(c.coordinate) if c.data_type == "f" else c.value for c in row])
        return [] if rows == [[None]] else rows

    def marker(self, sheet: str) -> str | None:
        dn = self.wb[sheet].defined_names.get(MARKER)
        if dn is None or not dn.attr_text:
            return None
        v = dn.attr_text.removeprefix("=")
        return v[1:-1].replace('""', '"') if v.startswith('"') and v.endswith('"') else v

    def set_marker(self, sheet: str, value: str) -> None:
        quoted = '"' + value.replace('"', '""') + '"'
        self.wb[sheet].defined_names[MARKER] = DefinedName(MARKER, attr_text=quoted, hidden=True)

    def rename_sheet(self, old: str, new: str) -> None:
        self.wb[old].title = new
        self._rewrite(old, new)
        self.cached[new] = self.cached.pop(old, {})

    def delete_sheet(self, sheet: str) -> None:
        del self.wb[sheet]
        self.cached.pop(sheet, None)
        self._rewrite(sheet, "")

    def relink(self, old: str, new: str) -> None:
        self._rewrite(old, new)

    def _rewrite(self, old: str, new: str) -> None:
        """References to sheet ``old`` now name ``new`` (``""``: ``#REF!``), as Excel does."""
        key = old.casefold()

        def rename(s: str) -> str | None:
            return new if s.casefold() == key else None

        for ws in self.wb.worksheets:
            for c in ws._cells.values():  # the stored cells only; iter_rows would fill the gaps
                if c.data_type == "f" and key in str(c.value).casefold():
                    c.value = rename_refs(c.value, rename)
        for dn in list(self.wb.defined_names.values()):
            if dn.attr_text and key in dn.attr_text.casefold():
                dn.attr_text = rename_refs("=" + dn.attr_text, rename)[1:]

    def copy_sheets(self, source: Path, pairs: Sequence[tuple[str, str]]) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            src = load_workbook(source)
        names = dict(pairs)

        def rename(s: str) -> str | None:
            return names.get(s)

        for src_name, final in pairs:
            _copy_sheet(src[src_name], self.wb.create_sheet(final), rename)

    def activate(self, sheet: str) -> None:
        self.wb.active = self.wb[sheet]
        self.active = sheet

    def alert(self, message: str, title: str, critical: bool) -> None:
        self.alerts.append((message, title, critical))

    def status(self, message: str) -> None:
        self.statuses.append(message)

    def open_new(self, template: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.opened.append(load_workbook(template))

    def ui_language(self) -> str:
        return self.lang


def _copy_sheet(src: Any, dst: Any, rename: Callable[[str], str | None]) -> None:
    """Cells with values, formulas (references renamed), styles, widths, merges and links."""
    styles: dict[tuple[int, ...], Any] = {}  # source style -> the same style in this workbook
    for c in list(src._cells.values()):
        if c.value is None and not c.has_style:
            continue
        d = dst.cell(row=c.row, column=c.column)
        d.value = rename_refs(c.value, rename) if c.data_type == "f" and "!" in c.value else c.value
        if c.has_style:
            key = tuple(c._style)
            if key in styles:
                d._style = copy.copy(styles[key])
            else:
                d.number_format = c.number_format
                d.font = copy.copy(c.font)
                d.fill = copy.copy(c.fill)
                d.border = copy.copy(c.border)
                d.alignment = copy.copy(c.alignment)
                styles[key] = copy.copy(d._style)
        if c.hyperlink is not None:
            loc = c.hyperlink.location
            if loc:
                loc = rename_refs("=" + loc, rename)[1:]
            d.hyperlink = Hyperlink(ref=d.coordinate, target=c.hyperlink.target, location=loc,
                                    display=c.hyperlink.display)
    for key, dim in src.column_dimensions.items():
        if dim.width:
            dst.column_dimensions[key].width = dim.width
    for key, dim in src.row_dimensions.items():
        if dim.height:
            dst.row_dimensions[key].height = dim.height
    for rng in src.merged_cells.ranges:
        dst.merge_cells(rng.coord)
    dst.freeze_panes = src.freeze_panes
    if src.print_title_rows:
        dst.print_title_rows = src.print_title_rows
    if src.auto_filter.ref:
        dst.auto_filter.ref = src.auto_filter.ref


# ------------------------------------------------------------------------------ xlwings book
class XlwingsBook:
    """:class:`PlanBook` over an ``xlwings.Book`` in a running Excel (the whole-sheet copy path)."""


    def __init__(self, book: Any) -> None:
        self.book = book

    @classmethod
    def caller(cls) -> XlwingsBook:
        import xlwings as xw

        return cls(xw.Book.caller())

    @property
    def name(self) -> str:
        return str(self.book.name)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def values(self, sheet: str) -> list[list[Any]]:
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        if last.row == 1 and last.column == 1 and sh.range("A1").value is None:
            return []
        rng = sh.range((1, 1), (last.row, last.column))
        return rng.options(ndim=2, err_to_str=True).value

    def _mark(self, sheet: str) -> Any:
        for n in self.book.sheets[sheet].names:
            if n.name.rpartition("!")[2] == MARKER:
                return n
        return None

    def marker(self, sheet: str) -> str | None:
        n = self._mark(sheet)
        if n is None:
            return None
        v = str(n.refers_to).removeprefix("=")
        return v[1:-1].replace('""', '"') if v.startswith('"') and v.endswith('"') else v

    def set_marker(self, sheet: str, value: str) -> None:
        n = self.book.sheets[sheet].names.add(MARKER, '="' + value.replace('"', '""') + '"')
        with contextlib.suppress(Exception):
            n.api.Visible = False  # out of the planner's Name Manager

    def rename_sheet(self, old: str, new: str) -> None:
        self.book.sheets[old].name = new

    def delete_sheet(self, sheet: str) -> None:
        app = self.book.app
        alerts = app.display_alerts
        app.display_alerts = False
        try:
            self.book.sheets[sheet].delete()
        finally:
            app.display_alerts = alerts

    def copy_sheets(self, source: Path, pairs: Sequence[tuple[str, str]]) -> None:
        app = self.book.app
        alerts, updating = app.display_alerts, app.screen_updating
        app.display_alerts = False
        app.screen_updating = False
        src = app.books.open(str(source))
        try:
            for src_name, final in pairs:
                if src_name != final:
                    src.sheets[src_name].name = final  # Excel rewrites the source's own references
            names = [final for _, final in pairs]
            try:  # one group copy keeps the links among the copied sheets inside the book
                src.api.Worksheets(names).Copy(None, self.book.sheets[-1].api)
            except Exception:
                for n in names:
                    src.sheets[n].copy(after=self.book.sheets[-1], name=n)
            self._unlink(src)
        finally:
            src.close()
            app.display_alerts, app.screen_updating = alerts, updating
            self.book.activate()

    def _unlink(self, src: Any) -> None:
        """References that still point into the source file become references inside the book."""
        with contextlib.suppress(Exception):
            for link in self.book.api.LinkSources(1) or ():  # xlExcelLinks
                if Path(str(link)).name == Path(src.fullname).name:
                    self.book.api.ChangeLink(link, self.book.fullname, 1)

    def relink(self, old: str, new: str) -> None:
        what, repl = quote_sheet(old) + "!", quote_sheet(new) + "!"
        for sh in self.book.sheets:
            with contextlib.suppress(Exception):
                sh.api.Cells.Replace(what, repl, 2, 1, False)  # xlPart, xlByRows, MatchCase
        with contextlib.suppress(Exception):
            for n in self.book.api.Names:
                if what in n.RefersTo:
                    n.RefersTo = n.RefersTo.replace(what, repl)

    def activate(self, sheet: str) -> None:
        self.book.sheets[sheet].activate()

    def alert(self, message: str, title: str, critical: bool) -> None:
        self.book.app.alert(message, title=title, mode="critical" if critical else "info")

    def status(self, message: str) -> None:
        self.book.app.status_bar = message

    def open_new(self, template: Path) -> None:
        app = self.book.app
        try:
            app.api.Workbooks.Add(str(template))  # Windows: an unsaved copy, e.g. 新计划1
        except Exception:
            app.books.open(str(template))

    def ui_language(self) -> str:
        try:
            lang_id = int(self.book.app.api.LanguageSettings.LanguageID(2))  # msoLanguageIDUI
        except Exception:
            return "zh"
        return "zh" if lang_id in ZH_UI_LANGUAGE_IDS else "en"
