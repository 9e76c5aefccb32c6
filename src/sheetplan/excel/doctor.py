"""``sheetplan addin doctor``: what a planner runs when the add-in does not work. Each check says
what it found and, when something is wrong, the fix — in Chinese or English.

Checks: this Python and its path; xlwings' version and its DLL where xlwings' VBA loads it from
(``XLPyLoadDLL``: the add-in's interpreter's folder, then the folder above it — a venv's root,
where pip puts it; the DLL of **Excel's** bitness, xlwings32/64-<version>.dll); where the add-in
is installed (XLSTART); a downloaded add-in blocked by Windows (the Mark of the Web: a
``Zone.Identifier`` stream with ZoneId 3); whether Excel allows access to the VBA project object
model (needed only to let Excel compile the add-in) and whether a policy decides it; the
interpreter path on the add-in's ``sheetplan.conf`` sheet (it must exist); the Defender
attack-surface-reduction rule that stops Office starting child processes (it stops Excel starting
Python); Excel's and Python's bitness, for information — xlwings runs Python in its own process,
so any mix works.

Everything the checks look at comes from a :class:`Probe`, so they are tested with stand-ins.
"""

from __future__ import annotations

import os
import struct
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sheetplan.excel.addin import ADDIN_NAME, PROJECT_NAME

Verdict = Literal["ok", "warn", "fail"]
AsrState = Literal["off", "block", "audit", "warn"]

