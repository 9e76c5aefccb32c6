"""Excel compiles the add-in (issue 12), tested offline with a recording stand-in of the Excel
object model: the calls Excel gets, the saved package (ribbon part, relationship, content types,
modules as olevba reads them), the self-test, the fallback and the AccessVBOM consent; and the
doctor's checks with stand-in facts."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from oletools.olevba import VBA_Parser

from sheetplan import __version__
from sheetplan.excel import udfs, udfs_native
from sheetplan.excel.addin import ADDIN_NAME, CUSTOMUI_PART, CUSTOMUI_REL, build_addin, vba_modules
from sheetplan.excel.doctor import ASR_OFFICE_CHILD_PROCESSES, Probe, asr_state, configured_interpreter, doctor, render
from sheetplan.excel.install import XL_OPENXML_ADDIN, Retrying, VbomNotTrusted, excel_build, install, retry, vbom_key
from sheetplan.excel.vba.project import VbaModule, class_module_from_cls


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.imported: dict[str, str] = {}
        self.settings: list[dict[str, Any]] = []  # the Application's settings at each Open and SaveAs


class FakeCodeModule:
    def __init__(self, comp: FakeComponent) -> None:
        self.comp = comp

    @property
    def CountOfLines(self) -> int:  # Excel's names
        return len(self.comp.code.splitlines())

    def DeleteLines(self, start: int, count: int) -> None:
        lines = self.comp.code.splitlines(keepends=True)
        self.comp.code = "".join(lines[: start - 1] + lines[start - 1 + count :])

    def AddFromString(self, code: str) -> None:
        self.comp.code += code


class FakeComponent:
    def __init__(self, name: str, kind: str, code: str = "", workbook: bool = False) -> None:
        self.name, self.kind, self.code, self.workbook = name, kind, code, workbook
        self.CodeModule = FakeCodeModule(self)


class FakeComponents:
    def __init__(self, rec: Recorder, code_name: str = "ThisWorkbook", new_code: str = "") -> None:
        """``code_name``: the workbook's module as this Excel's language names it; ``new_code``:
        what the VBE puts into new modules (``Option Explicit`` with Require Variable Declaration)."""
        self.rec = rec
        self.items = {code_name: FakeComponent(code_name, "document", new_code, workbook=True),
                      "Sheet1": FakeComponent("Sheet1", "document", new_code)}

    def Item(self, name: str) -> FakeComponent:
        return self.items[name]

    def Import(self, path: str) -> None:
        """As Excel does: the file's VB_Name names the component; a .cls header is dropped."""
        self.rec.calls.append(("Import", Path(path).name))
        text = Path(path).read_bytes().decode("cp1252")
        self.rec.imported[Path(path).name] = text
        name = re.search(r'Attribute VB_Name = "(\w+)"', text).group(1)
        if path.endswith(".cls"):
            self.items[name] = FakeComponent(name, "class", class_module_from_cls(text).code)
        else:
            self.items[name] = FakeComponent(name, "module", text)


class FakeRange:
    def __init__(self) -> None:
        self.Value: Any = None
        self.Formula = ""
        self.Formula2 = ""  # Excel 365's dynamic-array formula
        self.HasSpill = False


class FakeSheet:
    def __init__(self) -> None:
        self.Name = "Sheet1"
        self.cells: dict[str, FakeRange] = {}

    def Range(self, ref: str) -> FakeRange:
        return self.cells.setdefault(ref, FakeRange())


