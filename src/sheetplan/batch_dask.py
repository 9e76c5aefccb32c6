"""Batch on a Dask cluster: ``sheetplan batch DIR -o OUT --scheduler tcp://host:8786`` (or ``local:N``).

Why it is shaped this way:

- Workers receive a plan's bytes and send back its output workbooks' bytes; only the client
  reads DIR and writes OUT. So the machines share no folder, and everything that keeps outputs
  safe — the folder lock, sets replaced all-or-nothing, the manifest, never overwriting a plan
  or another plan's outputs — stays in one place, :mod:`sheetplan.batch`, on the machine that
  holds OUT. The cost is the transfer: a plan is ~100 KB and its outputs ~1 MB, small next to
  the seconds a plan takes to build.
- On a worker each plan is built in a child process (a pebble pool, one process per worker
  thread, reused) so the per-plan timeout can stop it, as in a local batch. Dask's nanny makes
  workers daemonic by default and daemonic processes may not start children, so workers are
  started with ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (checked before anything is sent).
- A worker that dies mid-plan: the scheduler runs the plan again on another worker
  (``distributed.scheduler.allowed-failures``: 1 on the cluster ``local:N`` starts, Dask's
  default 3 on yours); past that the plan is reported failed. Nothing is written for a plan
  until all its bytes are back, so a lost worker never leaves a half-written set.
- Workers run the client's sheetplan version (checked): another version may write other
  workbooks from the same plan, which the manifest could not tell apart.
- Bounded: at most two plans per worker thread are in flight, so a folder of big plans never
  piles up in the client's memory.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import hashlib
import logging
import multiprocessing
import os
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import __version__
from .batch import MAX_PLAN_MB, Job, Outcome, build_one, target_problem
from .files import OutputError, OutputSet, regular_file
from .pipeline import THREADS_ENV

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # without Dask: dask_runner says how to install it
    WorkerPlugin = object  # type: ignore[assignment,misc]

CONNECT_S = 15.0  # to reach the scheduler
WORKER_WAIT_S = 60.0  # for a first worker to join
IN_FLIGHT_PER_THREAD = 2
LOCAL_ALLOWED_FAILURES = 1  # a plan whose worker dies is run once more, then reported
DAEMON_ENV = "DASK_DISTRIBUTED__WORKER__DAEMON"
DAEMONIC = (f"this Dask worker may not start processes: start it with {DAEMON_ENV}=False (see README) / "
            f"Dask 工作进程不能启动子进程：启动时设置 {DAEMON_ENV}=False")


class DaskUnavailable(RuntimeError):
    """The cluster cannot be used at all (not installed, unreachable, no or unfit workers)."""


# ------------------------------------------------------------------------------------ on workers
@dataclass(frozen=True)
class Remote:
    """What a worker sends back for one plan: its version, the outcome, and the output bytes by
    their path relative to the output folder."""

    version: str
    outcome: Outcome
    files: dict[str, bytes] = field(default_factory=dict)


_POOL: Any = None
_POOL_LOCK = threading.Lock()


def worker_info() -> dict[str, Any]:
    """What the client checks on every worker before sending a plan."""
    return {"sheetplan": __version__, "daemon": multiprocessing.current_process().daemon, "pid": os.getpid()}


def remote_build(rel: str, data: bytes, claimed: frozenset[str], timeout: float | None) -> Remote:
    """Runs on a Dask worker: build one plan from its bytes in a child process; never raises."""
    from pebble import ProcessExpired

    def failed(reason: str) -> Remote:
        return Remote(__version__, Outcome(rel, "failed", reason))

    if multiprocessing.current_process().daemon:
        return failed(DAEMONIC)
    for _ in range(2):  # a child that dies (native crash, out of memory) is tried once more
        fut = _pool().schedule(build_bytes, args=(rel, data, claimed), timeout=timeout)
        try:
            outcome, files = fut.result()
            return Remote(__version__, outcome, files)
        except cf.TimeoutError:
            return failed(f"timed out after {timeout:g} s / 超时（{timeout:g} 秒）")
        except ProcessExpired:
            continue
        except Exception as e:
            return failed(f"internal error / 内部错误: {type(e).__name__}: {e}"[:300])
    return failed("the worker process died (crash or out of memory) / 进程崩溃")


def _pool() -> Any:
    """This worker's process pool, started on first use, one child per worker thread."""
    global _POOL
    from pebble import ProcessPool

    with _POOL_LOCK:
        if _POOL is None or not _POOL.active:
            try:
                from distributed import get_worker

                n = get_worker().state.nthreads
            except (ImportError, ValueError, AttributeError):
                n = 1
            _POOL = ProcessPool(max_workers=max(1, n), context=multiprocessing.get_context("spawn"),
                                initializer=_init_child)
            atexit.register(_stop, _POOL)
        return _POOL


