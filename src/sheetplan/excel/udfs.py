"""xlwings UDFs (``=SP_...`` in Excel cells): thin adapters over :mod:`sheetplan.calc`.

Every function here parses what Excel passes (a cell, a row, a column, a 2-D range, blanks,
numbers typed as text, dates as serials, error cells), calls one calculator, and shapes the
answer for the sheet. A UDF never raises into Excel: bad input comes back as one short text
in one cell, ``#SP! <argument>: <why>``, so a planner sees which argument to fix.

All arguments use ``ndim=2`` (always a list of rows, whatever the caller selected),
``err_to_str`` (error cells arrive as ``"#N/A"`` instead of an indistinguishable ``None``)
and a date builder that turns date cells into Excel serial numbers, which is what a native
formula would see. Table answers use ``expand="table"`` so xlwings fills them as legacy arrays in
Excel 2016/2019; in Excel 365 the add-in calls the same functions in
:mod:`sheetplan.excel.udfs_native`, without ``expand``, so they spill natively. The functions are
plain Python as well (``SP_HEADCOUNT(12000, 1.5, 200)`` works on any OS); there xlwings'
decorators are no-ops.

Every range argument is cut to the last row and column that hold something (:func:`_ranges`),
so a whole-column reference answers its data, not a million rows. The two solver-backed
functions (SP_ROSTER, SP_SHIFT_PLAN) are not run inside Insert Function while the planner types
(xlwings' ``call_in_wizard=False``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import xlwings as xw

from sheetplan.calc import outreach as _outreach
from sheetplan.calc import products as _products
from sheetplan.calc import service as _service
from sheetplan.calc import shares as _shares
from sheetplan.calc import warehouse as _warehouse
from sheetplan.render.labels import label

__all__ = [
    "SP_ABC",
    "SP_AGENTS",
    "SP_HEADCOUNT",
    "SP_OUTREACH",
    "SP_ROSTER",
    "SP_SELLOUT_HOURS",
    "SP_SERVICE_LEVEL",
    "SP_SHARE",
    "SP_SHARE_TABLE",
    "SP_SHIFT_PLAN",
    "SP_STOCKUP",
    "SP_TIER",
]

CATEGORY = "SheetPlan"
ERROR_PREFIX = "#SP!"
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)

# Column headers of SP_SHARE_TABLE: label keys of sheetplan.render.labels (zh/en, one place).
SHARE_TABLE_HEADER = ("sh_category", "sh_quantity", "sh_amount", "sh_qshare", "sh_ashare", "sh_price", "sh_abc")
SHARE_TABLE_TOTAL = "sh_total"
SHIFT_PLAN_HEADER = ("sp_start", "sp_length", "sp_people")  # label keys, as SHARE_TABLE_HEADER
SHIFT_PLAN_UNCOVERED = "sp_uncovered"  # last row when no shift can reach some demand

#: Larger loads would keep Excel busy for minutes (Erlang B walks every agent count).
MAX_ERLANGS = 100_000
MAX_CELLS = 10_000  # cells one call may compute
MAX_INTERVALS = 5_000  # SP_SHIFT_PLAN: 52 days of 15 minutes, 208 days of hours
MAX_SHIFT_LENGTHS = 8
MAX_AGENT_STEPS = 5_000_000  # SP_SERVICE_LEVEL: agents summed over all cells

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_F = TypeVar("_F", bound=Callable[..., Any])
Grid = list[list[Any]]


class ArgError(ValueError):
    """Bad input, attributed to one argument; becomes ``#SP! arg: why`` in the cell."""

    def __init__(self, arg: str | None, why: str) -> None:
        super().__init__(f"{arg}: {why}" if arg else why)
        self.arg = arg
        self.why = why


def error_text(arg: str | None, why: str) -> str:
    """The one format of every UDF error (a single cell of text)."""
    return f"{ERROR_PREFIX} {arg}: {why}" if arg else f"{ERROR_PREFIX} {why}"


def _serial(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
            microsecond: int = 0, tzinfo: Any = None) -> float:
    """Date builder for xlwings' reader: a date cell becomes its Excel serial number."""
    delta = dt.datetime(year, month, day, hour, minute, second, microsecond) - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


def _safe(func: _F) -> _F:
    """Turn every exception into an error text; calculator messages name their argument."""
    names = func.__code__.co_varnames[: func.__code__.co_argcount]

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        try:
            return func(*args)
        except ArgError as e:
            return error_text(e.arg, e.why)
        except OverflowError:
            return error_text(None, "numbers too large")
        except ValueError as e:
            text = str(e)
            head, _, rest = text.partition(" ")
            if head in names and rest:
                return error_text(head, rest)
            return error_text(None, text)
        except Exception as e:  # never raise into Excel
            return error_text(None, f"internal error ({type(e).__name__}: {e})"[:100])

    return wrapper  # type: ignore[return-value]


# ----------------------------------------------------------------------------- input parsing
def _grid(value: Any) -> Grid:
    """Whatever arrived (2-D list from xlwings, 1-D list, scalar from plain Python) as rows."""
    if isinstance(value, list | tuple):
        if not value:
            return []
        if all(isinstance(r, list | tuple) for r in value):
            return [list(r) for r in value]
        return [list(value)]
    return [[value]]


