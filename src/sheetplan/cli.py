"""The `sheetplan` command: new, check, build, demo, addin. An adapter: parse, call, report."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .batch.cli import HELP_MODE, HELP_OPTIONS, run_app
from .batch.cli import register as register_batch
from .files import OutputError
from .messages import console, msg
from .plan.reader import PlanError, Problem, check_plan, read_plan
from .render.template import write_example, write_plan
from .version import __version__

# The build (OR-Tools, pandas) is imported inside the commands that need it, so `check`,
# `new` and `--help` start fast.

# plain help (HELP_MODE): typer 0.29's rich panels tag every option with its Python type (`<bool>`,
# `<list[Path]>`, `{path}`); the metavars below say what to type instead
app = typer.Typer(add_completion=False, no_args_is_help=True, help="sheetplan: mega-sale plans computed into Excel.",
                  rich_markup_mode=HELP_MODE, context_settings=HELP_OPTIONS)
addin_app = typer.Typer(no_args_is_help=True, help="The sheetplan.xlam Excel add-in.", rich_markup_mode=HELP_MODE,
                        context_settings=HELP_OPTIONS)
app.add_typer(addin_app, name="addin")
out = console()  # markup off: planner text prints as it is (see messages.console)
err = console(stderr=True)

Lang = Annotated[
    str | None,
    typer.Option("--lang", metavar="zh|en",
                 help="language of the messages, zh or en (default: the plan's 语言 setting, which also "
                 "sets the language of the output workbooks)"),
]


def _lang(lang: str | None) -> str | None:
    if lang not in (None, "zh", "en"):
        raise typer.BadParameter("must be zh or en", param_hint="--lang")
    return lang


def _report(problems: list[Problem], lang: str | None) -> None:
    """Each problem on its own line, graded in ``lang`` (both languages while it is not known):
    errors, then critical ones, then warnings, each in the order found (as 检查结果 lists them)."""
    rank = {"error": 0, "critical": 1}
    for p in sorted(problems, key=lambda p: rank.get(p.severity, 2)):
        if p.severity == "error":
            err.print(str(p), style="red")
        else:
            style = "bold red" if p.severity == "critical" else "yellow"
            err.print(f"{_said(f'sev_{p.severity}', lang, sep='/')} {p}", style=style)


def _said(key: str, lang: str | None, sep: str = " / ", **kw: object) -> str:
    """A line of the command in ``lang``; in both (Chinese first) while the language is not known."""
    if lang in ("zh", "en"):
        return msg(key, lang, **kw)
    return f"{msg(key, 'zh', **kw)}{sep}{msg(key, 'en', **kw)}"


def _counted(problems: list[Problem], lang: str | None) -> str:
    """How many problems of each kind, critical ones counted apart (never as mere warnings)."""
    critical = sum(p.severity == "critical" for p in problems)
    errors = sum(p.severity == "error" for p in problems)
    warned = len(problems) - critical - errors
    parts = [_said(key, lang, n=n) for key, n in (("cli_errors", errors), ("cli_critical", critical),
                                                   ("cli_warnings", warned)) if n]
    return ("，" if lang == "zh" else ", ").join(parts)


def _see_checks(problems: list[Problem], lang: str) -> None:
    """The closing line of a build: how many problems, and the sheet that lists them."""
    from .render.labels import label

    out.print(msg("cli_see", lang, counted=_counted(problems, lang), sheet=label("sheet_checks", lang)),
              highlight=False)


def _out_dir(out_dir: Path) -> None:
    """Fail in one line, before any computing, when the output folder cannot be used. The folder
    itself is made only when there is something to write, so a failed build leaves no empty one."""
    there = out_dir
    while not there.exists() and there != there.parent:  # the nearest part of the path that exists
        there = there.parent
    if not there.is_dir():
        err.print(f"输出位置是文件而不是文件夹 / the output path is a file, not a folder: {there}", highlight=False)
        raise typer.Exit(2)
    if not os.access(there, os.W_OK | os.X_OK):
        err.print(f"输出文件夹不可写 / the output folder is not writable: {there.resolve()}", highlight=False)
        raise typer.Exit(2)


def _not_replaced(edited: list[Path], out_dir: Path) -> None:
    """An edited workbook in the output folder would be replaced by the new set (and with it
    whatever was typed there that no roster keeps): refused before anything is computed."""
    folder = out_dir.resolve()
    for path in edited:
        if folder in path.resolve().parents:
            err.print(f"改动过的工作簿在输出文件夹中，会被新的输出替换：请先把它移到别处，或换一个 -o 文件夹 / "
                      f"the edited workbook is in the output folder and would be replaced: move it elsewhere "
                      f"first, or use another -o folder: {path}", highlight=False, markup=False)
            raise typer.Exit(2)


def _written(paths: list[Path]) -> None:
    for p in paths:
        out.print(f"  {p}", highlight=False)


def _written_set(paths: list[Path], lang: str) -> None:
    """The workbooks one per line; the calendars and CSVs as one line with their folder."""
    books = [p for p in paths if p.suffix == ".xlsx"]
    out.print(msg("cli_written", lang, n=len(books)), highlight=False)
    _written(books)
    others = [p for p in paths if p.suffix != ".xlsx"]
    if others:
        out.print(msg("cli_exports", lang, n=len(others), folder=others[0].parent), highlight=False)


@app.command(short_help="write an empty plan workbook (or the worked example)")
def new(
    path: Annotated[Path, typer.Argument(metavar="PLAN.xlsx")],
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help="the workbook's language: zh or en")] = "zh",
    example: Annotated[bool, typer.Option("--example", help="fill in the worked Double-11 example")] = False,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
) -> None:
    """Write an empty plan workbook (or the worked example) to fill in."""
    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise typer.BadParameter("a plan workbook is an .xlsx file / 计划工作簿应为 .xlsx 文件", param_hint="PATH")
    if path.exists() and not force:
        err.print(f"{path} 已存在，未覆盖（用 --force 覆盖） / {path} exists; not overwritten (use --force)")
        raise typer.Exit(2)
    if path.is_dir():
        err.print(f"{path} 是文件夹 / is a folder")
        raise typer.Exit(2)
    try:
        (write_example if example else write_plan)(path, lang)
    except OSError as e:
        err.print(f"无法写入 / cannot write {path}: {e.strerror or e}")
        raise typer.Exit(2) from None
    out.print(f"{path}")


@app.command(short_help="validate a plan: each problem with its sheet and cell")
def check(
    path: Annotated[Path, typer.Argument(metavar="PLAN.xlsx")],
    lang: Lang = None,
    strict: Annotated[bool, typer.Option("--strict", help="exit 2 on warnings too")] = False,
) -> None:
    """Validate a plan workbook; every problem on its own line with sheet and cell. Exit 2 on errors
    (and on warnings with --strict). Warnings name what cannot be rostered as typed, and why."""
    plan, problems = check_plan(path, _lang(lang))
    errors = [p for p in problems if p.severity == "error"]
    if plan is not None and not errors:
        from .pipeline import check as check_rostering

        problems = problems + check_rostering(plan)
    said = lang or (plan.lang if plan is not None else None)
    _report(problems, said)
    warned = len(problems) - len(errors)
    if errors or (strict and warned):
        err.print(_counted(problems, said), highlight=False)
        raise typer.Exit(2)
    if any(p.severity == "critical" for p in problems):  # not "OK" beside a critical problem
        out.print(_said("cli_check_critical", said, counted=_counted(problems, said)), highlight=False)
    else:
        out.print(_said("cli_check_ok", said, counted=f" ({_counted(problems, said)})" if warned else ""),
                  highlight=False)


@app.command(short_help="build the plan output and one workbook per department")
def build(
    path: Annotated[Path, typer.Argument(metavar="PLAN.xlsx")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", metavar="FOLDER", help="output folder")] = Path("out"),
    lang: Lang = None,
    keep_edits: Annotated[list[Path] | None, typer.Option(
        "--keep-edits", metavar="ROSTER.xlsx",
        help="a published roster workbook edited by hand: its changes are kept as fixed "
        "shifts and days off, the rest is rostered again (repeat for several departments)")] = None,
    exports: Annotated[bool, typer.Option(
        "--exports/--no-exports",
        help="also write calendars (.ics) and attendance CSVs into <plan>-导出/ "
        "(English plans: <plan>-exports/)")] = True,
    strict: Annotated[bool, typer.Option(
        "--strict", help="exit 2 (after writing) on any warning or critical gap, e.g. to gate a CI job")] = False,
) -> None:
    """Build the plan output workbook and one workbook per department. The input is never modified.
    Exit 2 on errors (nothing written), and with --strict on warnings too (everything written)."""
    from .build import build_outputs, problems_of

    lang = _lang(lang)
    _out_dir(out_dir)
    _not_replaced(keep_edits or [], out_dir)
    try:
        plan = read_plan(path, lang)
        err.print(msg("cli_building", lang or plan.lang), highlight=False)
        if keep_edits:
            plan = _keep(plan, keep_edits)
        paths, results = build_outputs(plan, out_dir, path.stem, exports=exports)
    except PlanError as e:
        _report(e.problems, lang)
        raise typer.Exit(2) from None
    except OutputError as e:
        err.print(str(e), highlight=False, markup=False)
        raise typer.Exit(2) from None
    said = lang or plan.lang
    warnings_ = problems_of(plan, results)
    _report(warnings_, said)
    _written_set(paths, said)
    if warnings_:
        _see_checks(warnings_, said)
        if strict:
            raise typer.Exit(2)


def _keep(plan, edited: list[Path]):  # Plan: imported lazily
    """The plan with the hand edits of the published workbooks kept, the first listed winning
    a contradiction (see roster_edits.keep_all); a file that cannot be used stops the build."""
    from .publish.roster_edits import RosterFileError, keep_all

    try:
        plan, problems = keep_all(plan, edited)
    except RosterFileError as e:
        err.print(str(e), highlight=False, markup=False)
        raise typer.Exit(2) from None
    if any(p.severity == "error" for p in problems):
        _report(problems, plan.lang)
        raise typer.Exit(2)
    return plan  # what was not kept is among its warnings: reported with the build's, and on 检查结果


@app.command(name="check-roster", short_help="re-check a roster workbook after hand edits")
def check_roster(
    path: Annotated[Path, typer.Argument(metavar="ROSTER.xlsx")],
    strict: Annotated[bool, typer.Option("--strict", help="exit 2 on cover shortfalls too")] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", metavar="zh|en",
        help="language of a message about the file itself, zh or en (the rest is in the roster's)")] = None,
) -> None:
    """Re-check a published roster workbook after hand edits: every broken rule and every post left
    short, naming cells; and what changed since it was published. Exit 2 when a rule is broken."""
    from .publish.roster_edits import RosterFileError, findings
    from .publish.roster_edits import check as check_edits

    try:  # through the plan reader's guards: a missing file, a folder, a FIFO, a bomb → one line
        stored, depts = check_edits(path, _lang(lang))
    except RosterFileError as e:
        err.print(str(e), highlight=False, markup=False)
        raise typer.Exit(2) from None
    found = findings(stored, depts)
    _report(found.problems, stored.lang)
    zh = stored.lang == "zh"
    for d in depts:
        n = len(d.changes)
        out.print((f"{d.roster.department}：与发布版相比改动 {n} 处" if zh
                   else f"{d.roster.department}: {n} change(s) since published"), highlight=False)
        for person, day, before, after in d.changes:
            out.print(f"  {day} {person}: {before or '—'} → {after or '—'}", highlight=False)
    errors, short, crit = found.errors, len(found.gaps), found.critical
    unread = sum(len(d.unreadable) for d in depts)  # a typo or a formula with no value: no rule broken
    rules = len(errors) - unread
    if zh:
        line = (f"{rules} 处违反规则，" + (f"{unread} 个格子读不懂，" if unread else "")
                + f"{short} 处缺人（其中 {crit} 处严重）")
    else:
        line = (f"{rules} rule(s) broken, " + (f"{unread} cell(s) not understood, " if unread else "")
                + f"{short} gap(s), {crit} of them critical")
    out.print(line, highlight=False)
    if errors or (strict and short):
        raise typer.Exit(2)


@app.command(short_help="build the bundled Double-11 example")
def demo(
    out_dir: Annotated[Path, typer.Option("-o", "--out", metavar="FOLDER", help="output folder")] = Path("out/demo"),
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en",
                                      help="zh or en: the example's labels and messages")] = "zh",
) -> None:
    """Build the bundled Double-11 example (its plan workbook is written next to the outputs)."""
    from .build import build_outputs, problems_of

    _lang(lang)
    _out_dir(out_dir)
    plan_path = write_example(out_dir / ("示例计划.xlsx" if lang == "zh" else "example-plan.xlsx"), lang)
    plan = read_plan(plan_path)
    try:
        paths, results = build_outputs(plan, out_dir, plan_path.stem, exports=True)
    except OutputError as e:
        err.print(str(e), highlight=False, markup=False)
        raise typer.Exit(2) from None
    out.print(msg("cli_example", lang, path=plan_path), highlight=False)
    _written_set(paths, lang)
    warnings_ = problems_of(plan, results)
    _report(warnings_, lang)  # as build prints them: a critical gap is read first, not only counted
    if warnings_:
        _see_checks(warnings_, lang)


@addin_app.command("build", short_help="build sheetplan.xlam from the ribbon, macros and UDFs")
def addin_build(
    out_path: Annotated[Path, typer.Option("-o", "--out", metavar="FILE.xlam",
                                           help="where to write the add-in")] = Path("addin/sheetplan.xlam"),
) -> None:
    """Build sheetplan.xlam from addin/ribbon.xml, macros/*.bas and the UDFs."""
    from .excel.addin import build_addin

    if out_path.suffix.lower() != ".xlam":
        raise typer.BadParameter("an Excel add-in file ends in .xlam", param_hint="--out")

    try:
        out.print(str(build_addin(out_path)))
    except OSError as e:
        err.print(f"无法写入 / cannot write {out_path}: {e.strerror or e}")
        raise typer.Exit(2) from None


@addin_app.command("install", short_help="install the add-in into Excel (Windows)")
def addin_install(
    prebuilt: Annotated[bool, typer.Option("--prebuilt", help="install the offline-built add-in (self-tested "
                                           "too), without letting Excel compile it")] = False,
    allow_vba_access: Annotated[bool, typer.Option(
        "--allow-vba-access", help="turn on Excel's 'Trust access to the VBA project object model' for the "
        "install and restore it afterwards")] = False,
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help="zh or en")] = "zh",
) -> None:
    """Install the add-in into Excel (Windows): Excel compiles it and a self-test runs; without
    VBA project access the prebuilt add-in is installed with a warning and self-tested too (exit 1 when
    a self-test fails). Elsewhere: what to do."""
    from .excel.addin import install_addin

    if sys.platform != "win32":
        out.print(install_addin())
        return
    import os

    from .excel.install import WinRegistry, install, windows_excel

    app_ = windows_excel()
    try:
        report = install(app_, Path(os.environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART", WinRegistry(),
                         allow_vba_access=allow_vba_access, lang=_lang(lang) or "zh", relaunch=windows_excel,
                         prebuilt_only=prebuilt)
    finally:
        with contextlib.suppress(Exception):
            app_.Quit()
    for line in report.lines:
        out.print(line, highlight=False)
    if report.exit_code:  # the installed add-in (Excel-compiled or the fallback) failed its self-test
        raise typer.Exit(report.exit_code)


@addin_app.command("doctor", short_help="what to check when the add-in does not work")
def addin_doctor(lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help="zh or en")] = "zh") -> None:
    """What to check when the add-in does not work: Python, xlwings and its DLL, where the add-in is,
    a blocked download, VBA project access and its policy, the add-in's Python path, the Defender rule
    that stops Office starting Python, 32/64-bit — each with its fix."""
    from .excel.doctor import doctor, render, this_machine

    checks = doctor(this_machine(), _lang(lang) or "zh")
    for line in render(checks, lang):
        out.print(line, highlight=False)
    if any(c.verdict == "fail" for c in checks):
        raise typer.Exit(1)


register_batch(app)


@app.command(short_help="print the version")
def version() -> None:
    """Print the version."""
    out.print(__version__)


def main() -> None:
    run_app(app)
