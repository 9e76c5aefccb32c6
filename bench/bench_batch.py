"""Benchmark: ``run_batch`` on 1 process, 2 processes and a 2-worker local Dask cluster.

Two sets of plans, variants of the worked example with different numbers (orders, coefficient,
units, chats), ten to a folder with the same file names in every folder:

- ``--plans`` (default 100) *without* the 人员 sheet: no rosters, so each plan is quick and the
  batch machinery shows — the Dask overhead per plan is measured here, as the Dask run's extra
  worker-seconds per plan over two local processes;
- ``--roster-plans`` (default 20; 200 for the full count, about 25 min a mode here) *with*
  staff: every plan also gets its CP-SAT department rosters (the example's own solver budget),
  the case agencies run at scale.

Each batch runs in a fresh child process (so ``ru_maxrss`` of its workers is that run's own; for
Dask, the worker processes are the cluster's, reported by the workers themselves). Also a rerun
over the unchanged plans (all skipped by the manifest). Run: ``python bench/bench_batch.py``
(``--plans 20 --roster-plans 10`` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import peak_rss_mb, ratio, variants, without_sheets, write_example  # bench/ is on sys.path


def child(src: str, out: str, jobs: int, force: bool, scheduler: str) -> None:
    """One batch, measured from inside the process that runs it; prints one JSON line."""
    from sheetplan.batch.local import run_batch

    t0 = time.perf_counter()
    report = run_batch(src, out, jobs=jobs, force=force, progress=False, scheduler=scheduler or None)
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "built": len(report.built),
                "unchanged": len(report.unchanged),
                "failed": len(report.failed),
                "errors": report.errors,
                "parent_mb": peak_rss_mb("self"),
                "worker_mb": max(peak_rss_mb("children"), report.peak_worker_rss_mb),
                "plan_s": sum(o.seconds for o in report.built) / max(1, len(report.built)),
            }
        )
    )


def run(src: Path, out: Path, jobs: int = 1, force: bool = True, scheduler: str = "") -> dict:
    cmd = [sys.executable, __file__, "--child", str(src), str(out), str(jobs), "1" if force else "0", scheduler]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def compare(title: str, src: Path, work: Path, n: int) -> dict[str, dict]:
    """1 process, 2 processes, Dask with 2 workers, and an all-unchanged rerun; printed as a table."""
    runs = {
        "--jobs 1": run(src, work / "out1", 1),
        "--jobs 2": run(src, work / "out2", 2),
        "Dask local:2": run(src, work / "out3", scheduler="local:2"),
    }
    runs["--jobs 2, all unchanged"] = run(src, work / "out2", 2, force=False)
    print(f"\n{title}")
    print(f"{'':26} {'seconds':>8} {'plans/s':>8} {'s/plan':>7} {'parent MB':>10} {'worker MB':>10} "
          f"{'built':>6} {'skipped':>8}")
    for name, r in runs.items():
        print(f"{name:26} {r['seconds']:8.2f} {n / r['seconds']:8.2f} {r['plan_s']:7.2f} {r['parent_mb']:10.0f} "
              f"{r['worker_mb']:10.0f} {r['built']:6} {r['unchanged']:8}")
    built = [runs[k]["built"] for k in ("--jobs 1", "--jobs 2", "Dask local:2")]
    assert built == [n] * 3 and runs["--jobs 2, all unchanged"]["unchanged"] == n, runs
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, default=100, help="plans without staff (no rosters)")
    ap.add_argument("--roster-plans", type=int, default=20, help="plans with staff (rosters); 0 to skip")
    ap.add_argument("--child", nargs=5, metavar=("SRC", "OUT", "JOBS", "FORCE", "SCHEDULER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        src, out, jobs, force, scheduler = args.child
        child(src, out, int(jobs), force == "1", scheduler)
        return

    cpus = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        full = write_example(root / "example.xlsx")
        plain = without_sheets(full, root / "example-no-staff.xlsx", ("人员", "固定排班"))
        n = args.plans
        t0 = time.perf_counter()
        variants(plain, root / "plans", n)
        print(f"{n} plans without the 人员 sheet generated in {time.perf_counter() - t0:.1f} s; {cpus} CPUs")
        quick = compare(f"{n} plans, no rosters", root / "plans", root / "plain", n)
        m = args.roster_plans
        if m:
            variants(full, root / "roster-plans", m)
            heavy = compare(f"{m} plans with staff (CP-SAT rosters)", root / "roster-plans", root / "heavy", m)

    one, two, dsk, skip = quick.values()
    speed_up = one["seconds"] / two["seconds"]
    ratio("batch: --jobs 1 / --jobs 2 (speed-up)", speed_up, f"{n} plans, no rosters, {cpus} CPUs")
    ratio("batch: --jobs 1 / Dask 2 workers (speed-up)", one["seconds"] / dsk["seconds"], f"{n} plans, no rosters")
    overhead = max(0.0, (dsk["seconds"] - two["seconds"]) * 2 / n)
    ratio("batch: Dask overhead per plan (worker-s)", overhead,
          f"(Dask - 2 processes) x 2 / {n}; a plan takes {two['plan_s']:.2f} s")
    ratio("batch: rebuild / all-unchanged rerun", two["seconds"] / skip["seconds"], "manifest skip")
    ratio("batch: peak worker memory (MB)", two["worker_mb"], "ru_maxrss of the largest worker, --jobs 2")
    if m:
        one, two, dsk, _ = heavy.values()
        note = f"{m} plans with rosters, {one['plan_s']:.1f} s a plan"
        ratio("batch rosters: --jobs 1 / --jobs 2 (speed-up)", one["seconds"] / two["seconds"], note)
        ratio("batch rosters: --jobs 1 / Dask 2 workers (speed-up)", one["seconds"] / dsk["seconds"], note)
        ratio("batch rosters: plans per hour, Dask 2 workers", m / dsk["seconds"] * 3600,
              f"{dsk['seconds']:.0f} s for {m} plans")


if __name__ == "__main__":
    main()
