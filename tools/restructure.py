"""Move the loose root modules of sheetplan into packages that show the architecture, and rewrite
every reference to them. Re-runnable: run from the repository root, as often as needed (after a
merge brought in code that still uses the old names, run it again).

    python tools/restructure.py            # move, rewrite, fix import order (ruff), report leftovers
    python tools/restructure.py --check    # only report references to old names (exit 1 if any)

What it does, in order:

1. ``git mv`` each old module (MOVES) to its new place unless already there; new packages get an
   ``__init__.py``. An old file that exists beside its new one (a merge re-created it) stops the
   script: merge the two by hand, then re-run.
2. Python imports in src/, tests/, bench/, tools/ are rewritten from their syntax tree: absolute and
   relative, lazy ones inside functions too; ``from sheetplan import batch as b`` becomes
   ``from sheetplan.batch import local as b`` (local names are kept, so code using them is unchanged).
   A relative import in a moved file is resolved where it was written (old place) or where it is
   (new place), whichever names an existing module; a file moved now has its
   ``Path(__file__).parents[N]`` shifted by the change of depth.
3. Text in every tracked text file: dotted names (``sheetplan.udfs``, monkeypatch targets like
   ``"sheetplan.batch._run"``, ``python -m sheetplan.cli_batch``, the module names written into the
   add-in's VBA and xlwings config), paths (``src/sheetplan/addin_doctor.py``), and
   ``__import__("sheetplan.udfs").udfs`` chains.
4. pyproject.toml: the package list, and the import-linter block between its BEGIN/END markers;
   the code map (the first code block under a "## Layout" heading in README.md or docs/development.md).
5. ``ruff check --select I --fix`` (import order after the rewrite), then a search for leftovers.

A bare ``sheetplan.batch`` in prose is left alone (after the move it names the batch package);
only imports of names from it and dotted attributes (``sheetplan.batch.run_batch``) are moved.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

# old module -> new module. A package moves with everything under it.
MOVES: dict[str, str] = {
    # the Excel side
    "sheetplan.udfs": "sheetplan.excel.udfs",
    "sheetplan.udfs_native": "sheetplan.excel.udfs_native",
    "sheetplan.ribbon": "sheetplan.excel.ribbon",
    "sheetplan.addin": "sheetplan.excel.addin",
    "sheetplan.addin_excel": "sheetplan.excel.install",
    "sheetplan.addin_doctor": "sheetplan.excel.doctor",
    "sheetplan.addin_texts": "sheetplan.excel.texts",
    "sheetplan.vba": "sheetplan.excel.vba",
    # the batch
    "sheetplan.batch": "sheetplan.batch.local",
    "sheetplan.batch_dask": "sheetplan.batch.dask",
    "sheetplan.batch_job": "sheetplan.batch.job",
    "sheetplan.cli_batch": "sheetplan.batch.cli",
    # publishing
    "sheetplan.exports": "sheetplan.publish.exports",
    "sheetplan.roster_edits": "sheetplan.publish.roster_edits",
    "sheetplan.roster_store": "sheetplan.publish.roster_store",
    # the empty plan and the example are written like any output workbook
    "sheetplan.plan.template": "sheetplan.render.template",
}

NEW_PACKAGES: dict[str, str] = {
    "sheetplan.excel": '"""The Excel side: the UDFs, the ribbon\'s Python callbacks, the add-in\'s build, install and\n'
                       'doctor, its texts, and the VBA project writer (vba/)."""\n',
    "sheetplan.batch": '"""Many plans at once: on this machine\'s processes (local) or a Dask cluster (dask), the\n'
                       'same build per plan (job), and the `sheetplan batch` command (cli)."""\n',
    "sheetplan.publish": '"""What a built plan is published as and read back from: calendar and CSV exports, the\n'
                         'roster store kept in a published workbook, and the check of hand edits made to it."""\n',
}

IMPORT_LINTER = '''# BEGIN import-linter (tools/restructure.py rewrites this block for the packaged layout)
[tool.importlinter]
root_package = "sheetplan"
exclude_type_checking_imports = true

[[tool.importlinter.contracts]]
id = "layers"
name = "entry points > Excel, batch > build > publish > pipeline, render > plan > calc > shared"
type = "layers"
layers = [
  "sheetplan.__main__",
  "sheetplan.cli",
  "sheetplan.api | sheetplan.excel | sheetplan.batch",
  "sheetplan.build",
  "sheetplan.publish",
  "sheetplan.pipeline | sheetplan.render",
  "sheetplan.result_frames",
  "sheetplan.plan",
  "sheetplan.calc",
  "sheetplan.messages : sheetplan.files",
  "sheetplan.i18n | sheetplan.version",
]

[[tool.importlinter.contracts]]
id = "acyclic"
name = "no import circles between the modules and packages of any one package"
type = "acyclic_siblings"
ancestors = ["sheetplan"]
# END import-linter
'''

