"""The re-runnable house tools (tools/restructure.py, tools/split_readme.py): their rewriting
rules, on small inputs, so a re-run after a merge does what it says."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("old", "bare_is_old", "new"), [
    ("sheetplan.udfs", False, "sheetplan.excel.udfs"),
    ("sheetplan.addin", False, "sheetplan.excel.addin"),
    ("sheetplan.addin_excel.install", False, "sheetplan.excel.install.install"),  # module, then attribute
    ("sheetplan.vba.project", False, "sheetplan.excel.vba.project"),
    ("sheetplan.batch._run", False, "sheetplan.batch.local._run"),
    ("sheetplan.batch", True, "sheetplan.batch.local"),  # in an import: the old module
    ("sheetplan.batch", False, "sheetplan.batch"),  # in prose: the package
    ("sheetplan.batch.local._run", False, "sheetplan.batch.local._run"),  # already moved: unchanged
    ("sheetplan.excel.udfs", True, "sheetplan.excel.udfs"),
    ("sheetplan.render.book", True, "sheetplan.render.book"),
])
def test_module_names_map_once(old: str, bare_is_old: bool, new: str) -> None:
    r = tool("restructure")
    assert r.map_module(old, bare_is_old) == new
    assert r.map_module(new, False) == new  # a second run changes nothing


def test_text_rewrites_dotted_names_paths_and_dunder_import_chains() -> None:
    r = tool("restructure")
    text = ('SheetPlanRun "import sheetplan.ribbon; sheetplan.ribbon.new_plan()"\n'
            'see src/sheetplan/addin_doctor.py and sheetplan/vba/ and ~/.sheetplan/sheetplan.conf\n'
            'assert __import__("sheetplan.udfs").udfs.__all__\n'
            'called = re.findall(r"sheetplan\\.ribbon\\.(\\w+)", code)\n')
    once = r.rewrite_text(text, python=True)
    assert once == ('SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.new_plan()"\n'
                    'see src/sheetplan/excel/doctor.py and sheetplan/excel/vba/ and ~/.sheetplan/sheetplan.conf\n'
                    'assert __import__("sheetplan.excel.udfs").excel.udfs.__all__\n'
                    'called = re.findall(r"sheetplan\\.excel\\.ribbon\\.(\\w+)", code)\n')
    assert r.rewrite_text(once, python=True) == once


def test_split_readme_refuses_a_heading_it_has_no_page_for(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "README.md").write_text("# x\n\nintro\n\n## The command\n\nt\n\n## Something new\n\ns\n",
                                        encoding="utf-8")
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "split_readme.py")], cwd=tmp_path,
                         capture_output=True, text=True)
    assert res.returncode == 1 and "Something new" in res.stderr
    assert not (tmp_path / "docs").exists()


def test_split_readme_moves_sections_keeps_every_line_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    readme = ("# x\n\nintro\n\n## Quick start (a fresh Debian/Ubuntu machine with Python ≥ 3.11)\n\nmake demo\n\n"
              "## The command\n\n```bash\n# not a heading\n```\n\n### Functions (`=SP_...`, category \"SheetPlan\")\n\n"
              "f\n\n## Layout\n\nl\n")
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    run = [sys.executable, str(ROOT / "tools" / "split_readme.py")]
    assert subprocess.run(run, cwd=tmp_path, capture_output=True).returncode == 0
    front = (tmp_path / "README.md").read_text(encoding="utf-8")
    operator = (tmp_path / "docs" / "operator.md").read_text(encoding="utf-8")
    assert "make demo" in front and "## A five-minute tour" in front and "docs/excel.md" in front
    assert "## The command" not in front and "# not a heading" in operator
    assert "\nf\n" in (tmp_path / "docs" / "excel.md").read_text(encoding="utf-8")
    before = {p: p.read_bytes() for p in [tmp_path / "README.md", *(tmp_path / "docs").glob("*.md")]}
    assert subprocess.run(run, cwd=tmp_path, capture_output=True).returncode == 0
    assert {p: p.read_bytes() for p in before} == before
