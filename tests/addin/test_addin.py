"""The built sheetplan.xlam: package, ribbon, VBA round trip, determinism, LibreOffice."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream

from sheetplan.excel import addin
from sheetplan.excel.vba import compression

SCHEMAS = Path("/work/shared/schemas")
if not SCHEMAS.exists():  # a checkout next to ../shared
    SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas"
CUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RIBBON_FUNCS = {"build_rosters", "build_duty_tables", "refresh_all", "check_inputs", "new_plan", "check_roster"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return addin.build_addin(tmp_path_factory.mktemp("addin") / "sheetplan.xlam")


@pytest.fixture(scope="module")
def parts(built: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def vba(built: Path) -> dict[str, str]:
    """Module name -> source as olevba (oletools) extracts it from the built file."""
    parser = VBA_Parser(str(built))
    try:
        return {PurePosixPath(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def _rel_targets(parts: dict[str, bytes], rels_name: str) -> dict[str, tuple[str, str]]:
    base = PurePosixPath(rels_name).parent.parent
    out = {}
    for rel in etree.fromstring(parts[rels_name]).iter(f"{REL_NS}Relationship"):
        target = str(PurePosixPath(os.path.normpath(base / rel.get("Target")))).lstrip("./")
        out[rel.get("Id")] = (rel.get("Type"), target)
    return out


def test_package_is_a_valid_macro_enabled_addin(parts: dict[str, bytes]) -> None:
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # well-formed
    ct = etree.fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension"): d.get("ContentType") for d in ct.iter(f"{CT_NS}Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in ct.iter(f"{CT_NS}Override")}
    assert set(overrides) <= set(parts), "content type for a part that is not there"
    for name in parts:
        if name != "[Content_Types].xml":
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
    assert overrides["xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    for rels in (n for n in parts if n.endswith(".rels")):
        for _type, target in _rel_targets(parts, rels).values():
            assert target in parts, (rels, target)
    root = {t: target for t, target in _rel_targets(parts, "_rels/.rels").values()}
    assert root[addin.CUSTOMUI_REL] == "customUI/customUI14.xml"
    assert "customUI/customUI.xml" not in parts
    wb_rels = _rel_targets(parts, "xl/_rels/workbook.xml.rels").values()
    wb = {t.rsplit("/", 1)[-1]: target for t, target in wb_rels}
    assert wb["vbaProject"] == "xl/vbaProject.bin"
    assert b"felix" not in parts["xl/workbook.xml"].lower()  # the template author's path is gone
    assert b'name="_sheetplan.conf"' in parts["xl/workbook.xml"]
    assert b"<dc:creator>sheetplan</dc:creator>" in parts["docProps/core.xml"]


def test_ribbon_validates_against_customui14_schema(parts: dict[str, bytes]) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "customui14.libxml2.xsd")))
    doc = etree.fromstring(parts["customUI/customUI14.xml"])
    assert parts["customUI/customUI14.xml"] == addin.RIBBON_XML.read_bytes()
    assert schema.validate(doc), schema.error_log
    assert doc.tag == f"{{{CUI_NS}}}customUI"
    tab = doc.find(f".//{{{CUI_NS}}}tab")
    assert "SheetPlan" in tab.get("label") and "大促计划" in tab.get("label")
    buttons = list(doc.iter(f"{{{CUI_NS}}}button"))
    shown = " ".join(f"{b.get('label')} {b.get('screentip')}" for b in buttons)
    for words in ("生成排班", "Build rosters", "生成职责表", "Build duty tables", "全部刷新", "Refresh all",
                  "检查输入", "Check inputs", "新建计划", "New plan"):
        assert words in shown
    assert all(b.get("imageMso") and b.get("onAction") for b in buttons)


def test_every_onaction_is_a_ribbon_sub(parts: dict[str, bytes], vba: dict[str, str]) -> None:
    doc = etree.fromstring(parts["customUI/customUI14.xml"])
    actions = {el.get("onAction") for el in doc.iter() if el.get("onAction")}
    code = "\n".join(vba.values())
    subs = set(re.findall(r"^Sub (\w+)\(control As IRibbonControl\)", code, re.M))
    assert actions <= subs, actions - subs
    pattern = r'SheetPlanRun "import sheetplan\.excel\.ribbon; sheetplan\.excel\.ribbon\.(\w+)\(\)"'
    called = set(re.findall(pattern, code))
    assert called == RIBBON_FUNCS


def test_the_excel_guide_names_each_buttons_python_function() -> None:
    """docs/excel.md's button table says which function each button runs: it must not drift."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "excel.md").read_text(encoding="utf-8")
    assert set(re.findall(r"`(?:sheetplan\.excel\.|…)ribbon\.(\w+)`", guide)) == RIBBON_FUNCS


