"""The Python API for scripts and notebooks (agencies with ERP exports): plans from DataFrames,
results as DataFrames, the same workbooks as `sheetplan build`.

    import pandas as pd
    import sheetplan

    plan = sheetplan.plan_from_frames(settings, duties=duties, staff=staff, shifts=shifts, ...)
    results = sheetplan.compute(plan)
    frames = results.to_frames()          # warehouse, shares, service, assignments, cover, ...
    sheetplan.write(results, "out/shop-001")

A plan made from frames is validated exactly as a workbook is — the same reader, the same
messages — only the places read ``staff row 3 (岗位)`` instead of ``人员!C5``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from .build import build_plan
from .messages import msg
from .pipeline import Results
from .pipeline import compute as _compute
from .plan import model as m
from .plan.frames import plan_frames  # the frames out live below the API: the plan model uses them too
from .plan.problems import PlanError, Problem
from .plan.reader import _Reader
from .plan.reader import read_plan as _read_plan
from .plan.schema import SETTINGS, SHEET_BY_KEY
from .result_frames import results_frames

__all__ = ["compute", "plan_frames", "plan_from_frames", "read_plan", "results_frames", "write"]

FRAME_ARGS = {  # argument name -> schema sheet key
    "phases": "phases", "windows": "windows", "departments": "departments", "duties": "duties",
    "staff": "staff", "shifts": "shifts", "requirements": "requirements", "fixed": "fixed", "requests": "requests",
    "posts": "posts", "demand": "service", "volumes": "volumes", "curves": "curves", "inventory": "inventory",
    "mustcover": "mustcover",  # 必保时段 / must-cover windows
}
_CELL = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]+)(?P<row>\d+)")


def read_plan(path: str | Path, lang: str | None = None) -> m.Plan:
    """A plan workbook, validated (PlanError lists every error); its tables: :func:`plan_frames`."""
    lg = _lang_or_raise(lang)
    if not isinstance(path, str | Path):
        raise PlanError([Problem("path", msg("api_path", lg, type=type(path).__name__))])
    return _read_plan(path, lang)


def compute(plan: m.Plan, *, rosters: bool = True) -> Results:
    """Every number of every output (`rosters=False` skips the roster solves, the slow part)."""
    if not isinstance(plan, m.Plan):
        raise PlanError([Problem("plan", msg("api_plan", "zh", type=type(plan).__name__))])
    return _compute(plan, with_rosters=rosters)


def write(results: Results, out_dir: str | Path, stem: str = "plan") -> list[Path]:
    """The same workbooks as `sheetplan build` (one all-or-nothing set) into ``out_dir``."""
    if not isinstance(results, Results) or results.plan is None:
        raise PlanError([Problem("results", msg("api_results", "zh", type=type(results).__name__))])
    lg = results.plan.lang
    for arg, value in (("out_dir", out_dir), ("stem", stem)):
        if not isinstance(value, str | Path):
            raise PlanError([Problem(arg, msg("api_path", lg, type=type(value).__name__))])
    return build_plan(results.plan, out_dir, str(stem), results)


def plan_from_frames(settings: Mapping[str, Any] | pd.DataFrame, *, lang: str | None = None,
                     products: pd.DataFrame | None = None, **frames: pd.DataFrame | None) -> m.Plan:
    """A plan from DataFrames, one per sheet of the plan workbook (columns named as its headers,
    Chinese or English, in any order): ``phases``, ``windows``, ``departments``, ``duties``,
    ``staff``, ``shifts``, ``requirements``, ``mustcover`` (必保时段), ``fixed``, ``requests`` (员工意愿),
    ``posts``, ``demand`` (客服需求; :meth:`Plan.frames` calls it ``service``), ``volumes``,
    ``curves``, ``inventory``, ``products``. ``settings`` maps setting names (活动名称 / Campaign /
    name …) to values, or is a two-column frame. Raises PlanError with every problem, each
    naming its frame, row (the frame's index) and column; warnings end up on ``plan.warnings``."""
    unknown = sorted(set(frames) - set(FRAME_ARGS))
    if unknown:
        raise TypeError(f"unknown tables: {', '.join(unknown)} (use: {', '.join(FRAME_ARGS)})")
    lg = _lang_or_raise(lang, settings)
    given = (*frames.items(), ("products", products))
    wrong = [Problem(arg, msg("api_frame", lg, type=type(f).__name__))
             for arg, f in given if f is not None and not isinstance(f, pd.DataFrame)]
    if wrong:
        raise PlanError(wrong)
    wb = Workbook()
    wb.remove(wb.active)
    places: dict[str, tuple[str, pd.DataFrame | None]] = {}  # sheet title -> (argument, frame)
    bad_values: list[Problem] = []
    _settings_sheet(wb, settings, places, lg, bad_values)
    for arg, key in FRAME_ARGS.items():
        frame = frames.get(arg)
        if frame is not None and (len(frame.columns) or SHEET_BY_KEY[key].required):
            _table_sheet(wb, SHEET_BY_KEY[key].zh, frame, places, arg, lg, bad_values)
    if bad_values:
        raise PlanError(bad_values)
    reader = _FrameReader(wb, Path("frames"), lang)
    plan, problems = reader.read()
    problems = [_placed(p, places) for p in problems]
    if products is not None and plan is not None:
        df, more = _products(products, plan.lang)
        plan.products = df
        problems += [_placed(p, {SHEET_BY_KEY["products"].zh: ("products", products), **places}) for p in more]
    errors = [p for p in problems if p.severity == "error"]
    if errors or plan is None:
        raise PlanError(errors or problems)
    plan.warnings = problems
    return plan


class _FrameReader(_Reader):
    """The workbook reader over frames: a frame holds values, never formulas, and there is no
    file to look for them in (a blank required cell is simply blank)."""

    def formula_at(self, ws: Any, coord: str) -> str | None:
        return None


def _lang_or_raise(lang: Any, settings: Any = None) -> str:
    """The language for messages about the arguments themselves: ``lang``, else the settings'
    语言 / language, else Chinese. A ``lang`` that is neither is itself a PlanError."""
    if lang is not None and lang not in ("zh", "en"):
        raise PlanError([Problem("lang", msg("api_lang", "zh", value=lang))])
    if lang is None and isinstance(settings, Mapping):
        names = {"language", "语言", "Language"}
        lang = next((str(v).strip().lower() for k, v in settings.items() if str(k) in names), None)
    return lang if lang in ("zh", "en") else "zh"


def _settings_sheet(wb: Workbook, settings: Mapping[str, Any] | pd.DataFrame, places: dict, lang: str,
                    bad: list[Problem]) -> None:
    ws = wb.create_sheet(SHEET_BY_KEY["campaign"].zh)
    ws.append(["项目", "值"])
    if isinstance(settings, pd.DataFrame):
        if len(settings.columns) < 2:
            raise PlanError([Problem("settings", msg("api_settings_columns", lang, n=len(settings.columns)))])
        rows = [(r[0], r[1]) for r in settings.itertuples(index=False)]
    elif isinstance(settings, Mapping):
        by_key = {c.key: c.zh for c in SETTINGS}
        rows = [(by_key.get(str(k), k), v) for k, v in settings.items()]
    else:
        raise PlanError([Problem("settings", msg("api_settings", lang, type=type(settings).__name__))])
    for i, (name, value) in enumerate(rows, start=1):
        ws.append([_cell(name if isinstance(name, str) else str(name), f"settings row {i}", lang, bad),
                   _cell(value, f"settings row {i} ({name})", lang, bad)])
    places[ws.title] = ("settings", None)


def _table_sheet(wb: Workbook, title: str, frame: pd.DataFrame, places: dict, arg: str, lang: str,
                 bad: list[Problem]) -> None:
    ws = wb.create_sheet(title)
    columns = [str(c) for c in frame.columns]
    ws.append(columns)
    for label, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        ws.append([_cell(v, f"{arg} row {label} ({c})", lang, bad) for c, v in zip(columns, values, strict=True)])
    places[title] = (arg, frame)


def _cell(v: Any, where: str = "", lang: str = "zh", bad: list[Problem] | None = None) -> Any:
    """A frame value as openpyxl stores a typed cell: None for missing (NaN, NaT, pd.NA, None),
    plain Python types; anything else is a problem at ``where`` (and a blank cell)."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        v = pd.Timestamp(v) if isinstance(v, np.datetime64) else v.item()
        if v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, list | tuple):
        return "、".join(map(str, v))
    if isinstance(v, dt.timedelta):  # a time of day held as a duration
        minutes = round(v.total_seconds() / 60)
        return dt.time((minutes // 60) % 24, minutes % 60)
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, str | bool | int | float | dt.date | dt.time):
        return v
    if bad is not None:
        bad.append(Problem(where, msg("api_value", lang, value=v, type=type(v).__name__)))
    return None


def _placed(p: Problem, places: dict[str, tuple[str, pd.DataFrame | None]]) -> Problem:
    """'人员!C5' -> 'staff row 3 (岗位)': the frame, its index label and the column's own name."""
    match = _CELL.match(p.where)
    title = match.group("sheet") if match else p.where.split("!")[0]
    if title not in places:
        return p
    arg, frame = places[title]
    if not match:
        return Problem(arg, p.message, p.severity)
    row, col = int(match.group("row")), column_index_from_string(match.group("col"))
    if frame is None:  # settings: row 2 holds the first setting
        return Problem(f"{arg} row {row - 1}", p.message, p.severity)
    label = frame.index[row - 2] if 0 <= row - 2 < len(frame) else row - 2
    column = str(frame.columns[col - 1]) if 0 < col <= len(frame.columns) else get_column_letter(col)
    return Problem(f"{arg} row {label} ({column})", p.message, p.severity)


def _products(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Problem]]:
    from .plan.products_reader import _Table

    columns = [str(c) for c in frame.columns]
    bad: list[Problem] = []
    rows = [columns, *([_cell(v, f"products row {label} ({c})", lang, bad) for c, v in zip(columns, r, strict=True)]
                       for label, r in zip(frame.index, frame.itertuples(index=False), strict=True))]
    df, problems = _Table(SHEET_BY_KEY["products"].zh, rows, lang).read()
    return df, bad + problems
