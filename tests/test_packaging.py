"""pyproject lists packages by hand (addin/ and macros/ are mapped in): keep it complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_packaged() -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src" / "sheetplan").rglob("__init__.py")
    }
    assert found <= set(cfg["packages"]), found - set(cfg["packages"])
    assert (ROOT / "addin" / "ribbon.xml").exists() and list((ROOT / "macros").glob("*.bas"))
