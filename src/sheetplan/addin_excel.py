"""Excel compiles the add-in on the planner's machine (``sheetplan addin install``, Windows).

The offline build (:mod:`sheetplan.addin`) writes the VBA project with a third-party compiler whose
authors report add-ins that open but whose macros do not run (MS-OVBA issue 116, oletools issue
555). So the default install lets Excel make the project itself, the way ``xlwings vba import``
does: a new workbook; every module imported through ``VBProject.VBComponents`` from its exported
text (``ThisWorkbook``'s code added to the document module); the config sheet with this Python's
path; saved as an add-in (``FileFormat=55``); the ribbon XML part and its relationship added to
the saved package; copied into XLSTART. Then a self-test: ``Application.Run`` of
``SheetPlanVersion`` must return the package version and ``=SP_HEADCOUNT(12000,1.5,200)`` must
give 90 in a scratch workbook.

Access to the VBA project object model is off by default in Excel. Without it the install says
exactly how to allow it and falls back to the prebuilt add-in. The per-user ``AccessVBOM`` value
is changed only when the planner asks for it (``--allow-vba-access``) and restored afterwards.

Everything Excel does goes through the object passed as ``app`` (``Excel.Application`` through
pywin32 in real use), so the flow is tested offline with a recording stand-in.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sheetplan import __version__
from sheetplan.addin import (
    ADDIN_NAME,
    CUSTOMUI_PART,
    CUSTOMUI_REL,
    PROJECT_NAME,
    RIBBON_XML,
    ZIP_TIME,
    addin_config,
    build_addin,
    vba_modules,
)
from sheetplan.vba.project import PROJECT_NAME as VBA_PROJECT_NAME
from sheetplan.vba.project import STORED_ONLY, VbaModule

XL_OPENXML_ADDIN = 55  # xlOpenXMLAddIn
VBEXT_CT_STD, VBEXT_CT_CLASS = 1, 2
SELF_TEST_FORMULA = "=SP_HEADCOUNT(12000,1.5,200)"
SELF_TEST_VALUE = 90
#: Excel 365: a table answer must spill natively (Formula2, HasSpill) with these values.
SPILL_TEST_FORMULA = "=SP_SHARE({1;3})"
SPILL_TEST_VALUES = (0.25, 0.75)
NOT_TAKEN = {
    "zh": "已临时允许访问 VBA 工程对象模型，但 Excel 仍然拒绝（可能由组策略锁定）。请在信任中心手动勾选后重新安装。",
    "en": ("Access to the VBA project object model was allowed for the install, but Excel still refused it "
           "(a group policy may lock it). Tick it in the Trust Center yourself and install again."),
}
IN_USE = {
    "zh": "{path} 正被 Excel 使用：请关闭所有 Excel 窗口后重新运行 sheetplan addin install。",
    "en": "{path} is in use by Excel: close every Excel window and run sheetplan addin install again.",
}
TRUST_HELP = {
    "zh": ("Excel 未允许访问 VBA 工程对象模型。请在 Excel 中打开：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，"
           "勾选「信任对 VBA 工程对象模型的访问」，再运行 sheetplan addin install；或运行 "
           "sheetplan addin install --allow-vba-access（临时打开该选项，装好后恢复原值）。"),
    "en": ("Excel does not allow access to the VBA project object model. In Excel: File › Options › Trust "
           "Center › Trust Center Settings › Macro Settings, tick 'Trust access to the VBA project object "
           "model', then run sheetplan addin install again; or run sheetplan addin install "
           "--allow-vba-access (turns the option on for the install and restores it afterwards)."),
}


class VbomNotTrusted(RuntimeError):
    """Excel refused ``Workbook.VBProject``: the Trust Center option is off."""


class Registry(Protocol):
    """The per-user registry values the install reads and (with consent) writes."""

    def get(self, key: str, name: str) -> int | None: ...
    def set(self, key: str, name: str, value: int | None) -> None: ...  # None deletes the value


@dataclass
class InstallReport:
    path: Path
    compiled_by_excel: bool
    lines: list[str] = field(default_factory=list)
    self_test_ok: bool = False


def vbom_key(app: Any) -> str:
    """HKCU key of the ``AccessVBOM`` value for this Excel version (e.g. 16.0)."""
    return rf"Software\Microsoft\Office\{app.Version}\Excel\Security"


def _body(module: VbaModule) -> str:
    """A module's code without its ``Attribute`` header (for a document module's AddFromString)."""
    return "\r\n".join(line for line in module.code.replace("\r\n", "\n").split("\n")
                       if not line.startswith("Attribute VB_"))


def _export(module: VbaModule, folder: Path) -> Path:
    """The module as the text file Excel's ``VBComponents.Import`` reads (.bas / .cls)."""
    if module.kind == "class":
        # An export has the VERSION block and no stored-only attributes (VB_Base and the two
        # after it): that is the text Import expects, and Excel adds those back itself.
        head = "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
        stored = tuple(f"Attribute {key} " for key in STORED_ONLY)
        lines = [ln for ln in module.code.replace("\r\n", "\n").split("\n") if not ln.startswith(stored)]
        path = folder / f"{module.name}.cls"
        path.write_bytes(head.encode("cp1252") + VbaModule(module.name, "class", "\n".join(lines)).encoded())
    else:
        path = folder / f"{module.name}.bas"
        path.write_bytes(module.encoded())
    return path


