"""Insert Function help and message boxes in Chinese and English, the same under code pages
936 and 1252 (issue 12 item 5)."""

from __future__ import annotations

import re

import pytest

from sheetplan.excel import addin
from sheetplan.excel.texts import UDF_HELP_ZH, VBA_TEXTS
from sheetplan.excel.vba.offline_xlwings import offline_xlwings


def vba_value(expressions: list[str]) -> str:
    """What VBA makes of ``"…"`` and ``SheetPlanW("hex")`` pieces joined with ``&``."""
    out = ""
    for expr in expressions:
        if m := re.fullmatch(r'SheetPlanW\("([0-9A-F]*)"\)', expr):
            out += bytes.fromhex(m.group(1)).decode("utf-16-be")
        else:
            assert expr.startswith('"') and expr.endswith('"'), expr
            out += expr[1:-1].replace('""', '"')
    return out


def assigned(lines: list[str], var: str) -> str:
    """The value ``var`` ends with after ``var = x`` / ``var = var & y`` lines."""
    pieces: list[str] = []
    for line in lines:
        m = re.fullmatch(rf"\s*{re.escape(var)} = (?:{re.escape(var)} & )?(.*)", line)
        if m:
            if not line.strip().startswith(f"{var} = {var} & "):
                pieces = []
            pieces.append(m.group(1))
    return vba_value(pieces)


@pytest.fixture(scope="module")
def infos() -> dict[str, dict]:
    with offline_xlwings() as xl:
        udfs = xl.load_module("sheetplan.excel.udfs")
        return {n: getattr(udfs, n).__xlfunc__ for n in udfs.__all__}


def test_every_function_and_argument_has_chinese_help(infos: dict[str, dict]) -> None:
    assert sorted(UDF_HELP_ZH) == sorted(infos)
    for name, (desc, args) in UDF_HELP_ZH.items():
        assert list(args) == [a["name"] for a in infos[name]["args"]], name
        for text in (desc, *args.values()):
            assert re.search(r"[\u4e00-\u9fff]", text) and len(text) <= 255, (name, text)


def test_help_module_is_ascii_and_reads_the_same_under_936_and_1252() -> None:
    raw = addin.help_module().encoded()
    assert raw.isascii() and raw.decode("cp936") == raw.decode("cp1252")
    assert max(len(line) for line in raw.split(b"\r\n")) < 1023  # VBA's line limit


def test_insert_function_help_in_both_languages(infos: dict[str, dict]) -> None:
    text = addin.help_module().code
    register = text[text.index("Sub RegisterSheetPlanFunctions"):]
    register = register[: register.index("End Sub")]
    assert sorted(re.findall(r"^    Register(SP_\w+) zh$", register, re.M)) == sorted(infos)
    blocks = re.findall(r"^Private Sub Register(SP_\w+)\(zh As Boolean\)\n(.*?)^End Sub", text, re.S | re.M)
    assert sorted(b[0] for b in blocks) == sorted(infos)
    for name, body in blocks:
        assert "On Error Resume Next" in body and f"'!{name}\", Description:=d" in body
        zh, _, en = body.partition("    Else\n")
        zh_lines, en_lines = zh.splitlines(), en.splitlines()
        desc, args = UDF_HELP_ZH[name]
        assert assigned(zh_lines, "d") == desc
        assert assigned(en_lines, "d") == " ".join(infos[name]["ret"]["doc"].split())
        for i, arg in enumerate(infos[name]["args"]):
            assert assigned(zh_lines, f"args({i})") == args[arg["name"]]
            assert assigned(en_lines, f"args({i})") == arg["doc"]


def test_message_texts_in_both_languages() -> None:
    text = addin.help_module().code
    for key, (zh, en) in VBA_TEXTS.items():
        block = text[text.index(f'        Case "{key}"\n'):]
        block = block[: block.index("            End If")]
        zh_part, _, en_part = block.partition("            Else\n")
        assert assigned(zh_part.splitlines(), "SheetPlanText") == zh
        assert assigned(en_part.splitlines(), "SheetPlanText") == en


def test_every_text_the_ribbon_macros_ask_for_exists() -> None:
    source = (addin.MACROS_DIR / "SheetPlanRibbon.bas").read_text(encoding="utf-8")
    asked = set(re.findall(r'SheetPlanText\("(\w+)"\)', source))
    assert asked and asked <= set(VBA_TEXTS)


def test_ribbon_callbacks_never_reach_the_debugger() -> None:
    """Every public Sub of the ribbon module handles its errors (or only calls one that does)."""
    source = (addin.MACROS_DIR / "SheetPlanRibbon.bas").read_text(encoding="utf-8")
    for name, body in re.findall(r"^Sub (\w+)\(control As IRibbonControl\)\n(.*?)^End Sub", source, re.S | re.M):
        calls_guarded = all(line.strip().startswith("SheetPlanRun ") for line in body.strip().splitlines())
        assert "On Error GoTo failed" in body or calls_guarded, name
    run = source[source.index("Private Sub SheetPlanRun"):]
    assert "On Error GoTo failed" in run[: run.index("End Sub")]
