"""``sheetplan addin doctor``: what a planner runs when the add-in does not work. Each check says
what it found and, when something is wrong, the fix — in Chinese or English.

Checks: this Python and its path; xlwings' version and its DLL beside it (xlwings32/64-<version>
.dll); where the add-in is installed (XLSTART); a downloaded add-in blocked by Windows (the Mark
of the Web: a ``Zone.Identifier`` stream with ZoneId 3); whether Excel allows access to the VBA
project object model (needed only to let Excel compile the add-in); the interpreter path on the
add-in's ``sheetplan.conf`` sheet (it must exist); Python's and Excel's bitness (32/64) matching.

Everything the checks look at comes from a :class:`Probe`, so they are tested with stand-ins.
"""

from __future__ import annotations

import os
import struct
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sheetplan.addin import ADDIN_NAME, PROJECT_NAME

Verdict = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    key: str
    verdict: Verdict
    found: str
    fix: str = ""


@dataclass
class Probe:
    """The facts the doctor checks (the real machine's by default: :func:`this_machine`)."""

    python: str
    python_bits: int
    xlwings_version: str | None
    xlwings_dir: Path | None
    xlstart: Path | None
    excel_bits: int | None  # None: unknown (no Excel found)
    vbom_trusted: bool | None  # None: unknown
    zone_id: int | None = None  # Mark of the Web of the installed add-in (3 = Internet)
    platform: str = sys.platform


TEXT = {
    "python": ("Python", "Python"),
    "xlwings": ("xlwings", "xlwings"),
    "dll": ("xlwings DLL", "xlwings DLL"),
    "installed": ("加载项位置", "Add-in location"),
    "motw": ("下载来源锁定（网络标记）", "Blocked download (Mark of the Web)"),
    "vbom": ("VBA 工程对象模型访问", "VBA project object model access"),
    "interpreter": ("加载项中的 Python 路径", "Python path in the add-in"),
    "bits": ("32/64 位", "32/64-bit"),
    "platform": ("系统", "System"),
}
FIX = {
    "xlwings": ("pip install xlwings（随 sheetplan 安装）", "pip install xlwings (comes with sheetplan)"),
    "dll": ("重新安装 xlwings：pip install --force-reinstall xlwings", "reinstall xlwings: pip install --force-reinstall xlwings"),
    "installed": ("运行 sheetplan addin install", "run sheetplan addin install"),
    "motw": ("右键加载项文件 → 属性 → 勾选「解除锁定」→ 确定；或放到受信任位置", "right-click the add-in file › Properties › tick Unblock › OK; or put it in a trusted location"),
    "vbom": ("文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置 → 勾选「信任对 VBA 工程对象模型的访问」；或 sheetplan addin install --allow-vba-access", "File › Options › Trust Center › Trust Center Settings › Macro Settings › Trust access to the VBA project object model; or sheetplan addin install --allow-vba-access"),
    "interpreter": ("运行 sheetplan addin install 重新写入本机 Python 路径", "run sheetplan addin install to write this Python's path again"),
    "bits": ("安装与 Excel 位数相同的 Python（64 位 Office 用 64 位 Python）", "install a Python of Excel's bitness (64-bit Office needs 64-bit Python)"),
    "platform": ("SheetPlan 加载项只在 Windows 版 Excel 中运行；在 Windows 电脑上运行本命令", "the SheetPlan add-in runs in Excel for Windows: run this on that PC"),
}


def this_machine() -> Probe:
    """The facts of the machine this runs on (Windows-only facts are None elsewhere)."""
    try:
        import xlwings

        version, folder = xlwings.__version__, Path(xlwings.__file__).parent
    except ImportError:
        version, folder = None, None
    appdata = os.environ.get("APPDATA")
    xlstart = Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None
    zone = None
    if sys.platform == "win32" and xlstart is not None:
        zone = _zone_id(xlstart / ADDIN_NAME)
    excel_bits, trusted = _excel_facts() if sys.platform == "win32" else (None, None)
    return Probe(sys.executable, struct.calcsize("P") * 8, version, folder, xlstart, excel_bits, trusted, zone)


def _zone_id(path: Path) -> int | None:
    try:
        text = Path(f"{path}:Zone.Identifier").read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.strip().lower().startswith("zoneid="):
            return int(line.split("=", 1)[1].strip() or 0)
    return None


