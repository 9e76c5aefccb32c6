"""Excel compiles the add-in on the planner's machine (``sheetplan addin install``, Windows).

The offline build (:mod:`sheetplan.excel.addin`) writes the VBA project with a third-party compiler whose
authors report add-ins that open but whose macros do not run (MS-OVBA issue 116, oletools issue
555). So the default install lets Excel make the project itself, the way ``xlwings vba import``
does: a new workbook; every module imported through ``VBProject.VBComponents`` from its exported
text (``ThisWorkbook``'s code added to the document module); the config sheet with this Python's
path; saved as an add-in (``FileFormat=55``); the ribbon XML part and its relationship added to
the saved package; copied into XLSTART. Then a self-test: the add-in opened with macro security
as the planner's Excel applies it (``AutomationSecurity`` by the Trust Center, not automation's
"enable all"), ``Application.Run`` of ``SheetPlanVersion`` must return the package version and
``=SP_HEADCOUNT(12000,1.5,200)`` must give 90 in a scratch workbook.

Access to the VBA project object model is off by default in Excel. Without it the install says
exactly how to allow it and falls back to the prebuilt add-in — and self-tests that one too (the
self-test needs no VBA project access). The per-user ``AccessVBOM`` value is changed only when the
planner asks for it (``--allow-vba-access``) and restored afterwards.

Excel is driven hidden and without dialogs (``DisplayAlerts``, ``Interactive`` and
``ScreenUpdating`` off while it works, restored after); a call Excel rejects because it is busy
(``RPC_E_CALL_REJECTED``, ``RPC_E_SERVERCALL_RETRYLATER``) is retried a bounded number of times
(:class:`Retrying`); scratch files live in a temporary folder that is always deleted.

Everything Excel does goes through the object passed as ``app`` (``Excel.Application`` through
pywin32 in real use), so the flow is tested offline with a recording stand-in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sheetplan.excel.addin import (
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
from sheetplan.excel.vba.project import PROJECT_NAME as VBA_PROJECT_NAME
from sheetplan.excel.vba.project import STORED_ONLY, VbaModule
from sheetplan.version import __version__

XL_OPENXML_ADDIN = 55  # xlOpenXMLAddIn
MSO_AUTOMATION_SECURITY_BY_UI = 2  # msoAutomationSecurityByUI: the Trust Center's macro settings
#: HRESULTs of a busy Excel (a dialog open, a calculation running): the call was not made; retry.
BUSY_HRESULTS = frozenset({0x80010001, 0x8001010A})  # RPC_E_CALL_REJECTED, RPC_E_SERVERCALL_RETRYLATER
RETRY_ATTEMPTS = 8
RETRY_DELAY_S = 0.25  # grows linearly: 7 s in all before giving up
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


def busy(error: BaseException) -> bool:
    """``error`` is COM saying Excel is busy (pywintypes.com_error carries the HRESULT first)."""
    code = getattr(error, "hresult", None)
    if code is None and error.args and isinstance(error.args[0], int):
        code = error.args[0]
    return isinstance(code, int) and (code & 0xFFFFFFFF) in BUSY_HRESULTS


def retry(call: Callable[[], Any], *, attempts: int = RETRY_ATTEMPTS, delay: float = RETRY_DELAY_S,
          sleep: Callable[[float], None] = time.sleep) -> Any:
    """``call()``, again after a pause while Excel rejects it as busy; at most ``attempts`` times."""
    for n in range(1, attempts + 1):
        try:
            return call()
        except Exception as e:
            if n == attempts or not busy(e):
                raise
            sleep(delay * n)
    raise AssertionError("unreachable")


def com_text(error: BaseException) -> str:
    """What Excel said: a com_error's exception description, else its message, else str()."""
    args = error.args
    if len(args) >= 3 and isinstance(args[2], tuple) and len(args[2]) > 2 and isinstance(args[2][2], str):
        return args[2][2]  # excepinfo: (code, source, description, help file, help context, scode)
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return args[1]
    return str(error)


