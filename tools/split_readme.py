"""Split README.md into a short front page and reference pages per audience under docs/.

Re-runnable (run from the repository root): every ``##`` section of README.md (a ``###`` only when
it is listed on its own) goes to the page PAGES names for its heading; a section already on that
page is replaced, new ones are added in the order below; README keeps the sections mapped to
``README.md`` plus a generated list of the pages. A heading not in PAGES stops the script with
its name: add it to PAGES, then run again. After others edit README sections (before or after a
split), merge, then run this again.

Also points the generated plan-workbook reference (``python -m sheetplan.plan.schema_doc``) and
its test at the page that now holds it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FRONT = "README.md"
# heading (the text after the hashes, exactly) -> page; order here = order on the page
PAGES: dict[str, str] = {
    "Quick start (a fresh Debian/Ubuntu machine with Python ≥ 3.11)": FRONT,
    "A five-minute tour": FRONT,
    "How fast, how good (latest runs, this 2-core machine)": FRONT,
    "Documentation": FRONT,
    "The plan workbook": "docs/planner.md",
    "What the build writes": "docs/planner.md",
    "The domain rules": "docs/planner.md",
    "Publish and change (the planner's week)": "docs/planner.md",
    "Excel: functions and the SheetPlan ribbon": "docs/excel.md",
    "Functions (`=SP_...`, category \"SheetPlan\")": "docs/excel.md",
    "The add-in": "docs/excel.md",
    "Windows: install and first run": "docs/excel.md",
    "Manual check list (what only real Excel can confirm)": "docs/excel.md",
    "The command": "docs/operator.md",
    "Batch across machines (Dask)": "docs/operator.md",
    "Python: plans from DataFrames (agencies, scripts, notebooks)": "docs/python-api.md",
    "Layout": "docs/development.md",
    "How we know it works": "docs/development.md",
    "Robustness": "docs/development.md",
    "Performance": "docs/development.md",
    "The field's benchmark: Curtois & Qu shift scheduling instances": "docs/development.md",
}
TITLES = {
    "docs/planner.md": ("The planner's guide", "The plan workbook sheet by sheet, what a build writes, the rules the "
                        "numbers follow, and the week of publishing and changing a roster."),
    "docs/excel.md": ("Excel: functions and the add-in", "The `=SP_...` functions, the SheetPlan ribbon, how the "
                      "add-in is built and installed, and what only real Excel can confirm."),
    "docs/operator.md": ("Running sheetplan: the command, batches, Dask, CI", "Every command with its options "
                         "and exit codes, many plans at once on one machine or a Dask cluster; CI runs "
                         "`.ci/run` (the system packages, then `make test`)."),
    "docs/python-api.md": ("The Python API", "Plans from DataFrames, results as DataFrames, the same workbooks "
                           "as `sheetplan build`."),
    "docs/development.md": ("Developing sheetplan", "The layout of the code, how it is tested, the robustness "
                            "guarantees and the benchmarks."),
}
TOUR = """## A five-minute tour

1. `make demo` builds the bundled Double-11 example: the plan `out/demo/示例计划.xlsx` (what a
   planner fills in: campaign, phases, departments, duties, staff, shifts, demand), the plan
   output `示例计划-总表.xlsx` and one workbook per department, plus calendars and attendance CSVs.
2. Open `out/demo/示例计划-客服部.xlsx`, sheet 排班-客服部: the duty roster the solver made — one
   row per person, one column per day, each cell post·shift and its hours, hours per person at
   the right, and above it one line with the shifts, hours, cost and how much of the demand is
   covered:

   ![The customer-service roster of the example, as LibreOffice prints it](docs/img/roster.png)

