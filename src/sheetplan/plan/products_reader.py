"""Fast reader for the products sheet (商品 / Products) with python-calamine.

A large shop has tens of thousands of SKUs and agencies run many shops, so this sheet is read
column-wise: calamine (6–9× faster than openpyxl) hands back plain values, numbers pass a
type check in a list comprehension, and only cells that are not plain numbers go through the
slow, message-producing conversions of `sheetplan.plan.cells`. Problems name sheet!cell and
use the same `Problem` and message keys as the main reader; a row with an error is left out
(the build stops on errors anyway, and every error is reported at once).
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from defusedxml import ElementTree
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

from ..messages import msg
from .cells import CellError, is_blank, to_number, to_text
from .problems import Problem
from .schema import SHEET_BY_KEY, C, Column, _norm, canonical_choice
from .source import SourceError, sniff
from .table import MAX_MAGNITUDE

SPEC = SHEET_BY_KEY["products"]
# Columns the calculators use that the schema does not (yet) define; dropped from here as
# soon as the schema has a column with the same key.
EXTRA_COLUMNS: tuple[Column, ...] = (
    C("forecast", "预测销量", "Forecast", "number", minimum=0, width=10, aliases=("销量预测", "预测")),
)
HEADER_ROWS = 10
MAX_ROWS = 500_000  # SKUs: ten times a big shop
MAX_COLS = 200
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')


def _too_far(path: Path, sheet: str) -> str | None:
    """The reference of a cell beyond MAX_ROWS × MAX_COLS on the product sheet (a stray value
    at XFD1048576 would make the reader ask for 512 GB), scanned in the sheet's XML, or None."""
    with zipfile.ZipFile(path) as z:
        part = _sheet_part(z, sheet)
        if part is None:
            return None
        tail = b""
        with z.open(part) as f:
            while chunk := f.read(1 << 20):
                data = tail + chunk
                for m in _CELL_REF.finditer(data):
                    col, row = m.group(1).decode(), int(m.group(2))
                    if row > MAX_ROWS + HEADER_ROWS or column_index_from_string(col) > MAX_COLS:
                        return f"{col}{row}"
                tail = data[-32:]
    return None


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a sheet's cells, found through the workbook's relationships."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", ns)}
    for s in book.findall("m:sheets/m:sheet", ns):
        if s.get("name") == sheet:
            target = targets.get(s.get(f"{{{ns['r']}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return None


def product_columns() -> tuple[Column, ...]:
    keys = {c.key for c in SPEC.columns}
    return (*SPEC.columns, *(c for c in EXTRA_COLUMNS if c.key not in keys))


def empty_products() -> pd.DataFrame:
    """The frame shape `read_products` returns, with no rows."""
    cols = product_columns()
    num = ("number", "int", "percent")
    data: dict[str, Any] = {c.key: pd.Series([], dtype=float if c.kind in num else object) for c in cols}
    data["row"] = pd.Series([], dtype=int)
    return pd.DataFrame(data)


def read_products(path: str | Path, sheet_names: Sequence[str] = ("商品", "Products"), lang: str = "zh"
                  ) -> tuple[pd.DataFrame, list[Problem]]:
    """(products, problems). Columns: every schema key (missing columns are all blank),
    plus `row` (the Excel row number). A missing sheet is not an error: the sheet is optional."""
    path = Path(path)
    try:
        sniff(path, lang)
        wb = CalamineWorkbook.from_path(str(path))
    except SourceError as e:
        return empty_products(), [Problem(path.name, str(e))]
    except Exception as e:  # calamine raises its own kinds on damaged packages
        return empty_products(), [Problem(path.name, msg("not_workbook", lang, file=path.name, why=e))]
    try:
        wanted = {_norm(n) for n in sheet_names} | SPEC.names()
        name = next((n for n in wb.sheet_names if _norm(n) in wanted), None)
        if name is None:
            return empty_products(), []
        far = _too_far(path, name)  # before calamine, which allocates the whole used area at once
        if far is not None:
            return empty_products(), [Problem(f"{name}!{far}", msg("sheet_too_far", lang, cell=far,
                                                                 rows=MAX_ROWS, cols=MAX_COLS))]
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    finally:
        wb.close()
    return _Table(name, rows, lang).read()


class _Table:
    def __init__(self, sheet: str, rows: list[list[Any]], lang: str) -> None:
        self.sheet = sheet
        self.rows = rows
        self.lang = lang
        self.problems: list[Problem] = []

    def add(self, where: str, key: str, severity: str = "error", **kw: object) -> None:
        self.problems.append(Problem(where, msg(key, self.lang, **kw), severity))  # type: ignore[arg-type]

    def header(self) -> tuple[int | None, dict[int, Column]]:
        cols = product_columns()
        best: tuple[int, int | None, dict[int, Column]] = (0, None, {})
        for r, cells in enumerate(self.rows[:HEADER_ROWS]):
            mapping: dict[int, Column] = {}
            for ci, v in enumerate(cells):
                if is_blank(v):
                    continue
                name = _norm(str(v)).rstrip("*")
                for c in cols:
                    if name in c.names() and c not in mapping.values():
                        mapping[ci] = c
                        break
            if len(mapping) > best[0]:
                best = (len(mapping), r, mapping)
        return best[1], best[2]

    def read(self) -> tuple[pd.DataFrame, list[Problem]]:
        hr, mapping = self.header()
        if hr is None:
            self.add(self.sheet, "no_header", columns=SPEC.column("sku").label(self.lang))
            return empty_products(), self.problems
        missing = [c for c in product_columns() if c.required and c not in mapping.values()]
        for c in missing:
            self.add(f"{self.sheet}!A{hr + 1}", "missing_column", column=c.label(self.lang), row=hr + 1)
        if missing:
            return empty_products(), self.problems
        body = self.rows[hr + 1:]
        width = max(mapping) + 1
        body = [r if len(r) >= width else [*r, *[""] * (width - len(r))] for r in body]
        keep = np.array([any(not is_blank(r[ci]) for ci in mapping) for r in body], dtype=bool)
        excel_rows = np.arange(hr + 2, hr + 2 + len(body))
        bad = np.zeros(len(body), dtype=bool)
        data: dict[str, Any] = {}
        for ci, col in mapping.items():
            raw = [r[ci] for r in body]
            values, errs = self.column(col, raw, ci, excel_rows, keep)
            data[col.key] = values
            bad |= errs
        sku_col = next(ci for ci, c in mapping.items() if c.key == "sku")
        bad |= self.duplicates(data["sku"], keep & ~bad, excel_rows, get_column_letter(sku_col + 1))
        ok = keep & ~bad
        out: dict[str, Any] = {}
        for c in product_columns():
            numeric = c.kind in ("number", "int", "percent")
            if c.key in data:
                v = data[c.key]
                out[c.key] = v[ok] if numeric else [x for x, k in zip(v, ok, strict=True) if k]
            else:
                out[c.key] = np.full(int(ok.sum()), np.nan) if numeric else [""] * int(ok.sum())
        out["row"] = excel_rows[ok]
        df = pd.DataFrame(out)
        for c in product_columns():
            if c.kind not in ("number", "int", "percent"):
                df[c.key] = df[c.key].astype(object)
        return df, self.problems

    def column(self, col: Column, raw: list[Any], ci: int, excel_rows: np.ndarray, keep: np.ndarray
               ) -> tuple[Any, np.ndarray]:
        """Converted values and an error mask. Plain floats take the fast path."""
        n = len(raw)
        errs = np.zeros(n, dtype=bool)
        letter = get_column_letter(ci + 1)
        label = col.label(self.lang)

        def fail(i: int, key: str, **kw: object) -> None:
            errs[i] = True
            self.add(f"{self.sheet}!{letter}{excel_rows[i]}", key, column=label, **kw)

        if col.kind in ("number", "int", "percent"):
            vals = np.array([v if type(v) is float else math.nan for v in raw])
            slow = [i for i, v in enumerate(raw) if type(v) is not float and keep[i] and not is_blank(v)]
            for i in slow:
                try:
                    vals[i] = to_number(raw[i])
                except CellError as e:
                    fail(i, e.key, **e.kw)
            if col.required:
                for i in np.flatnonzero(keep & np.isnan(vals) & ~errs):
                    fail(int(i), "required")
            if col.minimum is not None:
                for i in np.flatnonzero(keep & (vals < col.minimum)):
                    fail(int(i), "too_small", value=f"{vals[i]:g}", min=f"{col.minimum:g}")
            if col.maximum is not None:
                for i in np.flatnonzero(keep & (vals > col.maximum)):
                    fail(int(i), "too_large", value=f"{vals[i]:g}", max=f"{col.maximum:g}")
            with np.errstate(invalid="ignore"):  # the main reader's guard: beyond 15 digits is a typo
                huge = keep & ~errs & ~np.isnan(vals) & ~(np.abs(vals) < MAX_MAGNITUDE)
            for i in np.flatnonzero(huge):
                fail(int(i), "too_large", value=f"{vals[i]:g}", max=f"{MAX_MAGNITUDE:g}")
            return vals, errs
        out: list[Any] = []
        for i, v in enumerate(raw):
            if type(v) is str:
                s = v.strip()
            elif not keep[i] or is_blank(v):
                s = ""
            else:
                try:
                    s = to_text(v)
                except CellError as e:
                    fail(i, e.key, **e.kw)
                    s = ""
            if keep[i]:
                if col.required and not s:
                    fail(i, "required")
                elif col.choices and s and s not in col.choices:
                    canonical = canonical_choice(s, col.choices)
                    if canonical is None:
                        fail(i, "bad_choice", value=s, choices="/".join(col.choices))
                    else:
                        s = canonical
            out.append(s)
        return out, errs

    def duplicates(self, skus: list[str], ok: np.ndarray, excel_rows: np.ndarray, letter: str) -> np.ndarray:
        """A SKU listed twice would count its stock twice: an error on every repeat."""
        first: dict[str, int] = {}
        dup = np.zeros(len(skus), dtype=bool)
        for i in np.flatnonzero(ok):
            s = skus[i]
            if s in first:
                dup[i] = True
                self.add(f"{self.sheet}!{letter}{excel_rows[i]}", "duplicate",
                         value=s, first=f"{self.sheet}!{letter}{excel_rows[first[s]]}")
            else:
                first[s] = int(i)
        return dup