def _stop(pool: Any) -> None:
    """End the children before the worker process ends: it is itself a multiprocessing child, and
    multiprocessing waits for a child's own children before atexit would run."""
    if pool is not None and pool.active:
        pool.stop()
        pool.join(timeout=5)


class StopPool(WorkerPlugin):
    """Registered by the client: stops this worker's pool when the worker closes."""

    name = "sheetplan-pool"

    def teardown(self, worker: Any) -> None:
        _stop(_POOL)


def _init_child() -> None:
    """Ctrl-C belongs to the worker; and a child outlives its worker by at most a second (a
    watchdog rather than PDEATHSIG, which fires when the *thread* that started the child ends,
    and Dask's threads come and go)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[THREADS_ENV] = "1"  # one child per worker thread already uses the worker's cores
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="sheetplan-watchdog", daemon=True).start()


def build_bytes(rel: str, data: bytes, claimed: frozenset[str]) -> tuple[Outcome, dict[str, bytes]]:
    """In the child: the plan's bytes into a private folder, built there exactly as a local batch
    builds it, outputs read back. The folder is gone afterwards."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        return Outcome(rel, "failed", "not a relative plan path / 计划路径无效"), {}
    with tempfile.TemporaryDirectory(prefix="sheetplan-") as tmp:
        src = Path(tmp, "in", *parts)
        src.parent.mkdir(parents=True)
        src.write_bytes(data)
        root = Path(tmp, "out")
        job = Job(src, rel, root.joinpath(*parts[:-1]), frozenset({str(src.resolve())}), claimed)
        outcome = build_one(job, root)
        return outcome, {p: (root / p).read_bytes() for p in outcome.outputs}


# ------------------------------------------------------------------------------------ on the client
@dataclass
class DaskRunner:
    """Runs a batch's jobs on the cluster behind ``client``; see the module docstring."""

    client: Any

    def slots(self, todo: int) -> int:
        return max(1, min(sum(self.client.nthreads().values()), todo))

    def run(self, jobs: list[Job], root: Path, done: Callable[[Outcome], None], timeout: float | None) -> None:
        from distributed import as_completed

        queue = iter(jobs)
        in_flight: dict[Any, tuple[Job, str]] = {}
        pending = as_completed(loop=self.client.loop)
        window = IN_FLIGHT_PER_THREAD * max(1, sum(self.client.nthreads().values()))

        def top_up() -> None:
            while len(in_flight) < window:
                job = next(queue, None)
                if job is None:
                    return
                try:
                    regular_file(job.source, MAX_PLAN_MB * 2**20)
                    data = job.source.read_bytes()
                except OSError as e:
                    done(Outcome(job.rel, "failed", f"cannot read the plan / 无法读取计划: {e.strerror or e}"))
                    continue
                key = f"sheetplan-{job.rel}-{uuid.uuid4().hex[:8]}"
                fut = self.client.submit(remote_build, job.rel, data, job.claimed, timeout, key=key, pure=False)
                in_flight[fut] = (job, hashlib.sha256(data).hexdigest())
                pending.add(fut)

        top_up()
        for fut in pending:
            job, sha = in_flight.pop(fut)
            done(land(fut, job, sha, root))
            fut.release()
            top_up()


