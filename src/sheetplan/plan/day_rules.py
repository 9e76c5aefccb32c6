"""The plan's own roster rules beyond hours and skills, read and checked: days in a row, days
off, weekends, shifts of each kind, a minimum of hours (人员), which shift may not follow which
(班次), wishes (员工意愿) and per-shift head counts (值班需求 with a 班次).

Every check names the cell it is about, in the plan's language. Errors are what no roster can
honour (an unknown shift code, a minimum above its maximum); warnings are what is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from ..i18n import join
from . import model as m
from .cells import LIST_SEPARATORS, CellError, format_max_shifts
from .problems import Severity
from .schema import SETTINGS, SHEET_BY_KEY, TYPED
from .to_roster import plan_templates

_ITEM = re.compile(r"^(?P<code>.+?)\s*(?:[=＝:：×xX*]|\s)\s*(?P<n>\d{1,4})$")


class _Reader(Protocol):
    lang: str
    raw: dict[str, list[dict[str, Any]]]

    def add(self, where: str, key: str, severity: Severity = "error", **kw: object) -> None: ...


def parse_max_shifts(text: Any) -> tuple[tuple[str, int], ...]:
    """``夜=2、早=6`` (or ``N:2, E 6``) as ((code, at most), ...); CellError when a part does not read."""
    out: dict[str, int] = {}
    for part in LIST_SEPARATORS.split(str(text)):
        part = part.strip()
        if not part:
            continue
        hit = _ITEM.match(part)
        if hit is None:
            raise CellError("bad_max_shifts", field="max_shifts", value=part)
        out[hit["code"].strip()] = int(hit["n"])
    return tuple(out.items())


def known_codes(plan: m.Plan, reader: _Reader) -> tuple[set[str], set[str]]:
    """The plan's shift codes (the defaults when 班次 is empty), and every code typed on 班次 (a
    row with its own error is reported there, not again where it is used)."""
    codes = {t.code for t in plan_templates(plan)}
    typed = {str(r.get("code")).strip() for r in reader.raw.get("shifts", [])}
    return codes, typed


def check_day_rules(reader: _Reader, plan: m.Plan, requests: Iterable[tuple[m.Request, Any]]) -> None:
    """Cross-sheet checks of the rules this module reads (the cells themselves are checked on reading)."""
    lang = reader.lang
    codes, typed = known_codes(plan, reader)
    listed = join(sorted(codes), lang)

    def unknown(code: str, where: str) -> None:
        if code not in codes and code not in typed:
            reader.add(where, "unknown_shift", value=code, codes=listed)

    staff_cols = SHEET_BY_KEY["staff"]
    label = {k: staff_cols.column(k).label(lang) for k in (
        "min_hours_total", "max_hours_total", "min_days_in_a_row", "max_days_in_a_row")}
    setting = next(c for c in SETTINGS if c.key == "max_consecutive_days").label(lang)
    for p in plan.staff:
        for code, _ in p.max_shifts:
            unknown(code, p.cells.get("max_shifts", ""))
        if p.min_hours_total is not None and p.max_hours_total is not None and p.min_hours_total > p.max_hours_total:
            reader.add(p.cells["min_hours_total"], "min_above_max", low=label["min_hours_total"],
                       a=f"{p.min_hours_total:g}", high=label["max_hours_total"], b=f"{p.max_hours_total:g}")
        most = p.max_days_in_a_row or plan.settings.max_consecutive_days
        if p.min_days_in_a_row is not None and p.min_days_in_a_row > most:
            high = label["max_days_in_a_row"] if p.max_days_in_a_row else setting
            reader.add(p.cells["min_days_in_a_row"], "min_above_max", low=label["min_days_in_a_row"],
                       a=p.min_days_in_a_row, high=high, b=most)
    for t in plan.shifts:
        for code in t.not_followed_by:
            unknown(code, t.cells.get("not_followed_by", ""))
    _check_requests(reader, plan, requests, unknown)
    _check_shift_rows(reader, plan, unknown)


def _check_requests(reader: _Reader, plan: m.Plan, requests: Iterable[tuple[m.Request, Any]], unknown) -> None:
    s = plan.settings
    people = {p.name for p in plan.staff}
    typed_people = {str(r.get("name")).strip() for r in reader.raw.get("staff", [])}
    requests = list(requests)
    if requests and not people and not typed_people:  # no staff at all: nothing to roster, say so once
        reader.add(SHEET_BY_KEY["requests"].label(lang := reader.lang), "requests_no_staff", severity="warning",
                   staff=SHEET_BY_KEY["staff"].label(lang))
        return
    seen: dict[tuple[str, Any, str | None], tuple[str, str]] = {}
    for r, row in requests:
        if r.name not in people and r.name not in typed_people:
            reader.add(row.cells["name"], "unknown_person", value=r.name)
        if r.shift:
            unknown(r.shift, row.cells["shift"])
        outside = [d for d in r.dates if not s.start <= d <= s.end]
        if outside:
            reader.add(row.cells["dates"], "outside_campaign", severity="warning", value=outside[0],
                       start=s.start, end=s.end)
        for d in r.dates:
            key = (r.name, d, r.shift)
            first = seen.setdefault(key, (r.wish, row.cells["wish"]))
            if first[0] != r.wish:
                reader.add(row.cells["wish"], "wish_conflict", name=r.name, date=m.day_label(d), first=first[1])
                break


def _check_shift_rows(reader: _Reader, plan: m.Plan, unknown) -> None:
    """值班需求 rows counted per shift: a typed head count on a known shift; times and weights
    that do not apply are said to be ignored."""
    for r in plan.requirements:
        if r.shift is None:
            if r.under_weight is not None or r.over_weight is not None:
                where = r.cells.get("under_weight" if r.under_weight is not None else "over_weight", "")
                reader.add(where, "req_weights_unused", severity="warning")
            continue
        unknown(r.shift, r.cells["shift"])
        if r.source != TYPED:
            reader.add(r.cells["shift"], "req_shift_source", source=r.source)
        if r.start is not None or r.end is not None:
            reader.add(r.cells.get("start" if r.start is not None else "end", r.cells["shift"]), "req_shift_times",
                       severity="warning", shift=r.shift)


__all__ = ["CellError", "check_day_rules", "format_max_shifts", "parse_max_shifts"]
