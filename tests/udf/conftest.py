"""Offline xlwings for UDF tests: stand-in ``pythoncom``/``pywintypes``/``win32com.client``,
the real ``xw.func/arg/ret`` decorators and an ``excel`` engine that cleans values like the
Windows engine, so each ``SP_*`` runs through xlwings' own ``conversion.read``/``write``."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sheetplan.excel.vba.offline_xlwings import OfflineXlwings, offline_xlwings


@pytest.fixture(scope="package")
def xl() -> Iterator[OfflineXlwings]:
    with offline_xlwings() as handles:
        yield handles


@pytest.fixture(scope="package")
def udfs(xl: OfflineXlwings) -> types.ModuleType:
    """``sheetplan.excel.udfs`` freshly decorated (so ``__xlfunc__`` is there, as on Windows)."""
    return xl.load_module("sheetplan.excel.udfs")


@pytest.fixture(scope="package")
def excel(xl: OfflineXlwings, udfs: types.ModuleType) -> Callable[..., Any]:
    """``excel("SP_X", raw1, raw2, ...)`` → the 2-D values Excel would display."""

    def call(name: str, *raw: Any) -> Any:
        return xl.call(getattr(udfs, name), *raw)

    return call
