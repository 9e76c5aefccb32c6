"""The command line prints planner text as it is and never a traceback (issue 22, item 3).

Rich reads `[/red]` as a closing tag (a crash: MarkupError), `[bold]` as a style and `:smile:`
as an emoji code; a department, a staff name, a cell value or a file name may hold any of them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from plan_edit import append, rename
from sheetplan.batch.cli import run_app
from sheetplan.batch.local import run_batch
from sheetplan.cli import app

MARKUP = "[/red]"
STYLE = "[bold]x"
EMOJI = ":smile:"
DEPT = f"客服{MARKUP}部"


def sheetplan(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "sheetplan", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=cwd)


def no_traceback(res: subprocess.CompletedProcess[str]) -> str:
    both = res.stdout + res.stderr
    assert "Traceback" not in both and "MarkupError" not in both, both[-2000:]
    return both


@pytest.fixture(scope="module")
def marked(fast_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a valid plan, a plan with one bad cell), both full of markup, in a folder with brackets."""
    folder = tmp_path_factory.mktemp("m") / f"plans{STYLE}"
    folder.mkdir()
    wb = openpyxl.load_workbook(fast_plan)
    rename(wb, {"客服部": DEPT, "张伟": STYLE, "运营部": MARKUP})
    wb["部门职责"]["C2"] = f"报名 {MARKUP} {STYLE} {EMOJI} [link=file:///etc/passwd]y[/link]"
    append(wb["部门"], {"部门": f"{STYLE}空部门"})
    good = folder / f"计划{STYLE}[red] {EMOJI}.xlsx"
    wb.save(good)
    wb["库存"]["B3"] = f"{MARKUP} {STYLE} {EMOJI}"
    bad = folder / f"坏{STYLE}.xlsx"
    wb.save(bad)
    return good, bad


def test_check_prints_markup_in_a_cell_literally(marked: tuple[Path, Path]) -> None:
    good, bad = marked
    res = sheetplan("check", bad, cwd=bad.parent)
    both = no_traceback(res)
    assert res.returncode == 2
    assert f"「{MARKUP} {STYLE} {EMOJI}」" in res.stderr, both
    ok = sheetplan("check", good, cwd=good.parent)
    assert ok.returncode == 0 and ok.stdout.startswith("OK"), no_traceback(ok)


def test_build_and_check_roster_print_markup_names_literally(marked: tuple[Path, Path], tmp_path: Path) -> None:
    good, _ = marked
    out = tmp_path / f"out{STYLE}"
    res = sheetplan("build", good, "-o", out, "--no-exports", cwd=tmp_path)
    both = no_traceback(res)
    assert res.returncode == 0, both
    assert f"「{DEPT}」" in res.stderr  # a warning about the department, after the workbooks are written
    assert f"{out.name}/计划{STYLE}[red]" in res.stdout and f"{STYLE}空部门.xlsx" in res.stdout  # names as they are
    (roster,) = (p for p in out.glob("*.xlsx") if "客服" in p.name)
    res = sheetplan("check-roster", roster, cwd=tmp_path)
    both = no_traceback(res)
    assert res.returncode == 0, both
    assert f"{DEPT}：与发布版相比改动 0 处" in res.stdout


def test_batch_prints_markup_in_names_and_reasons_literally(marked: tuple[Path, Path], tmp_path: Path) -> None:
    good, bad = marked
    res = subprocess.run([sys.executable, "-m", "sheetplan", "batch", str(good.parent), "-o", str(tmp_path / "o"),
                          "--jobs", "1"], capture_output=True, text=True, timeout=600)
    both = no_traceback(res)
    assert res.returncode == 2, both
    assert f"✗ {bad.name}: 库存!B3: 「件数」应为数字，实为「{MARKUP} {STYLE} {EMOJI}」" in res.stdout
    assert "built / 已生成 1" in res.stdout and "failed / 失败 1" in res.stdout


def test_batch_progress_bar_prints_markup_literally(marked: tuple[Path, Path], tmp_path: Path) -> None:
    """On a terminal the batch shows a progress bar naming the last plan, and failures above it."""
    _, bad = marked
    src = tmp_path / "in"
    src.mkdir()
    (src / bad.name).write_bytes(bad.read_bytes())
    term = Console(file=io.StringIO(), force_terminal=True, width=300, color_system=None)
    report = run_batch(src, tmp_path / "o", jobs=1, console=term)
    assert report.exit_code == 2
    assert f"✗ {bad.name}: 库存!B3: 「件数」应为数字，实为「{MARKUP} {STYLE} {EMOJI}」" in term.file.getvalue()


