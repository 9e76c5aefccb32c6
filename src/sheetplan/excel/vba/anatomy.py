"""Read a ``vbaProject.bin`` back into its MS-OVBA fields, to compare ours with Excel's own.

The add-in's VBA project is built offline (:mod:`sheetplan.excel.vba.project`), and no test here
can run Excel. What we can do is read the project the way the spec lays it out — the
``PROJECT`` text, the ``PROJECTwm`` name map, the ``_VBA_PROJECT`` header, every ``dir``
record, each module's attribute header — and put it field by field beside a file Excel
wrote: the templates inside the installed xlwings package. :func:`flatten` turns a project
into ``{field: value}`` so a test can list every difference and the reason it is allowed.

Parsing leans on olefile (the compound file) and oletools (decompression, module sources);
only the record walk is ours, because neither exposes the dir records one by one.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Any

import olefile
from ms_ovba_crypto import MsOvbaCrypto
from oletools.olevba import decompress_stream

#: dir record ids (MS-OVBA 2.3.4.2) → names; the Unicode twins and reserved ids are folded in.
RECORDS = {
    0x0001: "SYSKIND", 0x004A: "COMPATVERSION", 0x0002: "LCID", 0x0014: "LCIDINVOKE",
    0x0003: "CODEPAGE", 0x0004: "NAME", 0x0005: "DOCSTRING", 0x0006: "HELPFILEPATH",
    0x0007: "HELPCONTEXT", 0x0008: "LIBFLAGS", 0x0009: "VERSION", 0x000C: "CONSTANTS",
}
_REFERENCE_KINDS = {0x000D: "registered", 0x000E: "project", 0x002F: "control", 0x0033: "original"}
_MODULE_FIELDS = {
    0x001A: "stream", 0x001C: "docstring", 0x0031: "offset", 0x001E: "helpcontext", 0x002C: "cookie",
}
_SKIPPED = {0x0040, 0x003D, 0x003C, 0x0030, 0x0032, 0x0047, 0x0048, 0x003E}  # Unicode twins, extended control


@dataclass
class Module:
    """One module's dir record and the attribute lines at the top of its source."""

    name: str
    kind: str = ""  # "procedural" (0x21) or "document/class" (0x22)
    fields: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # READONLY, PRIVATE
    attributes: list[str] = field(default_factory=list)


@dataclass
class Anatomy:
    """A VBA project's MS-OVBA fields (see :func:`read_project`)."""

    streams: list[str]
    vba_project: dict[str, int]
    project: list[tuple[str, str]]
    protection: dict[str, bytes]
    host_extenders: list[str]
    workspace: dict[str, str]
    projectwm: list[tuple[str, str]]
    information: dict[str, Any]
    references: list[tuple[str, str, str]]
    project_cookie: int
    modules: list[Module]


