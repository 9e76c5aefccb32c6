"""Build ``sheetplan.xlam``, the Excel add-in with the SheetPlan ribbon tab and the SP_* UDFs.

The package is xlwings' shipped template ``quickstart_addin_ribbon.xlam`` with three parts
replaced, so everything Excel is picky about (workbook, styles, theme, relationships) comes
from a file that loads in every Excel xlwings supports. (The template is not a file as Excel
saved it: its package was re-saved by another library for the xlwings release — zip order,
``<Template />`` — while its VBA project is carried over as Excel wrote it.)

- ``customUI/customUI14.xml`` ← ``addin/ribbon.xml`` (Office 2010+ 2009/07 namespace),
- ``xl/vbaProject.bin`` ← built from source (:mod:`sheetplan.excel.vba.project`): the ribbon
  callbacks in ``macros/*.bas``, xlwings' custom-add-in VBA module with this add-in's project
  name, the UDF wrappers xlwings' own generator writes for :mod:`sheetplan.excel.udfs`, a module
  that registers the function-wizard help, and the ``ThisWorkbook``/sheet document modules,
- the config sheet ``_sheetplan.conf`` (inactive, a list of the keys; :func:`install_addin`
  writes an active ``sheetplan.conf`` with the interpreter path into the installed copy).

Output is deterministic (fixed zip timestamps and document properties): the same sources
give byte-identical files, so a rebuilt add-in only shows up in a diff when it changed.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import xlwings

from sheetplan.excel.texts import UDF_HELP_ZH, VBA_TEXTS, ZH_UI_LANGUAGE_IDS
from sheetplan.excel.udfs import ERROR_PREFIX
from sheetplan.excel.udfs_native import MODULE as NATIVE_MODULE
from sheetplan.excel.udfs_native import expanding
from sheetplan.excel.vba.offline_xlwings import offline_xlwings
from sheetplan.excel.vba.project import (
    WORKBOOK_GUID,
    WORKSHEET_GUID,
    VbaModule,
    build_vba_project,
    class_module_from_cls,
    document_module,
)
from sheetplan.version import __version__

PROJECT_NAME = "sheetplan"  # xlwings' PROJECT_NAME: config sheet sheetplan.conf, ~/.sheetplan/sheetplan.conf
UDF_MODULE = "sheetplan.excel.udfs"
ADDIN_NAME = "sheetplan.xlam"
ROOT = Path(__file__).resolve().parents[3]  # repository root in a source checkout (src layout)
#: An installed package carries addin/ribbon.xml and macros/*.bas as sheetplan/data/addin and
#: sheetplan/data/macros (pyproject maps the two repository folders there; no second copy in git).
PACKAGE_DATA = Path(__file__).resolve().parents[1] / "data"
#: A checkout's own sources win, so an edited ribbon or .bas is what the next build uses.
FROM_CHECKOUT = (ROOT / "pyproject.toml").is_file() and (ROOT / "addin" / "ribbon.xml").is_file()
RIBBON_XML = (ROOT if FROM_CHECKOUT else PACKAGE_DATA) / "addin" / "ribbon.xml"
MACROS_DIR = (ROOT if FROM_CHECKOUT else PACKAGE_DATA) / "macros"
XLWINGS_DIR = Path(xlwings.__file__).parent
TEMPLATE = XLWINGS_DIR / "quickstart_addin_ribbon.xlam"

CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CONFIG_SHEET_DOC = "Sheet2"  # codeName of the template's config sheet
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOC_TIME = "2024-01-01T00:00:00Z"
#: Keys of xlwings' config sheet, as in the template; empty means "use the default".
CONFIG_KEYS = ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env",
               "UDF Modules", "Debug UDFs", "Use UDF Server", "Show Console")
_BOOL_KEYS = {"Debug UDFs", "Use UDF Server", "Show Console"}


# ------------------------------------------------------------------------------ VBA sources
def xlwings_module() -> VbaModule:
    """xlwings' VBA module for custom add-ins, renamed to this add-in's project.

    Like ``xlwings quickstart --addin``: only ``PROJECT_NAME`` changes, which names the config
    sheet (``sheetplan.conf``) and the user config file (``%USERPROFILE%\\.sheetplan``).
    """
    text = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    text, n = re.subn(r'(Public Const PROJECT_NAME As String = )"myaddin"', rf'\1"{PROJECT_NAME}"', text)
    if n != 1:
        raise RuntimeError("xlwings_custom_addin.bas changed: PROJECT_NAME not found")
    return VbaModule("xlwings", "module", text)


#: Chooses the Python module per Excel: native spills where Excel has dynamic arrays, xlwings'
#: legacy arrays elsewhere (the probe is in the help module).
UDF_MODULE_CHOICE = f"""
Private Function SheetPlanUdfModule() As String
    If SheetPlanHasDynamicArrays() Then
        SheetPlanUdfModule = "{NATIVE_MODULE}"
    Else
        SheetPlanUdfModule = "{UDF_MODULE}"
    End If
