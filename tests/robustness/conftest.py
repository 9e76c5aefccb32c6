"""Fixtures for the robustness suite: the bad-plan corpus, its CLI runs (two at a time, once per
session), and a small valid plan for the batch tests (the full example builds rosters with
CP-SAT and costs seconds per plan; the batch logic does not depend on what is in the plan)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from .corpus import Case, make_corpus

# The workbook a set always writes itself, after 总表 and the departments before it (its service
# sheet needs every roster, so it is never written ahead while others solve): a failure there is
# a failure mid-set, whichever workbooks were written ahead.
MID_SET = "-客服部.xlsx"

CLI_TIMEOUT_S = 120  # a hang guard, not a speed assertion


@dataclass(frozen=True)
class Run:
    """One `sheetplan build` of a corpus file as a subprocess, and what it left behind."""

    case: Case
    returncode: int | None  # None: it hung past the guard and was killed
    stdout: str
    stderr: str
    out_files: list[str]  # everything under the output folder (which may not exist)
    folder_before: list[str]
    folder_after: list[str]
    input_before: str
    input_after: str


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_build(case: Case, out: Path) -> Run:
    before, digest = listing(case.path.parent), sha(case.path)
    cmd = [sys.executable, "-m", "sheetplan", "build", str(case.path), "-o", str(out)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
        code, stdout, stderr = res.returncode, res.stdout, res.stderr
    except subprocess.TimeoutExpired as e:
        code, stdout, stderr = None, str(e.stdout or ""), str(e.stderr or "")
    return Run(case, code, stdout, stderr, listing(out), before, listing(case.path.parent), digest, sha(case.path))


@pytest.fixture(scope="session")
def corpus(example_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return make_corpus(example_plan, tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def cli_runs(corpus: list[Case], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every corpus file through the real CLI, two subprocesses at a time (each is mostly start-up)."""
    outs = tmp_path_factory.mktemp("cli-out")
    with ThreadPoolExecutor(2) as pool:
        runs = pool.map(lambda c: run_build(c, outs / c.name), corpus)
        return {r.case.name: r for r in runs}


def small_plan(example: Path, dest: Path) -> Path:
    """The example cut to one department and no optional sheets (no roster, service or products):
    builds in a fraction of a second, which keeps a 100-plan batch test short."""
    wb = openpyxl.load_workbook(example)
    for name in ("人员", "固定排班", "员工意愿", "客服需求", "商品", "班次", "值班需求"):
        if name in wb.sheetnames:
            del wb[name]
    dept = wb["部门"]["A2"].value
    wb["部门"].delete_rows(3, wb["部门"].max_row)
    duties = wb["部门职责"]
    keep = [r for r in duties.iter_rows(min_row=2, values_only=True) if r[0] == dept]
    duties.delete_rows(2, duties.max_row)
    for row in keep:
        duties.append(row)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


@pytest.fixture(scope="session")
def small_example(example_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_plan(example_plan, tmp_path_factory.mktemp("small") / "small.xlsx")
