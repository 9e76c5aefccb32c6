"""No way in, nothing lost (issue 11): planner text never becomes formula code, output names never
collide or spoof, output sets are replaced whole or not at all, and every read and solve is bounded."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from plan_edit import append, edited, rename, set_setting
from sheetplan.batch import local as batch_mod
from sheetplan.batch.local import Job, Outcome, load_manifest, run_batch
from sheetplan.build import build_file, plan_files
from sheetplan.files import OutputError, file_name, folder_lock, recover
from sheetplan.plan.reader import read_plan
from sheetplan.render.template import write_example

from .conftest import MID_SET, sha
from .test_batch import variants

# Planner text built to break out of a formula: a closing quote, a DDE payload, wildcards.
HOSTILE_POST = 'X")+cmd|\' -C calc\'!A0+("'
HOSTILE_CODE = "*"
HOSTILE_DEPT = "运'营\"部*"
HOSTILE_CATEGORY = '配件")&"x'


BOOKKEEPING = {".sheetplan.lock", ".sheetplan-outputs.json"}  # the folder's lock and its record of our outputs


def visible(folder: Path) -> list[Path]:
    """What a planner sees in an output folder: everything but our two hidden bookkeeping files."""
    return [p for p in folder.iterdir() if p.name not in BOOKKEEPING]


def formula_code(formula: str) -> str:
    """A formula with its string literals and quoted sheet names taken out: what Excel executes."""
    out, i, n = [], 0, len(formula)
    while i < n:
        ch = formula[i]
        if ch in "\"'":
            j = i + 1
            while True:
                j = formula.index(ch, j)  # ValueError: an unterminated literal is itself a finding
                if j + 1 < n and formula[j + 1] == ch:
                    j += 2
                    continue
                break
            out.append(" " if ch == '"' else "S")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


SAFE_CODE = re.compile(r"^=[A-Z0-9_.$:!,()+\-*/<>=&%^ S]*$")


def unsafe_formulas(paths: list[Path]) -> list[str]:
    """Every formula whose executable part holds anything but functions, references, numbers
    and operators (so planner text can only be inside a literal or a quoted sheet name)."""
    bad = []
    for path in paths:
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                        try:
                            code = formula_code(str(c.value))
                        except ValueError:
                            bad.append(f"{path.name} {ws.title}!{c.coordinate}: unterminated {c.value}")
                            continue
                        if not SAFE_CODE.match(code.replace("_xlfn.", "")):  # Excel's prefix for 2010+ functions
                            bad.append(f"{path.name} {ws.title}!{c.coordinate}: {c.value}")
    return bad


@pytest.fixture(scope="module")
def hostile_plan(fast_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        rename(wb, {"售前": HOSTILE_POST, "早": HOSTILE_CODE, "运营部": HOSTILE_DEPT, "配件": HOSTILE_CATEGORY})
        set_setting(wb, "活动名称", "A&B 店 &P&72 双十一")

    return edited(fast_plan, tmp_path_factory.mktemp("hostile") / "hostile.xlsx", change)


@pytest.fixture(scope="module")
def hostile_outputs(hostile_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_file(hostile_plan, tmp_path_factory.mktemp("hostile-out"))


# ----------------------------------------------------------------------------- 1. formula injection
def test_planner_text_is_never_formula_code(hostile_outputs: list[Path], demo_outputs: list[Path]) -> None:
    assert unsafe_formulas(hostile_outputs) == []
    assert unsafe_formulas(demo_outputs) == []
    texts = [c.value for p in hostile_outputs for ws in openpyxl.load_workbook(p).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(HOSTILE_POST in t for t in texts)  # the post is still there, as text


def test_the_scan_catches_a_spliced_name() -> None:
    assert formula_code('=COUNTIF(A1:A9,"a""b*")+\'x\'\'y\'!B2') == "=COUNTIF(A1:A9, )+S!B2"
    assert SAFE_CODE.match(formula_code('=SUMPRODUCT((A1:A9="售前")*1)'))
    assert not SAFE_CODE.match(formula_code('=COUNTIF(A1:A9,"X")+cmd|\'/Ccalc\'!A0+("")'))


@pytest.mark.libreoffice
def test_hostile_workbooks_recalculate_to_their_cached_values(hostile_outputs: list[Path], tmp_path: Path) -> None:
    """Wildcards and quotes escaped: LibreOffice computes what sheetplan cached (a raw '*' code
    would count every cell: 104 hours recalculated where 56 were cached)."""
    from test_libreoffice import mismatches

    for path in hostile_outputs[:2]:  # the plan output holds every roster; the first department too
        n, bad = mismatches(path, tmp_path / path.stem)
        assert n > 100 and bad == [], bad[:5]


def test_ampersands_in_the_campaign_name_are_not_page_codes(hostile_outputs: list[Path]) -> None:
    """'&' starts a header/footer code (&P page, &72 font size): the name's own become '＆'."""
    with zipfile.ZipFile(hostile_outputs[0]) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml).group(1)
    assert footer.startswith("&amp;LA＆B 店 ＆P＆72 双十一&amp;C")


