"""A thin, deterministic, atomic layer over xlsxwriter: the only module that opens a writer.

- Deterministic: fixed document properties and zip timestamps, so the same plan gives
  byte-identical files.
- Atomic: the workbook is written to a temporary file beside the target and renamed over it
  only when complete; a crash mid-write leaves the previous output intact.
- Safe: text is always written as text (a planner's '=cmd|...' never becomes a formula).
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError, FileSizeError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..version import __version__
from .formula import footer
from .labels import label
from .styles import FONTS, style

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
A4 = 9


# xlsxwriter 3.3.1 (pinned) runs these 29 regular-expression substitutions over every formula
# (the dynamic-array functions that need a _xlfn. prefix): a third of writing the example, 8,000
# formulas. One search for any of them first, and a formula with none is only stripped as the
# parent strips it: the example's seven workbooks in 0.57 s instead of 0.85 s, byte for byte the
# same (tests/test_fast_sheet.py compares the patterns with xlsxwriter's own source)
DYNAMIC_PATTERNS = (
    r"\bANCHORARRAY\(", r"\bBYCOL\(", r"\bBYROW\(", r"\bCHOOSECOLS\(", r"\bCHOOSEROWS\(", r"\bDROP\(",
    r"\bEXPAND\(", r"\bFILTER\(", r"\bHSTACK\(", r"\bLAMBDA\(", r"\bMAKEARRAY\(", r"\bMAP\(",
    r"\bRANDARRAY\(", r"\bREDUCE\(", r"\bSCAN\(", r"\SINGLE\(", r"\bSEQUENCE\(", r"\bSORT\(", r"\bSORTBY\(",
    r"\bSWITCH\(", r"\bTAKE\(", r"\bTEXTSPLIT\(", r"\bTOCOL\(", r"\bTOROW\(", r"\bUNIQUE\(", r"\bVSTACK\(",
    r"\bWRAPCOLS\(", r"\bWRAPROWS\(", r"\bXLOOKUP\(",
)
_WORDS = [p[2:-2] for p in DYNAMIC_PATTERNS if p.startswith(r"\b")]  # \bNAME\( -> NAME
_OTHERS = [p for p in DYNAMIC_PATTERNS if not p.startswith(r"\b")]
_DYNAMIC = re.compile("|".join([r"\b(?:" + "|".join(_WORDS) + r")\(", *_OTHERS]))  # one alternation: 8x faster


class FastSheet(Worksheet):
    """A Worksheet that skips xlsxwriter's work where it cannot change the output: escaping
    attributes that cannot need it, rewriting formulas that use no function needing a prefix."""

    def _escape_attributes(self, attribute: Any) -> Any:
        if type(attribute) is int or (type(attribute) is str and attribute.isalnum()):
            return attribute
        return super()._escape_attributes(attribute)

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if self.use_future_functions or expand_future_functions or _DYNAMIC.search(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):  # what the parent strips before its substitutions
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


class Book:
    """One workbook being written. ``direct=True`` writes straight to ``path`` (a temporary file
    of an :class:`sheetplan.files.OutputSet`, which swaps the whole set in); otherwise the book
    is written beside ``path`` and renamed over it when complete."""

    def __init__(self, path: str | Path, *, title: str = "", constant_memory: bool = False,
                 direct: bool = False, lang: str = "zh", stamp: str = "") -> None:
        self.target = Path(path)
        self.stamp = stamp  # appended to every page footer (see plan.stamp)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if direct:
            self.tmp = self.target
        else:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.target.stem}.", suffix=".tmp.xlsx", dir=self.target.parent)
            os.close(fd)
            self.tmp = Path(tmp)
        self.direct = direct
        self.wb = xlsxwriter.Workbook(
            str(self.tmp),
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": True,  # a non-finite number can never make an invalid file
                "default_date_format": "yyyy-mm-dd",
            },
        )
        self._sheet_names: set[str] = set()
        self.wb.set_properties(
            {"title": title, "author": "sheetplan", "comments": f"sheetplan {__version__}", "created": FIXED_TIME}
        )
        self._formats: dict[tuple[Any, ...], Format] = {}
        self.font = FONTS.get(lang, FONTS["zh"])

    def fmt(self, name: str, num: str | None = None, **extra: Any) -> Format:
        key = (name, num, *sorted(extra.items()))
        if key not in self._formats:
            props = style(name, num, **extra)
            if "font_name" in props:
                props["font_name"] = self.font
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def sheet(self, name: str) -> Worksheet:
        """A new sheet named ``name`` made safe for Excel (see :func:`sheet_name`); read the name
        it got from ``ws.get_name()``."""
        safe = sheet_name(name, self._sheet_names)
        self._sheet_names.add(safe.casefold())
        return self.wb.add_worksheet(safe, worksheet_class=FastSheet)

    def close(self) -> Path:
        try:
            if self.stamp:  # one place: every printed page of the book carries the version stamp
                for ws in self.wb.worksheets():
                    if ws.footer:
                        ws.set_footer(f"{ws.footer} · {footer(self.stamp)}")
            self.wb.close()
            if not self.direct:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the user's usual mode
                os.replace(self.tmp, self.target)
        except FileCreateError as e:  # xlsxwriter wraps the OSError (disk full …): give the caller that
            self.abort()
            cause = e.args[0] if e.args and isinstance(e.args[0], OSError) else OSError(errno.EIO, str(e))
            raise cause from None
        except FileSizeError:  # over 4 GB unzipped: an OSError the output set reports in one line
            self.abort()
            raise OSError(errno.EFBIG, "the workbook would be over 4 GB / 工作簿超过 4 GB") from None
        except BaseException:
            self.abort()
            raise
        return self.target

    def abort(self) -> None:
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> Book:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        if et is None:
            self.close()
        else:
            self.abort()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def sheet_name(wanted: str, taken: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    r"""A sheet name Excel accepts — at most 31 characters, none of []:*?/\, no control or bidi
    characters, no apostrophe at either end — and unlike the (case-folded) ``taken`` ones: a
    clash gets '~2', '~3' … within the 31 characters."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", wanted) if unicodedata.category(ch)[0] != "C")
    name = " ".join(_SHEET_FORBIDDEN.sub("_", name).split()).strip("'") or "_"
    if name.casefold() == "history":  # reserved by Excel
        name += "_"
    candidate, n = _fit(name, SHEET_NAME_MAX), 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"~{n}"
        candidate = _fit(name, SHEET_NAME_MAX - len(suffix)) + suffix
    return candidate