def excel_build(app: Any, out: Path, modules: list[VbaModule] | None = None,
                config: dict[str, str] | None = None) -> Path:
    """Let Excel compile the add-in into ``out``; raises :class:`VbomNotTrusted` when it may not."""
    modules = vba_modules() if modules is None else modules
    wb = app.Workbooks.Add()
    try:
        try:
            project = wb.VBProject
            components = project.VBComponents
        except Exception as e:  # pywintypes.com_error: "Programmatic access … is not trusted"
            raise VbomNotTrusted(str(e)) from e
        with tempfile.TemporaryDirectory(prefix="sheetplan-vba-") as tmp:
            for m in modules:
                if m.kind == "document":
                    if m.name == "ThisWorkbook" and _body(m).strip():
                        components.Item("ThisWorkbook").CodeModule.AddFromString(_body(m))
                    continue  # a sheet's document module: Excel makes its own
                components.Import(str(_export(m, Path(tmp))))
        project.Name = VBA_PROJECT_NAME  # as the offline build names it (the VBE shows "SheetPlan")
        sheet = wb.Worksheets(1)
        sheet.Name = f"{PROJECT_NAME}.conf"
        for r, (key, value) in enumerate((config or addin_config()).items(), start=1):
            sheet.Range(f"A{r}").Value = key
            sheet.Range(f"B{r}").Value = value
        out.parent.mkdir(parents=True, exist_ok=True)
        wb.SaveAs(str(out), FileFormat=XL_OPENXML_ADDIN)
    finally:
        wb.Close(SaveChanges=False)
    add_ribbon(out)
    return out