def _records(data: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        i += 6
        if rid == 0x0009:  # PROJECTVERSION: "size" is a reserved 4, then 4 + 2 bytes follow
            size = 6
        out.append((rid, data[i : i + size]))
        i += size
    return out


def _dir(data: bytes, codepage: str = "cp1252") -> tuple[dict[str, Any], list[tuple[str, str, str]], int, list[Module]]:
    info: dict[str, Any] = {}
    refs: list[tuple[str, str, str]] = []
    modules: list[Module] = []
    ref_name = ""
    cookie = -1
    in_modules = False
    for rid, value in _records(data):
        if rid in _SKIPPED:
            continue
        if rid == 0x000F:
            in_modules = True
        elif not in_modules and rid in RECORDS:
            name = RECORDS[rid]
            if rid == 0x0009:
                info[name] = struct.unpack("<IH", value)
            elif rid in (0x0001, 0x004A, 0x0002, 0x0014, 0x0007, 0x0008):
                info[name] = struct.unpack("<I", value)[0]
            elif rid == 0x0003:
                info[name] = struct.unpack("<H", value)[0]
            else:
                info[name] = value.decode(codepage)
        elif rid == 0x0016:
            ref_name = value.decode(codepage)
        elif rid in _REFERENCE_KINDS:
            libid = value[4 : 4 + struct.unpack_from("<I", value)[0]] if rid != 0x002F else value[4:]
            guid = libid.decode(codepage, "replace").split("}")[0].split("{")[-1].upper()
            refs.append((ref_name, _REFERENCE_KINDS[rid], guid))
        elif rid == 0x0013:
            cookie = struct.unpack("<H", value)[0]
        elif rid == 0x0019:
            modules.append(Module(value.decode(codepage)))
        elif rid in _MODULE_FIELDS and modules:
            key = _MODULE_FIELDS[rid]
            if rid in (0x001A, 0x001C):
                modules[-1].fields[key] = value.decode(codepage)
            else:
                modules[-1].fields[key] = struct.unpack("<H" if len(value) == 2 else "<I", value)[0]
        elif rid in (0x0021, 0x0022) and modules:
            modules[-1].kind = "procedural" if rid == 0x0021 else "document/class"
        elif rid in (0x0025, 0x0028) and modules:
            modules[-1].flags.append("READONLY" if rid == 0x0025 else "PRIVATE")
    return info, refs, cookie, modules


def _project_text(text: str) -> tuple[list[tuple[str, str]], list[str], dict[str, str]]:
    props: list[tuple[str, str]] = []
    hosts: list[str] = []
    workspace: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        if section == "Host Extender Info":
            hosts.append(line)
        elif section == "Workspace":
            workspace[key] = value
        else:
            props.append((key, value.strip('"')))
    return props, hosts, workspace


def _projectwm(data: bytes) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(data) - 2:
        end = data.index(b"\x00", i)
        mbcs = data[i:end].decode("cp1252")
        j = end + 1
        while data[j : j + 2] != b"\x00\x00":
            j += 2
        out.append((mbcs, data[end + 1 : j].decode("utf-16-le")))
        i = j + 2
    return out


def read_project(data: bytes) -> Anatomy:
    """The fields of the ``vbaProject.bin`` in ``data``."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    streams = sorted("/".join(p) for p in ole.listdir())
    head = ole.openstream("VBA/_VBA_PROJECT").read()
    reserved1, version, reserved2, reserved3 = struct.unpack_from("<HHBH", head)
    vba_project = {"Reserved1": reserved1, "Version": version, "Reserved2": reserved2,
                   "Reserved3": reserved3, "PerformanceCache": len(head) - 7}
    info, refs, cookie, modules = _dir(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    codepage = f"cp{info.get('CODEPAGE', 1252)}"
    props, hosts, workspace = _project_text(ole.openstream("PROJECT").read().decode(codepage))
    protection = {k: MsOvbaCrypto.decrypt(bytes.fromhex(v)) for k, v in props if k in ("CMG", "DPB", "GC")}
    wm = _projectwm(ole.openstream("PROJECTwm").read()) if ole.exists("PROJECTwm") else []
    for module in modules:
        raw = ole.openstream(f"VBA/{module.fields.get('stream', module.name)}").read()
        source = decompress_stream(bytearray(raw[module.fields.get("offset", 0) :])).decode(codepage)
        for line in source.replace("\r\n", "\n").split("\n"):
            if not line.startswith("Attribute VB_"):
                break
            module.attributes.append(line)
    return Anatomy(streams, vba_project, props, protection, hosts, workspace, wm, info, refs, cookie, modules)


def flatten(a: Anatomy) -> dict[str, Any]:
    """``{field: value}`` for a field-by-field comparison of two projects.

    Module-specific fields carry the module's name (``module ThisWorkbook: docstring``);
    module streams are listed apart from the fixed streams.
    """
    names = [m.name for m in a.modules]
    out: dict[str, Any] = {
        "streams (besides modules)": sorted(s for s in a.streams if s.removeprefix("VBA/") not in names),
        "modules": sorted(names),
    }
    out.update({f"_VBA_PROJECT {k}": v for k, v in a.vba_project.items()})
    module_lines = {"Document", "Module", "Class", "BaseClass", "Package"}
    out["PROJECT property order"] = [k for k, _ in a.project if k not in module_lines]
    out["PROJECT module lines"] = sorted(f"{k}={v}" for k, v in a.project if k in ("Document", "Module", "Class"))
    for key, value in a.project:
        if key not in module_lines:
            out[f"PROJECT {key}"] = value
    out.update({f"PROJECT {k} (decoded)": v for k, v in a.protection.items()})
    out["PROJECT Host Extender Info"] = a.host_extenders
    out["PROJECT [Workspace] lists every module"] = sorted(a.workspace) == sorted(names)
    out["PROJECT [Workspace] windows"] = dict(sorted(a.workspace.items()))
    out["PROJECTwm lists every module in dir order"] = a.projectwm == [(n, n) for n in names]
    out.update({f"dir {k}": v for k, v in a.information.items()})
    out["dir references"] = list(a.references)
    out["dir PROJECTCOOKIE"] = a.project_cookie
    for m in a.modules:
        out[f"module {m.name}: type"] = m.kind
        out[f"module {m.name}: flags"] = m.flags
        out[f"module {m.name}: attributes"] = m.attributes
        for key, value in m.fields.items():
            out[f"module {m.name}: {key}"] = value
    return out


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Every field whose value differs, or that only one side has."""
    missing = "<absent>"
    keys = sorted(set(ours) | set(theirs))
    return {
        k: (ours.get(k, missing), theirs.get(k, missing))
        for k in keys
        if ours.get(k, missing) != theirs.get(k, missing)
    }
