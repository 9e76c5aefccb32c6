"""check-roster and --keep-edits read a published roster through the plan reader's guards (issue
22, item 2): bad files, zip bombs, entity tricks, FIFOs and devices give one line and exit 2, never
a traceback or a hang; grid cells filled by a formula count by their cached value; a tampered
hidden ``_sheetplan`` sheet is one line naming that sheet."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sheetplan.build import build_plan
from sheetplan.cli import app
from sheetplan.publish.roster_edits import RosterFileError, check, read_edits, report
from sheetplan.publish.roster_store import CHUNK, SHEET

from .corpus import MAKERS, members, sheet_member

DEPT = "客服部"
# the corpus's file-level cases, made from a published roster instead of a plan: (case, a piece of the line)
FILE_CASES = {
    "empty_file": "空文件", "random_bytes": "不是 zip 包", "csv_renamed_xlsx": "CSV", "csv_file": "CSV",
    "old_xls": ".xls", "password_protected": "密码", "zip_without_workbook": "xl/workbook.xml",
    "truncated": "不是 Excel 工作簿", "zip_bomb": "压缩炸弹", "billion_laughs_shared_strings": "实体声明",
    "xxe_shared_strings": "实体声明",
}
CLI_TIMEOUT_S = 120  # a hang guard, not a speed assertion


@pytest.fixture(scope="module")
def roster_book(demo_results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan, results = demo_results
    out = tmp_path_factory.mktemp("roster-files")
    build_plan(plan, out, "示例计划", results)
    return out / f"示例计划-{DEPT}.xlsx"


def one_line(result, *pieces: str) -> None:
    """Exit 2, no traceback, and a single short line saying what (and naming what it must)."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and len(lines[0]) < 400, lines
    assert "Traceback" not in result.output
    for piece in pieces:
        assert piece in lines[0], (piece, lines[0])


@pytest.mark.parametrize("name", list(FILE_CASES))
def test_a_bad_file_is_one_line_in_check_roster_and_keep_edits(
        roster_book: Path, example_plan: Path, tmp_path: Path, name: str) -> None:
    path, _, _ = MAKERS[name](roster_book, tmp_path)
    runner = CliRunner()
    one_line(runner.invoke(app, ["check-roster", str(path)]), path.name, FILE_CASES[name])
    build = runner.invoke(app, ["build", str(example_plan), "-o", str(tmp_path / "out"), "--keep-edits", str(path)])
    lines = [line for line in build.output.splitlines() if line.strip() and line not in ("正在生成…", "building…")]
    assert build.exit_code == 2 and len(lines) == 1 and FILE_CASES[name] in lines[0], build.output
    assert not list((tmp_path / "out").glob("*.xlsx"))


def test_a_folder_or_missing_file_is_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    one_line(runner.invoke(app, ["check-roster", str(tmp_path)]), "文件夹")
    one_line(runner.invoke(app, ["check-roster", str(tmp_path / "nope.xlsx")]), "找不到文件")


