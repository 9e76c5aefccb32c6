"""The change log of a rebuild that kept hand edits: what changed against the published roster,
who is affected, and whether the change was kept — printed with the new version stamp."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ..plan.model import RELEASED, Edit, Plan
from .book import Book, page_footer, print_setup, write_header, write_title
from .labels import label


def write_changes(book: Book, ws: Worksheet, plan: Plan, department: str,
                  rows: Sequence[Edit]) -> None:
    """改动记录: every hand edit of the department's published roster, kept or not and why."""
    lang = plan.lang
    carried = sum(e.carried for e in rows)  # an earlier round's, unchanged since: no change against this roster
    sub = label("ch_sub", lang, n=len(rows) - carried)
    if carried:
        sub += label("ch_sub_carried", lang, n=carried)
    row = write_title(book, ws, label("title_changes", lang, dept=department), sub)
    for c, w in enumerate((8, 10, 18, 18, 50)):
        ws.set_column(c, c, w)
    write_header(book, ws, row, [label(k, lang) for k in ("ps_date", "dd_person", "ch_before", "ch_after",
                                                          "ch_result")])
    header = row
    order = {text: k for k, text in enumerate(plan.settings.day_labels)}
    # by day (several workbooks are read one after the other); within a day as they were read
    for e in sorted(rows, key=lambda e: (order.get(e.day, len(order)), e.day)):
        row += 1
        ws.write_string(row, 0, e.day, book.fmt("center"))
        ws.write_string(row, 1, e.person, book.fmt("center"))
        ws.write_string(row, 2, e.before or "—", book.fmt("center"))
        ws.write_string(row, 3, e.after or label("ch_off", lang), book.fmt("center"))
        kept = not e.why
        done = "ch_released" if e.after == RELEASED else "ch_kept_carried" if e.carried else "ch_kept"
        said = label(done, lang) if kept else label("ch_not_kept", lang, why=e.why)
        ws.write_string(row, 4, said,
                        book.fmt("text", text_wrap=True) if kept else book.fmt("text", text_wrap=True,
                                                                                font_color="#9C0006"))
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, repeat_rows=(header, header), footer=page_footer(lang, plan.settings.name))
