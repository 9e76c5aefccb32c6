"""Build every plan workbook under a folder, in parallel, without letting one bad plan stop the rest.

Why it is shaped this way:

- Each plan is built in a worker process (spawn, so it behaves the same on Windows and Linux and
  never forks a process that runs rich's refresh thread). A plan that raises is reported with
  its reason; a worker that dies outright (a crash in a native library, out of memory) breaks
  the pool, so the plans it took down are re-run one by one in fresh single-worker pools and
  only the culprit fails. Each worker writes its pid beside the plan it takes, so a plan whose
  worker died without pebble noticing (a race in pebble) is found within seconds, not left to
  its time limit.
- Unchanged plans are skipped: a manifest in the output folder records, per plan, the SHA-256
  of the bytes that were built, the sheetplan version and the files written. It is rewritten
  atomically (temporary file + rename) as results come in, so an interrupted batch keeps what
  it finished. ``force`` rebuilds everything.
- Nothing a planner typed is touched: inputs are only read; a plan whose outputs would land on
  an input workbook (output folder = input folder) is refused; outputs of ``DIR/a/b.xlsx`` go
  to ``OUT/a/`` so same-named plans in different folders never collide.
- A workbook open in Excel (an ``~$name.xlsx`` owner file beside it, or LibreOffice's
  ``.~lock.name.xlsx#``) is reported and skipped rather than read half-saved.
- Bounded: only regular files are opened (a FIFO or a link to /dev/zero would block a worker),
  plans over ``MAX_PLAN_MB`` are refused before hashing, and each plan has a wall-clock limit
  (``timeout``): a worker over it is killed and the plan reported, like any failure.
- Nothing lost: each plan's outputs are replaced as one set (:mod:`sheetplan.files`); the
  manifest forgets a plan before it is rebuilt and records it only once its set is complete;
  what a killed batch left half-swapped is rolled back first; a second batch into the same
  output folder waits for the first (then refuses); no output lands outside the output folder.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from filelock import Timeout
from pebble import ProcessExpired, ProcessPool
from rich.console import Console

from ..files import JOURNAL_PREFIX, LOCK_WAIT_S, folder_lock, recover, regular_file, safe_part
from ..messages import console as plain_console
from ..messages import msg
from ..pipeline import THREADS_ENV
from ..version import __version__
from .job import MAX_PLAN_MB, Job, Outcome, Status, build_one, file_sha256

MANIFEST = ".sheetplan-batch.json"
PLAN_SUFFIXES = (".xlsx", ".xlsm")
MANIFEST_SAVE_EVERY_S = 1.0
DEFAULT_TIMEOUT_S = 900.0  # per plan: the example with rosters takes ~20 s on two cores

@dataclass
class BatchReport:
    """Every plan's outcome, in path order, plus the totals the summary and the exit code need."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1
    notes: list[str] = field(default_factory=list)  # about the batch itself: what recovery rolled back
    errors: list[str] = field(default_factory=list)  # why the batch could not run, or not fully (exit 2)

    def _with(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def built(self) -> list[Outcome]:
        return self._with("built")

    @property
    def unchanged(self) -> list[Outcome]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def ok(self) -> bool:
        return not self.failed and not self.errors

    @property
    def exit_code(self) -> int:
        """0 when every plan was built or skipped unchanged; 2 (bad input, as `build`) otherwise."""
        return 0 if self.ok else 2

    @property
    def peak_worker_rss_mb(self) -> float:
        return max((o.peak_rss_kb for o in self.outcomes), default=0) / 1024

    def summary_lines(self) -> list[str]:
        """The end-of-run summary: totals first, then every failure with its reason."""
        lines = [
            f"built / 已生成 {len(self.built)} · unchanged, skipped / 未变更跳过 {len(self.unchanged)} · "
            f"failed / 失败 {len(self.failed)} · {self.seconds:.1f} s, {self.jobs} job(s)"
        ]
        lines += [f"  ✗ {o.rel}: {o.reason}" for o in self.failed]
        lines += [f"  ✗ {e}" for e in self.errors]
        lines += [f"  ! {n}" for n in self.notes]
        return lines


# ------------------------------------------------------------------------------------ discovery
def discover(src_dir: Path, out_dir: Path, manifest_outputs: Iterable[str] = ()) -> list[Path]:
    """Plan workbooks under ``src_dir`` (recursive), sorted; never Excel's owner files, hidden or
    temporary files (ours are ``.name.*.tmp.xlsx``), or anything this batch wrote before."""
    src = src_dir.resolve()
    out = out_dir.resolve()
    skip_tree = out if out != src and out.is_relative_to(src) else None
    ours = {(out / r).resolve() for r in manifest_outputs}
    found = []
    for dirpath, dirnames, filenames in os.walk(src):
        here = Path(dirpath)
        if skip_tree is not None and (here == skip_tree or here.is_relative_to(skip_tree)):
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(("~$", ".")) or not name.lower().endswith(PLAN_SUFFIXES):
                continue
            path = here / name
            if path.resolve() not in ours:
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(src).as_posix())