class FakeWorkbook:
    def __init__(self, app: FakeExcel, trusted: bool) -> None:
        self.app, self.trusted = app, trusted
        self.sheet = FakeSheet()
        self.CodeName = app.code_name
        self.components = FakeComponents(app.rec, app.code_name, app.new_code)

    @property
    def VBProject(self) -> Any:
        if not self.trusted:
            raise RuntimeError("Programmatic access to Visual Basic Project is not trusted")
        if not hasattr(self, "project"):
            self.project = type("P", (), {"VBComponents": self.components, "Name": "VBAProject"})()
        return self.project

    def Worksheets(self, i: int) -> FakeSheet:
        return self.sheet

    def SaveAs(self, path: str, FileFormat: int) -> None:
        """A real package of what was imported, without a ribbon (Excel does not write one)."""
        self.app.rec.calls.append(("SaveAs", Path(path).name, FileFormat))
        self.app.rec.settings.append(self.app.settings())
        mods = []
        for c in self.components.items.values():
            if c.kind == "document":
                from sheetplan.excel.vba.project import WORKBOOK_GUID, WORKSHEET_GUID, document_module

                guid = WORKBOOK_GUID if c.workbook else WORKSHEET_GUID
                mods.append(document_module(c.name, guid, c.code))
            else:
                mods.append(VbaModule(c.name, c.kind, c.code))  # type: ignore[arg-type]
        config = {self.sheet.Range(f"A{r}").Value: self.sheet.Range(f"B{r}").Value
                  for r in range(1, 10) if self.sheet.Range(f"A{r}").Value}
        build_addin(Path(path), config=config, modules=mods)
        _strip_ribbon(Path(path))

    def Close(self, SaveChanges: bool) -> None:
        self.app.rec.calls.append(("Close",))


class FakeWorkbooks:
    def __init__(self, app: FakeExcel) -> None:
        self.app = app

    def Add(self) -> FakeWorkbook:
        self.app.rec.calls.append(("Workbooks.Add",))
        app = self.app
        setting = app.setting_at_start if app.setting is None else app.registry.get(vbom_key(app), "AccessVBOM")
        wb = FakeWorkbook(app, app.trusted or (setting == 1 and not app.locked))
        self.app.books.append(wb)
        return wb

    def Open(self, path: str) -> None:
        app = self.app
        if app.busy:  # a dialog or a calculation: COM rejects the call (pywintypes.com_error)
            app.busy -= 1
            raise ComError(-2147418111, "Call was rejected by callee.", None, None)
        app.rec.calls.append(("Workbooks.Open", Path(path).name))
        app.rec.settings.append(app.settings())
        app.opened = Path(path)
        # macros run as the Trust Center says, unless automation's default ("enable all") is left on
        app.macros_run = app.AutomationSecurity == 1 or not app.blocks_macros


class ComError(Exception):
    """pywintypes.com_error: (hresult, text, excepinfo, argerror)."""