def land(fut: Any, job: Job, sha: str, root: Path) -> Outcome:
    """A finished remote plan, written into the output folder as one set (or why it failed)."""
    from distributed.scheduler import KilledWorker

    def failed(reason: str) -> Outcome:
        return Outcome(job.rel, "failed", reason)

    try:
        remote: Remote = fut.result()
    except KilledWorker:
        return failed("the Dask worker building it died each time it was tried / Dask 工作进程多次崩溃")
    except Exception as e:  # the scheduler went away, a task was cancelled, …
        return failed(f"Dask: {type(e).__name__}: {e}"[:300])
    if remote.version != __version__:
        return failed(f"the worker runs sheetplan {remote.version}, this machine {__version__} / 版本不一致")
    o = remote.outcome
    if o.status != "built":
        return o
    folder = PurePosixPath(job.rel).parent
    names = [PurePosixPath(p).name for p in o.outputs]
    if any(PurePosixPath(p).parent != folder for p in o.outputs) or set(o.outputs) != set(remote.files):
        return failed("the worker sent outputs this plan cannot have / 工作进程返回的输出文件不符")
    problem = target_problem(job, [root / p for p in o.outputs], root)
    if problem is not None:
        return failed(problem)
    try:
        with OutputSet(job.out_dir, names, owner=job.source.stem) as outs:
            for p, name in zip(o.outputs, names, strict=True):
                outs.temp(name).write_bytes(remote.files[p])
    except OutputError as e:
        return failed(str(e))
    except OSError as e:
        return failed(f"cannot write the outputs / 无法写入输出: {e}")
    return Outcome(job.rel, "built", outputs=o.outputs, sha256=sha, seconds=o.seconds, peak_rss_kb=o.peak_rss_kb)


@contextlib.contextmanager
def dask_runner(scheduler: str) -> Iterator[DaskRunner]:
    """Connect to ``scheduler`` (``tcp://host:port``) or start ``local:N`` worker processes here,
    check the workers, and close everything this started afterwards."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise DaskUnavailable("Dask is not installed: pip install 'sheetplan[dask]' / 未安装 Dask") from e
    with contextlib.ExitStack() as stack:
        address: Any = scheduler
        if not scheduler.startswith("local:"):
            _check_address(scheduler)
        else:
            n = _local_workers(scheduler)
            stack.enter_context(dask.config.set({
                "distributed.worker.daemon": False,
                "distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES,
            }))
            address = stack.enter_context(LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.ERROR))
        try:
            client = stack.enter_context(Client(address, timeout=CONNECT_S, set_as_default=False))
        except (OSError, TimeoutError, ValueError) as e:
            raise DaskUnavailable(f"cannot reach the Dask scheduler {scheduler}: {e} / 无法连接 Dask 调度器") from e
        _check_workers(client, scheduler)
        client.register_plugin(StopPool(), name=StopPool.name)
        yield DaskRunner(client)


def _check_address(scheduler: str) -> None:
    """Refuse an address Dask cannot parse before a Client is made (a half-made Client hangs for
    half a minute at exit and prints a traceback)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(scheduler, strict=False)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except (ValueError, TypeError) as e:
        raise DaskUnavailable(f"--scheduler {scheduler}: {e}; write tcp://HOST:8786 or local:N / "
                              "写作 tcp://主机:8786 或 local:N") from None


def _local_workers(scheduler: str) -> int:
    text = scheduler.removeprefix("local:")
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise DaskUnavailable(f"--scheduler {scheduler}: write local:N with N from 1 to 256 / 写作 local:N")
    return int(text)


def _check_workers(client: Any, scheduler: str) -> None:
    """Refuse a cluster whose workers cannot build our way, before any plan is sent."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except (TimeoutError, OSError) as e:
        raise DaskUnavailable(f"no Dask worker joined {scheduler} within {WORKER_WAIT_S:g} s / 没有可用的 Dask "
                              "工作进程") from e
    info = client.run(worker_info)
    wrong = sorted(a for a, i in info.items() if i["sheetplan"] != __version__)
    if wrong:
        raise DaskUnavailable(f"workers {', '.join(wrong)} run another sheetplan version (this machine: "
                              f"{__version__}) / 工作进程的 sheetplan 版本不一致")
    daemonic = sorted(a for a, i in info.items() if i["daemon"])
    if daemonic:
        raise DaskUnavailable(f"workers {', '.join(daemonic)}: {DAEMONIC}")