End Function
"""


def udf_wrapper_module() -> VbaModule:
    """The VBA wrappers for every SP_* UDF, written by xlwings' own generator (offline).

    Table answers call :data:`UDF_MODULE_CHOICE`'s module instead of the fixed name, so they
    spill natively in Excel 365 and are resized as legacy arrays in Excel 2016/2019. A failure
    xlwings reports reaches the cell as one line (``SheetPlanError``): a Python traceback's last,
    xlwings' own errors' first, with a hint for the known ones.
    """
    with offline_xlwings() as xl:
        udfs = xl.load_module(UDF_MODULE)
        body = xl.vba_wrappers(UDF_MODULE, udfs, ADDIN_NAME)
        tables = expanding(udfs)
    names = re.findall(r"^Function (SP_\w+)\(", body, re.M)
    for name in names:  # a failure before our code runs (Python missing, an import error)
        raw = f"    {name} = Err.Description\n"
        if raw not in body:
            raise RuntimeError(f"xlwings' wrapper for {name} changed: {raw.strip()} not found")
        body = body.replace(raw, f"    {name} = SheetPlanError(Err.Description)\n")
    for name in tables:
        fixed = f'XLPy.CallUDF("{UDF_MODULE}", "{name}", '
        if fixed not in body:
            raise RuntimeError(f"xlwings' wrapper for {name} changed: {fixed} not found")
        body = body.replace(fixed, f'XLPy.CallUDF(SheetPlanUdfModule(), "{name}", ')
    head = [
        'Attribute VB_Name = "SheetPlanUdfs"',
        "'Generated by sheetplan.excel.addin with xlwings.udfs.generate_vba_wrapper - do not edit.",
        """#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""",
    ]
    return VbaModule("SheetPlanUdfs", "module", "\n".join(head) + "\n" + body + UDF_MODULE_CHOICE)


def vba_string(text: str) -> list[str]:
    """VBA expressions whose concatenation is ``text``, in plain ASCII source.

    Text with anything but printable ASCII becomes ``SheetPlanW("<UTF-16 hex>")``, decoded by
    the help module: module bytes are read in the machine's code page — 936 on Chinese
    Windows, 1252 elsewhere — and ASCII reads the same in both. Pieces stay well inside
    VBA's 1023-character lines.
    """
    if all(32 <= ord(ch) < 127 for ch in text):
        return ['"' + text[i : i + 200].replace('"', '""') + '"' for i in range(0, len(text), 200)] or ['""']
    code = text.encode("utf-16-be").hex().upper()
    return [f'SheetPlanW("{code[i : i + 400]}")' for i in range(0, len(code), 400)]


def _assign(var: str, text: str, indent: str = "    ") -> list[str]:
    """``var = <text>``, a line per piece."""
    pieces = vba_string(text)
    return [f"{indent}{var} = {pieces[0]}"] + [f"{indent}{var} = {var} & {p}" for p in pieces[1:]]