SELF = {"tools/restructure.py", "tests/test_tools.py"}  # this script and its test hold old names on purpose
TEXT_SUFFIXES = {".py", ".md", ".toml", ".bas", ".cls", ".xml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".sh",
                 ".json", ".rst", ""}
DOTTED = re.compile(r"(?<![\w.])sheetplan(?:(?:\\\.|\.)\w+)+")  # also regex-escaped: sheetplan\.udfs
PATH = re.compile(r"(?<![\w.\-/])((?:src/)?sheetplan/)((?:\w+/)*\w+)(\.py\b|/)?")
DUNDER_IMPORT = re.compile(r"""__import__\((["'])(sheetplan(?:\.\w+)+)\1\)((?:\.\w+)+)""")


def parts(name: str) -> list[str]:
    return name.split(".")


def children_of(package: str) -> set[str]:
    """Submodule names a moved-into package has after the move (``sheetplan.batch`` -> local, dask, …)."""
    return {parts(new)[len(parts(package))] for new in MOVES.values() if new.startswith(package + ".")}


def map_module(name: str, bare_is_old: bool) -> str:
    """The new dotted name of ``name`` (a module, or a module followed by attributes).

    ``bare_is_old``: an old module that became a package of the same name (``sheetplan.batch``),
    named bare, means the old module (in an import) or is left alone (in prose)."""
    p = parts(name)
    best = None
    for old in MOVES:
        o = parts(old)
        if p[: len(o)] == o and (best is None or len(o) > len(parts(best))):
            best = old
    if best is None:
        return name
    new = MOVES[best]
    o = parts(best)
    if new.startswith(best + "."):  # module -> package of the same name
        if len(p) == len(o):
            return new if bare_is_old else name
        if p[len(o)] in children_of(best) or p[len(o)] == "__init__":
            return name  # already the package's submodule
    return ".".join(parts(new) + p[len(o):])


def module_path(root: Path, name: str) -> Path | None:
    base = root / "src" / Path(*parts(name))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def module_of(root: Path, path: Path) -> str | None:
    rel = path.relative_to(root)
    if rel.parts[:2] != ("src", "sheetplan"):
        return None
    p = list(rel.with_suffix("").parts[1:])
    return ".".join(p[:-1] if p[-1] == "__init__" else p)


# ----------------------------------------------------------------------------------------- 1. moves
def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True)


def move_files(root: Path) -> dict[str, str]:
    """``git mv`` what has not moved yet; returns new module -> old module for the files moved now."""
    moved_now: dict[str, str] = {}
    for old, new in MOVES.items():
        old_base, new_base = root / "src" / Path(*parts(old)), root / "src" / Path(*parts(new))
        old_file, new_file = old_base.with_suffix(".py"), new_base.with_suffix(".py")
        if old_base.is_dir() and not (new.startswith(old + ".")):  # a package moves whole
            if new_base.exists():
                raise SystemExit(f"both {old_base} and {new_base} exist: merge them by hand, then re-run")
            ensure_package(root, ".".join(parts(new)[:-1]))
            git(root, "mv", str(old_base), str(new_base))
            for f in new_base.rglob("*.py"):
                m = module_of(root, f)
                moved_now[m] = old + m[len(new):]
            continue
        if old_file.is_file():
            if new_file.exists():
                raise SystemExit(f"both {old_file} and {new_file} exist: merge them by hand, then re-run")
            ensure_package(root, ".".join(parts(new)[:-1]))
            git(root, "mv", str(old_file), str(new_file))
            moved_now[new] = old
    return moved_now


def ensure_package(root: Path, package: str) -> None:
    init = root / "src" / Path(*parts(package)) / "__init__.py"
    if not init.exists():
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text(NEW_PACKAGES.get(package, '"""(package)"""\n'), encoding="utf-8")
        git(root, "add", str(init))


# -------------------------------------------------------------------------------------- 2. imports
def resolve(package: str, level: int, module: str | None) -> str:
    p = parts(package)
    if level > 1:
        p = p[: len(p) - (level - 1)]
    return ".".join(p + (parts(module) if module else []))


