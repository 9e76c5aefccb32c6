"""Every bad plan through `sheetplan build` as a subprocess: exit 2, one clear message naming the
sheet and cell (or the file), no traceback, nothing written, nothing left behind, input untouched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from .conftest import Run
from .corpus import CANARY, MAKERS, Case


def test_corpus_is_big_enough(corpus: list[Case]) -> None:
    assert len(corpus) >= 30
    assert {c.path.suffix for c in corpus} >= {".xlsx", ".xls", ".csv"}


@pytest.mark.parametrize("name", list(MAKERS))
def test_bad_plan_gives_a_clear_message(cli_runs: dict[str, Run], name: str) -> None:
    run = cli_runs[name]
    assert run.returncode is not None, f"hung: killed after the guard; stderr so far: {run.stderr[-500:]}"
    assert run.returncode == 2, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert any(line.startswith(f"{run.case.where}: ") and run.case.text in line for line in lines), lines
    assert all(len(line) < 400 for line in lines), "one short line per problem"


@pytest.mark.parametrize("name", list(MAKERS))
def test_bad_plan_writes_nothing(cli_runs: dict[str, Run], name: str) -> None:
    run = cli_runs[name]
    assert run.out_files == [], "the output folder must stay empty (or absent)"
    assert run.folder_after == run.folder_before, "no temporary files beside the input"
    assert run.input_after == run.input_before, "the input is never modified"


@pytest.mark.parametrize("name", [n for n in MAKERS if "xxe" in n])
def test_external_entities_are_never_read(cli_runs: dict[str, Run], name: str) -> None:
    run = cli_runs[name]
    assert CANARY not in run.stdout + run.stderr


def test_openpyxl_parses_with_defusedxml_or_a_safe_lxml_parser(tmp_path: Path) -> None:
    """What makes the XML cases safe: sheets and shared strings go through defusedxml's iterparse,
    the package parts through openpyxl's fromstring (lxml without entity resolution, or defusedxml)."""
    import defusedxml.ElementTree
    from openpyxl.reader import strings
    from openpyxl.worksheet import _reader
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse is defusedxml.ElementTree.iterparse
    assert strings.iterparse is defusedxml.ElementTree.iterparse
    assert _reader.iterparse is defusedxml.ElementTree.iterparse
    secret = tmp_path / "secret.txt"
    secret.write_text(CANARY, encoding="utf-8")
    doc = f'<!DOCTYPE a [<!ENTITY e SYSTEM "{secret.as_uri()}">]><a>&e;</a>'
    try:
        node = functions.fromstring(doc.encode())
    except Exception:  # refusing is as good as not resolving
        return
    assert CANARY not in "".join(node.itertext())