_PLAIN = (str, int, float, bool, bytes, tuple, list, dict, type(None), dt.date, Decimal)  # values, not objects


class Retrying:
    """A COM object whose every property read, property write and call goes through :func:`retry`;
    objects it hands out are wrapped too, so ``app.Workbooks.Open(...)`` is retried at each step."""

    __slots__ = ("_sleep", "_target")

    def __init__(self, target: Any, sleep: Callable[[float], None] = time.sleep) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_sleep", sleep)

    def _wrap(self, value: Any) -> Any:
        return value if isinstance(value, _PLAIN) else Retrying(value, self._sleep)

    def __getattr__(self, name: str) -> Any:
        return self._wrap(retry(lambda: getattr(self._target, name), sleep=self._sleep))

    def __setattr__(self, name: str, value: Any) -> None:
        retry(lambda: setattr(self._target, name, _unwrap(value)), sleep=self._sleep)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = tuple(_unwrap(a) for a in args)
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        return self._wrap(retry(lambda: self._target(*args, **kwargs), sleep=self._sleep))


def _unwrap(value: Any) -> Any:
    return object.__getattribute__(value, "_target") if isinstance(value, Retrying) else value


@contextlib.contextmanager
def unattended(app: Any, **settings: Any) -> Iterator[None]:
    """No dialog may wait for a click nobody makes: alerts, input and screen updates off while
    Excel works (plus any ``settings``), each restored afterwards."""
    wanted = {"DisplayAlerts": False, "Interactive": False, "ScreenUpdating": False, **settings}
    before: dict[str, Any] = {}
    try:
        for name, value in wanted.items():
            with contextlib.suppress(Exception):  # a setting this Excel lacks is no reason to stop
                before[name] = getattr(app, name)
                setattr(app, name, value)
        yield
    finally:
        for name, value in reversed(before.items()):
            with contextlib.suppress(Exception):
                setattr(app, name, value)


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

    @property
    def exit_code(self) -> int:
        """``sheetplan addin install``'s: 1 unless the installed add-in passed its self-test."""
        return 0 if self.self_test_ok else 1


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
    with unattended(app):
        _excel_build(app, out, modules, config)
    add_ribbon(out)
    return out


def _excel_build(app: Any, out: Path, modules: list[VbaModule], config: dict[str, str] | None) -> None:
    wb = app.Workbooks.Add()
    try:
        try:
            project = wb.VBProject
            components = project.VBComponents
        except Exception as e:  # pywintypes.com_error: "Programmatic access … is not trusted"
            raise VbomNotTrusted(str(e)) from e
        with tempfile.TemporaryDirectory(prefix="sheetplan-vba-", ignore_cleanup_errors=True) as tmp:
            for m in modules:
                if m.kind == "document":
                    if m.name == "ThisWorkbook" and _body(m).strip():
                        _replace_code(components.Item(wb.CodeName or "ThisWorkbook").CodeModule, _body(m))
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


def _replace_code(code_module: Any, code: str) -> None:
    """A document module's code replaced, as ``xlwings vba import`` does: a new workbook's module
    may already hold ``Option Explicit`` (the VBE's "Require Variable Declaration"), and a second
    one is a compile error. Its name is the workbook's CodeName (not "ThisWorkbook" in every
    language of Excel)."""
    lines = code_module.CountOfLines
    if lines:
        code_module.DeleteLines(1, lines)
    code_module.AddFromString(code)


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
    lines: list[str] = []
    with unattended(app, AutomationSecurity=MSO_AUTOMATION_SECURITY_BY_UI):
        try:
            ok = _self_test(app, installed, lang, lines)
        except Exception as e:  # Excel refused: macros disabled, a blocked file, a compile error
            first = (com_text(e).strip().splitlines() or [type(e).__name__])[0][:200]
            lines.append(("自检中 Excel 报错：" if lang == "zh" else "Excel failed during the self-test: ") + first)
            ok = False
    return ok, lines