#: Defender ASR rule "Block all Office applications from creating child processes": it stops
#: Excel (xlwings' DLL) starting Python; cells then say "Could not create Python process … denied".
ASR_OFFICE_CHILD_PROCESSES = "D4F940AB-401B-4EFC-AADC-AD5F3C50688A"
#: Rule actions as Group Policy and MSFT_MpPreference give them (5: not configured).
ASR_ACTIONS: dict[int, AsrState] = {0: "off", 1: "block", 2: "audit", 5: "off", 6: "warn"}
#: Where Group Policy (and MDM) put the rules (HKLM); the values are REG_SZ "0"/"1"/"2"/"6".
ASR_POLICY_KEY = r"SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR"
#: Excel's VBA-project-access policy (HKCU); it overrides the Trust Center box and --allow-vba-access.
VBOM_POLICY_KEY = r"Software\Policies\Microsoft\Office\{version}\Excel\Security"


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
    vbom_policy: int | None = None  # AccessVBOM set by policy (None: no policy)
    asr_office_children: AsrState | None = None  # None: could not be read


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
    "vbom_policy": ("VBA 工程对象模型访问的组策略", "Policy on VBA project object model access"),
    "asr": ("Defender 规则：阻止 Office 创建子进程", "Defender rule: Office child processes"),
}
FIX = {
    "xlwings": ("pip install xlwings（随 sheetplan 安装）", "pip install xlwings (comes with sheetplan)"),
    "dll": ("用加载项所用的 Python 重新安装 xlwings：pip install --force-reinstall xlwings（DLL 装在该 Python 或 venv 的根目录），再运行 sheetplan addin install",
            "reinstall xlwings with the add-in's Python: pip install --force-reinstall xlwings (the DLL goes into that Python's or venv's root folder), then run sheetplan addin install"),
    "installed": ("运行 sheetplan addin install", "run sheetplan addin install"),
    "motw": ("右键加载项文件 → 属性 → 勾选「解除锁定」→ 确定；或放到受信任位置", "right-click the add-in file › Properties › tick Unblock › OK; or put it in a trusted location"),
    "vbom": ("文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置 → 勾选「信任对 VBA 工程对象模型的访问」；或 sheetplan addin install --allow-vba-access", "File › Options › Trust Center › Trust Center Settings › Macro Settings › Trust access to the VBA project object model; or sheetplan addin install --allow-vba-access"),
    "interpreter": ("运行 sheetplan addin install 重新写入本机 Python 路径", "run sheetplan addin install to write this Python's path again"),
    "vbom_policy": ("组策略锁定为不允许，--allow-vba-access 也无法改变：安装会改用预编译的加载项并自检。如需由 Excel 编译，请 IT 允许「信任对 VBA 工程对象模型的访问」",
                    "a policy keeps it off and --allow-vba-access cannot change that: the install uses the prebuilt add-in and self-tests it. For an Excel-compiled add-in, ask IT to allow 'Trust access to the VBA project object model'"),
    "asr_warn": ("Excel 第一次启动 Python 时 Windows 会弹出通知：选择「允许」（或请 IT 为 {python} 添加该规则的排除项）",
                 "the first time Excel starts Python, Windows shows a notification: choose Allow (or ask IT to exclude {python} from the rule)"),
    "asr": ("Excel 不能启动 Python（单元格显示 Access is denied / 拒绝访问）。请 IT 为本机把规则 D4F940AB-401B-4EFC-AADC-AD5F3C50688A 设为「审核」，或为 {python} 添加该规则的排除项（组策略：Microsoft Defender 防病毒 → Microsoft Defender 攻击防护 → 攻击面减少；或 Intune）",
            "Excel cannot start Python (cells say Access is denied). Ask IT to set rule D4F940AB-401B-4EFC-AADC-AD5F3C50688A to Audit on this PC, or to exclude {python} from it (Group Policy: Microsoft Defender Antivirus › Microsoft Defender Exploit Guard › Attack Surface Reduction; or Intune)"),
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
    excel_bits, trusted, policy, asr = _excel_facts() if sys.platform == "win32" else (None, None, None, None)
    return Probe(sys.executable, struct.calcsize("P") * 8, version, folder, xlstart, excel_bits, trusted, zone,
                 vbom_policy=policy, asr_office_children=asr)


def asr_state(policy: Mapping[str, Any] | None, ids: Sequence[str] | None,
              actions: Sequence[int] | None) -> AsrState | None:
    """The Office child-process rule's state. Defender's own view (``MSFT_MpPreference``:
    parallel ``AttackSurfaceReductionRules_Ids``/``_Actions``) wins when it could be read; else the
    Group Policy values (rule GUID → "1"/"2"/…); None when neither could be read."""
    def action(value: Any) -> AsrState:
        try:
            return ASR_ACTIONS.get(int(str(value).strip()), "off")
        except ValueError:
            return "off"

    if ids is not None:
        for rule, act in zip(ids, actions or (), strict=False):
            if str(rule).strip("{} ").upper() == ASR_OFFICE_CHILD_PROCESSES:
                return action(act)
        return "off"
    if policy is not None:
        for rule, value in policy.items():
            if rule.strip("{} ").upper() == ASR_OFFICE_CHILD_PROCESSES:
                return action(value)
        return "off"
    return None


def _zone_id(path: Path) -> int | None:
    try:
        text = Path(f"{path}:Zone.Identifier").read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.strip().lower().startswith("zoneid="):
            return int(line.split("=", 1)[1].strip() or 0)
    return None


def _asr_from_windows() -> AsrState | None:  # pragma: no cover - Windows only
    """Defender's view through WMI (pywin32, with xlwings), else the Group Policy values."""
    ids = actions = None
    try:
        import win32com.client  # type: ignore[import-not-found]

        wmi = win32com.client.GetObject(r"winmgmts:\\.\root\Microsoft\Windows\Defender")
        for pref in wmi.ExecQuery("SELECT * FROM MSFT_MpPreference"):
            ids = list(pref.AttackSurfaceReductionRules_Ids or ())
            actions = [int(a) for a in (pref.AttackSurfaceReductionRules_Actions or ())]
    except Exception:  # no Defender (another antivirus), WMI refused: fall back to the policy
        ids = actions = None
    policy: dict[str, Any] | None = None
    try:
        import winreg  # type: ignore[import-not-found]

        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, ASR_POLICY_KEY) as k:
            enabled = winreg.QueryValueEx(k, "ExploitGuard_ASR_Rules")[0]
        policy = {}
        if enabled:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, ASR_POLICY_KEY + r"\Rules") as k:
                for i in range(winreg.QueryInfoKey(k)[1]):
                    name, value, _ = winreg.EnumValue(k, i)
                    policy[name] = value
    except OSError:
        pass
    return asr_state(policy, ids, actions)


def _excel_facts() -> tuple[int | None, bool | None, int | None, AsrState | None]:  # pragma: no cover
    from .install import WinRegistry

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
    trusted = policy = None
    for version in ("16.0", "15.0", "14.0"):
        value = reg.get(rf"Software\Microsoft\Office\{version}\Excel\Security", "AccessVBOM")
        if value is not None:
            trusted = bool(value)
            break
    for version in ("16.0", "15.0", "14.0"):
        policy = reg.get(VBOM_POLICY_KEY.format(version=version), "AccessVBOM")
        if policy is not None:
            break
    return bits, trusted, policy, _asr_from_windows()