@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_a_fifo_or_device_neither_hangs_nor_eats_memory(example_plan: Path, tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "roster.xlsx"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for args in (["check-roster", str(path)],
                 ["build", str(example_plan), "-o", str(tmp_path / "out"), "--keep-edits", str(path)]):
        run = subprocess.run([sys.executable, "-m", "sheetplan", *args], capture_output=True, text=True,
                             timeout=CLI_TIMEOUT_S, env=env)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        lines = [line for line in run.stderr.splitlines() if line.strip() and line not in ("正在生成…", "building…")]
        assert len(lines) == 1 and "不是普通文件" in lines[0], lines


def _with_formula(book: Path, out: Path, cell: str, formula: str, cached: str | None) -> Path:
    """The grid cell ``cell`` filled by ``formula``, with ``cached`` as the value Excel saved."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book)
    wb[f"排班-{DEPT}"][cell] = f"={formula}"
    wb.save(out)
    if cached is None:
        return out  # openpyxl writes no value: as a file nobody opened in a spreadsheet
    parts = members(out)
    name = sheet_member(parts, f"排班-{DEPT}")
    xml = parts[name].decode()
    pattern = re.compile(rf'(<c r="{cell}"[^>]*?)(?: t="\w+")?>(<f>.*?</f>)<v\s*/?>(?:</v>)?</c>')
    assert pattern.search(xml), xml[:300]
    parts[name] = pattern.sub(lambda m: f'{m.group(1)} t="str">{m.group(2)}<v>{cached}</v></c>', xml, 1).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return out


def test_a_grid_formula_counts_by_its_cached_value(roster_book: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(roster_book)[f"排班-{DEPT}"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "姓名")
    row = header + 1
    source = next(c for c in range(4, 12) if ws.cell(row, c).value)
    target = next(c for c in range(4, 12) if ws.cell(row, c).value is None)
    value = ws.cell(row, source).value
    cell = ws.cell(row, target).coordinate
    path = _with_formula(roster_book, tmp_path / "formula.xlsx", cell, ws.cell(row, source).coordinate, value)
    stored, depts = check(path)
    cs = next(d for d in depts if d.roster.department == DEPT)
    assert not [p for p in report(stored, depts) if p.severity == "error" and cell in p.where]
    want = (ws.cell(row, 1).value, stored.days[target - 4], "", value.split(" ")[0])
    assert want in cs.changes, cs.changes

    bare = _with_formula(roster_book, tmp_path / "bare.xlsx", cell, ws.cell(row, source).coordinate, None)
    stored, depts = check(bare)
    found = [p for p in report(stored, depts) if cell in p.where]
    assert found and found[0].severity == "error" and "没有计算结果" in found[0].message


def _store(book: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book)
    return json.loads("".join(str(r[0]) for r in wb[SHEET].iter_rows(values_only=True) if r[0] is not None))


def _tampered(book: Path, out: Path, change) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    change(ws)
    wb.save(out)
    return out


def _rewrite(fn):
    """A change that edits the stored JSON and writes it back in chunks, as the build does."""
    def change(ws) -> None:
        raw = json.loads("".join(str(r[0]) for r in ws.iter_rows(values_only=True) if r[0] is not None))
        fn(raw)
        text = json.dumps(raw, ensure_ascii=False)
        ws.delete_rows(1, ws.max_row)
        for k in range(0, len(text), CHUNK):
            ws.cell(k // CHUNK + 1, 1).value = text[k:k + CHUNK]
    return change


TAMPERS = {
    "deleted_rows": lambda ws: ws.delete_rows(1, ws.max_row),
    "garbage": lambda ws: setattr(ws.cell(1, 1), "value", "hello"),
    "cut_in_half": lambda ws: setattr(ws.cell(1, 1), "value", str(ws.cell(1, 1).value)[:5000]),
    "number_for_text": _rewrite(lambda r: r["rosters"][0]["grid"].update(sheet=5)),
    "text_for_number": _rewrite(lambda r: r["rosters"][0]["grid"].update(header="four")),
    "missing_key": _rewrite(lambda r: r["rosters"][0].pop("people")),
    "list_for_object": _rewrite(lambda r: r.update(rosters={"a": 1})),
    "wrong_person": _rewrite(lambda r: r["rosters"][0]["published"].__setitem__(0, ["无名氏", 0, "早", "售前"])),
    "day_out_of_range": _rewrite(lambda r: r["rosters"][0]["published"].__setitem__(0, ["x", 999, "早", "售前"])),
    "bad_shift": _rewrite(lambda r: r["rosters"][0]["shifts"][0].update(hours=-3)),
    "posts_not_a_list": _rewrite(lambda r: r["rosters"][0]["people"][0].update(posts=7)),
    "interval_zero": _rewrite(lambda r: r.update(interval_minutes=0)),
    "not_json_object": _rewrite(lambda r: r.clear()),
    "set_decided_negative": _rewrite(lambda r: r.update(set_decided={DEPT: -1})),
    "set_decided_huge": _rewrite(lambda r: r.update(set_decided={DEPT: 10 ** 22})),
    "set_decided_blank_department": _rewrite(lambda r: r.update(set_decided={" ": 2})),
    "set_decided_text": _rewrite(lambda r: r.update(set_decided={DEPT: "2"})),
}


@pytest.mark.parametrize("name", list(TAMPERS))
def test_a_tampered_store_is_one_line_naming_the_sheet(roster_book: Path, tmp_path: Path, name: str) -> None:
    assert _store(roster_book)["rosters"][0]["department"] == DEPT
    path = _tampered(roster_book, tmp_path / "tampered.xlsx", TAMPERS[name])
    one_line(CliRunner().invoke(app, ["check-roster", str(path)]), SHEET)
    with pytest.raises(RosterFileError, match=r"tampered\.xlsx"):  # --keep-edits says which workbook
        read_edits(path)