def add_ribbon(path: Path, ribbon: bytes | None = None) -> None:
    """The ribbon XML part, its relationship and (if needed) its content type, into a saved package."""
    ribbon = RIBBON_XML.read_bytes() if ribbon is None else ribbon
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[CUSTOMUI_PART] = ribbon
    rels = parts["_rels/.rels"].decode()
    if CUSTOMUI_PART not in rels:
        ids = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
        rid = f"rId{max(ids, default=0) + 1}"
        rel = f'<Relationship Id="{rid}" Type="{CUSTOMUI_REL}" Target="{CUSTOMUI_PART}"/>'
        rels = rels.replace("</Relationships>", rel + "</Relationships>")
        parts["_rels/.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    if 'Extension="xml"' not in types:
        types = types.replace("<Default ", '<Default Extension="xml" ContentType="application/xml"/><Default ', 1)
        parts["[Content_Types].xml"] = types.encode()
    tmp = path.with_name(f".{path.name}.ribbon.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("[Content_Types].xml", *sorted(n for n in parts if n != "[Content_Types].xml")):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, parts[name])
    tmp.replace(path)


def has_dynamic_arrays(app: Any) -> bool:
    """Excel 365/2021: ``WorksheetFunction.Unique`` exists (xlwings' own test)."""
    try:
        app.WorksheetFunction.Unique("x")
    except Exception:
        return False
    return True


def self_test(app: Any, installed: Path, lang: str = "en") -> tuple[bool, list[str]]:
    """Open the installed add-in, run its version macro and one UDF in a scratch workbook; in
    Excel with dynamic arrays, also check that a table answer spills natively."""
    lines = []
    app.Workbooks.Open(str(installed))
    version = app.Run(f"'{installed.name}'!SheetPlanVersion")
    ok = version == __version__
    lines.append(f"SheetPlanVersion() = {version!r}" + ("" if ok else f" (expected {__version__})"))
    scratch = app.Workbooks.Add()
    try:
        sheet = scratch.Worksheets(1)
        cell = sheet.Range("A1")
        cell.Formula = SELF_TEST_FORMULA
        app.CalculateFull()
        value = cell.Value
        udf_ok = value == SELF_TEST_VALUE
        lines.append(f"{SELF_TEST_FORMULA} = {value!r}" + ("" if udf_ok else f" (expected {SELF_TEST_VALUE})"))
        spill_ok = True
        if has_dynamic_arrays(app):
            top = sheet.Range("A3")
            top.Formula2 = SPILL_TEST_FORMULA
            app.CalculateFull()
            got = (top.Value, sheet.Range("A4").Value)
            spill_ok = bool(top.HasSpill) and got == SPILL_TEST_VALUES
            native = "原生溢出" if lang == "zh" else "spills natively"
            lines.append(f"{SPILL_TEST_FORMULA} → {got}" + (f" ({native})" if spill_ok else
                         f" ({'应原生溢出为' if lang == 'zh' else 'expected a native spill of'} {SPILL_TEST_VALUES})"))
        else:
            lines.append("Excel 无动态数组：表格结果按旧式数组公式填充（未自检）" if lang == "zh" else
                         "Excel without dynamic arrays: tables fill as legacy array formulas (not self-tested)")
    finally:
        scratch.Close(SaveChanges=False)
    return ok and udf_ok and spill_ok, lines


def install(app: Any, xlstart: Path, registry: Registry, *, allow_vba_access: bool = False,
            lang: str = "zh", prebuilt: Callable[[Path], Path] | None = None,
            relaunch: Callable[[], Any] | None = None) -> InstallReport:
    """Compile with Excel into XLSTART and self-test; without VBA project access, fall back to the
    prebuilt add-in (or, with the planner's consent, allow it for the install and restore it).

    ``relaunch`` starts a fresh Excel: after the consent the build is retried in a new instance,
    since a running Excel may have read the Trust Center setting at its start. The caller quits
    ``app``; an instance started here is quit here."""
    target = xlstart / ADDIN_NAME
    key, old = vbom_key(app), None
    changed = False
    started = None
    try:
        try:
            built = excel_build(app, Path(tempfile.mkdtemp(prefix="sheetplan-xl-")) / ADDIN_NAME)
        except VbomNotTrusted:
            if not allow_vba_access:
                (prebuilt or _prebuilt)(target)
                return InstallReport(target, False, [TRUST_HELP[lang], _fallback(lang, target)])
            old = registry.get(key, "AccessVBOM")
            registry.set(key, "AccessVBOM", 1)
            changed = True
            if relaunch is not None:
                app = started = relaunch()
            try:
                built = excel_build(app, Path(tempfile.mkdtemp(prefix="sheetplan-xl-")) / ADDIN_NAME)
            except VbomNotTrusted:
                (prebuilt or _prebuilt)(target)
                return InstallReport(target, False, [NOT_TAKEN[lang], _fallback(lang, target)])
        finally:
            if changed:
                registry.set(key, "AccessVBOM", old)  # back as it was (deleted when it was not set)
        xlstart.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(built, target)
        except PermissionError:  # the add-in is loaded in an Excel the planner has open
            return InstallReport(target, True, [IN_USE[lang].format(path=target)], False)
        ok, lines = self_test(app, target, lang)
    finally:
        if started is not None:
            with contextlib.suppress(Exception):
                started.Quit()
    head = "已由 Excel 编译并安装：" if lang == "zh" else "Compiled by Excel and installed: "
    report = InstallReport(target, True, [f"{head}{target}", *lines], ok)
    if not ok:
        report.lines.append("自检未通过：请运行 sheetplan addin doctor" if lang == "zh"
                            else "self-test failed: run sheetplan addin doctor")
    return report


def _prebuilt(target: Path) -> Path:
    return build_addin(target, config=addin_config())


def _fallback(lang: str, target: Path) -> str:
    return (f"已改为安装预编译的加载项：{target}（宏可能无法运行；允许访问后重新安装即可改用 Excel 编译）"
            if lang == "zh" else f"installed the prebuilt add-in instead: {target} (its macros may not run; "
            "allow the access and install again to have Excel compile it)")


__all__ = ["InstallReport", "Registry", "VbomNotTrusted", "add_ribbon", "excel_build", "has_dynamic_arrays",
           "install", "self_test", "vbom_key"]


# ------------------------------------------------------------------ the real thing (Windows only)
class WinRegistry:
    """HKEY_CURRENT_USER DWORD values through winreg."""

    def get(self, key: str, name: str) -> int | None:
        import winreg  # type: ignore[import-not-found]  # Windows only

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as k:
                return int(winreg.QueryValueEx(k, name)[0])
        except OSError:
            return None

    def set(self, key: str, name: str, value: int | None) -> None:
        import winreg  # type: ignore[import-not-found]

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as k:
            if value is None:
                with contextlib.suppress(OSError):
                    winreg.DeleteValue(k, name)
            else:
                winreg.SetValueEx(k, name, 0, winreg.REG_DWORD, int(value))


def windows_excel() -> Any:
    """A fresh, hidden Excel instance through pywin32 (which comes with xlwings on Windows)."""
    import win32com.client  # type: ignore[import-not-found]

    app = win32com.client.DispatchEx("Excel.Application")
    app.Visible = False
    app.DisplayAlerts = False
    return app