def dll_places(interpreter: str) -> list[Path]:
    """Where xlwings' VBA loads its DLL from (``XLPyLoadDLL``): the interpreter's folder (a standard
    install), then the folder above it (a venv's root, where pip puts it: ``sys.prefix``)."""
    exe = Path(interpreter)
    return [exe.parent, exe.parent.parent]


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

    addin = probe.xlstart / ADDIN_NAME if probe.xlstart else None
    configured = configured_interpreter(addin) if addin is not None and addin.is_file() else None
    # what the add-in starts; a bare "pythonw" is found on the PATH, so look beside this Python then
    interpreter = configured if configured and ("\\" in configured or "/" in configured) else probe.python

    def add(key: str, verdict: Verdict, found: str, fix_key: str | None = None) -> None:
        fix = "" if verdict == "ok" else FIX.get(fix_key or key, ("", ""))[not zh].format(python=interpreter)
        out.append(Check(key, verdict, found, fix))

    if probe.platform != "win32":
        add("platform", "warn", f"{probe.platform}")
    add("python", "ok", f"{probe.python} ({probe.python_bits}-bit)")
    if probe.xlwings_version is None:
        add("xlwings", "fail", "未安装" if zh else "not installed")
    else:
        add("xlwings", "ok", probe.xlwings_version)
        # Excel's bitness picks the DLL (xlwings' VBA declares xlwings64 under Win64); unknown: either
        bits = (probe.excel_bits,) if probe.excel_bits else (64, 32)
        names = [f"xlwings{b}-{probe.xlwings_version}.dll" for b in bits]
        places = dll_places(interpreter)
        found = next((p / n for n in names for p in places if (p / n).is_file()), None)
        if probe.platform == "win32":
            where = " / ".join(names) + (" 不在 " if zh else " not in ") + (" 或 " if zh else " or ").join(
                str(p) for p in places)
            add("dll", "ok" if found else "fail", str(found) if found else where)
    if addin is None or not addin.is_file():
        add("installed", "fail" if probe.platform == "win32" else "warn",
            (f"{addin} 不存在" if zh else f"{addin} does not exist") if addin else ("找不到 XLSTART" if zh else "no XLSTART folder"))
    else:
        add("installed", "ok", str(addin))
        if probe.zone_id is not None and probe.zone_id >= 3:
            add("motw", "fail", f"ZoneId={probe.zone_id}")
        elif probe.platform == "win32":
            add("motw", "ok", "—")
        if configured is None:
            add("interpreter", "warn", "未设置（将用 ~/.sheetplan/sheetplan.conf 或默认 python）" if zh
                else "not set (~/.sheetplan/sheetplan.conf or the default python is used)")
        elif not Path(configured).is_file():
            add("interpreter", "fail", f"{configured} 不存在" if zh else f"{configured} does not exist")
        else:
            add("interpreter", "ok", configured)
    if probe.vbom_policy is not None:  # a policy decides; the Trust Center box does not count
        key = VBOM_POLICY_KEY.format(version="16.0") + r"\AccessVBOM"
        add("vbom_policy", "ok" if probe.vbom_policy else "warn",
            (f"HKCU\\{key} = {probe.vbom_policy}：" + ("允许" if probe.vbom_policy else "不允许")) if zh
            else f"HKCU\\{key} = {probe.vbom_policy}: " + ("allowed" if probe.vbom_policy else "not allowed"))
    elif probe.vbom_trusted is not None:
        add("vbom", "ok" if probe.vbom_trusted else "warn",
            ("已允许" if probe.vbom_trusted else "未允许（Excel 编译加载项时需要）") if zh
            else ("allowed" if probe.vbom_trusted else "not allowed (needed to let Excel compile the add-in)"))
    if probe.asr_office_children is not None:
        state = probe.asr_office_children
        said = {"off": ("未启用", "off"), "audit": ("仅审核（不阻止）", "audit only (does not block)"),
                "warn": ("警告：Windows 弹出通知时可选择允许", "warn: allow it when Windows shows the notification"),
                "block": ("阻止", "block")}[state][not zh]
        add("asr", {"off": "ok", "audit": "ok", "warn": "warn", "block": "fail"}[state],
            f"{ASR_OFFICE_CHILD_PROCESSES}: {said}", "asr_warn" if state == "warn" else None)
    if probe.excel_bits is not None:  # information: xlwings runs Python out of process
        same = probe.excel_bits == probe.python_bits
        note = "" if same else ("（可以：xlwings 在单独的进程中运行 Python，按 Excel 的位数加载 DLL）" if zh else
                                " (fine: xlwings runs Python in its own process and loads the DLL of Excel's bitness)")
        add("bits", "ok", f"Excel {probe.excel_bits}-bit, Python {probe.python_bits}-bit{note}")
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


__all__ = ["ASR_OFFICE_CHILD_PROCESSES", "Check", "Probe", "asr_state", "configured_interpreter", "dll_places",
           "doctor", "render", "this_machine"]
