"""The one place a CP-SAT solver is made, so that every solve leaves Ctrl-C to Python.

CP-SAT catches SIGINT itself by default (``catch_sigint_signal``), and when its solve ends it
leaves SIGINT at the operating system's default action, whatever it was before (checked with
ortools 9.15: a process that ignored SIGINT, or Python's own handler, no longer had it after
one solve). So after the first roster a Ctrl-C ended `sheetplan build` without a word, and a
batch worker — which ignores Ctrl-C to finish its plan while the batch stops — was killed
mid-plan (once with a C++ 'std::bad_function_call'). With it off, Python sees Ctrl-C: a
KeyboardInterrupt once the running solve ends (each is bounded by its budget).
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def new_solver() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver
