"""Plan -> every output workbook. Used by the CLI, the batch runner and the ribbon alike.

What goes where is data, never a department's name: a department's workbook holds its duty
table, its roster when it has one, the customer-service sheet when its posts take the Erlang C
requirement, and the product sheets when the plan names it as the products department.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .calc.campaign_service import ServicePlan
from .calc.department_roster import DepartmentRoster
from .calc.labour import Pay, total
from .calc.products import ProductPlan
from .calc.roster import format_span
from .calc.warehouse_check import WarehouseCheck
from .files import OutputError, OutputSet, file_name, output_error, unique_names
from .i18n import join
from .messages import msg
from .pipeline import Results, compute
from .plan import to_roster
from .plan.model import RELEASED, Edit, Plan, day_label
from .plan.problem_owner import of_department
from .plan.problems import Problem
from .plan.reader import read_plan
from .plan.stamp import stamp
from .publish.exports import export_files, folder_name, write_exports
from .publish.roster_store import CHECKS, Stored, stored_roster, write_store
from .render.book import Book
from .render.calendar import write_calendar
from .render.changes import write_changes
from .render.checks import write_checks
from .render.duties import write_duties
from .render.labels import label
from .render.labour import budget_line, currency, write_labour
from .render.products import write_product_sheets
from .render.roster import write_assignments, write_grid, write_heatmap
from .render.schedules import write_daily_duty, write_person_schedules
from .render.service import Staffed, write_service
from .render.shares import write_shares
from .render.styles import number_format
from .render.summary import Kpi, write_summary
from .render.warehouse import write_warehouse
from .render.warehouse_check import write_warehouse_check

__all__ = ["Results", "build_file", "build_outputs", "build_plan", "compute", "departments", "output_names"]

# Product sheets of up to this many SKUs also go into the plan output workbook; bigger ones only
# into the products department's workbook (or a products workbook of their own), written in
# xlsxwriter's constant-memory mode.
PRODUCTS_IN_PLAN_OUTPUT = 20_000


def departments(plan: Plan) -> list[str]:
    """Every department the plan names, in the order it names them."""
    return plan.department_names()


def products_department(plan: Plan) -> str | None:
    name = plan.settings.products_department
    return name if name and name in departments(plan) else None


PRODUCTS_BOOK = "\0products"  # the key of the stand-alone products workbook (no department can be named so)


@dataclass(frozen=True)
class Files:
    """The output file names of one plan: the plan output first, then one per department (and the
    products workbook when it has one of its own), all distinct as Windows and macOS compare."""

    main: str
    per: dict[str, str]
    problems: list[Problem]


def plan_files(stem: str, plan: Plan) -> Files:
    """Sanitised, shortened, collision-free file names; each renamed one is a warning naming
    the department's cell."""
    lang = plan.lang
    keys: list[str | None] = [None, *departments(plan)]
    if _products_alone(plan):
        keys.append(PRODUCTS_BOOK)
    wanted = [file_name(stem, _part(k, lang)) for k in keys]
    got = unique_names(wanted)
    problems = []
    for k, w, g in zip(keys, wanted, got, strict=True):
        if w != g and k is not None:
            problems.append(Problem(_dept_cell(plan, k), msg("file_renamed", lang, dept=k, file=g), "warning"))
    return Files(got[0], dict(zip(keys[1:], got[1:], strict=True)), problems)  # type: ignore[arg-type]


def _part(key: str | None, lang: str) -> str:
    if key is None:
        return "总表" if lang == "zh" else "plan"
    return label("pr_sheet_structure", lang) if key == PRODUCTS_BOOK else key


def _dept_cell(plan: Plan, dept: str) -> str:
    for rows in (plan.departments, plan.duties, plan.staff, plan.requirements):
        for r in rows:
            cells = getattr(r, "cells", None)
            if r.department == dept and cells:
                return cells.get("department", "")
    return plan.sheets.get("departments", "")


