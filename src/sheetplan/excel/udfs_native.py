"""The SP_* functions for Excel with dynamic arrays: table answers spill natively.

:mod:`sheetplan.excel.udfs` marks table answers ``expand="table"``, xlwings' way of filling a range in
Excel 2016/2019: after the call it writes the formula again as a legacy array formula over the
answer's size. Excel 365 does not need that and suffers from it (xlwings issue 2025): the
answer becomes a ``{=…}`` block that overwrites its neighbours instead of a native spill with
``#SPILL!`` when something is in the way. So this module offers the same functions — the same
code, arguments and help — with the ``expand`` option dropped; the add-in's VBA wrappers call
it when Excel has dynamic arrays (``SheetPlanUdfModule`` in the generated wrapper module) and
:mod:`sheetplan.excel.udfs` otherwise.
"""

from __future__ import annotations

import copy
import functools
import types
from collections.abc import Callable
from typing import Any

from sheetplan.excel import udfs as _udfs

MODULE = "sheetplan.excel.udfs_native"


def spilling(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with its own copy of xlwings' description, minus the ``expand`` return option."""

    @functools.wraps(func)
    def native(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    info = getattr(func, "__xlfunc__", None)
    if info is not None:  # off Windows xlwings' decorators are no-ops and there is none
        info = copy.deepcopy(info)
        info["ret"]["options"].pop("expand", None)
        native.__xlfunc__ = info  # type: ignore[attr-defined]
    return native


def expanding(module: types.ModuleType) -> list[str]:
    """Names of ``module``'s UDFs that xlwings would resize as legacy arrays."""
    out = []
    for name in module.__all__:
        info = getattr(getattr(module, name), "__xlfunc__", None)
        if info is not None and "expand" in info["ret"]["options"]:
            out.append(name)
    return out


def native_functions(module: types.ModuleType) -> dict[str, Callable[..., Any]]:
    """Every UDF of ``module`` (normally :mod:`sheetplan.excel.udfs`), each spilling natively."""
    return {name: spilling(getattr(module, name)) for name in module.__all__}


globals().update(native_functions(_udfs))
__all__ = list(_udfs.__all__)