def test_olevba_extracts_every_module_as_its_source(vba: dict[str, str]) -> None:
    expected = {m.name: m.encoded().decode("cp1252") for m in addin.vba_modules()}
    assert set(vba) == set(expected)
    for name, src in expected.items():
        assert vba[name] == src, name  # byte for byte, Attribute lines and CRLF included
    for path in addin.MACROS_DIR.glob("*.bas"):  # the sources on disk, not just our model of them
        text = path.read_text(encoding="utf-8")
        name = re.search(r'VB_Name = "(\w+)"', text).group(1)
        assert vba[name].replace("\r\n", "\n").strip() == text.replace("\r\n", "\n").strip()
    assert 'PROJECT_NAME As String = "sheetplan"' in vba["xlwings"]
    udf_names = re.findall(r"^Function (SP_\w+)\(", vba["SheetPlanUdfs"], re.M)
    assert udf_names == sorted(n for n in __import__("sheetplan.excel.udfs").excel.udfs.__all__)
    assert "RegisterSheetPlanFunctions" in vba["ThisWorkbook"]


def test_table_functions_choose_native_spills_by_excel(vba: dict[str, str]) -> None:
    """Excel 365 gets sheetplan.excel.udfs_native (native spills), Excel 2016 sheetplan.excel.udfs (legacy arrays)."""
    text = vba["SheetPlanUdfs"]
    chosen = set(re.findall(r'XLPy\.CallUDF\(SheetPlanUdfModule\(\), "(SP_\w+)"', text))
    fixed = set(re.findall(r'XLPy\.CallUDF\("sheetplan\.excel\.udfs", "(SP_\w+)"', text))
    assert fixed == {"SP_HEADCOUNT", "SP_OUTREACH"}  # one cell: nothing to spill
    assert chosen and not chosen & fixed and "SP_SHARE" in chosen and "SP_ROSTER" in chosen
    choice = text[text.index("Private Function SheetPlanUdfModule"):]
    assert "If SheetPlanHasDynamicArrays() Then" in choice
    assert text.count("= SheetPlanError(Err.Description)") == len(fixed | chosen) and "= Err.Description" not in text
    assert '"sheetplan.excel.udfs_native"' in choice and '"sheetplan.excel.udfs"' in choice
    probe = vba["SheetPlanHelp"]
    probe = probe[probe.index("Function SheetPlanHasDynamicArrays"):]
    # late bound: an early-bound .Unique would not compile in Excel 2016
    assert "Dim functions As Object" in probe and "functions.Unique(" in probe


def test_vba_text_is_code_page_1252(built: Path) -> None:
    for path in addin.MACROS_DIR.glob("*.bas"):
        path.read_text(encoding="utf-8").encode("ascii")  # the .bas files stay ASCII
    assert addin.vba_string('say "x"') == ['"say ""x"""']
    assert addin.vba_string("占比") == ['SheetPlanW("53606BD4")']