HELP_FUNCTIONS = f"""
' UTF-16 code units written as hex, so the source stays ASCII under every code page.
' Digit by digit: no string-to-number conversion, whose rules differ between hosts.
Function SheetPlanW(hexText As String) As String
    Dim i As Long, k As Long, code As Long, s As String
    For i = 1 To Len(hexText) Step 4
        code = 0
        For k = i To i + 3
            code = code * 16 + InStr(1, "0123456789ABCDEF", Mid$(hexText, k, 1)) - 1
        Next k
        s = s & ChrW(code)
    Next i
    SheetPlanW = s
End Function

' Excel's user interface language is Chinese (msoLanguageIDUI = 2).
Function SheetPlanChineseUI() As Boolean
    Dim id As Long
    On Error Resume Next
    id = Application.LanguageSettings.LanguageID(2)
    Select Case id
        Case {", ".join(str(i) for i in sorted(ZH_UI_LANGUAGE_IDS))}
            SheetPlanChineseUI = True
    End Select
End Function

' One line for a cell from what xlwings reports. A Python traceback ends with the error itself;
' xlwings' own errors (its DLL not loaded, Python not started) say the cause first and details
' after it (folders, the command line), so their first line (and its "Error message:") is kept,
' after a hint for the known ones.
Function SheetPlanError(ByVal description As String) As String
    Dim lines() As String, i As Long, cause As String, hint As String
    lines = Split(Replace(description, vbCr, ""), vbLf)
    If InStr(1, description, "Traceback (most recent call last)") > 0 Then
        For i = UBound(lines) To LBound(lines) Step -1
            If Trim$(lines(i)) <> "" Then
                cause = Trim$(lines(i))
                Exit For
            End If
        Next i
    Else
        For i = LBound(lines) To UBound(lines)
            If Trim$(lines(i)) <> "" Then
                cause = Trim$(lines(i))
                If i < UBound(lines) Then
                    If InStr(1, Trim$(lines(i + 1)), "Error message:") = 1 Then
                        cause = cause & " " & Trim$(lines(i + 1))
                    End If
                End If
                Exit For
            End If
        Next i
    End If
    If cause = "" Then cause = Trim$(description)
    If InStr(1, cause, "Could not load xlwings", vbTextCompare) = 1 Then
        hint = SheetPlanText("err_dll")
    ElseIf InStr(1, cause, "Could not create Python process", vbTextCompare) = 1 Then
        If InStr(1, cause, "denied", vbTextCompare) > 0 Or InStr(1, cause, ChrW(25298) & ChrW(32477)) > 0 Then
            hint = SheetPlanText("err_blocked")
        Else
            hint = SheetPlanText("err_no_python")
        End If
    End If
    If hint <> "" Then cause = hint & " (" & cause & ")"
    SheetPlanError = "{ERROR_PREFIX} Python: " & Left$(cause, 240)
End Function

' Excel has dynamic arrays (365, 2021+): xlwings' own test, late bound so it compiles in 2016.
Function SheetPlanHasDynamicArrays() As Boolean
    Static checked As Boolean, native As Boolean
    If Not checked Then
        Dim functions As Object, probe As Variant
        Set functions = Application.WorksheetFunction
        On Error Resume Next
        probe = functions.Unique("x")
        native = (Err.Number = 0)
        Err.Clear
        On Error GoTo 0
        checked = True
    End If
    SheetPlanHasDynamicArrays = native
End Function
"""


def _texts_function() -> list[str]:
    """``SheetPlanText(key)``: the add-in's message texts in Excel's UI language."""
    lines = ["", "Function SheetPlanText(key As String) As String",
             "    Dim zh As Boolean",
             "    zh = SheetPlanChineseUI()",
             "    Select Case key"]
    for key, (zh, en) in VBA_TEXTS.items():
        lines += [f'        Case "{key}"', "            If zh Then",
                  *_assign("SheetPlanText", zh, " " * 16), "            Else",
                  *_assign("SheetPlanText", en, " " * 16), "            End If"]
    lines += ["    End Select", "End Function"]
    return lines


def help_module() -> VbaModule:
    """The help module: function-wizard texts for each UDF, message texts, the two probes.

    xlwings sets the wizard's texts with ``Application.MacroOptions`` when it imports functions
    into a workbook; a prebuilt add-in does it itself on open (``ThisWorkbook``), in Chinese
    when Excel's UI is Chinese (:mod:`sheetplan.excel.texts`), else in English (the ``doc=``
    texts). ``Option Private Module`` keeps its functions out of Excel's function list.
    """
    with offline_xlwings() as xl:
        udfs = xl.load_module(UDF_MODULE)
        infos = [getattr(udfs, n).__xlfunc__ for n in sorted(udfs.__all__)]
    lines = [
        'Attribute VB_Name = "SheetPlanHelp"',
        "' Generated by sheetplan.excel.addin from sheetplan.excel.udfs and sheetplan.excel.texts - do not edit.",
        "Option Explicit",
        "Option Private Module",
        HELP_FUNCTIONS.rstrip("\n"),
        *_texts_function(),
        "",
        "Sub RegisterSheetPlanFunctions()",
        "    Dim zh As Boolean",
        "    zh = SheetPlanChineseUI()",
        *[f"    Register{info['name']} zh" for info in infos],
        "End Sub",
    ]
    for info in infos:  # a procedure each: small, and a failed line cannot leave another's text
        name = info["name"]
        zh_doc, zh_args = UDF_HELP_ZH[name]
        lines += ["", f"Private Sub Register{name}(zh As Boolean)",
                  "    Dim d As String, args() As Variant",
                  "    On Error Resume Next",
                  f"    ReDim args(0 To {len(info['args']) - 1})"]
        for lang, doc, arg_docs in (("zh", zh_doc, [zh_args[a["name"]] for a in info["args"]]),
                                     ("en", info["ret"]["doc"], [a["doc"] for a in info["args"]])):
            lines.append("    If zh Then" if lang == "zh" else "    Else")
            lines += _assign("d", _one_line(doc), " " * 8)
            for i, text in enumerate(arg_docs):
                lines += _assign(f"args({i})", _one_line(text), " " * 8)
        lines += ["    End If",
                  f"""    Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!{name}", """
                  f'Description:=d, Category:="{info["category"]}", ArgumentDescriptions:=args',
                  "End Sub"]
    lines.append("")
    return VbaModule("SheetPlanHelp", "module", "\n".join(lines))


