"""Bad plan workbooks, made on the fly from the worked example (no committed binaries).

Each case is what a planner (or an attacker) could really hand in: wrong types, missing sheets
and columns, merged cells, formulas without values, dates as text, numbers no plan has, files
that are not workbooks at all, zip bombs, XML entity tricks and encrypted files. A case knows
where its message must point (``Sheet!C7``, a sheet, or the file name) and a piece of the
Chinese message, so a test can check the user is told *what* and *where*.

Cells are found by their header/setting name, not by fixed coordinates, so the corpus keeps
working when the example plan changes.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

CANARY = "SHEETPLAN-CANARY-7f3a"  # the content of the 'secret' file the XXE cases try to read
MB = 1 << 20


@dataclass(frozen=True)
class Case:
    """One bad input: the file, where its message must point, and a piece of that message."""

    name: str
    path: Path
    where: str
    text: str


Maker = Callable[[Path, Path], tuple[Path, str, str]]  # (example plan, folder) -> (file, where, text)
Change = Callable[[openpyxl.Workbook], tuple[str, str]]  # edits a workbook -> (where, text)
MAKERS: dict[str, Maker] = {}


def case(name: str) -> Callable[[Maker], Maker]:
    def register(fn: Maker) -> Maker:
        MAKERS[name] = fn
        return fn

    return register


def make_corpus(example: Path, folder: Path) -> list[Case]:
    """Every bad plan, each in its own sub-folder of ``folder`` (so outputs and leftovers are easy to see)."""
    cases = []
    for name, make in MAKERS.items():
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        path, where, text = make(example, sub)
        cases.append(Case(name, path, where, text))
    return cases


# ------------------------------------------------------------------------------- cell helpers
def _norm(v: object) -> str:
    return str(v or "").replace("*", "").strip()


def header_col(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> str:
    """Column letter of ``header`` in the first row (the example's header row)."""
    for c in ws[1]:
        if _norm(c.value) == header:
            return get_column_letter(c.column)
    raise KeyError(f"{ws.title}: no column {header}")


def data_cell(wb: openpyxl.Workbook, sheet: str, header: str, n: int = 1) -> str:
    """Coordinate of the n-th data row under ``header``."""
    return f"{header_col(wb[sheet], header)}{n + 1}"


def setting_cell(wb: openpyxl.Workbook, name: str) -> str:
    """Coordinate of the value of setting ``name`` on the 活动 sheet."""
    ws = wb["活动"]
    for row in ws.iter_rows(min_row=2):
        if _norm(row[0].value) == name:
            return f"B{row[0].row}"
    raise KeyError(name)


def mutate(example: Path, folder: Path, change: Change) -> tuple[Path, str, str]:
    wb = openpyxl.load_workbook(example)
    where, text = change(wb)
    path = folder / "plan.xlsx"
    wb.save(path)
    return path, where, text


def put(sheet: str, header: str, value: object, text: str, n: int = 1) -> Change:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        coord = data_cell(wb, sheet, header, n)
        wb[sheet][coord] = value
        return f"{sheet}!{coord}", text

    return change


def put_setting(name: str, value: object, text: str) -> Change:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        coord = setting_cell(wb, name)
        wb["活动"][coord] = value
        return f"活动!{coord}", text

    return change


# -------------------------------------------------------------------------------- zip helpers
def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def sheet_member(parts: dict[str, bytes], title: str) -> str:
    """The worksheet XML part of sheet ``title`` (via workbook.xml and its relationships)."""
    wb = parts["xl/workbook.xml"].decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', wb)
    rid = rid or re.search(rf'<sheet [^>]*r:id="([^"]+)"[^>]*name="{re.escape(title)}"', wb)
    assert rid, title
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    target = target or re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target, rid.group(1)
    t = target.group(1).lstrip("/")
    return t if t.startswith("xl/") else f"xl/{t}"


@dataclass
class Member:
    """A zip member written by hand, so that sizes may lie and bombs stay small on disk."""

    name: str
    data: bytes  # raw deflate stream (method 8) or stored bytes (method 0)
    crc: int
    size: int  # the uncompressed size declared in the headers
    method: int = 8


def deflated(name: str, raw: bytes) -> Member:
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, co.compress(raw) + co.flush(), zlib.crc32(raw), len(raw))


