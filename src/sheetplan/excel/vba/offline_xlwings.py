"""Run xlwings' Windows-only UDF machinery on any OS, for the add-in build and for tests.

``xlwings.udfs`` imports ``pythoncom``, ``pywintypes`` and ``win32com.client`` at module
level and ``xw.func``/``xw.arg``/``xw.ret`` are no-ops off Windows. Inside
:func:`offline_xlwings` three small stand-in modules make ``xlwings.udfs`` importable, the
real decorators are put in place, and an engine named ``"excel"`` cleans values the way the
Windows engine does, so ``xlwings.conversion.read/write`` run exactly as inside Excel.
Everything is restored on exit, so no other code ever sees the stand-ins.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlwings

#: COM error codes Excel hands to Python for error cells (as in ``xlwings._xlwindows``).
CELL_ERRORS: dict[int, str] = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}
#: What COM passes for an omitted optional argument (``call_udf`` swaps in the default).
MISSING_ARG = -2147352572

_STUB_NAMES = ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs")
_DECORATORS = ("func", "arg", "ret", "sub")
_lock = threading.RLock()


class TimeType(dt.datetime):
    """Stand-in for ``pywintypes.TimeType``: what COM hands over for a date cell."""


class ComError(Exception):
    """Stand-in for ``pywintypes.com_error``."""


def _stub_modules() -> dict[str, types.ModuleType]:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pythoncom.IID_IDispatch = object()  # type: ignore[attr-defined]
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.TimeType = TimeType  # type: ignore[attr-defined]
    pywintypes.com_error = ComError  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")

    def dispatch(*_a: Any, **_k: Any) -> Any:
        raise ComError("no COM offline")

    client.Dispatch = dispatch  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com, "win32com.client": client}


class OfflineExcelEngine:
    """The value-cleaning half of ``xlwings._xlwindows.Engine``, without COM."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def clean_value_data(
        data: list[list[Any]], datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: bool
    ) -> list[list[Any]]:
        args = (datetime_builder, empty_as, number_builder, err_to_str)
        return [[_clean(c, *args) for c in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x: Any, _options: Any) -> Any:
        if x is None or (isinstance(x, float) and x != x):
            return ""
        return x


def _clean(value: Any, datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: bool) -> Any:
    # Mirrors xlwings._xlwindows._clean_value_data_element (same branch order).
    if value in ("", None):
        return empty_as
    if isinstance(value, dt.date | dt.datetime | TimeType):
        return datetime_builder(
            month=value.month,
            day=value.day,
            year=value.year,
            hour=getattr(value, "hour", 0),
            minute=getattr(value, "minute", 0),
            second=getattr(value, "second", 0),
            microsecond=getattr(value, "microsecond", 0),
            tzinfo=None,
        )
    if number_builder is not None and isinstance(value, float):
        return number_builder(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in CELL_ERRORS:
        return CELL_ERRORS[value] if err_to_str else None
    return value


@dataclass
class OfflineXlwings:
    """Handles given out by :func:`offline_xlwings`."""

    udfs: types.ModuleType  # xlwings.udfs, imported with the stand-ins
    conversion: types.ModuleType  # xlwings.conversion

    def load_module(self, name: str, path: Path | None = None) -> types.ModuleType:
        """A private, freshly decorated copy of module ``name`` (sys.modules untouched)."""
        if path is None:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                raise ImportError(name)
            path = Path(spec.origin)
        spec = importlib.util.spec_from_file_location(f"_sheetplan_offline_{name.replace('.', '_')}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def vba_wrappers(self, module_name: str, module: types.ModuleType, book_name: str) -> str:
        """xlwings' own UDF wrapper text, as ``ImportFunctions`` would write it into Excel."""
        import io

        buf = io.StringIO()
        book = types.SimpleNamespace(Name=book_name)
        self.udfs.generate_vba_wrapper(module_name, module, buf, book)
        return buf.getvalue()

    def call(self, func: Callable[..., Any], *raw_args: Any) -> Any:
        """Call a decorated UDF the way ``xlwings.udfs.call_udf`` does, minus COM."""
        info = func.__xlfunc__  # type: ignore[attr-defined]
        args = list(raw_args)
        for i, arg in enumerate(args):
            arg_info = info["args"][min(i, len(info["args"]) - 1)]
            if isinstance(arg, int) and not isinstance(arg, bool) and arg == MISSING_ARG:
                args[i] = arg_info.get("optional", None)
            else:
                args[i] = self.conversion.read(None, arg, arg_info["options"])
        # Excel passes every declared argument (omitted optionals as MISSING_ARG).
        for arg_info in info["args"][len(args) :]:
            args.append(arg_info.get("optional", None))
        ret = func(*args)
        return self.conversion.write(ret, None, info["ret"]["options"])


@contextmanager
def offline_xlwings() -> Iterator[OfflineXlwings]:
    """Install the stand-ins and the ``excel`` engine; restore everything afterwards."""
    with _lock:
        saved_modules = {n: sys.modules.get(n) for n in _STUB_NAMES}
        saved_attrs = {n: getattr(xlwings, n) for n in _DECORATORS}
        engines = xlwings.engines
        had_excel = "excel" in engines.engines_by_name
        engine = None
        try:
            sys.modules.pop("xlwings.udfs", None)
            sys.modules.update(_stub_modules())
            import xlwings.conversion as conversion
            import xlwings.udfs as udfs

            xlwings.func, xlwings.arg = udfs.xlfunc, udfs.xlarg
            xlwings.ret, xlwings.sub = udfs.xlret, udfs.xlsub
            if not had_excel:
                engine = xlwings.main.Engine(impl=OfflineExcelEngine())
                engines.add(engine)
            yield OfflineXlwings(udfs=udfs, conversion=conversion)
        finally:
            for n, attr in saved_attrs.items():
                setattr(xlwings, n, attr)
            if engine is not None:
                engines.engines.remove(engine)
                engines.engines_by_name.pop("excel", None)
            for n, mod in saved_modules.items():
                if mod is None:
                    sys.modules.pop(n, None)
                else:
                    sys.modules[n] = mod
            if saved_modules["xlwings.udfs"] is None and hasattr(xlwings, "udfs"):
                delattr(xlwings, "udfs")