def _fit(name: str, units: int) -> str:
    """At most ``units`` UTF-16 code units, as Excel counts (an emoji takes two), and no
    apostrophe at either end once cut."""
    while len(name.encode("utf-16-le")) // 2 > units:
        name = name[:-1]
    return name.strip("'") or "_"


def print_setup(
    ws: Worksheet,
    *,
    landscape: bool = False,
    repeat_rows: tuple[int, int] | None = None,
    footer: str = "",
    pages_wide: int = 1,
) -> None:
    """A4, fit to `pages_wide` pages wide, header rows repeated on every page, page numbers."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    if repeat_rows:
        ws.repeat_rows(*repeat_rows)
    if footer:
        ws.set_footer(footer)


def page_footer(lang: str, name: str) -> str:
    """The page footer: the name on the left ('&' doubled: it starts a code), page x of y, the sheet."""
    return label("page_footer", lang, name=footer(name))


def write_title(book: Book, ws: Worksheet, title: str, subtitle: str = "", width: int = 6) -> int:
    """Title and subtitle rows; returns the first free row."""
    ws.set_row(0, 26)
    ws.write_string(0, 0, title, book.fmt("title"))
    if subtitle:
        ws.write_string(1, 0, subtitle, book.fmt("subtitle"))
    return 3


def write_header(book: Book, ws: Worksheet, row: int, labels: list[str], col: int = 0) -> None:
    ws.set_row(row, 30)
    for i, text in enumerate(labels):
        ws.write_string(row, col + i, text, book.fmt("header"))


def write_cell(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    """Type-directed write: text stays text, dates become Excel dates, None a styled blank."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _units(text: str) -> int:
    """A text's width in character widths: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(texts: Sequence[str], *, least: float, most: float, points: float = 11) -> float:
    """A column as wide as its longest text at ``points``, between ``least`` and ``most``
    characters of the default 11-pt font."""
    return max(least, min(most, math.ceil(max(map(_units, texts), default=0) * points / 11) + 2))


def text_height(text: str, width: float) -> float:
    """Row height for wrapped text: 14 pt a line, at least one line."""
    units = _units(text)
    return 15.0 * max(1, math.ceil(units / max(1.0, width - 1)))
