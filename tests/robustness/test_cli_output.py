"""The command line's output folder and its verdict (a newcomer's run of README found these):
an output path that is a file is named as such, a failed build leaves no empty folder behind,
a critical gap is never counted as a mere warning, and `build --strict` gates on it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sheetplan.cli import app


def run(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_an_output_path_that_is_a_file_is_named_as_a_file(fast_plan: Path, tmp_path: Path) -> None:
    afile = tmp_path / "README.md"
    afile.write_text("mine")
    for out in (afile, afile / "sub"):
        res = run("build", fast_plan, "-o", out)
        assert res.exit_code == 2
        assert f"the output path is a file, not a folder: {afile}" in res.output
    assert afile.read_text() == "mine"


def test_a_failed_build_leaves_no_empty_output_folder(tmp_path: Path) -> None:
    res = run("build", tmp_path / "nosuch.xlsx", "-o", tmp_path / "out" / "deeper")
    assert res.exit_code == 2 and "nosuch.xlsx" in res.output
    assert not (tmp_path / "out").exists()


def test_strict_build_writes_everything_then_exits_2_on_a_critical_gap(fast_plan: Path, tmp_path: Path) -> None:
    plain = run("build", fast_plan, "-o", tmp_path / "plain", "--no-exports")
    assert plain.exit_code == 0
    # a Chinese plan: the command speaks Chinese (graded, counted, the sheet named)
    assert "严重 值班需求!" in plain.output and "1 个严重问题" in plain.output and "见「检查结果」" in plain.output
    strict = run("build", fast_plan, "-o", tmp_path / "strict", "--no-exports", "--strict")
    assert strict.exit_code == 2
    assert sorted(p.name for p in (tmp_path / "strict").iterdir()) == sorted(
        p.name for p in (tmp_path / "plain").iterdir())


def test_check_says_roster_gaps_come_from_build(fast_plan: Path) -> None:
    res = run("check", fast_plan)
    assert res.exit_code == 0 and res.output.startswith("OK") and "build" in res.output


def test_an_english_plan_gets_english_lines_only(tmp_path: Path) -> None:
    """A helper's run: an English plan's build printed 正在生成… / 已生成 / 严重 beside the English."""
    import re

    from sheetplan.render.template import write_example

    plan = write_example(tmp_path / "plan.xlsx", "en")
    built = run("build", plan, "-o", tmp_path / "out", "--no-exports")
    checked = run("check", plan)
    assert built.exit_code == 0 and checked.exit_code == 0
    assert "building…" in built.output and "critical Duty requirements!" in built.output
    assert "workbook(s) written:" in built.output and "see 'Check results'" in built.output
    assert not re.search(r"[\u4e00-\u9fff]", built.output + checked.output), built.output + checked.output


def test_an_edited_workbook_in_the_output_folder_is_never_replaced(tmp_path: Path) -> None:
    """build -o out --keep-edits out/….xlsx would replace the edited file with the new set: refused
    before anything is read or computed, the file byte for byte as it was."""
    out = tmp_path / "out"
    out.mkdir()
    edited = out / "计划-客服部.xlsx"
    edited.write_bytes(b"typed by a planner")
    for where in (out, tmp_path / "out" / "." ):
        res = run("build", tmp_path / "plan.xlsx", "-o", where, "--keep-edits", edited)
        assert res.exit_code == 2 and "would be replaced" in res.output
    assert edited.read_bytes() == b"typed by a planner"