def _one_line(text: str) -> str:
    """Insert Function shows one line of at most 255 characters."""
    return " ".join(text.split())[:255]


THISWORKBOOK_CODE = """Option Explicit

Private Sub Workbook_Open()
    RegisterSheetPlanFunctions
End Sub
"""


def macro_modules() -> list[VbaModule]:
    """``macros/*.bas`` in name order; the module name is each file's ``VB_Name``."""
    out = []
    for path in sorted(MACROS_DIR.glob("*.bas")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r'Attribute VB_Name = "(\w+)"', text)
        if not m:
            raise ValueError(f"{path}: first line must be Attribute VB_Name = \"...\"")
        out.append(VbaModule(m.group(1), "module", text))
    return out


def vba_modules() -> list[VbaModule]:
    """Every VBA component of the add-in, in project order."""
    dictionary = (XLWINGS_DIR / "addin" / "Dictionary.cls").read_text(encoding="utf-8")
    return [
        document_module("ThisWorkbook", WORKBOOK_GUID, THISWORKBOOK_CODE),
        document_module(CONFIG_SHEET_DOC, WORKSHEET_GUID),
        *macro_modules(),
        xlwings_module(),
        udf_wrapper_module(),
        help_module(),
        class_module_from_cls(dictionary),  # xlwings' module needs it on macOS only
    ]


# ----------------------------------------------------------------------------- OOXML parts
def _core_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>SheetPlan {__version__}</dc:title><dc:creator>sheetplan</dc:creator>"
        "<cp:lastModifiedBy>sheetplan</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{DOC_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{DOC_TIME}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _config_parts(config: Mapping[str, str] | None, template_sheet: str) -> tuple[str, bytes, bytes]:
    """Sheet name, sheet XML and shared strings of the xlwings config sheet.

    Without ``config``: ``_sheetplan.conf`` (the leading underscore keeps xlwings from
    reading it) listing the keys, as xlwings' template does. With it: ``sheetplan.conf`` and
    only the given keys, because an empty value in an active sheet would hide the user's
    config file.
    """
    if config is None:
        name, rows = f"_{PROJECT_NAME}.conf", [(k, False if k in _BOOL_KEYS else None) for k in CONFIG_KEYS]
    else:
        name, rows = f"{PROJECT_NAME}.conf", list(config.items())
    strings: list[str] = []

    def sst(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    xml_rows = []
    for r, (key, value) in enumerate(rows, start=1):
        cells = f'<c r="A{r}" s="1" t="s"><v>{sst(key)}</v></c>'
        if isinstance(value, bool):
            cells += f'<c r="B{r}" s="1" t="b"><v>{int(value)}</v></c>'
        elif value:
            cells += f'<c r="B{r}" s="1" t="s"><v>{sst(str(value))}</v></c>'
        xml_rows.append(f'<row r="{r}">{cells}</row>')
    head, _, rest = template_sheet.partition("<sheetData>")
    _, _, tail = rest.partition("</sheetData>")
    head = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{max(len(rows), 1)}" />', head)
    sheet = head + "<sheetData>" + "".join(xml_rows) + "</sheetData>" + tail
    sst_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>"
    )
    return name, sheet.encode(), sst_xml.encode()


