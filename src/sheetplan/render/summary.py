"""总览: the key numbers, each a live link to the sheet that computes it, and a contents list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..plan.model import Plan, day_label
from ..plan.schema import choice_label
from ..version import __version__
from .book import Book, page_footer, print_setup, text_height, write_header, write_title
from .labels import label
from .refs import quote

VALUE_WIDTH = 22  # wide enough for 售前 00:00–01:00 15/31
NOTE_WIDTH = 50


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float | int | str
    formula: str | None = None  # without '='; None writes the value
    num: str = "int"
    note: str = ""
    label_kw: dict | None = None


def write_summary(book: Book, ws: Worksheet, plan: Plan, kpis: Sequence[Kpi], sheets: Sequence[str]) -> None:
    lang, s = plan.lang, plan.settings
    sub = label(
        "subtitle",
        lang,
        platform=choice_label(s.platform, lang),
        start=f"{s.start:%Y-%m-%d}",
        end=f"{s.end:%Y-%m-%d}",
        sale_day=day_label(s.sale_day),
    )
    row = write_title(book, ws, label("title_summary", lang, name=s.name), sub)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, VALUE_WIDTH)
    ws.set_column(2, 2, NOTE_WIDTH)
    write_header(book, ws, row, [label(k, lang) for k in ("summary_item", "summary_value", "summary_note")])
    header = row
    for k in kpis:
        row += 1
        ws.write_string(row, 0, label(k.key, lang, **(k.label_kw or {})), book.fmt("wrap", bold=True))
        fmt = book.fmt("center", k.num)
        if k.formula is not None:
            ws.write_formula(row, 1, "=" + k.formula, fmt, k.value)
        elif isinstance(k.value, str):
            ws.write_string(row, 1, k.value, fmt)
        else:
            ws.write_number(row, 1, k.value, fmt)
        ws.write_string(row, 2, k.note, book.fmt("wrap", font_color="#595959"))
        text = label(k.key, lang, **(k.label_kw or {}))
        tall = max(text_height(k.note, NOTE_WIDTH), text_height(text, 46))
        if tall > 15:  # a long note (every day's service level, a budget line) wraps, never overflows
            ws.set_row(row, tall)
    row += 2
    ws.write_string(row, 0, label("sum_contents", lang), book.fmt("section"))
    for name in sheets:
        row += 1
        ws.write_url(row, 0, f"internal:{quote(name)}!A1", book.fmt("link"), string=name)
    row += 2
    ws.write_string(row, 0, label("generated_by", lang, version=__version__), book.fmt("note"))
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, footer=page_footer(lang, s.name))