def _flat(value: Any) -> list[Any]:
    return [c for row in _grid(value) for c in row]


def _ranges(*values: Any) -> list[Grid]:
    """Ranges as grids cut to the last row and column that hold something, over all of them
    together so parallel ranges stay parallel: ``=SP_SHARE(A:A)`` with 50 numbers answers 50
    rows, not 1,048,576 (``#SPILL!`` in Excel 365, a million-row array in 2016). A single cell
    is left as it is; an all-blank range becomes its first cell."""
    grids = [_grid(v) for v in values]
    rows = cols = 1
    for g in grids:
        if sum(len(r) for r in g) <= 1:
            continue
        for r in range(len(g) - 1, -1, -1):  # from the end: a whole column is mostly blank
            row = g[r]
            last = next((c for c in range(len(row) - 1, -1, -1) if not _blank(row[c])), -1)
            if last >= 0:
                rows = max(rows, r + 1)
                cols = max(cols, last + 1)
    return [g if sum(len(r) for r in g) <= 1 else [row[:cols] for row in g[:rows]] for g in grids]


def _range(value: Any) -> Grid:
    """One range cut to what it holds (see :func:`_ranges`)."""
    return _ranges(value)[0]


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, str) and not x.strip())


def _to_float(arg: str, x: Any, where: str = "") -> float:
    """One cell as a number: numbers, numbers stored as text ("1,200", "80%"), dates."""
    at = f"{where} " if where else ""
    if _blank(x):
        raise ArgError(arg, f"{at}is empty".strip())
    if isinstance(x, bool):
        raise ArgError(arg, f"{at}must be a number, not {str(x).upper()}")
    if isinstance(x, dt.datetime | dt.date):
        x = _serial(x.year, x.month, x.day, getattr(x, "hour", 0), getattr(x, "minute", 0))
    if isinstance(x, int | float):
        v = float(x)
    elif isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).strip()
        if s.upper() in EXCEL_ERRORS:
            raise ArgError(arg, f"{at}holds the error {s.upper()}")
        pct = s.endswith("%")
        s = s.rstrip("%").replace(",", "").replace(" ", "")
        try:
            v = float(s)
        except ValueError:
            raise ArgError(arg, f"{at}must be a number, not '{x[:20]}'") from None
        if pct:
            v /= 100
    else:
        raise ArgError(arg, f"{at}must be a number")
    if not math.isfinite(v):
        raise ArgError(arg, f"{at}must be a finite number")
    return v


def _single(arg: str, value: Any) -> Any:
    cells = _flat(value)
    if len(cells) != 1:
        raise ArgError(arg, "must be a single cell")
    return cells[0]


def _number(arg: str, value: Any, default: float | None = None) -> float:
    """A scalar argument; a blank or omitted optional one takes its default."""
    x = _single(arg, value)
    if _blank(x) and default is not None:
        return default
    return _to_float(arg, x)


def _numbers(
    arg: str, value: Any, non_negative: bool = False
) -> tuple[Grid, list[tuple[int, int]], list[float]]:
    """A range of numbers: the grid, the positions of the non-blank cells, their values."""
    grid = _range(value)
    pos: list[tuple[int, int]] = []
    vals: list[float] = []
    for r, row in enumerate(grid):
        for c, x in enumerate(row):
            if _blank(x):
                continue
            where = f"cell {r * len(row) + c + 1}" if len(grid) * len(row) > 1 else ""
            v = _to_float(arg, x, where)
            if non_negative and v < 0:
                raise ArgError(arg, f"{where} must not be negative".strip())
            vals.append(v)
            pos.append((r, c))
    if not vals:
        raise ArgError(arg, "has no numbers")
    return grid, pos, vals


def _place(grid: Grid, pos: Sequence[tuple[int, int]], results: Sequence[Any]) -> Grid:
    """Results back at their input positions; blanks stay blank (same shape as the input)."""
    out: Grid = [["" for _ in row] for row in grid]
    for (r, c), v in zip(pos, results, strict=True):
        out[r][c] = v
    return out


def _column(arg: str, grid: Grid) -> list[Any]:
    """A one-dimensional range (row or column) from :func:`_ranges`, as a list of cells."""
    if len(grid) > 1 and len(grid[0]) > 1:
        raise ArgError(arg, "must be one row or one column")
    return _flat(grid)


def _text(arg: str, value: Any, default: str) -> str:
    x = _single(arg, value)
    if _blank(x):
        return default
    if isinstance(x, str) and x.strip().upper() in EXCEL_ERRORS:
        raise ArgError(arg, f"holds the error {x.strip().upper()}")
    return str(x).strip()


_METHODS = {
    "exact": "exact", "精确": "exact", "精确占比": "exact", "0": "exact",
    "largest_remainder": "largest_remainder", "largest remainder": "largest_remainder",
    "lr": "largest_remainder", "hamilton": "largest_remainder", "最大余数": "largest_remainder",
    "最大余数法": "largest_remainder", "1": "largest_remainder",
}


