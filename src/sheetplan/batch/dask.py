"""Batch on a Dask cluster: ``sheetplan batch DIR -o OUT --scheduler tcp://host:8786`` (or ``local:N``).

Why it is shaped this way:

- Workers receive a plan's bytes and send back its output workbooks' bytes; only the client
  reads DIR and writes OUT. So the machines share no folder, and everything that keeps outputs
  safe — the folder lock, sets replaced all-or-nothing, the manifest, never overwriting a plan
  or another plan's outputs — stays in one place, :mod:`sheetplan.batch`, on the machine that
  holds OUT. The cost is the transfer: a plan is ~100 KB and its outputs ~1 MB, small next to
  the seconds a plan takes to build.
- On a worker each plan is built in a new Python process (``python -m sheetplan.batch.dask``,
  the plan and its outputs passed through a private temporary folder), so the per-plan timeout
  can stop it (its process group is killed), as in a local batch. Not a multiprocessing child:
  Dask's nanny makes workers daemonic by default and daemonic processes may not have children,
  but any process may run a program — so workers started the default way (``dask worker
  tcp://…``) build plans. The build process ends itself the moment its worker is gone.
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
import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..files import OutputError, OutputSet, regular_file
from ..pipeline import THREADS_ENV
from ..version import __version__
from .job import MAX_PLAN_MB, Job, Outcome, build_one, target_problem

CONNECT_S = 15.0  # to reach the scheduler
WORKER_WAIT_S = 60.0  # for a first worker to join
IN_FLIGHT_PER_THREAD = 2
LOCAL_ALLOWED_FAILURES = 1  # a plan whose worker dies is run once more, then reported


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


_RUNNING: set[subprocess.Popen] = set()  # this worker's build processes, killed when it closes
_RUNNING_LOCK = threading.Lock()
JOB_FILE, PLAN_FILE, RESULT_FILE, LOG_FILE = "job.json", "plan.xlsx", "result.json", "stderr.txt"


def worker_info() -> dict[str, Any]:
    """What the client checks on every worker before sending a plan."""
    return {"sheetplan": __version__, "pid": os.getpid()}


class _TimedOut(Exception):
    pass


class _Died(Exception):
    pass


def remote_build(rel: str, data: bytes, claimed: frozenset[str], timeout: float | None) -> Remote:
    """Runs on a Dask worker: build one plan from its bytes in a fresh process; never raises."""

    def failed(reason: str) -> Remote:
        return Remote(__version__, Outcome(rel, "failed", reason))

    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        return failed("not a relative plan path / 计划路径无效")
    last = ""
    for _ in range(2):  # a process that dies (native crash, out of memory) is tried once more
        try:
            outcome, files = build_in_subprocess(rel, data, claimed, timeout)
            return Remote(__version__, outcome, files)
        except _TimedOut:
            return failed(f"timed out after {timeout:g} s / 超时（{timeout:g} 秒）")
        except _Died as e:
            last = str(e)
        except Exception as e:  # no temporary folder, no Python to start, …: one plan, not the worker
            return failed(f"internal error / 内部错误: {type(e).__name__}: {e}"[:300])
    return failed(f"the worker process died (crash or out of memory) / 进程崩溃{last}"[:300])


def build_in_subprocess(
    rel: str, data: bytes, claimed: frozenset[str], timeout: float | None
) -> tuple[Outcome, dict[str, bytes]]:
    """Build one plan in a new Python process (``python -m sheetplan.batch.dask FOLDER``), not a
    multiprocessing child: Dask workers are daemonic by default and daemonic processes may not
    have children, but they may run programs. The plan goes in and the outcome and outputs come
    back through a private temporary folder. Over ``timeout`` its whole process group is killed;
    the process ends itself as soon as this worker is gone (its stdin, a pipe from here, closes)."""
    with tempfile.TemporaryDirectory(prefix="sheetplan-") as tmp:
        folder = Path(tmp)
        (folder / JOB_FILE).write_text(json.dumps({"rel": rel, "claimed": sorted(claimed)}), encoding="utf-8")
        (folder / PLAN_FILE).write_bytes(data)
        src = str(Path(__file__).resolve().parents[2])  # this very sheetplan, whatever the worker's path
        env = {**os.environ, THREADS_ENV: "1",
               "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}
        group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else {
            "start_new_session": True}
        with open(folder / LOG_FILE, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "sheetplan.batch.dask", str(folder)], stdin=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, stderr=log, env=env, **group)
        with _RUNNING_LOCK:
            _RUNNING.add(proc)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise _TimedOut from None
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(proc)
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            result = json.loads((folder / RESULT_FILE).read_text(encoding="utf-8"))
            outcome = Outcome(**{**result, "outputs": tuple(result["outputs"])})
            return outcome, {p: (folder / "out" / p).read_bytes() for p in outcome.outputs}
        except (OSError, ValueError, TypeError, KeyError):
            lines = (folder / LOG_FILE).read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise _Died(f" (exit {proc.returncode}{': ' + lines[-1] if lines else ''})") from None


def _kill(proc: subprocess.Popen) -> None:
    """Kill a build process and its process group (POSIX; on Windows the process)."""
    with contextlib.suppress(OSError):
        if os.name == "nt":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


def stop_builds() -> None:
    """Kill every build process of this worker (its process is ending; they would also end by
    themselves when their stdin closes)."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for proc in running:
        _kill(proc)


atexit.register(stop_builds)


def build_in(folder: Path) -> None:
    """In the build process: the plan in ``folder``, built as a local batch builds it into
    ``folder/out``, the outcome written last (atomically) to ``folder/result.json``."""
    job = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
    rel = job["rel"]
    parts = PurePosixPath(rel).parts
    src = folder.joinpath("in", *parts)
    src.parent.mkdir(parents=True)
    src.write_bytes((folder / PLAN_FILE).read_bytes())
    root = folder / "out"
    outcome = build_one(Job(src, rel, root.joinpath(*parts[:-1]), frozenset({str(src.resolve())}),
                            frozenset(job["claimed"])), root)
    tmp = folder / f"{RESULT_FILE}.tmp"
    tmp.write_text(json.dumps(dataclasses.asdict(outcome), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / RESULT_FILE)


def _main(argv: list[str]) -> int:
    """``python -m sheetplan.batch.dask FOLDER``: one build, ended at once if the worker goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the worker

    def watch() -> None:  # stdin is a pipe from the worker: end of file means the worker is gone
        with contextlib.suppress(OSError, ValueError):
            sys.stdin.buffer.read()
        os._exit(1)

    threading.Thread(target=watch, name="sheetplan-worker-watch", daemon=True).start()
    build_in(Path(argv[0]))
    return 0


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
            stack.enter_context(dask.config.set({"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES}))
            address = stack.enter_context(LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.ERROR))
        try:
            client = stack.enter_context(Client(address, timeout=CONNECT_S, set_as_default=False))
        except (OSError, TimeoutError, ValueError) as e:
            raise DaskUnavailable(f"cannot reach the Dask scheduler {scheduler}: {e} / 无法连接 Dask 调度器") from e
        _check_workers(client, scheduler)
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


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
