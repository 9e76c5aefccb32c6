"""Every colour, font and number format of the output workbooks (one place)."""

from __future__ import annotations

from typing import Any

# What planners' Excel and WPS have: 微软雅黑 ships with every Windows, Calibri is Excel's own Latin
# font. LibreOffice without them substitutes a CJK-capable font (Noto Sans CJK in CI).
FONTS = {"zh": "微软雅黑", "en": "Calibri"}
FONT = FONTS["zh"]
FONT_SIZE = 10

NAVY = "#1F3864"
BLUE = "#2F5597"
LIGHT = "#DDEBF7"
BAND = "#F2F6FC"
GREY = "#7F7F7F"
BORDER = "#BFBFBF"
SUBTOTAL = "#FFF2CC"
TOTAL = "#FCE4D6"
GOOD = "#C6EFCE"
GOOD_TEXT = "#006100"
BAD = "#FFC7CE"
BAD_TEXT = "#9C0006"
WARN = "#FFEB9C"
CHART_COLOURS = ("#2F5597", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47")
SHIFT_COLOURS = ("#DDEBF7", "#FCE4D6", "#E2EFDA", "#FFF2CC", "#EDE1F5", "#D9D9D9", "#F8CBAD", "#C9E7F5")

NUM_FORMATS = {
    "int": "#,##0",
    "number": "#,##0.0#",  # for values that are not whole: use number_format() to pick
    "dec": "#,##0.0#",
    "one": "#,##0.0",
    "money": "#,##0",
    "price": "#,##0.00",
    "percent": "0.0%",
    "percent0": "0%",
    "date": "yyyy-mm-dd",
    "md": "m-d",
    "time": "hh:mm",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
}

_BASE: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}
_CELL: dict[str, Any] = {**_BASE, "border": 1, "border_color": BORDER}

STYLES: dict[str, dict[str, Any]] = {
    "title": {**_BASE, "bold": True, "font_size": 16, "font_color": NAVY},
    "subtitle": {**_BASE, "font_color": GREY},
    "section": {**_BASE, "bold": True, "font_size": 12, "font_color": BLUE, "bottom": 2, "bottom_color": BLUE},
    "header": {**_CELL, "bold": True, "font_color": "#FFFFFF", "bg_color": BLUE, "align": "center", "text_wrap": True},
    "text": {**_CELL},
    "wrap": {**_CELL, "text_wrap": True},
    "center": {**_CELL, "align": "center"},
    "subtotal": {**_CELL, "bold": True, "bg_color": SUBTOTAL},
    "total": {**_CELL, "bold": True, "bg_color": TOTAL, "top": 2},
    "note": {**_BASE, "font_color": GREY, "italic": True},
    "link": {**_BASE, "font_color": "#0563C1", "underline": 1},
    "good": {"bg_color": GOOD, "font_color": GOOD_TEXT},
    "bad": {"bg_color": BAD, "font_color": BAD_TEXT},
    "warn": {"bg_color": WARN},
    "over": {"bg_color": "#DDEBF7", "font_color": "#1F3864"},
    "band": {"bg_color": BAND},
    "today": {"bg_color": "#D9D9D9"},
    "phase": {"bg_color": "#9DC3E6"},
    "sale": {"bg_color": "#ED7D31"},
    # a night shift listed again on the next day's list (render/schedules.py): read as a reminder
    "carried": {**_CELL, "align": "center", "font_color": GREY, "italic": True},
    # 人数核对 (render/warehouse_check.py): the sale day's rows, and a post left short at the stress factor
    "wc_sale": {**_CELL, "align": "center", "bold": True, "bg_color": SUBTOTAL},
    "wc_short": {**_CELL, "align": "center", "bold": True, "bg_color": BAD, "font_color": BAD_TEXT},
}

# ---- products (render/products.py): tier highlights and row formats ----
NUM_FORMATS.update({"pr_1dp": "#,##0.0", "pr_score": "0.000"})
STYLES.update({
    "pr_hit": {"bg_color": TOTAL, "font_color": "#C00000", "bold": True},
    "pr_featured": {"bg_color": LIGHT, "font_color": NAVY},
    # SKU rows: no borders, so blank cells need not be written (200k rows; see render/products.py)
    "pr_cell": {**_BASE},
    "pr_cell_center": {**_BASE, "align": "center"},
})


def style(name: str, num: str | None = None, **extra: Any) -> dict[str, Any]:
    """A format dict: a named style, optionally with a number format and extra properties."""
    props = dict(STYLES[name])
    if num:
        props["num_format"] = NUM_FORMATS[num]
    props.update(extra)
    return props


def number_format(value: float) -> str:
    """'int' for a whole number, 'dec' otherwise: '#,##0.##' would show 8 as '8.' in Excel."""
    return "int" if float(value).is_integer() else "dec"
