"""Shared fixtures: the worked example plan and its built outputs, made once per session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from sheetplan.build import Results, build_plan, compute
from sheetplan.plan.model import Plan
from sheetplan.plan.reader import read_plan
from sheetplan.render.template import write_example

ROOT = Path(__file__).resolve().parents[1]

# No per-example deadline (two shared cores make timings noisy); in CI the same examples every
# run, so a red build is reproducible rather than a roll of the dice.
settings.register_profile("sheetplan", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("sheetplan")


@pytest.fixture(scope="session", autouse=True)
def _temporary_folders_under_pytest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every temporary folder of the session (ours and the processes we start) under pytest's
    own base, which it rotates: a process a test kills on purpose (kill -9 mid-build, a Dask
    build over its time) cannot remove its own, and they piled up in /tmp run after run."""
    folder = tmp_path_factory.mktemp("TMPDIR")
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    yield
    if before is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = before
    tempfile.tempdir = None


@pytest.fixture(scope="session")
def example_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_example(tmp_path_factory.mktemp("plan") / "示例计划.xlsx")


@pytest.fixture(scope="session")
def fast_plan(example_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a tiny roster budget: for tests about files, not about rosters."""
    import openpyxl

    wb = openpyxl.load_workbook(example_plan)
    ws = wb["活动"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("排班求解预算"))
    ws.cell(row, 2).value = 0.1
    path = tmp_path_factory.mktemp("fast") / "快速计划.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def demo_results(example_plan: Path) -> tuple[Plan, Results]:
    plan = read_plan(example_plan)
    return plan, compute(plan)


@pytest.fixture(scope="session")
def demo_outputs(demo_results: tuple[Plan, Results], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    plan, results = demo_results
    return build_plan(plan, tmp_path_factory.mktemp("out"), "示例计划", results)