def _self_test(app: Any, installed: Path, lang: str, lines: list[str]) -> bool:
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
    return ok and udf_ok and spill_ok


def install(app: Any, xlstart: Path, registry: Registry, *, allow_vba_access: bool = False,
            lang: str = "zh", prebuilt: Callable[[Path], Path] | None = None,
            relaunch: Callable[[], Any] | None = None, prebuilt_only: bool = False) -> InstallReport:
    """Compile with Excel into XLSTART and self-test; without VBA project access, fall back to the
    prebuilt add-in (or, with the planner's consent, allow it for the install and restore it) and
    self-test that.

    ``relaunch`` starts a fresh Excel: after the consent the build is retried in a new instance,
    since a running Excel may have read the Trust Center setting at its start. The caller quits
    ``app``; an instance started here is quit here. ``prebuilt_only`` (``--prebuilt``) installs
    the prebuilt add-in without asking Excel to compile, and self-tests it too."""
    target = xlstart / ADDIN_NAME
    key, old = vbom_key(app), None
    changed = False
    started = None
    lines: list[str] = []
    built: Path | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="sheetplan-xl-", ignore_cleanup_errors=True) as tmp:
            try:
                if not prebuilt_only:
                    built = excel_build(app, Path(tmp) / "first" / ADDIN_NAME)
            except VbomNotTrusted:
                if not allow_vba_access:
                    lines.append(TRUST_HELP[lang])
                else:
                    old = registry.get(key, "AccessVBOM")
                    registry.set(key, "AccessVBOM", 1)
                    changed = True
                    if relaunch is not None:
                        app = started = relaunch()
                    try:
                        built = excel_build(app, Path(tmp) / "second" / ADDIN_NAME)
                    except VbomNotTrusted:
                        lines.append(NOT_TAKEN[lang])
            finally:
                if changed:
                    registry.set(key, "AccessVBOM", old)  # back as it was (deleted when it was not set)
            xlstart.mkdir(parents=True, exist_ok=True)
            try:
                if built is None:
                    (prebuilt or _prebuilt)(target)
                    lines.append(_fallback(lang, target) if not prebuilt_only else
                                 ("已安装预编译的加载项：" if lang == "zh" else "installed the prebuilt add-in: ")
                                 + str(target))
                else:
                    shutil.copyfile(built, target)
                    lines.append(("已由 Excel 编译并安装：" if lang == "zh" else "Compiled by Excel and installed: ")
                                 + str(target))
            except PermissionError:  # the add-in is loaded in an Excel the planner has open
                return InstallReport(target, built is not None, [*lines, IN_USE[lang].format(path=target)], False)
        ok, test_lines = self_test(app, target, lang)
    finally:
        if started is not None:
            with contextlib.suppress(Exception):
                started.Quit()
    report = InstallReport(target, built is not None, [*lines, *test_lines], ok)
    if not ok:
        report.lines.append("自检未通过：请运行 sheetplan addin doctor" if lang == "zh"
                            else "self-test failed: run sheetplan addin doctor")
    return report


def _prebuilt(target: Path) -> Path:
    return build_addin(target, config=addin_config())


def _fallback(lang: str, target: Path) -> str:
    return (f"已改为安装预编译的加载项：{target}（其宏能否运行，见下面的自检；允许访问后重新安装即可改用 Excel 编译）"
            if lang == "zh" else f"installed the prebuilt add-in instead: {target} (the self-test below says whether "
            "its macros run; allow the access and install again to have Excel compile it)")


__all__ = ["InstallReport", "Registry", "Retrying", "VbomNotTrusted", "add_ribbon", "busy", "excel_build",
           "has_dynamic_arrays", "install", "retry", "self_test", "unattended", "vbom_key"]


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

    app = Retrying(win32com.client.DispatchEx("Excel.Application"))
    app.Visible = False
    app.DisplayAlerts = False
    return app
