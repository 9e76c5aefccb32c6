"""The build: determinism, atomic writes, input untouched, the sheets a planner expects."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sheetplan import build as build_mod
from sheetplan.build import build_file
from sheetplan.plan.reader import PlanError, read_plan
from sheetplan.render.template import write_example


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_outputs_and_sheets(demo_outputs: list[Path]) -> None:
    names = [p.name for p in demo_outputs]
    assert names[0] == "示例计划-总表.xlsx"
    for dept in ("运营部", "商品部", "美编部", "推广部", "客服部", "仓储物流部"):
        assert f"示例计划-{dept}.xlsx" in names
    wb = openpyxl.load_workbook(demo_outputs[0])
    assert wb.sheetnames[:6] == ["总览", "检查结果", "活动日历", "部门职责", "仓库人员", "库存占比"]
    ws = wb["库存占比"]
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["D5"].value == "=IF($B$13=0,0,B5/$B$13)" and ws["D5"].number_format == "0.0%"
    assert ws["B13"].value == "=SUM(B5:B12)"
    assert len(ws._charts) == 1
    wh = wb["仓库人员"]
    formulas = [c.value for row in wh.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("ROUNDUP" in f for f in formulas) and any(f.startswith("=SUM(") for f in formulas)
    # the contents link every visible sheet, and no hidden one (the published roster's store)
    links = {c.hyperlink.location.split("!")[0].strip("'")
             for row in wb["总览"].iter_rows() for c in row if c.hyperlink}
    visible = {ws.title for ws in wb.worksheets[1:] if ws.sheet_state == "visible"}
    assert links == visible and "_sheetplan" in wb.sheetnames


def test_same_plan_gives_byte_identical_files(example_plan: Path, tmp_path: Path) -> None:
    a = build_file(example_plan, tmp_path / "a")
    b = build_file(example_plan, tmp_path / "b")
    assert [sha(x) for x in a] == [sha(y) for y in b]
    again = write_example(tmp_path / "示例计划.xlsx")
    assert sha(again) == sha(example_plan)


def test_committed_example_is_current(tmp_path: Path) -> None:
    """workbooks/ holds exactly what `sheetplan new --example` writes."""
    root = Path(__file__).resolve().parents[1] / "workbooks"
    assert sha(write_example(tmp_path / "x.xlsx")) == sha(root / "双十一示例计划.xlsx")


def test_build_never_modifies_input(fast_plan: Path, tmp_path: Path) -> None:
    before = (sha(fast_plan), fast_plan.stat().st_mtime_ns)
    build_file(fast_plan, tmp_path)
    assert (sha(fast_plan), fast_plan.stat().st_mtime_ns) == before


def test_crash_mid_write_keeps_previous_output(
    fast_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_file(fast_plan, tmp_path)
    old = {p: sha(p) for p in first}

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_mod, "write_shares", boom)
    with pytest.raises(RuntimeError):
        build_file(fast_plan, tmp_path)
    assert {p: sha(p) for p in first} == old
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in {".sheetplan.lock", ".sheetplan-outputs.json"})
    assert left == sorted(p.name for p in first)  # no temp files left


def test_killed_build_leaves_previous_output(fast_plan: Path, tmp_path: Path) -> None:
    """SIGKILL in the middle of writing: the target is either the old file or the new one."""
    first = build_file(fast_plan, tmp_path)
    old = sha(first[0])
    code = (
        "import os, signal, sheetplan.render.book as b\n"
        "orig = b.Book.close\n"
        "def close(self):\n"
        "    self.wb.close(); os.kill(os.getpid(), signal.SIGKILL)\n"
        "b.Book.close = close\n"
        "from sheetplan.build import build_file\n"
        f"build_file({str(fast_plan)!r}, {str(tmp_path)!r})\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert res.returncode == -9
    assert sha(first[0]) == old
    openpyxl.load_workbook(first[0])  # still a complete workbook


def test_plan_errors_stop_the_build(example_plan: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(example_plan)
    wb["库存"]["B2"] = "lots"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(PlanError) as e:
        build_file(bad, tmp_path / "out")
    assert "库存!B2" in str(e.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_text_that_looks_like_a_formula_stays_text(fast_plan: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(fast_plan)
    wb["部门职责"]["C2"] = '=HYPERLINK("http://evil")'
    wb["部门职责"]["C2"].data_type = "s"  # typed as text by the planner (e.g. with a leading ')
    wb["部门职责"]["D2"] = "@SUM(A1)"
    src = tmp_path / "p.xlsx"
    wb.save(src)
    out = build_file(src, tmp_path / "out")
    ws = openpyxl.load_workbook(out[0])["部门职责"]
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value}
    assert cells['=HYPERLINK("http://evil")'] == "s" and cells["@SUM(A1)"] == "s"


def test_largest_remainder_plan(fast_plan: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(fast_plan)
    wb["活动"]["B11"] = "largest_remainder"
    src = tmp_path / "lr.xlsx"
    wb.save(src)
    plan = read_plan(src)
    assert plan.settings.share_method == "largest_remainder"
    out = build_file(src, tmp_path / "out")
    ws = openpyxl.load_workbook(out[0])["库存占比"]
    assert "SUMPRODUCT" in ws["D5"].value


def test_customer_service_sheet(demo_outputs: list[Path]) -> None:
    wb = openpyxl.load_workbook(demo_outputs[0])
    ws = wb["客服排班"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("=SUMPRODUCT(") for t in texts)  # cover stays live over the shift plan
    assert any("已是最少" in t for t in texts)  # the fewest people the shift templates need
    assert "客服排班" in openpyxl.load_workbook(next(p for p in demo_outputs if "客服部" in p.name)).sheetnames


def test_readme_documents_every_sheet_and_column() -> None:
    from sheetplan.plan.schema_doc import markdown

    readme = (Path(__file__).resolve().parents[1] / "docs/planner.md").read_text(encoding="utf-8")
    assert markdown() in readme, "run: python -m sheetplan.plan.schema_doc docs/planner.md"


def test_big_product_lists_go_to_the_goods_workbook_in_constant_memory(
    fast_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the threshold the product sheets leave the plan output and the goods workbook is
    written row by row (constant memory); its duty table must survive that mode intact."""
    import lo
    from test_libreoffice import mismatches

    monkeypatch.setattr(build_mod, "PRODUCTS_IN_PLAN_OUTPUT", 10)
    out = build_file(fast_plan, tmp_path / "out")
    assert "商品结构总表" not in openpyxl.load_workbook(out[0], read_only=True).sheetnames
    goods = next(p for p in out if p.name.endswith("-商品部.xlsx"))
    wb = openpyxl.load_workbook(goods)
    assert wb.sheetnames == ["部门职责", "检查结果-商品部", "排班-商品部", "覆盖-商品部", "个人排班-商品部",
                             "每日值班表-商品部", "人工成本-商品部", "排班明细", "_sheetplan", "商品结构总表", "补货表"]
    assert wb["_sheetplan"].sheet_state == "hidden"
    duties = [c.value for c in wb["部门职责"]["C"] if c.value]
    assert len(duties) == 1 + 9  # header + the nine duties of 商品部
    n, bad = mismatches(goods, tmp_path / "lo")
    assert n > 10 and bad == []
    assert lo.soffice()