def write_zip(path: Path, items: list[Member]) -> Path:
    """A plain zip (no zip64: every size stays below 4 GiB) from hand-made members."""
    out = bytearray()
    central = bytearray()
    for m in items:
        name = m.name.encode()
        offset = len(out)
        fields = (20, 0, m.method, 0, 0x21, m.crc, len(m.data), m.size, len(name), 0)
        out += struct.pack("<4s5HIIIHH", b"PK\x03\x04", *fields) + name + m.data
        central += struct.pack("<4s6HIIIHHHHHII", b"PK\x01\x02", 20, *fields[:-1], 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4s4HIIH", b"PK\x05\x06", 0, 0, len(items), len(items), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def zero_stream(total: int) -> bytes:
    """A raw deflate stream that inflates to ``total`` zero bytes (a multiple of 1 MiB), built
    from one full-flushed block repeated, so a gigabyte costs a kilobyte per MiB and no time."""
    assert total % MB == 0
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(b"\0" * MB) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(b"\0" * MB) + co.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # after a full flush the compressor starts afresh
    return block * (total // MB) + co.flush(zlib.Z_FINISH)


def zero_crc(total: int) -> int:
    crc, chunk = 0, b"\0" * (8 * MB)
    for _ in range(total // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(b"\0" * (total % len(chunk)), crc)


def rebuilt(example: Path, folder: Path, replace: dict[str, Member]) -> Path:
    """The example with some members replaced (same order, so [Content_Types].xml stays first)."""
    parts = members(example)
    items = [replace.get(n) or deflated(n, data) for n, data in parts.items()]
    return write_zip(folder / "plan.xlsx", items)


def with_doctype(xml: bytes, doctype: str, old: bytes, new: bytes) -> bytes:
    """Insert a DOCTYPE after the XML declaration and put an entity reference in place of ``old``."""
    head, sep, rest = xml.partition(b"?>")
    assert sep and old in rest, old
    return head + sep + doctype.encode() + rest.replace(old, new, 1)


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def xxe(folder: Path) -> str:
    secret = folder / "secret.txt"
    secret.write_text(CANARY, encoding="utf-8")
    return f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.resolve().as_uri()}">]>'


# ======================================================================= cases: cell content
FILE = "plan.xlsx"  # mutated plans are saved under this name; file-level messages name it
ENTITY_REFUSED = "实体声明"  # the reader's one line for any DTD/entity trick

case("text_for_number")(lambda e, f: mutate(e, f, put("库存", "件数", "很多", "应为数字")))
case("number_with_unit")(lambda e, f: mutate(e, f, put("库存", "件数", "6,000件", "应为数字")))
case("bool_for_number")(lambda e, f: mutate(e, f, put("库存", "折后金额", True, "应为数字", 2)))
case("date_for_number")(
    lambda e, f: mutate(e, f, put("仓库岗位", "人效(单/人/天)", dt.datetime(2026, 1, 1), "应为数字"))
)
case("infinite_as_text")(lambda e, f: mutate(e, f, put("库存", "件数", "1e400", "应为数字", 3)))
case("huge_1e308")(lambda e, f: mutate(e, f, put_setting("日均配货单量", 1e308, "不能大于")))
case("huge_coefficient")(lambda e, f: mutate(e, f, put_setting("活动效果系数", 1e300, "不能大于")))
case("count_10_pow_20")(lambda e, f: mutate(e, f, put("库存", "件数", 10**20, "不能大于")))
case("chats_1e12")(lambda e, f: mutate(e, f, put("客服需求", "咨询量", 1e12, "不能大于")))
case("negative_units")(lambda e, f: mutate(e, f, put("库存", "件数", -5, "不能小于 0", 3)))
case("percent_over_100")(lambda e, f: mutate(e, f, put_setting("服务水平目标", "120%", "不能大于")))
case("date_as_free_text")(lambda e, f: mutate(e, f, put("部门职责", "截止日期", "下周", "应为日期")))
case("impossible_date_text")(lambda e, f: mutate(e, f, put_setting("开始日期", "2026年13月45日", "应为日期")))
case("us_date_text")(lambda e, f: mutate(e, f, put("阶段", "开始", "11/31/2026", "应为日期", 2)))
case("date_serial_out_of_range")(lambda e, f: mutate(e, f, put("阶段", "结束", 9_999_999, "应为日期")))
case("end_date_typo_2062")(lambda e, f: mutate(e, f, put_setting("结束日期", dt.datetime(2062, 11, 17), "不能大于")))
case("time_25_00")(lambda e, f: mutate(e, f, put("班次", "开始", "25:00", "应为时间")))
case("error_value_cell")(lambda e, f: mutate(e, f, put("库存", "件数", "#DIV/0!", "错误值 #DIV/0!")))
case("error_in_setting")(lambda e, f: mutate(e, f, put_setting("活动效果系数", "#N/A", "错误值 #N/A")))
case("formula_without_value")(lambda e, f: mutate(e, f, put("库存", "件数", "=1+1", "是公式但没有计算结果", 2)))
case("formula_in_setting")(lambda e, f: mutate(e, f, put_setting("日均配货单量", "=400+100", "是公式但没有计算结果")))
case("blank_required")(lambda e, f: mutate(e, f, put("部门职责", "职责", "   ", "不能为空", 2)))
case("bad_choice")(lambda e, f: mutate(e, f, put("人员", "类型", "临时工", "全职/学生/借调")))
case("unknown_department")(lambda e, f: mutate(e, f, put("人员", "部门", "财务部", "不在「部门」表中")))


@case("merged_over_inputs")
def _merged(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        col = header_col(wb["部门职责"], "职责")
        wb["部门职责"].merge_cells(f"{col}2:{col}3")
        return f"部门职责!{col}2:{col}3", "合并单元格"

    return mutate(example, folder, change)


@case("missing_sheet")
def _missing_sheet(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        wb.remove(wb["库存"])
        return FILE, "缺少工作表「库存」"

    return mutate(example, folder, change)


@case("missing_column")
def _missing_column(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        ws = wb["库存"]
        ws[f"{header_col(ws, '件数')}1"] = "备注"
        return "库存!A1", "缺少列「件数」"

    return mutate(example, folder, change)


@case("no_header_row")
def _no_header(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        ws = wb["仓库岗位"]
        for c in ws[1]:
            c.value = None
        return "仓库岗位", "找不到表头行"

    return mutate(example, folder, change)


@case("empty_settings")
def _empty_settings(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        ws = wb["活动"]
        ws.delete_rows(2, ws.max_row)
        return "活动", "缺少设置「活动名称」"

    return mutate(example, folder, change)


@case("blank_new_workbook")
def _blank_workbook(example: Path, folder: Path) -> tuple[Path, str, str]:
    path = folder / FILE
    openpyxl.Workbook().save(path)
    return path, FILE, "缺少工作表"


@case("stray_value_in_last_row")
def _stray(example: Path, folder: Path) -> tuple[Path, str, str]:
    """A category typed in A1048576: must be named fast, not walk a million empty rows."""

    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        ws = wb["库存"]
        ws[f"{header_col(ws, '类目')}1048576"] = "误输入"
        ws["XFD1048576"] = "x"
        return f"库存!{header_col(ws, '件数')}1048576", "不能为空"

    return mutate(example, folder, change)


# ====================================================================== cases: not a workbook
@case("empty_file")
def _empty(example: Path, folder: Path) -> tuple[Path, str, str]:
    (folder / FILE).write_bytes(b"")
    return folder / FILE, FILE, "空文件"


@case("random_bytes")
def _random(example: Path, folder: Path) -> tuple[Path, str, str]:
    (folder / FILE).write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    return folder / FILE, FILE, "不是 zip 包"


@case("csv_renamed_xlsx")
def _csv_renamed(example: Path, folder: Path) -> tuple[Path, str, str]:
    (folder / FILE).write_text("类目,件数,折后金额\n女装,6000,1800000\n", encoding="utf-8")
    return folder / FILE, FILE, "CSV"


@case("csv_file")
def _csv(example: Path, folder: Path) -> tuple[Path, str, str]:
    path = folder / "plan.csv"
    path.write_text("类目,件数,折后金额\n女装,6000,1800000\n男装,3000,1200000\n", encoding="gb18030")
    return path, path.name, "CSV"


@case("old_xls")
def _xls(example: Path, folder: Path) -> tuple[Path, str, str]:
    path = folder / "plan.xls"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 3000
    path.write_bytes(ole)
    return path, path.name, ".xls"


@case("password_protected")
def _encrypted(example: Path, folder: Path) -> tuple[Path, str, str]:
    """Real Agile encryption (what Excel writes for 'Encrypt with password'), via msoffcrypto."""
    path = folder / FILE
    try:
        from msoffcrypto.format.ooxml import OOXMLFile

        with example.open("rb") as src, path.open("wb") as dst:
            OOXMLFile(src).encrypt("secret", dst)
    except ImportError:  # msoffcrypto comes with oletools (a test dependency); fall back to the container marks
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le"))
    return path, FILE, "密码"


@case("zip_without_workbook")
def _plain_zip(example: Path, folder: Path) -> tuple[Path, str, str]:
    with zipfile.ZipFile(folder / FILE, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return folder / FILE, FILE, "xl/workbook.xml"


@case("truncated")
def _truncated(example: Path, folder: Path) -> tuple[Path, str, str]:
    data = example.read_bytes()
    (folder / FILE).write_bytes(data[: len(data) * 3 // 5])
    return folder / FILE, FILE, "不是 Excel 工作簿"


@case("corrupt_member")
def _corrupt(example: Path, folder: Path) -> tuple[Path, str, str]:
    """A bit flip inside the 库存 sheet's compressed data: the CRC (or inflate) must catch it."""
    parts = members(example)
    name = sheet_member(parts, "库存")
    good = deflated(name, parts[name])
    bad = bytearray(good.data)
    for i in range(len(bad) // 3, len(bad) // 3 + 8):
        bad[i] ^= 0x5A
    return rebuilt(example, folder, {name: Member(name, bytes(bad), good.crc, good.size)}), FILE, "不是 Excel 工作簿"


@case("zip_bomb")
def _bomb(example: Path, folder: Path) -> tuple[Path, str, str]:
    """Shared strings that really inflate to 1.5 GB (about 1.5 MB on disk)."""
    total = 1536 * MB
    name = "xl/sharedStrings.xml"
    bomb = Member(name, zero_stream(total), zero_crc(total), total)
    return rebuilt(example, folder, {name: bomb}), FILE, "压缩炸弹"


@case("zip_bomb_ratio")
def _bomb_ratio(example: Path, folder: Path) -> tuple[Path, str, str]:
    """Under the absolute cap (96 MB) but compressed 1000×: no spreadsheet XML does that."""
    total = 96 * MB
    name = sheet_member(members(example), "库存")
    return rebuilt(example, folder, {name: Member(name, zero_stream(total), zero_crc(total), total)}), FILE, "压缩炸弹"


@case("zip_size_lies")
def _bomb_lies(example: Path, folder: Path) -> tuple[Path, str, str]:
    """Headers declare 4 KB, the stream inflates to 2 GB: the reader must stop at the declared size."""
    name = sheet_member(members(example), "库存")
    liar = Member(name, zero_stream(2048 * MB), zlib.crc32(b"\0" * 4096), 4096)
    return rebuilt(example, folder, {name: liar}), FILE, "不是 Excel 工作簿"


# ================================================================= cases: XML entity tricks
@case("billion_laughs_shared_strings")
def _laughs_strings(example: Path, folder: Path) -> tuple[Path, str, str]:
    name = "xl/sharedStrings.xml"
    xml = with_doctype(members(example)[name], LAUGHS, b"<t>", b"<t>&lol9;")
    return rebuilt(example, folder, {name: deflated(name, xml)}), FILE, ENTITY_REFUSED


@case("billion_laughs_sheet")
def _laughs_sheet(example: Path, folder: Path) -> tuple[Path, str, str]:
    parts = members(example)
    name = sheet_member(parts, "库存")
    xml = with_doctype(parts[name], LAUGHS, b"<sheetData>", b"<sheetData>&lol9;")
    return rebuilt(example, folder, {name: deflated(name, xml)}), FILE, ENTITY_REFUSED


@case("xxe_shared_strings")
def _xxe_strings(example: Path, folder: Path) -> tuple[Path, str, str]:
    name = "xl/sharedStrings.xml"
    xml = with_doctype(members(example)[name], xxe(folder), b"<t>", b"<t>&xxe;")
    return rebuilt(example, folder, {name: deflated(name, xml)}), FILE, ENTITY_REFUSED


@case("xxe_sheet")
def _xxe_sheet(example: Path, folder: Path) -> tuple[Path, str, str]:
    parts = members(example)
    name = sheet_member(parts, "部门职责")
    xml = with_doctype(
        parts[name],
        xxe(folder),
        b"</sheetData>",
        b'<row r="999"><c r="C999" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>',
    )
    return rebuilt(example, folder, {name: deflated(name, xml)}), FILE, ENTITY_REFUSED


@case("xxe_workbook_xml")
def _xxe_workbook(example: Path, folder: Path) -> tuple[Path, str, str]:
    """In workbook.xml, which openpyxl parses with lxml (entities unresolved) rather than defusedxml."""
    name = "xl/workbook.xml"
    xml = with_doctype(members(example)[name], xxe(folder), 'name="库存"'.encode(), b'name="&xxe;"')
    return rebuilt(example, folder, {name: deflated(name, xml)}), FILE, ENTITY_REFUSED


# ====================================================================== cases: issue 11 (no way in)
case("call_days_5e-324")(lambda e, f: mutate(e, f, put_setting("外呼天数", 5e-324, "不能小于 0.1")))
case("productivity_1e-300")(lambda e, f: mutate(e, f, put("仓库岗位", "人效(单/人/天)", 1e-300, "不能小于 0.01")))
case("solver_budget_600")(lambda e, f: mutate(e, f, put_setting("排班求解预算", 600, "不能大于 30")))
case("shift_code_injection")(
    lambda e, f: mutate(e, f, put("班次", "代码", "X\")+cmd|' /C calc'!A0+(\"", "过长"))
)
case("shift_code_with_space")(lambda e, f: mutate(e, f, put("班次", "代码", "X cmd|' /C'", "不能含空格")))
case("post_with_separator")(lambda e, f: mutate(e, f, put("人员", "岗位", "售前·夜", "含有「·」")))
case("product_price_1e308")(lambda e, f: mutate(e, f, put("商品", "价格", 1e308, "不能大于 1e+15")))


@case("orders_9e14_heads")
def _heads(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        wb["活动"][setting_cell(wb, "日均配货单量")] = 9e14
        coord = data_cell(wb, "仓库岗位", "人效(单/人/天)")
        wb["仓库岗位"][coord] = 1
        return f"仓库岗位!{coord}", "请检查人效或日均配货单量"

    return mutate(example, folder, change)


@case("setting_twice")
def _twice(example: Path, folder: Path) -> tuple[Path, str, str]:
    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        ws = wb["活动"]
        ws.append(["日均配货单量", 9000])
        return f"活动!A{ws.max_row}", "重复"

    return mutate(example, folder, change)


@case("product_stray_far_cell")
def _product_far(example: Path, folder: Path) -> tuple[Path, str, str]:
    """One stray value at XFD1048576 of the product sheet: named at once, not 512 GB asked for."""

    def change(wb: openpyxl.Workbook) -> tuple[str, str]:
        wb["商品"]["XFD1048576"] = 1
        return "商品!XFD1048576", "内容延伸到"

    return mutate(example, folder, change)


@case("xxe_product_sheet")
def _xxe_products(example: Path, folder: Path) -> tuple[Path, str, str]:
    """In the product sheet, which python-calamine reads (no defusedxml there): refused up front."""
    parts = members(example)
    name = sheet_member(parts, "商品")
    xml = with_doctype(
        parts[name], xxe(folder), b"</sheetData>",
        b'<row r="999"><c r="A999" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>',
    )
    return rebuilt(example, folder, {name: deflated(name, xml)}), FILE, ENTITY_REFUSED
