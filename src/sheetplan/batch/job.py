"""One plan's build in a batch worker — what the local pool and the Dask workers both run: the
job, its outcome and the build that never raises. A module of its own so that the local batch
(:mod:`sheetplan.batch`) and the Dask runner (:mod:`sheetplan.batch.dask`) share it without
importing each other."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..files import OutputError, regular_file
from ..messages import msg

MAX_PLAN_MB = 512

Status = Literal["built", "unchanged", "failed"]


@dataclass(frozen=True)
class Job:
    """One plan to build: where it is, where its outputs go, and what must never be overwritten."""

    source: Path
    rel: str  # posix path relative to the input folder: the manifest key and the name users see
    out_dir: Path
    inputs: frozenset[str]  # resolved paths of every plan in the batch (outputs must not land on one)
    claimed: frozenset[str] = frozenset()  # outputs (relative to OUT) other plans wrote: never overwritten


@dataclass(frozen=True)
class Outcome:
    """What happened to one plan."""

    rel: str
    status: Status
    reason: str = ""
    outputs: tuple[str, ...] = ()  # posix paths relative to the output folder
    sha256: str | None = None  # of the bytes that were built (None if the file changed meanwhile)
    seconds: float = 0.0
    peak_rss_kb: int = 0  # the worker's peak resident memory after this plan
    critical: int = 0  # the built plan's critical problems (a gap at a must-cover window or the peak)
    warnings: int = 0  # and its other warnings: both on its 检查结果 sheet


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _peak_rss_kb() -> int:
    """This process's own peak: VmHWM where Linux has it, since ru_maxrss keeps the parent's peak across exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def target_problem(job: Job, targets: Iterable[Path], root: Path) -> str | None:
    """Why these output files must not be written: one is a plan of the batch, or another plan's output."""
    for t in targets:
        if str(t.resolve()) in job.inputs:
            return f"would overwrite the plan {t.name}; choose another output folder / 会覆盖计划文件"
        if t.relative_to(root).as_posix().casefold() in job.claimed:
            return f"would overwrite {t.name}, written for another plan / 会覆盖其他计划的输出文件"
    return None


def build_one(job: Job, root: Path) -> Outcome:
    """Read, validate and build one plan; every failure comes back as a reason, never raised."""
    from ..build import build_plan, compute, output_names, problems_of
    from ..plan.reader import PlanError, read_plan

    t0 = time.perf_counter()

    def failed(reason: str) -> Outcome:
        return Outcome(job.rel, "failed", reason, seconds=time.perf_counter() - t0, peak_rss_kb=_peak_rss_kb())

    try:
        regular_file(job.source, MAX_PLAN_MB * 2**20)
        before = file_sha256(job.source)
    except OSError as e:  # unreadable: locked by another program, permissions, gone, not a file
        return failed(msg("locked", "zh", file=job.source.name, why=e.strerror or e))
    try:
        plan = read_plan(job.source)
        main, per_dept = output_names(job.source.stem, plan)
        problem = target_problem(job, [job.out_dir / n for n in (main, *per_dept.values())], root)
        if problem is not None:
            return failed(problem)
        results = compute(plan)
        written = build_plan(plan, job.out_dir, job.source.stem, results)
        after = file_sha256(job.source)
        found = problems_of(plan, results)
    except PlanError as e:
        shown = [p.message if p.where == job.source.name else str(p) for p in e.problems[:3]]
        more = f" (+{len(e.problems) - 3} more / 另有 {len(e.problems) - 3} 处)" if len(e.problems) > 3 else ""
        return failed("; ".join(shown) + more)
    except OutputError as e:  # disk full, permissions, a file open in Excel: the previous set is intact
        return failed(str(e))
    except OSError as e:
        return failed(f"cannot write the outputs / 无法写入输出: {e}")
    except Exception as e:  # a calculator bug must cost one plan, not the batch
        return failed(f"internal error / 内部错误: {type(e).__name__}: {e}"[:300])
    return Outcome(
        job.rel,
        "built",
        outputs=tuple(p.relative_to(root).as_posix() for p in written),
        sha256=before if before == after else None,
        seconds=time.perf_counter() - t0,
        peak_rss_kb=_peak_rss_kb(),
        critical=sum(p.severity == "critical" for p in found),
        warnings=sum(p.severity == "warning" for p in found),
    )
