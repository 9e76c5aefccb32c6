"""Turn what a planner typed into typed values: numbers stored as text, Excel serial dates,
'11-11', '8:00', '24:00', lists separated by 、 or commas. Errors are message keys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ..i18n import join

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")
DATE_SEPARATORS = re.compile(r"[、,，;；\n]+")  # dates keep '/' (11/12) and '-' (11-12)
RANGE = re.compile(r"\s*(?:~|～|至|到|–|—)\s*")
MAX_RANGE_DAYS = 366


class CellError(ValueError):
    """A cell could not be read; `key` names the message in `sheetplan.messages`."""

    def __init__(self, key: str, **kw: object) -> None:
        super().__init__(key)
        self.key = key
        self.kw = kw


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def to_number(v: Any) -> float:
    if isinstance(v, (bool, dt.date | dt.time)):
        raise CellError("not_number", value=v)
    if isinstance(v, int | float):
        if v != v or v in (float("inf"), float("-inf")):
            raise CellError("not_number", value=v)
        return float(v)
    s = str(v).strip().replace(",", "").replace("，", "").replace(" ", "")
    if s in ERROR_CODES:
        raise CellError("error_value", value=s)
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    elif s.endswith("万"):
        s, scale = s[:-1], 10_000.0
    try:
        x = float(s) * scale
    except ValueError:
        raise CellError("not_number", value=v) from None
    if x != x or abs(x) == float("inf"):
        raise CellError("not_number", value=v)
    return x


def to_int(v: Any) -> int:
    x = to_number(v)
    if abs(x - round(x)) > 1e-9:
        raise CellError("not_int", value=v)
    return round(x)


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
)


FIRST_DATE = dt.date(1900, 3, 1)  # Excel's serials before this count a 29 Feb 1900 that never was


def to_date(v: Any, default_year: int) -> dt.date:
    d = _to_date(v, default_year)
    if d < FIRST_DATE:
        raise CellError("date_range", value=d)
    return d


def _to_date(v: Any, default_year: int) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, bool):
        raise CellError("not_date", value=v)
    if isinstance(v, int | float):
        if not 1 <= v < 2958466:  # Excel's date range
            raise CellError("not_date", value=v)
        return (EXCEL_EPOCH + dt.timedelta(days=int(v))).date()
    s = str(v).strip()
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if m:
            g = m.groupdict()
            try:
                return dt.date(int(g.get("y") or default_year), int(g["m"]), int(g["d"]))
            except ValueError:
                break
    raise CellError("not_date", value=v)


_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:：点時](?P<m>\d{1,2})?分?)?(?::00)?$")


def to_time(v: Any) -> dt.time:
    """A time of day; 24:00 and 1.0 (a full day) become 00:00, which ends read as midnight."""
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, bool):
        raise CellError("not_time", value=v)
    if isinstance(v, int | float):
        if not 0 <= v <= 1:
            raise CellError("not_time", value=v)
        minutes = round(v * 24 * 60) % (24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    m = _TIME.match(str(v).strip())
    if m:
        h, mi = int(m["h"]), int(m["m"] or 0)
        if h == 24 and mi == 0:
            return dt.time(0, 0)
        if h < 24 and mi < 60:
            return dt.time(h, mi)
    raise CellError("not_time", value=v)


def to_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    s = str(v).strip()
    if s in ERROR_CODES:
        raise CellError("error_value", value=s)
    return s


def to_list(v: Any) -> tuple[str, ...]:
    if isinstance(v, dt.datetime | dt.date):
        return (v,)  # type: ignore[return-value]  # a single date in an unavailable column
    return tuple(p.strip() for p in LIST_SEPARATORS.split(to_text(v)) if p.strip())


def to_dates(v: Any, default_year: int) -> tuple[dt.date, ...]:
    """Dates separated by 、 or commas; ranges as 11-10~11-13 (or 至 / 到 / –)."""
    if isinstance(v, dt.datetime | dt.date) or (isinstance(v, int | float) and not isinstance(v, bool)):
        return (to_date(v, default_year),)
    out: list[dt.date] = []
    for part in DATE_SEPARATORS.split(to_text(v)):
        part = part.strip()
        if not part:
            continue
        ends = RANGE.split(part)
        if len(ends) == 1:
            out.append(to_date(part, default_year))
            continue
        if len(ends) != 2:
            raise CellError("not_date", value=part)
        a, b = (to_date(x, default_year) for x in ends)
        if b < a or (b - a).days >= MAX_RANGE_DAYS:
            raise CellError("not_date", value=part)
        out += [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
    return tuple(dict.fromkeys(out))


_MOMENT = re.compile(r"^(?P<date>\S+?)[ T日]+(?P<time>\d{1,2}[:：点時]\d{0,2}分?)$")


def to_moment(v: Any, default_year: int) -> dt.time | dt.datetime:
    """A time of day (08:00, 24:00) or a date and time (11-10 20:00, an Excel date-time)."""
    if isinstance(v, dt.datetime):
        return v.time() if v.date() <= EXCEL_EPOCH.date() else v  # a time stored with Excel's day 0
    if isinstance(v, dt.date | dt.time):
        return v if isinstance(v, dt.time) else dt.datetime.combine(v, dt.time())
    if isinstance(v, int | float) and not isinstance(v, bool):
        if 0 <= v <= 1:
            return to_time(v)
        if not 1 < v < 2958466:
            raise CellError("not_time", value=v)
        return EXCEL_EPOCH + dt.timedelta(minutes=round(v * 24 * 60))
    text = str(v).strip()
    m = _MOMENT.match(text)
    if m:
        day = to_date(m["date"].rstrip("日"), default_year)
        t = to_time(m["time"])
        base = dt.datetime.combine(day, t)
        return base + dt.timedelta(days=1) if m["time"].startswith("24") else base
    return to_time(text)


def format_max_shifts(caps: Iterable[tuple[str, int]], lang: str = "zh") -> str:
    """The cell text of a 班次上限 (the inverse of :func:`sheetplan.plan.day_rules.parse_max_shifts`)."""
    return join((f"{code}={n}" for code, n in caps), lang)
