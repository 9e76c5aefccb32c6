"""Benchmark: ``run_batch`` over 100 generated plans with 1 worker vs 2 workers, and peak memory.

The plans are variants of the worked example with different numbers (orders, coefficient,
units, chats), ten to a folder with the same file names in every folder. By default the 人员
(staff) sheet is left out: with it every plan also gets CP-SAT department rosters, about
10-20 s a plan, and 100 plans would take most of an hour at one worker. ``--with-staff`` keeps
it (use ``--plans 10`` then).

Each batch runs in a fresh child process (so ``ru_maxrss`` of its workers is that run's own):
with ``--jobs 1``, with ``--jobs 2`` (expect close to 2× on two free cores; less when the machine
is shared), and once more with ``--jobs 2`` over the unchanged plans (everything skipped by the
manifest). Printed: seconds, speed-up, plans per second, peak memory of the parent and of the
largest worker. Run: ``python bench/bench_batch.py``.
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


def child(src: str, out: str, jobs: int, force: bool) -> None:
    """One batch, measured from inside the process that runs it; prints one JSON line."""
    from sheetplan.batch import run_batch

    t0 = time.perf_counter()
    report = run_batch(src, out, jobs=jobs, force=force, progress=False)
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "built": len(report.built),
                "unchanged": len(report.unchanged),
                "failed": len(report.failed),
                "parent_mb": peak_rss_mb("self"),
                "worker_mb": peak_rss_mb("children"),
            }
        )
    )


def run(src: Path, out: Path, jobs: int, force: bool = True) -> dict:
    cmd = [sys.executable, __file__, "--child", str(src), str(out), str(jobs), "1" if force else "0"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, default=100)
    ap.add_argument("--with-staff", action="store_true", help="keep the 人员 sheet (CP-SAT rosters: slow)")
    ap.add_argument("--child", nargs=4, metavar=("SRC", "OUT", "JOBS", "FORCE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        src, out, jobs, force = args.child
        child(src, out, int(jobs), force == "1")
        return

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base = write_example(root / "example.xlsx")
        if not args.with_staff:
            base = without_sheets(base, root / "example-no-staff.xlsx", ("人员", "固定排班"))
        t0 = time.perf_counter()
        variants(base, root / "plans", args.plans)
        t_gen = time.perf_counter() - t0
        one = run(root / "plans", root / "out1", 1)
        two = run(root / "plans", root / "out2", 2)
        skip = run(root / "plans", root / "out2", 2, force=False)

    n = args.plans
    kind = "with staff (rosters)" if args.with_staff else "without the 人员 sheet (no rosters)"
    print(f"{n} plans, variants of the example {kind}; generated in {t_gen:.1f} s; {os.cpu_count()} CPUs")
    print(f"{'':26} {'seconds':>8} {'plans/s':>8} {'parent MB':>10} {'worker MB':>10} {'built':>6} {'skipped':>8}")
    for name, r in (("--jobs 1", one), ("--jobs 2", two), ("--jobs 2, all unchanged", skip)):
        print(
            f"{name:26} {r['seconds']:8.2f} {n / r['seconds']:8.1f} {r['parent_mb']:10.0f} {r['worker_mb']:10.0f} "
            f"{r['built']:6} {r['unchanged']:8}"
        )
    assert one["built"] == two["built"] == n and skip["unchanged"] == n, (one, two, skip)
    ratio("batch: --jobs 1 / --jobs 2 (speed-up)", one["seconds"] / two["seconds"], f"{n} plans, {os.cpu_count()} CPUs")
    ratio("batch: rebuild / all-unchanged rerun", two["seconds"] / skip["seconds"], "manifest skip")
    ratio("batch: peak worker memory (MB)", two["worker_mb"], "ru_maxrss of the largest worker, --jobs 2")


if __name__ == "__main__":
    main()
