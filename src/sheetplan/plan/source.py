"""Open a plan file safely: tell a workbook from a .xls, a CSV, an encrypted file or a zip
bomb before any parser sees it, and say which in the user's language."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from defusedxml import ElementTree

from ..files import regular_file
from ..messages import msg

MAX_FILE_MB = 512  # a plan file bigger than this is refused before it is read
PROLOG_BYTES = 4096
_ROOT = re.compile(rb"<[A-Za-z_]")  # the root element: a DTD can only come before it
MAX_UNZIPPED_MB = 1024  # a 200k-SKU product sheet is ~150 MB of XML; more is not a plan
MAX_RATIO = 200  # normal xlsx XML compresses 5-20x; a bomb compresses 1000x+
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


class SourceError(Exception):
    """The file is not something we can read as a plan; the message says why."""


def sniff(path: Path, lang: str = "zh") -> None:
    """Raise SourceError unless `path` looks like a sane .xlsx/.xlsm zip package."""
    name = path.name
    if not path.exists():
        raise SourceError(msg("not_found", lang, file=path))
    if path.is_dir():
        raise SourceError(msg("is_folder", lang, file=path))
    try:  # only regular files: a FIFO or a device would block or never end
        regular_file(path, MAX_FILE_MB * 2**20)
    except OSError as e:
        raise SourceError(msg("not_workbook", lang, file=name, why=e.strerror or e)) from None
    try:
        with path.open("rb") as f:
            head = f.read(8)
            f.seek(0)
            blob = f.read(1 << 20) if head == OLE_MAGIC else b""
    except OSError as e:
        raise SourceError(msg("locked", lang, file=name, why=e.strerror or e)) from None
    if head == OLE_MAGIC:
        key = "encrypted" if ENCRYPTED_MARK in blob else "old_xls"
        raise SourceError(msg(key, lang, file=name))
    if not head.startswith(b"PK\x03\x04"):
        if not head:
            raise SourceError(msg("not_workbook", lang, file=name, why="empty file / 空文件"))
        if _looks_like_text(path):
            raise SourceError(msg("csv", lang, file=name))
        raise SourceError(msg("not_workbook", lang, file=name, why="not a zip package / 不是 zip 包"))
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as e:
        raise SourceError(msg("not_workbook", lang, file=name, why=e)) from None
    if "xl/workbook.xml" not in names:
        raise SourceError(msg("not_workbook", lang, file=name, why="no xl/workbook.xml"))
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED_MB * 2**20 or (total > 50 * 2**20 and total / packed > MAX_RATIO):
        raise SourceError(msg("too_big", lang, file=name, size=total // 2**20))
    _no_dtd(path, infos, name, lang)


def _no_dtd(path: Path, infos: list[zipfile.ZipInfo], name: str, lang: str) -> None:
    """Refuse any XML part that declares a DTD or entities, whichever reader would parse it
    (openpyxl goes through defusedxml; python-calamine, which reads the product sheet, does not).
    A declaration must come before the root element, so the head of each part tells."""
    with zipfile.ZipFile(path) as z:
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels")):
                continue
            with z.open(info) as f:
                head = f.read(PROLOG_BYTES)
            root = _ROOT.search(head)
            prolog = head[: root.start()] if root else head
            if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
                why = f"{info.filename}: XML 含 DTD/实体声明，为安全拒绝读取 / XML entity declarations refused"
                raise SourceError(msg("not_workbook", lang, file=name, why=why))


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as f:  # a sample, never the whole file (it may be gigabytes)
        sample = f.read(4096)
    for enc in ("utf-8", "gb18030", "utf-16"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        if text and sum(c.isprintable() or c in "\r\n\t" for c in text) / len(text) > 0.95:
            return True
    return False


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)


def without_sheets(path: Path, skip: Callable[[str], bool]) -> io.BytesIO | Path:
    """The package with the data of every sheet whose name `skip` accepts emptied, in memory.

    openpyxl parses every sheet it opens; a 200k-row product sheet (read separately, and much
    faster, by python-calamine) would cost it tens of seconds. Returns `path` unchanged when
    no sheet is skipped or the package is not laid out as expected.
    """
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
            parts = set()
            for sheet in book.findall("m:sheets/m:sheet", _NS):
                if skip(sheet.get("name", "")):
                    target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
                    parts.add(target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}"))
            if not parts:
                return path
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in z.infolist():
                    dst.writestr(info, _EMPTY_SHEET if info.filename in parts else z.read(info))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return path
    out.seek(0)
    return out
