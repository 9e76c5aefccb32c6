"""Shared fixtures: the worked example plan and its built outputs, made once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/lo.py, tests/roster_checker.py

from sheetplan.build import build_file
from sheetplan.plan.template import write_example

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def example_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_example(tmp_path_factory.mktemp("plan") / "示例计划.xlsx")


@pytest.fixture(scope="session")
def demo_outputs(example_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_file(example_plan, tmp_path_factory.mktemp("out"))
