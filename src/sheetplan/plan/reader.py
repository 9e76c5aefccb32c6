"""Read and validate the plan workbook. Every problem names its sheet and cell and is
reported at once, in the plan's language; nothing here writes to the file."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..calc.calendar import check_phases, check_windows, hhmm, minutes_of
from ..calc.service import concurrency_factor
from ..i18n import join
from ..messages import msg
from . import model as m
from .cells import CellError, is_blank, to_date, to_time
from .contacts import check_contacts
from .day_rules import check_day_rules, parse_max_shifts
from .problems import PlanError, Problem, Severity
from .schema import (
    CHOICE_EN,
    FIXED_SOURCES,
    PROFILES,
    SEPARATOR,
    SERVICE_MODEL,
    SETTINGS,
    SETTINGS_SHEET,
    SHEET_BY_KEY,
    SHEETS,
    STAFF_TYPES,
    STAFF_TYPES_EN,
    TYPED,
    WANT,
    WAREHOUSE_MODEL,
    WISHES,
    Column,
    Sheet,
    _norm,
    canonical_choice,
)
from .source import SourceError, sniff, without_sheets
from .table import convert, header_map

MAX_HEADS = 100_000  # people on one warehouse post
TOTAL_NAMES = {"合计", "总计", "小计", "总和", "合计数", "total", "totals", "sum", "subtotal", "grandtotal"}
MAX_CAMPAIGN_DAYS = 366  # a year on one timeline already takes ~15 s to staff; 2062 for 2026 would hang
MAX_AVERAGE_AGENTS = 10_000  # chats a day beyond this many agents round the clock are a typo (and stall Erlang C)


@dataclass
class Row:
    """A data row: typed values by column key, and the cell address of each key."""

    values: dict[str, Any]
    cells: dict[str, str]
    row: int


def read_plan(path: str | Path, lang: str | None = None) -> m.Plan:
    """The plan, or PlanError listing every error (warnings alone do not stop a build)."""
    plan, problems = check_plan(path, lang)
    errors = [p for p in problems if p.severity == "error"]
    if errors or plan is None:
        raise PlanError(errors or problems)
    plan.warnings = problems
    return plan


def check_plan(path: str | Path, lang: str | None = None) -> tuple[m.Plan | None, list[Problem]]:
    path = Path(path)
    try:
        sniff(path, lang or "zh")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions
            wb = load_workbook(without_sheets(path, _is_products), data_only=True)
    except SourceError as e:
        return None, [Problem(path.name, str(e))]
    except Exception as e:  # openpyxl raises many kinds on damaged packages
        return None, [Problem(path.name, msg("not_workbook", lang or "zh", file=path.name, why=_why(e)))]
    from .products_reader import read_products  # it imports Problem from here

    plan, problems = _Reader(wb, path, lang).read()
    products, product_problems = read_products(path, lang=plan.lang if plan else lang or "zh")
    if plan is not None:
        plan.products = products
    return plan, problems + product_problems


def _is_products(name: str) -> bool:
    return _norm(name) in SHEET_BY_KEY["products"].names()


class _Reader:
    def __init__(self, wb: Any, path: Path, lang: str | None) -> None:
        self.wb = wb
        self.path = path
        self.problems: list[Problem] = []
        self._formulas: Any = None
        self.raw: dict[str, list[dict[str, Any]]] = {}  # every non-blank row, valid or not
        self.lang = lang or self._guess_lang()
        self.lang_given = lang is not None  # --lang: the messages' language, whatever the plan says
        self.year = dt.date.today().year
        self.sheet_names: dict[str, str] = {}

    # ---- helpers -------------------------------------------------------------------------
    def _guess_lang(self) -> str:
        names = {_norm(n) for n in self.wb.sheetnames}
        en = sum(_norm(s.en) in names for s in SHEETS)
        zh = sum(_norm(s.zh) in names for s in SHEETS)
        return "en" if en > zh else "zh"

    def add(self, where: str, key: str, severity: Severity = "error", **kw: object) -> None:
        self.problems.append(Problem(where, msg(key, self.lang, **kw), severity))

    def sheet(self, spec: Sheet) -> Worksheet | None:
        for ws in self.wb.worksheets:
            if _norm(ws.title) in spec.names():
                self.sheet_names[spec.key] = ws.title
                return ws
        if spec.required:
            self.add(self.path.name, "missing_sheet", sheet=spec.label(self.lang))
        return None

    def formula_at(self, ws: Worksheet, coord: str) -> str | None:
        """The formula text of a cell that has no cached value (loaded only when needed)."""
        if self._formulas is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._formulas = load_workbook(without_sheets(self.path, _is_products), data_only=False)
        v = self._formulas[ws.title][coord].value
        return v if isinstance(v, str) and v.startswith("=") else None

    def convert(self, col: Column, v: Any) -> Any:
        return convert(col, v, self.year)

    def cell_value(self, ws: Worksheet, col: Column, raw: Any, coord: str) -> tuple[bool, Any]:
        where = f"{ws.title}!{coord}"
        label = col.label(self.lang)
        if is_blank(raw):
            if col.required:
                if self.formula_at(ws, coord):
                    self.add(where, "formula_no_value", column=label)
                else:
                    self.add(where, "required", column=label)
                return False, None
            return True, None
        try:
            return True, self.convert(col, raw)
        except CellError as e:
            self.add(where, e.key, column=label, **e.kw)
            return False, None

    # ---- tables ----------------------------------------------------------------------------
    def table(self, spec: Sheet) -> Iterator[Row]:
        ws = self.sheet(spec)
        if ws is None:
            return
        header_row, mapping = self._header(ws, spec)
        if header_row is None:
            wanted = join((c.label(self.lang) for c in spec.columns if c.required), self.lang)
            self.add(ws.title, "no_header", columns=wanted)
            return
        for c in spec.columns:
            if c.required and c.key not in mapping.values():
                self.add(f"{ws.title}!A{header_row}", "missing_column", column=c.label(self.lang), row=header_row)
        if any(c.required and c.key not in mapping.values() for c in spec.columns):
            return
        for rng in ws.merged_cells.ranges:
            if rng.max_row > header_row and any(rng.min_col <= ci <= rng.max_col for ci in mapping):
                self.add(f"{ws.title}!{rng.coord}", "merged", range=rng.coord)
        seen_rows = 0
        hidden: list[int] = []
        stored = ws._cells  # only cells that exist: a stray value in row 1048576 must not walk 10^6 empty rows
        for r in sorted({r for r, c in stored if r > header_row and c in mapping}):
            raw = {key: (stored[r, ci].value if (r, ci) in stored else None) for ci, key in mapping.items()}
            if all(is_blank(v) for v in raw.values()):
                continue
            self.raw.setdefault(spec.key, []).append(raw)
            seen_rows += 1
            if r in ws.row_dimensions and ws.row_dimensions[r].hidden:
                hidden.append(r)
            values: dict[str, Any] = {}
            coords: dict[str, str] = {}
            ok = True
            for ci, key in mapping.items():
                coord = f"{get_column_letter(ci)}{r}"
                coords[key] = coord
                good, values[key] = self.cell_value(ws, spec.column(key), raw[key], coord)
                # a bad optional cell (reported) leaves the rest of its row read: a date typo in a
                # department's 全员在岗日期 made every row naming that department an error too (74)
                ok &= good or not spec.column(key).required
            if ok:
                yield Row(values, {k: f"{ws.title}!{c}" for k, c in coords.items()}, r)
        if seen_rows == 0 and spec.key in ("departments", "inventory", "posts"):
            self.add(ws.title, "no_rows", severity="warning")
        if hidden:  # read all the same: a hidden row is still part of the plan, but say so
            shown = join(hidden[:5], self.lang) + ("…" if len(hidden) > 5 else "")
            self.add(f"{ws.title}!A{hidden[0]}", "hidden_rows", severity="warning", rows=shown, n=len(hidden))

    def _header(self, ws: Worksheet, spec: Sheet) -> tuple[int | None, dict[int, str]]:
        best: tuple[int, int | None, dict[int, str]] = (0, None, {})
        for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=10, values_only=True), start=1):
            mapping = {ci + 1: key for ci, key in header_map(cells, spec).items()}
            if len(mapping) > best[0]:
                best = (len(mapping), r, mapping)
        return best[1], best[2]

    # ---- the plan --------------------------------------------------------------------------
    def settings(self) -> m.Settings | None:
        values: dict[str, Any] = {}
        by_name = {n: c for c in SETTINGS for n in c.names()}
        rows = list(self.table(SETTINGS_SHEET))
        # A first pass for the start date, so that '11-11' elsewhere gets the campaign's year.
        for row in rows:
            col = by_name.get(_norm(str(row.values["item"])).rstrip("*"))
            if col is not None and col.key == "start":
                with contextlib.suppress(CellError):
                    self.year = to_date(row.values["value"], self.year).year
        seen: set[str] = set()
        first_at: dict[str, str] = {}
        cells: dict[str, str] = {}
        for row in rows:
            item = str(row.values["item"])
            col = by_name.get(_norm(item).rstrip("*"))
            where = row.cells["value"]
            if col is None:
                self.add(row.cells["item"], "unknown_setting", severity="warning", value=item)
                continue
            if col.key in first_at:  # two rows for one setting: which one did the planner mean?
                self.add(row.cells["item"], "duplicate", value=item, first=first_at[col.key])
                continue
            first_at[col.key] = row.cells["item"]
            seen.add(col.key)
            if is_blank(row.values["value"]):
                if col.required:
                    ws_name, _, coord = where.partition("!")
                    formula = self.formula_at(self.wb[ws_name], coord)
                    self.add(where, "formula_no_value" if formula else "required", column=col.label(self.lang))
                continue
            try:
                v = self.convert(col, row.values["value"])
            except CellError as e:
                self.add(where, e.key, column=col.label(self.lang), **e.kw)
                continue
            values[col.key] = v
            cells[col.key] = where
            if col.key == "language" and v in ("zh", "en") and not self.lang_given:
                self.lang = v
        missing = [c for c in SETTINGS if c.required and c.key not in values]
        for c in missing:
            if c.key not in seen:
                self.add(SETTINGS_SHEET.label(self.lang), "missing_setting", column=c.label(self.lang))
        if missing:
            return None
        if "interval_minutes" in values:
            values["interval_minutes"] = int(values["interval_minutes"])
        s = m.Settings(**values, cells=cells)
        if s.end < s.start:
            self.add(SETTINGS_SHEET.label(self.lang), "end_before_start", start=s.start, end=s.end)
            return None
        if (s.end - s.start).days >= MAX_CAMPAIGN_DAYS:
            last = s.start + dt.timedelta(days=MAX_CAMPAIGN_DAYS - 1)
            end_label = next(c for c in SETTINGS if c.key == "end").label(self.lang)
            self.add(cells["end"], "too_large", column=end_label, value=s.end, max=last)
            return None
        if not s.start <= s.sale_day <= s.end:
            self.add(SETTINGS_SHEET.label(self.lang), "sale_day_outside", value=s.sale_day, start=s.start, end=s.end)
        return s

    def read(self) -> tuple[m.Plan | None, list[Problem]]:
        settings = self.settings()
        phases = self._rows("phases", m.Phase)
        windows = self._rows("windows", m.Window)
        departments = self._rows("departments", m.Department)
        duties = self._rows("duties", m.Duty)
        staff = self._rows("staff", self._staff)
        shifts = self._rows("shifts", self._shift)
        requirements = self._rows("requirements", self._requirement)
        fixed = self._rows("fixed", m.FixedShift)
        requests = self._rows("requests", self._request)
        must_cover = self._rows("mustcover", m.MustCover)
        posts = self._rows("posts", self._post)
        service = self._rows("service", self._service_day)
        volumes = self._volumes()
        curves = self._rows("curves", m.CurvePoint)
        inventory = self._rows("inventory", m.InventoryRow)
        if settings is None:
            return None, self.problems
        plan = m.Plan(
            settings=settings,
            phases=[p for p, _ in phases],
            windows=[w for w, _ in windows],
            departments=[d for d, _ in departments],
            duties=[d for d, _ in duties],
            staff=[s for s, _ in staff],
            shifts=[s for s, _ in shifts],
            fixed=[f for f, _ in fixed],
            requirements=[r for r, _ in requirements],
            requests=[r for r, _ in requests],
            must_cover=[r for r, _ in must_cover],
            posts=[p for p, _ in posts],
            service=[s for s, _ in service],
            volumes=volumes,
            curves=[c for c, _ in curves],
            inventory=[i for i, _ in inventory],
            sheets={s.key: self.sheet_names.get(s.key, s.label(self.lang)) for s in SHEETS},
        )
        plan.inventory = self._without_totals(inventory)
        self._check_heads(plan, posts)
        self._cross_checks(plan, phases, windows, departments, duties, staff, service)
        self._check_fixed(plan, fixed)
        self._check_requirements(plan, requirements)
        self._check_must_cover(plan, must_cover)
        check_day_rules(self, plan, requests)
        check_contacts(plan, self.add)
        self._check_demand(plan, service)
        self._check_case(plan)
        self._check_setting_departments(plan)
        return plan, self.problems

    def _check_setting_departments(self, plan: m.Plan) -> None:
        """A name in 考勤排班部门 or 商品表部门 that is no department of the plan would match no
        roster or workbook and be dropped without a word (a typo, a renamed department): a
        warning at the setting's cell, saying what happens instead."""
        known = plan.department_names()
        s = plan.settings
        named = {"attendance_departments": list(dict.fromkeys(s.attendance_departments)),
                 "products_department": [s.products_department] if s.products_department else []}
        for key, names in named.items():
            col = next(c for c in SETTINGS if c.key == key)
            where = s.cells.get(key, SETTINGS_SHEET.label(self.lang))
            for name in names:
                if name not in known:
                    self.add(where, f"setting_unknown_{key}", severity="warning", column=col.label(self.lang),
                             value=name, known=join(known, self.lang))

    def _check_case(self, plan: m.Plan) -> None:
        """Names that differ only in case are one name to COUNTIF and '=' in Excel, WPS and
        LibreOffice: shift codes, departments and posts must not (the sheets would count them together)."""
        groups = {
            "codes": [(t.code, t.cells.get("code", "")) for t in plan.shifts],
            "departments": [(x.department, x.cells.get("department", "")) for rows in (
                plan.departments, plan.staff, plan.requirements) for x in rows],
            "posts": [(q, p.cells.get("posts", "")) for p in plan.staff for q in p.posts]
            + [(r.post, r.cells.get("post", "")) for r in plan.requirements]
            + [(w.post, w.cells.get("post", "")) for w in plan.posts],
        }
        for items in groups.values():
            first: dict[str, tuple[str, str]] = {}
            reported: set[str] = set()
            for name, where in items:
                seen = first.setdefault(name.casefold(), (name, where))
                if seen[0] != name and name not in reported:  # each other spelling once
                    reported.add(name)
                    self.add(where or seen[1], "case_clash", value=name, other=seen[0], first=seen[1])

    def _check_fixed(self, plan: m.Plan, fixed: list[tuple[m.FixedShift, Row]]) -> None:
        """A planner-typed assignment must name a person, a shift, a post and a campaign day."""
        s = plan.settings
        people = {p.name: p for p in plan.staff}
        typed = {str(r.get("name")).strip() for r in self.raw.get("staff", [])}
        codes = {t.code for t in plan.shifts}
        typed_codes = {str(r.get("code")).strip() for r in self.raw.get("shifts", [])}
        for f, row in fixed:
            person = people.get(f.name)
            if person is None:
                if f.name not in typed:  # a row with its own error is reported there, not twice
                    self.add(row.cells["name"], "unknown_person", value=f.name)
            elif f.post not in person.posts:
                self.add(row.cells["post"], "unknown_post", value=f.post, posts=join(person.posts, self.lang))
            if f.shift not in codes and f.shift not in typed_codes:
                self.add(row.cells["shift"], "unknown_shift", value=f.shift, codes=join(sorted(codes), self.lang))
            if not s.start <= f.date <= s.end:
                self.add(row.cells["date"], "outside_campaign", value=f.date, start=s.start, end=s.end)

    def _check_requirements(self, plan: m.Plan, rows: list[tuple[m.Requirement, Row]]) -> None:
        """Each 值班需求 row must say how many people (typed) or name a model the plan has."""
        s = plan.settings
        known_depts = {d.department for d in plan.departments}
        wh_posts = {p.post for p in plan.posts}
        for r, row in rows:
            if known_depts and r.department not in known_depts:
                self.add(row.cells["department"], "unknown_department", value=r.department)
            if r.source == TYPED and r.people is None:
                self.add(row.cells.get("people", row.cells["post"]), "req_people", post=r.post)
            if r.source != TYPED and r.people is not None:
                self.add(row.cells["people"], "req_people_ignored", severity="warning", source=self._choice(r.source))
            if r.source == WAREHOUSE_MODEL and r.post not in wh_posts:
                sheet = SHEET_BY_KEY["posts"].label(self.lang)
                self.add(row.cells["post"], "req_no_warehouse_post", post=r.post, sheet=sheet)
            if r.source in (SERVICE_MODEL, *FIXED_SOURCES) and not plan.service:
                self.add(row.cells["source"], "req_no_service", severity="warning", source=self._choice(r.source),
                         sheet=SHEET_BY_KEY["service"].label(self.lang))
            self._check_span(r, row, s)

    def _check_span(self, r: m.Requirement | m.MustCover, row: Row, s: m.Settings) -> None:
        """Dates and start/end of a 值班需求 or 必保时段 row: times every day, or one dated span."""
        dated = [x for x in (r.start, r.end) if isinstance(x, dt.datetime)]
        if dated and len(dated) != 2 - (r.start is None) - (r.end is None):
            self.add(row.cells["start"], "req_mixed_moments")
        elif dated and r.dates:
            self.add(row.cells["dates"], "req_dates_with_span", severity="warning")
        elif len(dated) == 2 and r.end <= r.start:  # type: ignore[operator]
            self.add(row.cells["end"], "end_before_start", start=r.start, end=r.end)
        elif (not dated and isinstance(r.start, dt.time) and r.start == r.end
              and r.start != dt.time(0)):  # read as a whole day (00:00–24:00 needs no word)
            self.add(row.cells["end"], "same_start_end", severity="warning", time=r.start.strftime("%H:%M"))
        elif not dated and r.start is not None and r.end is not None and minutes_of(
                r.end, is_end=True) < minutes_of(r.start) and (not r.dates or max(r.dates) >= s.end):
            self.add(row.cells["end"], "past_campaign_end", severity="warning",  # past the last midnight: cut there
                     end=r.end.strftime("%H:%M"), last=m.day_label(s.end))
        for d in (*r.dates, *(x.date() for x in dated)):
            if not s.start <= d <= s.end + dt.timedelta(days=1):
                self.add(row.cells["dates" if d in r.dates else "start"], "outside_campaign",
                         severity="warning", value=d, start=s.start, end=s.end)
                break

    def _check_must_cover(self, plan: m.Plan, rows: list[tuple[m.MustCover, Row]]) -> None:
        """必保时段 rows name a department and a window inside the campaign (whether its post is
        needed and held there is known once the requirement is: pipeline.window_problems)."""
        s = plan.settings
        known_depts = {d.department for d in plan.departments} | {p.department for p in plan.staff}
        for r, row in rows:
            if r.department not in known_depts:
                self.add(row.cells["department"], "unknown_department", value=r.department)
                continue
            self._check_span(r, row, s)
        for d in plan.departments:
            for day in d.all_hands:
                if not s.start <= day <= s.end:
                    self.add(d.cells.get("all_hands", d.cells.get("department", "")), "outside_campaign",
                             severity="warning", value=day, start=s.start, end=s.end)
                    break

    def _check_demand(self, plan: m.Plan, service: list[tuple[m.ServiceDay, Row]]) -> None:
        """Chats per day, per slot or by a curve: each service day has a volume; named curves exist."""
        s = plan.settings
        typed_days = {v.date for v in plan.volumes}
        curve_names = {c.curve for c in plan.curves}
        for day, row in service:
            opens, closes = minutes_of(day.open), minutes_of(day.close, is_end=True)
            if closes <= opens:  # the calculator's day is 0:00-24:00
                self.add(row.cells["close"], "close_before_open", open=hhmm(opens), close=hhmm(closes))
            if day.chats is None and day.date not in typed_days:
                self.add(row.cells["chats"], "no_chats", date=day.date,
                         sheet=SHEET_BY_KEY["volumes"].label(self.lang))
            if day.chats is not None and day.date in typed_days:
                total = sum(v.chats for v in plan.volumes if v.date == day.date)
                if abs(total - day.chats) > max(1.0, 0.01 * day.chats):
                    self.add(row.cells["chats"], "chats_differ", severity="warning", date=day.date,
                             typed=_fmt(total), daily=_fmt(day.chats))
            if day.profile not in PROFILES and day.profile not in curve_names:
                builtin = [self._choice(p) for p in PROFILES]
                choices = "/".join([*builtin, *sorted(curve_names)])
                self.add(row.cells["profile"], "unknown_curve", value=day.profile, choices=choices)
        service_days = {d.date for d, _ in service}
        for v in plan.volumes:
            if not s.start <= v.date <= s.end or v.date not in service_days:
                self.add(v.cells.get("date", SHEET_BY_KEY["volumes"].label(self.lang)), "volume_unused",
                         severity="warning", date=v.date, sheet=SHEET_BY_KEY["service"].label(self.lang))
        seen: dict[tuple[Any, ...], str] = {}
        for key, items in (("volumes", [((v.date, v.time), v.cells) for v in plan.volumes]),
                           ("curves", [((c.curve, c.time), c.cells) for c in plan.curves])):
            for k, cells in items:
                where = cells.get("time", SHEET_BY_KEY[key].label(self.lang))
                if (key, *k) in seen:
                    self.add(where, "duplicate", value=" ".join(map(str, k)), first=seen[(key, *k)])
                seen.setdefault((key, *k), where)
        for name in curve_names:
            if not any(c.weight > 0 for c in plan.curves if c.curve == name):
                self.add(SHEET_BY_KEY["curves"].label(self.lang), "curve_empty", curve=name)
        if plan.windows and plan.service and all(w.multiplier is None for w in plan.windows) and any(
            d.profile == "大促" for d in plan.service
        ):
            column = SHEET_BY_KEY["windows"].column("multiplier").label(self.lang)
            self.add(SHEET_BY_KEY["windows"].label(self.lang), "no_multipliers", severity="warning", column=column)

    def _without_totals(self, rows: list[tuple[m.InventoryRow, Row]]) -> list[m.InventoryRow]:
        """A planner's own 合计/Total row at the foot of 库存 is not a category: left out, with a warning
        (counted, it would double the totals and halve every share)."""
        out = []
        for inv, row in rows:
            if _norm(inv.category) in TOTAL_NAMES:
                self.add(row.cells["category"], "total_row", severity="warning", value=inv.category)
            else:
                out.append(inv)
        return out

    def _check_heads(self, plan: m.Plan, rows: list[tuple[m.WarehousePost, Row]]) -> None:
        """Heads from ⌈X × 系数 × stress / Y⌉ beyond MAX_HEADS are a typo in X or Y, not a plan."""
        s = plan.settings
        for post, row in rows:
            if post.per_person:
                heads = s.daily_orders * s.coefficient * s.stress_factor / post.per_person
                if heads > MAX_HEADS:
                    self.add(row.cells["per_person"], "too_many_heads", post=post.post, heads=f"{heads:.3g}",
                             max=MAX_HEADS)
            elif (post.fixed or 0) > MAX_HEADS:
                self.add(row.cells["fixed"], "too_large", column=self._label("posts", "fixed"), value=post.fixed,
                         max=MAX_HEADS)

    def _choice(self, value: str) -> str:
        return CHOICE_EN.get(value, value) if self.lang == "en" else value

    def _rows(self, key: str, make: Callable[..., Any]) -> list[tuple[Any, Row]]:
        spec = next(s for s in SHEETS if s.key == key)
        out = []
        for row in self.table(spec):
            vals = {k: v for k, v in row.values.items() if v is not None}
            try:
                obj = make(**vals)
            except CellError as e:
                self.add(row.cells[str(e.kw.pop("field"))], e.key, **e.kw)
                continue
            if hasattr(obj, "cells"):
                obj.cells.update(row.cells)
            out.append((obj, row))
        return out

    def _volumes(self) -> list[m.Volume]:
        """分时咨询量 as a long table (date, time, chats) or as a date × time-of-day grid."""
        spec = SHEET_BY_KEY["volumes"]
        ws = self.sheet(spec)
        if ws is None:
            return []
        grid = self._volume_grid(ws)
        if grid is None:
            return [v for v, _ in self._rows("volumes", m.Volume)]
        return grid

    def _volume_grid(self, ws: Worksheet) -> list[m.Volume] | None:
        """The grid form: a header row with 日期/Date and two or more times; None when not a grid."""
        spec = SHEET_BY_KEY["volumes"]
        date_names = spec.column("date").names()
        stored = ws._cells
        for r in range(1, 11):
            heads = {c: stored[r, c].value for (rr, c) in stored if rr == r and not is_blank(stored[r, c].value)}
            date_col = next((c for c, v in heads.items() if _norm(str(v)) in date_names), None)
            if date_col is None:
                continue
            times: dict[int, dt.time] = {}
            for c, v in heads.items():
                if c == date_col:
                    continue
                with contextlib.suppress(CellError):
                    times[c] = to_time(_hour_header(v))
            if len(times) < 2:
                return None
            out: list[m.Volume] = []
            for row in sorted({rr for rr, c in stored if rr > r}):
                raw_date = stored[row, date_col].value if (row, date_col) in stored else None
                if is_blank(raw_date):
                    continue
                where = f"{ws.title}!{get_column_letter(date_col)}{row}"
                try:
                    day = to_date(raw_date, self.year)
                except CellError as e:
                    self.add(where, e.key, column=spec.column("date").label(self.lang), **e.kw)
                    continue
                for c, t in sorted(times.items()):
                    v = stored[row, c].value if (row, c) in stored else None
                    if is_blank(v):
                        continue
                    coord = f"{ws.title}!{get_column_letter(c)}{row}"
                    good, chats = self.cell_value(ws, spec.column("chats"), v, coord.partition("!")[2])
                    if good:
                        out.append(m.Volume(day, t, chats, {"date": where, "time": coord, "chats": coord}))
            return out
        return None

    def _staff(self, **v: Any) -> m.StaffMember:
        for post in v.get("posts", ()):
            if SEPARATOR in post:
                raise CellError("bad_name_char", field="posts", value=post, char=SEPARATOR)
        if "max_shifts" in v:
            v["max_shifts"] = parse_max_shifts(v["max_shifts"])
        return m.StaffMember(**v)

    def _request(self, **v: Any) -> m.Request:
        wish = canonical_choice(v.pop("wish"), WISHES)
        return m.Request(wish=wish or WANT, **v)

    def _shift(self, **v: Any) -> m.ShiftTemplate:
        code = v["code"]
        if SEPARATOR in code or any(ch.isspace() for ch in code):
            raise CellError("bad_code", field="code", value=code, char=SEPARATOR)
        types = []
        for t in v.pop("types", ()):
            t = STAFF_TYPES_EN.get(t.lower(), t)
            if t not in STAFF_TYPES:
                raise CellError("unknown_shift_type", field="types", value=t)
            types.append(t)
        return m.ShiftTemplate(types=tuple(types), departments=tuple(v.pop("departments", ())),
                               not_followed_by=tuple(v.pop("not_followed_by", ())), **v)

    def _requirement(self, **v: Any) -> m.Requirement:
        if SEPARATOR in v["post"]:
            raise CellError("bad_name_char", field="post", value=v["post"], char=SEPARATOR)
        return m.Requirement(**v)

    def _service_day(self, **v: Any) -> m.ServiceDay:
        profile = v.pop("profile", "平日")
        return m.ServiceDay(profile=canonical_choice(profile, PROFILES) or profile, **v)

    def _post(self, **v: Any) -> m.WarehousePost:
        if not v.get("per_person") and v.get("fixed") is None:
            raise CellError("no_productivity", field="post")
        if SEPARATOR in v["post"]:
            raise CellError("bad_name_char", field="post", value=v["post"], char=SEPARATOR)
        return m.WarehousePost(**v)

    def _label(self, sheet: str, col: str) -> str:
        return next(s for s in SHEETS if s.key == sheet).column(col).label(self.lang)

    def _cross_checks(
        self, plan: m.Plan, phases: list, windows: list, departments: list, duties: list, staff: list, service: list
    ) -> None:
        s = plan.settings
        known: dict[str, str] = {}
        for d, row in departments:
            if d.department in known:
                self.add(row.cells["department"], "duplicate", value=d.department, first=known[d.department])
            known.setdefault(d.department, row.cells["department"])
        if known:
            for obj, row in [*duties, *staff]:
                if obj.department not in known:
                    self.add(row.cells["department"], "unknown_department", value=obj.department)
        first_no: dict[tuple[str, int], str] = {}
        for d, row in duties:
            k = (d.department, d.no)
            if k in first_no:
                self.add(row.cells["no"], "duplicate", value=f"{d.department} {d.no}", first=first_no[k])
            first_no.setdefault(k, row.cells["no"])
        earliest = min([s.start, *(p.start for p in plan.phases)])
        for d, row in duties:
            if d.deadline and not earliest <= d.deadline <= s.end:
                self.add(row.cells["deadline"], "outside_campaign", value=d.deadline, start=earliest, end=s.end)
        for p, row in phases:
            if p.end < p.start:
                self.add(row.cells["end"], "end_before_start", start=p.start, end=p.end)
        names: dict[str, str] = {}
        for person, row in staff:
            if person.name in names:
                self.add(row.cells["name"], "duplicate", value=person.name, first=names[person.name])
            names.setdefault(person.name, row.cells["name"])
            for d in (*person.unavailable, *person.lent):
                if not s.start <= d <= s.end:
                    self.add(
                        row.cells["unavailable" if d in person.unavailable else "lent"],
                        "outside_campaign",
                        severity="warning",
                        value=d,
                        start=s.start,
                        end=s.end,
                    )
        seen_days: dict[dt.date, str] = {}
        for day, row in service:
            if not s.start <= day.date <= s.end:
                self.add(row.cells["date"], "outside_campaign", value=day.date, start=s.start, end=s.end)
            if day.date in seen_days:
                self.add(row.cells["date"], "duplicate", value=day.date, first=seen_days[day.date])
            seen_days.setdefault(day.date, row.cells["date"])
            limit = math.floor(MAX_AVERAGE_AGENTS * 86400 * concurrency_factor(s.concurrency) / s.aht_seconds)
            if day.chats is not None and day.chats > limit:
                label = self._label("service", "chats")
                self.add(row.cells["chats"], "too_large", column=label, value=_fmt(day.chats), max=limit)
        phases = check_phases([(p.phase, p.start, p.end) for p in plan.phases if p.end >= p.start])
        windows = check_windows([(w.window, w.start, w.end) for w in plan.windows]) if plan.windows else []
        for key, issues in (("phases", phases), ("windows", windows)):
            for issue in issues:  # overlaps are errors; a gap may be intended, so it is a warning
                self.add(SHEET_BY_KEY[key].label(self.lang), f"{key[:-1]}_{issue.kind}",
                         severity="error" if issue.kind == "overlap" else "warning",
                         a=issue.a, b=issue.b, start=issue.start, end=issue.end)

def _hour_header(v: Any) -> Any:
    """A grid header such as 0, 13, '13时', '13h', '13:00' as a time."""
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() and 1 < v < 24:
        return f"{int(v)}:00"
    if isinstance(v, int | float) and v == 0:
        return "0:00"
    text = str(v).strip().lower().removesuffix("h").removesuffix("时").removesuffix("点")
    return f"{text}:00" if text.isdigit() else v


def _why(e: BaseException) -> str:
    """One line on what is broken: entity tricks are named as such; openpyxl's own text spans lines."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, DefusedXmlException) or (isinstance(cause, SyntaxError) and "entit" in str(cause)):
            return "XML 含 DTD/实体声明，为安全拒绝读取 / XML entity declarations refused for safety"
        cause = cause.__cause__ or cause.__context__
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _fmt(x: float) -> str:
    return f"{x:g}"
