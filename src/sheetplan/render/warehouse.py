"""仓库人员配备: posts with heads per post as live formulas, group subtotals, total, 1× and stress."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..calc.warehouse import WarehouseStaffing
from ..plan.model import Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label
from .refs import cell, on
from .styles import number_format


@dataclass(frozen=True)
class WarehouseRefs:
    sale_orders: str
    heads: str
    heads_stress: str


def write_warehouse(
    book: Book, ws: Worksheet, plan: Plan, base: WarehouseStaffing, stress: WarehouseStaffing
) -> WarehouseRefs:
    lang, s = plan.lang, plan.settings
    name = ws.get_name()
    row = write_title(book, ws, label("title_warehouse", lang), s.name)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 5, 16)
    ws.write_string(row, 0, label("wh_inputs", lang), book.fmt("section"))
    inputs = [
        ("wh_daily_orders", s.daily_orders, "int"),
        ("wh_coefficient", s.coefficient, number_format(s.coefficient)),
        ("wh_sale_orders", None, "int"),
        ("wh_stress", s.stress_factor, number_format(s.stress_factor)),
    ]
    r_x, r_k, r_o, r_f = row + 1, row + 2, row + 3, row + 4
    for i, (key, value, num) in enumerate(inputs):
        r = row + 1 + i
        ws.write_string(r, 0, label(key, lang), book.fmt("text", bold=True))
        ws.write_blank(r, 1, None, book.fmt("text"))
        if value is None:
            ws.write_formula(
                r,
                1,
                f"={cell(r_x, 1, absolute=True)}*{cell(r_k, 1, absolute=True)}",
                book.fmt("total", num),
                base.orders,
            )
        else:
            ws.write_number(r, 1, value, book.fmt("text", num, bg_color="#FFFFE0"))
    x, k, f = (cell(r, 1, absolute=True) for r in (r_x, r_k, r_f))
    row = r_f + 2
    write_header(
        book,
        ws,
        row,
        [
            label("wh_group", lang),
            label("wh_post", lang),
            label("wh_per_person", lang),
            label("wh_fixed", lang),
            label("wh_heads", lang, factor=1),
            label("wh_heads", lang, factor=s.stress_factor),
        ],
    )
    header_row = row
    row += 1
    subtotal_cells: list[tuple[str, str]] = []
    for g1, g2 in zip(base.groups, stress.groups, strict=True):
        first = row
        for p1, p2 in zip(g1.posts, g2.posts, strict=True):
            post = p1.post
            ws.write_string(row, 1, post.name, book.fmt("text"))
            y = cell(row, 2)
            fixed = cell(row, 3)
            if post.per_person > 0:
                ws.write_number(row, 2, post.per_person, book.fmt("text", "int"))
                ws.write_blank(row, 3, None, book.fmt("text"))
            else:
                ws.write_blank(row, 2, None, book.fmt("text"))
                ws.write_number(row, 3, post.fixed, book.fmt("text", "int"))
            ws.write_formula(
                row, 4, f"=IF(N({y})>0,ROUNDUP({x}*{k}/{y},0),N({fixed}))", book.fmt("center", "int"), p1.heads
            )
            ws.write_formula(
                row, 5, f"=IF(N({y})>0,ROUNDUP({x}*{f}*{k}/{y},0),N({fixed}))", book.fmt("center", "int"), p2.heads
            )
            row += 1
        if row - first > 1:
            ws.merge_range(first, 0, row - 1, 0, g1.group, book.fmt("center", bold=True))
        else:
            ws.write_string(first, 0, g1.group, book.fmt("center", bold=True))
        ws.merge_range(row, 0, row, 3, label("wh_subtotal", lang, group=g1.group), book.fmt("subtotal"))
        for c, val in ((4, g1.heads), (5, g2.heads)):
            ws.write_formula(row, c, f"=SUM({cell(first, c)}:{cell(row - 1, c)})", book.fmt("subtotal", "int"), val)
        subtotal_cells.append((cell(row, 4), cell(row, 5)))
        row += 1
    ws.merge_range(row, 0, row, 3, label("wh_total", lang), book.fmt("total"))
    for c, val, i in ((4, base.heads, 0), (5, stress.heads, 1)):
        ws.write_formula(
            row,
            c,
            "=" + "+".join(sc[i] for sc in subtotal_cells) if subtotal_cells else "=0",
            book.fmt("total", "int"),
            val,
        )
    ws.freeze_panes(header_row + 1, 0)
    print_setup(ws, repeat_rows=(header_row, header_row), footer=page_footer(lang, s.name))
    return WarehouseRefs(on(name, r_o, 1), on(name, row, 4), on(name, row, 5))
