"""Run every ``bench/bench_*.py`` in its own subprocess, print its output, and write the key
figures to ``bench/RESULTS.md`` with the date and the machine's size.

Key figures are the lines a benchmark prints as ``RATIO<TAB>name<TAB>value<TAB>note`` (see
``common.ratio``). A benchmark that prints none is listed with the tail of its output instead,
so nothing measured is lost. Each script gets a time limit (``--timeout``); one that overruns
or fails is reported as such and the others still run. Run: ``python bench/run_all.py``
(``make bench``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import RATIO_PREFIX, machine  # bench/ is on sys.path when run as a script

HERE = Path(__file__).resolve().parent
TAIL_LINES = 25


@dataclass
class Result:
    script: str
    status: str  # "ok", "failed (exit N)", "timed out after N s"
    seconds: float
    output: str
    ratios: list[tuple[str, str, str]] = field(default_factory=list)


def run_one(script: Path, timeout: float) -> Result:
    """The script in a fresh interpreter; its output is echoed as it comes, and kept."""
    t0 = time.perf_counter()
    print(f"\n=== {script.name} ===", flush=True)
    lines: list[str] = []
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=HERE.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    expired = threading.Event()

    def kill() -> None:  # a watchdog: a script that hangs silently never ends the read loop below
        expired.set()
        proc.kill()

    watchdog = threading.Timer(timeout, kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line)
        code = proc.wait()
    finally:
        watchdog.cancel()
    status = f"timed out after {timeout:.0f} s" if expired.is_set() else "ok" if code == 0 else f"failed (exit {code})"
    output = "".join(lines)
    ratios = [_ratio(line) for line in lines if line.startswith(RATIO_PREFIX)]
    return Result(script.name, status, time.perf_counter() - t0, output, ratios)


def _ratio(line: str) -> tuple[str, str, str]:
    name, value, note = (*line[len(RATIO_PREFIX) :].rstrip("\n").split("\t", 2), "", "")[:3]
    return name, value, note


def earlier_rows(path: Path, ran: set[str]) -> list[str]:
    """The table rows of ``path`` for scripts not run now, each marked with that file's date:
    one benchmark can be re-run (``--only … --keep-others``) without passing off old figures as new."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    stamp = next((ln.split(" · ")[0] for ln in lines if " · " in ln and ln[:4].isdigit()), "an earlier run")
    rows = []
    for ln in lines:
        cells = ln.split(" | ")
        if ln.startswith("| bench_") and cells[0][2:] not in ran:
            note = cells[-1].rstrip(" |")
            tag = "" if "(run of " in note else f" (run of {stamp})"
            rows.append(" | ".join([*cells[:-1], note + tag]) + " |")
    return rows


def earlier_sections(path: Path, ran: set[str]) -> list[str]:
    """The output sections (``## bench_x.py (…)``) of ``path`` for scripts not run now."""
    if not path.is_file():
        return []
    out: list[str] = []
    keep = False
    for ln in path.read_text(encoding="utf-8").splitlines():
        if ln.startswith("## "):
            keep = ln[3:].split(" ")[0] not in ran
            if keep:
                out.append("")
        if keep:
            out.append(ln)
    return out


def markdown(results: list[Result], when: dt.datetime, kept: Sequence[str] = (), sections: Sequence[str] = ()) -> str:
    out = [
        "# Benchmark results",
        "",
        f"{when:%Y-%m-%d %H:%M} · {machine()} · `python bench/run_all.py`",
        "",
        "Ratios are measured in one run against a baseline in the same process, so they hold on a busy",
        "machine better than seconds do. Produced by `bench/run_all.py`; do not edit by hand.",
        "",
        "| benchmark | figure | value | note |",
        "|---|---|---:|---|",
    ]
    for r in results:
        if r.status != "ok":
            out.append(f"| {r.script} | **{r.status}** |  | after {r.seconds:.0f} s |")
        for name, value, note in r.ratios:
            out.append(f"| {r.script} | {name} | {value} | {note} |")
        if r.status == "ok" and not r.ratios:
            out.append(f"| {r.script} | (no RATIO lines: see its output below) |  | {r.seconds:.0f} s |")
    out += kept
    for r in results:
        if not r.ratios or r.status != "ok":
            tail = r.output.rstrip("\n").splitlines()[-TAIL_LINES:]
            head = f"## {r.script} ({r.status}, {r.seconds:.0f} s, last {len(tail)} lines)"
            out += ["", head, "", "```", *tail, "```"]
    out += sections
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per benchmark script")
    ap.add_argument("--only", nargs="*", help="names of the scripts to run (default: every bench_*.py)")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--keep-others", action="store_true",
                    help="with --only: keep the other scripts' rows of --out, marked with their run's date")
    args = ap.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.name in args.only or s.stem in args.only]
    when = dt.datetime.now()
    print(f"{len(scripts)} benchmark(s) on {machine()}", flush=True)
    results = [run_one(s, args.timeout) for s in scripts]
    ran = {s.name for s in scripts}
    kept = earlier_rows(args.out, ran) if args.keep_others else []
    sections = earlier_sections(args.out, ran) if args.keep_others else []
    text = markdown(results, when, kept, sections)
    tmp = args.out.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"\n{args.out}:\n\n{text}")
    sys.exit(0 if all(r.status == "ok" for r in results) else 1)


if __name__ == "__main__":
    main()