def output_names(stem: str, plan: Plan) -> tuple[str, dict[str, str]]:
    """File names: '<stem>-总表.xlsx' and '<stem>-<部门>.xlsx' (see :func:`plan_files`)."""
    files = plan_files(stem, plan)
    return files.main, files.per


def _products_alone(plan: Plan) -> bool:
    n = 0 if plan.products is None else len(plan.products)
    return n > PRODUCTS_IN_PLAN_OUTPUT and products_department(plan) is None


def build_file(plan_path: str | Path, out_dir: str | Path, lang: str | None = None) -> list[Path]:
    """Read, validate and build one plan file; raises PlanError when the plan has errors and
    OutputError (the previous outputs intact) when the files cannot be written."""
    plan = read_plan(plan_path, lang)
    return build_plan(plan, out_dir, Path(plan_path).stem)


def build_plan(plan: Plan, out_dir: str | Path, stem: str, results: Results | None = None, *,
               exports: bool = False) -> list[Path]:
    """Write every output of `plan` as one set: all of them replace the previous set, or none.
    ``exports``: also the calendars and attendance CSVs in ``<stem>-导出/``, in the same set (one
    commit, one journal); without them, the ones an earlier build of this plan wrote there are
    removed in that commit, so no calendar contradicts the new rosters."""
    return build_outputs(plan, out_dir, stem, results, exports=exports)[0]


def build_outputs(plan: Plan, out_dir: str | Path, stem: str, results: Results | None = None, *,
                  exports: bool = False) -> tuple[list[Path], Results]:
    """:func:`build_plan`, and the results it wrote. Computed here (``results`` None), the
    departments that finish first are written while the others still solve (:class:`_Ahead`)."""
    out_dir = Path(out_dir)
    files = plan_files(stem, plan)
    with tempfile.TemporaryDirectory(prefix="sheetplan-") as scratch:
        ahead = _Ahead(plan, files, Path(scratch))
        results = results or compute(plan, ahead=ahead)
        results.problems.extend(p for p in files.problems if p not in results.problems)
        folder = folder_name(stem, plan.lang)
        # the previous calendars there carry each event's SEQUENCE forward (see exports.py)
        try:  # made in memory (the attendance .xlsx through a temporary file) before the set is opened
            data = export_files(plan, results.rosters, previous=out_dir / folder) if exports and results.rosters else {}
        except OutputError:
            raise
        except OSError as e:
            raise output_error(e) from e
        names = [files.main, *files.per.values(), *(f"{folder}/{n}" for n in data)]
        with OutputSet(out_dir, names, owner=stem) as outs:
            write_plan_output(plan, results, outs.temp(files.main), direct=True)
            for dept, fname in files.per.items():
                if dept == PRODUCTS_BOOK:
                    write_products_book(plan, results, outs.temp(fname))
                elif (early := ahead.written(dept, results)) is not None:
                    outs.write(fname, early.read_bytes())
                else:
                    write_department(plan, results, dept, outs.temp(fname), direct=True)
            write_exports(data, outs.write, folder)
    return outs.targets, results


class _Ahead:
    """Department workbooks written while other departments still solve (into a scratch folder
    outside the output folder, whose lock is not held while computing), each kept only when
    everything it shows is what the finished results say; otherwise it is written again."""

    def __init__(self, plan: Plan, files: Files, scratch: Path) -> None:
        self.plan, self.files, self.scratch = plan, files, scratch
        self.books: dict[str, tuple[Path, DepartmentInputs]] = {}

    def __call__(self, part: Results, dept: str) -> None:
        name = self.files.per.get(dept)
        if name is None or dept in _service_departments(part):  # its service sheet needs every roster
            return
        part.problems.extend(p for p in self.files.problems if p not in part.problems)  # as the build adds them
        inputs = department_inputs(self.plan, part, dept)
        path = self.scratch / f"{len(self.books)}.xlsx"
        try:
            _write_department(self.plan, inputs, dept, path, direct=True)  # a private folder: no rename needed
        except OSError:  # (a full temporary disk …) it is written in the set, where a failure is reported
            return
        self.books[dept] = (path, inputs)

    def written(self, dept: str, results: Results) -> Path | None:
        """The workbook written ahead for ``dept``, when it shows what ``results`` say."""
        path, inputs = self.books.get(dept, (None, None))
        return path if path is not None and inputs == department_inputs(self.plan, results, dept) else None