class FakeExcel:
    Version = "16.0"

    def __init__(self, trusted: bool, registry: FakeRegistry, dynamic_arrays: bool = True,
                 setting: str | None = "live", locked: bool = False, code_name: str = "ThisWorkbook",
                 new_code: str = "", blocks_macros: bool = False, busy: int = 0) -> None:
        """``setting=None``: the Trust Center value is read once, at start (not live);
        ``locked``: a group policy keeps VBA project access off whatever the registry says;
        ``blocks_macros``: the Trust Center disables this add-in's macros (Excel's own UI would);
        ``busy``: how many calls to Workbooks.Open Excel rejects first."""
        self.rec = Recorder()
        self.code_name, self.new_code = code_name, new_code
        self.blocks_macros, self.busy = blocks_macros, busy
        self.macros_run = True
        self.AutomationSecurity = 1  # msoAutomationSecurityLow: automation's default
        self.DisplayAlerts = self.Interactive = self.ScreenUpdating = True
        self.dynamic_arrays = dynamic_arrays
        self.trusted = trusted
        self.registry = registry
        self.setting = setting
        self.locked = locked
        self.setting_at_start = registry.get(vbom_key(self), "AccessVBOM")
        self.quit = False
        self.books: list[FakeWorkbook] = []
        self.opened: Path | None = None
        self.Workbooks = FakeWorkbooks(self)

    def Quit(self) -> None:
        self.quit = True

    def settings(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("AutomationSecurity", "DisplayAlerts", "Interactive", "ScreenUpdating")}

    def Run(self, macro: str) -> Any:
        """What the opened add-in's VBA says its version is (read back with olevba)."""
        self.rec.calls.append(("Run", macro))
        if not self.macros_run:
            raise ComError(-2146827284, "Cannot run the macro 'SheetPlanVersion'. The macro may not be "
                           "available in this workbook or all macros may be disabled.", None, None)
        assert self.opened is not None and macro == f"'{self.opened.name}'!SheetPlanVersion"
        code = modules_of(self.opened)["SheetPlanRibbon"]
        assert "Function SheetPlanVersion()" in code
        return re.search(r'SHEETPLAN_VERSION As String = "([^"]+)"', code).group(1)

    @property
    def WorksheetFunction(self) -> Any:
        """Excel 365 has UNIQUE; Excel 2016's late-bound call fails (AttributeError via COM)."""
        unique = (lambda x: x) if self.dynamic_arrays else None
        return type("WF", (), {"Unique": staticmethod(unique)} if unique else {})()

    def CalculateFull(self) -> None:
        """The scratch book's UDFs, through the opened add-in's wrapper and the Python module it
        calls: Formula2 spills natively only when the wrapper picks sheetplan.excel.udfs_native here."""
        wrappers = "\n".join(modules_of(self.opened).values())
        sheet = self.books[-1].sheet
        for ref, cell in list(sheet.cells.items()):
            m = re.fullmatch(r"=(SP_\w+)\((.*)\)", cell.Formula2 or cell.Formula)
            if not (m and f"Function {m.group(1)}(" in wrappers):
                continue
            name, raw = m.groups()
            if raw.startswith("{"):
                args: list[Any] = [[[float(v)] for v in raw.strip("{}").split(";")]]
            else:
                args = [float(a) for a in raw.split(",")]
            chooses = f'XLPy.CallUDF(SheetPlanUdfModule(), "{name}"' in wrappers
            picks_native = f'SheetPlanUdfModule = "{udfs_native.MODULE}"' in wrappers
            native = chooses and self.dynamic_arrays and picks_native
            value = getattr(udfs_native if native else udfs, name)(*args)
            if not isinstance(value, list):
                cell.Value = value
            elif native and cell.Formula2:  # a native spill down the column
                col, row = ref[0], int(ref[1:])
                for i, r in enumerate(value):
                    sheet.Range(f"{col}{row + i}").Value = r[0]
                cell.HasSpill = len(value) > 1
            else:  # xlwings' legacy path resizes later, outside this calculation
                cell.Value = value[0][0]


class FakeRegistry:
    def __init__(self, value: int | None = None) -> None:
        self.values: dict[tuple[str, str], int] = {}
        self.writes: list[tuple[str, int | None]] = []
        if value is not None:
            self.values[(vbom_key(FakeExcel), "AccessVBOM")] = value

    def get(self, key: str, name: str) -> int | None:
        return self.values.get((key, name))

    def set(self, key: str, name: str, value: int | None) -> None:
        self.writes.append((name, value))
        if value is None:
            self.values.pop((key, name), None)
        else:
            self.values[(key, name)] = value


def _strip_ribbon(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if not n.startswith("customUI/")}
    rels = re.sub(r"<Relationship [^>]*customUI[^>]*/>", "", parts["_rels/.rels"].decode())
    parts["_rels/.rels"] = rels.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)


