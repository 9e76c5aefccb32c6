"""Shared bits of the benchmarks: timing, the example plan and its variants, machine size, and
the one line format (``RATIO<TAB>name<TAB>value<TAB>note``) that run_all.py collects into RESULTS.md.

Every benchmark compares against a baseline measured in the same run on the same machine, so the
ratios survive a busy or slow machine where absolute seconds do not.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

RATIO_PREFIX = "RATIO\t"


def ratio(name: str, value: float, note: str = "") -> None:
    """Print one key ratio in the form run_all.py picks up (and a human can read)."""
    print(f"{RATIO_PREFIX}{name}\t{value:.2f}\t{note}", flush=True)


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of ``repeat`` runs in seconds (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def machine() -> str:
    """'2 CPUs, 23.4 GB RAM, Python 3.11.7, Linux' — the size the figures were taken on."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        mem = f"{ram:.1f} GB RAM"
    except (ValueError, OSError, AttributeError):
        mem = "RAM unknown"
    return f"{os.cpu_count()} CPUs, {mem}, Python {platform.python_version()}, {platform.system()}"


def peak_rss_mb(who: str = "self") -> float:
    """Peak resident memory of this process ('self') or of its waited-for descendants ('children')."""
    try:
        import resource
    except ImportError:
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_SELF if who == "self" else resource.RUSAGE_CHILDREN)
    return usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)


def write_example(path: Path) -> Path:
    from sheetplan.render.template import write_example as write

    return write(path)


def without_sheets(src: Path, dest: Path, sheets: tuple[str, ...]) -> Path:
    """The plan without some optional sheets (e.g. 人员: no rosters, whose CP-SAT search costs seconds)."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    for name in sheets:
        if name in wb.sheetnames:
            del wb[name]
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def variants(base: Path, folder: Path, n: int, per_folder: int = 10) -> list[Path]:
    """``n`` plans that differ in their numbers (orders, coefficient, units, chats), as an agency's
    shops would, ``per_folder`` to a folder with the same file names in each folder."""
    import openpyxl

    wb = openpyxl.load_workbook(base)
    ws = wb["活动"]
    cells = {str(r[0].value or "").replace("*", "").strip(): f"B{r[0].row}" for r in ws.iter_rows(min_row=2)}
    paths = []
    for i in range(n):
        ws[cells["日均配货单量"]] = 400 + 7 * i
        ws[cells["活动效果系数"]] = 2 + (i % 5)
        wb["库存"]["B2"] = 1000 + 13 * i
        if "客服需求" in wb.sheetnames:
            wb["客服需求"]["B2"] = 1000 + 11 * i
        path = folder / f"shop{i // per_folder:02d}" / f"plan-{i % per_folder}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        paths.append(path)
    return paths