def _method(value: Any) -> str:
    m = _text("method", value, "exact").lower()
    try:
        return _METHODS[m.removesuffix(".0")]
    except KeyError:
        why = f"must be exact/精确 or largest_remainder/最大余数, not '{m[:20]}'"
        raise ArgError("method", why) from None


_LANGS = {"zh": "zh", "中文": "zh", "cn": "zh", "en": "en", "english": "en", "英文": "en"}


def _lang(value: Any) -> str:
    v = _text("lang", value, "zh").lower()
    if v not in _LANGS:
        raise ArgError("lang", f"must be zh or en, not '{v[:20]}'")
    return _LANGS[v]


def _whole(arg: str, value: Any, default: int, low: int, high: int) -> int:
    v = _number(arg, value, float(default))
    if v != int(v) or not low <= v <= high:
        raise ArgError(arg, f"must be a whole number from {low} to {high}")
    return int(v)


# --------------------------------------------------------------------------------- the UDFs
_ARG = {"ndim": 2, "err_to_str": True, "dates": _serial}


@xw.func(category=CATEGORY)
@xw.arg("orders", doc="Daily orders X (订单量), a number ≥ 0", **_ARG)
@xw.arg("coefficient", doc="Campaign-effect coefficient (活动效果系数), > 0, e.g. 1.5", **_ARG)
@xw.arg("per_person", doc="Orders one person handles per day at this post (人效 Y), > 0", **_ARG)
@_safe
def SP_HEADCOUNT(orders: Any, coefficient: Any, per_person: Any) -> Any:
    """Warehouse heads for one post: ⌈orders × coefficient ÷ per_person⌉ (配货人数)."""
    return _warehouse.headcount(
        _number("orders", orders), _number("coefficient", coefficient), _number("per_person", per_person)
    )


@xw.func(category=CATEGORY)
@xw.arg("values", doc="Quantities or amounts to share (a row, a column or a range; blanks skipped)", **_ARG)
@xw.arg("decimals", doc="Percent decimals for largest_remainder (default 1 → 17.1%)", **_ARG)
@xw.arg("method", doc='"exact" (default, 精确) or "largest_remainder" (最大余数: sums to 100%)', **_ARG)
@xw.ret(expand="table")
@_safe
def SP_SHARE(values: Any, decimals: Any = 1, method: Any = "exact") -> Any:
    """Each value's share of the total, as fractions in the shape of the input (占比)."""
    grid, pos, vals = _numbers("values", values, non_negative=True)
    out = _shares.shares(vals, _whole("decimals", decimals, 1, 0, 6), _method(method))  # type: ignore[arg-type]
    return _place(grid, pos, out)


@xw.func(category=CATEGORY)
@xw.arg("labels", doc="Category names (类目), one row or column", **_ARG)
@xw.arg("quantities", doc="Units per category (件数), same length as labels", **_ARG)
@xw.arg("amounts", doc="Discounted value per category (折后金额), same length as labels", **_ARG)
@xw.arg("decimals", doc="Percent decimals for largest_remainder (default 1)", **_ARG)
@xw.arg("method", doc='"exact" (default, 精确) or "largest_remainder" (最大余数)', **_ARG)
@xw.arg("lang", doc='Header language: "zh" (default, 中文) or "en"', **_ARG)
@xw.ret(expand="table")
@_safe
def SP_SHARE_TABLE(
    labels: Any, quantities: Any, amounts: Any, decimals: Any = 1, method: Any = "exact", lang: Any = "zh"
) -> Any:
    """Share table with header and 合计 row: units, value, their shares, unit price, ABC."""
    cols = [_column(name, g) for name, g in zip(("labels", "quantities", "amounts"),
                                                 _ranges(labels, quantities, amounts), strict=True)]
    n = max(len(c) for c in cols)
    lab, qty, amt = ([*c, *[None] * (n - len(c))] for c in cols)
    while n and all(_blank(c[n - 1]) for c in (lab, qty, amt)):
        n -= 1  # a selection longer than the data
    if n == 0:
        raise ArgError("labels", "has no rows")
    q = [_to_float("quantities", x, f"row {i + 1}") for i, x in enumerate(qty[:n])]
    a = [_to_float("amounts", x, f"row {i + 1}") for i, x in enumerate(amt[:n])]
    for name, vals in (("quantities", q), ("amounts", a)):
        for i, v in enumerate(vals):
            if v < 0:
                raise ArgError(name, f"row {i + 1} must not be negative")
    labels_s = ["" if _blank(x) else str(x) for x in lab[:n]]
    table = _shares.share_table(
        labels_s, q, a, _whole("decimals", decimals, 1, 0, 6), _method(method)  # type: ignore[arg-type]
    )
    lg = _lang(lang)
    rows: Grid = [[label(k, lg) for k in SHARE_TABLE_HEADER]]
    for r in table.rows:
        rows.append([r.label, r.quantity, r.amount, r.quantity_share, r.amount_share, r.unit_price, r.abc])
    rows.append([
        label(SHARE_TABLE_TOTAL, lg),
        table.total_quantity,
        table.total_amount,
        1.0 if table.total_quantity else 0.0,
        1.0 if table.total_amount else 0.0,
        table.total_unit_price,
        "",
    ])
    return rows