def _parts(config: Mapping[str, str] | None, modules: list[VbaModule]) -> dict[str, bytes]:
    with zipfile.ZipFile(TEMPLATE) as z:
        parts = {n: z.read(n) for n in sorted(z.namelist())}
    parts.pop("customUI/customUI.xml")
    parts[CUSTOMUI_PART] = RIBBON_XML.read_bytes()
    rels = parts["_rels/.rels"].decode()
    rels, n = re.subn(r'Type="[^"]*/ui/extensibility" Target="customUI/customUI\.xml"',
                      f'Type="{CUSTOMUI_REL}" Target="{CUSTOMUI_PART}"', rels)
    assert n == 1, "template .rels changed"
    parts["_rels/.rels"] = rels.encode()
    parts["docProps/core.xml"] = _core_xml()
    name, sheet, sst = _config_parts(config, parts["xl/worksheets/sheet1.xml"].decode())
    parts["xl/worksheets/sheet1.xml"] = sheet
    parts["xl/sharedStrings.xml"] = sst
    wb = parts["xl/workbook.xml"].decode()
    wb = re.sub(r"<mc:AlternateContent .*?</mc:AlternateContent>", "", wb)  # the template author's path
    wb, n = re.subn(r'<sheet name="[^"]*"', f'<sheet name="{escape(name)}"', wb)
    assert n == 1, "template workbook.xml changed"
    parts["xl/workbook.xml"] = wb.encode()
    parts["xl/vbaProject.bin"] = build_vba_project(modules)
    return parts


# ------------------------------------------------------------------------------ public API
def build_addin(
    out: Path, config: Mapping[str, str] | None = None, modules: list[VbaModule] | None = None
) -> Path:
    """Write the add-in to ``out`` atomically and return its path.

    ``config`` (xlwings config keys such as ``Interpreter_Win``) makes the add-in carry an
    active ``sheetplan.conf`` sheet; without it the sheet is inactive and xlwings reads the
    user's ``%USERPROFILE%\\.sheetplan\\sheetplan.conf`` or its defaults. ``modules``
    replaces :func:`vba_modules` (tests build a LibreOffice probe with it).
    """
    for path in (RIBBON_XML, MACROS_DIR, TEMPLATE):
        if not path.exists():
            raise FileNotFoundError(
                f"add-in source missing: {path} (neither a source checkout nor a package built with its data)"
            )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = _parts(config, vba_modules() if modules is None else modules)
    first = ("[Content_Types].xml", "_rels/.rels")
    order = [*first, *sorted(p for p in parts if p not in first)]
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w") as z:
            for name in order:
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                info.external_attr = 0
                z.writestr(info, parts[name])
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def addin_config() -> dict[str, str]:
    """Config written into the installed copy: this Python, windowless where possible."""
    exe = Path(sys.executable)
    pythonw = exe.with_name("pythonw.exe")
    return {"Interpreter_Win": str(pythonw if pythonw.exists() else exe)}


INSTALL_HELP = """\
The SheetPlan add-in runs in Excel for Windows. On that PC:
  1. pip install . (from a checkout of this repository; it brings xlwings — no separate
     `xlwings addin install` is needed, SheetPlan carries its own copy of xlwings' VBA)
  2. close Excel, then: sheetplan addin install
     Excel compiles the add-in (this needs File > Options > Trust Center > Macro Settings >
     "Trust access to the VBA project object model", or --allow-vba-access for the install
     only), it goes into Excel's XLSTART folder with this Python's path, and a self-test runs.
     Without that access the prebuilt add-in is installed instead, with a warning, and
     self-tested the same way;
     --prebuilt installs it directly (self-tested as well).
  3. Start Excel: the ribbon shows the tab "SheetPlan 大促计划"; =SP_HEADCOUNT(12000,1.5,200)
     in a cell gives 90. Something wrong: sheetplan addin doctor
Manual install of the prebuilt add-in: `sheetplan addin build -o sheetplan.xlam`, copy it to
%APPDATA%\\Microsoft\\Excel\\XLSTART, and put the line
  "Interpreter_Win","C:\\path\\to\\pythonw.exe"
into %USERPROFILE%\\.sheetplan\\sheetplan.conf.
"""


def install_addin() -> str:
    """Install into Excel's XLSTART (Windows); elsewhere explain what to do on Windows."""
    if sys.platform != "win32":
        return f"Not on Windows ({sys.platform}): nothing installed.\n\n{INSTALL_HELP}"
    appdata = os.environ.get("APPDATA")
    if not appdata:
        return "APPDATA is not set; cannot find Excel's XLSTART folder.\n\n" + INSTALL_HELP
    target = Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / ADDIN_NAME
    config = addin_config()
    try:
        build_addin(target, config=config)
    except PermissionError:
        return f"{target} is in use: close Excel and run `sheetplan addin install` again."
    return (
        f"Installed {target}\nPython for RunPython and the UDFs: {config['Interpreter_Win']}\n"
        "Restart Excel; the ribbon shows the tab 'SheetPlan 大促计划'."
    )
