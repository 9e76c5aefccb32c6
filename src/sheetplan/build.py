"""Plan -> every output workbook. Used by the CLI, the batch runner and the ribbon alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .calc.calendar import minutes_of
from .calc.campaign_service import DayDemand, ServiceParams, ServicePlan, plan_service
from .calc.department_roster import (
    DepartmentRoster,
    roster_department,
    service_requirement,
    warehouse_requirement,
)
from .calc.outreach import calls_per_caller_per_day
from .calc.products import ProductPlan, StockRules, TierRules, plan_products
from .calc.shares import ShareTable, share_table
from .calc.shifts import ShiftType
from .calc.warehouse import Post, WarehouseStaffing, staff_warehouse
from .plan import to_roster
from .plan.model import Plan
from .plan.reader import read_plan
from .render.book import Book
from .render.calendar import write_calendar
from .render.duties import write_duties
from .render.labels import label
from .render.products import write_product_sheets
from .render.roster import write_assignments, write_grid, write_heatmap
from .render.service import write_service
from .render.shares import write_shares
from .render.summary import Kpi, write_summary
from .render.warehouse import write_warehouse

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class Results:
    """Every number the outputs show, computed once by the calculators."""

    warehouse: WarehouseStaffing
    warehouse_stress: WarehouseStaffing
    shares: ShareTable
    outreach: float | None
    service: ServicePlan | None
    rosters: list[DepartmentRoster]
    products: ProductPlan | None


# Product sheets of up to this many SKUs also go into the plan output workbook; bigger ones only
# into the goods department's workbook, written in xlsxwriter's constant-memory mode.
PRODUCTS_IN_PLAN_OUTPUT = 20_000
GOODS_DEPARTMENTS = ("商品部", "货品部", "Goods", "Merchandise")


def service_plan(plan: Plan) -> ServicePlan | None:
    """Erlang C requirement and the optimal shift plan over the campaign's service days."""
    if not plan.service:
        return None
    s = plan.settings
    by_date = {d.date: d for d in plan.service}
    days = []
    for day in s.days:  # one continuous timeline: a day without a row is closed
        d = by_date.get(day)
        if d is None:
            days.append(DayDemand(0, 0, 1440))
            continue
        fixed = (d.presales or 0, d.reminders or 0, d.aftersales or 0)
        days.append(
            DayDemand(
                d.chats, minutes_of(d.open), minutes_of(d.close, is_end=True), d.profile, fixed if any(fixed) else None
            )
        )
    params = ServiceParams(
        s.aht_seconds, s.target_sl, s.answer_seconds, s.interval_minutes, s.concurrency, s.max_occupancy, s.shrinkage
    )
    return plan_service(days, params, shift_types(plan), max_part_time_people=s.max_students_per_day,
                        max_part_time_share=s.max_part_time_share)


def shift_types(plan: Plan) -> list[ShiftType]:
    """Shift lengths the plan allows, free to start on any hour; student-only lengths are part-time."""
    by_hours: dict[float, bool] = {}
    for t in plan.shifts:
        student_only = bool(t.types) and set(t.types) == {"学生"}
        by_hours[t.hours] = by_hours.get(t.hours, True) and student_only
    if not by_hours:
        by_hours = {8.0: False, 4.0: True}
    return [ShiftType(f"{h:g}h", h, part_time=pt) for h, pt in sorted(by_hours.items(), reverse=True)]


WAREHOUSE_DEPARTMENTS = ("仓储物流部", "仓储部", "仓库", "Warehouse")
SERVICE_DEPARTMENTS = ("客服部", "客服", "Customer service")


def rosters(plan: Plan, warehouse: WarehouseStaffing, service: ServicePlan | None) -> list[DepartmentRoster]:
    """A named roster for every department that has staff and a requirement."""
    s = plan.settings
    horizon = len(s.days)
    minutes = s.interval_minutes
    labels = [f"{d:%m-%d}" for d in s.days]
    shifts = to_roster.shift_templates(plan)
    rules = to_roster.rules(plan)
    sale = to_roster.day_index(plan).get(s.sale_day, 0)
    out = []
    for dept in departments(plan):
        staff = [p for p in plan.staff if p.department == dept]
        if not staff or not shifts:
            continue
        if dept in SERVICE_DEPARTMENTS and service is not None:
            req = service_requirement(service)
        elif dept in WAREHOUSE_DEPARTMENTS:
            heads = {p.post.name: p.heads for g in warehouse.groups for p in g.posts}
            req = warehouse_requirement(heads, horizon, sale, minutes)
        else:
            continue
        people = [to_roster.person(plan, p, minutes) for p in staff]
        out.append(
            roster_department(
                dept, people, shifts, req, horizon, rules, interval_minutes=minutes, day_labels=labels,
                lang=plan.lang, fixed=to_roster.fixed_assignments(plan, dept),
            )
        )
    return out