@xw.func(category=CATEGORY)
@xw.arg("customers", doc="Customers to call (e.g. 4000 VIP buyers)", **_ARG)
@xw.arg("callers", doc="People making calls (e.g. 20), > 0", **_ARG)
@xw.arg("days", doc="Days available (e.g. 4), > 0", **_ARG)
@_safe
def SP_OUTREACH(customers: Any, callers: Any, days: Any) -> Any:
    """Calls each caller makes per day, rounded up (4000 VIPs, 20 callers, 4 days → 50)."""
    return _outreach.calls_per_caller_per_day(
        _number("customers", customers), _number("callers", callers), _number("days", days)
    )


@xw.func(category=CATEGORY)
@xw.arg("values", doc="Values to classify (e.g. 折后金额 per item); blanks skipped", **_ARG)
@xw.arg("a_share", doc="Share of value in class A (default 0.7)", **_ARG)
@xw.arg("b_share", doc="Share of value in class B (default 0.2)", **_ARG)
@xw.ret(expand="table")
@_safe
def SP_ABC(values: Any, a_share: Any = 0.7, b_share: Any = 0.2) -> Any:
    """ABC class (A/B/C) of each value by its cumulative share of the total, input-shaped."""
    grid, pos, vals = _numbers("values", values, non_negative=True)
    a = _number("a_share", a_share, 0.7)
    b = _number("b_share", b_share, 0.2)
    if not 0 < a < 1:
        raise ArgError("a_share", "must be between 0 and 1")
    if not 0 <= b < 1 or a + b > 1:
        raise ArgError("b_share", "must be between 0 and 1 with a_share + b_share ≤ 1")
    return _place(grid, pos, _shares.abc_classes(vals, a, b))


@xw.func(category=CATEGORY)
@xw.arg("arrivals", doc="Contacts arriving per interval (a cell, row, column or range)", **_ARG)
@xw.arg("aht_seconds", doc="Average handle time in seconds, > 0", **_ARG)
@xw.arg("target_sl", doc="Service-level target as a fraction, e.g. 0.8 (80%)", **_ARG)
@xw.arg("answer_seconds", doc="Answer-time target in seconds, e.g. 20", **_ARG)
@xw.arg("interval_minutes", doc="Interval length in minutes (default 60)", **_ARG)
@xw.arg("concurrency", doc="Chats held at once as a handle-time divisor (default 1; 2 chats ≈ 1.7)", **_ARG)
@xw.arg("max_occupancy", doc="Occupancy cap, e.g. 0.85 (default 1 = no cap)", **_ARG)
@xw.arg("shrinkage", doc="Share of paid time off the phones, e.g. 0.3 (default 0)", **_ARG)
@xw.ret(expand="table")
@_safe
def SP_AGENTS(
    arrivals: Any,
    aht_seconds: Any,
    target_sl: Any,
    answer_seconds: Any,
    interval_minutes: Any = 60,
    concurrency: Any = 1.0,
    max_occupancy: Any = 1.0,
    shrinkage: Any = 0.0,
) -> Any:
    """Agents needed per interval (Erlang C) to answer target_sl within answer_seconds."""
    grid, pos, vals = _numbers("arrivals", arrivals)
    params = {
        "aht_seconds": _number("aht_seconds", aht_seconds),
        "target_sl": _number("target_sl", target_sl),
        "answer_seconds": _number("answer_seconds", answer_seconds),
        "interval_minutes": _number("interval_minutes", interval_minutes, 60.0),
        "concurrency": _number("concurrency", concurrency, 1.0),
        "max_occupancy": _number("max_occupancy", max_occupancy, 1.0),
        "shrinkage": _number("shrinkage", shrinkage, 0.0),
    }
    if not 0.1 <= params["max_occupancy"] <= 1:
        raise ArgError("max_occupancy", "must be between 0.1 and 1 (10%–100%)")
    _check_load(vals, params["aht_seconds"], params["interval_minutes"], params["concurrency"], params["max_occupancy"])
    return _place(grid, pos, [_service.agents_required(v, **params) for v in vals])


def _check_load(arrivals: Sequence[float], aht: float, minutes: float, conc: float, occ: float = 1.0) -> None:
    """Bounded work: each value walks Erlang B up to load / occupancy agents."""
    if len(arrivals) > MAX_CELLS:
        raise ArgError("arrivals", f"more than {MAX_CELLS} cells; split the range")
    if aht > 0 and minutes > 0 and conc >= 1 and occ > 0 and sum(
        a * aht / conc / (minutes * 60) / occ for a in arrivals
    ) > MAX_ERLANGS:
        raise ArgError("arrivals", f"load over {MAX_ERLANGS} agents in all; split the demand")