def modules_of(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, name, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_excel_build_imports_every_module_and_adds_the_ribbon(tmp_path: Path) -> None:
    app = FakeExcel(True, FakeRegistry())
    out = excel_build(app, tmp_path / ADDIN_NAME, config={"Interpreter_Win": r"C:\Python\pythonw.exe"})
    imported = [c[1] for c in app.rec.calls if c[0] == "Import"]
    assert "SheetPlanRibbon.bas" in imported and any(n.endswith(".cls") for n in imported)
    assert app.books[0].project.Name == "SheetPlan"  # the same name as the offline build's
    cls = app.rec.imported["Dictionary.cls"]  # an export's shape: VERSION block, no stored-only attributes
    assert cls.startswith("VERSION 1.0 CLASS") and "VB_Base" not in cls and "VB_Exposed = True" in cls
    assert ("SaveAs", ADDIN_NAME, XL_OPENXML_ADDIN) in app.rec.calls and ("Close",) in app.rec.calls
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        rels = z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert CUSTOMUI_PART in names and f'Type="{CUSTOMUI_REL}" Target="{CUSTOMUI_PART}"' in rels
    assert 'Extension="xml"' in types and "vbaProject" in types
    mods = modules_of(out)
    assert {"SheetPlanRibbon", "ThisWorkbook"} <= set(mods) and "RegisterSheetPlanFunctions" in mods["ThisWorkbook"]
    assert configured_interpreter(out) == r"C:\Python\pythonw.exe"


def test_install_compiles_copies_and_self_tests(tmp_path: Path) -> None:
    app = FakeExcel(True, FakeRegistry())
    report = install(app, tmp_path / "XLSTART", FakeRegistry(), lang="en")
    assert report.compiled_by_excel and report.self_test_ok, report.lines
    assert report.path == tmp_path / "XLSTART" / ADDIN_NAME and report.path.is_file()
    assert ("Run", f"'{ADDIN_NAME}'!SheetPlanVersion") in app.rec.calls
    assert any(f"SheetPlanVersion() = '{__version__}'" in line for line in report.lines)
    assert any("= 90" in line for line in report.lines)
    assert any("=SP_SHARE({1;3}) → (0.25, 0.75) (spills natively)" in line for line in report.lines)


def test_self_test_catches_a_table_that_does_not_spill_natively(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sheetplan.excel import addin

    monkeypatch.setattr(addin, "expanding", lambda module: [])  # wrappers that never pick the native module
    report = install(FakeExcel(True, FakeRegistry()), tmp_path / "XLSTART", FakeRegistry(), lang="en")
    assert report.compiled_by_excel and not report.self_test_ok
    assert any("expected a native spill" in line for line in report.lines)


def test_excel_2016_self_test_says_tables_use_legacy_arrays(tmp_path: Path) -> None:
    report = install(FakeExcel(True, FakeRegistry(), dynamic_arrays=False), tmp_path / "XLSTART", FakeRegistry(),
                     lang="zh")
    assert report.self_test_ok, report.lines
    assert any("旧式数组公式" in line for line in report.lines)


def test_untrusted_vba_access_falls_back_and_says_how(tmp_path: Path) -> None:
    reg = FakeRegistry()
    app = FakeExcel(False, reg)
    with pytest.raises(VbomNotTrusted):
        excel_build(app, tmp_path / "x.xlam")
    report = install(app, tmp_path / "XLSTART", reg, lang="zh")
    assert not report.compiled_by_excel and report.path.is_file()
    assert "信任对 VBA 工程对象模型的访问" in report.lines[0] and "--allow-vba-access" in report.lines[0]
    assert reg.writes == []  # never changed without consent
    # the self-test needs no VBA project access: the prebuilt add-in is tested as well
    assert ("Run", f"'{ADDIN_NAME}'!SheetPlanVersion") in app.rec.calls
    assert report.self_test_ok and report.exit_code == 0, report.lines
    assert any("= 90" in line for line in report.lines)


def test_prebuilt_is_installed_without_compiling_and_self_tested(tmp_path: Path) -> None:
    app = FakeExcel(True, FakeRegistry())
    report = install(app, tmp_path / "XLSTART", FakeRegistry(), lang="en", prebuilt_only=True)
    assert not report.compiled_by_excel and report.self_test_ok and report.exit_code == 0, report.lines
    assert report.lines[0] == f"installed the prebuilt add-in: {report.path}"
    assert not any(c[0] == "SaveAs" for c in app.rec.calls)  # Excel compiled nothing
    assert ("Run", f"'{ADDIN_NAME}'!SheetPlanVersion") in app.rec.calls


def test_a_fallback_whose_macros_do_not_run_fails_the_install(tmp_path: Path) -> None:
    reg = FakeRegistry()
    report = install(FakeExcel(False, reg, blocks_macros=True), tmp_path / "XLSTART", reg, lang="en")
    assert not report.compiled_by_excel and report.path.is_file()
    assert not report.self_test_ok and report.exit_code == 1
    assert any(line.startswith("Excel failed during the self-test: Cannot run the macro") for line in report.lines)
    assert report.lines[-1] == "self-test failed: run sheetplan addin doctor"


def test_self_test_opens_the_addin_under_the_trust_centers_macro_settings(tmp_path: Path) -> None:
    """Automation opens files with every macro enabled; the planner's Excel does not, so the
    self-test sets AutomationSecurity to msoAutomationSecurityByUI (2) first, and restores it."""
    app = FakeExcel(True, FakeRegistry(), blocks_macros=True)
    report = install(app, tmp_path / "XLSTART", FakeRegistry(), lang="en")
    assert report.compiled_by_excel and not report.self_test_ok and report.exit_code == 1
    opened = app.rec.settings[[c[0] for c in app.rec.calls if c[0] in ("SaveAs", "Workbooks.Open")].index(
        "Workbooks.Open")]
    assert opened == {"AutomationSecurity": 2, "DisplayAlerts": False, "Interactive": False, "ScreenUpdating": False}
    assert app.rec.settings[0]["DisplayAlerts"] is False  # no dialog while Excel saves the add-in either
    assert app.settings() == {"AutomationSecurity": 1, "DisplayAlerts": True, "Interactive": True,
                              "ScreenUpdating": True}  # all restored


def test_thisworkbook_code_replaces_the_new_modules_under_the_workbooks_code_name(tmp_path: Path) -> None:
    """German Excel names it DieseArbeitsmappe; with Require Variable Declaration a new module holds
    Option Explicit already, and a second one is a compile error."""
    app = FakeExcel(True, FakeRegistry(), code_name="DieseArbeitsmappe", new_code="Option Explicit\r\n")
    out = excel_build(app, tmp_path / ADDIN_NAME)
    code = modules_of(out)["DieseArbeitsmappe"]
    assert "RegisterSheetPlanFunctions" in code and code.count("Option Explicit") == 1


def test_a_busy_excel_is_asked_again_a_bounded_number_of_times(tmp_path: Path) -> None:
    waits: list[float] = []
    app = FakeExcel(True, FakeRegistry(), busy=2)  # RPC_E_CALL_REJECTED twice (a dialog, a calculation)
    report = install(Retrying(app, sleep=waits.append), tmp_path / "XLSTART", FakeRegistry(), lang="en")
    assert report.self_test_ok, report.lines
    assert waits == [0.25, 0.5]
    calls: list[int] = []

    def rejected() -> None:
        calls.append(1)
        raise ComError(-2147417846, "The message filter indicated that the application is busy.", None, None)

    with pytest.raises(ComError):
        retry(rejected, attempts=3, sleep=waits.append)
    assert len(calls) == 3
    import datetime as dt

    cell = Retrying(type("Cell", (), {"Value": dt.datetime(2026, 11, 11)})())
    assert cell.Value == dt.datetime(2026, 11, 11)  # values come back as they are, objects wrapped
    with pytest.raises(ValueError):  # anything else is not retried
        retry(lambda: (calls.append(1), int("x")), sleep=waits.append)
    assert len(calls) == 4


def test_install_leaves_no_temporary_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    reg = FakeRegistry()
    install(FakeExcel(True, reg), tmp_path / "XLSTART", reg, lang="en")
    install(FakeExcel(False, reg), tmp_path / "XLSTART2", reg, lang="en", allow_vba_access=True)
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("before", [None, 0])
def test_consent_turns_access_on_for_the_install_and_restores_it(tmp_path: Path, before: int | None) -> None:
    reg = FakeRegistry(before)
    app = FakeExcel(False, reg)
    report = install(app, tmp_path / "XLSTART", reg, allow_vba_access=True, lang="en")
    assert report.compiled_by_excel and report.self_test_ok
    assert reg.writes == [("AccessVBOM", 1), ("AccessVBOM", before)]
    assert reg.get(vbom_key(app), "AccessVBOM") == before


def test_consent_retries_in_a_fresh_excel_that_reads_the_new_setting(tmp_path: Path) -> None:
    reg = FakeRegistry()
    app = FakeExcel(False, reg, setting=None)  # read the setting when it started: still off
    fresh: list[FakeExcel] = []

    def relaunch() -> FakeExcel:
        fresh.append(FakeExcel(False, reg, setting=None))
        return fresh[-1]

    report = install(app, tmp_path / "XLSTART", reg, allow_vba_access=True, lang="en", relaunch=relaunch)
    assert report.compiled_by_excel and report.self_test_ok, report.lines
    assert len(fresh) == 1 and fresh[0].quit and not app.quit  # the caller quits its own instance
    assert reg.writes == [("AccessVBOM", 1), ("AccessVBOM", None)]


def test_a_policy_that_keeps_access_off_falls_back_and_says_so(tmp_path: Path) -> None:
    reg = FakeRegistry()
    app = FakeExcel(False, reg, locked=True)
    report = install(app, tmp_path / "XLSTART", reg, allow_vba_access=True, lang="zh",
                     relaunch=lambda: FakeExcel(False, reg, locked=True))
    assert not report.compiled_by_excel and report.path.is_file()  # the prebuilt add-in
    assert "组策略" in report.lines[0] and reg.get(vbom_key(app), "AccessVBOM") is None


def test_an_addin_in_use_says_close_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sheetplan.excel.install as ax

    real = ax.shutil.copyfile

    def locked(src: Any, dst: Any, *a: Any, **k: Any) -> Any:
        if Path(dst).parent.name == "XLSTART":  # the installed copy is open in the planner's Excel
            raise PermissionError(13, "in use", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(ax.shutil, "copyfile", locked)
    report = install(FakeExcel(True, FakeRegistry()), tmp_path / "XLSTART", FakeRegistry(), lang="en")
    assert report.compiled_by_excel and not report.self_test_ok
    assert "close every Excel window" in report.lines[0]


def _probe(tmp_path: Path, **kw: Any) -> Probe:
    xlstart = tmp_path / "XLSTART"
    base = dict(python=str(tmp_path / "py" / "python.exe"), python_bits=64, xlwings_version="0.37.8",
                xlwings_dir=tmp_path / "xlwings", xlstart=xlstart, excel_bits=64, vbom_trusted=True,
                zone_id=None, platform="win32")
    return Probe(**{**base, **kw})


def test_doctor_finds_what_is_wrong_and_says_the_fix(tmp_path: Path) -> None:
    (tmp_path / "py").mkdir()
    (tmp_path / "py" / "python.exe").write_text("")
    (tmp_path / "xlwings").mkdir()
    bad = _probe(tmp_path, excel_bits=32, zone_id=3, vbom_trusted=False)
    xl = bad.xlstart
    xl.mkdir()
    build_addin(xl / ADDIN_NAME, config={"Interpreter_Win": str(tmp_path / "gone" / "pythonw.exe")})
    checks = {c.key: c for c in doctor(bad, "zh")}
    assert checks["dll"].verdict == "fail" and "xlwings32-0.37.8.dll" in checks["dll"].found  # Excel's bitness
    assert checks["motw"].verdict == "fail" and "解除锁定" in checks["motw"].fix
    assert checks["interpreter"].verdict == "fail" and "addin install" in checks["interpreter"].fix
    assert checks["vbom"].verdict == "warn" and "信任中心" in checks["vbom"].fix
    (tmp_path / "py" / "xlwings64-0.37.8.dll").write_text("")  # beside python.exe: a standard install
    build_addin(xl / ADDIN_NAME, config={"Interpreter_Win": str(tmp_path / "py" / "python.exe")})
    good = doctor(_probe(tmp_path), "en")
    assert all(c.verdict == "ok" for c in good), render(good, "en")
    assert render(good, "en")[0].startswith("✓ Python")


def test_doctor_takes_32_bit_excel_with_64_bit_python_and_the_dll_in_a_venvs_root(tmp_path: Path) -> None:
    """xlwings runs Python out of process and loads the DLL of Excel's bitness from the add-in's
    interpreter's folder, then the folder above it: pip puts it into the venv's root."""
    venv = tmp_path / "venv"
    (venv / "Scripts").mkdir(parents=True)
    (venv / "Scripts" / "pythonw.exe").write_text("")
    (venv / "xlwings64-0.37.8.dll").write_text("")  # pip installs both; here only the wrong one first
    probe = _probe(tmp_path, excel_bits=32, python_bits=64)
    probe.xlstart.mkdir()
    build_addin(probe.xlstart / ADDIN_NAME, config={"Interpreter_Win": str(venv / "Scripts" / "pythonw.exe")})
    checks = {c.key: c for c in doctor(probe, "en")}
    assert checks["dll"].verdict == "fail", checks["dll"]
    assert checks["dll"].found == f"xlwings32-0.37.8.dll not in {venv / 'Scripts'} or {venv}"
    (venv / "xlwings32-0.37.8.dll").write_text("")
    checks = {c.key: c for c in doctor(probe, "en")}
    assert checks["dll"].verdict == "ok" and checks["dll"].found == str(venv / "xlwings32-0.37.8.dll")
    assert checks["bits"].verdict == "ok" and "Excel 32-bit, Python 64-bit (fine:" in checks["bits"].found


@pytest.mark.parametrize(("policy", "verdict"), [(0, "warn"), (1, "ok")])
def test_doctor_reads_the_policy_on_vba_project_access(tmp_path: Path, policy: int, verdict: str) -> None:
    checks = {c.key: c for c in doctor(_probe(tmp_path, vbom_trusted=True, vbom_policy=policy), "en")}
    assert "vbom" not in checks  # the Trust Center box does not count under a policy
    got = checks["vbom_policy"]
    assert got.verdict == verdict
    assert got.found.startswith(r"HKCU\Software\Policies\Microsoft\Office\16.0\Excel\Security\AccessVBOM")
    assert ("--allow-vba-access cannot change that" in got.fix) == (policy == 0)
    zh = {c.key: c for c in doctor(_probe(tmp_path, vbom_policy=0), "zh")}["vbom_policy"]
    assert "组策略锁定" in zh.fix


def test_asr_state_of_the_office_child_process_rule() -> None:
    rule = ASR_OFFICE_CHILD_PROCESSES
    assert asr_state(None, [rule.lower(), "x"], [1, 0]) == "block"  # MSFT_MpPreference: Defender's view
    assert asr_state({"{" + rule + "}": "1"}, [rule], [2]) == "audit"  # Defender's view wins
    assert asr_state({rule: "6"}, None, None) == "warn"  # Group Policy, REG_SZ
    assert asr_state({"other": "1"}, None, None) == "off" and asr_state(None, [], []) == "off"
    assert asr_state({rule: "5"}, None, None) == "off"  # not configured
    assert asr_state(None, None, None) is None  # neither could be read: no check


@pytest.mark.parametrize(("state", "verdict"), [("block", "fail"), ("warn", "warn"), ("audit", "ok"), ("off", "ok")])
def test_doctor_reports_the_office_child_process_rule(tmp_path: Path, state: str, verdict: str) -> None:
    checks = {c.key: c for c in doctor(_probe(tmp_path, asr_office_children=state), "en")}
    got = checks["asr"]
    assert got.verdict == verdict and ASR_OFFICE_CHILD_PROCESSES in got.found
    if state == "block":  # the fix names the rule and the Python to exclude
        assert "Audit" in got.fix and str(tmp_path / "py" / "python.exe") in got.fix
    if state == "warn":
        assert "choose Allow" in got.fix
    assert "asr" not in {c.key for c in doctor(_probe(tmp_path), "en")}  # unknown: not shown


def test_doctor_off_windows_says_where_to_run_it(tmp_path: Path) -> None:
    checks = doctor(_probe(tmp_path, platform="linux", excel_bits=None, vbom_trusted=None), "en")
    assert checks[0].key == "platform" and "Excel for Windows" in checks[0].fix


def test_module_sources_are_ascii_whatever_the_code_page() -> None:
    """A byte above 127 reads differently in code page 936 (Chinese Windows): refused, with the fix."""
    assert all(m.code.isascii() for m in vba_modules())
    with pytest.raises(ValueError, match=r"line 2: 'é' is not ASCII; write it as ChrW\(233\)"):
        VbaModule("M", "module", 'Attribute VB_Name = "M"\nMsgBox "café"').encoded()