def relative(from_package: str, target: str) -> tuple[int, str]:
    """``from <dots><rest>`` naming ``target`` from inside ``from_package``."""
    a, b = parts(from_package), parts(target)
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return len(a) - common + 1, ".".join(b[common:])


def exists(root: Path, name: str) -> bool:
    return module_path(root, name) is not None


def is_module(root: Path, name: str) -> bool:
    """A module now, or an old name whose new place is a module."""
    return exists(root, name) or (map_module(name, True) != name and exists(root, map_module(name, True)))


def rewrite_imports(root: Path, path: Path, moved_now: dict[str, str]) -> bool:
    src = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return False
    me = module_of(root, path)
    my_package = None
    if me is not None:
        my_package = me if path.name == "__init__.py" else ".".join(parts(me)[:-1])
        old_me = moved_now.get(me)
        old_package = None if old_me is None else ".".join(parts(old_me)[:-1])
    lines = src.splitlines(keepends=True)
    edits: list[tuple[int, int, int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level and my_package is None:
                continue  # tests' own relative imports
            if node.level:
                # where was it written? a file moved in this run was written at its old place
                tries = [old_package, my_package] if old_package else [my_package]
                tries += [t for t in (moved_package_candidates(me, moved_now)) if t not in tries]
                base = None
                for t in tries:
                    if t is None:
                        continue
                    b = resolve(t, node.level, node.module)
                    if exists(root, b) or map_module(b, True) != b or any(
                            is_module(root, f"{b}.{a.name}") for a in node.names):
                        base = b
                        break
                if base is None:
                    continue
            else:
                base = node.module or ""
                if not base.startswith("sheetplan"):
                    continue
            groups: dict[str, list[str]] = {}
            for a in node.names:
                full = f"{base}.{a.name}"
                if a.name != "*" and is_module(root, full):
                    new_full = map_module(full, True)
                    new_from, name = ".".join(parts(new_full)[:-1]), parts(new_full)[-1]
                    local = a.asname or a.name
                    alias = name if local == name else f"{name} as {local}"
                else:
                    new_from = map_module(base, True)
                    alias = a.name if a.asname is None else f"{a.name} as {a.asname}"
                groups.setdefault(new_from, []).append(alias)
            unchanged = list(groups) == [base] and (
                not node.level or resolve(my_package, node.level, node.module) == base)
            if unchanged:
                continue
            stmts = []
            for new_from, aliases in groups.items():
                if node.level:
                    level, rest = relative(my_package, new_from)
                    head = "." * level + rest
                else:
                    head = new_from
                stmts.append(f"from {head} import {', '.join(aliases)}")
            edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset,
                          ("\n" + " " * node.col_offset).join(stmts)))
        elif isinstance(node, ast.Import):
            names = []
            changed = False
            for a in node.names:
                new = map_module(a.name, True) if a.name.startswith("sheetplan.") else a.name
                changed |= new != a.name
                names.append(new if a.asname is None else f"{new} as {a.asname}")
            if changed:
                edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset,
                              f"import {', '.join(names)}"))
    if not edits:
        return False
    for lineno, col, end_lineno, end_col, text in sorted(edits, reverse=True):
        first, last = lines[lineno - 1], lines[end_lineno - 1]
        lines[lineno - 1: end_lineno] = [first[:col] + text + last[end_col:]]
    path.write_text("".join(lines), encoding="utf-8")
    return True


FILE_PARENTS = re.compile(r"(Path\(__file__\)(?:\.resolve\(\))?)\.(?:parents\[(\d+)\]|parent\b)")


def shift_file_paths(path: Path, old: str, new: str) -> None:
    """A moved file's ``Path(__file__)....parents[N]`` / ``.parent`` still name the same folders."""
    delta = len(parts(new)) - len(parts(old))
    if delta == 0:
        return
    text = path.read_text(encoding="utf-8")

    def shift(m: re.Match) -> str:
        n = int(m.group(2)) if m.group(2) is not None else 0
        return f"{m.group(1)}.parents[{n + delta}]"

    new_text = FILE_PARENTS.sub(shift, text)
    if new_text != text:
        path.write_text(new_text, encoding="utf-8")


def moved_package_candidates(me: str | None, moved_now: dict[str, str]) -> list[str]:
    """A file moved in an earlier run but edited on an old branch: its imports may still be old-relative."""
    if me is None:
        return []
    for old, new in MOVES.items():
        if me == new or me.startswith(new + "."):
            old_me = old + me[len(new):]
            return [".".join(parts(old_me)[:-1])]
    return []