def lock_file(path: Path) -> Path | None:
    """The owner file Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside a
    workbook while it is open (a stale one after a crash reads the same: close Excel, delete it)."""
    for name in (f"~${path.name}", f".~lock.{path.name}#"):
        candidate = path.with_name(name)
        if candidate.exists():
            return candidate
    return None


# ------------------------------------------------------------------------------------- manifest
def load_manifest(out_dir: Path) -> dict[str, dict]:
    """Entries by plan; an unreadable or foreign manifest just means 'build everything'."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        entries = data.get("plans", {}) if isinstance(data, dict) else {}
        return {k: v for k, v in entries.items() if isinstance(v, dict)}
    except (OSError, ValueError):
        return {}


def save_manifest(out_dir: Path, entries: dict[str, dict]) -> None:
    """Atomic: a temporary file beside the manifest, then rename (a crash keeps the old one)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": 1, "plans": dict(sorted(entries.items()))}, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f"{MANIFEST}.", suffix=".tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out_dir / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_current(entry: dict | None, sha: str, out_dir: Path) -> bool:
    return (
        entry is not None
        and entry.get("sha256") == sha
        and entry.get("sheetplan") == __version__
        and bool(entry.get("outputs"))
        and all((out_dir / o).is_file() for o in entry["outputs"])
    )