3. Change the plan (a person's days off, a shift, the sale-day demand) and run
   `sheetplan build out/demo/示例计划.xlsx -o out/demo`: every number follows; `sheetplan check`
   names each problem by sheet and cell, in Chinese and English.
4. Edit the published roster by hand, then `sheetplan check-roster` says which rules the edit
   breaks; in Excel the same runs from the SheetPlan ribbon and `=SP_...` functions.

Where next: the pages below, one per reader.
"""
# references by section name that now cross pages: (text, its replacement), on the docs pages
CROSS_REFS = [
    ("(see *Nothing in silence*)", "(see [Nothing in silence](planner.md), in the planner's guide)"),
    ("(see *Publish and change*)", "(see [Publish and change](planner.md), in the planner's guide)"),
    ("(see *Excel*)", "(see [Excel](excel.md))"),
    ("the manual check list above", "the manual check list in [Excel](excel.md)"),
]
FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{2,3}) (.+?)\s*$")
SCHEMA_START = "<!-- plan-schema:start -->"


def sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first mapped heading, [(heading, section text)]): a ``##`` section runs to
    the next ``##``; a ``###`` listed in PAGES starts a section of its own. Fenced code is skipped."""
    head: list[str] = []
    out: list[tuple[str, list[str]]] = []
    fenced = False
    for line in text.splitlines(keepends=True):
        if FENCE.match(line):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if m and (m.group(1) == "##" or m.group(2) in PAGES):
            out.append((m.group(2), [line]))
            continue
        (out[-1][1] if out else head).append(line)
    return "".join(head), [(h, "".join(body)) for h, body in out]


def page_text(page: str, parts: dict[str, str]) -> str:
    title, intro = TITLES[page]
    order = [h for h, p in PAGES.items() if p == page and h in parts]
    body = "".join(parts[h].rstrip("\n") + "\n\n" for h in order)
    return f"# {title}\n\n{intro} Start at the [front page](../README.md).\n\n{body}".rstrip("\n") + "\n"


def docs_list() -> str:
    lines = ["## Documentation", "", "Reference, per reader:", ""]
    for page, (title, intro) in TITLES.items():
        lines.append(f"- [{title}]({page}): {intro}")
    return "\n".join(lines) + "\n"


def main() -> int:
    root = Path.cwd()
    readme = root / FRONT
    if not readme.is_file() or not (root / "pyproject.toml").is_file():
        print("run from the repository root", file=sys.stderr)
        return 2
    before = readme.read_text(encoding="utf-8")
    head, readme_parts = sections(before)
    unknown = [h for h, _ in readme_parts if h not in PAGES]
    if unknown:
        print("README headings with no page in tools/split_readme.py PAGES (add them, then re-run):\n  "
              + "\n  ".join(unknown), file=sys.stderr)
        return 1
    pages: dict[str, dict[str, str]] = {p: {} for p in TITLES}
    for page in TITLES:  # what the pages already hold
        path = root / page
        if path.is_file():
            _, existing = sections(path.read_text(encoding="utf-8"))
            stray = [h for h, _ in existing if PAGES.get(h) != page]
            if stray:
                print(f"{page}: headings not mapped to this page: {', '.join(stray)}", file=sys.stderr)
                return 1
            pages[page].update(existing)
    front: dict[str, str] = {}
    for h, body in readme_parts:
        (front if PAGES[h] == FRONT else pages[PAGES[h]])[h] = body  # README's text wins: it is the newer edit
    front["Documentation"] = docs_list()
    front.setdefault("A five-minute tour", TOUR)
    (root / "docs").mkdir(exist_ok=True)
    for page, parts in pages.items():
        if parts:
            text = page_text(page, parts)
            for ref, link in CROSS_REFS:
                text = text.replace(ref, link)
            (root / page).write_text(text, encoding="utf-8")
    order = [h for h, p in PAGES.items() if p == FRONT and h in front]
    readme.write_text(head.rstrip("\n") + "\n\n" + "".join(front[h].rstrip("\n") + "\n\n" for h in order)
                      .rstrip("\n") + "\n", encoding="utf-8")
    point_schema_doc(root, pages)
    lost = missing_lines(before, root)
    if lost:
        print("lines of README found on no page (nothing was lost before? check by hand):\n  "
              + "\n  ".join(lost[:20]), file=sys.stderr)
        return 1
    print(f"README: {len(order)} sections; " + ", ".join(f"{p}: {len(s)}" for p, s in pages.items()))
    return 0


def missing_lines(before: str, root: Path) -> list[str]:
    """Lines of the old README that are on no page now (the generated reference and the texts
    this script rewrites excepted)."""
    now = set()
    for page in [FRONT, *TITLES]:
        if (root / page).is_file():
            now.update(line.strip() for line in (root / page).read_text(encoding="utf-8").splitlines())
    def patched(line: str) -> str:
        for ref, link in CROSS_REFS:
            line = line.replace(ref, link)
        return line

    return [line for line in (patched(raw.strip()) for raw in before.splitlines())
            if line and line not in now and "schema_doc" not in line and "README's" not in line]


def point_schema_doc(root: Path, pages: dict[str, dict[str, str]]) -> None:
    """The generated plan-workbook reference lives on the page that holds its markers."""
    target = next((p for p, parts in pages.items() if any(SCHEMA_START in b for b in parts.values())), None)
    if target is None:
        return
    for page in [FRONT, *TITLES]:
        path = root / page
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            new = text.replace("schema_doc README.md", f"schema_doc {target}").replace(
                "(this README's\nreference above is generated", f"(the reference in\n{target} is generated")
            if new != text:
                path.write_text(new, encoding="utf-8")
    for rel, old, new in [
        ("src/sheetplan/plan/schema_doc.py", '"README.md"', f'"{target}"'),
        ("src/sheetplan/plan/schema_doc.py", "schema_doc README.md", f"schema_doc {target}"),
        ("src/sheetplan/plan/schema_doc.py", "so README cannot drift", f"so {target} cannot drift"),
        ("tests/test_build.py", '/ "README.md")', f'/ "{target}")'),
        ("tests/test_build.py", "schema_doc README.md", f"schema_doc {target}"),
    ]:
        path = root / rel
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if old in text:
                path.write_text(text.replace(old, new), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