@xw.func(category=CATEGORY)
@xw.arg("agents", doc="Agents on the phones: one number, or one per arrivals cell", **_ARG)
@xw.arg("arrivals", doc="Contacts arriving per interval (a cell, row, column or range)", **_ARG)
@xw.arg("aht_seconds", doc="Average handle time in seconds, > 0", **_ARG)
@xw.arg("answer_seconds", doc="Answer-time target in seconds, e.g. 20", **_ARG)
@xw.arg("interval_minutes", doc="Interval length in minutes (default 60)", **_ARG)
@xw.arg("concurrency", doc="Chats held at once as a handle-time divisor (default 1)", **_ARG)
@xw.ret(expand="table")
@_safe
def SP_SERVICE_LEVEL(
    agents: Any,
    arrivals: Any,
    aht_seconds: Any,
    answer_seconds: Any,
    interval_minutes: Any = 60,
    concurrency: Any = 1.0,
) -> Any:
    """Share of contacts answered within answer_seconds by the given agents (Erlang C)."""
    grid, pos, vals = _numbers("arrivals", arrivals)
    agent_cells = [c for c in _flat(agents) if not _blank(c)]
    if len(agent_cells) == 1:
        staff = [_to_float("agents", agent_cells[0])] * len(vals)
    elif len(agent_cells) == len(vals):
        staff = [_to_float("agents", x, f"cell {i + 1}") for i, x in enumerate(agent_cells)]
    else:
        raise ArgError("agents", f"must be one number or {len(vals)} numbers (one per arrivals cell)")
    aht = _number("aht_seconds", aht_seconds)
    answer = _number("answer_seconds", answer_seconds)
    minutes = _number("interval_minutes", interval_minutes, 60.0)
    conc = _number("concurrency", concurrency, 1.0)
    for n in staff:
        if n < 0 or n != int(n) or n > MAX_ERLANGS:
            raise ArgError("agents", f"must be whole numbers from 0 to {MAX_ERLANGS}")
    if sum(staff) > MAX_AGENT_STEPS:  # bounded work: Erlang B walks every agent count of every cell
        raise ArgError("agents", f"over {MAX_AGENT_STEPS:,} agents in all; split the range")
    _check_load(vals, aht, minutes, conc)
    out = [
        _service.service_level(int(n), v, aht, answer, minutes, conc)
        for n, v in zip(staff, vals, strict=True)
    ]
    return _place(grid, pos, out)


@xw.func(category=CATEGORY, call_in_wizard=False)  # a solver: not while the planner types
@xw.arg("requirement", doc="People needed per interval, in time order (a row or a column)", **_ARG)
@xw.arg("shift_hours", doc="Shift length in hours, or a range of allowed lengths (e.g. 8 and 4)", **_ARG)
@xw.arg("interval_minutes", doc="Interval length in minutes (default 60)", **_ARG)
@xw.arg("lang", doc='Header language: "zh" (default) or "en"', **_ARG)
@xw.ret(expand="table")
@_safe
def SP_SHIFT_PLAN(requirement: Any, shift_hours: Any, interval_minutes: Any = 60, lang: Any = "zh") -> Any:
    """Cheapest shift starts covering the requirement: start (h from first interval), length, people."""
    cells = _column("requirement", _range(requirement))
    if all(_blank(c) for c in cells):
        raise ArgError("requirement", "has no numbers")
    if len(cells) > MAX_INTERVALS:
        raise ArgError("requirement", f"more than {MAX_INTERVALS} intervals; plan fewer days at a time")
    need = [0.0 if _blank(x) else _to_float("requirement", x, f"cell {i + 1}") for i, x in enumerate(cells)]
    if any(v < 0 for v in need):
        raise ArgError("requirement", "must not be negative")
    minutes = _number("interval_minutes", interval_minutes, 60.0)
    if minutes <= 0 or 1440 % minutes:
        raise ArgError("interval_minutes", "must divide a day, e.g. 15, 30 or 60")
    lg = _lang(lang)
    lengths = sorted({_to_float("shift_hours", x) for x in _flat(shift_hours) if not _blank(x)}, reverse=True)
    if not lengths:
        raise ArgError("shift_hours", "is empty")
    if len(lengths) > MAX_SHIFT_LENGTHS:  # bounded work: every length is a column per interval
        raise ArgError("shift_hours", f"at most {MAX_SHIFT_LENGTHS} different lengths")
    for h in lengths:
        if h <= 0 or (h * 60) % minutes:
            raise ArgError("shift_hours", f"must be > 0 and a whole number of intervals, not {h:g}")
    return _shift_plan(need, lengths, minutes, lg)


def _shift_plan(need: list[float], lengths: list[float], minutes: float, lang: str = "zh") -> Grid:
    """Adapter to :mod:`sheetplan.calc.shifts` (imported late: it loads the LP/CP-SAT solver)."""
    from sheetplan.calc import shifts

    step = minutes / 60
    types_ = [shifts.ShiftType(code=f"{h:g}h", hours=h, start_step_hours=step) for h in lengths]
    result = shifts.plan_shifts([math.ceil(v - 1e-9) for v in need], int(minutes), types_, time_limit_s=5)
    hours_of = {t.code: t.hours for t in types_}
    rows: Grid = [[label(k, lang) for k in SHIFT_PLAN_HEADER]]
    for start, code, people in sorted(result.starts):
        if people:
            rows.append([start * step, hours_of[code], people])
    if result.uncovered:
        rows.append([label(SHIFT_PLAN_UNCOVERED, lang), "", sum(short for _, short in result.uncovered)])
    return rows