def write_products_book(plan: Plan, results: Results, path: Path) -> Path:
    """The product sheets alone, when they are too big for the plan output and no department takes them."""
    title = f"{plan.settings.name} · {label('pr_sheet_structure', plan.lang)}"
    with Book(path, title=title, constant_memory=True, direct=True, lang=plan.lang, stamp=stamp(plan)) as book:
        if results.products is not None:
            write_product_sheets(book, plan.products, results.products, plan.lang)
    return path


def problems_of(plan: Plan, results: Results) -> list[Problem]:
    """Everything the 检查结果 sheet lists: the reader's warnings, then the computation's."""
    return list(dict.fromkeys([*plan.warnings, *results.problems]))


def _service_departments(results: Results) -> set[str]:
    if results.service_roster is not None and results.service_roster.posts:
        return {d for d, _ in results.service_roster.posts}
    if results.demand is not None:
        return {d for d, _ in results.demand.resolution.posts_fed_by("service")}
    return set()


def _staffed(results: Results) -> Staffed | None:
    sr = results.service_roster
    if sr is None or not sr.posts:
        return None
    return Staffed(sr.people, sr.audit)


def write_plan_output(plan: Plan, results: Results, path: Path, *, direct: bool = False) -> Path:
    lang = plan.lang
    s = plan.settings
    checks = problems_of(plan, results)
    with Book(path, title=s.name, direct=direct, lang=lang, stamp=stamp(plan)) as book:
        keys = ["sheet_summary", "sheet_checks", "sheet_calendar", "sheet_duties", "sheet_warehouse", "sheet_shares"]
        if results.service:
            keys.append("sheet_service")
        names = [label(k, lang) for k in keys]
        for r in results.rosters:
            names += [label("sheet_roster", lang, dept=r.department), label("sheet_heatmap", lang, dept=r.department)]
        if results.rosters:
            names.append(label("sheet_assignments", lang))
        sheets = {n: book.sheet(n) for n in names}
        ws_sum, ws_chk, ws_cal, ws_duty, ws_wh, ws_sh, *rest = sheets.values()
        write_checks(book, ws_chk, plan, checks)
        write_calendar(book, ws_cal, plan)
        duty_count = write_duties(book, ws_duty, plan, plan.duties, None)
        wh = write_warehouse(book, ws_wh, plan, results.warehouse, results.warehouse_stress)
        sh = write_shares(book, ws_sh, plan, results.shares)
        kpis = [
            Kpi(
                "sum_days",
                len(s.days),
                f"{s.end.toordinal() - s.start.toordinal() + 1}",
                note=f"{day_label(s.start)} – {day_label(s.end)}",
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
        if results.products is not None:  # two stock counts that need not agree: say which is which
            units = float(results.products.by_tier["units"].sum())
            total = f"{results.shares.total_quantity:,.0f}"
            note = label("sum_sku_units_note", lang, skus=len(plan.products), units=total)
            kpis.append(Kpi("sum_sku_units", units, note=note))
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
            dept = next(iter(sorted(_service_departments(results))), None)
            cs = write_service(book, rest[0], plan, sp, to_roster.templates_for(plan, dept), _staffed(results))
            kpis += [
                Kpi("sum_cs_peak", max(sp.requirement, default=0), f"MAX({cs['required']})"),
                Kpi("sum_cs_hours", sp.shifts.paid_hours, num=number_format(sp.shifts.paid_hours),
                    note=label(f"status_{sp.shifts.status}", lang)),
            ]
            if sp.minimum is not None:
                kpis.append(Kpi("sum_cs_minimum", sp.minimum.paid_hours, num=number_format(sp.minimum.paid_hours)))
            audit = _staffed(results).audit if _staffed(results) else sp.audit
            kpis.append(Kpi("sum_cs_sl", audit.worst_service_level or 0, f"MIN({cs['sl']})", num="percent"))
        if results.rosters:
            _write_rosters(book, plan, results.rosters, sheets, edits=results.edits)
        kpis += _roster_kpis(plan, results) + _labour_kpis(plan, results)
        note = label("sum_checks_note", lang, sheet=label("sheet_checks", lang))
        kpis.append(Kpi("sum_checks", len(checks), note=note))
        if results.products is not None and len(plan.products) <= PRODUCTS_IN_PLAN_OUTPUT:
            write_product_sheets(book, plan.products, results.products, lang)
            names += [label("pr_sheet_structure", lang), label("pr_sheet_reorder", lang)]
        # the names the sheets really got; a hidden sheet (the published roster's store) is no content
        contents = [ws.get_name() for ws in book.wb.worksheets()[1:] if not ws.hidden]
        write_summary(book, ws_sum, plan, kpis, contents)
        ws_sum.activate()
    return path


def _roster_kpis(plan: Plan, results: Results) -> list[Kpi]:
    """Per department: what the named roster really covers, and its worst interval — or why
    there is no roster. A requirement of zero never reads as '100 % covered'."""
    lang = plan.lang
    labels = plan.settings.day_labels
    by_dept = {r.department: r for r in results.rosters}
    out = []
    staffed = {p.department for p in plan.staff}
    wanted = set(results.demand.requirements) if results.demand else set()
    for dept in departments(plan):
        r = by_dept.get(dept)
        if r is None:
            if dept in staffed or dept in wanted:
                key = "sum_no_roster" if dept in wanted else "sum_no_need"
                out.append(Kpi("sum_roster_none", label(key, lang), num="text", label_kw={"dept": dept}))
            continue
        out.append(_roster_kpi(r, labels, lang))
        out += _day_kpis(plan, r, labels)
    return out


def _day_kpis(plan: Plan, r: DepartmentRoster, labels: list[str]) -> list[Kpi]:
    """The sale day judged by its worst interval, and each day's service level by chats."""
    lang, out = plan.lang, []
    days = plan.settings.days
    sale_day = days.index(plan.settings.sale_day) if plan.settings.sale_day in days else None
    sale = next((d for d in r.days if d.day == sale_day), None)
    if sale is not None:
        span = format_span(sale.interval, sale.interval + 1, r.result.interval_minutes, labels, lang)
        value = f"{sale.post} {span[len(labels[sale.day]) + 1:]} {sale.rostered}/{sale.required}"
        note = label("sum_sale_worst_note", lang, short=sale.short) if sale.short else label("sum_all_covered", lang)
        if sale.service_level is not None:
            note += label("sum_sl_there", lang, sl=f"{sale.service_level:.0%}", target=f"{sale.target:.0%}")
        out.append(Kpi("sum_sale_worst", value, num="text", label_kw={"dept": r.department}, note=note))
    levels = [(labels[d.day], d.day_service_level, d.target) for d in r.days if d.day_service_level is not None]
    if levels:
        low = min(v for _, v, _ in levels)
        note = ("、" if lang == "zh" else ", ").join(f"{day} {v:.0%}" for day, v, _ in levels)
        kw = {"dept": r.department, "target": f"{levels[0][2]:.0%}"}
        out.append(Kpi("sum_day_sl", low, num="percent", label_kw=kw, note=note))
    return out


def _roster_kpi(r: DepartmentRoster, labels: list[str], lang: str) -> Kpi:
    res = r.result
    missing = sum(r.unstaffed.values())
    if res.required_hours + missing <= 0:
        return Kpi("sum_roster_none", label("sum_no_need", lang), num="text", label_kw={"dept": r.department})
    worst = r.worst()
    notes = []
    if worst is not None:
        post, a, b, n = worst
        notes.append(label("sum_worst", lang, post=post, span=format_span(a, b, res.interval_minutes, labels, lang),
                           n=n))
    if r.unstaffed:  # a post no one holds is all short: never 'all covered'
        notes.append(label("ro_unrostered", lang, posts=join(list(r.unstaffed), lang)))
    note = ("；" if lang == "zh" else "; ").join(notes) or label("sum_all_covered", lang)
    value = f"{r.covered_text()} / {res.shortfall_hours + missing:g}"
    return Kpi("sum_roster", value, num="text", label_kw={"dept": r.department}, note=note)


def _labour_kpis(plan: Plan, results: Results) -> list[Kpi]:
    """Per rostered department: the labour cost, and what it buys (the budget line)."""
    out = []
    for r in results.rosters:
        pays = results.labour.get(r.department, [])
        if pays:
            out.append(Kpi("sum_labour", total(pays).cost, num="price", note=budget_line(plan, r, pays),
                           label_kw={"dept": r.department, "cur": currency(plan)}))
    return out


def _write_rosters(book: Book, plan: Plan, rosters: list[DepartmentRoster], sheets: dict,
                   labour_of: dict[str, list] | None = None, edits: Sequence[Edit] = ()) -> None:
    """Grids, heatmaps over them and 排班明细; and, hidden, what `check-roster` needs to re-check edits
    (with the cells hand edits decided, so the next --keep-edits keeps them too)."""
    lang = plan.lang
    labour_of = labour_of or {}
    write_assignments(book, sheets[label("sheet_assignments", lang)], plan, rosters)
    rules = to_roster.rules(plan)
    kept = []
    decided = _decided(plan, edits)
    for r in rosters:
        grid = write_grid(book, sheets[label("sheet_roster", lang, dept=r.department)], plan, r, r.shifts)
        write_heatmap(book, sheets[label("sheet_heatmap", lang, dept=r.department)], plan, r, grid)
        contacts = {p.name: {"id": p.employee_id, "phone": p.phone, "lead": p.lead}
                    for p in plan.staff if p.department == r.department}
        people_sheet = sheets.get(label("sheet_people", lang, dept=r.department))
        if people_sheet is not None:  # department workbooks: what is sent to people and put on the wall
            write_person_schedules(book, people_sheet, plan, r, contacts)
            write_daily_duty(book, sheets[label("sheet_daily", lang, dept=r.department)], plan, r, contacts)
            write_labour(book, sheets[label("sheet_labour", lang, dept=r.department)], plan, r,
                         labour_of.get(r.department, []), to_roster.pay_rules(plan))
        kept.append(stored_roster(r, grid, rules, to_roster.shift_cover(plan, r.department), contacts,
                                  sorted(decided.get(r.department, ())), to_roster.all_hands_days(plan, r.department)))
    s = plan.settings
    # every workbook of the set says how many hand-edit decisions each department carries, so a
    # later --keep-edits that leaves one out says so instead of rostering them afresh in silence
    write_store(book.wb, Stored(lang, s.start.isoformat(), s.day_labels, s.interval_minutes,
                                stamp(plan), kept, plan=s.name,
                                sale_day=s.days.index(s.sale_day) if s.sale_day in s.days else None,
                                set_decided={dept: len(cells) for dept, cells in sorted(decided.items())},
                                checks=CHECKS))


def _decided(plan: Plan, edits: Sequence[Edit]) -> dict[str, set[tuple[str, int]]]:
    """Per department, the (person as the plan names them, day) cells kept hand edits decided (a
    day off released decides nothing: the shift rostered there is the solver's, not kept next round)."""
    day_of = {text: k for k, text in enumerate(plan.settings.day_labels)}
    out: dict[str, set[tuple[str, int]]] = {}
    for e in edits:
        if not e.why and e.day in day_of and e.after != RELEASED:
            out.setdefault(e.department, set()).add((e.name or e.person, day_of[e.day]))
    return out


@dataclass(frozen=True)
class DepartmentInputs:
    """Everything of the results a department's workbook shows (and nothing else: it is written
    from this alone, so equal inputs give the same workbook, see :class:`_Ahead`)."""

    rosters: list[DepartmentRoster]
    problems: list[Problem]  # its 检查结果
    service: ServicePlan | None  # when its posts take the Erlang C requirement
    staffed: Staffed | None
    labour: dict[str, list[Pay]]
    edits: list[Edit]  # the whole change log: every workbook stores how many cells each department's edits decided
    warehouse: WarehouseCheck | None
    products: ProductPlan | None  # when it is the products department


def department_inputs(plan: Plan, results: Results, department: str) -> DepartmentInputs:
    service = department in _service_departments(results)
    return DepartmentInputs(
        rosters=[r for r in results.rosters if r.department == department],
        problems=of_department(plan, problems_of(plan, results), department),
        service=results.service if service else None,
        staffed=_staffed(results) if service else None,
        labour={d: pay for d, pay in results.labour.items() if d == department},
        edits=list(results.edits),
        warehouse=results.warehouse_checks.get(department),
        products=results.products if department == products_department(plan) else None,
    )


def write_department(plan: Plan, results: Results, department: str, path: Path, *, direct: bool = False) -> Path:
    """The department's duty table, and its customer-service plan, roster and products where it has them."""
    return _write_department(plan, department_inputs(plan, results, department), department, path, direct=direct)


def _write_department(plan: Plan, inputs: DepartmentInputs, department: str, path: Path, *,
                      direct: bool = False) -> Path:
    lang = plan.lang
    duties = [d for d in plan.duties if d.department == department]
    mine = inputs.rosters
    products = inputs.products
    big = products is not None and len(plan.products) > PRODUCTS_IN_PLAN_OUTPUT
    title = f"{plan.settings.name} · {department}"
    with Book(path, title=title, constant_memory=big, direct=direct, lang=lang, stamp=stamp(plan)) as book:
        names = [label("sheet_duties", lang), label("sheet_dept_checks", lang, dept=department)]
        service = inputs.service
        if service:
            names.append(label("sheet_service", lang))
        if mine:
            names += [
                label("sheet_roster", lang, dept=department),
                label("sheet_heatmap", lang, dept=department),
                *([label("sheet_wh_check", lang, dept=department)] if inputs.warehouse is not None else []),
                label("sheet_people", lang, dept=department),
                label("sheet_daily", lang, dept=department),
                label("sheet_labour", lang, dept=department),
                label("sheet_assignments", lang),
            ]
        edits = [e for e in inputs.edits if e.department == department]
        if edits:
            names.append(label("sheet_changes", lang, dept=department))
        sheets = {n: book.sheet(n) for n in names}
        write_duties(book, sheets[names[0]], plan, duties, department)
        write_checks(book, sheets[names[1]], plan, inputs.problems, department)
        if service:
            write_service(book, sheets[label("sheet_service", lang)], plan, service,
                          to_roster.templates_for(plan, department), inputs.staffed)
        if mine:
            _write_rosters(book, plan, mine, sheets, inputs.labour, inputs.edits)
        if inputs.warehouse is not None and mine:
            write_warehouse_check(book, sheets[label("sheet_wh_check", lang, dept=department)], plan,
                                  inputs.warehouse)
        if edits:
            write_changes(book, sheets[label("sheet_changes", lang, dept=department)], plan, department, edits)
        if products is not None:
            write_product_sheets(book, plan.products, products, lang)
    return path