# --------------------------------------------------------------------------------------- worker
def _init_worker(parent: int) -> None:
    """Ctrl-C is the parent's to handle; workers finish their plan and go. A worker dies with its
    batch at once: a `kill -9`ed batch must not leave workers building on, unlocked, from the
    tasks still queued in their pipe. On Linux a parent-death signal; since it is armed only once
    the worker has started (seconds on a busy machine), a parent already gone ends the worker
    here. Elsewhere a thread waits on the parent's sentinel."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[THREADS_ENV] = "1"  # one plan per process: its departments solve one after the other
    if _die_with_parent() and os.getppid() == parent:
        return
    if os.getppid() != parent:  # the batch died while this worker was starting
        os._exit(1)
    sentinel = getattr(multiprocessing.parent_process(), "sentinel", None)
    if sentinel is not None:
        from multiprocessing.connection import wait

        def watch() -> None:
            wait([sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="sheetplan-parent-watch", daemon=True).start()


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that cannot be done."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


# ------------------------------------------------------------------------------------- progress
class _Progress:
    """A rich progress bar on a terminal, one plain line per plan otherwise, nothing when off."""

    def __init__(self, console: Console, total: int, enabled: bool) -> None:
        self.console = console
        self.total = total
        self.done = 0
        self.bar = None
        if enabled and console.is_terminal and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("[bold]sheetplan batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[last]}", markup=False),  # a plan's path: planner text
                console=console,
                transient=True,
            )
            self.task = self.bar.add_task("plans", total=total, last="")
        self.enabled = enabled

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, o: Outcome) -> None:
        self.done += 1
        if not self.enabled:
            return
        mark = {"built": "✓", "unchanged": "=", "failed": "✗"}[o.status]
        if self.bar is not None:
            self.bar.update(self.task, advance=1, last=o.rel)
            if o.status == "failed":
                self.console.print(f"✗ {o.rel}: {o.reason}", style="red", markup=False, emoji=False, highlight=False)
        elif o.status != "unchanged":
            said = "".join(f", {n} {what}" for n, what in ((o.critical, "严重问题 / critical"),
                                                            (o.warnings, "个提示 / warning(s)")) if n)
            detail = o.reason if o.status == "failed" else f"{len(o.outputs)} file(s){said}, {o.seconds:.1f} s"
            self.console.print(f"[{self.done}/{self.total}] {mark} {o.rel}: {detail}", markup=False, emoji=False,
                               highlight=False)


# ------------------------------------------------------------------------------------ the batch
def run_batch(
    src_dir: str | Path,
    out_dir: str | Path,
    jobs: int = 1,
    force: bool = False,
    progress: bool = True,
    *,
    console: Console | None = None,
    timeout: float | None = DEFAULT_TIMEOUT_S,
    scheduler: str | None = None,
) -> BatchReport:
    """Build every plan under ``src_dir`` into ``out_dir`` (tree mirrored) with ``jobs`` processes
    (0 or less: one per CPU), each plan limited to ``timeout`` seconds (None: no limit). Never
    raises for a bad plan: see the report's ``failed``.

    ``scheduler`` runs the plans on a Dask cluster instead (``tcp://host:8786``, or ``local:N``
    for N worker processes on this machine): see :mod:`sheetplan.batch.dask`.

    Workers are spawned, so a script calling this must guard its entry point with
    ``if __name__ == "__main__":`` (the `sheetplan` command already does)."""
    t0 = time.perf_counter()
    src, out = Path(src_dir).resolve(), Path(out_dir).resolve()
    console = console or plain_console(stderr=True)
    if not src.is_dir():
        raise NotADirectoryError(f"{src}: not a folder / 不是文件夹")
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = folder_lock(out, LOCK_WAIT_S, kind="batch")
        lock.acquire()
    except Timeout:
        return BatchReport(errors=[f"another sheetplan batch is writing into {out}; try again when it ends / "
                                  "另一个批量生成正在写入该文件夹"])
    except OSError as e:
        return BatchReport(errors=[f"cannot use the output folder {out}: {e.strerror or e} / 无法使用输出文件夹"])
    try:
        if scheduler is None:
            return _run_locked(src, out, LocalRunner(jobs), force, progress, console, timeout, t0)
        from .dask import DaskUnavailable, dask_runner

        try:
            with dask_runner(scheduler) as runner:
                return _run_locked(src, out, runner, force, progress, console, timeout, t0)
        except DaskUnavailable as e:
            return BatchReport(errors=[str(e)])
    finally:
        lock.release()


class Runner(Protocol):
    """Where the plans are built: this machine's processes, or a Dask cluster."""

    def slots(self, todo: int) -> int:
        """How many plans run at once (the summary's 'jobs')."""
        ...

    def run(self, jobs: list[Job], root: Path, done: Callable[[Outcome], None], timeout: float | None) -> None:
        """Build every job, calling ``done`` once per job with its outcome, in completion order."""
        ...


@dataclass(frozen=True)
class LocalRunner:
    """``jobs`` spawned processes on this machine (0 or less: one per CPU)."""

    jobs: int

    def slots(self, todo: int) -> int:
        return max(1, min(self.jobs if self.jobs > 0 else (os.cpu_count() or 1), todo))

    def run(self, jobs: list[Job], root: Path, done: Callable[[Outcome], None], timeout: float | None) -> None:
        _run(jobs, root, self.slots(len(jobs)), done, timeout=timeout)