# ----------------------------------------------------------------------------------------- 3. text
def rewrite_text(text: str, python: bool) -> str:
    def dunder(m: re.Match) -> str:
        old, chain = m.group(2), m.group(3)
        new = map_module(old, True)
        old_tail, new_tail = "." + ".".join(parts(old)[1:]), "." + ".".join(parts(new)[1:])
        if new != old and chain.startswith(old_tail):
            chain = new_tail + chain[len(old_tail):]
        return f"__import__({m.group(1)}{new}{m.group(1)}){chain}"

    if python:
        text = DUNDER_IMPORT.sub(dunder, text)
    def dotted(m: re.Match) -> str:
        token = m.group(0)
        escaped = "\\." in token
        new = map_module(token.replace("\\.", "."), False)
        return new.replace(".", "\\.") if escaped else new

    text = DOTTED.sub(dotted, text)

    def path(m: re.Match) -> str:
        prefix, rest, suffix = m.group(1), m.group(2), m.group(3) or ""
        name = "sheetplan." + rest.replace("/", ".")
        new = map_module(name, suffix == ".py")
        if new == name:
            return m.group(0)
        return prefix + "/".join(parts(new)[1:]) + suffix

    return PATH.sub(path, text)


def tracked_files(root: Path) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True).stdout
    files = [root / p for p in out.decode().split("\0") if p]
    return [f for f in files if f.is_file() and f.relative_to(root).as_posix() not in SELF
            and f.suffix.lower() in TEXT_SUFFIXES and not f.relative_to(root).as_posix().startswith("tests/data/")]


def rewrite_pyproject(root: Path) -> None:
    path = root / "pyproject.toml"
    s = path.read_text(encoding="utf-8")
    m = re.search(r"^packages = \[(.*?)\]", s, re.S | re.M)
    if m:
        listed = re.findall(r'"([\w.]+)"', m.group(1))
        for pkg in ["sheetplan.excel", "sheetplan.excel.vba", "sheetplan.batch", "sheetplan.publish"]:
            if pkg not in listed:
                listed.append(pkg)
        rows, row = [], ""
        for item in (f'"{p}"' for p in listed):
            if row and len(row) + len(item) > 90:
                rows.append(row)
                row = ""
            row += (", " if row else "") + item
        body = ",\n            ".join([*rows, row])
        s = s[: m.start(1)] + body + s[m.end(1):]
    s = re.sub(r"^# BEGIN import-linter.*?^# END import-linter\n", lambda _: IMPORT_LINTER, s, flags=re.S | re.M)
    path.write_text(s, encoding="utf-8")

# the code map under README's (or docs/development.md's) "## Layout" heading: its first fenced block
LAYOUT = """```
src/sheetplan/
  cli.py, __main__.py  the `sheetplan` command      api.py  the Python API (exported from the package)
  pipeline.py  Plan -> every number and every warning (build, check, ribbon, API, SP_ROSTER call it)
  build.py     Results -> every output workbook, as one all-or-nothing set
  result_frames.py  Results as DataFrames          version.py  the version, for every layer
  files.py     safe file names, output sets swapped in whole, folder locks, regular-file checks
  messages.py  input messages zh/en                i18n.py  the one bilingual lookup
  excel/     the Excel side: udfs (xlwings UDFs over calc/), udfs_native (Excel 365, native
             spills), ribbon (ribbon callbacks), addin (builds the .xlam), install (Excel compiles
             and installs the add-in, COM), doctor (`addin doctor`), texts (the add-in's zh/en
             texts), vba/ (the VBA project writer; anatomy reads one back field by field)
  batch/     `sheetplan batch`: local (processes on this machine), dask (a Dask cluster), job (one
             plan's build, shared by both), cli (the command)
  publish/   exports (calendars .ics, attendance CSVs), roster_store (the hidden roster data),
             roster_edits (an edited roster read back: check-roster, --keep-edits, the change log)
  render/    book (deterministic writer, safe sheet names), formula (planner text in formulas:
             escaped, one place), styles, labels (zh/en), refs, places, template (the empty plan
             and the example), one module per sheet kind: summary, checks, calendar, duties,
             warehouse, shares, service, roster, schedules (个人排班, 每日值班表), labour, changes
             (改动记录), products
  plan/      schema (sheets, columns, aliases), reader/validator, table (one table from values:
             headers + typed cells, shared by the reader, SP_ROSTER and scripts), source (file
             sniffing), cells (typed input), problems, products_reader (python-calamine),
             requirements (who needs whom where), to_roster / to_service (plan -> calculator
             inputs), day_rules (per-person and per-shift roster rules, wishes), contacts, stamp,
             from_tables (SP_ROSTER's three tables), frames (the plan as DataFrames), example
             (+ example_en), schema_doc (the generated plan-workbook reference)
  calc/      pure calculators: warehouse, shares, outreach, calendar, rounding, service
             (Erlang C), profiles, shifts, campaign_service, duty_demand, roster (+_model, _rules,
             _greedy, _explain, _day_explain), roster_audit, department_roster, labour, products —
             no Excel library, no I/O
  Layers, top to bottom (pyproject.toml's import-linter contracts, tests/test_architecture.py):
  cli > api | excel | batch > build > publish > pipeline | render > plan > calc > messages,
  files > i18n, version; no import circles.
addin/ macros/   the ribbon definition and VBA sources of the add-in (shipped inside the wheel)
workbooks/       the plan templates (zh, en) and the worked example
bench/           benchmarks (`make bench` -> bench/RESULTS.md); nrp.py loads the Curtois & Qu instances
tools/           system-deps.sh; restructure.py and split_readme.py (re-runnable moves)
tests/           unit, property (hypothesis), LibreOffice recalculation/rendering, add-in,
                 ribbon, roster checker, requirements (renamed and English plans), robustness
                 corpus and attacks (test_no_way_in), architecture (layers, no circles)
```"""


