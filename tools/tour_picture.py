"""Redraw docs/img/roster.png, the front page's picture: the example's customer-service roster
(排班-客服部) as LibreOffice prints it. Run from the repository root after the roster's looks change:

    python tools/tour_picture.py

Builds the bundled example (`sheetplan demo`), converts the department workbook to PDF through
tests/lo.py (the tests' own LibreOffice profile) and renders the roster's first page with
pdftoppm at 80 dpi (about 200 KB).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

WORKBOOK = "示例计划-客服部.xlsx"
TITLE = "客服部 · 值班表"  # the roster sheet's printed title
DPI = 80


def main() -> int:
    root = Path.cwd()
    sys.path.insert(0, str(root / "tests"))
    import lo  # tests/lo.py

    target = root / "docs" / "img" / "roster.png"
    with tempfile.TemporaryDirectory(prefix="sheetplan-tour-") as tmp:
        out = Path(tmp)
        subprocess.run([sys.executable, "-m", "sheetplan", "demo", "-o", str(out / "demo")], check=True,
                       capture_output=True)
        pdf = lo.convert(out / "demo" / WORKBOOK, "pdf", out / "pdf")
        pages = int(next(line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")))
        page = next((p for p in range(1, pages + 1) if TITLE in subprocess.run(
            ["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], check=True, capture_output=True,
            text=True).stdout), None)
        if page is None:
            print(f"no page titled {TITLE} in {WORKBOOK}", file=sys.stderr)
            return 1
        subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(DPI), "-png", "-singlefile",
                        str(pdf), str(out / "roster")], check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((out / "roster.png").read_bytes())
    print(f"{target}: page {page}, {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