def _run_locked(
    src: Path, out: Path, runner: Runner, force: bool, progress: bool, console: Console, timeout: float | None,
    t0: float,
) -> BatchReport:
    notes = recover_tree(out)
    errors: list[str] = []
    manifest = load_manifest(out)
    plans = discover(src, out, (o for e in manifest.values() for o in e.get("outputs", ())))
    inputs = frozenset(str(p.resolve()) for p in plans)
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[Job, int]] = []
    stems: dict[tuple[Path, str], str] = {}
    present = {p.relative_to(src).as_posix() for p in plans}  # a deleted plan's old outputs may be reused
    owners = {o.casefold(): rel for rel, e in manifest.items() if rel in present for o in e.get("outputs", ())}
    for path in plans:
        rel = path.relative_to(src).as_posix()
        claimed = frozenset(o for o, owner in owners.items() if owner != rel)
        job = Job(path, rel, out / Path(rel).parent, inputs, claimed)
        problem = _refuse(job, out, stems)
        if problem is not None:
            outcomes[rel] = Outcome(rel, "failed", problem)
            continue
        try:
            size = regular_file(path, MAX_PLAN_MB * 2**20)
            sha = file_sha256(path)
        except OSError as e:
            outcomes[rel] = Outcome(rel, "failed", msg("locked", "zh", file=path.name, why=e.strerror or e))
            continue
        entry = manifest.get(rel)
        if not force and _is_current(entry, sha, out):
            outcomes[rel] = Outcome(rel, "unchanged", outputs=tuple(entry["outputs"]), sha256=sha)  # type: ignore[index]
            continue
        todo.append((job, size))
    workers = runner.slots(len(todo))
    for job, _ in todo:  # forgotten until rebuilt: a batch killed mid-plan never looks 'unchanged'
        manifest.pop(job.rel, None)
    saved = _save(out, manifest, errors) if todo else True
    last_save = time.monotonic()

    def record(o: Outcome) -> None:
        nonlocal last_save
        outcomes[o.rel] = o
        if o.status == "built" and o.sha256:
            manifest[o.rel] = {"sha256": o.sha256, "sheetplan": __version__, "outputs": list(o.outputs)}
        else:
            manifest.pop(o.rel, None)  # failed, or changed while building: build it again next time
        bar.advance(o)
        if saved and time.monotonic() - last_save > MANIFEST_SAVE_EVERY_S:
            _save(out, manifest, errors)
            last_save = time.monotonic()

    with _Progress(console, len(plans), progress) as bar:
        for o in outcomes.values():
            bar.advance(o)
        try:
            biggest_first = [j for j, _ in sorted(todo, key=lambda t: -t[1])]  # less idle time at the end
            if saved:
                runner.run(biggest_first, out, record, timeout)
            else:
                for job in biggest_first:
                    record(Outcome(job.rel, "failed", "the manifest cannot be written / 无法写入清单"))
        finally:
            _flag_collisions(outcomes, manifest)
            if saved and (outcomes or manifest):
                _save(out, manifest, errors)
    report = BatchReport([outcomes[k] for k in sorted(outcomes)], time.perf_counter() - t0, workers)
    report.notes, report.errors = notes, errors
    return report


def _refuse(job: Job, out: Path, stems: dict[tuple[Path, str], str]) -> str | None:
    """Why a plan cannot be built at all, before it is read: open elsewhere, colliding with a
    same-named plan, or its output folder leading outside the output folder."""
    path = job.source
    lock = lock_file(path)
    if lock is not None:
        why = f"{lock.name} exists / 存在锁文件 {lock.name}"
        return msg("locked", "zh", file=path.name, why=why)
    other = stems.setdefault((job.out_dir, safe_part(path.stem).casefold()), job.rel)  # as the file names will be
    if other != job.rel:
        return f"same name as {other}; outputs would collide / 与 {other} 重名"
    real = job.out_dir.resolve()
    if real != out and not real.is_relative_to(out):
        return f"its output folder leads outside {out} (a link?) / 输出文件夹指向输出目录之外"
    return None


