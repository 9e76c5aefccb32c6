"""Department workbooks written while other departments still solve (build._Ahead): the set is
byte for byte the one written after every roster, and a workbook written ahead is written again
when the finished results show it something else (a warning found later, an edit dropped elsewhere)."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
from pathlib import Path

import pytest

import sheetplan.build as build
from plan_edit import english_shop
from sheetplan.pipeline import THREADS_ENV, Results, compute
from sheetplan.plan.model import Edit, FixedShift, Plan, day_label
from sheetplan.plan.problems import Problem
from sheetplan.plan.reader import read_plan

RENAMED = {"Customer service": "Care team", "Pre-sales": "Sales chat", "Warehouse": "Fulfilment",
           "Packing": "Pack bench", "Operations": "Ops desk"}


def digests(paths: list[Path]) -> list[tuple[str, str]]:
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths]


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Two departments solve at once (as on CI's two cores), and which workbooks were written
    ahead and which of them the set took."""
    monkeypatch.setenv(THREADS_ENV, "2")
    seen: dict[str, list[str]] = {"asked": [], "ahead": [], "taken": []}
    call, written = build._Ahead.__call__, build._Ahead.written

    def spy_call(self: build._Ahead, part: Results, dept: str) -> None:
        seen["asked"].append(dept)
        call(self, part, dept)
        if dept in self.books:
            seen["ahead"].append(dept)

    def spy_written(self: build._Ahead, dept: str, results: Results) -> Path | None:
        path = written(self, dept, results)
        if path is not None:
            seen["taken"].append(dept)
        return path

    monkeypatch.setattr(build._Ahead, "__call__", spy_call)
    monkeypatch.setattr(build._Ahead, "written", spy_written)
    return seen


def test_workbooks_written_ahead_are_the_ones_written_after_every_roster(
        tmp_path: Path, spied: dict[str, list[str]]) -> None:
    """An English plan with its own names, a post nobody holds and the warehouse stress test
    rostered (a solve of its own per department, made as the department finishes)."""
    plan = read_plan(english_shop(tmp_path / "shop-plan.xlsx", RENAMED))
    ahead = build.build_plan(plan, tmp_path / "ahead", "shop")
    after = build.build_plan(plan, tmp_path / "after", "shop", compute(plan))
    assert digests(ahead) == digests(after)
    assert spied["ahead"], "no department was written while another solved"
    assert "Care team" not in spied["ahead"]  # its service sheet needs every roster
    assert set(spied["taken"]) == set(spied["ahead"])


def test_a_workbook_written_ahead_is_written_again_when_the_results_say_more(
        demo_results: tuple[Plan, Results], tmp_path: Path) -> None:
    plan, results = demo_results
    files = build.plan_files("示例计划", plan)
    dept = next(r.department for r in results.rosters
                if r.department not in build._service_departments(results) and r.department in files.per)
    ahead = build._Ahead(plan, files, tmp_path)
    ahead(results, dept)
    assert ahead.written(dept, results) is not None
    later = Problem(plan.sheets.get("requirements", ""), "found after the workbook was written", "warning", dept)
    assert ahead.written(dept, dataclasses.replace(results, problems=[*results.problems, later])) is None
    elsewhere = Edit("another department", "someone", "11-11", "", "X", "", "x.xlsx!E5")
    assert ahead.written(dept, dataclasses.replace(results, edits=[*results.edits, elsewhere])) is None
    other = next(r for r in results.rosters if r.department != dept)
    swapped = [other if r.department == dept else r for r in results.rosters]
    assert ahead.written(dept, dataclasses.replace(results, rosters=swapped)) is None


def test_a_workbook_that_cannot_be_written_ahead_is_written_in_the_set(
        example_plan: Path, tmp_path: Path, spied: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """A full temporary disk costs the head start, nothing else: the set is written as without it."""
    from sheetplan.render import book as book_mod

    real = book_mod.Book.close

    def close(self: book_mod.Book) -> Path:
        if self.target.parent.name.startswith("sheetplan-"):  # the build's scratch folder
            self.abort()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self)

    monkeypatch.setattr(book_mod.Book, "close", close)
    plan = read_plan(example_plan)
    ahead = build.build_plan(plan, tmp_path / "ahead", "示例计划")
    after = build.build_plan(plan, tmp_path / "after", "示例计划", compute(plan))
    assert digests(ahead) == digests(after)
    assert spied["asked"] and not spied["ahead"] and not spied["taken"]


def test_an_edit_dropped_in_a_department_that_finished_first_costs_no_workbook_written_ahead(
        example_plan: Path, tmp_path: Path, spied: dict[str, list[str]]) -> None:
    """The change log every workbook stores counts every department's kept edits: written ahead
    with the edits as the plan has them, all five were written again (found by a helper)."""
    plan = read_plan(example_plan)
    depts = sorted({p.department for p in plan.staff})
    dept = min(depts, key=lambda d: sum(p.department == d for p in plan.staff))  # the smallest: done first
    person = next(p for p in plan.staff if p.department == dept)
    post = "not a post of theirs"
    where = f"x.xlsx 排班-{dept}!E5"
    day = plan.settings.days[1]
    bad = FixedShift(person.name, day, plan.shifts[0].code, post, cells={"name": where, "edit": "1"})
    logged = Edit(dept, person.name, day_label(day), "", f"{post}·{plan.shifts[0].code}", "", where)
    edited = dataclasses.replace(plan, fixed=[*plan.fixed, bad], edits=[logged])
    ahead = build.build_plan(edited, tmp_path / "ahead", "示例计划")
    results = compute(edited)
    assert results.edits[0].why  # dropped
    after = build.build_plan(edited, tmp_path / "after", "示例计划", results)
    assert digests(ahead) == digests(after)
    assert dept in spied["ahead"] and set(spied["taken"]) == set(spied["ahead"])