def _excel_facts() -> tuple[int | None, bool | None]:  # pragma: no cover - Windows only
    from .addin_excel import WinRegistry

    reg = WinRegistry()
    bits = None
    for key in (r"Software\Microsoft\Office\ClickToRun\Configuration",):
        try:
            import winreg  # type: ignore[import-not-found]

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key) as k:
                platform = winreg.QueryValueEx(k, "Platform")[0]
                bits = 64 if "64" in platform else 32
        except OSError:
            pass
    trusted = None
    for version in ("16.0", "15.0", "14.0"):
        value = reg.get(rf"Software\Microsoft\Office\{version}\Excel\Security", "AccessVBOM")
        if value is not None:
            trusted = bool(value)
            break
    return bits, trusted


def configured_interpreter(addin: Path) -> str | None:
    """The Interpreter_Win value on the add-in's active ``sheetplan.conf`` sheet (None: not set)."""
    try:
        with zipfile.ZipFile(addin) as z:
            workbook = z.read("xl/workbook.xml").decode()
            if f'name="{PROJECT_NAME}.conf"' not in workbook:
                return None
            strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    import re

    texts = re.findall(r"<t[^>]*>([^<]*)</t>", strings)
    if "Interpreter_Win" in texts:
        k = texts.index("Interpreter_Win")
        return texts[k + 1] if k + 1 < len(texts) else None
    return None


def doctor(probe: Probe, lang: str = "zh") -> list[Check]:
    zh = lang == "zh"
    out: list[Check] = []

    def add(key: str, verdict: Verdict, found: str) -> None:
        out.append(Check(key, verdict, found, "" if verdict == "ok" else FIX.get(key, ("", ""))[not zh]))

    if probe.platform != "win32":
        add("platform", "warn", f"{probe.platform}")
    add("python", "ok", f"{probe.python} ({probe.python_bits}-bit)")
    if probe.xlwings_version is None:
        add("xlwings", "fail", "未安装" if zh else "not installed")
    else:
        add("xlwings", "ok", probe.xlwings_version)
        dll = f"xlwings{probe.python_bits}-{probe.xlwings_version}.dll"
        places = [Path(probe.python).parent, probe.xlwings_dir] if probe.xlwings_dir else [Path(probe.python).parent]
        found = next((p / dll for p in places if p is not None and (p / dll).is_file()), None)
        if probe.platform == "win32":
            add("dll", "ok" if found else "fail", str(found) if found else (f"找不到 {dll}" if zh else f"{dll} not found"))
    addin = probe.xlstart / ADDIN_NAME if probe.xlstart else None
    if addin is None or not addin.is_file():
        add("installed", "fail" if probe.platform == "win32" else "warn",
            (f"{addin} 不存在" if zh else f"{addin} does not exist") if addin else ("找不到 XLSTART" if zh else "no XLSTART folder"))
    else:
        add("installed", "ok", str(addin))
        if probe.zone_id is not None and probe.zone_id >= 3:
            add("motw", "fail", f"ZoneId={probe.zone_id}")
        elif probe.platform == "win32":
            add("motw", "ok", "—")
        interpreter = configured_interpreter(addin)
        if interpreter is None:
            add("interpreter", "warn", "未设置（将用 ~/.sheetplan/sheetplan.conf 或默认 python）" if zh
                else "not set (~/.sheetplan/sheetplan.conf or the default python is used)")
        elif not Path(interpreter).is_file():
            add("interpreter", "fail", f"{interpreter} 不存在" if zh else f"{interpreter} does not exist")
        else:
            add("interpreter", "ok", interpreter)
    if probe.vbom_trusted is not None:
        add("vbom", "ok" if probe.vbom_trusted else "warn",
            ("已允许" if probe.vbom_trusted else "未允许（Excel 编译加载项时需要）") if zh
            else ("allowed" if probe.vbom_trusted else "not allowed (needed to let Excel compile the add-in)"))
    if probe.excel_bits is not None:
        same = probe.excel_bits == probe.python_bits
        add("bits", "ok" if same else "fail", f"Excel {probe.excel_bits}-bit, Python {probe.python_bits}-bit")
    return out


def render(checks: list[Check], lang: str = "zh") -> list[str]:
    mark = {"ok": "✓", "warn": "!", "fail": "✗"}
    lines = []
    for c in checks:
        name = TEXT[c.key][lang != "zh"]
        lines.append(f"{mark[c.verdict]} {name}: {c.found}")
        if c.fix:
            lines.append(("    修复：" if lang == "zh" else "    fix: ") + c.fix)
    return lines


__all__ = ["Check", "Probe", "configured_interpreter", "doctor", "render", "this_machine"]