def recover_tree(out: Path) -> list[str]:
    """Roll back what killed builds left half-swapped anywhere under ``out`` (folders another
    writer holds are left alone); returns what was done."""
    done = []
    for folder in sorted({p.parent for p in out.rglob(".*") if p.is_file() and (
            p.name.startswith(JOURNAL_PREFIX) or p.name.endswith((".tmp.xlsx", ".bak")))}):
        lock = folder_lock(folder, 0)
        try:
            with lock:
                done += [f"{folder.relative_to(out).as_posix() or '.'}: {d}" for d in recover(folder)]
        except Timeout:
            continue
    return done


def _save(out: Path, manifest: dict[str, dict], errors: list[str]) -> bool:
    """Save the manifest; a folder that refuses it is one note in the summary, not a traceback."""
    try:
        save_manifest(out, manifest)
        return True
    except OSError as e:
        note = f"cannot save the manifest {MANIFEST}: {e.strerror or e} / 无法保存清单"
        if note not in errors:
            errors.append(note)
        return False


def _flag_collisions(outcomes: dict[str, Outcome], manifest: dict[str, dict]) -> None:
    """Two plans that wrote the same output file (e.g. 'a-b' + dept 'c' and 'a' + dept 'b-c'): both fail."""
    owner: dict[str, str] = {}
    for o in sorted(outcomes.values(), key=lambda o: o.rel):
        for f in o.outputs if o.status == "built" else ():
            first = owner.setdefault(f, o.rel)
            if first != o.rel:
                for rel in (first, o.rel):
                    why = f"writes {f}, as {first if rel == o.rel else o.rel} does / 输出文件冲突"
                    outcomes[rel] = Outcome(rel, "failed", why)
                    manifest.pop(rel, None)


# Plans whose worker died without pebble saying so: pebble matches a dead worker to its plan only
# when the plan's "started" message was read first; otherwise (a race, or pebble's issue 153) the
# plan stays "running" on the dead worker until its time limit — forever without one.
WATCH_S = 1.0  # how often the batch looks for such plans
DEAD_GRACE_S = 3.0  # how long a dead worker's plan is left to pebble to report first


def _run(
    jobs: list[Job],
    root: Path,
    workers: int,
    done: Callable[[Outcome], None],
    work: Callable[[Job, Path], Outcome] = build_one,
    *,
    timeout: float | None = DEFAULT_TIMEOUT_S,
) -> None:
    """Run the jobs in a pebble process pool (spawned workers, reused between plans). A plan over
    ``timeout`` has its worker killed and is reported; a plan whose worker dies (a native crash,
    out of memory) is tried once more, alone, so only the culprit fails. On Ctrl-C the plans
    being built finish and are reported; the rest are not started."""
    if not jobs:
        return
    context = multiprocessing.get_context("spawn")
    retry: list[Job] = []
    with contextlib.ExitStack() as stack:
        marks = _marks_folder(stack)
        with ProcessPool(max_workers=workers, context=context, initializer=_init_worker,
                         initargs=(os.getpid(),)) as pool:
            futures = dict(_schedule(pool, work, j, root, marks, str(i), timeout) for i, j in enumerate(jobs))
            reported: set[cf.Future] = set()
            try:
                for fut, outcome in _collected(futures, timeout):
                    reported.add(fut)
                    if outcome is None:
                        retry.append(futures[fut].job)
                    else:
                        done(outcome)
            except KeyboardInterrupt:
                for fut in futures:
                    if not fut.running():
                        fut.cancel()
                for fut in futures:  # what they build is written: recorded too, or the next batch builds it again
                    if fut not in reported and not fut.cancelled():
                        outcome = _outcome(fut, futures[fut].job, timeout)  # a second Ctrl-C stops waiting
                        if outcome is not None:
                            done(outcome)
                raise
        for n, job in enumerate(sorted(retry, key=lambda j: j.rel)):
            with ProcessPool(max_workers=1, context=context, initializer=_init_worker,
                             initargs=(os.getpid(),)) as single:
                one = dict([_schedule(single, work, job, root, marks, f"retry-{n}", timeout)])
                for _, outcome in _collected(one, timeout):
                    done(outcome or Outcome(
                        job.rel, "failed", "the worker process died (crash or out of memory) / 进程崩溃"))


