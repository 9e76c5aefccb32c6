"""LibreOffice as a real spreadsheet engine for tests: recalculate, and render to PNG.

Uses a dedicated profile whose OOXMLRecalcMode is 0 (always recalculate on load): by default
LibreOffice trusts the cached values in files written by xlsxwriter, which would make a
recalculation test pass for any cached value. Missing LibreOffice is a failure, not a skip.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PROFILE = Path(tempfile.gettempdir()) / "sheetplan-lo-profile"
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice (soffice) is not installed: run `make system-deps` (tools/system-deps.sh)")
    return exe


def _profile() -> str:
    user = PROFILE / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    return PROFILE.as_uri()


def convert(src: Path, fmt: str, out_dir: Path, timeout: int = 180) -> Path:
    """`soffice --convert-to fmt`; returns the converted file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        soffice(),
        f"-env:UserInstallation={_profile()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(out_dir),
        str(src),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    out = out_dir / (src.stem + "." + fmt.split(":")[0])
    if res.returncode != 0 or not out.exists():
        raise RuntimeError(f"LibreOffice failed on {src.name}: {res.stdout} {res.stderr}")
    return out


def recalculated(src: Path, out_dir: Path) -> Path:
    """A copy of `src` as LibreOffice recalculated and saved it."""
    return convert(src, "xlsx:Calc MS Excel 2007 XML", out_dir)


def render_png(src: Path, out_dir: Path, dpi: int = 70) -> list[Path]:
    """Every printed page of every sheet as PNG (through PDF, as a user would print)."""
    pdf = convert(src, "pdf", out_dir)
    prefix = out_dir / src.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=180)
    return sorted(out_dir.glob(f"{src.stem}*.png"))
