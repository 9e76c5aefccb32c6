"""Run by LibreOffice's Python (python3-uno): open an add-in, list its VBA, run one Sub.

Usage: python3 lo_vba.py ADDIN.xlam PROFILE_URL. Prints one JSON object. Started by
test_libreoffice.py in the system Python, because python3-uno is built for that one.
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

#: xlwings' own errors as its VBA module and its DLL word them: the cause first, details after.
XLWINGS_ERRORS = (
    "Could not load xlwings64-0.37.8.dll from either of the following folders: \r\nC:\\venv\\Scripts"
    "\r\n, C:\\venv",
    "Could not create Python process.\nError message: Access is denied.\r\n\nCommand: \"C:\\venv\\Scripts\\"
    "pythonw.exe\" -B -c \"import xlwings.server\"\nWorking Dir: C:\\venv\\Scripts",
    "Could not create Python process.\nError message: The system cannot find the file specified.\r\n\n"
    "Command: \"C:\\gone\\pythonw.exe\"\nWorking Dir: ",
    "Could not create Python process.\nError message: \u62d2\u7edd\u8bbf\u95ee\u3002\r\n\nCommand: x",  # zh
)


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    path, profile = sys.argv[1], sys.argv[2]
    pipe = f"sheetplan_lo_{os.getpid()}"
    office = subprocess.Popen([
        "soffice", f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
        "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (
            prop("FilterName", "Calc MS Excel 2007 VBA XML"),
            prop("Hidden", True),
            prop("MacroExecutionMode", 4),  # ALWAYS_EXECUTE_NO_WARN
        ))
        if doc is None:
            raise SystemExit("LibreOffice could not open the add-in")
        libs = doc.BasicLibraries
        # LibreOffice imports an Excel file's VBA as a Basic library named after the project.
        found = [n for n in libs.getElementNames()
                 if n != "Standard" and libs.getByName(n).hasByName("SheetPlanRibbon")]
        lib = libs.getByName(found[0]) if found else None
        modules = {name: lib.getByName(name) for name in lib.getElementNames()} if lib else {}
        sheet = doc.Sheets.getByIndex(0)
        library = found[0] if found else "VBAProject"
        url = "vnd.sun.star.script:" + library + ".SheetPlanRibbon.{}?language=Basic&location=document"
        provider = doc.getScriptProvider()
        # A library that fails to compile runs nothing and raises nothing: read the effects.
        provider.getScript(url.format("SheetPlanSelfTest")).invoke((), (), ())
        version = provider.getScript(url.format("SheetPlanVersion")).invoke((), (), ())[0]
        help_url = url.replace(".SheetPlanRibbon.", ".SheetPlanHelp.")
        decoded = text = arrays = error = errors = None
        if "SheetPlanHelp" in modules:  # the generated help module's decoder and texts, run by Basic
            decoded = provider.getScript(help_url.format("SheetPlanW")).invoke(("4E2D6587FF0C0041",), (), ())[0]
            text = provider.getScript(help_url.format("SheetPlanText")).invoke(("open_plan_first",), (), ())[0]
            arrays = provider.getScript(help_url.format("SheetPlanHasDynamicArrays")).invoke((), (), ())[0]
            traceback = "Traceback (most recent call last):\r\n  File \"x.py\", line 1\r\nImportError: no sheetplan\r\n"
            error = provider.getScript(help_url.format("SheetPlanError")).invoke((traceback,), (), ())[0]
            errors = [provider.getScript(help_url.format("SheetPlanError")).invoke((d,), (), ())[0]
                      for d in XLWINGS_ERRORS]
        out = {
            "sheets": list(doc.Sheets.getElementNames()),
            "modules": modules,
            "d1": sheet.getCellRangeByName("D1").getString(),
            "a1": sheet.getCellRangeByName("A1").getString(),
            "version": version,
            "library": found[0] if found else None,
            "decoded": decoded,
            "text": text,
            "dynamic_arrays": arrays,
            "error": error,
            "errors": errors,
        }
        doc.close(True)
        print(json.dumps(out))
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


main()