def compute(plan: Plan, *, with_rosters: bool = True) -> Results:
    """Every number of every output. `with_rosters=False` skips the CP-SAT rosters (the slow
    part) for callers that only need the duty tables, such as the ribbon's 生成职责表."""
    s = plan.settings
    posts = [Post(p.group, p.post, p.per_person or 0.0, p.fixed or 0) for p in plan.posts]
    inv = plan.inventory
    warehouse = staff_warehouse(s.daily_orders, s.coefficient, posts, 1.0)
    service = service_plan(plan)
    outreach = (
        calls_per_caller_per_day(s.vip_customers, s.callers, s.call_days)
        if s.vip_customers and s.callers and s.call_days
        else None
    )
    return Results(
        warehouse=warehouse,
        warehouse_stress=staff_warehouse(s.daily_orders, s.coefficient, posts, s.stress_factor),
        shares=share_table(
            [r.category for r in inv],
            [r.quantity for r in inv],
            [r.amount for r in inv],
            s.share_decimals,
            s.share_method,
        ),  # type: ignore[arg-type]
        outreach=outreach,
        service=service,
        rosters=rosters(plan, warehouse, service) if with_rosters else [],
        products=product_plan(plan),
    )


def product_plan(plan: Plan) -> ProductPlan | None:
    df = plan.products
    if df is None or len(df) == 0:
        return None
    s = plan.settings
    return plan_products(
        df,
        tier_rules=TierRules(hit_share=s.hit_share, featured_share=s.featured_share),
        stock_rules=StockRules(sales_days=s.sales_days, multiple=s.stock_multiple, uplift=s.hit_uplift,
                               lead_time_days=s.lead_time_days, ref_date=s.start),
    )


def output_names(stem: str, plan: Plan) -> tuple[str, dict[str, str]]:
    """File names: '<stem>-总表.xlsx' and '<stem>-<部门>.xlsx' (file-system safe)."""
    main = f"{stem}-{'总表' if plan.lang == 'zh' else 'plan'}.xlsx"
    return main, {d: f"{stem}-{_UNSAFE.sub('_', d)}.xlsx" for d in departments(plan)}


def departments(plan: Plan) -> list[str]:
    names = [d.department for d in plan.departments]
    names += [d.department for d in plan.duties if d.department not in names]
    return list(dict.fromkeys(names))


def build_file(plan_path: str | Path, out_dir: str | Path, lang: str | None = None) -> list[Path]:
    """Read, validate and build one plan file; raises PlanError when the plan has errors."""
    plan = read_plan(plan_path, lang)
    return build_plan(plan, out_dir, Path(plan_path).stem)


def build_plan(plan: Plan, out_dir: str | Path, stem: str, results: Results | None = None) -> list[Path]:
    """Write every output of `plan`; `results` may be passed when already computed."""
    out_dir = Path(out_dir)
    results = results or compute(plan)
    main, per_dept = output_names(stem, plan)
    written = [write_plan_output(plan, results, out_dir / main)]
    for dept, fname in per_dept.items():
        written.append(write_department(plan, results, dept, out_dir / fname))
    return written