# ------------------------------------------------------------------------- no traceback, any input
@pytest.fixture(scope="module")
def junk(tmp_path_factory: pytest.TempPathFactory, fast_plan: Path) -> Path:
    """A folder of things that are not plans (and one plan that is not a roster)."""
    d = tmp_path_factory.mktemp("junk")
    (d / "empty.xlsx").write_bytes(b"")
    (d / "text.xlsx").write_text("hello", encoding="utf-8")
    (d / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (d / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (d / "zip.xlsx").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    (d / "folder.xlsx").mkdir()
    (d / "folder").mkdir()
    (d / "afile").write_text("x", encoding="utf-8")
    os.mkfifo(d / "fifo.xlsx")
    (d / "plan.xlsx").write_bytes(fast_plan.read_bytes())
    return d


NOT_A_PLAN = ["nope.xlsx", "empty.xlsx", "text.xlsx", "t.csv", "old.xls", "zip.xlsx", "folder.xlsx", "folder",
              "fifo.xlsx", "/dev/null", "/dev/zero"]

BAD_RUNS = [
    *(["check", f] for f in NOT_A_PLAN),
    *(["check-roster", f] for f in [*NOT_A_PLAN, "plan.xlsx"]),
    *(["build", f, "-o", "o"] for f in NOT_A_PLAN),
    *(["build", "plan.xlsx", "--keep-edits", f, "-o", "o"] for f in [*NOT_A_PLAN, "plan.xlsx"]),
    ["build", "plan.xlsx", "-o", "afile"],
    ["build", "plan.xlsx", "-o", "/proc/none"],
    ["build", "plan.xlsx", "--lang", "fr"],
    ["check"],
    ["check", "plan.xlsx", "--lang", "fr"],
    ["new", "folder.xlsx", "--force"],
    ["new", "/proc/none/plan.xlsx"],
    ["new", "plan.txt"],
    ["new", "plan.xlsx"],
    ["new", "x.xlsx", "--lang", "fr"],
    ["batch", "nope"],
    ["batch", "afile"],
    ["batch", "folder", "-o", "afile"],
    ["batch", "folder", "-o", "/proc/none"],
    ["batch", "folder", "--timeout", "-1"],
    ["batch", "folder", "-o", "o", "--scheduler", "junk"],
    ["batch", "folder", "-o", "o", "--scheduler", "tcp://host-without-port"],
    ["batch", "folder", "-o", "o", "--scheduler", "local:0"],
    ["demo", "-o", "afile"],
    ["demo", "--lang", "fr"],
    ["addin", "build", "-o", "x.txt"],
    ["addin", "build", "-o", "/proc/none/x.xlam"],
    ["addin", "doctor", "--lang", "fr"],
    ["version", "extra"],
    ["no-such-command"],
    [],
]


@pytest.mark.parametrize("args", BAD_RUNS, ids=lambda a: " ".join(a) or "no-args")
def test_bad_input_is_one_clear_line_never_a_traceback(
    args: list[str], junk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(junk)
    res = CliRunner().invoke(app, args, catch_exceptions=True)
    assert res.exception is None or isinstance(res.exception, SystemExit), (args, repr(res.exception), res.output)
    assert "Traceback" not in res.output
    assert res.exit_code == 2, (res.exit_code, res.output)
    assert not list((junk / "o").rglob("*.xlsx"))  # nothing built


def test_an_unforeseen_exception_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    one = typer.Typer()

    @one.command()
    def boom() -> None:
        raise RuntimeError("no check foresaw this [/red]")

    monkey_argv = sys.argv
    sys.argv = ["sheetplan"]
    try:
        with pytest.raises(SystemExit) as e:
            run_app(one)
    finally:
        sys.argv = monkey_argv
    err = capsys.readouterr().err
    assert e.value.code == 1
    assert "internal error" in err and "RuntimeError: no check foresaw this [/red]" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["build"], ["check-roster"], ["demo"], ["batch"],
                                     ["addin", "build"], ["addin", "install"], ["addin", "doctor"]])
def test_help_says_what_to_type_not_python_types(command: list[str]) -> None:
    """A newcomer reads `-o, --out FOLDER` and `--lang zh|en`, not typer's `<bool>` / `<list[Path]>`."""
    res = CliRunner().invoke(app, [*command, "--help"], prog_name="sheetplan", terminal_width=100)
    assert res.exit_code == 0, res.output
    assert not any(tag in res.output for tag in ("<bool>", "<str>", "<list[", "<int>", "<float>")), \
        res.output
    if "--out" in res.output:
        assert "--out FOLDER" in res.output or "--out FILE.xlam" in res.output, res.output
    if "Commands:" in res.output:
        assert "..." not in res.output.split("Commands:")[-1], res.output  # descriptions not cut short
    short = CliRunner().invoke(app, [*command, "-h"], prog_name="sheetplan", terminal_width=100)
    assert short.exit_code == 0 and short.output == res.output  # -h works too