def rewrite_layout(root: Path) -> None:
    for rel in ("README.md", "docs/development.md"):
        path = root / rel
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        m = re.search(r"^## Layout\n\n```\n.*?\n```", text, re.S | re.M)
        if m:
            path.write_text(text[: m.start()] + "## Layout\n\n" + LAYOUT + text[m.end():], encoding="utf-8")


# ------------------------------------------------------------------------------------------ 5. check
def leftovers(root: Path) -> list[str]:
    """References to old names still in the tree (file:line: text)."""
    found = []
    for f in tracked_files(root):
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for i, line in enumerate(text.splitlines(), 1):
            if rewrite_text(line, f.suffix == ".py") != line:
                found.append(f"{f.relative_to(root)}:{i}: {line.strip()[:120]}")
    for old, new in MOVES.items():
        old_base = root / "src" / Path(*parts(old))
        if old_base.with_suffix(".py").is_file() or (old_base.is_dir() and not new.startswith(old + ".")):
            found.append(f"{old_base.relative_to(root)}: not moved")
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report references to old module names")
    args = ap.parse_args()
    root = Path.cwd()
    if not (root / "src" / "sheetplan" / "__init__.py").is_file() or not (root / "pyproject.toml").is_file():
        print("run from the repository root (src/sheetplan, pyproject.toml)", file=sys.stderr)
        return 2
    if args.check:
        left = leftovers(root)
        print("\n".join(left) or "no references to old module names")
        return 1 if left else 0
    moved_now = move_files(root)
    for new_name, old_name in moved_now.items():
        shift_file_paths(module_path(root, new_name), old_name, new_name)
    for package in NEW_PACKAGES:
        if (root / "src" / Path(*parts(package))).is_dir():
            ensure_package(root, package)
    changed = []
    for f in tracked_files(root) + [p for p in (root / "src").rglob("*.py")]:
        if f.suffix == ".py" and f.relative_to(root).as_posix() not in SELF and \
                f.relative_to(root).parts[0] in ("src", "tests", "bench", "tools") and \
                rewrite_imports(root, f, moved_now):
            changed.append(f)
    for f in sorted(set(tracked_files(root))):
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite_text(text, f.suffix == ".py")
        if new != text:
            f.write_text(new, encoding="utf-8")
            changed.append(f)
    rewrite_pyproject(root)
    rewrite_layout(root)
    ruff = [sys.executable, "-m", "ruff"]
    if subprocess.run([*ruff, "--version"], capture_output=True).returncode != 0:
        ruff = ["ruff"]
    subprocess.run([*ruff, "check", "--select", "I", "--fix", "-q", "src", "tests", "bench", "tools"], cwd=root)
    print(f"moved {len(moved_now)} modules, rewrote {len(set(changed))} files")
    left = leftovers(root)
    if left:
        print("references to old names left (fix by hand or extend MOVES):\n" + "\n".join(left))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