def _marks_folder(stack: contextlib.ExitStack) -> Path | None:
    """A private folder for the workers' pids; None (no watch: the time limit still bounds each
    plan) when no temporary folder can be made, rather than no batch."""
    try:
        return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sheetplan-batch-")))
    except OSError:
        return None


@dataclass(frozen=True)
class _Plan:
    """A scheduled plan: its job, and where the worker that takes it writes its pid."""

    job: Job
    mark: Path | None


def _schedule(pool: ProcessPool, work: Callable[[Job, Path], Outcome], job: Job, root: Path, marks: Path | None,
              key: str, timeout: float | None) -> tuple[cf.Future, _Plan]:
    mark = marks / f"{key}.pid" if marks is not None else None
    return pool.schedule(_marked, args=(work, mark, job, root), timeout=timeout), _Plan(job, mark)


def _marked(work: Callable[[Job, Path], Outcome], mark: Path | None, job: Job, root: Path) -> Outcome:
    """In the worker: say which process builds the plan (see :func:`_orphans`), then build it."""
    if mark is not None:
        with contextlib.suppress(OSError):  # without it the plan is bounded by its time limit alone
            mark.write_text(str(os.getpid()), encoding="ascii")
    return work(job, root)


def _collected(futures: dict[cf.Future, _Plan], timeout: float | None
               ) -> Iterator[tuple[cf.Future, Outcome | None]]:
    """Each plan's outcome as it comes (None: its worker died, worth one more try alone),
    including the plans whose worker died without pebble noticing (:func:`_orphans`, looked
    for once every WATCH_S)."""
    pending = set(futures)
    dead_since: dict[cf.Future, float] = {}
    orphaned: set[cf.Future] = set()
    looked = time.monotonic()
    while pending:
        finished, pending = cf.wait(pending, timeout=WATCH_S, return_when=cf.FIRST_COMPLETED)
        for fut in sorted(finished, key=lambda f: futures[f].job.rel):
            yield fut, None if fut in orphaned else _outcome(fut, futures[fut].job, timeout)
        if time.monotonic() - looked >= WATCH_S:
            orphaned |= _orphans({f: futures[f] for f in pending}, dead_since)
            looked = time.monotonic()


def _orphans(pending: dict[cf.Future, _Plan], dead_since: dict[cf.Future, float]) -> set[cf.Future]:
    """The plans whose worker has been gone for DEAD_GRACE_S while pebble still waits for them:
    cancelled here (pebble then lets the dead worker go), to be tried again alone."""
    now = time.monotonic()
    out = set()
    for fut, plan in pending.items():
        pid = _pid(plan.mark) if plan.mark is not None else None
        if pid is None or _alive(pid):
            dead_since.pop(fut, None)
        elif now - dead_since.setdefault(fut, now) >= DEAD_GRACE_S and fut.cancel():
            out.add(fut)
    return out


def _pid(mark: Path) -> int | None:
    try:
        return int(mark.read_text(encoding="ascii"))
    except (OSError, ValueError):  # not taken yet (or half written)
        return None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs. On Windows always (os.kill would end it there): a plan
    whose worker died unnoticed is then reported at its time limit."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a worker that ended but is not reaped yet is a zombie
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _outcome(fut: cf.Future, job: Job, timeout: float | None) -> Outcome | None:
    """The plan's outcome from its future; None when its worker died (worth one more try). A
    worker that dies before its plan is acknowledged breaks pebble's whole pool (every queued plan
    fails with BrokenProcessPool, seen on CI): those plans are tried again alone too."""
    try:
        return fut.result()
    except cf.TimeoutError:
        why = f"timed out after {timeout:g} s / 超时（{timeout:g} 秒）"
        return Outcome(job.rel, "failed", why, seconds=timeout or 0)
    except (ProcessExpired, BrokenProcessPool):
        return None
    except Exception as e:  # an error pickling the outcome, say: one plan, not the batch
        return Outcome(job.rel, "failed", f"internal error / 内部错误: {type(e).__name__}: {e}"[:300])