# ------------------------------------------------------------------------------ rosters
ROSTER_HEADER = ("as_person", "as_post", "as_date", "as_start", "as_end", "as_hours")  # label keys
ROSTER_UNMET = ("ro_unmet_hours", "ro_coverage")
ROSTER_TIME_CAP_S = 10.0  # wall-clock cap of one SP_ROSTER call (the solve itself is reproducible)
ROSTER_MAX_VARIABLES = 40_000  # a model one cell can build and solve within that cap


@xw.func(category=CATEGORY, call_in_wizard=False)  # a solver: not while the planner types
@xw.arg("staff", doc="Staff table with its header row: 姓名/Name, 岗位/Posts, optional 类型/Type, limits …", **_ARG)
@xw.arg("shifts", doc="Shift table with its header row: 代码/Code, 开始/Start, 时长(小时)/Hours, 可上班类型", **_ARG)
@xw.arg("requirement", doc="Requirement table with its header row: 岗位/Post, 人数/People, 日期/Dates, 开始, 结束",
        **_ARG)
@xw.arg("min_rest_hours", doc="Minimum rest between shifts in hours (default 11)", **_ARG)
@xw.arg("max_days_in_a_row", doc="Most working days in a row (default 6)", **_ARG)
@xw.arg("interval_minutes", doc="Interval length: 15, 30 or 60 (default 60)", **_ARG)
@xw.arg("lang", doc='Header language: "zh" (default) or "en"', **_ARG)
@xw.ret(expand="table")
@_safe
def SP_ROSTER(
    staff: Any,
    shifts: Any,
    requirement: Any,
    min_rest_hours: Any = 11,
    max_days_in_a_row: Any = 6,
    interval_minutes: Any = 60,
    lang: Any = "zh",
) -> Any:
    """Named duty roster (排班): who works which post when, with the same solver and rules as the
    build; the last rows give the person-hours left unmet and the share of required hours covered."""
    from sheetplan.plan.from_tables import TableError, roster_plan

    lg = _lang(lang)
    minutes = _number("interval_minutes", interval_minutes, 60.0)
    if minutes not in (15, 30, 60):
        raise ArgError("interval_minutes", "must be 15, 30 or 60")
    rest = _number("min_rest_hours", min_rest_hours, 11.0)
    if not 0 <= rest <= 24:
        raise ArgError("min_rest_hours", "must be from 0 to 24")
    try:
        plan = roster_plan(
            _range(staff), _range(shifts), _range(requirement), lang=lg, interval_minutes=int(minutes),
            min_rest_hours=rest, max_consecutive_days=_whole("max_days_in_a_row", max_days_in_a_row, 6, 1, 31),
        )
    except TableError as e:
        raise ArgError(None, str(e)) from None
    return _roster_rows(plan, lg)


def _roster_rows(plan: Any, lang: str) -> Grid:
    """Adapter to the roster engine (imported late: it loads CP-SAT)."""
    from dataclasses import replace

    from sheetplan.calc.department_roster import roster_department
    from sheetplan.pipeline import demand
    from sheetplan.plan import to_roster

    s = plan.settings
    dem = demand(plan)
    requirement = next(iter(dem.requirements.values()), {})
    rules = replace(to_roster.rules(plan), time_limit_s=ROSTER_TIME_CAP_S, max_variables=ROSTER_MAX_VARIABLES)
    people = [to_roster.person(plan, p, s.interval_minutes) for p in plan.staff]
    dr = roster_department("", people, to_roster.shift_templates(plan), requirement, len(s.days), rules,
                           interval_minutes=s.interval_minutes, lang=lang)
    if dr.result.status == "infeasible":  # too big, or no roster at all: say why in the cell
        raise ArgError(None, dr.explanation[-1])
    origin = dt.datetime.combine(s.start, dt.time())
    rows: Grid = [[label(k, lang) for k in ROSTER_HEADER]]
    for a in sorted(dr.result.assignments, key=lambda a: (a.start_hour_abs, a.post, a.person)):
        start = origin + dt.timedelta(hours=a.start_hour_abs)
        rows.append([a.person, a.post, dt.datetime.combine(s.days[a.day], dt.time()), start,
                     start + dt.timedelta(hours=a.hours), a.hours])
    res = dr.result
    covered = res.coverage_pct / 100 if res.required_hours > 0 else ""
    rows.append([label(ROSTER_UNMET[0], lang), "", "", "", "", res.shortfall_hours])
    rows.append([label(ROSTER_UNMET[1], lang), "", "", "", "", covered])
    return rows


