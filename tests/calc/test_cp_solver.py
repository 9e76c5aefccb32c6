"""Every CP-SAT solve leaves Ctrl-C to Python (sheetplan.calc.cp_solver): by default CP-SAT
leaves SIGINT at the system default after a solve, so a Ctrl-C ended `sheetplan build` without
a word and killed a batch worker mid-plan instead of letting it finish."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sheetplan"

PROBE = r"""
import signal, sys
from ortools.sat.python import cp_model
from sheetplan.calc.cp_solver import new_solver

def sigint(field):
    for line in open('/proc/self/status'):
        if line.startswith(field):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))

def solve(make):
    m = cp_model.CpModel()
    x = m.new_int_var(0, 10, 'x')
    m.maximize(x)
    make().solve(m)

make = new_solver if sys.argv[1] == 'ours' else cp_model.CpSolver
# Python's own handler, whatever was inherited: a test run started in the background of a
# shell inherits SIGINT ignored, and Python then installs no handler of its own
signal.signal(signal.SIGINT, signal.default_int_handler)
caught = sigint('SigCgt')  # Python's handler: Ctrl-C is a KeyboardInterrupt
solve(make)
after_caught = sigint('SigCgt')
signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a batch worker: it finishes its plan
solve(make)
print(caught, after_caught, sigint('SigIgn'))
"""


def probe(which: str) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, which], capture_output=True, text=True,
                          check=True).stdout.split()


def test_a_solve_leaves_ctrl_c_as_it_found_it() -> None:
    assert probe("ours") == ["True", "True", "True"]
    assert probe("plain") == ["True", "False", "False"]  # why: CP-SAT's own handler, left as the default


def test_every_solver_is_made_in_one_place() -> None:
    made = [f"{p.relative_to(SRC)}:{n}" for p in SRC.rglob("*.py") if p.name != "cp_solver.py"
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"\bCpSolver\(", line)]
    assert made == []
