"""One all-or-nothing output set (issue 22, item 4): the workbooks and the exports folder's
calendars and CSVs are committed once, by one journal; a folder, a link or a file open in Excel
where an output goes is a clear error with nothing renamed; disk full is a clear error with the
previous set intact; nothing is written outside -o and nothing deleted that the build did not write."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from plan_edit import edited, set_setting
from sheetplan import files as files_mod
from sheetplan.build import build_plan
from sheetplan.files import RECORD, OutputError, folder_lock, recover
from sheetplan.plan.reader import read_plan

from .conftest import MID_SET

STEM = "快速计划"
EXPORTS = f"{STEM}-导出"
BOOKKEEPING = {".sheetplan.lock", RECORD}


def tree(out: Path) -> dict[str, str]:
    """Every file under ``out`` (hidden ones too, bookkeeping aside) -> its SHA-256."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and not p.is_symlink() and p.name not in BOOKKEEPING}


def build(plan_path: Path, out: Path, exports: bool = True) -> list[Path]:
    plan = read_plan(plan_path)
    return build_plan(plan, out, STEM, exports=exports)


@pytest.fixture(scope="module")
def renamed(fast_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fast plan under another campaign name: every workbook and every calendar differs."""
    return edited(fast_plan, tmp_path_factory.mktemp("renamed") / "p.xlsx",
                  lambda wb: set_setting(wb, "活动名称", "另一个活动"))


@pytest.fixture(scope="module")
def first(fast_plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding one build with exports, copied by each test that changes it."""
    out = tmp_path_factory.mktemp("first") / "out"
    build(fast_plan, out)
    return out


def copy_of(first: Path, tmp_path: Path) -> Path:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(first, out)
    return out


def test_a_workbook_that_cannot_be_replaced_keeps_the_calendars_too(
    first: Path, renamed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exports used to be swapped in before the workbooks: a workbook open in Excel then left new
    calendars beside old workbooks while the message said 'unchanged'."""
    out = copy_of(first, tmp_path)
    old = tree(out)
    assert any(k.startswith(f"{EXPORTS}/") and k.endswith(".ics") for k in old)
    real = os.replace

    def replace(src: object, dst: object) -> None:
        if str(dst).endswith("-客服部.xlsx") and ".tmp." in str(src):  # Windows refuses: open in Excel
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as e:
        build(renamed, out)
    assert "原有文件未改动" in str(e.value)
    assert tree(out) == old  # workbooks and calendars: all the previous set, no temporary left


def test_a_file_open_in_excel_is_named_and_nothing_is_renamed(
    first: Path, renamed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = copy_of(first, tmp_path)
    old = tree(out)
    moved: list[str] = []
    real = os.replace
    monkeypatch.setattr(files_mod, "_in_use", lambda p: p.name.endswith("-客服部.xlsx"))
    monkeypatch.setattr(os, "replace", lambda a, b: (moved.append(str(b)), real(a, b)))
    with pytest.raises(OutputError) as e:
        build(renamed, out)
    assert f"{STEM}-客服部.xlsx" in str(e.value) and "Excel" in str(e.value) and "未改动" in str(e.value)
    assert not [m for m in moved if not Path(m).name.startswith(".sheetplan")]  # not one output renamed
    assert tree(out) == old


def test_a_folder_where_an_output_goes_is_a_clear_error(fast_plan: Path, tmp_path: Path) -> None:
    """It used to be renamed to a hidden .bak (a traceback, and every later build failed)."""
    out = tmp_path / "out"
    folder = out / f"{STEM}-运营部.xlsx"
    folder.mkdir(parents=True)
    (folder / "mine.txt").write_text("the planner's", encoding="utf-8")
    for _ in range(2):  # the same clear error each time, never a traceback
        with pytest.raises(OutputError) as e:
            build(fast_plan, out)
        assert f"{STEM}-运营部.xlsx" in str(e.value) and "文件夹" in str(e.value)
        assert (folder / "mine.txt").read_text(encoding="utf-8") == "the planner's"
        assert sorted(p.name for p in out.iterdir() if p.name not in BOOKKEEPING) == [folder.name]
    (folder / "mine.txt").unlink()
    folder.rmdir()
    assert build(fast_plan, out)  # once it is moved away, the build goes through


def _fail_nth_zip_write(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Disk full where xlsxwriter writes the zip of the MID_SET workbook: its own FileCreateError
    wraps the OSError."""
    real = zipfile.ZipFile.write
    calls = {"n": 0}

    def write(self: zipfile.ZipFile, *a: object, **kw: object) -> object:
        if self.filename is None or MID_SET not in str(self.filename):  # in memory (attendance .xlsx), or another
            return real(self, *a, **kw)
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *a, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "write", write)


def test_disk_full_inside_xlsxwriter_keeps_the_previous_set(
    first: Path, renamed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = copy_of(first, tmp_path)
    old = tree(out)
    _fail_nth_zip_write(monkeypatch, 10)  # inside the MID_SET workbook
    with pytest.raises(OutputError) as e:
        build(renamed, out)
    assert "磁盘已满" in str(e.value) and "原有文件未改动" in str(e.value)
    assert tree(out) == old


def test_a_workbook_over_4_gb_is_a_clear_error(first: Path, renamed: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """xlsxwriter's FileSizeError (ZIP64 needed) used to escape as a traceback."""
    out = copy_of(first, tmp_path)
    old = tree(out)
    real = zipfile.ZipFile.write

    def write(self: zipfile.ZipFile, *a: object, **kw: object) -> object:
        raise zipfile.LargeZipFile("Filesize would require ZIP64 extensions")

    monkeypatch.setattr(zipfile.ZipFile, "write", write)
    with pytest.raises(OutputError) as e:
        build(renamed, out)
    assert "4 GB" in str(e.value) and "原有文件未改动" in str(e.value)
    monkeypatch.setattr(zipfile.ZipFile, "write", real)
    assert tree(out) == old


def test_disk_full_writing_a_calendar_keeps_the_previous_set(
    first: Path, renamed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = copy_of(first, tmp_path)
    old = tree(out)
    real = os.fdopen
    calls = {"n": 0}

    def fdopen(fd: int, *a: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 5:
            os.close(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, *a, **kw)

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(OutputError) as e:
        build(renamed, out)
    assert "磁盘已满" in str(e.value)
    assert tree(out) == old


def test_cli_disk_full_in_xlsxwriter_is_one_line(fast_plan: Path, tmp_path: Path) -> None:
    code = (
        "import errno, sys, zipfile\n"
        "real = zipfile.ZipFile.write\n"
        "n = [0]\n"
        "def write(self, *a, **kw):\n"
        f"    if {MID_SET!r} not in str(self.filename):\n"
        "        return real(self, *a, **kw)\n"
        "    n[0] += 1\n"
        "    if n[0] == 10:\n"
        "        raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "    return real(self, *a, **kw)\n"
        "zipfile.ZipFile.write = write\n"
        "from sheetplan.cli import main\n"
        f"sys.argv = ['sheetplan', 'build', {str(fast_plan)!r}, '-o', {str(tmp_path / 'out')!r}]\n"
        "main()\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "FileCreateError" not in res.stderr
    assert [line for line in res.stderr.splitlines() if "磁盘已满" in line], res.stderr
    assert not tree(tmp_path / "out")


def test_a_real_write_failure_from_the_os_is_one_line_and_keeps_the_set(first: Path, renamed: Path,
                                                                        tmp_path: Path) -> None:
    """Not a fake: the kernel refuses the write (a file-size limit, RLIMIT_FSIZE, below the plan
    output's size), inside xlsxwriter's zip writing, as a full disk would."""
    import resource
    import signal

    out = copy_of(first, tmp_path)
    old = tree(out)
    limit = 100_000  # the plan output is larger; the department workbooks and calendars are not

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    assert (out / f"{STEM}-总表.xlsx").stat().st_size > limit
    res = subprocess.run([sys.executable, "-m", "sheetplan", "build", str(renamed), "-o", str(out)],
                         capture_output=True, text=True, preexec_fn=limited)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert [line for line in res.stderr.splitlines() if "文件超出允许的大小" in line and "原有文件未改动" in line]
    assert tree(out) == old


def test_an_exports_folder_that_is_a_link_is_refused(fast_plan: Path, tmp_path: Path) -> None:
    """The calendars used to be written through it, outside -o."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / EXPORTS).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputError) as e:
        build(fast_plan, out)
    assert EXPORTS in str(e.value) and "链接" in str(e.value)
    assert list(elsewhere.iterdir()) == [] and not tree(out)


def test_a_link_where_a_workbook_goes_is_refused(fast_plan: Path, tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.xlsx"
    out.mkdir()
    victim.write_bytes(b"precious")
    (out / f"{STEM}-总表.xlsx").symlink_to(victim)
    with pytest.raises(OutputError) as e:
        build(fast_plan, out)
    assert f"{STEM}-总表.xlsx" in str(e.value)
    assert victim.read_bytes() == b"precious" and (out / f"{STEM}-总表.xlsx").is_symlink()


def test_a_planted_record_deletes_nothing(fast_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / EXPORTS).mkdir(parents=True)
    notes, mine = out / "my notes.xlsx", out / EXPORTS / "mine.ics"
    notes.write_bytes(b"the planner's")
    mine.write_bytes(b"the planner's calendar")
    (out / RECORD).write_text(json.dumps({STEM: {
        "my notes.xlsx": {"size": 13, "sha256": "0" * 64},  # a record that does not match the file
        f"{EXPORTS}/mine.ics": {},
        "../outside.txt": {}}}), encoding="utf-8")
    (out / ".sheetplan-outputs-legacy").write_text("x")  # unrelated
    build(fast_plan, out)
    (out / RECORD).write_text(json.dumps({STEM: ["my notes.xlsx", f"{EXPORTS}/mine.ics"]}), encoding="utf-8")
    build(fast_plan, out, exports=False)  # an old-style record (names only) cannot be verified either
    assert notes.read_bytes() == b"the planner's" and mine.read_bytes() == b"the planner's calendar"


def test_a_rebuild_removes_only_what_it_wrote_and_nobody_changed(first: Path, fast_plan: Path,
                                                                  tmp_path: Path) -> None:
    out = copy_of(first, tmp_path)
    calendars = sorted((out / EXPORTS).glob("*.ics"))
    edited_one = calendars[0]
    edited_one.write_bytes(edited_one.read_bytes() + b"\r\n")  # someone changed it since
    written = build(fast_plan, out, exports=False)
    assert all(p.suffix == ".xlsx" for p in written)
    assert sorted((out / EXPORTS).iterdir()) == [edited_one]  # our untouched files went, the changed one stays


def test_a_killed_commit_is_rolled_back_workbooks_and_calendars_alike(first: Path, renamed: Path,
                                                                      tmp_path: Path) -> None:
    out = copy_of(first, tmp_path)
    old = tree(out)
    n_books = sum(1 for k in old if k.endswith(".xlsx"))
    code = (
        "import os, signal\n"
        "real = os.replace\n"
        "n = [0]\n"
        "def replace(a, b):\n"
        "    real(a, b)\n"
        "    n[0] += 1\n"
        f"    if n[0] == {n_books + 20}:\n"  # past the workbooks, among the calendars being moved aside
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.replace = replace\n"
        "from sheetplan.build import build_plan\n"
        "from sheetplan.plan.reader import read_plan\n"
        f"build_plan(read_plan({str(renamed)!r}), {str(out)!r}, {STEM!r}, exports=True)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == -9
    assert tree(out) != old  # half swapped: the journal and backups are there
    with folder_lock(out):
        done = recover(out)
    assert done and tree(out) == old


def test_a_build_killed_while_writing_leaves_no_temporary_behind(first: Path, renamed: Path,
                                                                 tmp_path: Path) -> None:
    out = copy_of(first, tmp_path)
    old = tree(out)
    code = (
        "import os, signal\n"
        "from sheetplan import files\n"
        "real = files.OutputSet.write\n"
        "n = [0]\n"
        "def write(self, name, data):\n"
        "    real(self, name, data)\n"
        "    n[0] += 1\n"
        "    if n[0] == 10:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "files.OutputSet.write = write\n"
        "from sheetplan.build import build_plan\n"
        "from sheetplan.plan.reader import read_plan\n"
        f"build_plan(read_plan({str(renamed)!r}), {str(out)!r}, {STEM!r}, exports=True)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == -9
    assert len(tree(out)) > len(old)  # temporaries in the exports folder
    with folder_lock(out):
        recover(out)
    assert tree(out) == old


def test_recovery_deletes_a_placed_file_only_if_it_is_what_was_written(tmp_path: Path) -> None:
    """A planted journal saying 'we placed my notes.xlsx' must not delete the planner's file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "my notes.xlsx").write_bytes(b"the planner's")
    (out / ".sheetplan-commit.deadbeef.json").write_text(json.dumps({"state": "swapping", "files": [
        {"target": "my notes.xlsx", "temp": ".my notes.xlsx.deadbeef.tmp.xlsx",
         "backup": ".my notes.xlsx.deadbeef.bak", "had_old": False}]}), encoding="utf-8")
    with folder_lock(out):
        recover(out)
    assert (out / "my notes.xlsx").read_bytes() == b"the planner's"