# ----------------------------------------------------------------------------- 2. output names
def test_output_names_never_collide_or_spoof(fast_plan: Path, tmp_path: Path) -> None:
    names = {"运营部": "总表", "商品部": "A/B", "美编部": "A:B", "推广部": "A?B", "客服部": "Ops",
             "仓储物流部": "\u202eexe.xlsx仓配"}

    def change(wb: openpyxl.Workbook) -> None:
        rename(wb, names)

    plan = read_plan(edited(fast_plan, tmp_path / "p.xlsx", change))
    files = plan_files("p", plan)
    all_names = [files.main, *files.per.values()]
    assert len({n.casefold() for n in all_names}) == len(all_names) == 7
    assert files.main == "p-总表.xlsx" and files.per["总表"] == "p-总表-2.xlsx"
    assert files.per["A/B"] == "p-A_B.xlsx" and files.per["A:B"] == "p-A_B-2.xlsx"
    assert files.per["A?B"] == "p-A_B-3.xlsx"  # ('Ops' beside 'OPS' is refused earlier: one name to Excel)
    assert "exe.xlsx仓配" in files.per and files.per["exe.xlsx仓配"] == "p-exe.xlsx仓配.xlsx"  # no bidi trick
    long = file_name("计" * 100, "仓储物流部")  # a plan file with a very long name
    assert len(long.encode()) <= 180 and re.search(r"^计+~[0-9a-f]{8}-仓储物流部\.xlsx$", long)
    assert [p.where for p in files.problems] == ["部门!A2", "部门!A4", "部门!A5"]
    written = build_file(tmp_path / "p.xlsx", tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(all_names)
    assert sorted(p.name for p in visible(tmp_path / "out")) == sorted(all_names)
    sheets = openpyxl.load_workbook(written[0], read_only=True).sheetnames
    assert "排班-A_B" in sheets and "排班-A_B~2" in sheets and all(len(s) <= 31 for s in sheets)


# ----------------------------------------------------------------------------- 3. all or nothing
def _fail_mid_set(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    from sheetplan.render import book as book_mod

    real = book_mod.Book.close

    def close(self: book_mod.Book) -> Path:
        if MID_SET in self.target.name:
            self.wb.close()
            raise error
        return real(self)

    monkeypatch.setattr(book_mod.Book, "close", close)


def test_disk_full_mid_set_keeps_the_previous_set(fast_plan: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = build_file(fast_plan, tmp_path)
    old = {p.name: sha(p) for p in first}
    _fail_mid_set(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError) as e:
        build_file(fast_plan, tmp_path)
    assert "磁盘已满" in str(e.value) and "原有文件未改动" in str(e.value)
    assert {p.name: sha(p) for p in visible(tmp_path)} == old  # the previous set, nothing else
    assert not [p.name for p in tmp_path.iterdir() if p.name not in BOOKKEEPING and p.name.startswith(".")]


def test_an_output_that_cannot_be_replaced_keeps_the_previous_set(
    fast_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_file(fast_plan, tmp_path)
    old = {p.name: sha(p) for p in first}
    real = os.replace

    def replace(src: object, dst: object) -> None:
        if str(dst).endswith("-客服部.xlsx") and ".tmp." in str(src):  # 'open in Excel' on Windows
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as e:
        build_file(fast_plan, tmp_path)
    assert "Excel" in str(e.value)
    assert {p.name: sha(p) for p in first} == old
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in BOOKKEEPING) == sorted(old)


def test_cli_says_why_in_one_line(fast_plan: Path, tmp_path: Path) -> None:
    code = (
        "import errno, sys\n"
        "from sheetplan.render import book\n"
        "real = book.Book.close\n"
        "def close(self):\n"
        f"    if {MID_SET!r} in self.target.name:\n"
        "        raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "    return real(self)\n"
        "book.Book.close = close\n"
        "from sheetplan.cli import main\n"
        f"sys.argv = ['sheetplan', 'build', {str(fast_plan)!r}, '-o', {str(tmp_path / 'out')!r}]\n"
        "main()\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert [line for line in res.stderr.splitlines() if "磁盘已满" in line], res.stderr
    out = tmp_path / "out"  # made only when something is written: nothing was, so no folder either
    assert not out.exists() or not [p for p in out.iterdir() if p.name not in BOOKKEEPING]


def test_kill_9_mid_swap_then_the_next_writer_restores_the_previous_set(fast_plan: Path, tmp_path: Path) -> None:
    first = build_file(fast_plan, tmp_path / "out")
    old = {p.name: sha(p) for p in first}
    wb = openpyxl.load_workbook(fast_plan)
    wb["库存"]["B2"] = 4321
    changed = tmp_path / fast_plan.name
    wb.save(changed)
    code = (
        "import os, signal\n"
        "real = os.replace\n"
        "n = [0]\n"
        "def replace(a, b):\n"
        "    real(a, b)\n"
        "    n[0] += 1\n"
        "    if n[0] == 5:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.replace = replace\n"
        "from sheetplan.build import build_file\n"
        f"build_file({str(changed)!r}, {str(tmp_path / 'out')!r})\n"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == -9
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert any(n.startswith(".sheetplan-commit.") for n in left)  # the journal of the killed swap
    with folder_lock(tmp_path / "out"):
        done = recover(tmp_path / "out")
    assert done and {p.name: sha(p) for p in (tmp_path / "out").iterdir() if p.name not in BOOKKEEPING} == old


def test_a_killed_batch_never_leaves_a_plan_looking_unchanged(
    small_example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    (plan,) = variants(small_example, src, 1)
    v1 = plan.read_bytes()
    assert [o.status for o in run_batch(src, out, progress=False).outcomes] == ["built"]
    wb = openpyxl.load_workbook(plan)
    wb["库存"]["B2"] = 555
    wb.save(plan)

    def killed(*a: object, **k: object) -> None:
        raise KeyboardInterrupt  # the batch dies while building v2

    monkeypatch.setattr(batch_mod, "_run", killed)
    with pytest.raises(KeyboardInterrupt):
        run_batch(src, out, progress=False)
    assert load_manifest(out) == {}  # forgotten before the rebuild started
    monkeypatch.undo()
    plan.write_bytes(v1)  # the planner reverts
    assert [o.status for o in run_batch(src, out, progress=False).outcomes] == ["built"]


def test_batch_cleans_what_a_killed_run_left_and_refuses_a_second_batch(
    small_example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variants(small_example, src, 2, per_folder=1)
    (out / "shop00").mkdir(parents=True)
    stray = out / "shop00" / ".plan-0-总表.xlsx.deadbeef.tmp.xlsx"
    stray.write_bytes(b"half")
    report = run_batch(src, out, progress=False)
    assert report.exit_code == 0 and not stray.exists()
    assert any("deleted" in n for n in report.notes)

    monkeypatch.setattr(batch_mod, "LOCK_WAIT_S", 0.2)
    with folder_lock(out, kind="batch"):
        busy = run_batch(src, out, progress=False, force=True)
    assert busy.exit_code == 2 and busy.outcomes == [] and "another sheetplan batch" in busy.errors[0]


def test_a_manifest_that_cannot_be_saved_is_a_summary_line(small_example: Path, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variants(small_example, src, 1)
    (out / batch_mod.MANIFEST).mkdir(parents=True)  # a folder where the manifest file goes
    res = subprocess.run([sys.executable, "-m", "sheetplan", "batch", str(src), "-o", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr + res.stdout
    assert "cannot save the manifest" in res.stdout


def test_no_output_lands_outside_the_output_folder(small_example: Path, tmp_path: Path) -> None:
    src, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    variants(small_example, src, 1)
    elsewhere.mkdir()
    out.mkdir()
    (out / "shop00").symlink_to(elsewhere, target_is_directory=True)
    report = run_batch(src, out, progress=False)
    assert [o.status for o in report.outcomes] == ["failed"] and "outside" in report.outcomes[0].reason
    assert list(elsewhere.iterdir()) == []


# ----------------------------------------------------------------------------- 4. bounded work
def test_fifos_and_devices_in_the_batch_folder_are_refused_not_opened(small_example: Path, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variants(small_example, src, 1)
    os.mkfifo(src / "shop00" / "fifo.xlsx")
    (src / "shop00" / "zero.xlsx").symlink_to("/dev/zero")
    report = run_batch(src, out, progress=False, timeout=60)
    status = {o.rel: (o.status, o.reason) for o in report.outcomes}
    assert status["shop00/plan-0.xlsx"][0] == "built"
    for name in ("fifo.xlsx", "zero.xlsx"):
        assert status[f"shop00/{name}"][0] == "failed" and "regular" in status[f"shop00/{name}"][1]


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as f:
        f.truncate(2 * 2**30)  # 2 GB of nothing (sparse): 'not a zip' must not cost 2 GB of memory
    code = (
        "import sys\n"
        "from sheetplan.plan.reader import check_plan\n"
        f"_, p = check_plan({str(big)!r})\n"
        "print(p[0].message)\n"
        "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))\n"
    )  # VmHWM, not ru_maxrss: Linux carries the parent's peak (pytest's) into the child's maxrss across exec
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    message, rss_kb = res.stdout.splitlines()
    assert "big.xlsx" in message and int(rss_kb) < 400_000


def _sleepy(job: Job, root: Path) -> Outcome:
    """Stands in for build_one: 'slow' plans never finish."""
    if "slow" in job.rel:
        time.sleep(600)
    return Outcome(job.rel, "built", outputs=(f"{job.rel}.out",), sha256="x")


def test_a_plan_over_its_time_limit_is_stopped_and_reported(tmp_path: Path) -> None:
    jobs = [Job(tmp_path / n, n, tmp_path, frozenset()) for n in ("a.xlsx", "slow.xlsx", "b.xlsx")]
    got: dict[str, Outcome] = {}
    t0 = time.monotonic()
    batch_mod._run(jobs, tmp_path, 2, lambda o: got.__setitem__(o.rel, o), work=_sleepy, timeout=2)
    assert time.monotonic() - t0 < 120  # a hang guard, not a speed assertion
    assert {n: o.status for n, o in got.items()} == {"a.xlsx": "built", "slow.xlsx": "failed", "b.xlsx": "built"}
    assert "timed out after 2 s" in got["slow.xlsx"].reason


def test_udfs_refuse_unbounded_work() -> None:
    from sheetplan.excel import udfs

    assert udfs.SP_AGENTS([[100.0]], 180, 0.8, 20, 60, 1, 1e-9).startswith("#SP! max_occupancy")
    assert udfs.SP_SHIFT_PLAN([[1.0]] * 35_000, 8, 15).startswith("#SP! requirement: more than 5000")
    assert udfs.SP_AGENTS([[1.0]] * 20_000, 180, 0.8, 20).startswith("#SP! arrivals: more than 10000")


# ----------------------------------------------------------------------------- 6. also
def test_a_totals_row_and_hidden_rows_are_named(fast_plan: Path, tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        append(wb["库存"], {"类目": "合计", "件数": 35000, "折后金额": 10_000_000})
        wb["人员"].row_dimensions[3].hidden = True

    plan = read_plan(edited(fast_plan, tmp_path / "p.xlsx", change))
    assert sum(r.quantity for r in plan.inventory) == 35000  # not doubled
    found = [str(p) for p in plan.warnings]
    assert any(w.startswith("库存!A10: 「合计」看似合计行") for w in found), found
    assert any(w.startswith("人员!A3: 第 3 行") for w in found), found


def test_a_department_too_big_for_one_roster_is_skipped_with_a_warning(
    fast_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheetplan import pipeline as compute_mod

    monkeypatch.setattr(compute_mod, "MAX_ROSTER_PEOPLE", 10)
    plan = read_plan(fast_plan)
    results = compute_mod.compute(plan)
    counts = {d: sum(p.department == d for p in plan.staff) for d in {p.department for p in plan.staff}}
    big = {d for d, n in counts.items() if n > 10}
    assert big and not big & {r.department for r in results.rosters}
    assert any("单个值班表最多 10 人" in p.message for p in results.problems)


# ----------------------------------------------------------------------------- second round (red team)
def test_a_planted_journal_touches_nothing_outside_our_own_files(fast_plan: Path, tmp_path: Path) -> None:
    out, victim, other = tmp_path / "out", tmp_path / "victim.txt", tmp_path / "victim2.txt"
    out.mkdir()
    victim.write_text("precious")
    other.write_text("secret")
    notes = out / ".notes.bak"
    notes.write_text("the planner's own")
    (out / ".sheetplan-commit.evil.json").write_text(json.dumps({"state": "swapping", "files": [
        {"target": str(victim), "temp": "nope", "backup": "nope.bak", "had_old": False},
        {"target": "../stolen.txt", "temp": "nope", "backup": str(other), "had_old": True}]}))
    (out / ".sheetplan-commit.deadbeef.json").write_text(json.dumps({"state": "swapping", "files": [
        {"target": "../x.xlsx", "temp": "../.x.xlsx.deadbeef.tmp.xlsx", "backup": "../.x.xlsx.deadbeef.bak",
         "had_old": True}]}))
    build_file(fast_plan, out)
    assert victim.read_text() == "precious" and other.read_text() == "secret"
    assert not (tmp_path / "stolen.txt").exists() and notes.read_text() == "the planner's own"


@pytest.mark.parametrize(("mapping", "where"), [
    ({"早": "A", "中": "a"}, "班次!A3"),
    ({"售前": "Chat", "催单": "chat"}, "人员!C2"),
    ({"运营部": "Duty", "推广部": "DUTY"}, "部门!A5"),
])
def test_names_that_differ_only_in_case_are_refused(fast_plan: Path, tmp_path: Path, mapping: dict,
                                                     where: str) -> None:
    """COUNTIF and '=' ignore case in Excel, WPS and LibreOffice: 'A' and 'a' would count together."""
    from sheetplan.plan.reader import check_plan

    _, problems = check_plan(edited(fast_plan, tmp_path / "p.xlsx", lambda wb: rename(wb, mapping)))
    errors = [str(p) for p in problems if p.severity == "error"]
    assert any(e.startswith(f"{where}: ") and "只有大小写不同" in e for e in errors), errors


def test_names_are_bounded_and_their_whitespace_is_one_space(fast_plan: Path, tmp_path: Path) -> None:
    from sheetplan.plan.reader import check_plan

    plan = read_plan(edited(fast_plan, tmp_path / "ws.xlsx", lambda wb: rename(wb, {"运营部": "运营\n\t部"})))
    assert "运营 部" in [d.department for d in plan.departments]
    _, problems = check_plan(edited(fast_plan, tmp_path / "long.xlsx", lambda wb: rename(wb, {"售前": "售" * 300})))
    assert any("过长" in p.message for p in problems if p.severity == "error")
    wb = openpyxl.load_workbook(fast_plan)
    wb["阶段"]["B2"] = "1900-02-01"
    wb.save(tmp_path / "d.xlsx")
    _, problems = check_plan(tmp_path / "d.xlsx")
    assert any(str(p).startswith("阶段!B2: ") and "1900-03-01" in p.message for p in problems)


def test_sheet_names_fit_excel_after_cutting() -> None:
    from sheetplan.render.book import sheet_name

    apostrophe = sheet_name("排班-" + "a" * 27 + "'" + "bbb")
    emoji = sheet_name("排班-" + "😀" * 40)
    for name in (apostrophe, emoji):
        assert not name.startswith("'") and not name.endswith("'")
        assert len(name.encode("utf-16-le")) // 2 <= 31
    assert sheet_name("x", {"x"}) == "x~2"


def test_a_p_and_g_footer_keeps_its_page_numbers(fast_plan: Path, tmp_path: Path) -> None:
    out = build_file(edited(fast_plan, tmp_path / "p.xlsx", lambda wb: set_setting(wb, "活动名称", "P&G 官方旗舰店")),
                     tmp_path / "out")
    with zipfile.ZipFile(out[0]) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "P＆G 官方旗舰店" in xml and "&amp;P" in xml


def test_batch_compares_names_as_the_files_will_be(small_example: Path, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a b.xlsx").write_bytes(small_example.read_bytes())
    first = run_batch(src, out, progress=False)
    assert [o.status for o in first.outcomes] == ["built"]
    wb = openpyxl.load_workbook(small_example)
    wb["库存"]["B2"] = 4242
    wb.save(src / "a_b.xlsx")
    second = run_batch(src, out, progress=False)
    status = {o.rel: (o.status, o.reason) for o in second.outcomes}
    assert status["a b.xlsx"][0] == "unchanged"
    assert status["a_b.xlsx"][0] == "failed" and "a b.xlsx" in status["a_b.xlsx"][1]


def test_a_rebuild_removes_what_it_no_longer_writes_but_nothing_else(fast_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_file(fast_plan, out)
    (out / "my notes.xlsx").write_bytes(b"the planner's")
    renamed = edited(fast_plan, tmp_path / fast_plan.name, lambda wb: rename(wb, {"运营部": "运营中心"}))
    second = build_file(renamed, out)
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted([*(p.name for p in second), "my notes.xlsx"])
    assert f"{fast_plan.stem}-运营部.xlsx" in [p.name for p in first]


def test_a_writer_with_another_temporary_folder_still_waits(fast_plan: Path, tmp_path: Path) -> None:
    from sheetplan.files import OutputSet

    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out), pytest.raises(OutputError, match="another sheetplan"), OutputSet(
        out, ["x.xlsx"], lock_timeout=0.2
    ):
        pass


def _children(pid: int) -> list[int]:
    res = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in res.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        return "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and ps --ppid (Linux)")
@pytest.mark.parametrize("after_s", [0.0, 3.0], ids=["while-starting", "mid-plan"])
def test_workers_die_with_a_killed_batch(tmp_path: Path, after_s: float) -> None:
    """kill -9 of `sheetplan batch`: its workers must not build on, unlocked (issue 24). Killed the
    moment its workers exist (they are still starting: the plans already wait in their pipe) or
    seconds later (they are mid-plan). Waits for the event, not for a fixed time."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(4):
        write_example(src / f"plan-{i}.xlsx")  # rosters: seconds of work each
    proc = subprocess.Popen([sys.executable, "-m", "sheetplan", "batch", str(src), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120  # a hang guard, not a speed assertion
    children: list[int] = []
    while time.monotonic() < deadline and len(children) < 3:  # two workers and the resource tracker
        time.sleep(0.05)
        children = _children(proc.pid)
    time.sleep(after_s)
    children = sorted(set(children) | set(_children(proc.pid)))
    written = sorted(p.name for p in out.rglob("*.xlsx"))
    proc.kill()
    proc.wait()
    while time.monotonic() < deadline and any(map(_alive, children)):
        time.sleep(0.2)
    assert len(children) >= 3 and [pid for pid in children if _alive(pid)] == []
    assert sorted(p.name for p in out.rglob("*.xlsx")) == written  # nothing built after the kill


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads ps --ppid (Linux)")
def test_ctrl_c_stops_a_batch_after_the_plans_being_built(tmp_path: Path) -> None:
    """Ctrl-C: the plans being built finish (their sets complete), the queued ones are not
    started; it used to build every queued plan, silently, before exiting."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(8):
        write_example(src / f"plan-{i}.xlsx")
    proc = subprocess.Popen([sys.executable, "-m", "sheetplan", "batch", str(src), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120  # a hang guard, not a speed assertion
    while time.monotonic() < deadline and len(_children(proc.pid)) < 3:  # two workers and the resource tracker
        time.sleep(0.05)
    time.sleep(2)  # the workers take their first plans
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=600)
    built = list(out.glob("*-总表.xlsx"))
    assert proc.returncode == 130 and "interrupted" in err
    assert len(built) <= 3  # the two being built (one more at most, taken in the instant of the Ctrl-C), not all 8
    assert not [p for p in out.rglob(".*") if p.name.endswith((".tmp.xlsx", ".bak"))]  # every set complete


def test_udfs_refuse_the_second_round_of_unbounded_work() -> None:
    from sheetplan.excel import udfs

    t0 = time.monotonic()
    assert udfs.SP_SERVICE_LEVEL([[100000]], [[1.0]] * 10000, 180, 20).startswith("#SP! agents: over")
    assert udfs.SP_SHIFT_PLAN([[1.0]] * 5000, [[h / 4] for h in range(4, 64)], 15).startswith("#SP! shift_hours")
    staff = [["姓名", "岗位"], *[[f"p{i}", "、".join(f"q{j}" for j in range(10))] for i in range(100)]]
    shifts = [["代码", "开始", "时长(小时)"], *[[f"s{k}", f"{k % 24}:00", 8] for k in range(30)]]
    need = [["岗位", "人数", "日期", "开始", "结束"], *[[f"q{j}", 1, "2026-11-01~2026-11-30", "8:00", "20:00"]
                                                     for j in range(10)]]
    assert "值班表过大" in udfs.SP_ROSTER(staff, shifts, need)
    assert time.monotonic() - t0 < 60  # a hang guard, not a speed assertion