def test_rebuild_is_byte_identical_and_leaves_no_scratch_files(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    again = addin.build_addin(tmp_path / "again.xlam")
    assert again.read_bytes() == built.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.xlam"]
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_config_sheet_for_an_installed_copy(tmp_path: Path) -> None:
    out = addin.build_addin(tmp_path / "cfg.xlam", config={"Interpreter_Win": r"C:\Py\pythonw.exe"})
    with zipfile.ZipFile(out) as z:
        assert b'<sheet name="sheetplan.conf"' in z.read("xl/workbook.xml")
        assert b"Interpreter_Win" in z.read("xl/sharedStrings.xml")
        assert rb"C:\Py\pythonw.exe" in z.read("xl/sharedStrings.xml")


def test_install_explains_off_windows() -> None:
    text = addin.install_addin()
    assert "XLSTART" in text and "sheetplan addin install" in text


def test_upstream_compressor_bug_is_real_and_ours_is_correct() -> None:
    from ms_ovba_compression.ms_ovba import MsOvba

    base = bytes((i * 7919) % 26 + 97 for i in range(600))
    data = base + base[:300]  # a 300-byte match after position 512: longer than a token holds
    assert decompress_stream(bytearray(MsOvba().compress(data))) != data
    assert decompress_stream(bytearray(compression.compress(data))) == data
    assert compression.max_match_length(600) == (0xFFFF >> 10) + 3  # 2**10 >= 600
    xlwings_bas = (addin.XLWINGS_DIR / "xlwings_custom_addin.bas").read_bytes()
    assert decompress_stream(bytearray(compression.compress(xlwings_bas))) == xlwings_bas


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"ab", b"End Sub\r\n", b"    ", b"\x00", b"\xff", b"xyz"]),
                max_size=2500).map(b"".join) | st.binary(max_size=9000))
def test_compressor_round_trips(data: bytes) -> None:
    packed = compression.compress(data)
    assert compression.decompress(packed) == data
    assert decompress_stream(bytearray(packed)) == data


# ------------------------------------------------------------------------------ LibreOffice
def _lo_open(path: Path, tmp: Path) -> dict:
    """Open ``path`` in headless LibreOffice (python3-uno), list modules, run SheetPlanSelfTest."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is not installed: run tools/system-deps.sh"
    python = shutil.which("python3", path="/usr/bin:/usr/local/bin") or "python3"
    profile = (tmp / "lo-profile").as_uri()
    res = subprocess.run([python, str(Path(__file__).with_name("lo_vba.py")), str(path), profile],
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin_and_runs_a_sub(built: Path, tmp_path: Path) -> None:
    full = _lo_open(built, tmp_path)
    assert full["sheets"] == ["_sheetplan.conf"] and full["a1"] == "Interpreter_Win"
    assert full["library"] == "SheetPlan"  # the project's own name, read from the dir record
    names = {m.name for m in addin.vba_modules()}
    assert set(full["modules"]) == names
    assert "SheetPlanSelfTest" in full["modules"]["SheetPlanRibbon"]
    # LibreOffice Basic ignores #If/#Else, so xlwings' module (and Dictionary.cls), which
    # declare the same names in both branches, keep its Basic library from compiling
    # and nothing in it runs. The same build pipeline without those two modules must run.
    probe_modules = [m for m in addin.vba_modules() if m.name not in ("xlwings", "Dictionary")]
    probe = addin.build_addin(tmp_path / "probe.xlam", modules=probe_modules)
    ran = _lo_open(probe, tmp_path)
    assert ran["version"] == "0.1.0"
    assert ran["d1"] == "SheetPlan 0.1.0"  # written by the plain Sub SheetPlanSelfTest
    assert ran["decoded"] == "中文，A"  # SheetPlanW, the help module's decoder, run by Basic
    assert ran["text"] == "Open a plan workbook first."  # no Office UI language here: English
    assert ran["error"] == "#SP! Python: ImportError: no sheetplan"  # a traceback becomes one line
    # xlwings' own errors: their first line is the cause (the last was a folder or "Working Dir:")
    dll, blocked, missing, blocked_zh = ran["errors"]
    assert "'Block all Office" in blocked_zh and blocked_zh.endswith("Error message: 拒绝访问。)")
    assert dll.startswith("#SP! Python: xlwings' DLL is not beside the add-in's Python") and dll.endswith(
        "(Could not load xlwings64-0.37.8.dll from either of the following folders:)")
    assert "'Block all Office applications from creating child processes'" in blocked
    assert blocked.endswith("(Could not create Python process. Error message: Access is denied.)")
    assert missing == ("#SP! Python: Excel could not start Python: run sheetplan addin doctor (Could not create "
                       "Python process. Error message: The system cannot find the file specified.)")
    assert ran["dynamic_arrays"] is False  # LibreOffice 7.4 has no UNIQUE: the late-bound probe says so