# ------------------------------------------------------------------------------ products
_TIERS = {
    **{t: t for t in _products.TIERS},
    "hit": _products.HIT, "featured": _products.FEATURED, "regular": _products.REGULAR,
}
_TIER_NAMES = "预爆款/主推/常规款 (hit/featured/regular)"


def _tier_name(arg: str, x: Any, where: str = "", default: str | None = None) -> str | None:
    """A tier cell: the Chinese name or its English alias; blank gives ``default``."""
    if _blank(x):
        return default
    t = unicodedata.normalize("NFKC", str(x)).strip()
    if t.upper() in EXCEL_ERRORS:
        raise ArgError(arg, f"{where} holds the error {t.upper()}".strip())
    try:
        return _TIERS[t.lower()] if t.lower() in _TIERS else _TIERS[t]
    except KeyError:
        raise ArgError(arg, f"{where} must be {_TIER_NAMES}, not '{t[:20]}'".strip()) from None


def _optional_column(arg: str, grid: Grid, n: int) -> list[Any] | None:
    """A column parallel to the first one (padded with blanks), or None when not given."""
    cells = _column(arg, grid)
    if all(_blank(c) for c in cells):
        return None
    if any(not _blank(c) for c in cells[n:]):
        raise ArgError(arg, f"has more cells than sales ({n})")
    return [*cells[:n], *[None] * (n - len(cells))]


def _shaped(grid: Grid, results: list[Any]) -> Grid:
    """Results in the orientation of the 1-D input: a row stays a row."""
    if len(grid) == 1 and len(grid[0]) > 1:
        return [results]
    return [[r] for r in results]


@xw.func(category=CATEGORY)
@xw.arg("sales", doc="Sales per SKU (销量), one row or column; rows with no metric at all stay blank", **_ARG)
@xw.arg("favourites", doc="Favourites per SKU (收藏), parallel to sales; optional", **_ARG)
@xw.arg("carts", doc="Add-to-cart per SKU (加购), parallel to sales; optional", **_ARG)
@xw.arg("views", doc="Page views per SKU (浏览量), parallel to sales; optional", **_ARG)
@xw.arg("conversion", doc="Conversion per SKU (转化率) as a fraction or %, parallel to sales; optional", **_ARG)
@xw.arg("overrides", doc="Tiers the planner typed (预爆款/主推/常规款) replace computed ones; blanks are computed",
        **_ARG)
@xw.arg("hit_share", doc="Share of SKUs that are 预爆款 (default 0.05 = top 5%)", **_ARG)
@xw.arg("featured_share", doc="Share of SKUs that are 主推 after the hits (default 0.15)", **_ARG)
@xw.ret(expand="table")
@_safe
def SP_TIER(
    sales: Any,
    favourites: Any = None,
    carts: Any = None,
    views: Any = None,
    conversion: Any = None,
    overrides: Any = None,
    hit_share: Any = 0.05,
    featured_share: Any = 0.15,
) -> Any:
    """Tier of each SKU (预爆款/主推/常规款) from weighted percentile ranks of its metrics."""
    names = ("sales", "favourites", "carts", "views", "conversion", "overrides")
    grids = dict(zip(names, _ranges(sales, favourites, carts, views, conversion, overrides), strict=True))
    cells = _column("sales", grids["sales"])
    n = len(cells)
    metrics: dict[str, list[float | None] | None] = {}
    for name in names[:-1]:
        col = cells if name == "sales" else _optional_column(name, grids[name], n)
        if col is None:
            metrics[name] = None
            continue
        parsed: list[float | None] = []
        for i, x in enumerate(col):
            v = None if _blank(x) else _to_float(name, x, f"cell {i + 1}")
            if v is not None and v < 0:
                raise ArgError(name, f"cell {i + 1} must not be negative")
            parsed.append(v)
        metrics[name] = parsed
    ov_cells = _optional_column("overrides", grids["overrides"], n) or [None] * n
    given = [_tier_name("overrides", x, f"cell {i + 1}") for i, x in enumerate(ov_cells)]
    rows = [i for i in range(n) if given[i] or any(m is not None and m[i] is not None for m in metrics.values())]
    if not rows:
        raise ArgError("sales", "has no numbers")
    picked = {k: None if v is None else [v[i] for i in rows] for k, v in metrics.items()}
    tiers = _products.tier(
        picked["sales"] or [None] * len(rows),  # type: ignore[arg-type]
        picked["favourites"],  # type: ignore[arg-type]
        picked["carts"],  # type: ignore[arg-type]
        picked["views"],  # type: ignore[arg-type]
        picked["conversion"],  # type: ignore[arg-type]
        overrides=[given[i] for i in rows],  # type: ignore[misc]
        hit_share=_number("hit_share", hit_share, 0.05),
        featured_share=_number("featured_share", featured_share, 0.15),
    )
    out: list[Any] = [""] * n
    for i, t in zip(rows, tiers, strict=True):
        out[i] = t
    return _shaped(grids["sales"], out)


