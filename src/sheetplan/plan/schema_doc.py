"""The plan workbook's reference as Markdown, generated from `schema` so docs/planner.md cannot drift.

`python -m sheetplan.plan.schema_doc docs/planner.md` rewrites the block between the markers.
"""

from __future__ import annotations

import sys
from dataclasses import MISSING, fields
from pathlib import Path

from .model import Settings
from .schema import SETTINGS, SHEETS, Column

DEFAULTS = {f.name: f.default for f in fields(Settings) if f.default is not MISSING}

START, END = "<!-- plan-schema:start -->", "<!-- plan-schema:end -->"
KINDS = {
    "text": "text",
    "int": "whole number",
    "number": "number",
    "percent": "fraction or %",
    "date": "date",
    "time": "time",
    "datetime": "date-time",
    "choice": "choice",
    "list": "list",
    "dates": "dates (ranges: 11-10~11-13)",
    "moment": "time or date-time",
}


def _row(c: Column) -> str:
    rule = []
    if c.choices:
        rule.append(" / ".join(c.choices))
    if c.minimum is not None:
        rule.append(f"≥ {c.minimum:g}")
    if c.maximum is not None:
        rule.append(f"≤ {c.maximum:g}")
    hint = c.hint_zh + (f" — {c.hint_en}" if c.hint_en else "")
    if c.key in DEFAULTS and not c.required:
        d = DEFAULTS[c.key]
        shown = f"{d:g}" if isinstance(d, int | float) else str(d)
        hint = f"default {shown}" + (f"; {hint}" if hint else "")
    req = "yes" if c.required else ""
    return f"| {c.zh} | {c.en} | {KINDS[c.kind]} | {req} | {'; '.join(rule)} | {hint} |"


def markdown() -> str:
    out = [START, ""]
    head = "| 中文 | English | type | required | rule | hint |\n|---|---|---|---|---|---|"
    for sheet in SHEETS:
        opt = "" if sheet.required else " (optional sheet)"
        out += [f"#### {sheet.zh} / {sheet.en}{opt}", ""]
        if sheet.note_zh:
            out += [f"{sheet.note_zh} — {sheet.note_en}", ""]
        if sheet.key == "campaign":
            out += ["Two columns, 项目/Item and 值/Value, one setting per row:", "", head]
            out += [_row(c) for c in SETTINGS]
        else:
            out += [head, *(_row(c) for c in sheet.columns)]
        out.append("")
    out.append(END)
    return "\n".join(out)


def rewrite(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    a, b = text.index(START), text.index(END) + len(END)
    readme.write_text(text[:a] + markdown() + text[b:], encoding="utf-8")


if __name__ == "__main__":
    rewrite(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/planner.md"))
