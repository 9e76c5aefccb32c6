"""Batch on a real Dask cluster: two worker processes on this machine, started as `dask worker`
starts them (daemonic, Dask's default), a bad plan, a worker killed mid-plan (run again
elsewhere) and one killed every time it is tried (reported)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import openpyxl
import pytest
from distributed import Client, LocalCluster

from sheetplan.batch.local import load_manifest, run_batch

from .test_batch import cli, quiet

CLUSTER_CONFIG = {  # workers stay daemonic, as `dask worker` starts them
    "distributed.scheduler.allowed-failures": 1,
    "distributed.scheduler.worker-saturation": 1.0,  # one plan per worker thread: a kill takes only its own
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with dask.config.set(CLUSTER_CONFIG), LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL
    ) as c:
        yield c


def no_rosters(src: Path, dest: Path) -> Path:
    wb = openpyxl.load_workbook(src)
    for name in ("人员", "固定排班"):
        if name in wb.sheetnames:
            del wb[name]
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


class Killer(threading.Thread):
    """Watches the scheduler; kills -9 the worker process running a target plan once it has run
    for a second, up to ``times[target]`` times per target."""

    def __init__(self, address: str, times: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.address, self.times = address, times
        self.kills: dict[str, int] = dict.fromkeys(times, 0)
        self.stop = threading.Event()

    def run(self) -> None:
        seen: dict[tuple[str, str], float] = {}
        with Client(self.address, timeout=15, set_as_default=False) as c:
            while not self.stop.wait(0.2):
                for worker, keys in c.processing().items():
                    for key in map(str, keys):
                        target = next((t for t in self.times if key.startswith(f"sheetplan-{t}-")), None)
                        if target is None or self.kills[target] >= self.times[target]:
                            continue
                        first = seen.setdefault((worker, key), time.monotonic())
                        if time.monotonic() - first >= 1.0:
                            pid = c.run(os.getpid, workers=[worker]).get(worker)
                            if pid:
                                os.kill(pid, signal.SIGKILL)
                                self.kills[target] += 1
                                seen[(worker, key)] = float("inf")


def test_dask_cluster_builds_a_folder_with_a_bad_plan_and_killed_workers(
    cluster: LocalCluster, fast_plan: Path, tmp_path: Path
) -> None:
    src = tmp_path / "in"
    for i in range(3):
        no_rosters(fast_plan, src / f"shop{i}" / "plan.xlsx")
    shutil.copy(fast_plan, src / "victim.xlsx")  # its worker is killed once: run again, built
    shutil.copy(fast_plan, src / "doomed.xlsx")  # its worker is killed every time: reported
    (src / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    out = tmp_path / "out"
    killer = Killer(cluster.scheduler_address, {"victim.xlsx": 1, "doomed.xlsx": 2})
    killer.start()
    try:
        report = run_batch(src, out, progress=False, console=quiet(), scheduler=cluster.scheduler_address)
    finally:
        killer.stop.set()
        killer.join()
    by = {o.rel: o for o in report.outcomes}
    assert killer.kills == {"victim.xlsx": 1, "doomed.xlsx": 2}
    assert by["victim.xlsx"].status == "built", by["victim.xlsx"]
    assert by["doomed.xlsx"].status == "failed" and "died" in by["doomed.xlsx"].reason
    assert by["bad.xlsx"].status == "failed" and "bad.xlsx" in by["bad.xlsx"].reason
    assert [by[f"shop{i}/plan.xlsx"].status for i in range(3)] == ["built"] * 3
    assert report.exit_code == 2 and report.jobs == 2

    # nothing half-written: exactly the built plans' outputs, every one a complete workbook
    manifest = load_manifest(out)
    assert set(manifest) == {"victim.xlsx", *(f"shop{i}/plan.xlsx" for i in range(3))}
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert files == sorted(o for e in manifest.values() for o in e["outputs"])
    assert not any(p.name.startswith("doomed") for p in out.rglob("*"))
    for f in files:
        openpyxl.load_workbook(out / f, read_only=True).close()
    assert not [p for p in out.rglob(".*") if p.name.endswith((".tmp.xlsx", ".bak"))]

    # the same skip rules as a local batch: nothing changed, nothing sent
    again = run_batch(src, out, progress=False, console=quiet(), scheduler=cluster.scheduler_address)
    assert {o.rel for o in again.unchanged} == set(manifest)


def test_dask_outputs_are_the_bytes_a_local_batch_writes(
    cluster: LocalCluster, fast_plan: Path, tmp_path: Path
) -> None:
    src = tmp_path / "in"
    no_rosters(fast_plan, src / "a" / "计划.xlsx")
    no_rosters(fast_plan, src / "b.xlsx")
    local = run_batch(src, tmp_path / "local", jobs=1, progress=False, console=quiet())
    remote = run_batch(src, tmp_path / "dask", progress=False, console=quiet(), scheduler=cluster.scheduler_address)
    assert local.ok and remote.ok
    names = sorted(p.relative_to(tmp_path / "local").as_posix() for p in (tmp_path / "local").rglob("*.xlsx"))
    assert names == sorted(p.relative_to(tmp_path / "dask").as_posix() for p in (tmp_path / "dask").rglob("*.xlsx"))
    for n in names:
        assert (tmp_path / "local" / n).read_bytes() == (tmp_path / "dask" / n).read_bytes(), n
    manifests = load_manifest(tmp_path / "local"), load_manifest(tmp_path / "dask")
    assert manifests[0] == manifests[1]


def test_dask_plan_over_its_timeout_is_stopped_and_reported(
    cluster: LocalCluster, fast_plan: Path, tmp_path: Path
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(fast_plan, src / "slow.xlsx")
    report = run_batch(src, tmp_path / "out", progress=False, console=quiet(), timeout=1.0,
                       scheduler=cluster.scheduler_address)
    (o,) = report.outcomes
    assert o.status == "failed" and "timed out after 1 s" in o.reason
    assert not list((tmp_path / "out").glob("*.xlsx"))
    assert not ours()  # killed, not left running


def test_dask_builds_on_default_daemonic_workers(cluster: LocalCluster, fast_plan: Path, tmp_path: Path) -> None:
    """Workers started with Dask's defaults are daemonic (no multiprocessing children allowed):
    each plan is built in a program the worker runs, so they build all the same."""
    with Client(cluster.scheduler_address, timeout=15, set_as_default=False) as c:
        daemonic = c.run(lambda: __import__("multiprocessing").current_process().daemon)
    assert len(daemonic) == 2 and all(daemonic.values())
    src = tmp_path / "in"
    no_rosters(fast_plan, src / "p.xlsx")
    report = run_batch(src, tmp_path / "out", progress=False, console=quiet(), scheduler=cluster.scheduler_address)
    assert report.ok and [o.status for o in report.outcomes] == ["built"], report.summary_lines()
    assert len(list((tmp_path / "out").glob("*.xlsx"))) >= 2


def building(pid: int) -> bool:
    """Whether ``pid`` is a live build process, `python -m sheetplan.batch.dask FOLDER`."""
    try:
        return (b"sheetplan.batch.dask" in Path(f"/proc/{pid}/cmdline").read_bytes()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2])
    except OSError:
        return False


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def ours() -> set[int]:
    """The live build processes of this test's cluster: children of its workers, which are
    children of this process (another session's builds on the machine are not ours)."""
    return {int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and building(int(p.name)) and _ppid(_ppid(int(p.name))) == os.getpid()}


def test_dask_build_process_ends_with_its_worker(cluster: LocalCluster, fast_plan: Path, tmp_path: Path) -> None:
    """A worker killed mid-plan leaves no build process running on (it reads its stdin's end)."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(fast_plan, src / "victim.xlsx")
    killer = Killer(cluster.scheduler_address, {"victim.xlsx": 1})
    seen: set[int] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.1):
            seen.update(ours())

    watcher = threading.Thread(target=watch, daemon=True)
    killer.start()
    watcher.start()
    try:
        report = run_batch(src, tmp_path / "out", progress=False, console=quiet(), scheduler=cluster.scheduler_address)
    finally:
        killer.stop.set()
        stop.set()
        killer.join()
        watcher.join()
    assert killer.kills == {"victim.xlsx": 1} and report.ok
    assert len(seen) >= 2  # the killed worker's build and the one run again
    deadline = time.monotonic() + 60  # a hang guard: they end at once, but the machine may be busy
    while time.monotonic() < deadline and any(map(building, seen)):
        time.sleep(0.2)
    assert [pid for pid in seen if building(pid)] == []


def test_cli_scheduler_flag(fast_plan: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    no_rosters(fast_plan, src / "p.xlsx")
    bad = cli(str(src), "-o", str(tmp_path / "o1"), "--scheduler", "local:zero")
    assert bad.returncode == 2 and "local:N" in bad.stdout
    gone = cli(str(src), "-o", str(tmp_path / "o2"), "--scheduler", "tcp://127.0.0.1:9")
    assert gone.returncode == 2 and "cannot reach the Dask scheduler" in gone.stdout
    ok = cli(str(src), "-o", str(tmp_path / "o3"), "--scheduler", "local:1")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "built / 已生成 1" in ok.stdout and len(list((tmp_path / "o3").glob("*.xlsx"))) >= 2