def write_plan_output(plan: Plan, results: Results, path: Path) -> Path:
    lang = plan.lang
    s = plan.settings
    with Book(path, title=s.name) as book:
        keys = ["sheet_summary", "sheet_calendar", "sheet_duties", "sheet_warehouse", "sheet_shares"]
        if results.service:
            keys.append("sheet_service")
        names = [label(k, lang) for k in keys]
        for r in results.rosters:
            names += [label("sheet_roster", lang, dept=r.department), label("sheet_heatmap", lang, dept=r.department)]
        if results.rosters:
            names.append(label("sheet_assignments", lang))
        sheets = {n: book.sheet(n) for n in names}
        ws_sum, ws_cal, ws_duty, ws_wh, ws_sh, *rest = sheets.values()
        write_calendar(book, ws_cal, plan)
        duty_count = write_duties(book, ws_duty, plan, plan.duties, None)
        wh = write_warehouse(book, ws_wh, plan, results.warehouse, results.warehouse_stress)
        sh = write_shares(book, ws_sh, plan, results.shares)
        kpis = [
            Kpi(
                "sum_days",
                len(s.days),
                f"{s.end.toordinal() - s.start.toordinal() + 1}",
                note=f"{s.start:%m-%d} – {s.end:%m-%d}",
            ),
            Kpi("sum_departments", len(departments(plan))),
            Kpi("sum_duties", len(plan.duties), duty_count),
            Kpi(
                "sum_orders", results.warehouse.orders, wh.sale_orders, note=f"X {s.daily_orders:g} × {s.coefficient:g}"
            ),
            Kpi("sum_heads", results.warehouse.heads, wh.heads),
            Kpi(
                "sum_heads_stress",
                results.warehouse_stress.heads,
                wh.heads_stress,
                label_kw={"factor": s.stress_factor},
            ),
            Kpi("sum_units", results.shares.total_quantity, sh.units),
            Kpi("sum_amount", results.shares.total_amount, sh.amount, num="money"),
        ]
        if results.outreach is not None:
            kpis.append(
                Kpi(
                    "sum_outreach",
                    results.outreach,
                    f"ROUNDUP({s.vip_customers}/({s.callers}*{s.call_days:g}),0)",
                    note=label(
                        "sum_outreach_note", lang, customers=s.vip_customers, callers=s.callers, days=s.call_days
                    ),
                )
            )
        if results.service:
            sp = results.service
            cs = write_service(book, rest[0], plan, sp)
            kpis += [
                Kpi("sum_cs_peak", max(sp.requirement, default=0), f"MAX({cs['required']})"),
                Kpi("sum_cs_hours", sp.shifts.paid_hours, cs["paid_hours"], num="number",
                    note=label(f"status_{sp.shifts.status}", lang)),
                Kpi("sum_cs_sl", sp.audit.worst_service_level or 0, f"MIN({cs['sl']})", num="percent"),
            ]
        if results.rosters:
            _write_rosters(book, plan, results.rosters, sheets)
            for r in results.rosters:
                cov = r.result.coverage_pct
                kpis.append(
                    Kpi(
                        "sum_roster",
                        f"{cov:.1f}% / {r.result.shortfall_hours:g}",
                        num="text",
                        label_kw={"dept": r.department},
                        note=label(f"roster_{r.result.status}", lang),
                    )
                )
        if results.products is not None and len(plan.products) <= PRODUCTS_IN_PLAN_OUTPUT:
            write_product_sheets(book, plan.products, results.products, lang)
            names += [label("pr_sheet_structure", lang), label("pr_sheet_reorder", lang)]
        write_summary(book, ws_sum, plan, kpis, names[1:])
        ws_sum.activate()
    return path


def _write_rosters(book: Book, plan: Plan, rosters: list[DepartmentRoster], sheets: dict) -> None:
    lang = plan.lang
    shifts = to_roster.shift_templates(plan)
    rng = write_assignments(book, sheets[label("sheet_assignments", lang)], plan, rosters)
    for r in rosters:
        write_grid(book, sheets[label("sheet_roster", lang, dept=r.department)], plan, r, shifts)
        write_heatmap(book, sheets[label("sheet_heatmap", lang, dept=r.department)], plan, r, rng)


def write_department(plan: Plan, results: Results, department: str, path: Path) -> Path:
    """The department's duty table, and its customer-service plan and roster where it has them."""
    lang = plan.lang
    duties = [d for d in plan.duties if d.department == department]
    mine = [r for r in results.rosters if r.department == department]
    products = results.products if department in GOODS_DEPARTMENTS else None
    big = products is not None and len(plan.products) > PRODUCTS_IN_PLAN_OUTPUT
    with Book(path, title=f"{plan.settings.name} · {department}", constant_memory=big) as book:
        names = [label("sheet_duties", lang)]
        if department in SERVICE_DEPARTMENTS and results.service:
            names.append(label("sheet_service", lang))
        if mine:
            names += [
                label("sheet_roster", lang, dept=department),
                label("sheet_heatmap", lang, dept=department),
                label("sheet_assignments", lang),
            ]
        sheets = {n: book.sheet(n) for n in names}
        write_duties(book, sheets[names[0]], plan, duties, department)
        if label("sheet_service", lang) in sheets and results.service:
            write_service(book, sheets[label("sheet_service", lang)], plan, results.service)
        if mine:
            _write_rosters(book, plan, mine, sheets)
        if products is not None:
            write_product_sheets(book, plan.products, products, lang)
    return path