def _broadcast(named: Sequence[tuple[str, Any]]) -> tuple[Grid, dict[str, list[Any]]]:
    """Per-SKU arguments: each one cell or the shape of the first multi-cell one."""
    grids = dict(zip((name for name, _ in named), _ranges(*(v for _, v in named)), strict=True))
    shape_of = next((g for g in grids.values() if len(_flat(g)) > 1), next(iter(grids.values())))
    rows, cols = len(shape_of), len(shape_of[0]) if shape_of else 0
    size = rows * cols
    out = {}
    for name, g in grids.items():
        cells = _flat(g)
        if len(cells) == 1:
            out[name] = cells * size
        elif len(g) == rows and all(len(r) == cols for r in g):
            out[name] = cells
        else:
            raise ArgError(name, f"must be one cell or {rows}×{cols} cells like the other ranges")
    return shape_of, out


def _per_sku(shape: Grid, results: list[Any]) -> Grid:
    cols = len(shape[0]) if shape else 0
    return [results[r * cols : (r + 1) * cols] for r in range(len(shape))]


def _amount(arg: str, x: Any, where: str) -> float:
    """A per-SKU quantity: blank is 0, never negative."""
    if _blank(x):
        return 0.0
    v = _to_float(arg, x, where)
    if v < 0:
        raise ArgError(arg, f"{where} must not be negative".strip())
    return v


@xw.func(category=CATEGORY)
@xw.arg("stock", doc="Units in stock (库存), a cell or a range of SKUs; blank = 0", **_ARG)
@xw.arg("sales", doc="Current sales (销量) per SKU, same shape as stock; blank = 0", **_ARG)
@xw.arg("tier", doc="Tier 预爆款/主推/常规款 per SKU or one for all (default 常规款)", **_ARG)
@xw.arg("forecast", doc="Forecast units for 预爆款 SKUs (blank: sales × uplift)", **_ARG)
@xw.arg("multiple", doc="Target = sales × multiple for non-hits (default 3, seed 001)", **_ARG)
@xw.arg("uplift", doc="Hits without a forecast: target = sales × uplift (default 5)", **_ARG)
@xw.arg("safety", doc="Safety stock per SKU or one for all (default 0)", **_ARG)
@xw.arg("pack_size", doc="Order in whole packs of this many units (default 1)", **_ARG)
@xw.ret(expand="table")
@_safe
def SP_STOCKUP(
    stock: Any,
    sales: Any,
    tier: Any = None,
    forecast: Any = None,
    multiple: Any = 3.0,
    uplift: Any = 5.0,
    safety: Any = 0.0,
    pack_size: Any = 1,
) -> Any:
    """Units to order (备货/补货) per SKU: target + safety − stock, ≥ 0, in whole packs."""
    shape, a = _broadcast((("stock", stock), ("sales", sales), ("tier", tier), ("forecast", forecast),
                           ("safety", safety)))
    mult = _number("multiple", multiple, 3.0)
    upl = _number("uplift", uplift, 5.0)
    pack = _number("pack_size", pack_size, 1.0)
    if pack != int(pack) or pack < 1:
        raise ArgError("pack_size", "must be a whole number ≥ 1")
    multi = len(a["stock"]) > 1
    out: list[Any] = []
    for i, (st, sa) in enumerate(zip(a["stock"], a["sales"], strict=True)):
        where = f"cell {i + 1}" if multi else ""
        if _blank(st) and _blank(sa):
            out.append("")
            continue
        fc = a["forecast"][i]
        out.append(_products.stockup(
            _amount("stock", st, where),
            _amount("sales", sa, where),
            _tier_name("tier", a["tier"][i], where, _products.REGULAR),  # type: ignore[arg-type]
            None if _blank(fc) else _amount("forecast", fc, where),
            mult,
            upl,
            _amount("safety", a["safety"][i], where),
            int(pack),
        ))
    return _per_sku(shape, out)


@xw.func(category=CATEGORY)
@xw.arg("stock", doc="Units in stock (库存), a cell or a range of SKUs; blank = 0", **_ARG)
@xw.arg("daily_sales", doc="Units sold per day at the current pace, same shape as stock", **_ARG)
@xw.arg("pace_factor", doc="Sale-day pace as a multiple of the current one (default 1)", **_ARG)
@xw.ret(expand="table")
@_safe
def SP_SELLOUT_HOURS(stock: Any, daily_sales: Any, pace_factor: Any = 1.0) -> Any:
    """Hours until each SKU sells out (flag < 24 h, seed 000); blank when nothing sells."""
    shape, a = _broadcast((("stock", stock), ("daily_sales", daily_sales)))
    pace = _number("pace_factor", pace_factor, 1.0)
    if pace <= 0:
        raise ArgError("pace_factor", "must be greater than 0")
    multi = len(a["stock"]) > 1
    out: list[Any] = []
    for i, (st, ds) in enumerate(zip(a["stock"], a["daily_sales"], strict=True)):
        where = f"cell {i + 1}" if multi else ""
        if _blank(st) and _blank(ds):
            out.append("")
            continue
        h = _products.sellout_hours(_amount("stock", st, where), _amount("daily_sales", ds, where), pace)
        out.append(h if math.isfinite(h) else "")
    return _per_sku(shape, out)
