"""sheetplan: computed, formatted, repeatable mega-sale plans in Excel.

The Python API (imported on first use, so the command line starts fast)::

    import sheetplan
    plan = sheetplan.read_plan("plan.xlsx")            # or sheetplan.plan_from_frames(...)
    results = sheetplan.compute(plan)
    frames = results.to_frames()
    sheetplan.write(results, "out/")
"""

from __future__ import annotations

from typing import Any

from .version import __version__ as __version__  # re-exported: sheetplan.__version__

__all__ = ["PlanError", "compute", "plan_frames", "plan_from_frames", "read_plan", "write"]


def __getattr__(name: str) -> Any:
    if name == "PlanError":
        from .plan.problems import PlanError

        return PlanError
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'sheetplan' has no attribute {name!r}")
